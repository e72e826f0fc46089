"""A Party member as a branch's roster (花名册) lists them.

Rosters are spreadsheets, so members are not written in YAML field by field: the
roster reader (:mod:`gongwen.inputs.roster`) maps a sheet's columns onto these fields.
"""

from __future__ import annotations

from typing import Annotated, Any, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..text import (
    format_year_month,
    format_year_month_dotted,
    parse_year_month,
    strip_bidi_controls_in,
)

#: 性别 as rosters write it → the form printed
GENDERS = {"男": "男", "女": "女", "男性": "男", "女性": "女", "m": "男", "f": "女",
           "male": "男", "female": "女"}
#: how 出生年月 / 入党时间 are printed: ``dotted`` 1985.03, ``chinese`` 1985年3月
YEAR_MONTH_STYLES = ("dotted", "chinese")


class YearMonth(NamedTuple):
    """出生年月 or 入党时间: rosters keep the month, never the day."""

    year: int
    month: int

    def format(self, style: str = "dotted") -> str:
        if style == "chinese":
            return format_year_month(self)
        return format_year_month_dotted(self)

    def __str__(self) -> str:
        return self.format()


def _as_year_month(value: Any) -> Any:
    if value is None or isinstance(value, YearMonth):
        return value
    if isinstance(value, tuple | list) and len(value) == 2:
        return YearMonth(*value)
    return YearMonth(*parse_year_month(value))


YearMonthField = Annotated[YearMonth, BeforeValidator(_as_year_month)]


class Member(BaseModel):
    """One member; ``id`` (编号/工号) tells apart members who share a name."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    name: str
    gender: str | None = None
    birth: YearMonthField | None = None
    joined: YearMonthField | None = None
    position: str | None = None
    branch: str | None = None
    ethnicity: str | None = None
    education: str | None = None
    id: str | None = None
    note: str | None = None
    #: the roster's other columns, header → text, in the sheet's order
    extra: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _without_bidi_controls(cls, data: Any) -> Any:
        """A member made in Python is cleaned like a roster's row (gongwen.text.bidi)."""
        return strip_bidi_controls_in(data)

    def field_text(self, name: str, year_month_style: str = "dotted") -> str:
        """A field (or an extra column by its header) as printed in a form; ``""`` if empty."""
        value = getattr(self, name, None) if name in type(self).model_fields else None
        if value is None:
            value = self.extra.get(name)
        if isinstance(value, YearMonth):
            return value.format(year_month_style)
        return "" if value is None else str(value)
