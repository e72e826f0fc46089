"""民主评议 records: ``kind: evaluation`` with a ``form:`` (表式) saying which.

* ``ballot`` (测评表): the anonymous ballot, one row per member, a tick column per grade;
* ``register`` (登记表): one form per member: 自评, the tallies, 组织评定, 支部意见;
* ``summary`` (汇总表): the branch's counts, percentages and resulting grades.

One kind with a form rather than three kinds, because the three share the roster, the
tallies and the rule; the form names are accepted in English and Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, PlainSerializer, field_validator
from pydantic_core import PydanticCustomError

from .base import Date, GongwenModel, ProfileName, StrList, Title, zh
from .pledge import YearMonthStyle
from .scoring import GRADES, GradeRule

FORMS = {
    "ballot": "ballot", "测评表": "ballot", "民主评议党员测评表": "ballot",
    "register": "register", "登记表": "register", "评议登记表": "register",
    "民主评议党员登记表": "register",
    "summary": "summary", "汇总表": "summary", "结果汇总表": "summary",
    "评议结果汇总表": "summary", "民主评议党员结果汇总表": "summary",
}
DEFAULT_TITLES = {"ballot": "民主评议党员测评表", "register": "民主评议党员登记表",
                  "summary": "民主评议党员结果汇总表"}
ORIENTATIONS = {"auto": "auto", "自动": "auto", "portrait": "portrait", "纵向": "portrait",
                "竖版": "portrait", "landscape": "landscape", "横向": "landscape",
                "横版": "landscape"}
SOURCE_KEYS = {"互评": "peer", "党员互评": "peer", "peer": "peer",
               "群众": "public", "群众评议": "public", "public": "public"}
MAX_DECIMALS = 2
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_share(value: Any) -> Fraction:
    """A share as users write it: ``0.5``, ``50%``, ``1/3``; exact, between 0 and 1."""
    text = str(value).strip()
    try:
        if isinstance(value, Fraction):
            share = value
        elif text.endswith(("%", "％")):
            share = Fraction(text[:-1].strip()) / 100
        elif _FRACTION.match(text):
            numerator, denominator = _FRACTION.match(text).groups()  # type: ignore[union-attr]
            share = Fraction(int(numerator), int(denominator))
        else:
            share = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise _error(f"{text!r} is not a share", "write 50%, 0.5 or 1/2") from None
    if not 0 < share <= 1:
        raise _error(f"{text!r} is not a share", "a share is more than 0 and at most 100%")
    return share


def _error(message: str, hint: str) -> PydanticCustomError:
    """An error whose message the InputError shows as written (see models.base)."""
    return PydanticCustomError("gongwen", message, {"hint": hint})


Share = Annotated[Fraction, BeforeValidator(parse_share), PlainSerializer(str)]


def _form(value: Any) -> Any:
    form = FORMS.get(str(value).strip())
    if form is None:
        raise _error(f"{value!r} is not a form of 民主评议",
                     "use 测评表 (ballot), 登记表 (register) or 汇总表 (summary)")
    return form


def _orientation(value: Any) -> Any:
    orientation = ORIENTATIONS.get(str(value).strip())
    if orientation is None:
        raise _error(f"{value!r} is not a page orientation", "use 自动, 纵向 or 横向")
    return orientation


def _grade(value: Any) -> Any:
    if value is not None and str(value).strip() not in GRADES:
        raise _error(f"{value!r} is not a grade", "grades are " + "、".join(GRADES))
    return value if value is None else str(value).strip()


def _sources(value: Any) -> Any:
    """``{互评: 12, 群众: 36}`` → ``{peer: 12, public: 36}``; one number is 党员互评."""
    if value is None:
        return value
    if not isinstance(value, Mapping):
        value = {"互评": value}
    known = {}
    for key, item in value.items():
        source = SOURCE_KEYS.get(str(key).strip())
        if source is None:
            raise _error(f"{key!r} is neither 互评 nor 群众", "write 互评 or 群众")
        known[source] = item
    return known


Grade = Annotated[str, BeforeValidator(_grade)]


class Rule(GongwenModel):
    """评定规则: thresholds on each member's exact shares (see :mod:`gongwen.models.scoring`)."""

    excellent: Share = zh("优秀", default=Fraction(1, 2))
    basic: Share = zh("基本合格", default=Fraction(1, 2))
    poor: Share = zh("不合格", default=Fraction(1, 2))
    weights: Annotated[dict[str, Share] | None, BeforeValidator(_sources)] = zh(
        "权重", default=None)

    def to_rule(self) -> GradeRule:
        return GradeRule(self.excellent, self.basic, self.poor, self.weights or None)


class MemberEvaluation(GongwenModel):
    """What the data says about one member (keys of ``members`` are roster names)."""

    self_assessment: str | None = zh("自评", "个人总结", "自我评价", default=None)
    opinion: str | None = zh("支部意见", default=None)
    grade: Grade | None = zh("组织评定", default=None)


class Evaluation(GongwenModel):
    """A 民主评议 record; the roster gives the members, the tallies their votes."""

    kind: Literal["evaluation", "民主评议"] = zh("类型", default="evaluation")
    form: Annotated[Literal["ballot", "register", "summary"], BeforeValidator(_form)] = zh(
        "表式", "表格")
    title: Title | None = zh("标题", default=None)
    branch: str = zh("党支部", "支部", "所在支部")
    secretary: str | None = zh("书记", "支部书记", default=None)
    date: Date | None = zh("评议日期", "日期", default=None)
    roster: str | None = zh("花名册", default=None)
    tallies: str | dict[str, Any] | None = zh("计票", default=None)
    voters: Annotated[dict[str, int] | None, BeforeValidator(_sources)] = zh(
        "参评人数", default=None)
    columns: StrList = zh("列", "显示列", default_factory=list)
    problems: bool | str = zh("存在问题", default=False)
    instructions: str | None = zh("说明", default=None)
    orientation: Annotated[Literal["auto", "portrait", "landscape"],
                           BeforeValidator(_orientation)] = zh("版面", default="auto")
    rule: Rule = zh("评定规则", default_factory=Rule)
    cap: Share = zh("优秀上限", "优秀比例上限", default=Fraction(1, 3))
    decimals: int = zh("比例小数位", "小数位", default=1)
    opinion: str | None = zh("支部意见", default=None)
    members: dict[str, MemberEvaluation] = zh("成员", default_factory=dict)
    year_month_style: YearMonthStyle = zh("年月格式", default="dotted")
    profile: ProfileName = zh("版式", default="strict")

    @field_validator("decimals")
    @classmethod
    def _few_decimals(cls, value: int) -> int:
        if not 0 <= value <= MAX_DECIMALS:
            raise ValueError(f"比例小数位 must be 0 to {MAX_DECIMALS}")
        return value

    @property
    def heading(self) -> str:
        return self.title or DEFAULT_TITLES[self.form]
