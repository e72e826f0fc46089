"""``activity.yaml`` as written: the activity's name, branch, 领导小组, 文号 parts and
phases.  The models live here, apart from :mod:`gongwen.batch.activity` which resolves
their files, so that a document's 附件 table (领导小组, 阶段安排) can read them too."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, model_validator

from .base import Date, GongwenModel, StrList, Title, zh

ACTIVITY_FILE = "activity.yaml"
#: writing one of these for ``成员`` means every member of the roster
ALL_MEMBERS = ("全体", "全体党员", "all", "*")


def _all_members(value: object) -> object:
    if value is None or (isinstance(value, str) and value.strip() in ALL_MEMBERS):
        return None
    return value


class LeadingGroup(GongwenModel):
    """领导小组 of the activity."""

    leader: str | None = zh("组长", default=None)
    deputies: StrList = zh("副组长", default_factory=list)
    members: StrList = zh("成员", default_factory=list)


class DocNumberParts(GongwenModel):
    """The parts of 发文字号 every numbered document of the activity shares."""

    agency: str = zh("机关代字")
    year: int = zh("年份", "年度")


def _entry_shorthand(value: object) -> object:
    """``- plan.yaml`` is short for ``- 文件: plan.yaml``."""
    return {"file": value} if isinstance(value, str) else value


class DocumentEntry(GongwenModel):
    """One document (or one per member) a phase owes."""

    file: str = zh("文件", "数据")
    label: str | None = zh("名称", default=None)
    members: Annotated[StrList | None, BeforeValidator(_all_members)] = zh("成员", default=None)
    roster: str | None = zh("名册", default=None)
    tallies: str | None = zh("评议数据", "测评数据", default=None)
    template: str | None = zh("模板", default=None)


class PhaseEntry(GongwenModel):
    name: str = zh("名称")
    start: Date = zh("开始", "开始日期")
    end: Date = zh("结束", "结束日期")
    documents: list[Annotated[DocumentEntry, BeforeValidator(_entry_shorthand)]] = zh(
        "文件", "材料", default_factory=list)
    bundle_title: Title | None = zh("汇编标题", default=None)
    bundle_date: Date | None = zh("报送日期", default=None)
    #: what the phase is for, in a sentence or two: the 阶段安排 table's 主要任务 column
    tasks: str | None = zh("主要任务", "任务", default=None)

    @model_validator(mode="after")
    def _ordered(self) -> PhaseEntry:
        if self.end < self.start:
            raise ValueError(f"phase {self.name}: 结束 {self.end} is before 开始 {self.start}")
        return self


class ActivityModel(GongwenModel):
    """``activity.yaml`` as written (English or Chinese keys)."""

    kind: Literal["activity", "活动"] = zh("类型", default="activity")
    name: str = zh("活动名称", "活动")
    organization: str = zh("党组织", "组织")
    secretary: str | None = zh("书记", default=None)
    leading_group: LeadingGroup | None = zh("领导小组", default=None)
    doc_number: DocNumberParts | None = zh("文号", default=None)
    roster: str | None = zh("名册", default=None)
    tallies: str | None = zh("评议数据", "测评数据", default=None)
    shared: dict[str, Any] = zh("共用", "默认值", default_factory=dict)
    duplex: bool = zh("双面", default=False)
    phases: list[PhaseEntry] = zh("阶段")


__all__ = ["ACTIVITY_FILE", "ALL_MEMBERS", "ActivityModel", "DocNumberParts", "DocumentEntry", "LeadingGroup",
           "PhaseEntry"]
