"""简报: the model, the rendered DOCX, bad input and the command line.

The PDFs are measured in test_briefing_pdf.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from briefing_samples import (
    GOOD,
    HOSTILE,
    PHASES,
    SAMPLES,
    docx_of,
    make_workdir,
    paragraphs,
    pdf_text,
    pixel_size,
    render_documents,
    tail_rows,
)
from click.testing import CliRunner
from conftest import SAMPLE, write
from convert_samples import png_bytes
from docx.oxml.ns import qn
from docx.shared import Mm

import gongwen
from gongwen.cli import main
from gongwen.errors import InputError
from gongwen.inputs import load_data
from gongwen.kinds.briefing import key_path
from gongwen.layout import conventions, standard
from gongwen.layout.rules import fitted_text, picture_size
from gongwen.models import KINDS
from gongwen.models.briefing import Briefing
from gongwen.templating.registry import template_dir


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return make_workdir(tmp_path_factory.mktemp("briefing"))


@pytest.fixture(scope="module")
def documents(workdir: Path) -> dict[str, gongwen.Document]:
    return render_documents(workdir)


# --- samples -----------------------------------------------------------------------


def test_samples_are_issues_of_the_activity_in_order():
    assert len(SAMPLES) >= 2
    briefings = [KINDS["简报"].model_validate(load_data(path).data) for path in SAMPLES]
    issues = [b.issue for b in briefings]
    dates = [b.date for b in briefings]
    assert issues == sorted(issues) and len(set(issues)) == len(issues)
    assert dates == sorted(dates)
    for briefing in briefings:
        assert any(start <= briefing.date <= end for start, end in PHASES.values())
        assert briefing.editor.startswith("中共都江市实验中学支部委员会")
    assert any(p.file for b in briefings for a in b.articles for p in a.pictures)
    assert any(len(b.articles) > 1 for b in briefings)


# --- DOCX ----------------------------------------------------------------------------


def test_masthead_in_the_docx(documents):
    document = documents["briefing-1"]
    (name,) = paragraphs(document, "GwBriefingName")
    assert name.text == "创先争优活动简报"
    (run,) = [run for run in name.runs if run.text]
    assert run.font.size.pt == conventions.BRIEFING_NAME_SIZE
    style = name.style
    assert str(style.font.color.rgb) == standard.RED
    fonts = style.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == standard.XIAOBIAOSONG
    (issue,) = paragraphs(document, "GwBriefingIssue")
    assert issue.text == "第1期"
    (meta,) = paragraphs(document, "GwBriefingMeta")
    assert meta.text == "中共都江市实验中学支部委员会编\t2024年9月10日"
    bottom = meta._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == standard.RED
    assert document.title == "创先争优活动简报第1期"
    assert document.filename == "创先争优活动简报第1期.docx"


def test_issue_numbers_chinese_total_and_year(documents):
    assert paragraphs(documents["briefing-3"], "GwBriefingIssue")[0].text == "第三期"
    (issue,) = paragraphs(documents["shapes"], "GwBriefingIssue")
    assert issue.text == "2025年第三期（总第十五期）"
    (secret,) = paragraphs(documents["shapes"], "GwSecret")
    assert secret.text == "内部资料　注意保存"


def test_a_long_name_shrinks_to_one_line(documents):
    (name,) = paragraphs(documents["shapes"], "GwBriefingName")
    cells = len(name.text)
    block_pt = standard.mm_to_pt(standard.TEXT_BLOCK_WIDTH_MM)
    (run,) = [run for run in name.runs if run.text]
    assert run.font.size.pt * cells <= block_pt * conventions.BRIEFING_NAME_MAX_WIDTH_SHARE
    assert 'w:sz w:val="84"' in fitted_text("工作简报", 42, 0.96).xml  # short: not shrunk


def test_note_and_contents_only_when_asked_for(documents):
    several = documents["briefing-2"]
    (note,) = paragraphs(several, "GwBriefingNote")
    assert note.text.startswith(conventions.BRIEFING_NOTE_LABEL + "活动进入组织实施阶段以来")
    (label,) = paragraphs(several, "GwBriefingTocLabel")
    assert label.text == conventions.BRIEFING_TOC_LABEL
    titles = [p.text for p in paragraphs(several, "GwBriefingTitle")]
    assert [p.text for p in paragraphs(several, "GwBriefingTocItem")] == titles
    assert len(titles) == 3
    single = documents["briefing-1"]
    assert not paragraphs(single, "GwBriefingTocLabel")
    assert not paragraphs(single, "GwBriefingNote")


def test_article_bodies_are_numbered_blocks(documents):
    document = documents["briefing-2"]
    headings = [p.text for p in paragraphs(document, "GwHeading1")]
    assert headings == ["一、承诺内容具体可查", "二、践诺情况定期检查"]  # from the .md file
    assert [p.text for p in paragraphs(document, "GwBriefingAuthor")] == ["教务处党小组",
                                                                          "团委　吴静"]
    items = [p.text for p in paragraphs(document, "GwListItem")]
    assert items[0].startswith("1.每月由党员本人记录")




def test_tail_lines_in_the_docx(documents):
    assert tail_rows(documents["briefing-2"]) == [
        ("报：都江市教育局党组。", None),
        ("送：都江市教育局机关党委，城南社区党委。", None),
        ("发：各党小组，全体党员。", None),
        ("（共印60份）", "right"),
    ]
    assert [text for text, _ in tail_rows(documents["briefing-3"])] == [
        "报：都江市教育局党组。", "发：各党小组，全体党员。", "（共印50份）"]
    assert tail_rows(documents["shapes"]) == [("发：各党小组。", None), ("（共印30份）", "right")]




def test_pictures_fit_the_text_block_and_keep_their_shape(documents):
    block_width = Mm(standard.TEXT_BLOCK_WIDTH_MM)
    max_height = Mm(conventions.BRIEFING_PICTURE_MAX_HEIGHT_MM)
    seen = 0
    for key in ("briefing-1", "briefing-2", "shapes", "hostile"):
        doc = docx_of(documents[key])
        for shape in doc.inline_shapes:
            rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
            px_w, px_h = pixel_size(doc.part.related_parts[rid].blob)
            assert shape.width <= block_width + 1 and shape.height <= max_height + 1
            assert shape.height / shape.width == pytest.approx(px_h / px_w, rel=1e-3)
            seen += 1
    assert seen == 5
    (photo,) = docx_of(documents["briefing-1"]).inline_shapes
    assert photo.width == pytest.approx(block_width, abs=Mm(0.01))  # full width by default
    (photo,) = docx_of(documents["briefing-2"]).inline_shapes
    assert photo.width == pytest.approx(Mm(120), abs=Mm(0.01))  # 宽度: 120
    tall, wide = docx_of(documents["shapes"]).inline_shapes
    assert tall.height == pytest.approx(max_height, abs=Mm(0.01))
    assert wide.width == pytest.approx(block_width / 2, abs=Mm(0.01))  # 宽度: 50%
    captions = [p.text for p in paragraphs(documents["shapes"], "GwBriefingCaption")]
    assert captions == ["一张很高的图"]


def test_picture_size_rules():
    block, limit = standard.TEXT_BLOCK_WIDTH_MM, conventions.BRIEFING_PICTURE_MAX_HEIGHT_MM
    assert picture_size(4000, 3000) == pytest.approx((block, block * 0.75))
    assert picture_size(100, 50, 500) == pytest.approx((block, block / 2))  # capped
    assert picture_size(100, 50, 60) == pytest.approx((60, 30))
    width, height = picture_size(100, 1000)
    assert height == pytest.approx(limit) and width == pytest.approx(limit / 10)
    with pytest.raises(ValueError):
        picture_size(0, 10)


def test_hostile_text_is_literal_in_the_docx(documents):
    document = documents["hostile"]
    text = "\n".join(p.text for p in docx_of(document).paragraphs)
    for value in ("name", "title", "body", "caption"):
        assert HOSTILE[value] in text, value
    assert "编者按：" + HOSTILE["note"] in text
    assert HOSTILE["editor"] + "\t2025年3月1日" in text
    assert tail_rows(document)[0][0] == f"报：{HOSTILE['report']}。"
    # a 400 px picture stretched over the text block is said to print soft
    (warning,) = document.warnings
    assert "hostile.yaml:11" in warning and "65 dpi" in warning
    assert not documents["briefing-1"].warnings


def test_other_profiles_build_and_render(workdir):
    for name in standard.PROFILES:
        document = gongwen.render(workdir / "hostile.yaml", profile=name)
        assert paragraphs(document, "GwBriefingName")


# --- bad input -----------------------------------------------------------------------



def error_of(tmp_path: Path, text: str, name: str = "b.yaml") -> InputError:
    path = write(tmp_path, name, text)
    with pytest.raises(InputError) as caught:
        gongwen.render(path)
    return caught.value


def test_missing_picture_names_the_yaml_line_and_the_path(tmp_path):
    error = error_of(tmp_path, GOOD)
    assert error.location.file.endswith("b.yaml") and error.location.line == 10
    assert error.message == f"picture 'photo.png' not found (looked for {tmp_path / 'photo.png'})"
    assert error.field == "articles[1].pictures[1].file"
    assert error.hint and "relative" in error.hint
    assert str(error).startswith(f"{tmp_path / 'b.yaml'}:10: ")


def test_chinese_keys_are_named_as_written(tmp_path):
    text = ("类型: 简报\n简报名称: 工作简报\n期号: 1\n编印单位: 办公室\n日期: 2024-10-15\n"
            "文章:\n  - 标题: 甲\n    图片:\n      - 说明: 无\n        文件: 不存在.jpg\n")
    error = error_of(tmp_path, text)
    assert error.location.line == 10 and error.field == "文章[1].图片[1].文件"


def test_a_file_that_is_not_a_picture(tmp_path):
    (tmp_path / "photo.png").write_text("not a picture", encoding="utf-8")
    error = error_of(tmp_path, GOOD)
    assert error.location.line == 10 and "not a picture" in error.message


@pytest.mark.parametrize(("change", "line", "words"), [
    (("date: 2024-10-15", "date: 2024-13-45"), 5, "month"),
    (("issue: 2", "issue: 第二十十期"), 3, "integer"),
    (("issue: 2", "issue: 0"), 3, "greater than or equal to 1"),
    (("editor: 党支部办公室", "editor: 党支部办公室\n印数量: 5"), 5, "unknown field"),
    (("    body: 正文。\n    pictures:\n      - file: photo.png\n", ""), 7, "needs a body"),
    (("issue: 2", "issue: 2\ntotal_issue: 1"), 4, "smaller than 期号"),
    (("issue: 2", "issue: 2\n期号写法: 罗马"), 4, "期号写法"),
    ((GOOD[GOOD.index("articles:"):], "articles: []\n"), 6, "at least 1"),
])
def test_bad_fields(tmp_path, change, line, words):
    (tmp_path / "photo.png").write_bytes(png_bytes())
    error = error_of(tmp_path, GOOD.replace(*change))
    assert error.location.line == line, str(error)
    assert words in str(error)


def test_unknown_field_suggests_the_known_one(tmp_path):
    (tmp_path / "photo.png").write_bytes(png_bytes())
    error = error_of(tmp_path, GOOD.replace("issue: 2", "issue: 2\n印数量: 5"))
    assert "印数" in (error.hint or "")


def test_body_errors_point_into_the_yaml(tmp_path):
    (tmp_path / "photo.png").write_bytes(png_bytes())
    body = "    body: |\n      # 一、甲\n      正文。\n      # 三、乙\n"
    error = error_of(tmp_path, GOOD.replace("    body: 正文。\n", body))
    assert error.location.file.endswith("b.yaml") and error.location.line == 11


def test_missing_body_file_names_the_yaml_line(tmp_path):
    (tmp_path / "photo.png").write_bytes(png_bytes())
    error = error_of(tmp_path, GOOD.replace("body: 正文。", "正文文件: 无此文件.md"))
    assert error.location.line == 8 and "无此文件.md" in error.message


def test_key_path_follows_the_data_spelling():
    source = load_data(SAMPLE / "briefing-1.yaml")
    path = key_path(source, Briefing, "articles", 0, "pictures", 0, "file")
    assert path == ("文章", 0, "图片", 0, "文件")
    lines = (SAMPLE / "briefing-1.yaml").read_text(encoding="utf-8").splitlines()
    assert "文件: images/" in lines[source.where(path).line - 1]


def test_briefing_text_values():
    base = {"name": "工作简报", "issue": "第十二期", "editor": "办", "date": "2024-10-01",
            "articles": [{"title": "甲", "body": "乙"}], "copies": "共印40份"}
    briefing = Briefing.model_validate(base)
    assert (briefing.issue, briefing.copies, briefing.issue_text) == (12, 40, "第12期")
    assert not briefing.shows_contents
    briefing = Briefing.model_validate({**base, "numerals": "汉字", "total_issue": 120,
                                        "contents": True})
    assert briefing.issue_text + briefing.total_issue_text == "第十二期（总第一百二十期）"
    assert briefing.shows_contents and briefing.title == "工作简报第十二期"


# --- CLI and user templates ----------------------------------------------------------


def test_cli_renders_a_briefing_to_docx_and_pdf(tmp_path):
    result = CliRunner().invoke(main, ["render", str(SAMPLE / "briefing-3.yaml"), "-o",
                                       str(tmp_path), "--format", "both"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "创先争优活动简报第三期.docx").is_file()
    assert "创先争优活动简报第三期" in pdf_text(tmp_path / "创先争优活动简报第三期.pdf")


def test_cli_reports_a_missing_picture(tmp_path):
    path = write(tmp_path, "b.yaml", GOOD)
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == InputError.exit_code
    assert f"{path}:10: articles[1].pictures[1].file: picture 'photo.png' not found" in \
        result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_committed_template_renders_as_a_user_template(tmp_path):
    document = gongwen.render(SAMPLE / "briefing-2.yaml",
                              template=template_dir() / "briefing.docx")
    assert len(docx_of(document).inline_shapes) == 1
    assert [text for text, _ in tail_rows(document)][-1] == "（共印60份）"


def test_note_paragraphs_title_lines_and_contents_switched_off(tmp_path):
    text = """\
    kind: briefing
    name: 工作简报
    issue: 1
    editor: 办公室
    date: 2024-10-15
    contents: false
    note: |
      第一段按语。
      第二段按语。
    articles:
      - title: "上行标题\\n下行标题"
        body: |
          | 项目 | 数量 |
          |---|---|
          | 示范课 | 23 |
      - title: 第二篇
        body: 正文。
    """
    document = gongwen.render(write(tmp_path, "b.yaml", text))
    assert [p.text for p in paragraphs(document, "GwBriefingNote")] == [
        conventions.BRIEFING_NOTE_LABEL + "第一段按语。", "第二段按语。"]
    assert [p.text for p in paragraphs(document, "GwBriefingTitle")] == [
        "上行标题", "下行标题", "第二篇"]
    assert not paragraphs(document, "GwBriefingTocLabel")
    (table,) = docx_of(document).tables  # no 报尾: the body's table only
    assert table.rows[1].cells[1].text == "23"


def test_a_phone_photo_is_turned_as_its_exif_says(tmp_path):
    """Phones store portrait shots sideways plus an EXIF orientation; Word and
    LibreOffice ignore it in a DOCX, so gongwen turns the pixels (and drops the EXIF)."""
    import io

    from PIL import Image as PilImage

    from gongwen.kinds.pictures import ORIENTATION_TAG, upright

    stored = PilImage.new("RGB", (800, 400), "white")
    stored.paste((255, 0, 0), (0, 0, 400, 400))  # the left half red, as stored
    exif = PilImage.Exif()
    exif[ORIENTATION_TAG] = 6  # "turn 90° clockwise to view"
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=exif.tobytes(), quality=95)
    (tmp_path / "phone.jpg").write_bytes(buffer.getvalue())
    plain = io.BytesIO()
    stored.save(plain, "JPEG", quality=95)
    (tmp_path / "plain.jpg").write_bytes(plain.getvalue())
    data = write(tmp_path, "b.yaml", """\
        类型: 简报
        简报名称: 测试简报
        期号: 1
        编印单位: 测试党支部编
        日期: 2025-03-10
        文章:
          - 标题: 照片
            正文: 两张照片。
            图片: [{文件: phone.jpg}, {文件: plain.jpg}]
        """)
    doc = docx_of(gongwen.render(data))
    phone, flat = doc.inline_shapes
    blobs = [doc.part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
             for s in (phone, flat)]
    assert pixel_size(blobs[0]) == (400, 800) and phone.height > phone.width
    with PilImage.open(io.BytesIO(blobs[0])) as shown:
        assert ORIENTATION_TAG not in shown.getexif()
        red, green, _ = shown.getpixel((200, 100))
        assert red > 200 and green < 60  # the stored left half is now on top
        assert min(shown.getpixel((200, 700))) > 200  # and the white half below it
    assert blobs[1] == plain.getvalue()  # a photo without the tag is embedded as it is
    assert upright(b"GIF89a") == b"GIF89a"


def test_a_picture_of_too_many_pixels_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    from PIL import Image as PILImage

    buffer = __import__("io").BytesIO()
    PILImage.new("RGB", (20, 20), "red").save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")  # the frame header: height, width after precision
    data[sof + 5:sof + 9] = (20000).to_bytes(2, "big") * 2  # claims 20000 × 20000
    (tmp_path / "huge.jpg").write_bytes(bytes(data))
    (tmp_path / "b.yaml").write_text(
        "类型: 简报\n简报名称: 测试简报\n期号: 1\n编印单位: 测试支部\n日期: 2024-09-10\n"
        "文章:\n  - 标题: 一则消息\n    正文: 正文。\n    图片:\n      - 文件: huge.jpg\n",
        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        gongwen.render(tmp_path / "b.yaml")
    message = str(caught.value)
    assert "'huge.jpg' has 400 million pixels" in message and "b.yaml:10" in message
