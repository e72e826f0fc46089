"""党员承诺书 (pledge): one form per member of a roster, the pledges grouped by category.

The categories and their items come from the data (the seed's 五带五争: 学习钻研, 为人师表,
服务群众, 爱岗敬业, 遵纪守法 …); ``members`` adds items for a named member.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, field_validator

from .base import Date, GongwenModel, ProfileName, StrList, Title, zh

#: 年月格式 as a user may write it → the style name
YEAR_MONTH_SPELLINGS = {"dotted": "dotted", "chinese": "chinese", "1985.03": "dotted",
                        "1985年3月": "chinese", "点": "dotted", "年月": "chinese"}
DEFAULT_TITLE = "党员承诺书"
DEFAULT_OPENING = "我郑重承诺："
DEFAULT_CLOSING = "以上承诺，请党组织和党员群众监督。"


class Category(GongwenModel):
    """A group of pledges under one heading (学习钻研 …)."""

    name: str = zh("类别", "名称")
    items: StrList = zh("事项", "内容", "承诺")


def _categories(value: Any) -> Any:
    """``{学习钻研: [..], 为人师表: [..]}`` is the short form of a list of categories."""
    if isinstance(value, Mapping):
        return [{"name": str(name), "items": items} for name, items in value.items()]
    return value


Categories = Annotated[list[Category], BeforeValidator(_categories)]


class MemberPledge(GongwenModel):
    """What one member adds to the common pledges."""

    pledges: Categories = zh("承诺事项", default_factory=list)


def _member_pledge(value: Any) -> Any:
    """Under a name, the categories may be written directly, without 承诺事项."""
    if isinstance(value, Mapping) and not {"pledges", "承诺事项"} & set(value):
        return {"pledges": value}
    return value


def _year_month_style(value: Any) -> Any:
    return YEAR_MONTH_SPELLINGS.get(str(value).strip(), value)


YearMonthStyle = Annotated[Literal["dotted", "chinese"], BeforeValidator(_year_month_style)]


class Pledge(GongwenModel):
    """A pledge form as a branch writes it; the roster supplies the members."""

    kind: Literal["pledge", "承诺书", "党员承诺书"] = zh("类型", default="pledge")
    title: Title = zh("标题", default=DEFAULT_TITLE)
    branch: str | None = zh("党支部", "所在支部", "支部", default=None)
    roster: str | None = zh("花名册", default=None)
    intro: str | None = zh("引言", "导语", default=None)
    opening: str = zh("承诺语", default=DEFAULT_OPENING)
    pledges: Categories = zh("承诺事项")
    closing: str | None = zh("结束语", default=DEFAULT_CLOSING)
    date: Date | None = zh("承诺日期", "日期", default=None)
    review: str | None = zh("审核意见", default=None)
    review_date: Date | None = zh("审核日期", default=None)
    members: dict[str, Annotated[MemberPledge, BeforeValidator(_member_pledge)]] = zh(
        "成员", default_factory=dict)
    year_month_style: YearMonthStyle = zh("年月格式", default="dotted")
    profile: ProfileName = zh("版式", default="strict")

    @field_validator("pledges")
    @classmethod
    def _some_pledges(cls, value: list[Category]) -> list[Category]:
        if not value:
            raise ValueError("list at least one category of pledges")
        return value

    def pledges_with(self, own: MemberPledge | None) -> list[Category]:
        """The common categories with a member's ``own`` items added (new categories last)."""
        if own is None:
            return list(self.pledges)
        merged = {c.name: list(c.items) for c in self.pledges}
        for category in own.pledges:
            merged.setdefault(category.name, []).extend(category.items)
        return [Category(name=name, items=items) for name, items in merged.items()]
