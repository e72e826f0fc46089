"""``gongwen check``: every document gongwen renders passes; broken documents give
exactly the rule they break, located on the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gongwen.checker import check, check_pdf_bytes
from gongwen.cli import main
from gongwen.convert import shared_converter
from gongwen.kinds import render_all
from gongwen.layout import standard

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "chuangxian"


def rule_ids(findings) -> set[str]:
    return {f.rule.id for f in findings}


def pdf_of(docx: bytes, name: str = "doc") -> bytes:
    return shared_converter().convert_bytes(docx, name=name)


@pytest.mark.parametrize("name", ["plan", "briefing-1", "briefing-2", "briefing-3", "pledge",
                                  "evaluation-ballot", "evaluation-register",
                                  "evaluation-summary"])
def test_every_sample_document_passes_strict(name: str) -> None:
    documents = render_all(SAMPLE / f"{name}.yaml", members=["林明富"]
                           if name in ("pledge", "evaluation-register") else ())
    for document in documents:
        findings = check_pdf_bytes(document.to_pdf(), document.title)
        assert [f.describe() for f in findings] == []


# --- a Word draft as people write them ------------------------------------------------

def word_draft() -> bytes:
    """Word's defaults: Letter paper, 25.4/31.8 mm margins, 12 pt 宋体 body, and the
    usual slips: [] in the 文号, a padded serial, dates padded and in Chinese numerals,
    a skipped heading number, 「1、」 for 「1.」."""
    doc = DocxDocument()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")

    def para(text: str, indent: bool = True, align=None) -> None:
        paragraph = doc.add_paragraph(text)
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(24)
        if align is not None:
            paragraph.alignment = align

    para("都教党组[2024]03号", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("关于开展学习活动的通知", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("各党支部：", indent=False)
    para("一、总体要求")
    para("为深入学习贯彻上级精神，经研究决定在全体党员中开展学习活动。" * 4)
    para("三、工作安排")
    para("1、集中学习。每月组织一次集中学习，时间为每月第一周。" * 3)
    para("中共都江市教育局党组", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para("2024年09月02日", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para("（二〇二四年九月二日印发）", indent=False)
    buffer = __import__("io").BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def draft_findings():
    return check_pdf_bytes(pdf_of(word_draft(), "draft"), "draft.pdf")


@pytest.mark.parametrize("rule, excerpt", [
    ("GW101", ""),               # Letter paper
    ("GW103", "为深入学习"),      # 12 pt body
    ("GW401", "都教党组[2024]03号"),
    ("GW403", "二〇二四年九月二日"),
    ("GW404", "2024年09月02日"),
    ("GW405", "三、工作安排"),     # 一、 then 三、
    ("GW406", "1、集中学习"),
    ("GW201", ""),               # no page number
    ("GW106", "为深入学习"),      # 宋体 body
    ("GW107", "关于开展学习活动的通知"),  # a 12 pt 宋体 title
    ("GW408", "一、总体要求"),     # a level-1 heading in 宋体, not 黑体
    ("GW304", "中共都江市教育局党组"),  # the date right-aligned under the 署名, not 2 cells right
])
def test_a_word_draft_gives_each_rule_it_breaks(draft_findings, rule: str, excerpt: str) -> None:
    found = [f for f in draft_findings if f.rule.id == rule]
    assert found, f"{rule} not reported: {[f.describe() for f in draft_findings]}"
    assert found[0].page == 1
    if excerpt:
        assert any(f.excerpt.startswith(excerpt[:8]) for f in found), [f.excerpt for f in found]
        assert found[0].line is not None


def test_the_draft_has_no_finding_it_does_not_deserve(draft_findings) -> None:
    assert rule_ids(draft_findings) <= {"GW101", "GW102", "GW103", "GW106", "GW107", "GW401",
                                        "GW402", "GW403", "GW404", "GW405", "GW406", "GW408",
                                        "GW201", "GW304"}


# --- gongwen's own output, broken on purpose -------------------------------------------

def test_centred_page_numbers_are_a_finding_unless_the_profile_allows_them(plan_file) -> None:
    (document,) = render_all(plan_file, profile="centred-page-numbers")
    pdf = document.to_pdf()
    strict = check_pdf_bytes(pdf, "centred.pdf")
    assert "GW203" in rule_ids(strict)
    place = next(f for f in strict if f.rule.id == "GW203")
    assert place.page == 1 and "right edge" in place.measured
    allowed = check_pdf_bytes(pdf, "centred.pdf",
                              profile=standard.get_profile("centred-page-numbers"))
    assert "GW203" not in rule_ids(allowed)


def test_an_end_block_on_an_odd_page_is_found(tmp_path: Path) -> None:
    short = tmp_path / "short.yaml"
    short.write_text("kind: plan\norgan: 中共测试县第二小学支部委员会\ntitle: 关于开展主题党日活动的通知\n"
                     "addressee: 各党小组\nbody: 每月第一周集中学习。\ndate: 2025-03-05\n"
                     "cc: [县教育局党组]\nprinter: 测试县第二小学党支部\nprint_date: 2025-03-05\n",
                     encoding="utf-8")
    (document,) = render_all(short)
    unmoved = pdf_of(document.docx, "unmoved")  # converted as rendered: 版记 on page 1
    found = [f for f in check_pdf_bytes(unmoved, "unmoved.pdf") if f.rule.id == "GW301"]
    assert [f.page for f in found] == [1]
    assert found[0].excerpt.startswith("抄送")
    assert rule_ids(check_pdf_bytes(document.to_pdf(), "moved.pdf")) == set()


def test_hanging_punctuation_outside_the_text_block_is_found(tmp_path: Path) -> None:
    doc = DocxDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(28), Mm(10)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    paragraph = doc.add_paragraph("这一行的文字一直写到了版心之外很远的地方" * 2)
    paragraph.runs[0].font.size = Pt(16)
    buffer = __import__("io").BytesIO()
    doc.save(buffer)
    findings = check_pdf_bytes(pdf_of(buffer.getvalue(), "wide"), "wide.pdf")
    overflow = [f for f in findings if f.rule.id == "GW102"]
    assert overflow and overflow[0].page == 1 and overflow[0].line == 1
    assert "right of the 版心" in overflow[0].measured
    assert overflow[0].box is not None and overflow[0].box[2] > 184.5


# --- the command ---------------------------------------------------------------------

def test_cli_exit_codes_and_json(tmp_path: Path, plan_file) -> None:
    (document,) = render_all(plan_file)
    good = tmp_path / "good.pdf"
    good.write_bytes(document.to_pdf())
    draft = tmp_path / "draft.docx"
    draft.write_bytes(word_draft())
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    runner = CliRunner()

    clean = runner.invoke(main, ["check", str(good)])
    assert clean.exit_code == 0, clean.output
    assert "no findings" in clean.output

    dirty = runner.invoke(main, ["check", str(good), str(draft), "--format", "json"])
    assert dirty.exit_code == 1, dirty.output
    data = json.loads(dirty.output)
    assert data["checked"] == [str(good), str(draft)]
    assert {f["rule"] for f in data["findings"]} >= {"GW401", "GW103"}
    first = data["findings"][0]
    assert {"file", "page", "line", "excerpt", "measured", "expected", "source"} <= set(first)
    assert first["source"].startswith("GB/T 9704-2012")

    only_errors = runner.invoke(main, ["check", str(draft), "--fail-on", "error"])
    assert only_errors.exit_code == 1

    unreadable = runner.invoke(main, ["check", str(broken), str(good), str(tmp_path / "no.docx")])
    assert unreadable.exit_code == 2
    assert "Traceback" not in unreadable.output
    assert f"error: {broken}:" in unreadable.output and "no such file" in unreadable.output
    assert f"{good}: no findings" in unreadable.output  # the others are still checked


def test_a_folder_is_every_docx_and_pdf_in_it(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_bytes(word_draft())
    (tmp_path / "notes.txt").write_text("not a document", encoding="utf-8")
    report = check(tmp_path)
    assert report.checked == [str(tmp_path / "a.docx")]
    assert report.exit_code() == 1


def test_annotate_draws_each_finding_on_its_page(tmp_path: Path) -> None:
    draft = tmp_path / "draft.docx"
    draft.write_bytes(word_draft())
    marked = tmp_path / "marked.pdf"
    result = CliRunner().invoke(main, ["check", str(draft), "--annotate", str(marked)])
    assert result.exit_code == 1, result.output
    import pdfplumber
    from pypdf import PdfReader

    report = check(draft)
    notes = [a.get_object() for a in PdfReader(marked).pages[0]["/Annots"]]
    assert sorted(str(n["/T"]) for n in notes) == sorted(f.rule.id for f in report.findings)
    bracket = next(n for n in notes if str(n["/T"]) == "GW401")
    assert "都教党组[2024]03号" in str(bracket["/Contents"])
    finding = next(f for f in report.findings if f.rule.id == "GW401")
    x0, top, x1, bottom = finding.box
    with pdfplumber.open(marked) as pdf:
        page = pdf.pages[0]
        words = page.extract_text()
        assert "GW401 doc-number.brackets" in words  # the label is printed, not only a note
        # a red box drawn around the 文号: a rectangle enclosing the line's box
        mm = 25.4 / 72
        boxes = [r for r in page.rects if r["x0"] * mm <= x0 and r["x1"] * mm >= x1
                 and r["top"] * mm <= top and r["bottom"] * mm >= bottom
                 and (r["x1"] - r["x0"]) * mm < x1 - x0 + 5]
        assert boxes


# --- --fix -----------------------------------------------------------------------------

def test_fix_repairs_the_safe_findings_and_keeps_every_word(tmp_path: Path) -> None:
    from gongwen.checker.fix import fix_docx

    original = word_draft()
    result = fix_docx(original)
    before = [p.text for p in DocxDocument(__import__("io").BytesIO(original)).paragraphs]
    after = [p.text for p in DocxDocument(__import__("io").BytesIO(result.docx)).paragraphs]
    changed = {i: (a, b) for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
    assert changed == {
        0: ("都教党组[2024]03号", "都教党组〔2024〕3号"),
        8: ("2024年09月02日", "2024年9月2日"),
        9: ("（二〇二四年九月二日印发）", "（2024年9月2日印发）"),
    }
    findings = check_pdf_bytes(pdf_of(result.docx, "fixed"), "fixed.pdf")
    # what is left is what --fix must not touch: the numbering
    assert rule_ids(findings) == {"GW405", "GW406"}


@pytest.mark.parametrize("name", ["notice", "request", "letter", "minutes", "summary", "plan"])
def test_fix_leaves_gongwens_own_documents_as_good_as_they_were(name: str) -> None:
    """--fix on a document gongwen made changes nothing a check can see: the red mark,
    an 附件's title and the letterhead keep their styles (they were guessed anew)."""
    from gongwen.batch.activity import find_activity_document
    from gongwen.checker.fix import fix_docx

    (document,) = render_all(find_activity_document(SAMPLE / f"{name}.yaml").source)
    document.to_pdf()  # the DOCX as written: its 版记 moved to an even page if need be
    fixed = fix_docx(document.docx).docx
    assert [f.describe() for f in check_pdf_bytes(pdf_of(fixed, name), f"{name}.pdf")] == []
    styles = [p.style.style_id for p in DocxDocument(__import__("io").BytesIO(fixed)).paragraphs]
    original = [p.style.style_id
                for p in DocxDocument(__import__("io").BytesIO(document.docx)).paragraphs]
    assert styles == original


def test_fix_refuses_a_copy_whose_words_would_change(tmp_path: Path, monkeypatch) -> None:
    from gongwen.checker import fix

    def losing(paragraph) -> None:  # a fix gone wrong: it drops the paragraph's last run
        runs = paragraph.runs
        if len(paragraph.text) > 20 and runs:
            runs[-1]._r.getparent().remove(runs[-1]._r)

    monkeypatch.setattr(fix, "_strip", losing)
    draft = tmp_path / "draft.docx"
    draft.write_bytes(word_draft())
    target = tmp_path / "fixed.docx"
    result = CliRunner().invoke(main, ["check", str(draft), "--fix", "-o", str(target)])
    assert result.exit_code == 3
    assert "nothing written" in result.output and "Traceback" not in result.output
    assert not target.exists()


def test_fix_needs_a_target_and_one_docx(tmp_path: Path) -> None:
    draft = tmp_path / "draft.docx"
    draft.write_bytes(word_draft())
    runner = CliRunner()
    no_target = runner.invoke(main, ["check", str(draft), "--fix"])
    assert no_target.exit_code == 2 and "-o FIXED.docx or --in-place" in no_target.output
    two = runner.invoke(main, ["check", str(draft), str(draft), "--fix", "--in-place"])
    assert two.exit_code == 2 and "exactly one .docx" in two.output
    in_place = runner.invoke(main, ["check", str(draft), "--fix", "--in-place"])
    assert in_place.exit_code == 1  # the numbering findings are left
    assert "〔2024〕3号" in [p.text for p in DocxDocument(str(draft)).paragraphs][0]


def test_library_entry_point(tmp_path: Path) -> None:
    import gongwen

    draft = tmp_path / "draft.docx"
    draft.write_bytes(word_draft())
    report = gongwen.check(draft, profile="strict")
    assert isinstance(report, gongwen.Report)
    assert all(isinstance(f, gongwen.Finding) for f in report.findings)
    assert {f.rule.id for f in report.findings} >= {"GW401", "GW404"}


def test_sarif_output(tmp_path: Path) -> None:
    draft = tmp_path / "draft.docx"
    draft.write_bytes(word_draft())
    result = CliRunner().invoke(main, ["check", str(draft), "--format", "sarif"])
    assert result.exit_code == 1
    sarif = json.loads(result.output)
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run["results"]} == ids and "GW401" in ids
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == str(draft)
    assert first["level"] in ("error", "warning") and first["properties"]["page"] == 1


def test_a_house_style_allows_what_it_names(tmp_path: Path, plan_file) -> None:
    (document,) = render_all(plan_file, profile="centred-page-numbers")
    pdf = tmp_path / "centred.pdf"
    pdf.write_bytes(document.to_pdf())
    house = tmp_path / "house.yaml"
    house.write_text("名称: 测试县版式\n基于: strict\n页码位置: 居中\n", encoding="utf-8")
    assert "GW203" in rule_ids(check(pdf).findings)
    report = check(pdf, profile=house)
    assert report.findings == [] and report.profile == "测试县版式"

    draft = tmp_path / "draft.docx"
    draft.write_bytes(word_draft())
    allowing = tmp_path / "allow.yaml"
    allowing.write_text("名称: 宽松\n允许:\n  GW408: 标题一律宋体\n  GW101: 用信纸\n",
                        encoding="utf-8")
    left = rule_ids(check(draft, profile=allowing).findings)
    assert "GW408" not in left and "GW101" not in left and "GW401" in left

    bad = tmp_path / "bad.yaml"
    bad.write_text("名称: 错\n允许:\n  GW999: 随便\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(draft), "--profile", str(bad)])
    assert result.exit_code == 2 and "bad.yaml" in result.output and "GW999" in result.output
    assert "Traceback" not in result.output


def test_an_end_block_without_its_rules_is_found(tmp_path: Path) -> None:
    from gongwen.checker.fix import fix_docx

    doc = DocxDocument()
    doc.add_paragraph("正文。" * 30)
    doc.add_page_break()
    doc.add_paragraph("抄送：县委组织部。")
    doc.add_paragraph("县教育局办公室2024年9月2日印发")
    buffer = __import__("io").BytesIO()
    doc.save(buffer)
    fixed = fix_docx(buffer.getvalue()).docx  # A4 and page numbers: only the rules are wrong
    findings = check_pdf_bytes(pdf_of(fixed, "bare"), "bare.pdf")
    rules = [f for f in findings if f.rule.id == "GW303"]
    assert len(rules) == 1 and rules[0].page == 2
    assert "no thick rule above it" in rules[0].measured
    assert "GW301" not in rule_ids(findings)


def zip_bomb(path: Path, mebibytes: int) -> Path:
    """A .docx whose document.xml inflates to ``mebibytes`` MiB of spaces (~1 KB a MiB)."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(mebibytes):
                part.write(b" " * 2**20)
    return path


def test_hostile_files_are_one_line_each(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    bomb = zip_bomb(tmp_path / "bomb.docx", 600)
    long = tmp_path / "long.pdf"
    writer = PdfWriter()
    for _ in range(400):
        writer.add_blank_page(595, 842)
    writer.write(long)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["check", str(bomb), str(long), str(empty)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"error: {bomb}:" in result.output and "zip bomb" in result.output
    assert f"error: {long}: 400 pages is over the 300-page limit" in result.output
    assert f"error: {empty}:" in result.output


def _a4_draft(paragraphs: list[tuple[str, str]]) -> bytes:
    """A DOCX on A4 with the standard's margins: (text, "body" | "right" | "break")."""
    doc = DocxDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    for text, kind in paragraphs:
        if kind == "break":
            doc.add_page_break()
            continue
        paragraph = doc.add_paragraph(text)
        paragraph.runs[0].font.size = Pt(16)
        if kind == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            paragraph.paragraph_format.first_line_indent = Pt(32)
    buffer = __import__("io").BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_a_signature_alone_on_its_page_is_found() -> None:
    draft = _a4_draft([("全体党员认真学习，按时完成各项任务。" * 3, "body"), ("", "break"),
                       ("中共测试县第二小学支部委员会", "right"), ("2025年3月5日", "right")])
    findings = check_pdf_bytes(pdf_of(draft, "alone"), "alone.pdf")
    alone = [f for f in findings if f.rule.id == "GW302"]
    assert [(f.page, f.excerpt) for f in alone] == [(2, "2025年3月5日")]


def test_a_left_out_heading_level_is_a_warning() -> None:
    draft = _a4_draft([("一、总体要求", "body"), ("（1）学习安排", "body"),
                       ("全体党员按时参加学习。" * 3, "body")])
    found = [f for f in check_pdf_bytes(pdf_of(draft, "levels"), "levels.pdf")
             if f.rule.id == "GW407"]
    assert [(f.page, f.excerpt) for f in found] == [(1, "（1）学习安排")]
    assert found[0].rule.severity == "warning"


# --- what a new user's drafts showed ----------------------------------------------------

def _docx_bytes(build) -> bytes:
    doc = DocxDocument()
    build(doc)
    buffer = __import__("io").BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_fix_refuses_a_zip_bomb_in_one_line(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "bomb.docx", 300)
    result = CliRunner().invoke(main, ["check", str(bomb), "--fix", "-o", str(tmp_path / "f.docx")])
    assert result.exit_code == 2 and "zip bomb" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "f.docx").exists()


def test_fix_keeps_words_automatic_numbering_and_run_on_headings_as_body() -> None:
    from gongwen.checker.fix import fix_docx

    def build(doc) -> None:
        doc.add_paragraph("关于学习的意见").alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.add_paragraph("（一）加强领导。各支部要把学习摆上议程，书记亲自抓，"
                          "党员人人参与。")
        for text in ("按时参加学习。", "认真撰写心得。"):
            doc.add_paragraph(text, style="List Number")

    result = fix_docx(_docx_bytes(build))
    fixed = DocxDocument(__import__("io").BytesIO(result.docx))
    styles = [p.style.name for p in fixed.paragraphs]
    assert styles == ["公文标题", "公文正文", "List Number", "List Number"]
    assert sum("Word's automatic numbering" in line for line in result.fixes) == 2


def test_body_in_dengxian_a_skipped_1_and_a_padded_serial_are_found() -> None:
    def build(doc) -> None:
        normal = doc.styles["Normal"]
        normal.font.size = Pt(16)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "等线")
        doc.add_paragraph("都教党组[2024]03号")
        for text in ("1、集中学习。", "2、专题研讨。", "4、总结交流。"):
            doc.add_paragraph(text).paragraph_format.first_line_indent = Pt(32)
        doc.add_paragraph("全体党员认真学习，按时完成各项任务。" * 4).paragraph_format \
            .first_line_indent = Pt(32)

    findings = check_pdf_bytes(pdf_of(_docx_bytes(build), "dengxian"), "dengxian.pdf")
    by_rule = {f.rule.id: f for f in findings}
    assert "等线" in by_rule["GW106"].measured
    assert by_rule["GW405"].excerpt.startswith("4、总结交流")
    assert by_rule["GW402"].excerpt == "都教党组[2024]03号"


def test_page_findings_that_repeat_are_one_and_the_annotated_pdf_is_sound(tmp_path: Path) -> None:
    import subprocess

    def build(doc) -> None:  # Letter paper, three pages, no page numbers
        for _ in range(3):
            doc.add_paragraph("全体党员认真学习。" * 20)
            doc.add_page_break()

    path = tmp_path / "letter.docx"
    path.write_bytes(_docx_bytes(build))
    report = check(path)
    sizes = [f for f in report.findings if f.rule.id == "GW101"]
    assert len(sizes) == 1 and sizes[0].measured.endswith("(pages 1, 2, 3)")
    marked = tmp_path / "marked.pdf"
    from gongwen.checker.annotate import annotate

    annotate(report, marked)
    fonts = subprocess.run(["pdffonts", str(marked)], capture_output=True, text=True)
    assert fonts.returncode == 0 and fonts.stderr == ""


def test_a_header_with_a_black_mark_and_no_red_rule_is_found() -> None:
    from docx.shared import RGBColor

    def build(doc) -> None:
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        mark = doc.add_paragraph("中共测试县委员会文件")
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        mark.runs[0].font.size = Pt(36)
        mark.runs[0].font.color.rgb = RGBColor(0, 0, 0)
        number = doc.add_paragraph("测县委〔2025〕7号")
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        number.runs[0].font.size = Pt(16)

    findings = check_pdf_bytes(pdf_of(_docx_bytes(build), "header"), "header.pdf")
    by_rule = {f.rule.id: f for f in findings}
    assert "not red" in by_rule["GW108"].measured and "its top at" in by_rule["GW108"].measured
    assert by_rule["GW109"].measured == "no red rule under the 发文字号"
    assert by_rule["GW108"].rule.source == "GB/T 9704-2012 7.2.4"


def test_a_font_set_for_latin_text_only_is_found_in_the_xml(tmp_path: Path) -> None:
    def build(doc) -> None:
        paragraph = doc.add_paragraph("全体党员认真学习。")
        fonts = paragraph.runs[0]._r.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:ascii"), "仿宋_GB2312")
        fonts.set(qn("w:hAnsi"), "仿宋_GB2312")
        fonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")

    path = tmp_path / "theme.docx"
    path.write_bytes(_docx_bytes(build))
    found = [f for f in check(path).findings if f.rule.id == "GW409"]
    assert len(found) == 1 and found[0].excerpt == "paragraph 1: 全体党员认真学习。"
    assert "theme's East Asian font (minorEastAsia)" in found[0].measured


@pytest.mark.parametrize("name", ["plan", "briefing-2"])
def test_gongwens_own_docx_passes_with_its_xml_read(tmp_path: Path, name: str) -> None:
    (document,) = render_all(SAMPLE / f"{name}.yaml")
    document.to_pdf()  # moves the 版记 where it belongs
    path = Path(document.save(tmp_path))
    assert [f.describe() for f in check(path).findings] == []


def test_a_font_the_pdf_does_not_embed_is_found(tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(595.28, 841.89)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 16 Tf 100 600 Td (Not embedded at all) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({
        NameObject("/F1"): writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica")}))})})
    buffer = __import__("io").BytesIO()
    writer.write(buffer)
    found = [f for f in check_pdf_bytes(buffer.getvalue(), "bare.pdf") if f.rule.id == "GW501"]
    assert len(found) == 1 and "Helvetica not embedded (16 characters)" in found[0].measured
    assert found[0].page == 1 and found[0].excerpt.startswith("Notembedded")


def test_the_attachment_note_and_the_attachment_pages_must_agree(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["render", str(SAMPLE / "notice.yaml"), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (path,) = tmp_path.glob("*.docx")
    doc = DocxDocument(str(path))
    note = next(p for p in doc.paragraphs if p.text.startswith("附件："))
    assert note.text == "附件：动员大会议程"
    run = next(r for r in note.runs if "动员大会议程" in r.text)
    run.text = run.text.replace("动员大会议程", "大会议程安排")
    buffer = __import__("io").BytesIO()
    doc.save(buffer)
    findings = check_pdf_bytes(pdf_of(buffer.getvalue(), "notice"), "notice.pdf")
    (found,) = [f for f in findings if f.rule.id == "GW305"]
    assert found.excerpt == "附件" and found.page == 3
    assert found.measured == "titled 「动员大会议程」"
    assert "「大会议程安排」" in found.expected


MIXED = {"类型": "公文", "发文机关": "中共测试支部", "成文日期": "2025-03-05", "正文": "正文。",
         "标题": "关于召开大会的通知", "附件": [
             {"名称": "会议议程", "正文": "下午三时开会。"}, "参会人员名单（另发）",
             {"名称": "回执", "正文": "请于9月5日前报送。"}]}


def test_attachments_some_sent_apart_agree_by_their_numbers() -> None:
    """附件1 and 附件3 have pages, the 2nd name travels apart: no finding; a page
    labelled by another place than its name's is one."""
    document = render_all(MIXED)[0]
    findings = check_pdf_bytes(pdf_of(document.docx, "mixed"), "mixed.pdf")
    assert [f.describe() for f in findings if f.rule.id == "GW305"] == []
    doc = DocxDocument(__import__("io").BytesIO(document.docx))
    label = next(p for p in doc.paragraphs if p.text == "附件3")
    label.runs[0].text = label.runs[0].text.replace("3", "2")
    buffer = __import__("io").BytesIO()
    doc.save(buffer)
    findings = check_pdf_bytes(pdf_of(buffer.getvalue(), "mixed"), "mixed.pdf")
    (found,) = [f for f in findings if f.rule.id == "GW305"]
    assert found.excerpt == "附件2" and found.measured == "titled 「回执」"
    assert "「参会人员名单（另发）」" in found.expected


def _numbered_attachment(attachment_body: str) -> dict:
    return {"类型": "公文", "发文机关": "中共测试支部", "成文日期": "2025-03-05",
            "标题": "关于召开大会的通知",
            "正文": "现将有关事项通知如下。\n# 会议时间\n下午三时。\n# 会议地点\n三楼会议室。",
            "附件": [{"名称": "会议议程", "正文": attachment_body}]}


def test_an_attachment_numbers_its_headings_on_its_own() -> None:
    """An 附件 is a text of its own (7.3.7): its 一、 after the body's 二、 is its first
    heading, not a repeat; a skip inside it is still one."""
    document = render_all(_numbered_attachment("# 传达上级精神\n学习。\n# 讨论计划\n讨论。"))[0]
    findings = check_pdf_bytes(pdf_of(document.docx, "own"), "own.pdf")
    pages = __import__("pypdf").PdfReader(__import__("io").BytesIO(document.to_pdf())).pages
    assert "一、传达上级精神" in pages[-1].extract_text().replace(" ", "")
    assert [f.describe() for f in findings if f.rule.id == "GW405"] == []

    doc = DocxDocument(__import__("io").BytesIO(document.docx))
    second = [p for p in doc.paragraphs if "讨论计划" in p.text][-1]
    for run in second.runs:
        run.text = run.text.replace("二", "三")
    buffer = __import__("io").BytesIO()
    doc.save(buffer)
    findings = check_pdf_bytes(pdf_of(buffer.getvalue(), "skip"), "skip.pdf")
    (found,) = [f for f in findings if f.rule.id == "GW405"]
    assert found.excerpt.startswith("三、讨论计划") and found.expected == "number 2"


def test_a_folder_checks_each_document_once_and_skips_a_bundle(tmp_path: Path, plan_file) -> None:
    from gongwen import BundleEntry, build_bundle

    (document,) = render_all(plan_file)
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(document.to_pdf())
    (tmp_path / "plan.docx").write_bytes(document.docx)
    build_bundle([BundleEntry(pdf, "实施方案")], tmp_path / "汇编.pdf", title="材料汇编")
    report = check(tmp_path)
    assert report.checked == [str(tmp_path / "plan.docx")]
    assert [name for name, _ in report.skipped] == [str(tmp_path / "汇编.pdf")]
    assert report.findings == [] and report.exit_code() == 0
