"""The 加盖印章 closing (GB/T 9704 7.3.5.1): 成文日期 right-aligned four characters in,
the 署名 centred over it, the seal pressing on both.

The seal is the user's picture at the size the data gives (a seal is cut at a fixed size,
e.g. 42 mm, so it is never scaled to fit).  It floats behind the text, anchored to the
blank line between the body and the 署名: its top is on that line, within one line of the
body as the standard asks, and a 40 mm seal then reaches over the 署名 and the date, which
sit below its centre (「居印章中心偏下位置」).  Horizontally it is centred on the date.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from docx.oxml import parse_xml
from docx.shared import Mm
from docx.text.paragraph import Paragraph as DocxParagraph
from docxtpl.subdoc import Subdoc

from . import standard
from .ooxml import child
from .rules import AUTOSPACE_CELLS, script_changes, styled, text_cells

_ANCHOR = (
    '<wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="1" '
    'locked="0" layoutInCell="1" allowOverlap="1">'
    '<wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="margin"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
    '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
    '<wp:wrapNone/></wp:anchor>'
)
EMU_PER_MM = 36000


def sealed_signature(blob: bytes, size_mm: float) -> Callable[[Subdoc, str, str], None]:
    """A writer of the 署名 and 成文日期 with the seal ``blob`` (PNG/JPEG) ``size_mm``
    wide, for :func:`gongwen.layout.rules.closing`'s ``sign``."""

    def sign(sub: Subdoc, name: str, date_text: str) -> None:
        indent = standard.SEALED_DATE_RIGHT_INDENT_CHARS
        date_cells = text_cells(date_text) + AUTOSPACE_CELLS * script_changes(date_text)
        centre = standard.CHARS_PER_LINE - indent - date_cells / 2  # in cells from the left
        anchor = sub.paragraphs[-1] if sub.paragraphs else styled(sub, "", "GwBody")
        _float_seal(anchor, blob, size_mm, centre * standard.CHAR_PITCH_MM - size_mm / 2)
        if name:
            right = max(0.0, standard.CHARS_PER_LINE - centre - text_cells(name) / 2)
            _indent(styled(sub, name, "GwSignature"), right=right)
        if date_text:
            _indent(styled(sub, date_text, "GwDate"), right=indent)

    return sign


def _indent(paragraph: DocxParagraph, *, right: float) -> None:
    child(paragraph._p.get_or_add_pPr(), "w:ind", right=standard.chars_to_twips(right))


def _float_seal(paragraph: DocxParagraph, blob: bytes, size_mm: float, left_mm: float) -> None:
    """The seal as a picture behind the text, its top on ``paragraph``'s top, its left
    edge ``left_mm`` right of the text block's."""
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(blob), width=Mm(size_mm))
    inline = run._r.find(".//{http://schemas.openxmlformats.org/drawingml/2006/"
                         "wordprocessingDrawing}inline")
    extent = inline.find("{http://schemas.openxmlformats.org/drawingml/2006/"
                         "wordprocessingDrawing}extent")
    anchor = parse_xml(_ANCHOR.format(x=round(left_mm * EMU_PER_MM), cx=extent.get("cx"),
                                      cy=extent.get("cy")))
    wrap = anchor[-1]
    for element in list(inline):
        if element.tag.endswith("}extent") or element.tag.endswith("}effectExtent"):
            continue
        wrap.addnext(element)
        wrap = element
    inline.getparent().replace(inline, anchor)
