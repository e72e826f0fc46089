"""Numbers as a 公文 writes them: Chinese numerals, heading numbers and 发文字号.

Heading numbers take their shape from :data:`gongwen.layout.standard.HEADING_NUMBERS`; the
hand-written variants accepted here exist because text pasted from Word or a web page
carries them, and they are normalised to the standard's form rather than kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import InputError, Location
from ..layout import standard

# --- Chinese numerals -------------------------------------------------------------------

MAX_NUMERAL = 9999
_DIGITS = "零一二三四五六七八九"
_DIGIT_VALUES = {ch: i for i, ch in enumerate(_DIGITS) if i}
_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
_UNIT_VALUES = {unit: value for value, unit in _UNITS if unit}
_ZERO = "零"


def chinese_numeral(n: int) -> str:
    """``n`` in Chinese numerals as headings and counts use them: 11 → 十一, 101 → 一百零一.

    Raises ``ValueError`` outside 1‥9999, the range a document ever numbers.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int, got {type(n).__name__}")
    if not 1 <= n <= MAX_NUMERAL:
        raise ValueError(f"{n} is outside 1..{MAX_NUMERAL}")
    parts: list[str] = []
    gap = False  # a zero place between two non-zero ones is read as a single 零
    for value, unit in _UNITS:
        digit, n = divmod(n, value)
        if digit:
            if gap:
                parts.append(_ZERO)
            parts.append(_DIGITS[digit] + unit)
            gap = False
        elif parts:
            gap = True
    text = "".join(parts)
    # 10‥19 are said 十, 十一 … and never 一十, 一十一; 110 stays 一百一十.
    return text[1:] if text.startswith("一十") else text


def parse_chinese_numeral(text: str) -> int:
    """The value of a Chinese numeral written as :func:`chinese_numeral` writes it.

    ``一十一`` is accepted beside ``十一``; anything else that is not exactly the
    canonical spelling (``十十``, ``一二``, ``两``) raises ``ValueError``.
    """
    value = _loose_value(text)
    if value is not None:
        canonical = chinese_numeral(value)
        if text == canonical or (canonical.startswith("十") and text == "一" + canonical):
            return value
    raise ValueError(f"{text!r} is not a Chinese numeral")


def _loose_value(text: str) -> int | None:
    """Add up digit × unit pairs without checking the spelling; ``None`` if unreadable."""
    total = 0
    digit: int | None = None
    for ch in text:
        if ch in _DIGIT_VALUES:
            if digit is not None:
                return None
            digit = _DIGIT_VALUES[ch]
        elif ch == _ZERO:
            if digit is not None:
                return None
        elif ch in _UNIT_VALUES:
            total += (1 if digit is None else digit) * _UNIT_VALUES[ch]
            digit = None
        else:
            return None
    total += digit or 0
    return total if 1 <= total <= MAX_NUMERAL else None


# --- heading numbers --------------------------------------------------------------------

HEADING_LEVELS = len(standard.HEADING_NUMBERS)
#: the sample numeral each standard form is written with: 一 (Chinese) or 1 (Arabic)
_CHINESE_SAMPLE, _ARABIC_SAMPLE = "一", "1"


@dataclass(frozen=True)
class _Form:
    prefix: str
    suffix: str
    chinese: bool


def _standard_form(sample: str) -> _Form:
    chinese = _CHINESE_SAMPLE in sample
    prefix, suffix = sample.split(_CHINESE_SAMPLE if chinese else _ARABIC_SAMPLE, 1)
    return _Form(prefix, suffix, chinese)


_FORMS = tuple(_standard_form(sample) for sample in standard.HEADING_NUMBERS)

# What people type by hand for each level.  Chinese forms tolerate half-width
# parentheses; Arabic ones also 、 and the full-width ．.  An Arabic number must not
# run on into more digits, so that "1.5倍" is not read as heading 1.
_NUMERAL_CHARS = "[一二三四五六七八九十百千零]+"
_HAND_NUMBERS = (
    re.compile(rf"({_NUMERAL_CHARS})、\s*"),
    re.compile(rf"[（(]({_NUMERAL_CHARS})[）)]\s*"),
    re.compile(r"([1-9]\d*)[.．、](?!\d)\s*"),
    re.compile(r"[（(]([1-9]\d*)[）)]\s*"),
)


def _check_level(level: int) -> None:
    if not 1 <= level <= HEADING_LEVELS:
        raise ValueError(f"heading level {level} is outside 1..{HEADING_LEVELS}")


def heading_number(level: int, n: int) -> str:
    """The standard number of the ``n``-th heading at ``level``: 一、 （一） 1. （1）."""
    _check_level(level)
    form = _FORMS[level - 1]
    if n < 1:
        raise ValueError(f"heading numbers start at 1, got {n}")
    numeral = chinese_numeral(n) if form.chinese else str(n)
    return f"{form.prefix}{numeral}{form.suffix}"


@dataclass(frozen=True)
class HeadingNumber:
    """A number found at the start of a line: its level, its value and the text after it."""

    level: int
    value: int
    written: str  # as the user wrote it, e.g. "1、"
    rest: str

    @property
    def standard(self) -> str:
        return heading_number(self.level, self.value)


def match_heading_number(
    text: str, levels: Iterable[int] = range(1, HEADING_LEVELS + 1)
) -> HeadingNumber | None:
    """The heading number ``text`` starts with, trying ``levels`` in order, or ``None``.

    "一是…" and "十分…" are not numbers: level 1 needs 、 right after the numeral.
    """
    for level in levels:
        _check_level(level)
        match = _HAND_NUMBERS[level - 1].match(text)
        if match is None:
            continue
        digits = match.group(1)
        if _FORMS[level - 1].chinese:
            try:
                value = parse_chinese_numeral(digits)
            except ValueError:
                continue
        else:
            value = int(digits)
        written = match.group(0).rstrip()
        return HeadingNumber(level, value, written, text[match.end() :])
    return None


# --- 发文字号 ----------------------------------------------------------------------------

_DOC_NUMBER = re.compile(standard.DOC_NUMBER_PATTERN)
_OPEN, _CLOSE = standard.DOC_NUMBER_OPEN, standard.DOC_NUMBER_CLOSE
_SUFFIX, _ORDINAL = "号", "第"
_YEAR_DIGITS = 4
_EXAMPLE = f"都教党组{_OPEN}2024{_CLOSE}11号"
_DOC_HINT = f"expected 机关代字{_OPEN}年份{_CLOSE}序号号, e.g. {_EXAMPLE}"
# Anything that looks like a document number, so that a wrong one gets a precise hint.
_LOOSE_DOC_NUMBER = re.compile(
    r"(?P<agency>.*?)\s*(?P<open>[\[［【〔〖(（{<《])\s*(?P<year>\d+)\s*"
    r"(?P<close>[\]］】〕〗)）}>》])\s*(?P<ordinal>第)?\s*(?P<serial>\d+)\s*(?P<suffix>号)?"
)


def format_doc_number(
    agency: str,
    year: int,
    serial: int,
    *,
    field: str | None = None,
    location: Location | None = None,
) -> str:
    """发文字号 from its parts: ``("都教党组", 2024, 11)`` → ``都教党组〔2024〕11号``.

    Raises :class:`InputError` when the result would not match
    :data:`gongwen.layout.standard.DOC_NUMBER_PATTERN`, with a hint naming the bad part.
    """
    agency = agency.strip()
    text = f"{agency}{_OPEN}{year}{_CLOSE}{serial}{_SUFFIX}"
    problems = _part_problems(agency, str(year), str(serial))
    if not problems and _DOC_NUMBER.match(text):
        return text
    raise InputError(
        f'"{text}" is not a valid document number (发文字号)',
        field=field,
        location=location,
        hint="; ".join(problems) or _DOC_HINT,
    )


def parse_doc_number(
    text: str, *, field: str | None = None, location: Location | None = None
) -> tuple[str, int, int]:
    """Split a 发文字号 into ``(agency, year, serial)``.

    Only the standard form is accepted.  Common wrong forms — ``[2024]``, ``【2024】``,
    ``第11号``, ``011号`` — raise :class:`InputError` whose hint says what GB/T 9704
    wants and, where it can, the corrected number.
    """
    value = text.strip()
    match = _LOOSE_DOC_NUMBER.fullmatch(value)
    if match is None:
        raise InputError(
            f'"{value}" is not a document number (发文字号)',
            field=field,
            location=location,
            hint=_DOC_HINT,
        )
    agency, year, serial = match["agency"], match["year"], match["serial"]
    if _DOC_NUMBER.match(value):
        return agency, int(year), int(serial)
    problems = []
    if (match["open"], match["close"]) != (_OPEN, _CLOSE):
        problems.append(f"the year goes in {_OPEN}{_CLOSE}, not {match['open']}{match['close']}")
    if match["ordinal"]:
        problems.append(f"no {_ORDINAL} before the serial number")
    if serial.startswith("0") and int(serial):
        problems.append("the serial number has no leading zeros")
    if not match["suffix"]:
        problems.append(f"the number ends with {_SUFFIX}")
    problems += _part_problems(agency, year, str(int(serial)))
    suggestion = f"{agency}{_OPEN}{year}{_CLOSE}{int(serial)}{_SUFFIX}"
    hint = "; ".join(problems) or "no spaces inside a document number"
    if _DOC_NUMBER.match(suggestion):
        hint += f": write {suggestion}"
    raise InputError(
        f'"{value}" is not a GB/T 9704 document number (发文字号)',
        field=field,
        location=location,
        hint=hint,
    )


def _part_problems(agency: str, year: str, serial: str) -> list[str]:
    """What is wrong with each part; the agency is judged by the standard's own pattern."""
    problems = []
    if not (year.isdigit() and len(year) == _YEAR_DIGITS):
        problems.append(f"the year has {_YEAR_DIGITS} digits, e.g. 2024")
    if not (serial.isdigit() and int(serial) >= 1):
        problems.append("the serial number is a whole number from 1")
    probe = f"{agency}{_OPEN}2024{_CLOSE}1{_SUFFIX}"
    if not _DOC_NUMBER.match(probe):
        problems.append("机关代字 is Chinese characters only, e.g. 都教党组")
    return problems
