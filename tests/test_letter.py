"""The 信函格式 (GB/T 9704 10.1) as data and as DOCX: the key that chooses it, the first
page's own header and footer, the lines under the letterhead, the 抄送-only 版记.
The geometry on the page is measured in test_letter_pdf.py."""

from __future__ import annotations

import io

import docx
import pytest
from conftest import SAMPLE, write
from docx.oxml.ns import qn

import gongwen
from gongwen.batch.activity import find_activity_document
from gongwen.errors import InputError
from gongwen.layout import standard
from gongwen.layout.endblock import has_end_block
from gongwen.models import Official

BASE = {"类型": "公文", "发文机关": "中共测试支部", "成文日期": "2025-03-05", "正文": "正文。",
        "标题": "关于商洽共建事宜的函"}


def opened(document: gongwen.Document):
    return docx.Document(io.BytesIO(document.docx))


def has_page_field(part) -> bool:
    return any("PAGE" in (t.text or "") for t in part._element.iter(qn("w:instrText")))


@pytest.mark.parametrize(("key", "value"), [("格式", "信函"), ("format", "letter"),
                                            ("格式", "信函格式")])
def test_the_letter_format_is_chosen_by_its_key(key, value):
    assert Official(**{**BASE, key: value}).letter


def test_a_han_without_the_key_keeps_the_ordinary_format():
    model = Official(**BASE)
    assert model.genre == "函" and model.format == "文件" and not model.letter
    section = opened(gongwen.render(BASE)).sections[0]
    assert not section.different_first_page_header_footer


def test_an_unknown_format_names_the_file_line_and_field(tmp_path):
    path = write(tmp_path, "x.yaml", """\
        类型: 公文
        发文机关: 中共测试支部
        格式: 便函
        标题: 关于商洽共建事宜的函
        正文: 正文。
        成文日期: 2025-03-05
        """)
    with pytest.raises(InputError) as caught:
        gongwen.render(path)
    text = str(caught.value)
    assert "x.yaml:3" in text and "格式" in text and "便函" in text and "信函" in text


def test_page_1_has_the_letterhead_and_no_page_number_the_others_numbers():
    document = gongwen.render(find_activity_document(SAMPLE / "letter.yaml").source)
    assert document.warnings == []
    section = opened(document).sections[0]
    assert section.different_first_page_header_footer
    head = section.first_page_header.paragraphs
    assert head[0].text == "中共都江市实验中学支部委员会"
    assert head[0].style.style_id == "GwLetterMark"
    assert not has_page_field(section.first_page_footer)
    assert has_page_field(section.footer) and has_page_field(section.even_page_footer)
    assert section.header_distance.mm == pytest.approx(standard.LETTER_MARK_TOP_MM, abs=0.05)
    assert [p.text for p in section.header.paragraphs] == [""]
    strokes = list(section.first_page_header._element.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/main}ln"))
    assert len(strokes) == 2  # the lower double line's two strokes


def test_the_lines_under_the_letterhead_put_the_number_right_after_a_tab():
    document = gongwen.render({**BASE, "格式": "信函", "发文字号": "测支函〔2025〕3号",
                               "版头": {"份号": "12", "密级": "秘密"}})
    lines = [p for p in opened(document).paragraphs if p.style.style_id == "GwLetterNumber"]
    assert [p.text for p in lines] == ["000012\t测支函〔2025〕3号", "秘密\t"]
    (run,) = [run for run in lines[1].runs if run.text == "秘密"]
    fonts = run._r.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == standard.HEITI
    alone = gongwen.render({**BASE, "格式": "信函"})
    assert not [p for p in opened(alone).paragraphs if p.style.style_id == "GwLetterNumber"]


def test_the_end_block_is_the_cc_only_and_stays_on_the_last_page():
    document = gongwen.render({**BASE, "格式": "信函", "抄送": ["甲单位", "乙单位"],
                               "印发机关": "测试支部办公室", "印发日期": "2025-03-05"})
    (table,) = opened(document).tables
    assert [c.text for c in table.rows[0].cells] == ["抄送：甲单位，乙单位。"]
    assert "印发" not in "".join(p.text for p in opened(document).paragraphs)
    assert not has_end_block(document.docx)  # not moved to an even page
    assert not opened(gongwen.render({**BASE, "格式": "信函"})).tables


def test_signers_on_a_letter_are_warned_about():
    document = gongwen.render({**BASE, "格式": "信函", "签发人": "林明富",
                               "发文字号": "测支函〔2025〕3号"})
    assert any("信函格式 has no 签发人" in w for w in document.warnings)


def test_format_keeps_a_letter_a_letter(tmp_path):
    from ruamel.yaml import YAML

    from gongwen.drafts import format_draft
    from gongwen.inputs.docx import letterhead_mark, open_docx

    source = dict(find_activity_document(SAMPLE / "letter.yaml").source.data)
    draft = gongwen.render({**source, "版头": {"份号": "000123", "密级": "秘密★1年",
                                              "紧急程度": "特急"}}).save(tmp_path / "函.docx")
    result = format_draft(draft, tmp_path / "out")
    data = YAML(typ="safe").load(result.data_file.read_text(encoding="utf-8"))
    assert data["格式"] == "信函" and data["发文字号"] == "都实中党支函〔2024〕2号"
    assert data["版头"] == {"发文机关标志": "中共都江市实验中学支部委员会", "份号": "000123",
                          "密级": "秘密★1年", "紧急程度": "特急"}
    assert data["标题"] == source["标题"] and data["抄送"] == ["中共都江市教育局党组"]
    assert str(data["成文日期"]) == "2024-11-08"
    assert data["署名"] == "中共都江市实验中学支部委员会"
    (made,) = result.documents
    assert letterhead_mark(open_docx(made.read_bytes(), str(made))) == (
        "中共都江市实验中学支部委员会")


def test_format_reads_the_end_block_of_a_file_format_document(tmp_path):
    from gongwen.drafts import format_draft

    notice = gongwen.render(find_activity_document(SAMPLE / "notice.yaml").source)
    result = format_draft(notice.save(tmp_path / "通知.docx"), tmp_path / "out", docx=False)
    assert result.draft.cc == ["都江市教育局党组", "都江市教育局机关党委"]
    assert result.draft.printer == "都江市实验中学党支部办公室"
    assert result.draft.letterhead is None
