"""The 命令（令）格式's closing (GB/T 9704 10.2, 7.3.5.3): the 签发人's 职务 and 签名章.

Two blank lines under the body, the 签名章 (the 签发人's signature stamp, a picture, or
failing one the name) right-aligned four characters in, the 职务 two characters left of
it and centred on it top to bottom; one blank line under it, the 成文日期, right-aligned
four characters in.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from docx.shared import Mm
from docxtpl.subdoc import Subdoc

from . import standard
from .ooxml import child, order_properties
from .rules import blank, right_indent, styled

#: the full-width space: the gap between the 职务 and the 签名章 is counted in it
_GAP = "\u3000"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def order_mark(organ: str, mark: str | None) -> str:
    """The 发文机关标志: the data's, or the 发文机关's full name + 「令」."""
    return mark or f"{organ}令"


def order_signature(title: str | None, name: str, stamp: bytes | None, width_mm: float
                    ) -> Callable[[Subdoc, str, str], None]:
    """A writer of the 7.3.5.3 closing for :func:`gongwen.layout.rules.closing`'s ``sign``
    (which leaves one blank line; the standard wants two)."""

    def sign(sub: Subdoc, _name: str, date_text: str) -> None:
        blank(sub, standard.ORDER_SIGNATURE_LINES_BELOW_BODY
              - standard.SIGNATURE_LINES_BELOW_BODY)
        paragraph = styled(sub, "", "GwSignature")
        right_indent(paragraph, standard.ORDER_SIGNATURE_RIGHT_CHARS)
        if title:
            paragraph.add_run(title + _GAP * standard.ORDER_TITLE_GAP_CHARS)
        if stamp is not None:
            run = paragraph.add_run()
            run.add_picture(io.BytesIO(stamp), width=Mm(width_mm))
            inline = next(run._r.iter(f"{{{_WP}}}inline"))
            for side in "TBLR":  # LibreOffice reads a missing one as 1/8 inch
                inline.set(f"dist{side}", "0")
            ppr = paragraph._p.get_or_add_pPr()
            # the line grows to the stamp's height (at least the 22-line pitch), the 职务
            # centred on it
            child(ppr, "w:spacing", line=standard.line_pitch_twips(),
                  lineRule="atLeast")
            child(ppr, "w:textAlignment", val="center")
            order_properties(paragraph._p)
        else:
            paragraph.add_run(name)
        if date_text:
            blank(sub, standard.ORDER_DATE_LINES_BELOW_SIGNATURE)
            right_indent(styled(sub, date_text, "GwDate"), standard.ORDER_SIGNATURE_RIGHT_CHARS)

    return sign
