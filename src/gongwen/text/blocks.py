"""Body text → blocks: the small Markdown-like format a branch office writes 正文 in.

The format is what people already type or paste:

* ``#`` … ``####`` start headings of levels 1–4; they are numbered 一、 （一） 1. （1）
  automatically, and numbering restarts under each new parent heading.  A number
  written by hand (``# 一、总体要求``, or a pasted line that starts with ``一、`` or
  ``（一）``) is kept, normalised to the standard form and checked: a skipped or
  repeated number is an :class:`~gongwen.errors.InputError` naming the line.
  A heading is always a single line.
* Consecutive lines form one paragraph, joined without a space (a space only between
  two Latin words); a blank line, or a line indented with full-width spaces as pasted
  Chinese text is, starts a new one.
* ``- `` / ``* `` lines are bullet items, ``1. `` / ``1) `` lines numbered items.
* GFM pipe tables: header row, ``|---|`` rule, body rows; ``\\|`` is a literal pipe.

Text is otherwise kept exactly as written — nothing is escaped or interpreted, so
``<``, ``&``, ``{{`` and 𠮷 reach the template unchanged (escaping is the template's
job).  Leading indentation and trailing whitespace are removed: the template indents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError, Location
from .numbering import HEADING_LEVELS, HeadingNumber, heading_number, match_heading_number


@dataclass(frozen=True)
class Heading:
    """A numbered heading; ``number`` is always in the standard form, e.g. ``（一）``."""

    level: int
    number: str
    text: str
    line: int

    @property
    def full_text(self) -> str:
        return self.number + self.text


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int


@dataclass(frozen=True)
class ListItem:
    """One list item; ``number`` is the number written for an ordered item, else ``None``."""

    text: str
    ordered: bool
    number: int | None
    line: int


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    line: int


Block = Heading | Paragraph | ListItem | Table

_NEWLINE = re.compile(r"\r\n|\r|\n")
_BOM = "\ufeff"
_PASTED_INDENT = "\u3000"  # 全角空格: pasted Chinese paragraphs start with two
_HEADING_MARK = re.compile(r"(#+)(.*)", re.DOTALL)
_BULLET = re.compile(r"[-*][ \t]+(.*)", re.DOTALL)
_ORDERED = re.compile(r"(\d+)[.)][ \t]+(.*)", re.DOTALL)
_TABLE_RULE = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_PIPE, _ESCAPED_PIPE = "|", "\\|"
#: levels a plain, unmarked line is recognised as a heading at (一、 and （一）); the
#: Arabic forms would clash with numbered list items
_PLAIN_HEADING_LEVELS = (1, 2)
_NUMBER_HINT = "number headings in order, or drop the numbers and let gongwen number them"
_LEVELS_HINT = "GB/T 9704 has four heading levels: # 一、  ## （一）  ### 1.  #### （1）"


def parse_body(text: str, *, source: str | None = None, first_line: int = 1) -> list[Block]:
    """Split body text into blocks, each carrying its 1-based line in ``source``.

    ``first_line`` is the line of ``source`` that ``text`` starts on, so that errors in a
    body embedded in a YAML file point into that file.
    """
    if text.startswith(_BOM):
        text = text[1:]
    return _Parser(_NEWLINE.split(text), source, first_line).parse()


class _Parser:
    """One pass over the lines; keeps the heading counters that numbering needs."""

    def __init__(self, lines: list[str], source: str | None, first_line: int) -> None:
        self.lines = [line.rstrip() for line in lines]
        self.source = source
        self.first_line = first_line
        self.counters = [0] * HEADING_LEVELS
        self.blocks: list[Block] = []
        self.pos = 0

    def parse(self) -> list[Block]:
        while self.pos < len(self.lines):
            if self.content(self.pos):
                self.block()
            else:
                self.pos += 1
        return self.blocks

    # --- helpers ---------------------------------------------------------------------

    def content(self, index: int) -> str:
        """The line without its indentation ('' for a blank line)."""
        return self.lines[index].lstrip()

    def line_no(self, index: int) -> int:
        return self.first_line + index

    def error(self, index: int, message: str, hint: str) -> InputError:
        location = Location(file=self.source, line=self.line_no(index))
        return InputError(message, location=location, hint=hint)

    def is_table(self, index: int) -> bool:
        if index + 1 >= len(self.lines) or _PIPE not in self.content(index):
            return False
        rule = self.content(index + 1)
        return _PIPE in rule and _TABLE_RULE.fullmatch(rule) is not None

    def starts_block(self, index: int) -> bool:
        """Whether line ``index`` begins a new block instead of continuing the last one."""
        content = self.content(index)
        return (
            self.lines[index].startswith(_PASTED_INDENT)
            or _HEADING_MARK.match(content) is not None
            or _list_item(content) is not None
            or match_heading_number(content, _PLAIN_HEADING_LEVELS) is not None
            or self.is_table(index)
        )

    def continuation(self) -> list[str]:
        """Consume the lines that continue the block started on the line before."""
        parts = []
        while (
            self.pos < len(self.lines)
            and self.content(self.pos)
            and not self.starts_block(self.pos)
        ):
            parts.append(self.content(self.pos))
            self.pos += 1
        return parts

    # --- blocks ----------------------------------------------------------------------

    def block(self) -> None:
        content = self.content(self.pos)
        if (mark := _HEADING_MARK.match(content)) is not None:
            self.marked_heading(len(mark.group(1)), mark.group(2).strip())
        elif self.is_table(self.pos):
            self.table()
        elif (item := _list_item(content)) is not None:
            start = self.pos
            self.pos += 1
            ordered, number, first = item
            text = _join([first, *self.continuation()])
            self.blocks.append(ListItem(text, ordered, number, self.line_no(start)))
        elif (number := match_heading_number(content, _PLAIN_HEADING_LEVELS)) is not None:
            self.heading(number.level, number, number.rest)
        else:
            start = self.pos
            self.pos += 1
            text = _join([content, *self.continuation()])
            self.blocks.append(Paragraph(text, self.line_no(start)))

    def marked_heading(self, level: int, text: str) -> None:
        if level > HEADING_LEVELS:
            raise self.error(self.pos, f"heading level {level} does not exist", _LEVELS_HINT)
        number = match_heading_number(text)
        if number is not None and number.level != level:
            raise self.error(
                self.pos,
                f'level-{level} heading numbered "{number.written}", a level-{number.level} number',
                f"write {'#' * number.level} for {number.standard}, or drop the number",
            )
        self.heading(level, number, number.rest if number else text)

    def heading(self, level: int, number: HeadingNumber | None, text: str) -> None:
        """Number the heading (or check its hand-written number) and add it."""
        expected = self.counters[level - 1] + 1
        if number is not None and number.value != expected:
            problem = "skipped" if number.value > expected else "repeated"
            raise self.error(
                self.pos,
                f"heading number {problem}: expected {heading_number(level, expected)}, "
                f"found {number.standard}",
                _NUMBER_HINT,
            )
        text = text.strip()
        if not text:
            raise self.error(self.pos, "heading has no text", _LEVELS_HINT)
        self.counters[level - 1] = expected
        self.counters[level:] = [0] * (HEADING_LEVELS - level)
        number_text = heading_number(level, expected)
        self.blocks.append(Heading(level, number_text, text, self.line_no(self.pos)))
        self.pos += 1

    def table(self) -> None:
        start = self.pos
        header = _cells(self.content(start))
        width = len(header)
        self.check_width(start + 1, _cells(self.content(start + 1)), width)
        self.pos = start + 2
        rows = []
        while self.pos < len(self.lines) and _PIPE in self.content(self.pos):
            row = _cells(self.content(self.pos))
            self.check_width(self.pos, row, width)
            rows.append(row)
            self.pos += 1
        self.blocks.append(Table(header, rows, self.line_no(start)))

    def check_width(self, index: int, cells: list[str], width: int) -> None:
        if len(cells) != width:
            raise self.error(
                index,
                f"table row has {len(cells)} cells, the header has {width}",
                "give every row as many |-separated cells as the header (write \\| for a "
                "literal pipe)",
            )


def _list_item(content: str) -> tuple[bool, int | None, str] | None:
    """``(ordered, number, text)`` when ``content`` is a list item line."""
    if (match := _BULLET.fullmatch(content)) is not None:
        return False, None, match.group(1)
    if (match := _ORDERED.fullmatch(content)) is not None:
        return True, int(match.group(1)), match.group(2)
    return None


def _cells(row: str) -> list[str]:
    """The cells of one pipe-table row; outer pipes are optional, ``\\|`` is a pipe."""
    row = row.strip()
    if row.startswith(_PIPE):
        row = row[1:]
    if row.endswith(_PIPE) and not row.endswith(_ESCAPED_PIPE):
        row = row[:-1]
    return [cell.replace(_ESCAPED_PIPE, _PIPE).strip() for cell in _CELL_SPLIT.split(row)]


def _join(parts: list[str]) -> str:
    """Join the lines of one paragraph: Chinese runs on; two Latin words get a space."""
    text = parts[0]
    for part in parts[1:]:
        if _latin_end(text[-1]) and _latin_start(part[0]):
            text += " "
        text += part
    return text


_LATIN_TRAILING_PUNCTUATION = ",.;:!?)"


def _latin_end(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in _LATIN_TRAILING_PUNCTUATION)


def _latin_start(char: str) -> bool:
    return char.isascii() and char.isalnum()
