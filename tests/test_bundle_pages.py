"""Page planning and the cover/目录 DOCX of a bundle (no LibreOffice needed)."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn

from gongwen.bundle.pages import (
    TOC_HEADING,
    TocLine,
    cover_title_lines,
    estimate_toc_pages,
    front_matter_docx,
    is_toc_heading,
    plan_pages,
    toc_lines,
    toc_title_lines,
)
from gongwen.layout import standard


def test_plan_simplex_puts_entries_back_to_back() -> None:
    plan = plan_pages(1, 2, [3, 1, 2], duplex=False, numbering="body")
    assert plan.toc_start == 1
    assert plan.starts == (3, 6, 7)
    assert plan.total == 9 and not plan.blanks
    assert [plan.label(s) for s in plan.starts] == [1, 4, 5]


def test_plan_duplex_starts_toc_and_entries_on_odd_pages() -> None:
    plan = plan_pages(1, 2, [3, 1, 2], duplex=True, numbering="body")
    # cover 0, blank 1, 目录 2-3, plan 4-6, blank 7, entry 8, blank 9, entry 10-11
    assert plan.toc_start == 2
    assert plan.starts == (4, 8, 10)
    assert plan.blanks == {1, 7, 9}
    assert plan.total == 12
    assert plan.body_start == 4
    assert [plan.label(s) for s in plan.starts] == [1, 5, 7]


def test_plan_physical_numbering_counts_from_the_cover() -> None:
    plan = plan_pages(1, 1, [2, 2], duplex=False, numbering="physical")
    assert [plan.label(s) for s in plan.starts] == [3, 5]


def test_body_numbers_do_not_depend_on_front_length() -> None:
    """Why the 目录 rarely needs a second rendering in the default numbering."""
    counts = [3, 1, 2, 5]
    for duplex in (False, True):
        numbers = {
            tuple(p.label(s) for s in p.starts)
            for p in (plan_pages(c, t, counts, duplex=duplex, numbering="body")
                      for c in (0, 1, 2) for t in (0, 1, 2, 3))
        }
        assert len(numbers) == 1


def test_toc_lines_head_each_group_once() -> None:
    plan = plan_pages(1, 1, [1, 1, 1, 1], duplex=False, numbering="body")
    entries = [("实施方案", None), ("张三", "承诺书"), ("李四", "承诺书"), ("总结", None)]
    assert toc_lines(entries, plan) == [
        TocLine("实施方案", 1),
        TocLine("承诺书"),
        TocLine("张三", 2, nested=True),
        TocLine("李四", 3, nested=True),
        TocLine("总结", 4),
    ]


def test_estimate_counts_grid_lines() -> None:
    short = [TocLine(f"党员{n}", n, nested=True) for n in range(10)]
    assert estimate_toc_pages(short) == 1
    many = [TocLine(f"党员{n}", n, nested=True) for n in range(60)]
    assert estimate_toc_pages(many) == 3  # 62 lines of 22 a page
    wrapped = [TocLine("关于" * 20, 1)] * 11  # every title takes two lines
    assert estimate_toc_pages(wrapped) == 2


def test_toc_heading_is_recognised_in_extracted_text() -> None:
    assert is_toc_heading("目 录\n实施方案 ...... 1")
    assert is_toc_heading("  目录")
    assert not is_toc_heading("红星小学党支部材料汇编\n目录")


def test_front_docx_page_fonts_and_leaders() -> None:
    lines = [TocLine("承诺书"), TocLine("张三", 7, nested=True), TocLine("实施方案", 1)]
    data = front_matter_docx(title="材料汇编", author="中共红星小学支部委员会",
                             date_text="2024年9月1日", toc=lines)
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert round(section.page_width.mm) == standard.PAGE_WIDTH_MM
    assert round(section.page_height.mm) == standard.PAGE_HEIGHT_MM
    assert round(section.top_margin.mm) == standard.MARGIN_TOP_MM
    assert round(section.bottom_margin.mm) == standard.MARGIN_BOTTOM_MM
    assert round(section.left_margin.mm) == standard.MARGIN_LEFT_MM
    assert round(section.right_margin.mm) == standard.MARGIN_RIGHT_MM
    paragraphs = {p.text: p for p in doc.paragraphs}

    def east_asia(text: str) -> str:
        return paragraphs[text].style.element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asia("材料汇编") == standard.XIAOBIAOSONG
    assert east_asia(TOC_HEADING) == standard.XIAOBIAOSONG
    assert east_asia("承诺书") == standard.HEITI
    assert east_asia("张三\t7") == east_asia("实施方案\t1") == standard.FANGSONG
    assert east_asia("2024年9月1日") == standard.FANGSONG
    assert paragraphs["张三\t7"].style.font.size.pt == standard.SANHAO
    assert paragraphs["张三\t7"].style.font.name == standard.LATIN_FONT  # the digits
    nested = paragraphs["张三\t7"].style.paragraph_format
    top = paragraphs["实施方案\t1"].style.paragraph_format
    assert nested.left_indent > top.left_indent
    tab = nested.tab_stops[0]
    assert round(tab.position.mm) == standard.TEXT_BLOCK_WIDTH_MM
    assert tab.leader is not None and tab.leader.name == "DOTS"
    assert paragraphs[TOC_HEADING].paragraph_format.page_break_before
    # no theme font left in the defaults to override the eastAsia faces
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsiaTheme")) is None
    assert fonts.get(qn("w:eastAsia")) == standard.FANGSONG


def test_front_docx_toc_only_has_no_page_break() -> None:
    doc = Document(io.BytesIO(front_matter_docx(title=None, toc=[TocLine("甲", 1)])))
    assert doc.paragraphs[0].text == TOC_HEADING
    assert not doc.paragraphs[0].paragraph_format.page_break_before


def test_cover_title_lines_end_where_words_do() -> None:
    """The cover's 一号 lines (17 一字) break after the title's parts, or at spaces."""
    assert cover_title_lines("创先争优活动发动部署阶段材料汇编") == ["创先争优活动发动部署阶段材料汇编"]
    assert cover_title_lines("都江市实验中学党支部创先争优活动发动部署阶段材料汇编") == [
        "都江市实验中学党支部创先争优活动", "发动部署阶段材料汇编"]
    assert cover_title_lines("2024年度都江市实验中学党支部委员会党建工作材料汇编") == [
        "2024年度都江市实验中学党支部委员会", "党建工作材料汇编"]
    latin = "Materials of the Mobilisation Phase"
    assert cover_title_lines(latin) == ["Materials of the", "Mobilisation Phase"]
    # no break between whole words fits two lines: LibreOffice wraps it at a space
    longer = "Materials of the Mobilisation Phase of the Campaign for Excellence"
    assert cover_title_lines(longer) == [longer]


def test_toc_title_lines_keep_latin_words_whole() -> None:
    title = "Minutes of the Branch Committee Meeting on the Campaign"  # 27.5 cells: 2 lines
    lines = toc_title_lines(TocLine(title, 1))
    assert len(lines) == 2 and " ".join(lines) == title
    assert toc_title_lines(TocLine("张三", 1, nested=True)) == ["张三"]
