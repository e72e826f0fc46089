"""The 信函格式 (GB/T 9704 10.1) measured on its PDF pages, in mm: the sample 函, the same
with 份号, 密级 and 紧急程度, and a long letter whose page 2 is full.

What 10.1 fixes: the red 发文机关标志 with its top 30 mm from the paper's top; 4 mm under
it a red double line, thick over thin, and 20 mm above the paper's bottom another, thin
over thick, both 170 mm long and centred; the 份号 (密级, 紧急程度) top left and the
发文字号 at the 版心's right edge under the first double line, 7/8 of a 三号 character's
height below it; the title two lines under the last of them; no page number on page 1;
the 版记 only the 抄送, without rules.  From page 2 on the page is the ordinary one: 版心
from 37 mm, 22 lines of 28 characters, 「— N —」.
"""

from __future__ import annotations

import copy
import io

import docx
import pytest
from conftest import SAMPLE
from docx.oxml.ns import qn
from docx.shared import Mm
from pdfgeom import (
    BOTTOM,
    CENTRE,
    LEFT,
    RIGHT,
    TEXT_TOP,
    Line,
    RenderedPdf,
    Rule,
    black_rules,
    body_lines,
    dark_ink,
    line_box_top,
    line_ink,
    outside_text_block,
    page_number,
    pitch,
    red_ink,
    red_rules,
)

import gongwen
from gongwen.batch.activity import find_activity_document
from gongwen.checker.fix import fix_docx, is_letter
from gongwen.convert import Converter
from gongwen.layout import standard

PITCH = standard.LINE_PITCH_MM
PT = standard.pt_to_mm
SENTENCE = ("支部坚持把学习教育贯穿活动始终，组织党员集中学习十二次，开展主题党日活动六次，"
            "党员参学率达到百分之九十八以上，活动取得了明显成效。")
HEADED = {"版头": {"份号": "000123", "密级": "秘密★1年", "紧急程度": "特急"}}
LONG = {"正文": "\n\n".join([SENTENCE * 2] * 12) + "\n", "抄送": []}
BARE = {"发文字号": None, "正文": SENTENCE + "\n"}  # one page, nothing under the line


class Rendered(RenderedPdf):
    def rules(self, index: int, upper: bool) -> list[Rule]:
        """The red rules of page ``index`` in its upper or lower half, top to bottom."""
        half = standard.PAGE_HEIGHT_MM / 2
        return [r for r in red_rules(self.pdf.pages[index]) if (r.y < half) == upper]

    @property
    def mark(self) -> Line:
        (mark,) = [line for line in self.lines[0] if line.is_red]
        return mark

    def number_line(self) -> Line:
        return next(line for line in self.lines[0] if "〔" in line.text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Rendered]:
    folder = tmp_path_factory.mktemp("letter")
    data = dict(find_activity_document(SAMPLE / "letter.yaml").source.data)
    documents = {"sample": gongwen.render(data), "headed": gongwen.render({**data, **HEADED}),
                 "long": gongwen.render({**data, **LONG}), "bare": gongwen.render({**data, **BARE})}
    files = {name: document.docx for name, document in documents.items()}
    files["numbered"] = numbered_first_page(files["headed"])
    files["fixed"] = fix_docx(files["numbered"]).docx
    paths = []
    for name, data in files.items():
        (folder / f"{name}.docx").write_bytes(data)
        paths.append(folder / f"{name}.docx")
    with Converter() as converter:
        pdfs = converter.convert(paths, folder / "pdf")
    return {name: Rendered(name, pdf) for name, pdf in zip(files, pdfs, strict=True)}


def numbered_first_page(data: bytes) -> bytes:
    """The letter as a careless hand might save it: page 1's footer numbered like the
    others' and the letterhead 10 mm higher."""
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    first = section.first_page_footer._element
    for element in list(first):
        first.remove(element)
    for paragraph in section.footer._element.iterchildren(qn("w:p")):
        first.append(copy.deepcopy(paragraph))
    section.header_distance = Mm(standard.LETTER_MARK_TOP_MM - 10)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(params=["sample", "headed", "long"])
def doc(request, rendered) -> Rendered:
    return rendered[request.param]


def approx(value: float, tol: float = 0.5):
    return pytest.approx(value, abs=tol)


# --- the letterhead (page 1) --------------------------------------------------------------

def test_mark_is_red_centred_its_top_30_mm_from_the_paper(doc):
    page = doc.pdf.pages[0]
    assert doc.mark.text == "中共都江市实验中学支部委员会"
    assert doc.mark.fonts == {"FandolSong-Bold"}
    _, top, _, _ = line_ink(page, doc.mark, red_ink)
    assert top == approx(standard.LETTER_MARK_TOP_MM)
    assert (doc.mark.x0 + doc.mark.x1) / 2 == approx(CENTRE, 1.0)


def test_upper_double_line_thick_over_thin_4_mm_under_the_mark(doc):
    page = doc.pdf.pages[0]
    thick, thin = doc.rules(0, upper=True)
    assert thick.width == approx(PT(standard.LETTER_RULE_THICK_PT), 0.05)
    assert thin.width == approx(PT(standard.LETTER_RULE_THIN_PT), 0.05)
    assert thick.width > 2 * thin.width
    gap = (thin.y - thin.width / 2) - (thick.y + thick.width / 2)
    assert gap == approx(PT(standard.LETTER_RULE_GAP_PT), 0.2)
    _, _, _, mark_bottom = line_ink(page, doc.mark, red_ink)
    assert (thick.y - thick.width / 2) - mark_bottom == approx(
        standard.LETTER_RULE_BELOW_MARK_MM, 0.75)


def test_lower_double_line_thin_over_thick_20_mm_above_the_bottom_edge(doc):
    thin, thick = doc.rules(0, upper=False)
    assert thick.width > 2 * thin.width
    assert thin.y < thick.y
    bottom_edge = thick.y + thick.width / 2
    assert standard.PAGE_HEIGHT_MM - bottom_edge == approx(
        standard.LETTER_RULE_ABOVE_PAGE_BOTTOM_MM)


def test_both_double_lines_are_170_mm_long_and_centred_on_the_text_block(doc):
    strokes = doc.rules(0, upper=True) + doc.rules(0, upper=False)
    assert len(strokes) == 4
    for rule in strokes:
        assert rule.length == approx(standard.LETTER_RULE_LENGTH_MM)
        assert rule.centre == approx(CENTRE)


def test_doc_number_at_the_right_edge_7_8_of_a_character_under_the_line(doc):
    page = doc.pdf.pages[0]
    number = doc.number_line()
    assert number.text.replace(" ", "").endswith("都实中党支函〔2024〕2号")
    assert number.x1 == approx(RIGHT)
    assert number.size == standard.SANHAO and not number.is_red
    _, thin = doc.rules(0, upper=True)
    _, top, _, _ = line_ink(page, number, dark_ink)
    assert top - (thin.y + thin.width / 2) == approx(standard.LETTER_BELOW_RULE_MM)


def test_copy_number_secrecy_and_urgency_top_left_one_a_line(rendered):
    doc = rendered["headed"]
    number = doc.number_line()
    assert number.text.startswith("000123") and number.x0 == approx(LEFT, 0.3)
    below = doc.lines[0][doc.lines[0].index(number) + 1:][:2]
    assert [line.text for line in below] == ["秘密★1年", "特急"]
    for upper, line in zip([number, *below], below, strict=False):
        assert line.baseline - upper.baseline == approx(PITCH, 0.3)
        assert line.x0 == approx(LEFT, 0.3)
    assert {c.font for c in below[1].chars} == {"FandolHei-Regular"}
    assert {c.font for c in number.chars if c.text.isdigit() and c.x0 < LEFT + 30} <= {
        "LiberationSerif", "FandolFang-Regular"}


def test_title_two_lines_under_the_last_element(doc):
    lines = doc.lines[0]
    title = next(line for line in lines if line.size == standard.ERHAO and not line.is_red)
    above = lines[lines.index(title) - 1]
    assert title.text.startswith("关于商请")
    assert title.baseline - above.baseline == approx(
        (standard.LETTER_TITLE_LINES_BELOW + 1) * PITCH, 0.6)
    assert (title.x0 + title.x1) / 2 == approx(CENTRE, 1.0)


def test_no_page_number_on_page_1_and_nothing_below_the_text_block(doc):
    assert page_number(doc.lines[0]) is None
    assert all(line.bottom <= BOTTOM + 0.5 for line in doc.lines[0])


# --- every page ---------------------------------------------------------------------------

def test_pages_from_2_have_the_ordinary_text_block_and_page_numbers(doc):
    assert len(doc.lines) >= 2
    for index in range(1, len(doc.lines)):
        number, line = page_number(doc.lines[index])
        assert number == index + 1
        if number % 2:
            assert line.x1 == approx(RIGHT - standard.ONE_CHAR_MM, 1.0)
        else:
            assert line.x0 == approx(LEFT + standard.ONE_CHAR_MM, 1.0)
        body = body_lines(doc.lines[index])
        assert line_box_top(body[0], PITCH) == approx(TEXT_TOP), f"page {number}"
        assert not red_rules(doc.pdf.pages[index]), "the letterhead is on page 1 only"


def test_lines_10_23_mm_apart_nothing_outside_the_text_block(doc):
    for index, page in enumerate(doc.pdf.pages):
        lines = [line for line in body_lines(doc.lines[index]) if not page_number([line])]
        if len(lines) > 2:
            assert pitch(lines) == approx(PITCH, 0.3), f"page {index + 1}"
        assert outside_text_block(page) == []


def test_a_full_page_holds_22_lines_of_28_characters(rendered):
    doc = rendered["long"]
    assert len(doc.lines) >= 3
    lines = [line for line in body_lines(doc.lines[1]) if not page_number([line])]
    assert len(lines) == standard.LINES_PER_PAGE
    full = [line for line in lines if line.cells == len(line.chars) == standard.CHARS_PER_LINE]
    assert len(full) >= 5  # the others break early before a 「，」 that may not start a line
    for line in full:
        assert line.x0 == approx(LEFT, 0.3) and line.x1 <= RIGHT + 0.3, line.text


def test_the_end_block_is_the_cc_alone_at_the_bottom_without_rules(rendered):
    doc = rendered["sample"]
    last = doc.lines[-1]
    cc = next(line for line in last if line.text.startswith("抄送"))
    assert cc.text.replace(" ", "") == "抄送：中共都江市教育局党组。"
    assert cc.size == standard.SIHAO
    assert cc.x0 == approx(LEFT + standard.ONE_CHAR_MM * standard.SIHAO / standard.SANHAO, 1.0)
    assert cc.bottom == approx(BOTTOM, 3.0)
    assert black_rules(doc.pdf.pages[-1]) == []
    assert not any(line.text.endswith("印发") for page in doc.lines for line in page)


# --- check and check --fix ------------------------------------------------------------------

def test_the_check_finds_nothing_wrong_with_a_letter(doc):
    report = gongwen.check(doc.path)
    assert [f"{f.rule.id} p{f.page}: {f.measured}" for f in report.findings] == []


def test_the_check_flags_a_page_number_on_page_1_and_a_misplaced_letterhead(rendered):
    report = gongwen.check(rendered["numbered"].path)
    found = {f.rule.id: f for f in report.findings}
    assert set(found) == {"GW110", "GW206"}, [f.describe() for f in report.findings]
    assert found["GW206"].page == 1 and "page 1" in found["GW206"].measured
    assert "top at 20" in found["GW110"].measured


def test_fix_keeps_the_letterhead_puts_it_back_and_takes_the_number_off_page_1(rendered):
    fixed = docx.Document(rendered["fixed"].path.parent.parent / "fixed.docx")
    assert is_letter(fixed)
    section = fixed.sections[0]
    assert section.first_page_header.paragraphs[0].text == "中共都江市实验中学支部委员会"
    assert not any("PAGE" in (t.text or "") for t in
                   section.first_page_footer._element.iter(qn("w:instrText")))
    lines = [p for p in fixed.paragraphs if p.style.style_id == "GwLetterNumber"]
    assert [p.text for p in lines][:3] == ["000123\t都实中党支函〔2024〕2号", "秘密★1年\t", "特急\t"]
    doc = rendered["fixed"]
    assert page_number(doc.lines[0]) is None and page_number(doc.lines[1])[0] == 2
    thick, _ = doc.rules(0, upper=True)
    assert thick.length == approx(standard.LETTER_RULE_LENGTH_MM)
    assert section.header_distance.mm == pytest.approx(standard.LETTER_MARK_TOP_MM, abs=0.05)
    report = gongwen.check(doc.path)  # the letterhead back 30 mm from the top
    assert [f.describe() for f in report.findings] == []


def test_with_nothing_under_the_line_the_title_is_two_lines_under_it(rendered):
    doc = rendered["bare"]
    assert len(doc.lines) == 1 and page_number(doc.lines[0]) is None
    _, thin = doc.rules(0, upper=True)
    title = next(line for line in doc.lines[0] if line.size == standard.ERHAO)
    gap = line_box_top(title, PITCH) - (thin.y + thin.width / 2)
    assert gap == approx(standard.LETTER_TITLE_LINES_BELOW * PITCH, 1.5)
    report = gongwen.check(doc.path)
    assert [f.describe() for f in report.findings] == []
