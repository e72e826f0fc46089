"""实施方案 (implementation plan): a document in the GB/T 9704 文件 format."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, field_validator, model_validator

from ..layout import standard
from ..text import format_doc_number
from .base import Date, DocNumberInput, GongwenModel, ProfileName, StrList, zh

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


class Plan(GongwenModel):
    """A plan as a branch office writes it in YAML/JSON (English or Chinese keys)."""

    kind: Literal["plan", "实施方案"] = zh("类型", default="plan")
    organ: str = zh("发文机关")
    doc_number: Annotated[DocNumber | None, DocNumberInput] = zh("发文字号", default=None)
    title: str = zh("标题")
    addressee: str | None = zh("主送机关", "主送", default=None)
    body: str | None = zh("正文", default=None)
    body_file: str | None = zh("正文文件", default=None)
    attachments: StrList = zh("附件", default_factory=list)
    signature: str | None = zh("署名", "发文机关署名", default=None)
    date: Date = zh("成文日期")
    note: str | None = zh("附注", default=None)
    cc: StrList = zh("抄送", "抄送机关", default_factory=list)
    printer: str | None = zh("印发机关", default=None)
    print_date: Date | None = zh("印发日期", default=None)
    header: Annotated[Header, BeforeValidator(_header_flag)] = zh(
        "版头", default_factory=lambda: Header(enabled=False)
    )
    profile: ProfileName = zh("版式", default="strict")

    @model_validator(mode="after")
    def _body_given_once(self) -> Plan:
        if (self.body is None) == (self.body_file is None):
            raise ValueError("give the body either inline (正文) or as a file (正文文件), once")
        return self

    @property
    def signer(self) -> str:
        return self.signature or self.organ
