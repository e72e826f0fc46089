"""公文 in the GB/T 9704 文件 format: the generic kind (通知, 报告, 请示 …) and the
实施方案 (implementation plan), which is one case of it."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..layout import standard
from ..text import format_doc_number
from .base import Date, DocNumberInput, GongwenModel, ProfileName, StrList, Title, _as_list, zh

_COPY_NUMBER = re.compile(rf"^\d{{1,{standard.COPY_NUMBER_DIGITS}}}$")


class DocNumber(GongwenModel):
    """发文字号 in parts; gongwen writes 代字〔YYYY〕N号 from them."""

    agency: str = zh("机关代字")
    year: int = zh("年份", "年度")
    serial: int = zh("序号", "顺序号")

    def __str__(self) -> str:
        return format_doc_number(self.agency, self.year, self.serial)

    @model_validator(mode="after")
    def _well_formed(self) -> DocNumber:
        str(self)  # format_doc_number raises on a malformed part
        return self


class Header(GongwenModel):
    """版头: the red header block of the 文件 format; every element optional."""

    enabled: bool = zh("启用", default=True)
    mark: str | None = zh("发文机关标志", default=None)
    copy_number: str | None = zh("份号", default=None)
    secrecy: str | None = zh("密级", "密级和保密期限", default=None)
    urgency: str | None = zh("紧急程度", default=None)

    @field_validator("copy_number", mode="before")
    @classmethod
    def _six_digits(cls, value: object) -> object:
        if value is None:
            return value
        text = str(value).strip()
        if not _COPY_NUMBER.match(text):
            raise ValueError(f"份号 {text!r} must be up to {standard.COPY_NUMBER_DIGITS} digits")
        return text.zfill(standard.COPY_NUMBER_DIGITS)


def _header_flag(value: object) -> object:
    """``版头: false`` switches the header off; ``版头: true`` takes the defaults."""
    if isinstance(value, bool):
        return {"enabled": value}
    return value


#: the 文种 of the 党政机关公文处理工作条例 and the branch's own, longest first so that
#: a title ending in 实施方案 is not read as a 方案
GENRES = ("实施方案", "工作总结", "会议纪要", "通知", "通报", "报告", "请示", "意见", "决定",
          "决议", "批复", "纪要", "公告", "通告", "公报", "议案", "命令", "方案", "函")
#: 上行文: sent up to a superior, so the 版头 names the 签发人 (GB/T 9704 7.2.4)
UPWARD_GENRES = ("报告", "请示")
MINUTES_GENRES = ("纪要", "会议纪要")


#: GB/T 9704's formats (7, 10.1, 10.2): the ordinary 文件格式, the 信函格式 and the
#: 命令（令）格式, by any of their names
FORMATS = {"文件": "文件", "文件格式": "文件", "file": "文件", "信函": "信函", "信函格式": "信函",
           "letter": "信函", "命令": "命令", "令": "命令", "命令格式": "命令", "order": "命令"}


def _format_name(value: object) -> object:
    if value is None:
        return "文件"
    name = FORMATS.get(str(value).strip())
    if name is None:
        raise PydanticCustomError(
            "gongwen", f"unknown format {value!r}",
            {"hint": "格式: 信函 (letter) for the 信函格式 of GB/T 9704 10.1, 格式: 命令 (order) "
                     "for the 命令（令）格式 of 10.2, or leave it out for the ordinary 文件格式"})
    return name


def _order_number(value: object) -> object:
    """令号: 3 or 「第3号」 → 「第3号」."""
    if value is None:
        return value
    text = str(value).strip()
    if text.isdigit() and int(text) > 0:
        return f"第{int(text)}号"
    if not re.fullmatch(r"第[1-9]\d*号", text):
        raise PydanticCustomError("gongwen", f"令号 {text!r} is not 第N号",
                                  {"hint": "write 令号: 3 (printed 第3号)"})
    return text


def genre_of(title: str) -> str | None:
    """The 文种 a title ends with (「…的通知」 → 通知), None when it names none."""
    last = title.strip().rstrip("》”")
    return next((genre for genre in GENRES if last.endswith(genre)), None)


def _attachment_item(value: object) -> object:
    """An attachment may be just its name (named in the 附件说明 only)."""
    return {"name": value} if isinstance(value, str) else value


#: the tables an attachment may build from ``activity.yaml`` (``表格: 领导小组``)
TABLE_SOURCES = ("领导小组", "阶段安排", "名册")
Cell = str | int | float | None
#: inline rows: lists (the first is the header) or mappings (their keys are the header)
TableRows = list[list[Cell]] | list[dict[str, Cell]]


class Attachment(GongwenModel):
    """One 附件: its name in the 附件说明 and, when it has content, its own pages —
    body text, a table (built from ``activity.yaml`` or written inline), or both."""

    name: str = zh("名称")
    title: Title | None = zh("标题", default=None)
    number: int | None = zh("序号", default=None)
    body: str | None = zh("正文", default=None)
    body_file: str | None = zh("正文文件", default=None)
    table: str | TableRows | None = zh("表格", default=None)
    #: which of the table's columns to print, in order; a mapping renames them too
    columns: list[str] | dict[str, str] | None = zh("列", default=None)

    @model_validator(mode="after")
    def _body_once(self) -> Attachment:
        if self.body is not None and self.body_file is not None:
            raise ValueError("give the attachment's content inline (正文) or as a file "
                             "(正文文件), not both")
        return self

    @field_validator("table")
    @classmethod
    def _known_table(cls, value: object) -> object:
        if isinstance(value, str) and value.strip() not in TABLE_SOURCES:
            raise PydanticCustomError(
                "gongwen", f"no table called {value!r}",
                {"hint": "write 表格: " + " | ".join(TABLE_SOURCES)
                 + ", or the rows themselves: 表格: [[列1, 列2], [甲, 乙]]"})
        if isinstance(value, list) and not value:
            raise PydanticCustomError("gongwen", "the table has no rows",
                                      {"hint": "write its header row and at least one row"})
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _columns_of_a_table(self) -> Attachment:
        if self.columns is not None and self.table is None:
            raise ValueError("列 chooses the columns of a 表格: give 表格 too, or leave 列 out")
        return self

    @property
    def has_pages(self) -> bool:
        return self.body is not None or self.body_file is not None or self.table is not None


def _attachment_list(value: object) -> object:
    """One attachment may be written without a list, names as 「甲、乙」 as before."""
    return _as_list(value) if isinstance(value, str) else [value] if isinstance(value, dict) \
        else value


AttachmentList = Annotated[list[Annotated[Attachment, BeforeValidator(_attachment_item)]],
                           BeforeValidator(_attachment_list)]


class Signed(GongwenModel):
    """One 署名 of a joint document, with its seal: ``{机关: 乙工会, 印章: b.png}``."""

    name: str = zh("机关", "名称", "发文机关")
    #: this organ's seal's picture (one: each 署名 of a joint document has its own)
    seal: str | None = zh("印章", default=None)


def _signed_item(value: object) -> object:
    return {"name": value} if isinstance(value, str) else value


SignedList = list[Annotated[Signed, BeforeValidator(_signed_item)]]


class Official(GongwenModel):
    """A 公文 as a branch office writes it in YAML/JSON (English or Chinese keys); its
    文种 is given or read from the title's last words."""

    kind: Literal["公文", "official"] = zh("类型", default="公文")
    genre: str | None = zh("文种", default=None)
    organ: str = zh("发文机关")
    #: 联合行文: the other 发文机关 after the 主办 (``发文机关: [主办, 联署…]`` fills it)
    co_organs: StrList = zh("联署机关", default_factory=list)
    doc_number: Annotated[DocNumber | None, DocNumberInput] = zh("发文字号", default=None)
    signers: StrList = zh("签发人", default_factory=list)
    title: Title = zh("标题")
    addressee: str | None = zh("主送机关", "主送", default=None)
    body: str | None = zh("正文", default=None)
    body_file: str | None = zh("正文文件", default=None)
    attachments: AttachmentList = zh("附件", default_factory=list)
    #: one name, or 联合行文's names in order, each ``{机关: …, 印章: …}`` when sealed
    signature: str | SignedList | None = zh("署名", "发文机关署名", default=None)
    #: 纪要: who attended, was excused, sat in (names or 「单位 姓名」)
    present: StrList = zh("出席", default_factory=list)
    excused: StrList = zh("请假", default_factory=list)
    attending: StrList = zh("列席", default_factory=list)
    #: the seal's picture; a list for a joint document, one per 署名 in order
    seal: str | list[str] | None = zh("印章", default=None)
    #: a seal is cut at a fixed size and printed at it: its diameter, from the data
    seal_size: float = zh("印章尺寸", "印章直径", default=40.0, gt=10, le=60)
    date: Date = zh("成文日期")
    note: str | None = zh("附注", default=None)
    cc: StrList = zh("抄送", "抄送机关", default_factory=list)
    printer: str | None = zh("印发机关", default=None)
    print_date: Date | None = zh("印发日期", default=None)
    header: Annotated[Header, BeforeValidator(_header_flag)] = zh(
        "版头", default_factory=lambda: Header(enabled=False)
    )
    profile: ProfileName = zh("版式", default="strict")
    #: 信函 lays page 1 out as letter paper (10.1); a 函 may use either format
    format: Annotated[Literal["文件", "信函", "命令"], BeforeValidator(_format_name)] = zh(
        "格式", default="文件")
    #: 命令（令）格式: 令号 (「第N号」), the 签发人's 职务 and 签名章 (a picture, its width)
    order_number: Annotated[str | None, BeforeValidator(_order_number)] = zh("令号",
                                                                             default=None)
    signer_title: str | None = zh("签发人职务", default=None)
    signature_stamp: str | None = zh("签名章", default=None)
    signature_stamp_size: float = zh("签名章宽度", default=30.0, gt=5, le=80)

    @model_validator(mode="after")
    def _body_given_once(self) -> Official:
        if (self.body is None) == (self.body_file is None):
            raise ValueError("give the body either inline (正文) or as a file (正文文件), once")
        return self

    @model_validator(mode="before")
    @classmethod
    def _joint_organs(cls, data: object) -> object:
        """``发文机关: [主办, 联署…]``: the first is the 主办, the others 联署机关."""
        if not isinstance(data, dict):
            return data
        key = next((k for k in ("发文机关", "organ") if k in data), None)
        value = data.get(key) if key else None
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            data = {**data, key: value[0]}
            if len(value) > 1:
                data["联署机关"] = value[1:]
        return data

    @field_validator("title")
    @classmethod
    def _names_a_genre(cls, title: str, info: ValidationInfo) -> str:
        """A generic 公文 without 文种 must end its title with one (…的通知)."""
        if info.data.get("genre") is None and genre_of(title) is None:
            raise PydanticCustomError(
                "gongwen", "the title does not end with a 文种, so the kind of 公文 is unknown",
                {"hint": "add 文种: 通知 (通报, 报告, 请示, 意见, 决定, 批复, 函, 纪要 …)"})
        return title

    @model_validator(mode="after")
    def _genre_from_title(self) -> Official:
        if self.genre is None:
            self.genre = genre_of(self.title)
        return self

    @property
    def signer(self) -> str:
        """The (first) 署名."""
        if isinstance(self.signature, list):
            return self.signature[0].name if self.signature else self.organ
        return self.signature or self.organ

    @property
    def signer_names(self) -> list[str]:
        """Every 署名 in order: the list given, or the 发文机关 (the 主办 first)."""
        if isinstance(self.signature, list) and self.signature:
            return [signed.name for signed in self.signature]
        return [self.signer, *self.co_organs]

    @property
    def seals(self) -> list[str]:
        """The seals' pictures, one per 署名 (empty: no seal)."""
        if isinstance(self.signature, list) and any(s.seal for s in self.signature):
            return [s.seal or "" for s in self.signature]
        if isinstance(self.seal, list):
            return list(self.seal)
        return [self.seal] if self.seal else []

    @property
    def minutes(self) -> bool:
        """A 纪要: its own mark, attendance lists instead of 署名 and 成文日期 (10.3)."""
        return self.genre in MINUTES_GENRES

    @property
    def letter(self) -> bool:
        """Laid out in the 信函格式 (GB/T 9704 10.1)."""
        return self.format == "信函"

    @property
    def order(self) -> bool:
        """Laid out in the 命令（令）格式 (GB/T 9704 10.2)."""
        return self.format == "命令"

    @property
    def organs(self) -> list[str]:
        """Every 发文机关, the 主办 first."""
        return [self.organ, *self.co_organs]

    @property
    def upward(self) -> bool:
        """A 上行文 (报告, 请示), whose 版头 names the 签发人."""
        return self.genre in UPWARD_GENRES

    @property
    def attachment_names(self) -> list[str]:
        return [attachment.name for attachment in self.attachments]


class Plan(Official):
    """实施方案: the 公文 a branch opens its activity with (``类型: plan``)."""

    kind: Literal["plan", "实施方案"] = zh("类型", default="plan")  # type: ignore[assignment]
    genre: str | None = zh("文种", default="实施方案")
