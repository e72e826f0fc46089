"""Many documents → many PDFs, fast: combine the ones that share a template, convert
each combination once, and split the PDF again at each document's named destination.

Converting one combined DOCX costs about 15 ms per document where one LibreOffice per
file costs most of a second, so :func:`convert_many` combines whenever it can and falls
back to converting files in batches for what cannot be combined (it says why in the
result's warnings).
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pypdf import PdfReader

from ..errors import ConversionError
from .converter import Converter, shared_converter
from .libreoffice import RUN_TIMEOUT_BASE_S, RUN_TIMEOUT_PER_FILE_S, make_staging_dir
from .merge import Merger, NotCombinable
from .package import Package
from .split import split_pdf
from .verify import check_docx, pdf_page_count

logger = logging.getLogger(__name__)

Strategy = Literal["auto", "combined", "batch"]
#: documents one combined DOCX holds at most.  LibreOffice lays a long document out in
#: more than linear time (one-page plans, LibreOffice 25.2: 6.7 ms a document in a
#: 100-document file, 9.8 in a 250, 14.6 in a 500; 500 documents as 5 × 100 took 3.4 s,
#: as 10 × 50 3.7 s, as 2 × 250 5.3 s), and every PDF split off a chunk carries the
#: whole chunk's font subsets, so chunks stay near 100
DEFAULT_CHUNK_SIZE = 100
#: a combined DOCX is split further for parallel workers only down to this many documents
MIN_CHUNK_SIZE = 10
#: "auto" combines a template's documents only when there are at least this many
AUTO_MIN_GROUP = 3
#: file name stem of the combined PDFs kept beside the documents' own
COMBINED_STEM = "_combined"
#: a combined DOCX's time allowance counts this many of its documents as one file
DOCS_PER_TIMEOUT_FILE = 5
_MARK_RE = re.compile(r"GwDoc(\d+)$")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass
class ConversionResult:
    """What :func:`convert_many` produced: one PDF per input, in input order."""

    pdfs: list[Path]
    page_counts: list[int]
    #: "combined", "batch", or "mixed" when some documents could not be combined
    strategy: str
    #: one PDF per combined chunk (empty when nothing was combined or none were kept)
    combined_pdfs: list[Path] = field(default_factory=list)
    #: per input, a PDF that holds its pages and their 0-based indices there: a kept
    #: combined PDF, else the document's own PDF.  A bundle built from these
    #: (``BundleEntry(pdf, title, pages=pages)``) copies each chunk's fonts once
    page_sources: list[tuple[Path, range]] = field(default_factory=list)
    #: seconds spent per step: "read", "merge", "convert", "split", "total"
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def combined_pdf(self) -> Path | None:
        """The first combined PDF (the only one unless there were several chunks)."""
        return self.combined_pdfs[0] if self.combined_pdfs else None

    @property
    def seconds_per_document(self) -> float:
        return self.timings.get("total", 0.0) / max(1, len(self.pdfs))


@dataclass
class _Doc:
    index: int
    name: str
    package: Package
    source: Path | None
    title: str | None


@dataclass
class _Chunk:
    docs: list[_Doc]
    docx: Path


def _read_inputs(
    docs: Sequence[Path | str | bytes], names: Sequence[str] | None,
    titles: Sequence[str | None] | None,
) -> list[_Doc]:
    if names is not None and len(names) != len(docs):
        raise ValueError("names needs one entry per document")
    if titles is not None and len(titles) != len(docs):
        raise ValueError("titles needs one entry per document")
    result, seen = [], set()
    for i, doc in enumerate(docs):
        source = None if isinstance(doc, bytes) else Path(doc)
        default = source.stem if source is not None else f"document-{i + 1:04d}"
        name = _UNSAFE_NAME.sub("_", names[i] if names else default).strip(". ") or default
        if name in seen or name.startswith(COMBINED_STEM):
            raise ConversionError(f"{source or name}: two documents would both write {name}.pdf")
        seen.add(name)
        data = doc if isinstance(doc, bytes) else _read(source)
        check_docx(data, name=str(source or name))
        result.append(_Doc(i, name, Package(name, data), source, titles[i] if titles else None))
    return result


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConversionError(f"{path}: cannot read it ({exc.strerror})") from None


def _groups(docs: list[_Doc], keys: Sequence[str] | None) -> list[list[_Doc]]:
    """Documents by template: the caller's keys, or the template signature."""
    if keys is not None and len(keys) != len(docs):
        raise ValueError("template_keys needs one entry per document")
    groups: dict[str, list[_Doc]] = {}
    for doc in docs:
        key = keys[doc.index] if keys is not None else doc.package.signature
        groups.setdefault(key, []).append(doc)
    return list(groups.values())


def _chunks_of(group: list[_Doc], chunk_size: int, workers: int) -> list[list[_Doc]]:
    """Split ``group`` into chunks of at most ``chunk_size``, and into at least one per
    worker while each keeps :data:`MIN_CHUNK_SIZE` documents."""
    count = max(math.ceil(len(group) / chunk_size),
                min(workers, len(group) // MIN_CHUNK_SIZE), 1)
    size = math.ceil(len(group) / count)
    return [group[k:k + size] for k in range(0, len(group), size)]


def _merge_chunk(docs: list[_Doc]) -> tuple[bytes | None, list[int], list[str]]:
    """Merge what can be merged: the DOCX (None if fewer than two joined), the positions
    in ``docs`` of the documents in it, and why the others are not."""
    merger = Merger(docs[0].package)
    joined, warnings = [], []
    for position, doc in enumerate(docs):
        try:
            merger.add(doc.package, doc.title)
            joined.append(position)
        except NotCombinable as exc:
            warnings.append(f"{doc.source or doc.name}: converted on its own: {exc}")
    if len(joined) < 2:
        return None, [], warnings
    return merger.build(), joined, warnings


#: what the jobs of :func:`_in_processes` read (set in each worker by its initializer)
_SHARED: Any = None


def _set_shared(value: Any) -> None:
    global _SHARED
    _SHARED = value


def _merge_job(index: int) -> tuple[Path | None, list[int], list[str]]:
    """Merge chunk ``index`` of ``_SHARED`` (its documents, the staging folder) to a file."""
    parts, staging = _SHARED
    data, joined, warnings = _merge_chunk(parts[index])
    if data is None:
        return None, joined, warnings
    docx = staging / f"{COMBINED_STEM}-{index + 1:03d}.docx"
    docx.write_bytes(data)
    return docx, joined, warnings


def _in_processes(function: Callable[[Any], Any], jobs: list, workers: int,
                  shared: Any = None) -> list:
    """``[function(job) for job in jobs]``, in up to ``workers`` forked processes when
    there are several jobs: merging and splitting are pure-Python CPU work, done while
    LibreOffice is not running.  ``shared`` is what the jobs read as ``_SHARED`` (fork
    hands it to the workers as it is, without pickling)."""
    parallel = min(workers, len(jobs))
    if parallel < 2 or "fork" not in multiprocessing.get_all_start_methods():
        _set_shared(shared)
        try:
            return [function(job) for job in jobs]
        finally:
            _set_shared(None)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(parallel, mp_context=context, initializer=_set_shared,
                             initargs=(shared,)) as pool:
        return list(pool.map(function, jobs))


def _split(combined: Path, names: Sequence[str], out_dir: Path) -> list[tuple[Path, range]]:
    """Write each document's pages of ``combined`` to ``out_dir/<name>.pdf``; returns
    each PDF and the pages of ``combined`` it took."""
    reader = PdfReader(str(combined))
    starts: dict[int, int] = {}
    for name, dest in reader.named_destinations.items():
        found = _MARK_RE.search(name)
        if found:
            starts[int(found.group(1))] = reader.get_destination_page_number(dest)
    total = len(reader.pages)
    firsts = [starts.get(number) for number in range(1, len(names) + 1)]
    if None in firsts or firsts[0] != 0 or firsts != sorted(set(firsts)):
        raise ConversionError(f"{combined.name}: the document marks are missing or out of order")
    bounds = [*firsts, total]
    parts = [(name, range(first, end))
             for name, first, end in zip(names, bounds, bounds[1:], strict=False)]
    written = split_pdf(reader, parts, out_dir)
    return [(target, pages) for target, (_, pages) in zip(written, parts, strict=True)]


def _split_job(job: tuple[Path, list[str], Path]) -> list[tuple[Path, range]] | ConversionError:
    try:
        return _split(*job)
    except ConversionError as exc:
        return exc


def convert_many(
    docs: Sequence[Path | str | bytes],
    out_dir: Path | str,
    *,
    strategy: Strategy = "auto",
    names: Sequence[str] | None = None,
    titles: Sequence[str | None] | None = None,
    template_keys: Sequence[str] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    keep_combined: bool = True,
    converter: Converter | None = None,
) -> ConversionResult:
    """Convert ``docs`` (paths or DOCX bytes) to ``out_dir/<name>.pdf``.

    ``strategy``: "combined" converts documents of one template together, "batch" hands
    files to LibreOffice as they are, "auto" combines groups of at least
    :data:`AUTO_MIN_GROUP`.  ``names`` name the PDFs (default: the file stems);
    ``titles`` pick the paragraph each document's bookmark in the combined PDF shows;
    ``template_keys`` group documents (default: equal styles, numbering and headers).
    """
    if strategy not in ("auto", "combined", "batch"):
        raise ValueError(f"unknown strategy {strategy!r}; use auto, combined or batch")
    started = time.perf_counter()
    out = Path(out_dir)
    timings: dict[str, float] = {}
    warnings: list[str] = []
    items = _read_inputs(docs, names, titles)
    timings["read"] = time.perf_counter() - started

    conv = converter or shared_converter()
    staging = make_staging_dir(out)
    try:
        mark = time.perf_counter()
        chunks, batch = _plan(items, strategy, template_keys, chunk_size, conv.workers,
                              staging, warnings)
        timings["merge"] = time.perf_counter() - mark
        warnings[:0] = conv.warnings  # asked after merging: LibreOffice starts meanwhile
        mark = time.perf_counter()
        results: dict[int, tuple[Path, int]] = {}
        sources: dict[int, tuple[Path, range]] = {}
        combined_pdfs, retry = _convert_all(conv, chunks, batch, staging, out, results,
                                            sources, warnings, timings)
        combined_count = len(sources)
        _convert_batch(conv, retry, staging, out, results)
        timings["convert"] = time.perf_counter() - mark - timings.get("split", 0.0)
        kept = []
        for pdf in combined_pdfs if keep_combined else []:
            os.replace(pdf, out / pdf.name)
            kept.append(out / pdf.name)
        moved = {pdf: out / pdf.name for pdf in combined_pdfs} if keep_combined else {}
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    used = ("batch" if not combined_count else
            "combined" if combined_count == len(items) else "mixed")
    timings["total"] = time.perf_counter() - started
    ordered = [results[doc.index] for doc in items]
    page_sources = []
    for doc, (pdf, pages) in zip(items, ordered, strict=True):
        source = sources.get(doc.index)
        if source is not None and source[0] in moved:
            page_sources.append((moved[source[0]], source[1]))
        else:
            page_sources.append((pdf, range(pages)))
    return ConversionResult(
        pdfs=[pdf for pdf, _ in ordered],
        page_counts=[pages for _, pages in ordered],
        strategy=used,
        combined_pdfs=kept,
        timings=timings,
        warnings=warnings,
        page_sources=page_sources,
    )


def _plan(
    items: list[_Doc], strategy: Strategy, keys: Sequence[str] | None, chunk_size: int,
    workers: int, staging: Path, warnings: list[str],
) -> tuple[list[_Chunk], list[_Doc]]:
    """Write the combined DOCX files; returns them and the documents left to batch."""
    if strategy == "batch":
        return [], list(items)
    chunks: list[_Chunk] = []
    batch: list[_Doc] = []
    minimum = AUTO_MIN_GROUP if strategy == "auto" else 2
    parts: list[list[_Doc]] = []
    for group in _groups(items, keys):
        if len(group) < minimum:
            batch.extend(group)
        else:
            parts.extend(_chunks_of(group, chunk_size, workers))
    merged = _in_processes(_merge_job, list(range(len(parts))), workers,
                           shared=(parts, staging))
    for part, (docx, joined, notes) in zip(parts, merged, strict=True):
        warnings.extend(notes)
        batch.extend(doc for position, doc in enumerate(part) if position not in joined)
        if docx is not None:
            chunks.append(_Chunk([part[position] for position in joined], docx))
    return chunks, batch


def _convert_all(
    conv: Converter, chunks: list[_Chunk], batch: list[_Doc], staging: Path, out: Path,
    results: dict[int, tuple[Path, int]], sources: dict[int, tuple[Path, range]],
    warnings: list[str], timings: dict[str, float],
) -> tuple[list[Path], list[_Doc]]:
    """Convert the combined DOCX files and the single documents in one go (so both cores
    stay busy to the end), then split the combined PDFs.  Returns the combined PDFs and
    the documents of chunks that failed, to be converted one by one."""
    inputs = [chunk.docx for chunk in chunks] + _as_files(batch, staging)
    if not inputs:
        return [], []
    largest = max((len(chunk.docs) for chunk in chunks), default=1)
    timeout = RUN_TIMEOUT_BASE_S + RUN_TIMEOUT_PER_FILE_S * (
        math.ceil(len(chunks) / conv.workers) * (1 + largest / DOCS_PER_TIMEOUT_FILE))
    converted = conv.convert_each(
        inputs, staging / "converted", timeout=timeout,
        export_options={"ExportBookmarksToPDFDestination": True},  # the document marks
    )
    for doc, item in zip(batch, converted[len(chunks):], strict=True):
        if isinstance(item, ConversionError):
            raise item
        target = out / f"{doc.name}.pdf"
        os.replace(item, target)
        results[doc.index] = (target, pdf_page_count(target))
    retry: list[_Doc] = []
    ready = []
    for chunk, item in zip(chunks, converted, strict=False):
        if isinstance(item, ConversionError):
            warnings.append(f"{item}; converting its documents one by one")
            retry.extend(chunk.docs)
        else:
            ready.append((chunk, item))
    mark = time.perf_counter()
    jobs = [(pdf, [doc.name for doc in chunk.docs], out) for chunk, pdf in ready]
    kept = []
    for (chunk, pdf), written in zip(ready, _in_processes(_split_job, jobs, conv.workers),
                                     strict=True):
        if isinstance(written, ConversionError):
            warnings.append(f"{written}; converting its documents one by one")
            retry.extend(chunk.docs)
            continue
        for doc, (target, pages) in zip(chunk.docs, written, strict=True):
            results[doc.index] = (target, len(pages))
            sources[doc.index] = (pdf, pages)
        kept.append(pdf)
    timings["split"] = time.perf_counter() - mark
    return kept, retry


def _as_files(batch: list[_Doc], staging: Path) -> list[Path]:
    """The documents as DOCX files named as their PDFs will be (bytes are written out)."""
    inputs = []
    for doc in batch:
        if doc.source is not None and doc.source.stem == doc.name and doc.source.suffix == ".docx":
            inputs.append(doc.source)
        else:
            path = staging / "batch" / f"{doc.name}.docx"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(doc.package.data)
            inputs.append(path)
    return inputs


def _convert_batch(
    conv: Converter, batch: list[_Doc], staging: Path, out: Path,
    results: dict[int, tuple[Path, int]],
) -> None:
    """Convert documents as files, all or none (the documents of a failed chunk)."""
    if batch:
        for doc, pdf in zip(batch, conv.convert(_as_files(batch, staging), out), strict=True):
            results[doc.index] = (pdf, pdf_page_count(pdf))
