"""The 版记 on an even page.

GB/T 9704 puts the 版记 at the bottom of the last *even* page, the back of the last
sheet of a document printed on both sides.  Where the body ends is known only once a
document is laid out, so the rule is applied after a first conversion: when the PDF has
an odd number of pages, the 版记 is moved to the next page with a page break before it,
and the document is converted again.  When that does not give an even count (the 版记
had already spilled onto a page of its own), the first version is kept.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import TypeVar

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
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    changed = xml[:start] + PAGE_BREAK + xml[start:]
    return zip_archive([(name, changed if name == DOCUMENT_PART else data)
                        for name, data in entries])


def even_end_block(docx: bytes, pages: int, convert: Callable[[bytes], tuple[Pdf, int]]
                   ) -> tuple[bytes, Pdf, int] | None:
    """Apply the rule to a converted document of ``pages`` pages: ``convert(docx)``
    converts a DOCX and returns its PDF (bytes or a path) and page count.  Returns the
    new DOCX, its PDF and page count, or None when the document stays as it is."""
    if pages % 2 == 0:
        return None
    moved = end_block_on_next_page(docx)
    if moved is None:
        return None
    pdf, count = convert(moved)
    if count % 2:
        return None  # the 版记 had a page of its own already: moving it changes nothing
    return moved, pdf, count


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
