"""The 公文 kinds measured on their PDF pages, in mm: the sample 通知 and 请示 and a
报告 whose 附件 pages follow a body of several pages.

Besides what every page shares with the plan (A4, the 版心, 22 lines 10.23 mm apart, 28
characters a line, 「— N —」 page numbers running on through the 附件), the positions
GB/T 9704 fixes for these kinds: the 上行文's 发文字号 one character in from the left and
its 签发人 one in from the right on one line (7.2.4), and each 附件's label on its page's
first line at the left edge with its title centred on the third line (8).
"""

from __future__ import annotations

import pytest
from conftest import SAMPLE
from pdfgeom import (
    CENTRE,
    LEFT,
    RIGHT,
    TEXT_TOP,
    Line,
    RenderedPdf,
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
from pypdf import PdfReader

import gongwen
from gongwen.batch.activity import find_activity_document
from gongwen.convert import Converter
from gongwen.layout import standard

TOL = standard.POSITION_TOLERANCE_MM
PITCH = standard.LINE_PITCH_MM
ONE_CHAR = standard.ONE_CHAR_MM
SENTENCE = ("支部坚持把学习教育贯穿活动始终，组织党员集中学习十二次，开展主题党日活动六次，"
            "党员参学率达到百分之九十八以上，活动取得了明显成效。")
REPORT = {
    "类型": "公文", "发文机关": "中共都江市实验中学支部委员会", "版头": True,
    "发文字号": "都实中党支〔2026〕9号", "签发人": ["林明富", "陈秀英"],
    "标题": "都江市实验中学党支部关于创先争优活动开展情况的报告",
    "主送机关": "中共都江市教育局党组",
    "正文": "# 主要做法\n\n" + "\n\n".join([SENTENCE * 2] * 9) + "\n",
    "附件": [{"名称": "活动开展情况统计表",
              "正文": "| 项目 | 次数 | 参加人次 |\n|---|---|---|\n| 集中学习 | 12 | 156 |\n"
                      "| 主题党日 | 6 | 78 |\n"},
             {"名称": "优秀共产党员名单", "正文": "林明富、吴静、王建国。"}],
    "成文日期": "2026-07-10", "印发机关": "都江市实验中学党支部办公室", "印发日期": "2026-07-10",
}

JOINT = {
    "类型": "公文", "发文机关": ["中共都江市实验中学支部委员会", "都江市实验中学工会委员会"],
    "版头": True, "发文字号": "都实中党支〔2024〕6号",
    "标题": "关于联合开展创先争优志愿服务活动的通知", "主送机关": "各党小组、各工会小组",
    "正文": SENTENCE + "\n", "成文日期": "2024-09-10",
    "印发机关": "都江市实验中学党支部办公室", "印发日期": "2024-09-10",
}

MINUTES = {
    "类型": "公文", "发文机关": "中共都江市实验中学支部委员会", "版头": True,
    "标题": "都江市实验中学党支部支委会会议纪要",
    "正文": "# 审议通过实施方案\n\n" + SENTENCE + "\n",
    "出席": ["林明富", "陈秀英", "王建国", "吴静", "李明", "张伟", "赵丽华", "孙浩然", "周小安"],
    "请假": "刘洁（外出培训）", "列席": "学校办公室 黄小燕",
    "成文日期": "2024-09-02", "印发机关": "都江市实验中学党支部办公室", "印发日期": "2024-09-02",
}


#: the sample activity's 公文 other than the plan, read as `gongwen batch` reads them
SAMPLES = {"notice": "notice", "request": "request", "minutes-sample": "minutes",
           "summary": "summary"}


class Rendered(RenderedPdf):
    def body(self, index: int) -> list[Line]:
        """The page's 三号 lines below the 版头's red rule."""
        lines = body_lines(self.lines[index])
        if index == 0:
            rule = red_rules(self.pdf.pages[0])[0]
            lines = [line for line in lines if line.baseline > rule.y]
        return lines

    def page_of(self, text: str) -> int:
        return next(i for i, lines in enumerate(self.lines)
                    if any(line.text == text for line in lines))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Rendered]:
    folder = tmp_path_factory.mktemp("official")
    sources = {name: find_activity_document(SAMPLE / f"{file}.yaml").source
               for name, file in SAMPLES.items()}
    documents = {**{name: gongwen.render(source) for name, source in sources.items()},
                 "report": gongwen.render(REPORT), "joint": gongwen.render(JOINT),
                 "minutes": gongwen.render(MINUTES),
                 "signers": gongwen.render({**JOINT, "签发人": ["林明富", "陈秀英", "王建国"],
                                            "标题": "关于联合开展志愿服务活动情况的报告"})}
    paths = [document.save(folder / f"{name}.docx") for name, document in documents.items()]
    with Converter() as converter:
        pdfs = converter.convert(paths, folder / "pdf")
    for document, pdf in zip(documents.values(), pdfs, strict=True):
        if len(PdfReader(pdf).pages) % 2:
            document.to_pdf(pdf)
    return {name: Rendered(name, pdf) for name, pdf in zip(documents, pdfs, strict=True)}


@pytest.fixture(params=[*SAMPLES, "report", "joint", "minutes"])
def doc(request, rendered) -> Rendered:
    return rendered[request.param]


def approx(value: float, tol: float = TOL):
    return pytest.approx(value, abs=tol)


# --- what every page shares -------------------------------------------------------------

def test_pages_are_a4_and_nothing_leaves_the_text_block(doc):
    for page in doc.pdf.pages:
        assert float(page.width) * 25.4 / 72 == approx(standard.PAGE_WIDTH_MM, 0.5)
        assert float(page.height) * 25.4 / 72 == approx(standard.PAGE_HEIGHT_MM, 0.5)
        assert outside_text_block(page) == []


def test_lines_are_10_23_mm_apart_and_start_at_37_mm(doc):
    for index in range(len(doc.lines)):
        lines = doc.body(index)
        if len(lines) > 2:
            assert pitch(lines) == approx(PITCH, 0.3), f"page {index + 1}"
        if index and lines:
            assert line_box_top(lines[0], PITCH) == approx(TEXT_TOP), f"page {index + 1}"
            assert min(line.x0 for line in lines) >= LEFT - 0.3, f"page {index + 1}"


def test_full_lines_hold_28_characters(rendered):
    full = [line for doc in rendered.values() for lines in doc.lines for line in lines
            if line.size == standard.SANHAO and line.cells == len(line.chars) == 28]
    assert len(full) >= 10
    for line in full:
        assert line.x0 == approx(LEFT, 0.3) and line.x1 <= RIGHT + 0.3, line.text


def test_page_numbers_run_on_through_the_attachments(doc):
    assert len(doc.lines) % 2 == 0  # the 版记 on an even page
    for index, lines in enumerate(doc.lines):
        number, line = page_number(lines)
        assert number == index + 1
        assert line.size == standard.PAGE_NUMBER_SIZE
        if number % 2:
            assert line.x1 == approx(RIGHT - ONE_CHAR), f"page {number}"
        else:
            assert line.x0 == approx(LEFT + ONE_CHAR), f"page {number}"


def test_the_check_finds_nothing(doc):
    report = gongwen.check(doc.path)
    assert [f"{f.rule} p{f.page}: {f.excerpt}" for f in report.findings] == []


# --- 上行文: 发文字号 left, 签发人 right (7.2.4) ----------------------------------------

def signer_line(doc: Rendered) -> Line:
    return next(line for line in doc.lines[0] if "签发人" in line.text)


@pytest.mark.parametrize("name", ["request", "report", "summary"])
def test_signer_line_number_left_and_names_right_one_character_in(rendered, name):
    doc = rendered[name]
    page = doc.pdf.pages[0]
    line = signer_line(doc)
    assert line.size == standard.SANHAO
    assert line.x0 == approx(LEFT + ONE_CHAR), line.text  # the 发文字号's first character
    assert line.text.index("〔") < line.text.index("签发人")
    assert line.x1 == approx(RIGHT - ONE_CHAR), line.text  # the last name's last character
    label = [c for c in line.chars if c.text in "签发人"]
    names = [c for c in line.chars if c.x0 > line.char_x0("：")]
    assert {c.font for c in label} == {"FandolFang-Regular"}
    assert {c.font for c in names} == {"FandolKai-Regular"}
    (rule,) = red_rules(page)
    _, _, _, bottom = line_ink(page, line, dark_ink)
    assert rule.y - bottom == approx(standard.RED_RULE_BELOW_DOC_NUMBER_MM, 0.75)
    assert rule.length == approx(standard.TEXT_BLOCK_WIDTH_MM)
    mark = next(line for line in doc.lines[0] if line.is_red)
    _, top, _, _ = line_ink(page, mark, red_ink)
    assert top == approx(TEXT_TOP + standard.MARK_TOP_BELOW_TEXT_BLOCK_MM)


def test_a_notice_has_its_number_centred_and_no_signer(rendered):
    doc = rendered["notice"]
    number = next(line for line in doc.lines[0] if "〔" in line.text)
    assert number.text.replace(" ", "") == "都实中党支〔2024〕4号"
    assert (number.x0 + number.x1) / 2 == approx(CENTRE)
    assert not any("签发人" in line.text for line in doc.lines[0])


# --- 附件 pages (8) -----------------------------------------------------------------------

ATTACHMENTS = {"notice": [("附件", "动员大会议程")],
               "request": [("附件", "创先争优活动经费预算表")],
               "report": [("附件1", "活动开展情况统计表"), ("附件2", "优秀共产党员名单")],
               "summary": [("附件", "创先争优活动各阶段工作情况")]}


@pytest.fixture(params=list(ATTACHMENTS))
def attached(request, rendered) -> Rendered:
    return rendered[request.param]


def test_each_attachment_starts_a_page_label_top_left_title_on_the_third_line(attached):
    doc = attached
    date_page = max(i for i, lines in enumerate(doc.lines)
                    if any(line.text.endswith("日") and line.text[:2] == "20" for line in lines))
    previous = date_page
    for label_text, title_text in ATTACHMENTS[doc.name]:
        index = doc.page_of(label_text)
        assert index == previous + 1, f"{label_text} on page {index + 1}"
        previous = index
        lines = [line for line in doc.lines[index] if not page_number([line])]
        label, title = lines[0], lines[1]
        assert label.text == label_text
        assert label.size == standard.SANHAO and label.fonts <= {"FandolHei-Regular"}
        assert label.x0 == approx(LEFT)
        assert line_box_top(label, PITCH) == approx(TEXT_TOP)
        assert title.text == title_text
        assert title.size == standard.ERHAO and title.fonts == {"FandolSong-Bold"}
        assert (title.x0 + title.x1) / 2 == approx(CENTRE)
        slot = standard.ATTACHMENT_TITLE_LINE - 1
        assert line_box_top(title, PITCH) == approx(TEXT_TOP + slot * PITCH)
    end = [line for line in doc.lines[-1] if line.text.endswith("印发")]
    assert end and doc.page_of(ATTACHMENTS[doc.name][-1][0]) <= len(doc.lines) - 1


def test_an_attachment_table_is_printed(rendered):
    doc = rendered["request"]
    index = doc.page_of("附件")
    texts = [line.text.replace(" ", "") for line in doc.lines[index]]
    assert any("主题实践活动" in text and "4500" in text for text in texts)


# --- 联合行文 (7.2.3, 7.3.5.2) -----------------------------------------------------------

def test_joint_mark_stacks_the_organs_red_and_centred_from_72_mm(rendered):
    doc = rendered["joint"]
    page = doc.pdf.pages[0]
    marks = [line for line in doc.lines[0] if line.is_red]
    assert [line.text for line in marks] == JOINT["发文机关"]  # the 主办 first
    _, top, _, _ = line_ink(page, marks[0], red_ink)
    assert top == approx(TEXT_TOP + standard.MARK_TOP_BELOW_TEXT_BLOCK_MM)
    for line in marks:
        assert (line.x0 + line.x1) / 2 == approx(CENTRE), line.text
    _, _, _, bottom = line_ink(page, marks[-1], red_ink)
    number = next(line for line in doc.lines[0] if "〔" in line.text)
    _, number_top, _, _ = line_ink(page, number, dark_ink)
    assert number_top - bottom == approx(standard.DOC_NUMBER_LINES_BELOW_MARK * PITCH)


def test_joint_signatures_stack_under_the_hosts_and_the_date_follows(rendered):
    doc = rendered["joint"]
    lines = [line for page in doc.lines for line in page]
    names = [next(line for line in lines if line.text == organ and not line.is_red)
             for organ in JOINT["发文机关"]]
    assert names[0].baseline < names[1].baseline
    assert names[1].baseline - names[0].baseline == approx(PITCH, 0.3)
    cell = standard.CHAR_PITCH_MM
    for name in names:  # each right-aligned two characters in
        assert name.x1 == approx(RIGHT - standard.SIGNATURE_RIGHT_INDENT_CHARS * cell)
    date = lines[lines.index(names[1]) + 1]
    assert date.text.replace(" ", "") == "2024年9月10日"
    assert date.x0 - names[-1].x0 == approx(standard.DATE_OFFSET_CHARS * cell)


def test_several_signers_two_a_line_aligned_the_number_on_the_last_line(rendered):
    doc = rendered["signers"]
    page = doc.pdf.pages[0]
    first = signer_line(doc)
    last = next(line for line in doc.lines[0] if "〔" in line.text)
    assert last.baseline > first.baseline and "王建国" in last.text
    assert last.char_x0("王") == approx(first.char_x0("林"))  # under the first name
    assert first.x1 == approx(RIGHT - ONE_CHAR)
    assert last.x0 == approx(LEFT + ONE_CHAR)
    (rule,) = red_rules(page)
    _, _, _, bottom = line_ink(page, last, dark_ink)
    assert rule.y - bottom == approx(standard.RED_RULE_BELOW_DOC_NUMBER_MM, 0.75)
    assert rule.length == approx(standard.TEXT_BLOCK_WIDTH_MM)


# --- 纪要格式 (10.3) ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["minutes", "minutes-sample"])
def test_minutes_mark_is_red_and_35_mm_below_the_text_block(rendered, name):
    doc = rendered[name]
    page = doc.pdf.pages[0]
    (mark,) = [line for line in doc.lines[0] if line.is_red]
    title = MINUTES["标题"] if name == "minutes" else "都江市实验中学党支部支委会会议纪要"
    assert mark.text == title  # 「××纪要」, not printed again as a title
    assert not any("〔" in line.text for line in doc.lines[0])  # no 发文字号 was given
    _, top, _, _ = line_ink(page, mark, red_ink)
    assert top == approx(TEXT_TOP + standard.MARK_TOP_BELOW_TEXT_BLOCK_MM)
    assert (mark.x0 + mark.x1) / 2 == approx(CENTRE)
    assert not [line for line in doc.lines[0] if line.size == standard.ERHAO and not line.is_red]


def test_minutes_attendance_labels_in_hei_names_aligned_after_the_colon(rendered):
    doc = rendered["minutes"]  # the sample's lists are one line each: see below
    lines = [line for page in doc.lines for line in page]
    cell = standard.CHAR_PITCH_MM
    present = next(line for line in lines if line.text.startswith("出席："))
    last_body = lines[lines.index(present) - 1]
    assert last_body.text.endswith("。")
    assert present.baseline - last_body.baseline == approx(2 * PITCH, 0.3)  # a blank line
    assert present.x0 == approx(LEFT + standard.BODY_INDENT_CHARS * cell)
    label = [c for c in present.chars if c.text in "出席"]
    assert {c.font for c in label} == {"FandolHei-Regular"}
    first_name = present.char_x0("林")
    assert {c.font for c in present.chars if c.x0 >= first_name and c.text >= "\u4e00"} == {
        "FandolFang-Regular"}
    wrapped = lines[lines.index(present) + 1]
    assert not wrapped.text.startswith(("请假", "列席"))
    assert wrapped.x0 == approx(first_name, 0.3)
    order = [next(i for i, line in enumerate(lines) if line.text.startswith(label + "："))
             for label in standard.MINUTES_LABELS]
    assert order == sorted(order)
    assert not any(line.text == MINUTES["发文机关"] for line in lines)  # no 署名


def test_the_sample_minutes_list_present_and_attending_under_the_body(rendered):
    doc = rendered["minutes-sample"]
    lines = [line for page in doc.lines for line in page]
    cell = standard.CHAR_PITCH_MM
    present = next(line for line in lines if line.text.startswith("出席："))
    attending = next(line for line in lines if line.text.startswith("列席："))
    assert present.text == "出席：林明富、陈秀英、王建国、赵志刚"
    assert attending.text == "列席：吴静" and attending.baseline - present.baseline == approx(
        PITCH, 0.3)
    assert not any(line.text.startswith("请假") for line in lines)  # nobody was excused
    last_body = lines[lines.index(present) - 1]
    assert present.baseline - last_body.baseline == approx(2 * PITCH, 0.3)
    for line in (present, attending):
        assert line.x0 == approx(LEFT + standard.BODY_INDENT_CHARS * cell)
        assert {c.font for c in line.chars[:2]} == {"FandolHei-Regular"}


def test_the_sample_summary_is_a_report_signed_and_dated_without_a_seal(rendered):
    doc = rendered["summary"]
    lines = [line for page in doc.lines for line in page]
    (title,) = {line.text for line in doc.lines[0] if line.size == standard.ERHAO} & {
        "关于创先争优活动开展情况的报告"}
    number = signer_line(doc)
    assert number.text.replace(" ", "").startswith("都实中党支〔2026〕6号")
    organ = "中共都江市实验中学支部委员会"
    name = next(line for line in lines if line.text == organ and not line.is_red)
    date = lines[lines.index(name) + 1]
    assert date.text.replace(" ", "") == "2026年7月20日"
    cell = standard.CHAR_PITCH_MM
    assert name.x1 == approx(RIGHT - standard.SIGNATURE_RIGHT_INDENT_CHARS * cell)
    assert date.x0 - name.x0 == approx(standard.DATE_OFFSET_CHARS * cell)
    assert lines[lines.index(date) + 1].text.startswith("（联系人")  # 附注 under the date
    note = next(line for line in lines if line.text.startswith("附件："))
    assert note.text == "附件：创先争优活动各阶段工作情况"
    table = [line.text.replace(" ", "") for line in doc.lines[doc.page_of("附件")]]
    assert any(text.startswith("总结提高2026年4月1日—展示成果") for text in table), table
