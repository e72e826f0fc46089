"""GB/T 9704-2012 《党政机关公文格式》: every number gongwen lays out by, named once.

Nothing else lives here.  Lengths are kept in millimetres as the standard states them
and converted with :func:`mm_to_twips` / :func:`mm_to_pt` where OOXML wants other units.
A :class:`Profile` bundles the numbers; ``strict`` is the standard itself and every
house style is a *named* set of deviations from it, never a silent one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from types import MappingProxyType

# --- units ------------------------------------------------------------------------

TWIPS_PER_PT = 20
PT_PER_INCH = 72
MM_PER_INCH = 25.4
#: DrawingML lengths (English Metric Units)
EMU_PER_MM = 36_000
EMU_PER_PT = 12_700


def mm_to_pt(mm: float) -> float:
    return mm / MM_PER_INCH * PT_PER_INCH


def mm_to_twips(mm: float) -> int:
    return round(mm_to_pt(mm) * TWIPS_PER_PT)


def chars_to_twips(chars: float) -> int:
    """An indent of ``chars`` character cells of the 28-per-line grid."""
    return mm_to_twips(chars * CHAR_PITCH_MM)


def pt_to_mm(pt: float) -> float:
    return pt / PT_PER_INCH * MM_PER_INCH


def line_pitch_twips() -> int:
    """The 22-lines pitch in twips, rounded *down*: 580 (the nearest) times 22 is 12 760
    twips, 4 more than the text block's 12 756, and a page then holds 21 lines."""
    return math.floor(mm_to_pt(LINE_PITCH_MM) * TWIPS_PER_PT)


# --- Chinese type sizes (字号), in points ----------------------------------------------

CHUHAO = 42.0  # 初号
YIHAO = 26.0  # 一号
ERHAO = 22.0  # 二号
SANHAO = 16.0  # 三号
SIHAO = 14.0  # 四号
XIAOSI = 12.0  # 小四
WUHAO = 10.5  # 五号

# --- official font names (kept in the DOCX; the PDF maps them to open faces) ------

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"
LATIN_FONT = "Times New Roman"  # digits and Latin letters in body text

RED = "FF0000"
BLACK = "000000"

# --- page and text block (版心) ------------------------------------------------------

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0  # 天头, ± 1 mm
MARGIN_LEFT_MM = 28.0  # 订口, ± 1 mm
TEXT_BLOCK_WIDTH_MM = 156.0
TEXT_BLOCK_HEIGHT_MM = 225.0
MARGIN_RIGHT_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - TEXT_BLOCK_WIDTH_MM  # 26
MARGIN_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - TEXT_BLOCK_HEIGHT_MM  # 35
POSITION_TOLERANCE_MM = 1.0

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
#: baseline-to-baseline distance that fits 22 lines into the text block (≈ 10.23 mm)
LINE_PITCH_MM = TEXT_BLOCK_HEIGHT_MM / LINES_PER_PAGE
#: width of one character cell when 28 fill the text block (≈ 5.57 mm)
CHAR_PITCH_MM = TEXT_BLOCK_WIDTH_MM / CHARS_PER_LINE
#: character tracking that lets 28 三号 characters fill the 156 mm line (28 × 16 pt is
#: 2 mm too wide); chosen over Word's char grid, which LibreOffice lays with the
#: characters sunk to the bottom of each 10.23 mm line (only 21 lines then fit)
BODY_TRACKING_PT = -0.25
#: 一字: one 三号 character, the unit of every indent the standard gives
ONE_CHAR_MM = pt_to_mm(SANHAO)
BODY_INDENT_CHARS = 2  # 正文每段首行空二字

# --- 版头 (header block) --------------------------------------------------------------

COPY_NUMBER_DIGITS = 6  # 份号: 6 Arabic digits
MARK_TOP_BELOW_TEXT_BLOCK_MM = 35.0  # 发文机关标志上边缘距版心上边缘
MARK_SIZE = YIHAO * 1.5  # not fixed by the standard; ≈ 39 pt is the common 小标宋 mark
#: a longer mark shrinks so it stays on one line inside this share of the text block
MARK_MAX_WIDTH_SHARE = 0.96
#: 份号, 密级和保密期限 and 紧急程度 take the text block's first three lines; the lines are
#: kept (empty) when an element is absent, so that the mark below them never moves
HEADER_LINES_ABOVE_MARK = 3
#: the mark's line spacing as a share of single spacing.  At 5/6 LibreOffice lays the
#: line exactly as tall as the type, the glyphs' body filling it (measured with
#: FandolSong Bold from 20 to 39 pt: baseline 0.797 em below the line's top), so the
#: space above the mark alone puts its top edge MARK_TOP_BELOW_TEXT_BLOCK_MM down,
#: whatever size a long name shrinks the mark to
MARK_LINE_SHARE = 5 / 6
DOC_NUMBER_LINES_BELOW_MARK = 2  # 发文机关标志下空二行编排发文字号
RED_RULE_BELOW_DOC_NUMBER_MM = 4.0  # 发文字号之下 4 mm 处居中印红色分隔线
RED_RULE_WIDTH_PT = 1.5  # thickness not fixed by the standard
#: 发文字号: 机关代字 + 〔YYYY〕 + serial + 号, hexagonal brackets, no 第, no padding
DOC_NUMBER_OPEN, DOC_NUMBER_CLOSE = "〔", "〕"
DOC_NUMBER_PATTERN = r"^[\u4e00-\u9fff]+〔\d{4}〕[1-9]\d*号$"

#: 上行文: 发文字号 left and 签发人 right on one line, each 一字 in (7.2.4)
SIGNER_LINE_INDENT_CHARS = 1
SIGNER_LABEL = "签发人："

# --- 主体 -------------------------------------------------------------------------------

TITLE_LINES_BELOW_RULE = 2  # 红色分隔线下空二行编排标题
ADDRESSEE_LINES_BELOW_TITLE = 1  # 标题下空一行编排主送机关
SIGNATURE_LINES_BELOW_BODY = 1  # 正文(或附件说明)下空一行编排署名
SIGNATURE_RIGHT_INDENT_CHARS = 2  # 不加盖印章: 署名右空二字
DATE_OFFSET_CHARS = 2  # 成文日期首字比署名首字右移二字
SEALED_DATE_RIGHT_INDENT_CHARS = 4  # 加盖印章: 成文日期右空四字, 署名以成文日期居中
#: 加盖印章: the 成文日期's line lies in the seal's lower part, its glyphs' bottom 1–4 mm
#: above the seal's lower edge (下压成文日期); gongwen aims at the middle of that range
SEAL_BELOW_DATE_MM = 2.5
SEAL_BELOW_DATE_RANGE_MM = (1.0, 4.0)
#: 联合行文 sealed (7.3.5.1): the seals side by side in one row, this far apart — the
#: standard asks only that they neither touch nor overlap and stay inside the 版心
JOINT_SEAL_GAP_MM = 6.0
#: 纪要 (10.3): 「出席」「请假」「列席」 + full-width colon in 三号黑体, 2 characters in,
#: a blank line below the body; the names in 仿宋, wrapped lines aligned after the colon
MINUTES_LABELS = ("出席", "请假", "列席")
MINUTES_LABEL_CHARS = 3
#: 附件: 「附件」+number top-left, its title centred on the text block's third line (8)
ATTACHMENT_TITLE_LINE = 3
HEADING_NUMBERS = ("一、", "（一）", "1.", "（1）")
#: a body table's cell margins left and right (not in the standard: Word's default)
BODY_TABLE_CELL_MARGIN_MM = 1.9

# --- 信函格式 (10.1) ---------------------------------------------------------------------

LETTER_MARK_TOP_MM = 30.0  # 发文机关标志上边缘至上页边 30 mm
LETTER_RULE_BELOW_MARK_MM = 4.0  # 标志下 4 mm 处红色双线（上粗下细）
LETTER_RULE_ABOVE_PAGE_BOTTOM_MM = 20.0  # 距下页边 20 mm 处红色双线（上细下粗）
LETTER_RULE_LENGTH_MM = 170.0  # 线长均为 170 mm, 居中
#: the double lines' strokes and the gap between them (not fixed by the standard)
LETTER_RULE_THICK_PT, LETTER_RULE_THIN_PT, LETTER_RULE_GAP_PT = 2.25, 0.75, 1.5
#: 份号 (or the first of 密级, 紧急程度) and the 发文字号 under the first double line:
#: 3 号汉字高度的 7/8 below it
LETTER_BELOW_RULE_MM = pt_to_mm(SANHAO) * 7 / 8
LETTER_TITLE_LINES_BELOW = 2  # 标题与其上最后一个要素相距二行

# --- 命令（令）格式 (10.2, 7.3.5.3) -----------------------------------------------------------

ORDER_MARK_TOP_BELOW_TEXT_BLOCK_MM = 20.0  # 发文机关标志上边缘至版心上边缘 20 mm
ORDER_NUMBER_LINES_BELOW_MARK = 2  # 标志下空二行居中编排令号
ORDER_BODY_LINES_BELOW_NUMBER = 2  # 令号下空二行编排正文
#: 签发人签名章: 正文下空二行右空四字; 职务在签名章左空二字; 成文日期在签名章下空一行右空四字
ORDER_SIGNATURE_LINES_BELOW_BODY = 2
ORDER_SIGNATURE_RIGHT_CHARS = 4
ORDER_TITLE_GAP_CHARS = 2
ORDER_DATE_LINES_BELOW_SIGNATURE = 1

# --- 版记 (end block) ---------------------------------------------------------------

END_RULE_THICK_MM = 0.35
END_RULE_THIN_MM = 0.25
END_BLOCK_INDENT_CHARS = 1  # 抄送/印发机关 左右各空一字

# --- 页码 ---------------------------------------------------------------------------

PAGE_NUMBER_SIZE = SIHAO
PAGE_NUMBER_FONT = SONGTI
PAGE_NUMBER_DASH = "—"  # 一字线
PAGE_NUMBER_BELOW_TEXT_BLOCK_MM = 7.0
PAGE_NUMBER_INDENT_CHARS = 1  # 单页码居右空一字, 双页码居左空一字


@dataclass(frozen=True)
class ElementStyle:
    """How one element of a document looks: the DOCX style is built from this."""

    style_id: str
    name: str  # the style name a user sees in Word / WPS
    font: str = FANGSONG
    size: float = SANHAO
    bold: bool = False
    color: str = BLACK
    align: str = "both"  # OOXML w:jc value
    first_line_chars: float = 0.0
    left_chars: float = 0.0
    right_chars: float = 0.0
    keep_with_next: bool = False
    snap_to_grid: bool = True


def _element_styles(bold_headings: tuple[int, ...] = ()) -> dict[str, ElementStyle]:
    """The strict style of every element; heading levels in ``bold_headings`` get bold."""
    s = ElementStyle
    styles = [
        s("GwBody", "公文正文", first_line_chars=BODY_INDENT_CHARS),
        s("GwCopyNumber", "公文份号", align="left", snap_to_grid=False),
        s("GwSecret", "公文密级", font=HEITI, align="left", snap_to_grid=False),
        s("GwUrgency", "公文紧急程度", font=HEITI, align="left", snap_to_grid=False),
        s("GwMark", "公文发文机关标志", font=XIAOBIAOSONG, size=MARK_SIZE, color=RED,
          align="center", snap_to_grid=False),
        s("GwDocNumber", "公文发文字号", align="center", snap_to_grid=False),
        s("GwDocNumberUp", "公文发文字号和签发人", align="left", snap_to_grid=False),
        s("GwTitle", "公文标题", font=XIAOBIAOSONG, size=ERHAO, align="center",
          keep_with_next=True),
        s("GwAddressee", "公文主送机关", align="left"),
        s("GwHeading1", "公文一级标题", font=HEITI, first_line_chars=BODY_INDENT_CHARS,
          bold=1 in bold_headings, keep_with_next=True),
        s("GwHeading2", "公文二级标题", font=KAITI, first_line_chars=BODY_INDENT_CHARS,
          bold=2 in bold_headings, keep_with_next=True),
        s("GwHeading3", "公文三级标题", first_line_chars=BODY_INDENT_CHARS,
          bold=3 in bold_headings, keep_with_next=True),
        s("GwHeading4", "公文四级标题", first_line_chars=BODY_INDENT_CHARS,
          bold=4 in bold_headings, keep_with_next=True),
        s("GwListItem", "公文列表", first_line_chars=BODY_INDENT_CHARS),
        s("GwTable", "公文表格", size=SIHAO, align="center"),
        s("GwAttachments", "公文附件说明", left_chars=BODY_INDENT_CHARS + 3,
          first_line_chars=-3),
        s("GwSignature", "公文署名", align="right", right_chars=SIGNATURE_RIGHT_INDENT_CHARS),
        s("GwDate", "公文成文日期", align="right", right_chars=SIGNATURE_RIGHT_INDENT_CHARS),
        s("GwNote", "公文附注", first_line_chars=BODY_INDENT_CHARS),
        s("GwAttachmentLabel", "公文附件标识", font=HEITI, align="left"),
        s("GwAttendance", "纪要出席人员", left_chars=BODY_INDENT_CHARS + MINUTES_LABEL_CHARS,
          first_line_chars=-MINUTES_LABEL_CHARS),
        s("GwAttachmentTitle", "公文附件标题", font=XIAOBIAOSONG, size=ERHAO, align="center",
          keep_with_next=True),
        s("GwEndBlock", "公文版记", size=SIHAO, align="left", left_chars=END_BLOCK_INDENT_CHARS,
          right_chars=END_BLOCK_INDENT_CHARS, snap_to_grid=False),
        s("GwPageNumber", "公文页码", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE,
          snap_to_grid=False),
    ]
    return {st.style_id: st for st in styles}


@dataclass(frozen=True)
class Profile:
    """A complete set of layout numbers.  ``deviations`` names every departure from
    the standard so that output can say which house style it follows."""

    name: str
    description: str
    deviations: tuple[str, ...] = ()
    page_number_align: str = "outside"  # "outside": odd right / even left; or "center"
    #: "exact": every line exactly ``exact_line_pt`` apart (22 lines fill the text
    #: block) with ``tracking_pt`` for 28 characters a line; "grid": Word's document
    #: grid (w:docGrid linesAndChars) instead
    line_spacing: str = "exact"
    exact_line_pt: float = mm_to_pt(LINE_PITCH_MM)
    tracking_pt: float = BODY_TRACKING_PT
    #: Word's 「允许标点溢出边界」 (w:overflowPunct): off, a line-final 、，。 stays inside
    #: the text block (the line breaks earlier); on, it may hang past the right margin
    hanging_punctuation: bool = False
    styles: MappingProxyType = field(
        default_factory=lambda: MappingProxyType(_element_styles())
    )

    def style(self, style_id: str) -> ElementStyle:
        return self.styles[style_id]

    @property
    def is_strict(self) -> bool:
        return not self.deviations


STRICT = Profile("strict", "GB/T 9704-2012 as published")

PROFILES: MappingProxyType = MappingProxyType(
    {
        "strict": STRICT,
        "centred-page-numbers": replace(
            STRICT,
            name="centred-page-numbers",
            description="page numbers centred on every page",
            deviations=("页码居中 (standard: odd right, even left, one character in)",),
            page_number_align="center",
        ),
        "bold-headings": replace(
            STRICT,
            name="bold-headings",
            description="level-2 and level-3 headings in bold",
            deviations=("二级、三级标题加粗 (standard: not required)",),
            styles=MappingProxyType(_element_styles(bold_headings=(2, 3))),
        ),
        "word-grid": replace(
            STRICT,
            name="word-grid",
            description="Word's 22 × 28 document grid instead of exact spacing and tracking",
            deviations=("文档网格 (LibreOffice lays 21 lines a page with it)",),
            line_spacing="grid",
            tracking_pt=0.0,
        ),
        "hanging-punctuation": replace(
            STRICT,
            name="hanging-punctuation",
            description="a line-final 、，。 may hang past the right margin (Word's default)",
            deviations=("标点溢出边界 (standard: every glyph inside the 版心)",),
            hanging_punctuation=True,
        ),
        "fixed-28pt": replace(
            STRICT,
            name="fixed-28pt",
            description="fixed 28 pt line spacing instead of the 22-line grid",
            deviations=("固定值28磅行距 (standard: 22 lines fill the text block)",),
            line_spacing="exact",
            exact_line_pt=28.0,
        ),
    }
)


def get_profile(name: str) -> Profile:
    """The profile called ``name``; raises ``KeyError`` naming the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown profile {name!r}; known: {', '.join(PROFILES)}") from None

# --- header/footer distances (derived, measured on LibreOffice 25.2 output) ---------

HEADER_DISTANCE_MM = 15.0  # nothing is printed in the header; any value inside the margin
#: footer text bottom above the paper's edge, so that the page number's top sits
#: PAGE_NUMBER_BELOW_TEXT_BLOCK_MM below the text block.  The footer's line is exactly
#: as tall as its type (LibreOffice then fills the line with the glyphs' body), so the
#: number's top is the footer's bottom + its size: 297 − 23.06 − 4.94 = 269 mm
FOOTER_DISTANCE_MM = MARGIN_BOTTOM_MM - PAGE_NUMBER_BELOW_TEXT_BLOCK_MM - pt_to_mm(SIHAO)
