"""Layout of the generic 公文's own parts: the 上行文's 签发人 line and the 附件 pages.

The template fixes their styles (公文发文字号和签发人, 公文附件标识, 公文附件标题); this
module decides their text: the 签发人 names in 楷体 after a tab and the 发文字号 after
another (the style's tab stops, one character in from each edge), and each attachment's label, title lines and body.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from docxtpl import DocxTemplate, RichText
from docxtpl.subdoc import Subdoc

from ..text import Block
from . import standard
from .ooxml import child, set_fonts
from .rules import (
    AUTOSPACE_CELLS,
    body,
    script_changes,
    styled,
    text_cells,
    title_lines,
)

#: names after 「签发人：」: 楷体 (GB/T 9704 7.2.4), the label keeps the style's 仿宋
_SIGNER_FONT = f"eastAsia:{standard.KAITI}"
#: between two 签发人 names on their line
_NAME_GAP = "\u3000"


def signer_line(doc_number: str, signers: Sequence[str]) -> RichText:
    """「都实中党支〔2024〕5号 ⇥ 签发人：林明富」: the 发文字号 left, the names right."""
    line = RichText()
    line.xml += "<w:r><w:tab/></w:r>"  # to the left tab stop, so the red rule below
    line.add(doc_number)                # the line stays as wide as the text block
    line.xml += "<w:r><w:tab/></w:r>"
    line.add(standard.SIGNER_LABEL)
    line.add(_NAME_GAP.join(signers), font=_SIGNER_FONT)
    return line


def attachment_label(number: int, count: int) -> str:
    """「附件」 for a lone attachment, 「附件2」 when there are several (GB/T 9704 8)."""
    return "附件" if count == 1 else f"附件{number}"


@dataclass(frozen=True)
class AttachmentPage:
    """What one attachment's pages show, for the template's loop."""

    label: str
    title_lines: list[str]
    body: Subdoc


def attachment_pages(tpl: DocxTemplate, pages: Sequence[tuple[str, str, Sequence[Block]]]
                     ) -> list[AttachmentPage]:
    """Each (label, title, blocks) as the template's 附件 pages take it: the label on the
    page's first line, the title from its third (ATTACHMENT_TITLE_LINE), then the body."""
    return [AttachmentPage(label, title_lines(title), body(tpl, blocks))
            for label, title, blocks in pages]


def stacked_mark(lines: Sequence[str]) -> RichText:
    """联合行文's 发文机关标志: the organs' names one under another, 主办 first, in red at
    the common size, shrunk so that the longest stays on one line (7.2.3)."""
    width_pt = standard.mm_to_pt(standard.TEXT_BLOCK_WIDTH_MM) * standard.MARK_MAX_WIDTH_SHARE
    size = min(standard.MARK_SIZE, width_pt / max(max(text_cells(t) for t in lines), 1))
    mark = RichText()
    for index, line in enumerate(lines):
        if index:
            mark.xml += "<w:r><w:br/></w:r>"
        mark.add(line, size=round(size * 2))
    return mark


def joint_signature(names: Sequence[str]) -> Callable[[Subdoc, str, str], None]:
    """联合行文 without seals (7.3.5.2): the 主办's 署名 first, the others under it, as one
    block that starts on one character and whose longest name ends two characters in;
    the date's first character two characters right of the names'."""

    def sign(sub: Subdoc, _name: str, date_text: str) -> None:
        indent, offset = standard.SIGNATURE_RIGHT_INDENT_CHARS, standard.DATE_OFFSET_CHARS
        longest = max(text_cells(name) for name in names)
        date_cells = text_cells(date_text) + AUTOSPACE_CELLS * script_changes(date_text)
        right = max(float(indent), indent + offset + date_cells - longest)
        for name in names:
            paragraph = styled(sub, name, "GwSignature")
            child(paragraph._p.get_or_add_pPr(), "w:ind",
                  right=standard.chars_to_twips(right + longest - text_cells(name)))
            child(paragraph._p.get_or_add_pPr(), "w:jc", val="right")
        if date_text:
            start = standard.CHARS_PER_LINE - right - longest + offset
            ppr = styled(sub, date_text, "GwDate")._p.get_or_add_pPr()
            child(ppr, "w:ind", left=standard.chars_to_twips(start), right=0)
            child(ppr, "w:jc", val="left")

    return sign


def attendance(lists: Sequence[tuple[str, Sequence[str]]]) -> Callable[[Subdoc, str, str], None]:
    """纪要 (10.3): in place of the 署名 and 成文日期, the 「出席：」「请假：」「列席：」 lines
    (label in 黑体, names in 仿宋, wrapped lines aligned after the colon), each list that
    has names, in the standard's order."""

    def sign(sub: Subdoc, _name: str, _date: str) -> None:
        for label, names in lists:
            if not names:
                continue
            paragraph = styled(sub, "", "GwAttendance")
            run = paragraph.add_run(label + "：")
            set_fonts(run._r.get_or_add_rPr(), standard.HEITI)
            paragraph.add_run("、".join(names))

    return sign
