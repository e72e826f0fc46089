"""The rendered 实施方案 DOCX, opened with python-docx and compared with GB/T 9704."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from conftest import SAMPLE
from docx.oxml.ns import qn

import gongwen
from gongwen.layout import standard


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def sample_doc() -> docx.document.Document:
    return open_docx(gongwen.render(SAMPLE / "plan.yaml").to_bytes())


def by_style(document: docx.document.Document, style_id: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.style_id == style_id]


def style_font(document: docx.document.Document, style_id: str) -> tuple[str, float]:
    style = next(s for s in document.styles if s.style_id == style_id)
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")), style.font.size.pt


def test_page_size_and_margins_in_twips(sample_doc):
    section = sample_doc.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert section.top_margin.twips == 2098
    assert section.bottom_margin.twips == 1984
    assert abs(section.left_margin.twips - 1588) <= 1
    assert section.right_margin.twips == 1474
    text_width_mm = (11906 - section.left_margin.twips - section.right_margin.twips) / 1440 * 25.4
    assert text_width_mm == pytest.approx(standard.TEXT_BLOCK_WIDTH_MM, abs=0.1)


def test_lines_are_spaced_to_22_per_page(sample_doc):
    body = next(s for s in sample_doc.styles if s.style_id == "GwBody")
    spacing = body.element.pPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:lineRule")) == "exact"
    pitch_mm = int(spacing.get(qn("w:line"))) / 20 / 72 * 25.4
    assert pitch_mm * standard.LINES_PER_PAGE == pytest.approx(225, abs=0.5)


def test_odd_and_even_footers_carry_a_page_field(sample_doc):
    settings = sample_doc.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    section = sample_doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert paragraph._p.pPr.find(qn("w:jc")).get(qn("w:val")) == side
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
    assert style_font(sample_doc, "GwPageNumber") == ("宋体", 14)


@pytest.mark.parametrize(
    ("style_id", "font", "size"),
    [
        ("GwBody", "仿宋_GB2312", 16),
        ("GwTitle", "方正小标宋简体", 22),
        ("GwHeading1", "黑体", 16),
        ("GwHeading2", "楷体_GB2312", 16),
        ("GwHeading3", "仿宋_GB2312", 16),
        ("GwHeading4", "仿宋_GB2312", 16),
        ("GwAddressee", "仿宋_GB2312", 16),
        ("GwSignature", "仿宋_GB2312", 16),
        ("GwDate", "仿宋_GB2312", 16),
        ("GwNote", "仿宋_GB2312", 16),
        ("GwEndBlock", "仿宋_GB2312", 14),
        ("GwSecret", "黑体", 16),
        ("GwMark", "方正小标宋简体", standard.MARK_SIZE),
    ],
)
def test_element_styles_set_east_asian_font_and_size(sample_doc, style_id, font, size):
    assert style_font(sample_doc, style_id) == (font, pytest.approx(size))


def test_mark_is_red_and_title_centred(sample_doc):
    mark = next(s for s in sample_doc.styles if s.style_id == "GwMark")
    assert str(mark.font.color.rgb) == standard.RED
    title = next(s for s in sample_doc.styles if s.style_id == "GwTitle")
    assert title.element.pPr.find(qn("w:jc")).get(qn("w:val")) == "center"


def test_body_first_line_indent_is_two_characters(sample_doc):
    body = next(s for s in sample_doc.styles if s.style_id == "GwBody")
    indent_mm = body.paragraph_format.first_line_indent.twips / 1440 * 25.4
    assert indent_mm == pytest.approx(2 * standard.CHAR_PITCH_MM, abs=0.1)


def test_headings_numbered_in_sequence(sample_doc):
    level1 = by_style(sample_doc, "GwHeading1")
    assert [h[:2] for h in level1] == ["一、", "二、", "三、", "四、", "五、"]
    level2 = by_style(sample_doc, "GwHeading2")
    assert level2[0].startswith("（一）") and level2[1].startswith("（二）")
    level3 = by_style(sample_doc, "GwHeading3")
    assert level3[0].startswith("1.") and level3[1].startswith("2.")


def test_doc_number_date_and_end_block(sample_doc):
    number = by_style(sample_doc, "GwDocNumber")
    assert number == ["都实中党支〔2024〕3号"]
    assert re.fullmatch(standard.DOC_NUMBER_PATTERN, number[0])
    assert by_style(sample_doc, "GwDate") == ["2024年9月2日"]
    assert by_style(sample_doc, "GwSignature") == ["中共都江市实验中学支部委员会"]
    assert by_style(sample_doc, "GwNote") == ["（此件发至全体党员）"]
    attachments = by_style(sample_doc, "GwAttachments")
    assert attachments == ["附件：1.创先争优活动领导小组成员名单", "2.创先争优活动阶段安排表"]
    table_text = [c.text for t in sample_doc.tables for row in t.rows for c in row.cells]
    assert "抄送：都江市教育局党组，都江市教育局机关党委。" in table_text
    assert "2024年9月2日印发" in table_text


def test_attachment_numbers_are_written_as_the_headings_are(sample_doc):
    """「附件：1.名称」 as in GB/T 9704 7.3.4 and the 「1.」 headings: no space after the
    number, and a number the data wrote itself is not printed twice."""
    data = {"kind": "plan", "organ": "中共测试支部", "title": "关于测试的方案",
            "body": "# 安排\n## 步骤\n### 准备\n正文。\n", "date": "2025-01-02",
            "attachments": ["1. 党员名单", "2．活动安排表。", "3、 经费预算表", "2025年计划"]}
    document = open_docx(gongwen.render(data).to_bytes())
    assert by_style(document, "GwAttachments") == [
        "附件：1.党员名单", "2.活动安排表", "3.经费预算表", "4.2025年计划"]
    (heading,) = by_style(document, "GwHeading3")
    numbered = re.compile(r"\d\.\S")
    assert numbered.match(heading)
    for line in by_style(document, "GwAttachments"):
        assert numbered.match(line.removeprefix("附件："))
    single = open_docx(gongwen.render({**data, "attachments": ["1. 党员名单。"]}).to_bytes())
    assert by_style(single, "GwAttachments") == ["附件：党员名单"]


def test_no_template_tag_survives(sample_doc):
    text = "\n".join(p.text for p in sample_doc.paragraphs)
    assert "{{" not in text and "{%" not in text


def test_hostile_data_renders_literally(tmp_path: Path):
    hostile = "A<b>&amp; {{ title }} {% if x %} {_{ y }_} {_% z %_} 𠮷 & < >"
    data = {
        "kind": "plan", "organ": "中共测试支部", "title": f"关于{hostile}的方案",
        "body": f"# 标题{hostile}\n正文{hostile}\n\n" + "很长的一段正文。" * 400,
        "date": "2025-01-02", "note": hostile,
    }
    document = open_docx(gongwen.render(data).to_bytes())
    text = "\n".join(p.text for p in document.paragraphs)
    assert "".join(by_style(document, "GwTitle")) == f"关于{hostile}的方案"
    assert f"一、标题{hostile}" in text
    assert f"正文{hostile}" in text
    assert f"（{hostile}）" in text
    assert "很长的一段正文。" * 400 in text


def test_english_and_chinese_keys_give_the_same_document(plan_file: Path):
    from gongwen.inputs import load_data

    data = load_data(plan_file).data
    english = gongwen.render(data).to_bytes()
    chinese_keys = {"kind": "类型", "organ": "发文机关", "doc_number": "发文字号", "header": "版头",
                    "title": "标题", "addressee": "主送机关", "body": "正文", "attachments": "附件",
                    "date": "成文日期", "cc": "抄送", "printer": "印发机关",
                    "print_date": "印发日期"}
    chinese = {chinese_keys[k]: v for k, v in data.items()}
    assert gongwen.render(chinese).to_bytes() == english


def test_rendering_is_deterministic(plan_file: Path):
    assert gongwen.render(plan_file).to_bytes() == gongwen.render(plan_file).to_bytes()


def test_header_off_removes_the_header_block():
    data = {"kind": "plan", "organ": "中共测试支部", "title": "方案", "body": "正文。",
            "date": "2025-01-02"}
    document = open_docx(gongwen.render(data).to_bytes())
    assert by_style(document, "GwMark") == [] and by_style(document, "GwDocNumber") == []
    assert by_style(document, "GwTitle") == ["方案"]


def test_long_title_breaks_into_balanced_lines():
    data = {"kind": "plan", "organ": "中共测试支部", "body": "正文。", "date": "2025-01-02",
            "title": "中共测试县第二小学支部委员会关于深入开展创建先进基层党组织争当优秀共产党员活动的实施方案"}
    lines = by_style(open_docx(gongwen.render(data).to_bytes()), "GwTitle")
    assert len(lines) >= 2 and "".join(lines) == data["title"]
    assert all(len(line) <= 20 for line in lines)


def test_profile_deviation_is_named_and_applied():
    data = {"kind": "plan", "organ": "中共测试支部", "title": "方案", "body": "正文。",
            "date": "2025-01-02", "版式": "centred-page-numbers"}
    document = open_docx(gongwen.render(data).to_bytes())
    footer = document.sections[0].footer.paragraphs[0]
    assert footer._p.pPr.find(qn("w:jc")).get(qn("w:val")) == "center"
    assert gongwen.get_profile("centred-page-numbers").deviations
    assert gongwen.get_profile("strict").is_strict
