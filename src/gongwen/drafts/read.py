"""A draft's lines, from plain text (UTF-8, GBK, UTF-16) or a Word/WPS ``.docx``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Location
from ..inputs.limits import LIMIT_VARIABLE, data_limit
from ..inputs.sheets import decode_text

#: a draft larger than this is refused unread (a 公文 is a few dozen KB of text; a
#: .docx with pictures a few MB)
MAX_DRAFT_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = ("", ".txt", ".text", ".md")
_HEADING_STYLE = re.compile(r"^(heading|标题)\s*([1-4])$", re.IGNORECASE)


@dataclass(frozen=True)
class DraftLine:
    """One line (a paragraph of a DOCX) and where it came from."""

    number: int
    text: str
    #: a DOCX paragraph's heading level from its style (Heading 1 …), else None
    style_level: int | None = None
    #: a DOCX paragraph numbered by Word's automatic list numbering (not in its text)
    auto_numbered: bool = False
    #: a table row written as a Markdown row (``| a | b |``)
    table_row: bool = False


def read_draft(path: Path) -> list[DraftLine]:
    """The lines of ``path``: a ``.docx`` paragraph by paragraph (tables as rows), any
    other file as text."""
    return read_draft_and_letterhead(path)[0]


def read_draft_and_letterhead(path: Path) -> tuple[list[DraftLine], str | None]:
    """:func:`read_draft`'s lines, and a ``.docx`` letter's 发文机关标志 (the red text of
    page 1's own header; None for a document that is no letter, or a text draft), from
    one reading of the file."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file", location=Location(str(path))) from None
    if size > MAX_DRAFT_BYTES:
        raise InputError(f"{size // 2**20} MiB is over the {MAX_DRAFT_BYTES // 2**20} MiB "
                         "limit for a draft", location=Location(str(path)))
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES + (".docx",):
        raise InputError(f"format reads .txt, .md or .docx drafts, not {suffix or 'this file'}",
                         location=Location(str(path)),
                         hint="copy the text into a .txt file, or save the draft as .docx")
    if size == 0:
        raise InputError("the draft is empty", location=Location(str(path)))
    if suffix == ".docx":
        return _docx_lines(path)
    if size > data_limit():
        raise InputError(f"{size / 2**20:.1f} MB of text is over the "
                         f"{data_limit() / 2**20:g} MB limit of a body", location=Location(str(path)),
                         hint=f"split the draft; or set {LIMIT_VARIABLE} if it is genuine")
    try:
        text = decode_text(path.read_bytes(), str(path))
    except InputError:
        raise InputError("is neither UTF-8 nor GBK/GB18030 text", location=Location(str(path)),
                         hint="save the draft as .txt (UTF-8) or .docx") from None
    return [DraftLine(number, line) for number, line in enumerate(text.splitlines(), 1)], None


def _docx_lines(path: Path) -> tuple[list[DraftLine], str | None]:
    from docx.oxml.ns import qn

    from ..inputs.docx import auto_numbered, letterhead_mark, open_docx

    document = open_docx(path.read_bytes(), str(path), "draft")
    lines: list[DraftLine] = []
    body = document.element.body
    for element in body.iterchildren():
        if element.tag == qn("w:p"):
            from docx.text.paragraph import Paragraph

            paragraph = Paragraph(element, document)
            style = paragraph.style.name if paragraph.style is not None else ""
            found = _HEADING_STYLE.match(style or "")
            numbered = auto_numbered(paragraph)
            lines.append(DraftLine(len(lines) + 1, paragraph.text,
                                   int(found.group(2)) if found else None, numbered))
        elif element.tag == qn("w:tbl"):
            from docx.table import Table

            table = Table(element, document)
            for index, row in enumerate(table.rows):
                cells = [cell.text.replace("|", "\\|").replace("\n", " ") for cell in row.cells]
                lines.append(DraftLine(len(lines) + 1, "| " + " | ".join(cells) + " |",
                                       table_row=True))
                if index == 0:
                    lines.append(DraftLine(len(lines) + 1, "|" + "---|" * len(cells),
                                           table_row=True))
            lines.append(DraftLine(len(lines) + 1, ""))
    return lines, letterhead_mark(document)
