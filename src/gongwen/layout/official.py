"""Layout of the generic 公文's own parts: the 上行文's 签发人 line and the 附件 pages.

The template fixes their styles (公文发文字号和签发人, 公文附件标识, 公文附件标题); this
module decides their text: the 签发人 names in 楷体 after a tab and the 发文字号 after
another (the style's tab stops, one character in from each edge), and each attachment's label, title lines and body.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docxtpl import DocxTemplate, RichText
from docxtpl.subdoc import Subdoc

from ..text import Block
from . import standard
from .rules import body, title_lines

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
