"""The 版记 on an even page.

GB/T 9704 puts the 版记 at the bottom of the last *even* page, the back of the last
sheet of a document printed on both sides.  Where the body ends is known only once a
document is laid out, so the rule is applied after a first conversion: when the PDF has
an odd number of pages, the 版记 is moved to the next page with a page break before it,
and the document is converted again.  When that does not give an even count (the body
filled an even page and the 版记 had spilled onto the odd page after it), the 版记 goes
one page further, after a blank page, and — as the standard asks when a blank page
comes before the 版记 page — neither of the two carries a page number: they are a
section of their own whose footer is empty.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Callable
from typing import TypeVar

from lxml import etree

from .ooxml import zip_archive

Pdf = TypeVar("Pdf")

DOCUMENT_PART = "word/document.xml"
#: the 版记's table floats to the bottom of the page: a table with position properties
_FLOATING_TABLE = re.compile(rb"<w:tbl><w:tblPr><w:tblpPr\b")
_END_BLOCK_STYLE = b'<w:pStyle w:val="GwEndBlock"/>'
#: an empty paragraph, as low as Word and LibreOffice allow, that starts a new page:
#: the 版记 floats to the bottom of the page its anchor is on
PAGE_BREAK = (b'<w:p><w:pPr><w:pageBreakBefore/><w:spacing w:before="0" w:after="0" '
              b'w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>')


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS_PART = "word/_rels/document.xml.rels"
TYPES_PART = "[Content_Types].xml"
#: the empty footer of the blank page and the 版记 page
BLANK_FOOTER_PART = "word/footerGwBlank.xml"
BLANK_FOOTER_ID = "rIdGwBlankFooter"
_FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_BLANK_FOOTER = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 f'<w:ftr xmlns:w="{W}"><w:p/></w:ftr>').encode()


def has_end_block(docx: bytes) -> bool:
    """Whether the document has a 版记 (the floating table gongwen's plans end with)."""
    return _end_block_start(_document_xml(docx)) is not None


def end_block_on_next_page(docx: bytes) -> bytes | None:
    """``docx`` with a page break before its 版记; None when it has no 版记 or the
    break is there already."""
    xml = _document_xml(docx)
    start = _end_block_start(xml)
    if start is None or xml[:start].endswith(PAGE_BREAK):
        return None
    return _with_parts(docx, {DOCUMENT_PART: xml[:start] + PAGE_BREAK + xml[start:]})


def end_block_after_blank_page(docx: bytes) -> bytes | None:
    """``docx`` with its 版记 two pages on, after a blank page, both pages without a
    page number; None when it has no 版记 or the body does not end in a paragraph."""
    xml = _document_xml(docx)
    start = _end_block_start(xml)
    if start is None or xml[:start].endswith(PAGE_BREAK):
        return None
    root = etree.fromstring(xml)
    body = root.find(f"{{{W}}}body")
    tables = [t for t in body.iterfind(f"{{{W}}}tbl") if t.find(f"{{{W}}}tblPr/{{{W}}}tblpPr")
              is not None and _END_BLOCK_STYLE in etree.tostring(t)]
    final = body[-1] if len(body) else None
    if not tables or final is None or final.tag != f"{{{W}}}sectPr":
        return None
    end_block = tables[-1]
    last = end_block.getprevious()
    if last is None or last.tag != f"{{{W}}}p" or last.find(f".//{{{W}}}sectPr") is not None:
        return None
    # the body's section ends with its last paragraph, as it was …
    ppr = last.find(f"{{{W}}}pPr")
    if ppr is None:
        ppr = etree.SubElement(last, f"{{{W}}}pPr")
        last.insert(0, ppr)
    ppr.append(copy.deepcopy(final))
    # … and a section of two pages without page numbers holds the blank page and the 版记
    for ref in final.findall(f"{{{W}}}footerReference"):
        final.remove(ref)
    for position, kind in enumerate(("default", "even")):
        final.insert(position, etree.Element(f"{{{W}}}footerReference", {
            f"{{{W}}}type": kind, f"{{{R}}}id": BLANK_FOOTER_ID}))
    for _ in range(2):  # the first starts the section's (blank) page, the second the next
        end_block.addprevious(etree.fromstring(
            PAGE_BREAK.replace(b"<w:p>", f'<w:p xmlns:w="{W}">'.encode(), 1)))
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        rels, types = archive.read(RELS_PART), archive.read(TYPES_PART)
    return _with_parts(docx, {
        DOCUMENT_PART: etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True),
        RELS_PART: rels.replace(b"</Relationships>", (
            f'<Relationship Id="{BLANK_FOOTER_ID}" Type="{_FOOTER_REL}" '
            f'Target="{BLANK_FOOTER_PART.removeprefix("word/")}"/></Relationships>').encode()),
        TYPES_PART: types.replace(b"</Types>", (
            f'<Override PartName="/{BLANK_FOOTER_PART}" ContentType="{_FOOTER_TYPE}"/>'
            "</Types>").encode()),
        BLANK_FOOTER_PART: _BLANK_FOOTER,
    })


def even_end_block(docx: bytes, pages: int, convert: Callable[[bytes], tuple[Pdf, int]]
                   ) -> tuple[bytes, Pdf, int] | None:
    """Apply the rule to a converted document of ``pages`` pages: ``convert(docx)``
    converts a DOCX and returns its PDF (bytes or a path) and page count.  Returns the
    new DOCX, its PDF and page count, or None when the document stays as it is."""
    if pages % 2 == 0:
        return None
    for move in (end_block_on_next_page, end_block_after_blank_page):
        moved = move(docx)
        if moved is None:
            return None
        pdf, count = convert(moved)
        if count % 2 == 0:
            return moved, pdf, count
    return None  # neither gave an even count: the first version is kept


def _with_parts(docx: bytes, parts: dict[str, bytes]) -> bytes:
    """``docx`` with ``parts`` replaced, or added after the others, deterministically."""
    parts = dict(parts)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        entries = [(info.filename, parts.pop(info.filename, None) or archive.read(info))
                   for info in archive.infolist()]
    return zip_archive(entries + list(parts.items()))


def _document_xml(docx: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            return archive.read(DOCUMENT_PART)
    except (zipfile.BadZipFile, KeyError):
        return b""


def _end_block_start(xml: bytes) -> int | None:
    """Where the last floating table holding 版记 paragraphs starts."""
    found = None
    for match in _FLOATING_TABLE.finditer(xml):
        end = xml.find(b"</w:tbl>", match.start())
        if _END_BLOCK_STYLE in xml[match.start():end]:
            found = match.start()
    return found
