"""GB/T 9704 geometry measured on the PDF pages LibreOffice makes of rendered plans.

The sample plan and plans written here with other data (no 版头, a long title, a long
发文机关标志 with 份号/密级/紧急程度, many attachments, one short page, several full
pages) are rendered, converted together once, and every page is measured with the
instrument in ``pdfgeom`` (positions in mm from the paper's top-left corner).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from conftest import SAMPLE
from pdfgeom import (
    Line,
    black_rules,
    body_lines,
    dark_ink,
    line_box_top,
    line_ink,
    lines_of,
    open_pdf,
    page_number,
    pitch,
    red_ink,
    red_rules,
)
from pypdf import PdfReader

import gongwen
from gongwen.convert import Converter
from gongwen.layout import standard

TOL = standard.POSITION_TOLERANCE_MM  # ± 1 mm
PITCH_TOL = 0.3
TEXT_TOP = standard.MARGIN_TOP_MM
TEXT_BOTTOM = standard.MARGIN_TOP_MM + standard.TEXT_BLOCK_HEIGHT_MM  # 262 mm
LEFT = standard.MARGIN_LEFT_MM
RIGHT = standard.MARGIN_LEFT_MM + standard.TEXT_BLOCK_WIDTH_MM  # 184 mm
CENTRE = (LEFT + RIGHT) / 2
CELL = standard.CHAR_PITCH_MM
ONE_CHAR = standard.ONE_CHAR_MM
BODY_FONT = "FandolFang-Regular"

SENTENCE = ("各党小组要结合实际认真组织学习，把学习教育同本职工作紧密结合起来，切实做到学用结合、"
            "知行合一，推动各项工作落到实处，以优异成绩检验活动成效。")
BASE = {
    "kind": "plan",
    "organ": "中共青川县第三中学支部委员会",
    "addressee": "各党小组",
    "date": "2025-11-30",
    "cc": ["青川县教育局党组", "青川县教育局机关党委"],
    "printer": "青川县第三中学党支部办公室",
    "print_date": "2025-11-30",
}
PLANS = {
    "short": {**BASE, "title": "关于开展冬季志愿服务的实施方案",
              "body": "为弘扬志愿精神，制定本方案。\n# 活动安排\n每周六上午开展志愿服务。\n"},
    "long_title": {**BASE, "header": {"份号": "12", "密级": "秘密★1年", "紧急程度": "特急"},
                   "doc_number": "青三中党支〔2025〕12号",
                   "title": "青川县第三中学党支部关于在全体党员中深入开展学习贯彻党的二十届"
                            "三中全会精神和“学思想、强党性、重实践、建新功”主题实践活动的实施方案",
                   "body": SENTENCE + "\n"},
    "long_mark": {**BASE, "header": {"发文机关标志": "中共青川县第三中学第一党支部委员会青年教师工作小组文件"},
                  "doc_number": "青三中党支〔2025〕8号", "title": "关于开展读书活动的实施方案",
                  "body": SENTENCE + "\n"},
    "attachments": {**BASE, "title": "关于做好年度党员教育培训工作的实施方案",
                    "body": SENTENCE + "\n",
                    "attachments": [f"党员教育培训{name}" for name in (
                        "计划表", "课程安排表", "师资名单", "学员名单",
                        "考核办法及评分细则和考核结果汇总表以及各党小组学习记录登记表", "经费预算表")]},
    "pages": {**BASE, "header": True, "doc_number": "青三中党支〔2025〕9号",
              "title": "关于开展师德师风专题教育的实施方案",
              "body": "# 总体要求\n## 学习内容\n" + "\n\n".join([SENTENCE * 3] * 24) + "\n"},
}


@dataclass
class Rendered:
    """A converted plan, its pages' lines measured once."""

    name: str
    pdf_path: Path
    data: dict

    @cached_property
    def pdf(self):
        return open_pdf(self.pdf_path)

    @cached_property
    def lines(self) -> list[list[Line]]:
        return [lines_of(page) for page in self.pdf.pages]

    @property
    def has_header(self) -> bool:
        return bool(self.data.get("header") or self.data.get("版头"))

    def body(self, index: int) -> list[Line]:
        """The page's 三号 lines, without the 版头's."""
        lines = body_lines(self.lines[index])
        if index == 0 and self.has_header:
            rule = red_rules(self.pdf.pages[0])[0]
            lines = [line for line in lines if line.baseline > rule.y]
        return lines


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Rendered]:
    """Every plan rendered and converted in one go (one LibreOffice run per worker)."""
    folder = tmp_path_factory.mktemp("geometry")
    sources = {"sample": SAMPLE / "plan.yaml", **PLANS}
    documents = [gongwen.render(source) for source in sources.values()]
    paths = [document.save(folder / f"{name}.docx")
             for name, document in zip(sources, documents, strict=True)]
    with Converter() as converter:
        pdfs = converter.convert(paths, folder / "pdf")
    for document, pdf in zip(documents, pdfs, strict=True):
        if len(PdfReader(pdf).pages) % 2:
            document.to_pdf(pdf)  # as gongwen's own outputs: the 版记 on an even page
    sample_data = {"header": True}
    return {name: Rendered(name, pdf, PLANS.get(name, sample_data))
            for name, pdf in zip(sources, pdfs, strict=True)}


ALL = ["sample", *PLANS]
WITH_HEADER = ["sample", "long_title", "long_mark", "pages"]


@pytest.fixture(params=ALL)
def doc(request, rendered) -> Rendered:
    return rendered[request.param]


@pytest.fixture(params=WITH_HEADER)
def headed(request, rendered) -> Rendered:
    return rendered[request.param]


def approx(value: float, tol: float = TOL):
    return pytest.approx(value, abs=tol)


# --- page, text block, lines ----------------------------------------------------------

def test_every_page_is_a4(doc):
    for page in doc.pdf.pages:
        assert (float(page.width) * 25.4 / 72, float(page.height) * 25.4 / 72) == (
            approx(standard.PAGE_WIDTH_MM, 0.5), approx(standard.PAGE_HEIGHT_MM, 0.5))


def test_text_block_left_edge_is_28_mm(doc):
    assert doc.body(0)
    for index in range(len(doc.lines)):
        lines = doc.body(index)
        if not lines:  # a page of the 版记 alone
            continue
        assert min(line.x0 for line in lines) == approx(LEFT), f"page {index + 1}"
        assert all(line.x0 > LEFT - TOL for line in doc.lines[index])


def test_lines_are_10_23_mm_apart(doc):
    for index in range(len(doc.lines)):
        lines = doc.body(index)
        if len(lines) > 2:
            assert pitch(lines) == approx(standard.LINE_PITCH_MM, PITCH_TOL), f"page {index + 1}"


def test_text_block_top_is_37_mm_read_from_the_line_boxes(doc):
    """The first line's box starts at the text block's top on every page but a 版头's."""
    step = pitch(doc.body(0))
    for index, lines in enumerate(doc.lines):
        if (index == 0 and doc.has_header) or not doc.body(index):
            continue
        first = next(line for line in lines if line.size >= standard.SANHAO)
        assert line_box_top(first, step) == approx(TEXT_TOP), f"page {index + 1}: {first.text}"


def test_lines_sit_on_the_22_line_grid(doc):
    """After page 1 every line is one of the 22 lines filling the text block."""
    for index in range(1, len(doc.lines)):
        lines = doc.body(index)
        step = pitch(lines) if len(lines) > 2 else standard.LINE_PITCH_MM
        for line in lines:
            slot = (line_box_top(line, step) - TEXT_TOP) / step
            assert slot == approx(round(slot), 0.05), f"page {index + 1}: {line.text}"
            assert 0 <= round(slot) < standard.LINES_PER_PAGE


def test_full_pages_hold_22_lines(rendered):
    doc = rendered["pages"]
    assert len(doc.lines) >= 4
    for index in range(1, len(doc.lines) - 1):  # plain paragraphs: every page is full
        assert len(doc.body(index)) == standard.LINES_PER_PAGE, f"page {index + 1}"
    assert max(len(doc.body(i)) for i in range(len(doc.lines))) == standard.LINES_PER_PAGE


#: punctuation that never starts a line: the line before breaks a character early
CLOSING_PUNCTUATION = "，。、；：？！）》”’"


def test_a_full_body_line_holds_28_characters(doc):
    """28 characters fill a line; a line breaks one or two early rather than let a
    、，。 hang past the 版心 or start the next line (as Word without 标点溢出边界)."""
    counted = 0
    for lines in doc.lines:
        for line, following in zip(lines, lines[1:], strict=False):
            full = (line.size == standard.SANHAO and line.x0 == approx(LEFT, 0.3)
                    and following.x0 == approx(LEFT, 0.3) and line.x1 > RIGHT - CELL / 2)
            if full and line.cells == len(line.chars):  # Chinese only: one cell each
                assert line.x1 <= RIGHT + 0.3, f"hangs past the 版心: {line.text}"
                if len(line.chars) != standard.CHARS_PER_LINE:
                    early = standard.CHARS_PER_LINE - len(line.chars)
                    assert 0 < early <= 2, line.text
                    assert following.text[early] in CLOSING_PUNCTUATION, line.text
                counted += 1
    if doc.name in ("sample", "pages"):
        assert counted >= 10


def test_body_is_16_pt_fangsong(doc):
    """Body lines are 三号 FandolFang; only heading lines (黑体, 楷体) differ."""
    faces = []
    for index in range(len(doc.lines)):
        for line in doc.body(index):
            chinese = {c.font for c in line.chars if c.text >= "\u4e00"}
            assert len(chinese) <= 1, line.text
            faces.extend(chinese)
    assert set(faces) <= {BODY_FONT, "FandolHei-Regular", "FandolKai-Regular"}
    assert faces.count(BODY_FONT) >= 0.7 * len(faces)


def test_heading_faces(rendered):
    for doc in (rendered["sample"], rendered["pages"]):
        levels = {1: [], 2: []}
        for lines in doc.lines:
            for line in lines:
                if line.x0 == approx(LEFT + 2 * CELL, 0.5) and "、" in line.text[1:4]:
                    levels[1].append(line)
                elif line.x0 == approx(LEFT + 2 * CELL, 0.5) and line.text.startswith("（") \
                        and "）" in line.text[2:5] and len(line.text) < 28:
                    levels[2].append(line)
        assert levels[1] and levels[2]
        for level, face in ((1, "FandolHei-Regular"), (2, "FandolKai-Regular")):
            for line in levels[level]:
                assert {c.font for c in line.chars if c.text >= "\u4e00"} == {face}, line.text


def test_title_is_22_pt_and_centred(doc):
    title = [line for line in doc.lines[0] if line.size == standard.ERHAO]
    assert title, "no 二号 title line"
    expected = doc.data.get("title") or "都江市实验中学党支部关于深入开展创先争优活动的实施方案"
    assert "".join(line.text for line in title) == expected
    for line in title:
        assert line.fonts == {"FandolSong-Bold"}
        assert (line.x0 + line.x1) / 2 == approx(CENTRE), line.text
        assert line.x0 >= LEFT - 0.1 and line.x1 <= RIGHT + 0.1
    assert len(title) == {"long_title": 4, "sample": 2}.get(doc.name, 1)


# --- page numbers -------------------------------------------------------------------

def test_page_numbers(doc):
    for index, lines in enumerate(doc.lines):
        found = page_number(lines)
        assert found is not None, f"page {index + 1} has no 「— N —」"
        number, line = found
        assert number == index + 1
        assert line.size == standard.PAGE_NUMBER_SIZE
        assert line.fonts == {"FandolSong-Regular"}
        if number % 2:
            assert line.x1 == approx(RIGHT - ONE_CHAR), f"odd page {number}: right, 一字 in"
        else:
            assert line.x0 == approx(LEFT + ONE_CHAR), f"even page {number}: left, 一字 in"


def test_page_number_top_is_7_mm_below_the_text_block(rendered):
    doc = rendered["pages"]
    for index in (0, 1):
        page = doc.pdf.pages[index]
        _, line = page_number(doc.lines[index])
        _, top, _, _ = line_ink(page, line)
        assert top == approx(TEXT_BOTTOM + standard.PAGE_NUMBER_BELOW_TEXT_BLOCK_MM)


# --- 版头 -----------------------------------------------------------------------------

def mark_line(doc: Rendered) -> Line:
    (line,) = [line for line in doc.lines[0] if line.is_red]
    return line


def doc_number_line(doc: Rendered) -> Line:
    return next(line for line in doc.lines[0] if "〔" in line.text and "〕" in line.text)


def test_mark_is_red_centred_and_72_mm_from_the_top(headed):
    page = headed.pdf.pages[0]
    mark = mark_line(headed)
    assert all(c.color == (1.0, 0.0, 0.0) for c in mark.chars)
    x0, top, x1, _ = line_ink(page, mark, red_ink)
    assert top == approx(TEXT_TOP + standard.MARK_TOP_BELOW_TEXT_BLOCK_MM), mark.text
    assert (x0 + x1) / 2 == approx(CENTRE)
    assert x0 >= LEFT and x1 <= RIGHT


def test_long_mark_shrinks_to_one_line(rendered):
    mark = mark_line(rendered["long_mark"])
    assert mark.text == PLANS["long_mark"]["header"]["发文机关标志"]
    assert mark.size < standard.MARK_SIZE


def test_copy_number_secrecy_and_urgency_take_the_first_three_lines(rendered):
    doc = rendered["long_title"]
    lines = doc.lines[0]
    for slot, text in enumerate(("000012", "秘密★1年", "特急")):
        line = next(line for line in lines if line.text == text)
        assert line.x0 == approx(LEFT), text
        assert line_box_top(line, standard.LINE_PITCH_MM) == approx(
            TEXT_TOP + slot * standard.LINE_PITCH_MM), text


def test_doc_number_two_lines_below_the_mark_and_centred(headed):
    page = headed.pdf.pages[0]
    number = doc_number_line(headed)
    _, _, _, mark_bottom = line_ink(page, mark_line(headed), red_ink)
    x0, top, x1, _ = line_ink(page, number, dark_ink)
    assert top - mark_bottom == approx(standard.DOC_NUMBER_LINES_BELOW_MARK * standard.LINE_PITCH_MM)
    assert (x0 + x1) / 2 == approx(CENTRE)
    assert number.size == standard.SANHAO


def test_red_rule_4_mm_below_the_doc_number(headed):
    page = headed.pdf.pages[0]
    (rule,) = red_rules(page)
    _, _, _, bottom = line_ink(page, doc_number_line(headed), dark_ink)
    assert rule.y - bottom == approx(standard.RED_RULE_BELOW_DOC_NUMBER_MM, 0.75)
    assert rule.length == approx(standard.TEXT_BLOCK_WIDTH_MM)
    assert rule.centre == approx(CENTRE)


def test_title_two_blank_lines_below_the_rule(headed):
    (rule,) = red_rules(headed.pdf.pages[0])
    title = next(line for line in headed.lines[0] if line.size == standard.ERHAO)
    gap = line_box_top(title, standard.LINE_PITCH_MM) - (rule.y + rule.width / 2)
    assert gap == approx(standard.TITLE_LINES_BELOW_RULE * standard.LINE_PITCH_MM)


def test_no_header_means_no_red(rendered):
    for name in ("short", "attachments"):
        doc = rendered[name]
        assert not any(line.is_red for lines in doc.lines for line in lines)
        assert not red_rules(doc.pdf.pages[0])


# --- 主体 closing and 版记 --------------------------------------------------------------

def test_the_end_block_is_on_an_even_page(doc):
    assert len(doc.lines) % 2 == 0


def test_a_one_page_body_gets_its_end_block_on_page_two(rendered):
    """The short plan's body fits page 1: the 版记 goes to the back, page 2, alone."""
    first, second = rendered["short"].lines
    assert any(line.text.startswith("每周六上午") for line in first)
    assert not any(line.text.startswith("抄送") for line in first)
    assert [line.text for line in second if line.text.startswith("抄送")]
    number, line = page_number(second)
    assert number == 2 and line.x0 == approx(LEFT + ONE_CHAR)  # an even page's, left


def closing_lines(doc: Rendered) -> list[Line]:
    """The lines of the page the 署名 is on: the last with a 成文日期 (附件 pages follow)."""
    return next(lines for lines in reversed(doc.lines) if any(
        re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line.text.replace(" ", ""))
        and line.size == standard.SANHAO for line in lines))


def test_signature_right_aligned_two_characters_in(doc):
    lines = closing_lines(doc)
    organ = "中共都江市实验中学支部委员会" if doc.name == "sample" else BASE["organ"]
    name = next(line for line in lines if line.text == organ)
    assert name.x1 == approx(RIGHT - standard.SIGNATURE_RIGHT_INDENT_CHARS * CELL)


def test_date_starts_two_cells_right_of_the_signature(doc):
    lines = closing_lines(doc)
    organ = "中共都江市实验中学支部委员会" if doc.name == "sample" else BASE["organ"]
    index, name = next((i, line) for i, line in enumerate(lines) if line.text == organ)
    date = lines[index + 1]
    assert date.text.endswith("日")
    assert date.x0 - name.x0 == approx(standard.DATE_OFFSET_CHARS * CELL)


def test_attachment_note_numbers_align(rendered):
    doc = rendered["attachments"]
    lines = [line for page in doc.lines for line in page]
    first = next(line for line in lines if line.text.startswith("附件："))
    assert first.x0 == approx(LEFT + 2 * CELL)
    numbered = [line for line in lines if line.text[:2] in {f"{n}." for n in range(2, 7)}]
    assert len(numbered) == 5
    one = first.char_x0("1")
    for line in numbered:
        assert line.x0 == approx(one, 0.3), line.text
    wrapped = lines[lines.index(numbered[3]) + 1]  # the long 5th name wraps
    assert wrapped.x0 >= one - 0.3


def test_end_block_at_the_bottom_of_the_last_page(doc):
    page = doc.pdf.pages[-1]
    # the 版记's two rows are ~15 mm tall; a 附件 table on the page ends above them
    rules = [rule for rule in black_rules(page) if rule.y > TEXT_BOTTOM - 30]
    assert len(rules) == 3  # thick, thin between 抄送 and 印发, thick
    assert rules[-1].y == approx(TEXT_BOTTOM)
    for rule in rules:
        assert rule.length == approx(standard.TEXT_BLOCK_WIDTH_MM)
        assert rule.centre == approx(CENTRE)
    widths = [rule.width for rule in rules]
    assert widths[0] == widths[-1] == approx(standard.END_RULE_THICK_MM, 0.05)
    assert widths[1] == approx(standard.END_RULE_THIN_MM, 0.05)
    lines = doc.lines[-1]
    cc = next(line for line in lines if line.text.startswith("抄送："))
    issued = next(line for line in lines if line.text.endswith("印发"))
    for line in (cc, issued):
        assert line.size == standard.SIHAO
        assert rules[0].y < line.baseline < rules[-1].y
    assert cc.x0 == approx(LEFT + ONE_CHAR)
    assert issued.x0 == approx(LEFT + ONE_CHAR)
    assert issued.x1 == approx(RIGHT - ONE_CHAR)
