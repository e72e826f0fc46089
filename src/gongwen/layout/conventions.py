"""House conventions gongwen keeps beside GB/T 9704-2012: the 简报 and the
table forms (承诺书, 民主评议), which the standard does not fix.

They stand on the standard's page, fonts and page numbers, so their numbers are
derived from :mod:`gongwen.layout.standard` wherever the standard has one.
"""

from __future__ import annotations

from types import MappingProxyType

from .standard import (
    BODY_INDENT_CHARS,
    CHUHAO,
    END_BLOCK_INDENT_CHARS,
    END_RULE_THIN_MM,
    ERHAO,
    HEITI,
    KAITI,
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    MARK_MAX_WIDTH_SHARE,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    RED,
    RED_RULE_BELOW_DOC_NUMBER_MM,
    SANHAO,
    SIHAO,
    TEXT_BLOCK_HEIGHT_MM,
    WUHAO,
    XIAOBIAOSONG,
    ElementStyle,
)

# --- 简报 (briefing) ------------------------------------------------------------------
# Not in GB/T 9704: the house conventions of /work/shared/gbt9704.md ("Not in the
# standard"), laid on the standard's page, fonts and page numbers.

XIAOER = 18.0  # 小二
#: 报头 name: 初号 小标宋 in red, shrunk to stay on one line inside this share of the line
BRIEFING_NAME_SIZE = CHUHAO
BRIEFING_NAME_MAX_WIDTH_SHARE = MARK_MAX_WIDTH_SHARE
#: air above the name, above the 期号 line and above the 编印单位/date line: the
#: 报头 fills the top third, its red rule ≈ 88 mm from the paper's top (≈ 95 mm with
#: a 内部资料 mark above the name)
BRIEFING_NAME_SPACE_BEFORE_MM = 6.0
BRIEFING_ISSUE_SPACE_BEFORE_MM = 3.0
BRIEFING_META_SPACE_BEFORE_MM = 6.0
#: the 报头 (name down to its red rule) stays inside this distance from the paper's top
BRIEFING_HEAD_LIMIT_MM = PAGE_HEIGHT_MM / 3
#: the red rule under the 编印单位/date line, as under the 发文字号
BRIEFING_RULE_BELOW_META_MM = RED_RULE_BELOW_DOC_NUMBER_MM
BRIEFING_ARTICLE_TITLE_SIZE = XIAOER  # article titles: 小二 小标宋, centred
BRIEFING_CAPTION_SIZE = SIHAO  # photo captions: 四号 仿宋, centred
BRIEFING_TAIL_SIZE = SIHAO  # 报尾: 四号 仿宋, as the 版记
#: a photo is as wide as the text block unless the data asks for less, and never
#: taller than this, so a photo, its caption and some text share a page
BRIEFING_PICTURE_MAX_HEIGHT_MM = TEXT_BLOCK_HEIGHT_MM * 0.6
BRIEFING_TOC_LABEL = "本期目录"
BRIEFING_NOTE_LABEL = "编者按："


def _briefing_styles() -> dict[str, ElementStyle]:
    s = ElementStyle
    styles = [
        s("GwBriefingName", "简报名称", font=XIAOBIAOSONG, size=BRIEFING_NAME_SIZE, color=RED,
          align="center", snap_to_grid=False),
        s("GwBriefingIssue", "简报期号", align="center", snap_to_grid=False),
        s("GwBriefingMeta", "简报编印单位和日期", align="left", snap_to_grid=False),
        s("GwBriefingNote", "简报按语", font=KAITI, first_line_chars=BODY_INDENT_CHARS),
        s("GwBriefingTocLabel", "简报目录标题", font=HEITI, first_line_chars=BODY_INDENT_CHARS,
          keep_with_next=True),
        s("GwBriefingTocItem", "简报目录条目", font=KAITI, left_chars=BODY_INDENT_CHARS,
          keep_with_next=True),
        s("GwBriefingTitle", "简报文章标题", font=XIAOBIAOSONG, size=BRIEFING_ARTICLE_TITLE_SIZE,
          align="center", keep_with_next=True),
        s("GwBriefingAuthor", "简报文章作者", font=KAITI, align="center", keep_with_next=True),
        s("GwBriefingPicture", "简报图片", align="center", keep_with_next=True,
          snap_to_grid=False),
        s("GwBriefingCaption", "简报图片说明", size=BRIEFING_CAPTION_SIZE, align="center"),
        s("GwBriefingTail", "简报报尾", size=BRIEFING_TAIL_SIZE, align="left",
          left_chars=END_BLOCK_INDENT_CHARS, right_chars=END_BLOCK_INDENT_CHARS,
          snap_to_grid=False),
    ]
    return {st.style_id: st for st in styles}


#: the briefing template's styles, added to a profile's own styles by its builder
BRIEFING_STYLES: MappingProxyType = MappingProxyType(_briefing_styles())

# --- 表格式文书: 承诺书 and 民主评议 records -------------------------------------------
# Not in GB/T 9704 (/work/shared/gbt9704.md, "Not in the standard"): forms on the
# standard's page, fonts and page numbers; their tables in 四号 仿宋, the 汇总表 in 五号.

#: a landscape table page is the paper turned so that the table head faces the binding
#: edge: the margins turn with it, and the page number stays where portrait pages have
#: it (GB/T 9704 §10.1), i.e. in the left margin, read with the paper upright
LANDSCAPE_PAGE_WIDTH_MM = PAGE_HEIGHT_MM
LANDSCAPE_PAGE_HEIGHT_MM = PAGE_WIDTH_MM
LANDSCAPE_MARGIN_TOP_MM = MARGIN_LEFT_MM  # 订口
LANDSCAPE_MARGIN_BOTTOM_MM = MARGIN_RIGHT_MM
LANDSCAPE_MARGIN_LEFT_MM = MARGIN_BOTTOM_MM  # the page number's side
LANDSCAPE_MARGIN_RIGHT_MM = MARGIN_TOP_MM
LANDSCAPE_TEXT_WIDTH_MM = TEXT_BLOCK_HEIGHT_MM

FORM_SIZE = SIHAO
FORM_DENSE_SIZE = WUHAO
#: exact line height of form text as a multiple of its size (the body's 22-line grid
#: would give a 四号 line 10 mm)
FORM_LINE_SPACING = 1.5
FORM_DENSE_LINE_SPACING = 1.3
FORM_RULE_MM = END_RULE_THIN_MM
FORM_CELL_MARGIN_MM = 1.9
FORM_DENSE_CELL_MARGIN_MM = 0.6
#: a row of a form table is never lower than this: room to write or tick by hand
FORM_ROW_MIN_HEIGHT_MM = 9.0
FORM_DENSE_ROW_MIN_HEIGHT_MM = 7.0
#: the 审核意见 / 支部意见 / 个人总结 boxes leave this much room for handwriting
FORM_BOX_MIN_HEIGHT_MM = 36.0
#: an underlined blank of this many characters for a handwritten signature
FORM_SIGNATURE_BLANK_CHARS = 6
#: a date left blank for handwriting
FORM_BLANK_DATE = "　　年　　月　　日"
#: two characters of 四号 text in the 三号 cells ElementStyle indents are counted in
FORM_INDENT_CHARS = BODY_INDENT_CHARS * FORM_SIZE / SANHAO
#: the ballot turns landscape when its columns need more than the portrait text block
BALLOT_MIN_WIDTHS_MM = {"number": 12.0, "grade": 16.0, "problems": 70.0,
                        "problems_least": 40.0, "extra": 30.0}


def _form_styles() -> dict[str, ElementStyle]:
    s = ElementStyle
    styles = [
        s("GwFormCell", "表格文字", size=FORM_SIZE, align="center", snap_to_grid=False),
        s("GwFormText", "表格段落", size=FORM_SIZE, first_line_chars=FORM_INDENT_CHARS,
          snap_to_grid=False),
        s("GwFormItem", "表格条目", size=FORM_SIZE, snap_to_grid=False),
        s("GwFormSign", "表格签署", size=FORM_SIZE, align="right",
          right_chars=FORM_INDENT_CHARS, snap_to_grid=False),
        s("GwFormInfo", "表头信息", size=FORM_SIZE, align="left", snap_to_grid=False),
        s("GwFormNote", "表格说明", size=FORM_SIZE, first_line_chars=FORM_INDENT_CHARS,
          snap_to_grid=False),
        s("GwFormDense", "密排表格文字", size=FORM_DENSE_SIZE, align="center",
          snap_to_grid=False),
    ]
    return {st.style_id: st for st in styles}


#: the longest title a document takes (characters): about nine 二号 lines, far past any
#: real 公文's; a longer one is a mistake in the data (a body pasted into 标题), refused
#: before it is laid out rather than breaking it into thousands of lines
TITLE_MAX_CHARS = 200
#: a 发文机关标志 shrunk below the title's 二号 to stay on one line no longer stands out
#: (7.2.3 leaves its size open, asking only that it be 醒目): the data is warned
MARK_SMALLEST_SIZE = ERHAO

#: the form templates' styles (承诺书, 民主评议), added to a profile's own by their builders
FORM_STYLES: MappingProxyType = MappingProxyType(_form_styles())
