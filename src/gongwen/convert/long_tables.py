"""A document that is mostly one long table (a 汇总表 or 测评表 of a thousand members),
converted as a table per page.

LibreOffice imports one long table in more than linear time: the 1,000-row 汇总表
took 7 s to load, while the same rows as 57 page-long tables took 1.5 s.  So, for
LibreOffice only, a copy of the document has its long table cut where LibreOffice
itself breaks the pages; the DOCX written for the user keeps its one table.

Where the pages break is found by converting a probe: the document with only the
table's first rows, each bookmarked, so that the PDF says which page each row landed
on.  The copy then has a table per page, each with the header rows (which the long
table repeats on every page anyway), and each after the first behind a paragraph one
twip high that starts a page.  The result is taken only if every part landed on the page
it was cut for; otherwise the document is converted as it is.  The probe finds the
rows of the first page and of the full pages after it; the later pages are cut the
same, so a table whose rows grow taller further down fails the check and is
converted whole.
"""

from __future__ import annotations

import copy
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from ..fileio import write_atomic
from .package import DOCUMENT, MARK_ID_BASE, w
from .verify import marked_pages

logger = logging.getLogger(__name__)

#: rows the probe lays out (five pages of a 汇总表, or two of a table of tiny rows)
PROBE_ROWS = 80
#: a table with fewer rows (after its header) converts as it is: cutting it saves less
#: than the probe costs
MIN_ROWS = 500
#: pages the probe must fill after its first before its rows per page are trusted
PROBE_FULL_PAGES = 1
#: bookmarks that mark rows in the probe and parts in the cut copy
ROW_MARK, PART_MARK = "_GwRow", "_GwPart"
_MARK_NUMBER = re.compile(r"Gw(Row|Part)(\d+)$")
_MARKS = {kind: re.compile(rf"Gw{kind}(\d+)$") for kind in ("Row", "Part")}
#: export option that turns bookmarks into named destinations, which the check reads
_DESTINATIONS = "ExportBookmarksToPDFDestination"

#: converts one DOCX to ``out_dir/<stem>.pdf`` with the export options given; returns
#: what LibreOffice said went wrong (as :meth:`Converter._run`)
Run = Callable[[list[Path], Path, Mapping, "float | None"], str]


@dataclass
class _LongTable:
    """The parsed document and, in it, the long table's header and body rows."""

    tree: etree._Element
    table: etree._Element
    header: list[etree._Element]
    body: list[etree._Element]


def find_long_table(document_xml: bytes) -> _LongTable | None:
    """The body's longest table, when it has :data:`MIN_ROWS` rows and its rows after
    the header can be cut anywhere (no cell merged down across them)."""
    if document_xml.count(b"<w:tr") < MIN_ROWS:
        return None  # most documents: no need to parse them
    tree = etree.fromstring(document_xml)
    body = tree.find(w("body"))
    tables = [] if body is None else body.findall(w("tbl"))
    if not tables:
        return None
    table = max(tables, key=lambda t: len(t.findall(w("tr"))))
    rows = table.findall(w("tr"))
    header_count = 0
    while header_count < len(rows) and _is_header(rows[header_count]):
        header_count += 1
    header, rest = rows[:header_count], rows[header_count:]
    if len(rest) < MIN_ROWS or any(r.find(f"{w('tc')}/{w('tcPr')}/{w('vMerge')}") is not None
                                   for r in rest):
        return None
    return _LongTable(tree, table, header, rest)


def _is_header(row: etree._Element) -> bool:
    return row.find(f"{w('trPr')}/{w('tblHeader')}") is not None


def convert_paged(run: Run, source: Path, out_dir: Path, options: Mapping,
                  timeout: float | None) -> Path | None:
    """Convert ``source`` to ``out_dir/<stem>.pdf`` with its long table cut into pages;
    None (nothing written there) when it has no long table or the cut did not hold."""
    try:
        with zipfile.ZipFile(source) as archive:
            found = find_long_table(archive.read(DOCUMENT))  # most often None: read no more
            entries = {info.filename: archive.read(info) for info in archive.infolist()} \
                if found is not None else {}
    except (OSError, zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError, KeyError, EOFError):
        return None  # the normal conversion says what is wrong with it
    if found is None:
        return None
    work = out_dir / "paged"
    work.mkdir(parents=True, exist_ok=True)
    marked = dict(options, **{_DESTINATIONS: True})

    def convert(document: bytes) -> Path | None:
        docx = work / source.name
        docx.write_bytes(_package(entries, document))
        pdf = work / f"{source.stem}.pdf"
        pdf.unlink(missing_ok=True)
        said = run([docx], work, marked, timeout)
        if not pdf.is_file():
            logger.info("%s: the paged conversion failed (%s)", source.name, said)
            return None
        return pdf

    probe = convert(_probe(found))
    counts = _rows_per_page(probe, PROBE_ROWS) if probe is not None else None
    if counts is None:
        return None
    parts = _parts(len(found.body), counts)
    pdf = convert(_paged(found, parts))
    if pdf is None or not _parts_in_place(pdf, len(parts)):
        logger.info("%s: the table did not break where the probe said; converted whole",
                    source.name)
        return None
    target = out_dir / f"{source.stem}.pdf"
    try:
        _drop_marks(pdf, target)
    except (ValueError, KeyError, PyPdfError):
        return None
    return target


def _probe(found: _LongTable) -> bytes:
    """The document XML with only the table's first :data:`PROBE_ROWS` rows, each marked
    (the tree is left as it was)."""
    kept, dropped = found.body[:PROBE_ROWS], found.body[PROBE_ROWS:]
    for row in dropped:
        found.table.remove(row)
    marks = [_mark_row(row, ROW_MARK, number) for number, row in enumerate(kept, start=1)]
    try:
        return _xml(found.tree)
    finally:
        for mark in marks:
            for element in mark:
                element.getparent().remove(element)
        found.table.extend(dropped)


def _rows_per_page(pdf: Path, rows: int) -> list[int] | None:
    """Rows of the probe (``rows`` marked) on each page it filled: the first, then
    :data:`PROBE_FULL_PAGES` or more full ones that hold as many each; None otherwise."""
    pages = _mark_pages(pdf, "Row")
    if sorted(pages) != list(range(1, rows + 1)):
        return None
    counts: dict[int, int] = {}
    for number in range(1, rows + 1):
        counts[pages[number]] = counts.get(pages[number], 0) + 1
    if sorted(counts) != list(range(min(counts), max(counts) + 1)):
        return None  # rows out of order, or a page without any
    ordered = [counts[page] for page in sorted(counts)]
    full = ordered[1:-1]  # the probe's last page is where its cut table ends
    if len(full) < PROBE_FULL_PAGES or len(set(full)) != 1:
        return None
    return ordered[:-1]


def _parts(rows: int, counts: list[int]) -> list[int]:
    """How many rows each page-long table takes: as the probe's pages, then as many as
    its full pages held, until ``rows`` are all placed."""
    parts: list[int] = []
    placed = 0
    while placed < rows:
        size = counts[len(parts)] if len(parts) < len(counts) else counts[-1]
        parts.append(min(size, rows - placed))
        placed += parts[-1]
    return parts


def _paged(found: _LongTable, parts: list[int]) -> bytes:
    """The document XML with the long table as one table per part, each part's first
    row marked and each table after the first starting a page (the tree is changed)."""
    table, rows = found.table, found.body
    shell = table.makeelement(table.tag, table.attrib)
    shell.extend(copy.deepcopy(item) for item in table if item.tag != w("tr"))
    start = parts[0]
    _mark_row(rows[0], PART_MARK, 1)
    anchor = table
    for number, size in enumerate(parts[1:], start=2):
        part = copy.deepcopy(shell)
        part.extend(copy.deepcopy(row) for row in found.header)
        part.extend(rows[start:start + size])  # moved out of the long table
        _mark_row(rows[start], PART_MARK, number)
        start += size
        breaker = _page_start()
        anchor.addnext(breaker)
        breaker.addnext(part)
        anchor = part
    return _xml(found.tree)


def _page_start() -> etree._Element:
    """A paragraph that starts a page and takes no room on it (one twip, off the grid)."""
    p = etree.Element(w("p"))
    ppr = etree.SubElement(p, w("pPr"))
    etree.SubElement(ppr, w("pageBreakBefore"))
    etree.SubElement(ppr, w("snapToGrid"), {w("val"): "0"})
    etree.SubElement(ppr, w("spacing"), {w("before"): "0", w("after"): "0", w("line"): "1",
                                         w("lineRule"): "exact"})
    etree.SubElement(etree.SubElement(ppr, w("rPr")), w("sz"), {w("val"): "2"})
    return p


def _mark_row(row: etree._Element, prefix: str, number: int) -> tuple[etree._Element, ...]:
    """Bookmark the first paragraph of ``row``; returns the bookmark's two elements."""
    paragraph = row.find(f"{w('tc')}/{w('p')}")
    if paragraph is None:
        return ()
    mark_id = str(MARK_ID_BASE + number)
    start = etree.Element(w("bookmarkStart"), {w("id"): mark_id,
                                               w("name"): f"{prefix}{number:05d}"})
    ppr = paragraph.find(w("pPr"))
    if ppr is None:
        paragraph.insert(0, start)
    else:
        ppr.addnext(start)
    return start, etree.SubElement(paragraph, w("bookmarkEnd"), {w("id"): mark_id})


def _mark_pages(pdf: Path, kind: str) -> dict[int, int]:
    """Mark number → 0-based page, for the marks of ``kind`` ("Row" or "Part"); empty
    when the PDF cannot be read."""
    try:
        return marked_pages(PdfReader(str(pdf)), _MARKS[kind])
    except (OSError, ValueError, KeyError, PyPdfError):
        return {}


def _parts_in_place(pdf: Path, count: int) -> bool:
    """Whether part ``n`` begins on the page after part ``n − 1``, for every part."""
    pages = _mark_pages(pdf, "Part")
    if sorted(pages) != list(range(1, count + 1)):
        return False
    return all(pages[n] == pages[1] + n - 1 for n in pages)


def _drop_marks(pdf: Path, target: Path) -> None:
    """Write ``pdf`` to ``target`` without the marks' named destinations.  The document's
    own bookmarks stay destinations: a link inside it may go to one by name."""
    writer = PdfWriter(clone_from=str(pdf))
    root = writer._root_object
    for holder in (root, root.get("/Names")):
        holder = holder.get_object() if holder is not None else None
        if holder is None or "/Dests" not in holder:
            continue
        dests = holder["/Dests"].get_object()
        if "/Names" in dests:  # a name tree's leaf: [name, destination, …]
            names = dests["/Names"]
            kept = [item for pair in zip(names[::2], names[1::2], strict=True)
                    if not _MARK_NUMBER.search(str(pair[0])) for item in pair]
            names[:] = kept
        else:
            for name in [n for n in dests if _MARK_NUMBER.search(str(n))]:
                del dests[name]
    buffer = io.BytesIO()
    writer.write(buffer)
    write_atomic(target, buffer.getvalue())


def _xml(tree: etree._Element) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def _package(entries: Mapping[str, bytes], document: bytes) -> bytes:
    """The DOCX of ``entries`` with ``document`` as its body part (quickly compressed:
    only LibreOffice reads it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in entries.items():
            archive.writestr(name, document if name == DOCUMENT else data)
    return out.getvalue()
