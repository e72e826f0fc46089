"""The generic 公文 kind (通知, 报告, 请示 …) as data and as DOCX: its 文种, the 上行文's
签发人 line, the 附件 pages and their agreement with the 附件说明."""

from __future__ import annotations

import io

import docx
import pytest
from conftest import SAMPLE, write
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn

import gongwen
from gongwen.errors import InputError
from gongwen.inputs import SourceData, load_data
from gongwen.layout import standard
from gongwen.models import Official, Plan
from gongwen.models.plan import genre_of

BASE = {"类型": "公文", "发文机关": "中共测试支部", "成文日期": "2025-03-05", "正文": "正文。"}


def paragraphs(document: gongwen.Document) -> list:
    return docx.Document(io.BytesIO(document.docx)).paragraphs


def styled(document: gongwen.Document, style_id: str) -> list:
    return [p for p in paragraphs(document) if p.style.style_id == style_id]


# --- 文种 ------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "genre"), [
    ("关于召开动员大会的通知", "通知"), ("关于拨付活动经费的请示", "请示"),
    ("关于2024年工作情况的报告", "报告"), ("关于同意设立党小组的批复", "批复"),
    ("关于商洽共建事宜的函", "函"), ("关于开展活动的实施方案", "实施方案"),
    ("支委会会议纪要", "会议纪要"), ("关于《学习读本》的通知》", "通知"),
    ("关于召开动员大会", None)])
def test_genre_is_read_from_the_titles_last_words(title, genre):
    assert genre_of(title) == genre


def test_genre_given_wins_and_inferred_otherwise():
    assert Official(**{**BASE, "标题": "关于召开大会的通知"}).genre == "通知"
    assert Official(**{**BASE, "标题": "关于召开大会的通知", "文种": "通报"}).genre == "通报"
    assert Official(**{**BASE, "标题": "创先争优活动情况", "文种": "报告"}).upward


def test_a_title_without_a_genre_names_the_file_line_and_field(tmp_path):
    path = write(tmp_path, "x.yaml", """\
        类型: 公文
        发文机关: 中共测试支部
        标题: 关于召开动员大会
        正文: 正文。
        成文日期: 2025-03-05
        """)
    with pytest.raises(InputError) as caught:
        gongwen.render(path)
    text = str(caught.value)
    assert "x.yaml:3" in text and "title" in text and "文种" in text


def test_plan_data_is_a_plan_still():
    """The plan is the 公文 whose 文种 is 实施方案; its kind and file name stay."""
    document = gongwen.render(SAMPLE / "plan.yaml")
    assert isinstance(document.model, Plan) and isinstance(document.model, Official)
    assert document.kind == "plan" and document.model.genre == "实施方案"
    assert document.filename == "都江市实验中学党支部关于深入开展创先争优活动的实施方案.docx"
    # its two 附件 are tables built from the activity.yaml beside it
    assert [p.text for p in styled(document, "GwAttachmentLabel")] == ["附件1", "附件2"]


def test_plan_data_renders_as_a_generic_official_document_too():
    source = load_data(SAMPLE / "plan.yaml")  # read where it is: its tables need activity.yaml
    official = gongwen.render(SourceData({**source.data, "类型": "公文"}, source.file,
                                         source.locations))
    plan = gongwen.render(SAMPLE / "plan.yaml")
    assert official.kind == "official" and official.model.genre == "实施方案"
    assert [p.text for p in paragraphs(official)] == [p.text for p in paragraphs(plan)]


# --- 上行文 ------------------------------------------------------------------------------

UPWARD = {**BASE, "标题": "关于拨付活动经费的请示", "版头": True, "发文字号": "测党支〔2025〕5号",
          "签发人": "林明富", "主送机关": "中共测试县教育局党组"}


def test_signer_line_has_the_number_left_and_the_signer_right():
    document = gongwen.render(UPWARD)
    (line,) = styled(document, "GwDocNumberUp")
    assert line.text == "\t测党支〔2025〕5号\t签发人：林明富"
    assert not styled(document, "GwDocNumber")
    name = next(r for r in line.runs if r.text == "林明富")
    assert name.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == standard.KAITI
    style = line.style
    left, right = style.paragraph_format.tab_stops
    indent = standard.SIGNER_LINE_INDENT_CHARS * standard.CHAR_PITCH_MM
    assert (left.alignment, right.alignment) == (WD_TAB_ALIGNMENT.LEFT, WD_TAB_ALIGNMENT.RIGHT)
    assert left.position.mm == pytest.approx(indent, abs=0.1)
    assert right.position.mm == pytest.approx(standard.TEXT_BLOCK_WIDTH_MM - indent, abs=0.1)
    assert not style.paragraph_format.left_indent  # the red rule under it stays 156 mm
    assert document.warnings == []


def test_a_request_to_several_organs_is_warned_about():
    document = gongwen.render({**UPWARD, "主送机关": "县教育局党组、县教育局机关党委"})
    (warning,) = document.warnings
    assert "请示" in warning and "主送机关" in warning and "not 2" in warning


def test_a_joint_document_signed_by_fewer_organs_is_warned_about():
    data = {**UPWARD, "标题": "关于联合开展活动的通知", "签发人": [],
            "发文机关": ["甲党支部", "乙工会"], "署名": [{"机关": "甲党支部"}]}
    document = gongwen.render(data)
    (warning,) = document.warnings
    assert "署名" in warning and "2 发文机关 (甲党支部、乙工会)" in warning
    assert "1 署名 (甲党支部)" in warning and "hint:" in warning
    both = gongwen.render({**data, "署名": [{"机关": "甲党支部"}, {"机关": "乙工会"}]})
    assert both.warnings == []
    assert [p.text.strip() for p in paragraphs(both) if p.text.strip() in
            ("甲党支部", "乙工会")] == ["甲党支部", "乙工会"]


def test_organs_run_together_in_one_name_are_warned_about():
    document = gongwen.render({**UPWARD, "标题": "关于联合开展活动的通知", "签发人": [],
                               "发文机关": "甲党支部、乙工会"})
    (warning,) = document.warnings
    assert "「甲党支部、乙工会」 is printed as one organ's name" in warning
    assert "发文机关: [甲党支部, 乙工会]" in warning
    joint = gongwen.render({**UPWARD, "标题": "关于联合开展活动的通知", "签发人": [],
                            "发文机关": ["甲党支部", "乙工会"]})
    assert joint.warnings == []


def test_a_size_written_with_its_unit_is_refused_with_a_hint():
    with pytest.raises(InputError) as caught:
        gongwen.render({**UPWARD, "印章": "seal.png", "印章尺寸": "40mm"})
    error = caught.value
    assert error.field == "印章尺寸" and "'40mm'" in str(error)
    assert error.hint == "write a plain number, its unit left out: 42, not 42mm"


def test_an_upward_document_without_signer_is_warned_about():
    data = {key: value for key, value in UPWARD.items() if key != "签发人"}
    document = gongwen.render({**data, "标题": "关于活动情况的报告"})
    assert any("签发人" in w for w in document.warnings)
    assert styled(document, "GwDocNumber") and not styled(document, "GwDocNumberUp")


def test_a_downward_notice_keeps_the_centred_number():
    document = gongwen.render({**UPWARD, "标题": "关于召开大会的通知", "签发人": []})
    assert [p.text for p in styled(document, "GwDocNumber")] == ["测党支〔2025〕5号"]
    assert document.warnings == []


def test_a_mark_shrunk_below_the_title_is_warned_about():
    """A long name keeps the mark on one line by shrinking it; below the title's 二号 it no
    longer stands out, and the data is told to use the 规范化简称 (7.2.3)."""
    notice = {**UPWARD, "标题": "关于召开大会的通知", "签发人": []}
    organ = "中国共产党某某省某某市某某区某某街道某某社区第一党支部委员会"
    document = gongwen.render({**notice, "发文机关": organ})
    (mark,) = styled(document, "GwMark")
    sizes = {run.font.size.pt for run in mark.runs if run.text}
    assert mark.text == f"{organ}文件" and max(sizes) < 22
    (warning,) = document.warnings
    assert "发文机关标志" in warning and f"shrinks to {max(sizes):g} pt" in warning
    assert "简称" in warning and "…" in warning  # the name cut short in the message
    joint = gongwen.render({**notice, "发文机关": [organ[:12], "中共测试县教育局党组"]})
    assert joint.warnings == []  # stacked, each name at a size that stands out


# --- 附件 --------------------------------------------------------------------------------

ATTACHED = {**BASE, "标题": "关于召开大会的通知", "附件": [
    {"名称": "会议议程", "正文": "| 时间 | 内容 |\n|---|---|\n| 15:00 | 开会 |\n"},
    "参会人员名单（另发）",
    {"名称": "3. 回执", "标题": "回执", "序号": 3, "正文": "请于9月5日前报送。"}]}


def test_each_attachment_with_content_starts_a_page_with_its_label_and_title():
    document = gongwen.render(ATTACHED)
    labels = styled(document, "GwAttachmentLabel")
    assert [p.text for p in labels] == ["附件1", "附件3"]
    assert all(p.paragraph_format.page_break_before or p.style.paragraph_format.page_break_before
               for p in labels)
    assert [p.text for p in styled(document, "GwAttachmentTitle")] == ["会议议程", "回执"]
    texts = [p.text for p in paragraphs(document)]
    first = texts.index("附件1")
    assert texts[first + 1] == "" and texts[first + 2] == "会议议程"  # the third line
    note = [p.text for p in styled(document, "GwAttachments")]
    assert note == ["附件：1.会议议程", "2.参会人员名单（另发）", "3.回执"]
    table = docx.Document(io.BytesIO(document.docx)).tables[0]
    assert [c.text for c in table.rows[1].cells] == ["15:00", "开会"]
    assert texts.index("附件1") > texts.index("2025年3月5日")


def test_a_lone_attachment_is_labelled_without_a_number():
    document = gongwen.render({**BASE, "标题": "关于召开大会的通知",
                               "附件": {"名称": "会议议程", "正文": "下午三时开会。"}})
    assert [p.text for p in styled(document, "GwAttachmentLabel")] == ["附件"]
    assert [p.text for p in styled(document, "GwAttachments")] == ["附件：会议议程"]


def test_an_attachment_body_file_is_read_relative_to_the_data(tmp_path):
    write(tmp_path, "agenda.md", "# 会议安排\n下午三时开会。\n")
    path = write(tmp_path, "n.yaml", """\
        类型: 公文
        发文机关: 中共测试支部
        标题: 关于召开大会的通知
        正文: 正文。
        附件:
          - 名称: 会议议程
            正文文件: agenda.md
        成文日期: 2025-03-05
        """)
    texts = [p.text for p in paragraphs(gongwen.render(path))]
    assert texts[texts.index("会议议程", texts.index("附件")):][2:] == ["一、会议安排", "下午三时开会。"]


@pytest.mark.parametrize(("item", "line", "words"), [
    ("  - 名称: 回执\n    序号: 3\n    正文: 请报送。\n", 8, ["序号", "附件3", "number 2"]),
    ("  - 名称: 回执\n    标题: 参会回执\n    正文: 请报送。\n", 8, ["标题", "参会回执", "回执"]),
])
def test_the_attachment_note_and_pages_must_agree(tmp_path, item, line, words):
    path = tmp_path / "n.yaml"
    path.write_text("类型: 公文\n发文机关: 中共测试支部\n标题: 关于召开大会的通知\n正文: 正文。\n"
                    "附件:\n  - 会议议程\n" + item + "成文日期: 2025-03-05\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        gongwen.render(path)
    text = str(caught.value)
    assert f"n.yaml:{line}" in text, text
    for word in words:
        assert word in text, text


# --- 联合行文 ------------------------------------------------------------------------------

def test_several_organs_make_the_first_the_host():
    model = Official(**{**BASE, "发文机关": ["甲党支部", "乙工会"], "标题": "关于联合开展活动的通知"})
    assert (model.organ, model.co_organs, model.organs) == ("甲党支部", ["乙工会"],
                                                             ["甲党支部", "乙工会"])
    document = gongwen.render({**BASE, "发文机关": ["甲党支部", "乙工会"], "版头": True,
                               "发文字号": "甲党支〔2025〕1号", "标题": "关于联合开展活动的通知"})
    assert [p.text for p in styled(document, "GwMark")] == ["甲党支部\n乙工会"]
    assert [p.text for p in styled(document, "GwSignature")] == ["甲党支部", "乙工会"]


def test_one_seal_for_two_organs_is_refused_with_the_line(tmp_path):
    path = write(tmp_path, "j.yaml", """\
        类型: 公文
        发文机关: [甲党支部, 乙工会]
        标题: 关于联合开展活动的通知
        正文: 正文。
        印章: seal.png
        成文日期: 2025-03-05
        """)
    with pytest.raises(InputError) as caught:
        gongwen.render(path)
    assert "j.yaml:5" in str(caught.value) and "joint" in str(caught.value)


# --- 纪要 --------------------------------------------------------------------------------

def test_minutes_print_attendance_instead_of_signature_and_need_no_number():
    document = gongwen.render({**BASE, "版头": True, "标题": "测试支部支委会会议纪要",
                               "出席": ["林明富", "陈秀英"], "列席": "黄小燕"})
    assert document.model.minutes and document.model.genre == "会议纪要"
    assert [p.text for p in styled(document, "GwAttendance")] == ["出席：林明富、陈秀英",
                                                                  "列席：黄小燕"]
    label = styled(document, "GwAttendance")[0].runs[0]
    assert label.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == standard.HEITI
    assert not styled(document, "GwSignature") and not styled(document, "GwDate")
    assert [p.text for p in styled(document, "GwMark")] == ["测试支部支委会会议纪要"]
    assert not styled(document, "GwTitle")  # the mark is its title


def test_minutes_print_a_number_only_when_one_is_given():
    minutes = {**BASE, "版头": True, "标题": "测试支部支委会会议纪要", "出席": ["林明富"]}
    bare = gongwen.render(minutes)
    assert not any("〔" in p.text for p in paragraphs(bare))
    numbered = gongwen.render({**minutes, "发文字号": "测支〔2025〕3号"})
    (number,) = [p for p in paragraphs(numbered) if "〔" in p.text]
    assert number.text == "测支〔2025〕3号" and number.style.style_id == "GwDocNumber"
    assert bare.warnings == numbered.warnings == []


def test_several_signers_go_two_a_line_the_number_on_the_last():
    document = gongwen.render({**UPWARD, "签发人": ["林明富", "陈秀英", "王建国"]})
    (line,) = styled(document, "GwDocNumberUp")
    assert line.text == ("\t\t签发人：林明富\u3000陈秀英\n"
                         "\t测党支〔2025〕5号\t王建国\u3000\u3000\u3000\u3000\u200b")
