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
import os
import shutil
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import ConversionError
from .chunks import (
    Chunk,
    Doc,
    as_files,
    chunks_of,
    groups,
    merge_job,
    read_inputs,
    split_job,
    worker_pool,
)
from .converter import Converter
from .libreoffice import RUN_TIMEOUT_BASE_S, RUN_TIMEOUT_PER_FILE_S, make_staging_dir
from .shared import shared_converter
from .verify import pdf_page_count

logger = logging.getLogger(__name__)

Strategy = Literal["auto", "combined", "batch"]
#: documents one combined DOCX holds at most.  LibreOffice lays a long document out in
#: more than linear time (one-page plans, LibreOffice 25.2: 6.7 ms a document in a
#: 100-document file, 9.8 in a 250, 14.6 in a 500; 500 documents as 5 × 100 took 3.4 s,
#: as 10 × 50 3.7 s, as 2 × 250 5.3 s), and every PDF split off a chunk carries the
#: whole chunk's font subsets, so chunks stay near 100
DEFAULT_CHUNK_SIZE = 100
#: "auto" combines a template's documents only when there are at least this many
AUTO_MIN_GROUP = 3
#: a combined DOCX's time allowance counts this many of its documents as one file
DOCS_PER_TIMEOUT_FILE = 5
#: export options of every file converted here (the combined ones need the marks)
EXPORT_OPTIONS = {"ExportBookmarksToPDFDestination": True}


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
    items = read_inputs(docs, names, titles)
    timings["read"] = time.perf_counter() - started

    conv = converter or shared_converter()
    staging = make_staging_dir(out)
    try:
        parts, batch = _plan(items, strategy, template_keys, chunk_size, conv.workers)
        results: dict[int, tuple[Path, int]] = {}
        sources: dict[int, tuple[Path, range]] = {}
        pipeline = _Pipeline(conv, staging, out, results, sources, warnings, timings)
        combined_pdfs, retry = pipeline.run(parts, batch)
        warnings[:0] = conv.warnings
        combined_count = len(sources)
        _convert_batch(conv, retry, staging, out, results)
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
    items: list[Doc], strategy: Strategy, keys: Sequence[str] | None, chunk_size: int,
    workers: int,
) -> tuple[list[list[Doc]], list[Doc]]:
    """The chunks to combine, and the documents to convert as they are."""
    if strategy == "batch":
        return [], list(items)
    minimum = AUTO_MIN_GROUP if strategy == "auto" else 2
    parts: list[list[Doc]] = []
    batch: list[Doc] = []
    for group in groups(items, keys):
        if len(group) < minimum:
            batch.extend(group)
        else:
            parts.extend(chunks_of(group, chunk_size, workers))
    return parts, batch


class _Pipeline:
    """Merging, converting and splitting overlap: a chunk goes to LibreOffice as soon
    as it is merged, and is split as soon as it is converted, so neither LibreOffice
    nor the merge/split workers wait for a whole stage to finish."""

    def __init__(self, conv: Converter, staging: Path, out: Path,
                 results: dict[int, tuple[Path, int]], sources: dict[int, tuple[Path, range]],
                 warnings: list[str], timings: dict[str, float]) -> None:
        self.conv, self.staging, self.out = conv, staging, out
        self.results, self.sources = results, sources
        self.warnings, self.timings = warnings, timings
        self.converted = staging / "converted"
        self.started = time.perf_counter()

    def run(self, parts: list[list[Doc]], batch: list[Doc]) -> tuple[list[Path], list[Doc]]:
        """Returns the combined PDFs and the documents of chunks that failed."""
        largest = max((len(part) for part in parts), default=1)
        self.timeout = RUN_TIMEOUT_BASE_S + RUN_TIMEOUT_PER_FILE_S * (
            math.ceil(len(parts) / self.conv.workers) * (1 + largest / DOCS_PER_TIMEOUT_FILE))
        retry: list[Doc] = []
        kept: list[Path] = []
        with worker_pool(self.conv.workers if parts else 1, (parts, self.staging)) as pool, \
                ThreadPoolExecutor(self.conv.workers) as office:
            # merges first: a forking pool starts all its workers on the first submit, and
            # a fork while another thread starts LibreOffice would inherit that start's
            # pipe and keep it from ever reporting back
            merges = {pool.submit(merge_job, i): part for i, part in enumerate(parts)}
            files = sorted(zip(batch, as_files(batch, self.staging), strict=True),
                           key=lambda pair: -pair[1].stat().st_size)  # the longest first
            singles = {self._convert(office, path): doc for doc, path in files}
            conversions: dict[Future, Chunk] = {}
            for future in as_completed(merges):
                part = merges[future]
                docx, joined, notes = future.result()
                self.warnings.extend(notes)
                leftovers = [doc for position, doc in enumerate(part) if position not in joined]
                for doc, path in zip(leftovers, as_files(leftovers, self.staging), strict=True):
                    singles[self._convert(office, path)] = doc
                if docx is not None:
                    chunk = Chunk([part[position] for position in joined], docx)
                    conversions[self._convert(office, docx)] = chunk
            self._mark("merge")
            splits: dict[Future, tuple[Chunk, Path]] = {}
            for future in as_completed(conversions):
                chunk = conversions[future]
                (item,) = future.result()
                if isinstance(item, ConversionError):
                    self.warnings.append(f"{item}; converting its documents one by one")
                    retry.extend(chunk.docs)
                    continue
                job = (item, [doc.name for doc in chunk.docs], self.out)
                splits[pool.submit(split_job, job)] = (chunk, item)
            for future in as_completed(singles):
                self._single(singles[future], future.result()[0])
            self._mark("convert")
            for future in as_completed(splits):
                chunk, pdf = splits[future]
                written = future.result()
                if isinstance(written, ConversionError):
                    self.warnings.append(f"{written}; converting its documents one by one")
                    retry.extend(chunk.docs)
                    continue
                for doc, (target, pages) in zip(chunk.docs, written, strict=True):
                    self.results[doc.index] = (target, len(pages))
                    self.sources[doc.index] = (pdf, pages)
                kept.append(pdf)
            self._mark("split")
        kept.sort(key=lambda pdf: pdf.name)
        return kept, retry

    def _convert(self, office: ThreadPoolExecutor, path: Path) -> Future:
        return office.submit(self.conv.convert_each, [path], self.converted,
                             export_options=EXPORT_OPTIONS, timeout=self.timeout)

    def _single(self, doc: Doc, item: Path | ConversionError) -> None:
        if isinstance(item, ConversionError):
            raise item
        target = self.out / f"{doc.name}.pdf"
        os.replace(item, target)
        self.results[doc.index] = (target, pdf_page_count(target))

    def _mark(self, step: str) -> None:
        """Seconds from the start until ``step`` was done for every document (the steps
        overlap, so these are points in time, not durations)."""
        self.timings[step] = time.perf_counter() - self.started


def _convert_batch(
    conv: Converter, batch: list[Doc], staging: Path, out: Path,
    results: dict[int, tuple[Path, int]],
) -> None:
    """Convert documents as files, all or none (the documents of a failed chunk)."""
    if batch:
        for doc, pdf in zip(batch, conv.convert(as_files(batch, staging), out), strict=True):
            results[doc.index] = (pdf, pdf_page_count(pdf))
