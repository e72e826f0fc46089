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
from .ooxml import set_fonts
from .rules import (
    body,
    mark_size,
    place_date,
    right_indent,
    signature_indents,
    styled,
    text_cells,
    title_lines,
)

#: names after 「签发人：」: 楷体 (GB/T 9704 7.2.4), the label keeps the style's 仿宋
_SIGNER_FONT = f"eastAsia:{standard.KAITI}"
#: between two 签发人 names on their line, two names a line
_NAME_GAP = "\u3000"
_NAMES_PER_LINE = 2
_TAB = "<w:r><w:tab/></w:r>"
#: a zero-width space after the padding: renderers drop spaces that end a line
_KEEP_SPACES = "\u200b"


def signer_line(doc_number: str, signers: Sequence[str]) -> RichText:
    """「都实中党支〔2024〕5号 ⇥ 签发人：林明富」: the 发文字号 left, the names right.

    Several 签发人 go two a line, top to bottom (7.2.4); each line is right-aligned, so
    names of equal length line up under the first line's; the 发文字号 is on the line
    of the last name."""
    rows = [signers[i:i + _NAMES_PER_LINE] for i in range(0, len(signers), _NAMES_PER_LINE)]
    width = text_cells(_NAME_GAP.join(rows[0]))
    line = RichText()
    for index, names in enumerate(rows):
        if index:
            line.xml += "<w:r><w:br/></w:r>"
        line.xml += _TAB  # to the left tab stop, so the red rule below stays 156 mm
        if index == len(rows) - 1:
            line.add(doc_number)
        line.xml += _TAB
        if index == 0:
            line.add(standard.SIGNER_LABEL)
        text = _NAME_GAP.join(names)
        # a shorter line is filled out on the right, so that its first name starts
        # under the first line's first name («回行时与上一行第一个签发人姓名对齐»)
        pad = _NAME_GAP * round(width - text_cells(text))
        line.add(text + (pad + _KEEP_SPACES if pad else ""), font=_SIGNER_FONT)
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
    size = mark_size(lines)
    mark = RichText()
    for index, line in enumerate(lines):
        if index:
            mark.xml += "<w:r><w:br/></w:r>"
        mark.add(line, size=round(size * 2))
    return mark


def joint_signature(names: Sequence[str]) -> Callable[[Subdoc, str, str], None]:
    """联合行文 without seals (7.3.5.2): the 主办's 署名 first, the others under it, each
    right-aligned two characters in as a lone 署名 is; the date placed by the last one,
    the 署名 right above it (its first character two characters right of the name's)."""

    def sign(sub: Subdoc, _name: str, date_text: str) -> None:
        last_right, start = signature_indents(names[-1], date_text)
        for index, name in enumerate(names):
            right = last_right if index == len(names) - 1 else standard.SIGNATURE_RIGHT_INDENT_CHARS
            right_indent(styled(sub, name, "GwSignature"), right)
        if date_text:
            place_date(styled(sub, date_text, "GwDate"), start)

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
