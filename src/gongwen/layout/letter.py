"""The 信函格式's own parts (GB/T 9704 10.1): what stands under the upper double line,
and the 版记 of a letter.

The template (:mod:`gongwen.templating.builder.letter`) fixes the letterhead's geometry;
this module decides the text: the 份号, 密级 and 紧急程度 top left, one a line, with the
发文字号 at the right edge of the first line; and the 抄送 alone at the bottom of the
last page, without the 版记's rules (「版记不加印发机关和印发日期、分隔线」).
"""

from __future__ import annotations

from collections.abc import Sequence

from docxtpl import DocxTemplate, RichText
from docxtpl.subdoc import Subdoc

from . import standard
from .ooxml import child
from .rules import FULL_WIDTH_COLON, _float_to_page_bottom

#: the letter's 版记 paragraph: looks like GwEndBlock, but is no 版记 that must end an
#: even page (the letter's stands on its last page, whichever that is)
CC_STYLE = "GwLetterCc"
_HEI = f"eastAsia:{standard.HEITI}"


def letterhead_lines(copy_number: str | None, secrecy: str | None, urgency: str | None,
                     doc_number: str | None) -> list[tuple[RichText, str]]:
    """(left, right) of each line under the upper double line: the 份号 (仿宋), 密级 and
    紧急程度 (黑体, as in the 文件格式) that are given, one a line, the 发文字号 at the
    right of the first; none when there is nothing to print (the title then follows the
    double line)."""
    items = [(text, font) for text, font in ((copy_number, None), (secrecy, _HEI),
                                             (urgency, _HEI)) if text]
    if not items and not doc_number:
        return []
    items = items or [("", None)]
    return [(RichText(text, font=font) if font else RichText(text),
             (doc_number or "") if index == 0 else "")
            for index, (text, font) in enumerate(items)]


def letter_end_block(tpl: DocxTemplate, cc: Sequence[str]) -> Subdoc:
    """「抄送：…。」 at the bottom of the last page's 版心, 四号, one character in, no
    rules; nothing when the letter is copied to no one."""
    sub = tpl.new_subdoc()
    if not cc:
        return sub
    table = sub.add_table(rows=1, cols=1)
    _float_to_page_bottom(table)
    borders = child(table._tbl.tblPr, "w:tblBorders")
    for side in ("top", "bottom", "left", "right", "insideH", "insideV"):
        child(borders, f"w:{side}", val="nil")
    paragraph = table.rows[0].cells[0].paragraphs[0]
    paragraph.text = "抄送" + FULL_WIDTH_COLON + "，".join(cc) + "。"
    child(paragraph._p.get_or_add_pPr(), "w:pStyle", val=CC_STYLE)
    return sub
