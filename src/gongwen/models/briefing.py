"""简报 (briefing): a numbered issue of articles under a red 报头, with a 报尾.

Not a GB/T 9704 format; the conventions are those of a branch office's 工作简报
(see the "Not in the standard" part of the layout notes).  Fields, Chinese / English:

* 简报名称 name — printed in red 初号 小标宋, shrunk to stay on one line;
  期号 issue (3, "3", "第3期", "第三期"); 总期号 total_issue; 年度 year (→ 2024年第3期);
  期号写法 numerals: 阿拉伯数字 (default, 第3期) or 汉字 (第三期); 密级 secrecy
  (e.g. 内部资料　注意保存, top left); 编印单位 editor and 日期/印发日期 date, printed
  as written on one line over the red rule.
* 按语 note (「编者按：」 is printed before it); 目录 contents (default: shown when
  there are several articles).
* 文章 articles: 标题 title (a line break in it breaks the printed title), 作者/供稿
  author (centred under the title), 正文 body or 正文文件 body_file, 图片 pictures:
  文件 file, 说明 caption, 宽度 width (mm or "50%"; default the text block's width).
* 报 report_to, 送 send_to, 发 issue_to (lists), 印数 copies → the 报尾.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from ..errors import InputError
from ..layout import standard
from ..text import chinese_numeral, parse_chinese_numeral
from .base import Date, GongwenModel, ProfileName, StrList, Title, zh

#: how 期号 is written: 第3期 (the default, as GB/T 9704 writes numbers) or 第三期
NUMERAL_STYLES = {"arabic": "arabic", "阿拉伯数字": "arabic", "数字": "arabic",
                  "chinese": "chinese", "汉字": "chinese", "中文": "chinese"}
_ISSUE_TEXT = re.compile(r"^(?:总)?第?\s*(.+?)\s*期?$")
_COPIES_TEXT = re.compile(r"^(?:共印)?\s*(\d+)\s*份?$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%$")


def _issue_number(value: object) -> object:
    """期号 as 3, "3", "第3期" or "第三期"."""
    if value is None or isinstance(value, int):
        return value
    match = _ISSUE_TEXT.match(str(value).strip())
    text = match.group(1) if match else str(value)
    if text.isdigit():
        return int(text)
    try:
        return parse_chinese_numeral(text)
    except (InputError, ValueError):
        return value  # pydantic reports it as not a whole number


def _copies(value: object) -> object:
    """印数 as 50, "50" or "50份"."""
    if value is None or isinstance(value, int):
        return value
    match = _COPIES_TEXT.match(str(value).strip())
    return int(match.group(1)) if match else value


def _width(value: object) -> object:
    """宽度 in millimetres (80, "80mm") or as a share of the text block ("50%")."""
    if value is None or isinstance(value, int | float):
        return value
    text = str(value).strip()
    percent = _PERCENT.match(text)
    if percent:
        return standard.TEXT_BLOCK_WIDTH_MM * float(percent.group(1)) / 100
    return text.removesuffix("mm").strip()


IssueNumber = Annotated[int, BeforeValidator(_issue_number), Field(ge=1)]


class Picture(GongwenModel):
    """A photo under an article; ``file`` is relative to the data file's folder."""

    file: str = zh("文件", "路径")
    caption: str | None = zh("说明", "图注", "题注", default=None)
    width_mm: Annotated[float | None, BeforeValidator(_width)] = zh(
        "宽度", "width", default=None, gt=0)


class Article(GongwenModel):
    """One article: a title, an optional author line, a body and photos."""

    title: Title = zh("标题")
    author: str | None = zh("作者", "供稿", default=None)
    body: str | None = zh("正文", default=None)
    body_file: str | None = zh("正文文件", default=None)
    pictures: list[Picture] = zh("图片", "照片", default_factory=list)

    @model_validator(mode="after")
    def _has_content(self) -> Article:
        if self.body is not None and self.body_file is not None:
            raise ValueError("give the body either inline (正文) or as a file (正文文件), "
                             "not both")
        if self.body is None and self.body_file is None and not self.pictures:
            raise ValueError("an article needs a body (正文 or 正文文件) or photos (图片)")
        return self


class Briefing(GongwenModel):
    """An issue of a briefing as a branch office writes it in YAML/JSON."""

    kind: Literal["briefing", "简报"] = zh("类型", default="briefing")
    name: str = zh("简报名称", "名称")
    issue: IssueNumber = zh("期号")
    total_issue: Annotated[int | None, BeforeValidator(_issue_number)] = zh(
        "总期号", default=None, ge=1)
    year: int | None = zh("年度", default=None, ge=1900, le=2999)
    numerals: str = zh("期号写法", default="arabic")
    secrecy: str | None = zh("密级", "保密提示", default=None)
    editor: str = zh("编印单位", "编印")
    date: Date = zh("日期", "印发日期", "编印日期")
    note: str | None = zh("按语", "编者按", default=None)
    contents: bool | None = zh("目录", default=None)
    articles: list[Article] = zh("文章", min_length=1)
    report_to: StrList = zh("报", "报送", default_factory=list)
    send_to: StrList = zh("送", "抄送", default_factory=list)
    issue_to: StrList = zh("发", "发送", "分发", default_factory=list)
    copies: Annotated[int | None, BeforeValidator(_copies)] = zh(
        "印数", "共印", default=None, ge=1)
    profile: ProfileName = zh("版式", default="strict")

    @field_validator("numerals")
    @classmethod
    def _known_numerals(cls, value: str) -> str:
        if value not in NUMERAL_STYLES:
            raise ValueError(f"unknown 期号写法 {value!r}; use 阿拉伯数字 (第3期) or 汉字 (第三期)")
        return NUMERAL_STYLES[value]

    @field_validator("total_issue")
    @classmethod
    def _total_covers_issue(cls, value: int | None, info: ValidationInfo) -> int | None:
        issue = info.data.get("issue")
        if value is not None and issue is not None and value < issue:
            raise ValueError(f"总期号 {value} is smaller than 期号 {issue}")
        return value

    def _number(self, n: int) -> str:
        return chinese_numeral(n) if self.numerals == "chinese" else str(n)

    @property
    def issue_text(self) -> str:
        """「第3期」, 「2024年第3期」 with a 年度, or 「第三期」 in Chinese numerals."""
        year = f"{self.year}年" if self.year else ""
        return f"{year}第{self._number(self.issue)}期"

    @property
    def total_issue_text(self) -> str:
        return f"（总第{self._number(self.total_issue)}期）" if self.total_issue else ""

    @property
    def title(self) -> str:
        """What the issue is called on file names and in a bundle: name + 期号."""
        return self.name.replace("\n", "") + self.issue_text

    @property
    def shows_contents(self) -> bool:
        """目录 by default when the issue has several articles; ``目录:`` overrides."""
        return self.contents if self.contents is not None else len(self.articles) > 1
