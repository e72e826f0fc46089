"""Rules on the printed text: 发文字号, dates, heading numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..layout import standard
from ..text import parse_chinese_numeral
from .closing_rules import ATTACHMENT_LABEL
from .fonts import OFFICIAL, is_han, official, typeface
from .measure import PT_TO_MM, Line
from .page import RIGHT, Page
from .report import Finding
from .rules import (
    DATE_NUMERALS,
    DATE_PADDING,
    DOC_NUMBER_BRACKETS,
    DOC_NUMBER_SERIAL,
    HEADING_FONT,
    HEADING_LEVEL_SKIPPED,
    HEADING_ORPHAN,
    HEADING_PUNCTUATION,
    HEADING_SEQUENCE,
)

_CJK = r"[\u4e00-\u9fff]"
_WRONG_BRACKETS = re.compile(
    rf"(?P<code>{_CJK}+)(?P<open>[\[【（(［{{])\s*(?P<year>\d{{4}})\s*(?P<close>[\]】）)］}}])"
    r"\s*(?P<serial>第?\d+号)")
_SERIAL = re.compile(r"〔\d{4}〕(?P<serial>第\d+|0\d*)号")
_NUMERAL_DATE = re.compile(
    r"[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日")
_PADDED_DATE = re.compile(r"\d{4}年(?:0\d月\d{1,2}|\d{1,2}月0\d)日")
_NUMERALS = "一二三四五六七八九十"
_INLINE_FIRST = re.compile(r"^[^，。：:]{1,8}[：:]\s*(\d+)\.(?!\d)")
_LEVELS = (
    re.compile(rf"^([{_NUMERALS}]+)、"),
    re.compile(rf"^（([{_NUMERALS}]+)）"),
    re.compile(r"^(\d+)\.(?!\d)"),
    re.compile(r"^（(\d+)）"),
)
_MISPUNCTUATED = (
    (re.compile(rf"^([{_NUMERALS}]+)[.．，,]"), "{0}、", 0),
    (re.compile(rf"^[(]([{_NUMERALS}]+)[)]"), "（{0}）", 1),
    (re.compile(r"^(\d+)[、，,．](?!\d)"), "{0}.", 2),
    (re.compile(r"^[(](\d+)[)]"), "（{0}）", 3),
)


def _left_edge(pages: Sequence[Page]) -> float:
    """The left edge of the document's text: where its leftmost portrait line starts, or
    the standard's margin when every line is indented (short paragraphs only)."""
    starts = [line.x0 for page in pages if not page.landscape for line in page.lines]
    return min([*starts, standard.MARGIN_LEFT_MM])


def _starts_paragraph(line: Line, left: float) -> bool:
    """Whether ``line`` is indented like a paragraph's first line (one to three characters
    of its own size right of the text's left edge): headings are numbered there."""
    indent = line.x0 - left
    size_mm = line.size * PT_TO_MM
    return 0.9 * size_mm <= indent <= 3.2 * size_mm


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    try:
        return parse_chinese_numeral(text)
    except ValueError:
        return None


def text_findings(file: str, pages: Sequence[Page]) -> Iterator[Finding]:
    """Findings of every text rule, over the document's pages in order.  Heading numbers
    are read from the running text only: a table's or a turned page's numbers are not
    headings."""
    counters: list[int] = [0, 0, 0, 0]
    deepest = -1
    left = _left_edge(pages)
    last_with_text = max((page.number for page in pages if page.text_lines()), default=0)
    for page in pages:
        lines = page.lines
        texts = page.text_lines()
        if texts and ATTACHMENT_LABEL.match(texts[0].text):  # an 附件 numbers on its own
            counters, deepest = [0, 0, 0, 0], -1
        foot = texts[-1] if texts and page.number < last_with_text else None
        for line_no, line in enumerate(lines, 1):
            here = {"file": file, "page": page.number, "line": line_no,
                    "box": (line.x0, line.top, line.x1, line.bottom)}
            yield from _doc_number_and_dates(line, here)
            if page.landscape or page.in_table(line) or not _starts_paragraph(line, left):
                continue
            inline = _INLINE_FIRST.match(line.text)
            if inline:  # 「说明：1. …」: a list that starts inside its label's line
                counters[2:] = [int(inline.group(1)), 0]
                continue
            mispunctuated = None
            for pattern, shape, level in _MISPUNCTUATED:
                found = pattern.match(line.text)
                if found:
                    mispunctuated = (level, found)
                    yield Finding(HEADING_PUNCTUATION, excerpt=line.text[:24],
                                  measured=f"numbered {found.group(0)!r}",
                                  expected=repr(shape.format(found.group(1))),
                                  hint=f"level {level + 1} headings are numbered "
                                       f"{standard.HEADING_NUMBERS[level]}", **here)
            for level, pattern in enumerate(_LEVELS):
                found = pattern.match(line.text)
                if not found and mispunctuated and mispunctuated[0] == level:
                    found = mispunctuated[1]  # 「1、」 still counts in its level's sequence
                if not found:
                    continue
                number = _number(found.group(1))
                if number is None:
                    break
                # a （一） before any 一、, a （1） right under 一、 or （一）: a level left out
                # (a 1. right under 一、 is how lists are numbered: not counted)
                if (level == 1 and deepest < 0) or (level == 3 and deepest in (0, 1)):
                    yield Finding(HEADING_LEVEL_SKIPPED, excerpt=line.text[:24],
                                  measured=f"a level {level + 1} heading after level "
                                           f"{deepest + 1 if deepest >= 0 else 'none'}",
                                  expected=f"a level {deepest + 2} heading first",
                                  hint="levels go 一、 → （一） → 1. → （1）", **here)
                expected = counters[level] + 1
                if number != expected:
                    yield Finding(HEADING_SEQUENCE, excerpt=line.text[:24],
                                  measured=f"number {number}", expected=f"number {expected}",
                                  hint="heading numbers never skip or repeat", **here)
                yield from _heading_font(line, level, len(found.group(0)), here)
                if (line is foot and level <= 1 and "。" not in line.text
                        and line.x1 < RIGHT - standard.ONE_CHAR_MM):
                    yield Finding(HEADING_ORPHAN, excerpt=line.text[:24],
                                  measured=f"the last line of page {page.number}",
                                  expected="on the page of the text it heads",
                                  hint="keep the heading with the next paragraph (Word: "
                                       "段落 › 换行和分页 › 与下段同页)", **here)
                counters[level] = number
                counters[level + 1:] = [0] * (len(counters) - level - 1)
                deepest = level
                break


def _doc_number_and_dates(line: Line, here: dict) -> Iterator[Finding]:
    text = line.text
    for found in _WRONG_BRACKETS.finditer(text):
        if found.group("open") + found.group("close") != "〔〕":
            yield Finding(DOC_NUMBER_BRACKETS, excerpt=found.group(0),
                          measured=f"year in {found.group('open')}{found.group('close')}",
                          expected="〔〕 (U+3014, U+3015)",
                          hint=f"write {found.group('code')}〔{found.group('year')}〕…号", **here)
    for found in _WRONG_BRACKETS.finditer(text):
        serial = found.group("serial")
        if serial.startswith(("第", "0")):
            yield Finding(DOC_NUMBER_SERIAL, excerpt=found.group(0),
                          measured=f"serial {serial.removesuffix('号')!r}",
                          expected="no 第 and no leading zero (〔2024〕1号)", **here)
    for found in _SERIAL.finditer(text):
        yield Finding(DOC_NUMBER_SERIAL, excerpt=found.group(0),
                      measured=f"serial {found.group('serial')!r}",
                      expected="no 第 and no leading zero (〔2024〕1号)", **here)
    for found in _NUMERAL_DATE.finditer(text):
        yield Finding(DATE_NUMERALS, excerpt=found.group(0),
                      measured="a date in Chinese numerals", expected="Arabic digits (2024年9月2日)",
                      **here)
    for found in _PADDED_DATE.finditer(text):
        yield Finding(DATE_PADDING, excerpt=found.group(0), measured="a zero-padded date",
                      expected="no leading zero (2024年9月2日)", **here)


_HEADING_FACES = ("heiti", "kaiti", "fangsong", "fangsong")


def _heading_font(line: Line, level: int, number_length: int, here: dict) -> Iterator[Finding]:
    """A heading's words (the few after its number) in its level's typeface."""
    words = [c for c in line.chars[number_length:number_length + 6] if is_han(c.text)]
    if not words:
        return
    fonts = [c.font for c in words]
    font = max(set(fonts), key=fonts.count)
    face = typeface(font)
    want = _HEADING_FACES[level]
    if face is not None and face != want:
        yield Finding(HEADING_FONT, excerpt=line.text[:24],
                      measured=f"level {level + 1} heading in {official(face, font)}",
                      expected=OFFICIAL[want],
                      hint="一级标题黑体, 二级标题楷体, 三级和四级标题仿宋", **here)
