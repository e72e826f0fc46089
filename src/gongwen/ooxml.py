"""Small helpers over python-docx's lxml elements for what its API does not cover.

python-docx's ``font.name`` sets only ``w:ascii``/``w:hAnsi``; Chinese text is drawn
with ``w:eastAsia``, so every font here is set on all four slots explicitly.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from . import standard

#: every zip entry of a DOCX gongwen writes carries this timestamp (deterministic output)
FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
#: OOXML border sizes are in eighths of a point
EIGHTHS_PER_PT = 8


def child(parent: BaseOxmlElement, tag: str, **attrs: str | int) -> BaseOxmlElement:
    """Return ``parent``'s first ``tag`` child (created when missing) with ``attrs`` set."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def set_fonts(rpr: BaseOxmlElement, east_asia: str, latin: str | None = None) -> None:
    """Set the East-Asian font (the one Chinese text uses) and the Latin/digit font."""
    latin = latin or east_asia
    fonts = child(rpr, "w:rFonts")
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def half_points(pt: float) -> int:
    """OOXML font sizes are in half-points."""
    return round(pt * 2)


def border(
    parent: BaseOxmlElement, side: str, *, width_pt: float, color: str, space_pt: float = 0
) -> None:
    """Add a single-line border on ``side`` (top/bottom/left/right) of a pBdr/tcBorders."""
    element = child(parent, f"w:{side}")
    element.set(qn("w:val"), "single")
    element.set(qn("w:sz"), str(max(2, round(width_pt * EIGHTHS_PER_PT))))
    element.set(qn("w:space"), str(round(space_pt)))
    element.set(qn("w:color"), color)


def rule_width_pt(mm: float) -> float:
    return standard.mm_to_pt(mm)


# Children of these property elements must appear in schema order, or Word may refuse
# the file ("unreadable content"); gongwen adds them freely and sorts once at the end.
_PROPERTY_ORDER: dict[str, tuple[str, ...]] = {
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
            "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
            "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
            "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
            "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
            "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr",
            "pPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
            "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
            "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
            "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
            "eastAsianLayout", "specVanish", "oMath"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
              "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
              "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription"),
}
_RANKS = {
    qn(f"w:{parent}"): {qn(f"w:{name}"): i for i, name in enumerate(order)}
    for parent, order in _PROPERTY_ORDER.items()
}


def order_properties(root: BaseOxmlElement) -> None:
    """Sort the children of every pPr/rPr/tblPr under ``root`` into schema order."""
    for element in root.iter(*_RANKS):
        rank = _RANKS[element.tag]
        children = list(element)
        ordered = sorted(children, key=lambda e: rank.get(e.tag, len(rank)))
        if ordered != children:
            for item in ordered:
                element.append(item)  # lxml moves an element that is appended again


def order_document(doc: object) -> None:
    """Schema-order the body, the styles and every header/footer of a python-docx doc."""
    order_properties(doc.element)  # type: ignore[attr-defined]
    order_properties(doc.styles.element)  # type: ignore[attr-defined]
    for section in doc.sections:  # type: ignore[attr-defined]
        for part in (section.header, section.footer, section.even_page_header,
                     section.even_page_footer, section.first_page_header,
                     section.first_page_footer):
            if not part.is_linked_to_previous:
                order_properties(part._element)


def make_deterministic(docx: bytes, entries_order: Iterable[str] | None = None) -> bytes:
    """Rewrite a DOCX zip with fixed entry times so equal input gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    names = list(entries_order) if entries_order is not None else source.namelist()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
