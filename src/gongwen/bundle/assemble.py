"""PDF bundles: one file per activity phase, as a branch hands it to its superior.

A bundle is a cover, a 目录 and the converted documents in order, each document
starting where the 目录 says it does.  Page numbering (``numbering``):

* ``"body"`` (default, the book convention): the cover and 目录 are labelled i, ii, …
  and the documents 1, 2, … from the first page of the first document; the 目录 prints
  those numbers, which are the ones a PDF viewer shows in its page box.
* ``"physical"``: every page is labelled 1, 2, … from the cover; the 目录 prints
  physical page numbers.

With ``duplex=True`` a blank page is inserted wherever needed so that the 目录 and every
document start on a right-hand (odd) page.  Two builds of the same inputs give
byte-identical files: the dates come from ``date`` and the file identifier from the
content.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from ..errors import BundleError, InputError
from ..fileio import write_atomic
from ..inputs.limits import check_size, data_limit
from ..layout import standard
from ..text import format_date, strip_bidi_controls
from .pages import (
    COVER_BOOKMARK,
    MALFORMED_PDF_ERRORS,
    TOC_BOOKMARK,
    Numbering,
    PagePlan,
    ToPdf,
    plan_pages,
    render_front,
)
from .pdffile import add_metadata, add_page_labels, serialize

__all__ = ["Bookmark", "BundleEntry", "BundleResult", "PlacedEntry", "build_bundle"]

#: page labels need PDF 1.3 and the document language 1.4
MIN_PDF_HEADER = "%PDF-1.4"
#: an input PDF larger than this is refused before it is read (a phase's documents with
#: photographs are a few MB each); scales with ``GONGWEN_MAX_INPUT_MB`` as the other limits
PDF_FACTOR = 256
#: pages of one bundle, all inputs together: a phase's paperwork for a branch of hundreds
#: is a few thousand pages; a crafted page tree of millions would take minutes and GBs
MAX_BUNDLE_PAGES = 20_000
#: the named destinations gongwen.convert's combined PDFs mark documents with
BLANK_PAGE_SIZE_PT = (standard.mm_to_pt(standard.PAGE_WIDTH_MM),
                      standard.mm_to_pt(standard.PAGE_HEIGHT_MM))


@dataclass(frozen=True)
class BundleEntry:
    """One document of a bundle.  ``group`` nests its bookmark and 目录 line under a
    heading (e.g. group ``"承诺书"``, title ``"张三"``); entries of a group are consecutive."""

    pdf: Path | bytes
    title: str
    group: str | None = None
    #: the 0-based pages of ``pdf`` that are this entry (default: all of them).  Many
    #: entries can share one PDF, e.g. the combined PDF of a conversion
    #: (:attr:`gongwen.convert.ConversionResult.page_sources`): it is read once and its
    #: fonts go into the bundle once
    pages: range | None = None


@dataclass(frozen=True)
class PlacedEntry:
    """Where an entry landed: ``start_page`` is the 1-based physical page, ``page_label``
    the label a viewer shows there (and the number the 目录 prints)."""

    title: str
    group: str | None
    start_page: int
    page_label: str
    page_count: int


@dataclass(frozen=True)
class Bookmark:
    """An outline item of the bundle; ``page`` is 1-based and physical."""

    title: str
    page: int
    children: tuple[Bookmark, ...] = ()


@dataclass(frozen=True)
class BundleResult:
    """What :func:`build_bundle` wrote, for a caller's report or manifest."""

    out_path: Path
    page_count: int
    entries: tuple[PlacedEntry, ...]
    bookmarks: tuple[Bookmark, ...]
    front_pages: int  # cover, 目录 and the blank pages among them
    blank_pages: int  # every padding page, front or between documents
    size_bytes: int

    @property
    def start_pages(self) -> tuple[int, ...]:
        return tuple(e.start_page for e in self.entries)

    @property
    def page_labels(self) -> tuple[str, ...]:
        return tuple(e.page_label for e in self.entries)


def build_bundle(
    entries: Sequence[BundleEntry],
    out_path: Path | str,
    *,
    title: str,
    author: str | None = None,
    subject: str | None = None,
    date: datetime.date | None = None,
    cover: bool = True,
    toc: bool = True,
    duplex: bool = False,
    numbering: Numbering = "body",
    to_pdf: ToPdf | None = None,
) -> BundleResult:
    """Merge ``entries`` into one PDF at ``out_path`` with a cover, a 目录, bookmarks,
    page labels and metadata.

    The cover and 目录 are a DOCX turned into PDF by ``to_pdf`` (default: a
    :func:`gongwen.convert.shared_converter`); ``date`` (default: today) is printed on the
    cover and stamped as the creation date.  Raises :class:`BundleError` for an input that
    is missing, unreadable, encrypted or empty; nothing is written then, and an
    existing ``out_path`` is replaced only by a complete file.
    """
    out_path = Path(out_path)
    date = date or datetime.date.today()
    if numbering not in ("body", "physical"):
        raise ValueError(f"numbering must be 'body' or 'physical', not {numbering!r}")
    entries = [_normalized(entry) for entry in entries]
    title = strip_bidi_controls(title)
    author = strip_bidi_controls(author) if author else author
    subject = strip_bidi_controls(subject) if subject else subject
    _check_entries(entries, title)
    readers = _open_entries(entries)
    counts = [len(_pages_of(e, r)) for e, r in zip(entries, readers, strict=True)]
    if sum(counts) > MAX_BUNDLE_PAGES:
        raise BundleError(f"the inputs have {sum(counts):,} pages together; a bundle may "
                          f"have at most {MAX_BUNDLE_PAGES:,}: make one bundle per part")

    front: PdfReader | None = None
    if cover or toc:
        front, plan = render_front(
            to_pdf or _default_converter(), [(e.title, e.group) for e in entries], counts,
            title=title, author=author, date_text=format_date(date), cover=cover, toc=toc,
            duplex=duplex, numbering=numbering,
        )
    else:
        plan = plan_pages(0, 0, counts, duplex=duplex, numbering=numbering)

    writer = _assemble(front, readers, entries, plan)
    bookmarks = _add_outline(writer, entries, plan)
    add_page_labels(writer, plan)
    add_metadata(writer, title=title, author=author, subject=subject, date=date)
    data = serialize(writer, _content_id(
        front, readers, entries,
        (title, author, subject, str(date), cover, toc, duplex, numbering)))
    _write(out_path, data)
    placed = tuple(
        PlacedEntry(e.title, e.group, start + 1, str(plan.label(start)), n)
        for e, start, n in zip(entries, plan.starts, counts, strict=True)
    )
    return BundleResult(
        out_path=out_path,
        page_count=plan.total,
        entries=placed,
        bookmarks=bookmarks,
        front_pages=plan.body_start,
        blank_pages=len(plan.blanks),
        size_bytes=len(data),
    )


def _check_entries(entries: Sequence[BundleEntry], title: str) -> None:
    if not title.strip():
        raise BundleError("a bundle needs a title")
    if not entries:
        raise BundleError("nothing to bundle: no entries given")
    finished: set[str] = set()
    current: str | None = None
    for i, entry in enumerate(entries, 1):
        if not entry.title.strip():
            raise BundleError(f"entry {i} ({_source_name(entry)}) has an empty title")
        if entry.group != current:
            if current is not None:
                finished.add(current)
            if entry.group in finished:
                raise BundleError(
                    f"entry {i} {entry.title!r}: group {entry.group!r} was already closed; "
                    "entries of one group must be consecutive"
                )
            current = entry.group


def _normalized(entry: BundleEntry) -> BundleEntry:
    """A blank group (say, from a file in the current directory) means no group; no
    title or group keeps a bidi control, which would reorder the 目录 line's number
    and the bookmark it prints (:mod:`gongwen.text.bidi`)."""
    title = strip_bidi_controls(entry.title)
    group = strip_bidi_controls(entry.group or "").strip() or None
    return (entry if (title, group) == (entry.title, entry.group)
            else replace(entry, title=title, group=group))


def _source_name(entry: BundleEntry) -> str:
    return "<bytes>" if isinstance(entry.pdf, bytes) else str(entry.pdf)


def _where(entry: BundleEntry, index: int) -> str:
    """``a.pdf (entry 3 '张三' in group '承诺书')``: how errors name an input."""
    group = f" in group {entry.group!r}" if entry.group else ""
    return f"{_source_name(entry)} (entry {index} {entry.title!r}{group})"


def _open_entries(entries: Sequence[BundleEntry]) -> list[PdfReader]:
    """One reader per entry, shared by entries that name the same file (or bytes)."""
    readers: dict[object, PdfReader] = {}
    result = []
    for index, entry in enumerate(entries, 1):
        key = (id(entry.pdf) if isinstance(entry.pdf, bytes)
               else os.path.abspath(entry.pdf))
        reader = readers.get(key)
        if reader is None:
            reader = readers[key] = _open_entry(entry, index)
        pages = entry.pages
        if pages is not None and (not pages or pages.step != 1 or pages.start < 0
                                  or pages.stop > len(reader.pages)):
            raise BundleError(f"{_where(entry, index)}: pages {pages.start + 1}–{pages.stop} "
                              f"are not a run of the PDF's {len(reader.pages)} pages")
        result.append(reader)
    return result


def _pages_of(entry: BundleEntry, reader: PdfReader) -> range:
    return entry.pages if entry.pages is not None else range(len(reader.pages))


def _open_entry(entry: BundleEntry, index: int) -> PdfReader:
    """Read an input PDF fully, so that every problem shows before anything is written."""
    where = _where(entry, index)
    if isinstance(entry.pdf, bytes):
        data = entry.pdf
    else:
        try:
            check_size(Path(entry.pdf), data_limit() * PDF_FACTOR, "PDF to bundle")
            data = Path(entry.pdf).read_bytes()
        except InputError as exc:
            raise BundleError(f"{where}: {exc.message} (hint: {exc.hint})") from None
        except OSError as exc:
            raise BundleError(f"{where}: cannot read the file: {exc.strerror or exc}") from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise BundleError(f"{where}: the PDF is encrypted; give an unencrypted copy")
        pages = len(reader.pages)
    except (*MALFORMED_PDF_ERRORS, RecursionError) as exc:  # a page tree nested too deep
        raise BundleError(f"{where}: not a readable PDF: {exc or type(exc).__name__}") from exc
    if pages == 0:
        raise BundleError(f"{where}: the PDF has no pages")
    if pages > MAX_BUNDLE_PAGES:
        raise BundleError(f"{where}: the PDF has {pages:,} pages; a bundle may have at most "
                          f"{MAX_BUNDLE_PAGES:,}")
    return reader


def _default_converter() -> ToPdf:
    try:
        from ..convert import shared_converter
    except ImportError as exc:  # pragma: no cover - only while gongwen.convert is missing
        raise BundleError(
            "the cover and 目录 need gongwen.convert; pass to_pdf or cover=False, toc=False"
        ) from exc
    converter = shared_converter()  # the one that converted the documents, still running
    return lambda docx: converter.convert_bytes(docx, name="bundle-front")


def _assemble(
    front: PdfReader | None,
    readers: Sequence[PdfReader],
    entries: Sequence[BundleEntry],
    plan: PagePlan,
) -> PdfWriter:
    writer = PdfWriter()
    writer.pdf_header = MIN_PDF_HEADER
    parts: list[tuple[PdfReader | None, range, str]] = []
    if plan.cover_pages:
        parts.append((front, range(0, plan.cover_pages), COVER_BOOKMARK))
    if plan.toc_start is not None:
        toc_pages = range(plan.cover_pages, plan.cover_pages + plan.toc_pages)
        parts.append((front, toc_pages, TOC_BOOKMARK))
    for i, (reader, entry) in enumerate(zip(readers, entries, strict=True), 1):
        parts.append((reader, _pages_of(entry, reader), _where(entry, i)))
    for reader, pages, where in parts:
        assert reader is not None
        writer.pdf_header = max(writer.pdf_header, reader.pdf_header)
        try:
            for page in pages:
                while len(writer.pages) in plan.blanks:
                    writer.add_blank_page(*BLANK_PAGE_SIZE_PT)
                # page by page: a document's named destinations and outline stay out
                # (the bundle makes its own), and copying them costs most of the time
                writer.add_page(reader.pages[page])
        except MALFORMED_PDF_ERRORS as exc:
            raise BundleError(f"{where}: could not copy its pages: {exc}") from exc
    while len(writer.pages) in plan.blanks:
        writer.add_blank_page(*BLANK_PAGE_SIZE_PT)
    if len(writer.pages) != plan.total:  # pragma: no cover - a planning bug, not a user error
        raise BundleError(f"assembled {len(writer.pages)} pages, planned {plan.total}")
    return writer


def _add_outline(
    writer: PdfWriter, entries: Sequence[BundleEntry], plan: PagePlan
) -> tuple[Bookmark, ...]:
    """One bookmark per entry, nested under its group; the cover and 目录 get one too."""
    marks: list[Bookmark] = []
    if plan.cover_pages:
        marks.append(Bookmark(COVER_BOOKMARK, 1))
    if plan.toc_start is not None:
        marks.append(Bookmark(TOC_BOOKMARK, plan.toc_start + 1))
    placed = list(zip(entries, plan.starts, strict=True))
    for group, members in itertools.groupby(placed, key=lambda pair: pair[0].group):
        children = tuple(Bookmark(e.title, start + 1) for e, start in members)
        if group is None:
            marks.extend(children)
        else:
            marks.append(Bookmark(group, children[0].page, children))
    for mark in marks:
        parent = writer.add_outline_item(title=mark.title, page_number=mark.page - 1)
        for child in mark.children:
            writer.add_outline_item(title=child.title, page_number=child.page - 1, parent=parent)
    writer.page_mode = "/UseOutlines"
    return tuple(marks)


def _content_id(front: PdfReader | None, readers: Sequence[PdfReader],
                entries: Sequence[BundleEntry], options: tuple[object, ...]) -> bytes:
    """The bundle's file identifier: a digest of everything it is made of (the input
    files, which pages of them, the titles, the options), never of a clock or random
    source; equal inputs give equal files."""
    digest = hashlib.md5(usedforsecurity=False)
    seen: dict[int, bytes] = {}
    for reader, entry in zip([front, *readers], [None, *entries], strict=True):
        if reader is None:
            continue
        if id(reader) not in seen:
            stream = reader.stream
            data = stream.getvalue() if isinstance(stream, io.BytesIO) else b""
            seen[id(reader)] = hashlib.md5(data, usedforsecurity=False).digest()
        digest.update(seen[id(reader)])
        if entry is not None:
            pages = (entry.pages.start, entry.pages.stop) if entry.pages is not None else None
            digest.update(repr((entry.title, entry.group, pages)).encode())
    digest.update(repr(options).encode())
    return digest.digest()


def _write(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise BundleError(f"{path}: cannot write the bundle: {exc.strerror or exc}") from exc
