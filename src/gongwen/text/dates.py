"""Dates as users type them and as GB/T 9704 prints them.

Users write dates in many ways (ISO, slashes, dots, 年月日) and spreadsheets hand over
``datetime`` objects or even floats; everything is read into :class:`datetime.date` or a
``(year, month)`` pair here, once, and printed from that.  The standard prints 成文日期
with Arabic numerals, the full year and no zero padding: 2024年9月1日.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

from ..errors import InputError, Location

DATE_HINT = "expected YYYY-MM-DD"
YEAR_MONTH_HINT = "expected YYYY.MM, e.g. 1985.03"

_FULL_DATE_FORMS = (
    # one separator used twice: 2024-09-01, 2024/9/1, 2024.9.1
    re.compile(r"(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
)
_YEAR_MONTH_FORMS = (
    re.compile(r"(\d{4})\s*[-/.．]\s*(\d{1,2})"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月?"),
    re.compile(r"(\d{4})(\d{2})"),  # 198503, a common roster spelling
)
#: a float such as 1985.03 is year + month / 100 (a spreadsheet cell typed as a number)
_MONTH_SCALE = 100


def format_date(d: dt.date) -> str:
    """``d`` as GB/T 9704 prints it: ``2024年9月1日``."""
    return f"{d.year}年{d.month}月{d.day}日"


def format_year_month(year_month: tuple[int, int]) -> str:
    """``(1985, 3)`` → ``1985年3月``, the form of 出生年月 in running text."""
    year, month = year_month
    return f"{year}年{month}月"


def format_year_month_dotted(year_month: tuple[int, int]) -> str:
    """``(1985, 3)`` → ``1985.03``, the compact form tables and rosters use."""
    year, month = year_month
    return f"{year}.{month:02d}"


def parse_date(
    value: object, *, field: str | None = None, location: Location | None = None
) -> dt.date:
    """Read a date from a ``date``/``datetime`` or a string.

    Accepted strings: ``2024-09-01``, ``2024/9/1``, ``2024.9.1``, ``2024年9月1日``.
    Anything else — including impossible dates like ``2024-02-30`` — raises
    :class:`InputError` carrying ``field`` and ``location``.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        parts = _match_full_date(text)
        if parts is not None:
            reason = _impossible(*parts)
            if reason is None:
                return dt.date(*parts)
            raise _error(f'"{text}" is not a date: {reason}', DATE_HINT, field, location)
        raise _error(f'"{text}" is not a date', DATE_HINT, field, location)
    raise _error(f"{value!r} is not a date", DATE_HINT, field, location)


def parse_year_month(
    value: object, *, field: str | None = None, location: Location | None = None
) -> tuple[int, int]:
    """Read a ``(year, month)`` pair, as 出生年月 or 入党时间 are kept.

    Accepted: ``1985.03``, ``1985-03``, ``1985-3``, ``1985/03``, ``1985年3月``, ``198503``,
    every full date :func:`parse_date` reads (the day is checked, then dropped), ``date``
    and ``datetime`` objects, and numbers a spreadsheet produces: ``198503`` and
    ``1985.03``.  A float is read with two decimals because a spreadsheet drops the
    trailing zero of 1985.10, so ``1985.1`` as a *number* is October; as a *string* it is
    January, as written.
    """
    if isinstance(value, dt.date):  # datetime included
        return value.year, value.month
    if isinstance(value, bool):
        raise _error(f"{value!r} is not a year and month", YEAR_MONTH_HINT, field, location)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _error(f"{value!r} is not a year and month", YEAR_MONTH_HINT, field, location)
        text = str(int(value)) if value.is_integer() else str(round(value * _MONTH_SCALE))
        shown = repr(value)
    elif isinstance(value, (int, str)):
        text = str(value).strip()
        shown = f'"{text}"'
    else:
        raise _error(f"{value!r} is not a year and month", YEAR_MONTH_HINT, field, location)

    parts = _match_year_month(text)
    if parts is None:
        full = _match_full_date(text) if isinstance(value, str) else None
        if full is not None:
            reason = _impossible(*full)
            if reason is None:
                return full[0], full[1]
            raise _error(
                f"{shown} is not a year and month: {reason}", YEAR_MONTH_HINT, field, location
            )
        raise _error(f"{shown} is not a year and month", YEAR_MONTH_HINT, field, location)
    year, month = parts
    reason = _impossible(year, month, 1)
    if reason is not None:
        raise _error(f"{shown} is not a year and month: {reason}", YEAR_MONTH_HINT, field, location)
    return year, month


def _match_full_date(text: str) -> tuple[int, int, int] | None:
    for form in _FULL_DATE_FORMS:
        match = form.fullmatch(text)
        if match is not None:
            numbers = [g for g in match.groups() if g.isdigit()]
            year, month, day = (int(g) for g in numbers)
            return year, month, day
    return None


def _match_year_month(text: str) -> tuple[int, int] | None:
    for form in _YEAR_MONTH_FORMS:
        match = form.fullmatch(text)
        if match is not None:
            return int(match.group(1)), int(match.group(2))
    return None


def _impossible(year: int, month: int, day: int) -> str | None:
    """Why year-month-day is not on the calendar, or ``None`` if it is."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return f"there is no year {year}"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{year}年{month}月 has {days} days"
    return None


def _error(message: str, hint: str, field: str | None, location: Location | None) -> InputError:
    return InputError(message, field=field, location=location, hint=hint)
