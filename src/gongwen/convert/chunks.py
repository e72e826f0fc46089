"""The pieces :func:`~gongwen.convert.convert_many` is made of: documents read and
grouped by template, chunks merged into one DOCX each, and combined PDFs split again at
each document's named destination.  Merging and splitting run in worker processes.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from ..children import worker_processes
from ..errors import ConversionError
from .merge import Merger, NotCombinable
from .package import Package
from .split import split_pdf
from .verify import check_docx, marked_pages

#: a combined DOCX is split further for parallel workers only down to this many documents
MIN_CHUNK_SIZE = 10
#: file name stem of the combined PDFs kept beside the documents' own
COMBINED_STEM = "_combined"
_MARK_RE = re.compile(r"GwDoc(\d+)$")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass
class Doc:
    index: int
    name: str
    package: Package
    source: Path | None
    title: str | None


@dataclass
class Chunk:
    docs: list[Doc]
    docx: Path


def read_inputs(
    docs: Sequence[Path | str | bytes], names: Sequence[str] | None,
    titles: Sequence[str | None] | None,
) -> list[Doc]:
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
        data = doc if isinstance(doc, bytes) else read_file(source)
        check_docx(data, name=str(source or name))
        result.append(Doc(i, name, Package(name, data), source, titles[i] if titles else None))
    return result


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConversionError(f"{path}: cannot read it ({exc.strerror})") from None



def groups(docs: list[Doc], keys: Sequence[str] | None) -> list[list[Doc]]:
    """Documents by template: the caller's keys, or the template signature."""
    if keys is not None and len(keys) != len(docs):
        raise ValueError("template_keys needs one entry per document")
    groups: dict[str, list[Doc]] = {}
    for doc in docs:
        key = keys[doc.index] if keys is not None else doc.package.signature
        groups.setdefault(key, []).append(doc)
    return list(groups.values())


def chunks_of(group: list[Doc], chunk_size: int, workers: int) -> list[list[Doc]]:
    """Split ``group`` into chunks of at most ``chunk_size``, and into at least one per
    worker while each keeps :data:`MIN_CHUNK_SIZE` documents."""
    count = max(math.ceil(len(group) / chunk_size),
                min(workers, len(group) // MIN_CHUNK_SIZE), 1)
    size = math.ceil(len(group) / count)
    return [group[k:k + size] for k in range(0, len(group), size)]


def merge_chunk(docs: list[Doc]) -> tuple[bytes | None, list[int], list[str]]:
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


#: what the jobs of :func:`worker_pool` read (set in each worker by its initializer)
_SHARED: Any = None


def set_shared(value: Any) -> None:
    global _SHARED
    _SHARED = value


def merge_job(index: int) -> tuple[Path | None, list[int], list[str]]:
    """Merge chunk ``index`` of ``_SHARED`` (its documents, the staging folder) to a file."""
    parts, staging = _SHARED
    data, joined, warnings = merge_chunk(parts[index])
    if data is None:
        return None, joined, warnings
    docx = staging / f"{COMBINED_STEM}-{index + 1:03d}.docx"
    docx.write_bytes(data)
    return docx, joined, warnings


@contextlib.contextmanager
def worker_pool(workers: int, shared: Any = None) -> Iterator[Executor]:
    """Workers for merging and splitting, pure-Python CPU work: forked processes when
    the platform forks (``shared`` reaches them as it is, without pickling, as
    ``_SHARED``), else one thread."""
    if workers >= 2 and "fork" in multiprocessing.get_all_start_methods():
        with worker_processes(workers, set_shared, (shared,)) as pool:
            yield pool
        return
    set_shared(shared)
    try:
        with ThreadPoolExecutor(1) as pool:
            yield pool
    finally:
        set_shared(None)


def split_combined(combined: Path, names: Sequence[str], out_dir: Path) -> list[tuple[Path, range]]:
    """Write each document's pages of ``combined`` to ``out_dir/<name>.pdf``; returns
    each PDF and the pages of ``combined`` it took."""
    reader = PdfReader(str(combined))
    starts = marked_pages(reader, _MARK_RE)
    total = len(reader.pages)
    firsts = [starts.get(number) for number in range(1, len(names) + 1)]
    if None in firsts or firsts[0] != 0 or firsts != sorted(set(firsts)):
        raise ConversionError(f"{combined.name}: the document marks are missing or out of order")
    bounds = [*firsts, total]
    parts = [(name, range(first, end))
             for name, first, end in zip(names, bounds, bounds[1:], strict=False)]
    written = split_pdf(reader, parts, out_dir)
    return [(target, pages) for target, (_, pages) in zip(written, parts, strict=True)]


def split_job(job: tuple[Path, list[str], Path]) -> list[tuple[Path, range]] | ConversionError:
    try:
        return split_combined(*job)
    except ConversionError as exc:
        return exc


def as_files(batch: list[Doc], staging: Path) -> list[Path]:
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
