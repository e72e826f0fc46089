"""A user's ``.docx`` (a draft to check, fix or lay out), opened safely.

Bounded before anything is parsed (size, zip-bomb ratios: :func:`.limits.check_zip`),
parsed by python-docx, and every way that can fail — not a zip, not a Word document,
XML nested past lxml's depth limit, an entity blow-up — is one :class:`InputError`
naming the file.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from ..errors import InputError, Location
from .limits import binary_limit, check_zip


def open_docx(data: bytes, name: str, what: str = "document"):
    """The python-docx ``Document`` of ``data`` (the bytes of the file called ``name``)."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    where = Location(name)
    if len(data) > binary_limit():
        raise InputError(f"{len(data) // 2**20} MiB is over the {binary_limit() // 2**20} MiB "
                         "limit", location=where)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError("is an old Word .doc (binary), not a .docx", location=where,
                         hint="open it in Word or WPS and save it as .docx")
    check_zip(data, name, what)
    try:
        return Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise InputError(f"not a readable .docx ({error or type(error).__name__})",
                         location=where, hint="save it again from Word or WPS as .docx") from None
    except etree.XMLSyntaxError as error:
        raise InputError(f"its XML cannot be read ({error.msg})", location=where,
                         hint="save it again from Word or WPS as .docx") from None


def auto_numbered(paragraph) -> bool:
    """Whether Word numbers ``paragraph`` itself (a numPr on it or on its style chain):
    its number is then not in its text."""
    from docx.oxml.ns import qn

    numbering = f"{qn('w:pPr')}/{qn('w:numPr')}"
    if paragraph._p.find(numbering) is not None:
        return True
    style = paragraph.style
    while style is not None:
        if style.element.find(numbering) is not None:
            return True
        style = style.base_style
    return False


def letterhead_mark(document) -> str | None:
    """The 发文机关标志 of a letter (GB/T 9704 10.1): the red text of a header that page 1
    has to itself (Word's 「首页不同」); None for a document that is no letter."""
    section = document.sections[0]
    if not section.different_first_page_header_footer:
        return None
    header = section.first_page_header
    if header.is_linked_to_previous:
        return None
    red = [p.text.strip() for p in header.paragraphs if p.text.strip() and _red(p)]
    return "".join(red) or None


def _red(paragraph) -> bool:
    """Whether ``paragraph``'s text is red, by its runs or by its style."""
    from ..layout.standard import RED

    def red(font) -> bool:
        color = font.color if font is not None else None
        return color is not None and color.type is not None and str(color.rgb).upper() == RED

    return any(red(run.font) for run in paragraph.runs) or (
        paragraph.style is not None and red(paragraph.style.font))
