"""A draft's lines → the parts of a 公文, normalised where the standard fixes the form.

Each change to the words (a number's punctuation, 〔〕 in a 发文字号, a date's digits)
is listed with its line; what could not be placed is listed as unsure, never guessed
silently.  Heading numbers become the body format's ``#`` marks, so gongwen numbers
them: where the draft skipped or repeated a number, that is listed too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..text import parse_chinese_numeral
from .read import DraftLine

_NUM = "一二三四五六七八九十"
#: level, pattern (group 1: the number, group 2: the rest), the standard's shape
HEADINGS = (
    (1, re.compile(rf"^第?([{_NUM}]+)\s*[、.．，,]\s*(.*)$")),
    (2, re.compile(rf"^[（(]\s*([{_NUM}]+)\s*[)）]\s*[、.．]?\s*(.*)$")),
    (3, re.compile(r"^(\d{1,2})\s*(?:[、．，,]|\.)(?!\d)\s*(.*)$")),  # not 「1、2月」
    (4, re.compile(r"^[（(]\s*(\d{1,2})\s*[)）]\s*[、.．]?\s*(.*)$|^(\d{1,2})[)）]\s*(.*)$")),
)
_DOC_NUMBER = re.compile(r"(?P<code>[\u4e00-\u9fff]{2,})\s*[\[【（(［〔]\s*(?P<year>\d{4})\s*"
                         r"[\]】）)］〕]\s*第?0*(?P<serial>\d+)\s*号")
#: the 版头's 份号, 密级 (and 保密期限) and 紧急程度, each on its line above the title
_COPY_NUMBER = re.compile(r"\d{1,6}")
_COPY_AND_NUMBER = re.compile(r"(?P<copy>\d{1,6})\s+(?P<number>[\u4e00-\u9fff]{2,}〔\d{4}〕\d+号)")
_SECRECY = re.compile(r"(绝密|机密|秘密)(\s*★\s*\S{0,8})?")
_URGENCY = re.compile(r"特急|加急|特提|平急")
_DATE = re.compile(r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(?P<m>[0-9一二三四五六七八九十]{1,3})"
                   r"\s*月\s*(?P<d>[0-9一二三四五六七八九十]{1,3})\s*日")
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_YEAR_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
#: how an organ's name ends: such a line above the title is the 发文机关标志
_ORGAN = re.compile(r"(委员会|党委|党组|党工委|总支|支部|政府|人民政府|局|厅|办公室|办公厅|学校|中学|小学)$")
_END_PUNCTUATION = ("。", "；", "，", "！", "？", ";", ",", ".", "!", "?", "：", ":")


@dataclass
class Draft:
    """The parts of a 公文 found in a draft, and what the reader should know."""

    title: str | None = None
    #: the 发文机关标志 (the organ's name above the title), when the draft has one
    mark: str | None = None
    #: a letter's (信函格式) 发文机关标志, from the header page 1 has to itself
    letterhead: str | None = None
    copy_number: str | None = None
    secrecy: str | None = None
    urgency: str | None = None
    doc_number: str | None = None
    addressee: str | None = None
    body: list[str] = field(default_factory=list)  # the body in gongwen's body format
    attachments: list[str] = field(default_factory=list)
    signature: str | None = None
    date: dt.date | None = None
    note: str | None = None
    cc: list[str] = field(default_factory=list)
    printer: str | None = None
    print_date: dt.date | None = None
    #: (line, what was changed in the words)
    changes: list[tuple[int, str]] = field(default_factory=list)
    #: (line, what the reader should look at)
    unsure: list[tuple[int, str]] = field(default_factory=list)


def normalise(text: str, line: int, draft: Draft) -> str:
    """Full-width digits, 〔〕 and serials in 发文字号, dates in Arabic digits without
    padding; each change listed in ``draft.changes``."""
    result = text.translate(_FULL_WIDTH_DIGITS)
    if result != text:
        draft.changes.append((line, "full-width digits → 0–9"))
    before = result
    result = _DOC_NUMBER.sub(lambda m: f"{m['code']}〔{m['year']}〕{m['serial']}号", result)
    if result != before:
        draft.changes.append((line, f"发文字号 → {_DOC_NUMBER.search(result).group(0)}"))
    before = result
    result = _DATE.sub(_arabic_date, result)
    if result != before:
        draft.changes.append((line, f"date → {_DATE.search(result).group(0)}"))
    return result


def _arabic_date(match: re.Match[str]) -> str:
    try:
        month, day = (int(v) if v.isdigit() else parse_chinese_numeral(v)
                      for v in (match["m"], match["d"]))
    except ValueError:
        return match[0]
    year = "".join(_YEAR_DIGITS.get(c, c) for c in match["y"])
    return f"{year}年{month}月{day}日"


def as_date(text: str) -> dt.date | None:
    """The date a whole line states (after :func:`normalise`), or None."""
    text = text.strip()
    found = _DATE.fullmatch(text) or _ISO_DATE.match(text)
    if not found:
        return None
    try:
        if _ISO_DATE.match(text):
            return dt.date(*map(int, _ISO_DATE.match(text).groups()))
        return dt.date(int(found["y"]), int(found["m"]), int(found["d"]))
    except ValueError:
        return None


def heading(line: DraftLine, text: str) -> tuple[int, int, str] | None:
    """(level, number, words) of a numbered heading line, or None."""
    if line.style_level is not None:
        return line.style_level, 0, text
    for level, pattern in HEADINGS:
        found = pattern.match(text)
        if not found:
            continue
        groups = [g for g in found.groups() if g is not None]
        number, words = groups[0], groups[1] if len(groups) > 1 else ""
        if not words:
            return None
        try:
            value = int(number) if number.isdigit() else parse_chinese_numeral(number)
        except ValueError:
            return None
        return level, value, words
    return None


def parse_draft(lines: list[DraftLine]) -> Draft:
    draft = Draft()
    items = [(line, normalise(line.text.strip().replace("\u3000", " ").strip(), line.number,
                              draft)) for line in lines]
    items = [(line, text) for line, text in items if text or line.table_row]
    start, end = _front(items, draft), _back(items, draft)
    _body(items[start:end], draft)
    return draft


def _front(items: list[tuple[DraftLine, str]], draft: Draft) -> int:
    """发文字号, title and 主送 at the top; the index where the body starts."""
    index = 0
    title: list[str] = []
    while index < len(items) and index < 8:
        line, text = items[index]
        numbered = _COPY_AND_NUMBER.fullmatch(text)
        if draft.doc_number is None and _DOC_NUMBER.fullmatch(text):
            draft.doc_number = text
        elif draft.doc_number is None and numbered:  # a letter's 份号 ⇥ 发文字号
            draft.copy_number, draft.doc_number = numbered["copy"], numbered["number"]
        elif draft.copy_number is None and _COPY_NUMBER.fullmatch(text):
            draft.copy_number = text
        elif draft.secrecy is None and _SECRECY.fullmatch(text):
            draft.secrecy = text
        elif draft.urgency is None and _URGENCY.fullmatch(text):
            draft.urgency = text
        elif text.endswith(("：", ":")) and len(text) <= 40 and heading(line, text) is None:
            draft.addressee = text.rstrip("：:")
            index += 1
            break
        elif (len(text) <= 40 and not text.endswith(_END_PUNCTUATION)
              and heading(line, text) is None and not line.table_row and len(title) < 3):
            title.append(text)
        else:
            break
        index += 1
    if len(title) > 1 and (_ORGAN.search(title[0]) or title[0].endswith("文件")):
        draft.mark = title.pop(0)
    if title and (draft.addressee is not None or len(items) > index):
        draft.title = "".join(title)
        if len(title) > 1:
            draft.changes.append((items[0][0].number, f"title of {len(title)} lines joined"))
    elif title:
        index -= len(title)
    if draft.title is None:
        where = items[0][0].number if items else 1
        draft.unsure.append((where, "no title found (a short line above the 主送 or the "
                                    "first paragraph); write one in the .yaml"))
    return index


_END_BLOCK_ROW = re.compile(r"^(抄送|分送)[:：]|印发$")


def _row_text(row: str) -> str:
    """A Markdown table row's cells as one line (empty for the separator row); a cell
    merged across columns is read once per column it spans, and kept once."""
    cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
    if all(set(cell) <= set("-: ") for cell in cells):
        return ""
    merged = [cell for i, cell in enumerate(cells) if cell and (i == 0 or cell != cells[i - 1])]
    return " ".join(merged)


def _back(items: list[tuple[DraftLine, str]], draft: Draft) -> int:
    """印发, 抄送, 附注, 成文日期, 署名 and 附件说明 at the end; the index where the
    body ends."""
    end = len(items)
    while end > 0:
        line, text = items[end - 1]
        if line.table_row:  # a 版记 laid out as a table (gongwen's own, Word's)
            text = _row_text(text)
            if not text and end >= 2 and _END_BLOCK_ROW.match(_row_text(items[end - 2][1])):
                end -= 1  # the separator under a one-row 版记 table
                continue
        printed = re.fullmatch(r"(.+?)\s*(\d{4}年\d{1,2}月\d{1,2}日)\s*印发", text)
        if printed:
            draft.printer, draft.print_date = printed[1].strip(), as_date(printed[2])
        elif re.match(r"^(抄送|分送)[:：]", text):
            draft.cc = [p.strip() for p in re.split(r"[，,、]", text[3:].rstrip("。.")) if p.strip()]
        elif text.startswith(("（", "(")) and text.endswith(("）", ")")) and draft.date is None \
                and end >= 2 and as_date(items[end - 2][1]):
            draft.note = text[1:-1]
        else:
            break
        end -= 1
    if end and as_date(items[end - 1][1]):
        draft.date = as_date(items[end - 1][1])
        end -= 1
        if end and len(items[end - 1][1]) <= 30 and not items[end - 1][1].endswith(_END_PUNCTUATION):
            draft.signature = items[end - 1][1]
            end -= 1
    else:
        where = items[end - 1][0].number if end else 1
        draft.unsure.append((where, "no 成文日期 found at the end; today's date was written, "
                                    "change it in the .yaml"))
    first = next((i for i in range(end) if re.match(r"^附\s*件\s*[:：]", items[i][1])), None)
    if first is not None and first >= end - 12:
        names = [re.sub(r"^附\s*件\s*[:：]\s*", "", items[first][1])]
        names += [text for _, text in items[first + 1:end]]
        draft.attachments = [re.sub(r"^\d+\s*[.．、]\s*", "", n).rstrip("。") for n in names if n]
        end = first
    return end


def _body(items: list[tuple[DraftLine, str]], draft: Draft) -> None:
    expected = [0, 0, 0, 0]
    for line, text in items:
        if line.table_row:
            draft.body.append(text)
            continue
        if draft.body and draft.body[-1].startswith("|"):
            draft.body.append("")
        found = heading(line, text)
        if found is None:
            if line.auto_numbered:
                draft.unsure.append((line.number, "Word's automatic numbering: its number is "
                                                  "not in the text; written as a paragraph"))
            draft.body += [text, ""]
            continue
        level, number, words = found
        sentence = re.search(r"[。；;！？]", words[:-1])
        rest = ""
        if sentence and level <= 2:  # 「（一）加强领导。各支部要……」: the heading, then its body
            words, rest = words[:sentence.end()], words[sentence.end():].strip()
        want = expected[level - 1] + 1
        if number and number != want:
            what = "skips" if number > want else "repeats"
            draft.unsure.append((line.number, f"the draft's heading number {what}: it is "
                                              f"number {number} of its level, gongwen numbers "
                                              f"it {want}; check nothing is missing"))
        expected[level - 1] = want
        expected[level:] = [0] * (4 - level)
        draft.body += ["#" * level + " " + words, ""]
        if rest:
            draft.body += [rest, ""]
