"""``gongwen format``: drafts laid out as 公文 that pass ``gongwen check``, every sentence
kept, the noise removed and listed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as DocxDocument
from docx.shared import Pt
from ruamel.yaml import YAML

from gongwen.checker import check
from gongwen.cli import main
from gongwen.drafts import format_draft
from gongwen.drafts.parse import HEADINGS, normalise

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_4dd800518c3c480b.txt"
TODAY = dt.date(2025, 9, 2)

PASTED_NOTICE = """\
首页 > 通知公告
中共都江市教育局委员会
关于召开创先争优活动动员大会的
通知
都教党〔2025〕０７号
各学校党支部：
　　为推动创先争优活动深入开展，经研究，决定召开动员大会。现将有关事项通知如下。
一.会议时间
　　2025年09月10日上午9时。
— 1 —
首页 > 通知公告
二.参会人员
(一)各支部书记
　　请准时参加。
(二)党员代表
　　每支部推荐2名。
三.有关要求
1、请各支部于9月8日前报送名单。
2、会议期间请将手机调至静音。
(1)不得迟到早退。
(2)会后组织传达学习。
第 2 页 共 3 页
首页 > 通知公告
附件：1.参会回执
2.会场座位图
中共都江市教育局委员会
二〇二五年九月二日
（此件公开发布）
抄送：都江市委组织部，都江市直机关工委。
都江市教育局办公室 2025年9月2日印发
扫一扫在手机打开当前页
"""


def _words(text: str) -> str:
    """Only the characters that carry words: Han, letters and digits."""
    return "".join(re.findall(r"[\u3400-\u9fff\U00020000-\U0002ffffA-Za-z0-9]", text))


def lost_words(source_lines: list[str], removed: set[int], written: str) -> list[str]:
    """Input lines (not removed as noise) whose words do not appear in ``written``, after
    the normalisations ``format`` lists (digits, 〔〕, dates) and without heading numbers
    (gongwen numbers headings itself); punctuation that becomes structure (「抄送：」,
    a 主送's colon, a 附注's brackets) is not counted."""
    from gongwen.drafts.parse import Draft

    dates = re.sub(r"(\d{4})-(\d{2})-(\d{2})",
                   lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", written)
    flat = _words(dates)
    lost = []
    for number, line in enumerate(source_lines, 1):
        text = line.replace("\u3000", " ").strip()
        if number in removed or not text:
            continue
        text = normalise(text, number, Draft())
        for _, pattern in HEADINGS:
            found = pattern.match(text)
            if found:
                text = [g for g in found.groups() if g is not None][1]
                break
        text = re.sub(r"^附件[:：]\s*", "", text)
        text = re.sub(r"^\d+[.．、]", "", text)
        words = _words(text)
        if words and words not in flat and not all(part in flat for part in
                                                   re.split(r"[，,、。\s]+", text) if part):
            lost.append(f"{number}: {line}")
    return lost


def written_text(result) -> str:
    return result.data_file.read_text(encoding="utf-8") + result.body_file.read_text(
        encoding="utf-8")


def test_seed_noise_removed_every_sentence_kept_and_the_gap_reported(tmp_path: Path) -> None:
    result = format_draft(SEED, tmp_path, today=TODAY)
    assert {line.number: why for line, why in result.removed} == {
        1: "a truncated copy of the next paragraph (a page's summary)",
        17: "a page-number line", 18: "a page-number line",
        32: "a page-number line", 33: "a page-number line",
        34: "a web page's prompt",
    }
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert lost_words(lines, {line.number for line, _ in result.removed},
                      written_text(result)) == []
    body = result.body_file.read_text(encoding="utf-8")
    assert "都教党组〔2024〕11号" in body and "[2024]" not in body
    assert (2, "发文字号 → 按照都教党组〔2024〕11号") in result.draft.changes
    gaps = [(n, note) for n, note in result.draft.unsure if "heading number skips" in note]
    assert [n for n, _ in gaps] == [24]  # （一） then （四）
    assert any("no title" in note for _, note in result.draft.unsure)


def test_seed_result_passes_check(tmp_path: Path) -> None:
    result = format_draft(SEED, tmp_path, today=TODAY)
    (docx,) = result.documents
    report = check(docx)
    assert [f.describe() for f in report.findings] == []


def test_pasted_notice(tmp_path: Path) -> None:
    draft = tmp_path / "通知.txt"
    draft.write_bytes(PASTED_NOTICE.encode("gb18030"))  # pasted on a GBK system
    result = format_draft(draft, tmp_path / "out", today=TODAY, pdf=True)
    removed = {line.text.strip(): why for line, why in result.removed}
    assert removed["— 1 —"] == "a page-number line"
    assert removed["第 2 页 共 3 页"] == "a page-number line"
    assert removed["首页 > 通知公告"].startswith("a running header repeated 3 times")
    assert removed["扫一扫在手机打开当前页"] == "a web page's prompt"
    data = YAML(typ="safe").load(result.data_file.read_text(encoding="utf-8"))
    assert data["标题"] == "关于召开创先争优活动动员大会的通知"  # two lines joined
    assert data["发文字号"] == "都教党〔2025〕7号"
    assert data["版头"] == {"发文机关标志": "中共都江市教育局委员会"}  # the line above the title
    assert data["主送机关"] == "各学校党支部"
    assert data["附件"] == ["参会回执", "会场座位图"]
    assert data["署名"] == "中共都江市教育局委员会"
    assert data["成文日期"] == dt.date(2025, 9, 2)  # from 二〇二五年九月二日
    assert data["附注"] == "此件公开发布"
    assert data["抄送"] == ["都江市委组织部", "都江市直机关工委"]
    assert data["印发机关"] == "都江市教育局办公室"
    body = result.body_file.read_text(encoding="utf-8")
    assert "# 会议时间" in body and "## 各支部书记" in body and "### 请各支部于9月8日前" in body
    assert "#### 不得迟到早退。" in body and "2025年9月10日上午9时。" in body
    assert result.draft.unsure == []
    lines = PASTED_NOTICE.splitlines()
    assert lost_words(lines, {line.number for line, _ in result.removed},
                      written_text(result)) == []
    pdf = next(p for p in result.documents if p.suffix == ".pdf")
    report = check(pdf)
    assert [f.describe() for f in report.findings] == []


def test_a_docx_made_alone_has_its_end_block_on_an_even_page(tmp_path: Path) -> None:
    """A one-page notice with a 版记 (抄送, 印发): a DOCX written without its PDF is laid
    out all the same, so `gongwen check` passes it (GW301 found the 版记 on page 1)."""
    draft = tmp_path / "通知.txt"
    draft.write_text("中共都江市教育局委员会\n关于召开创先争优活动动员大会的通知\n"
                     "都教党〔2025〕7号\n各学校党支部：\n"
                     "　　为推动创先争优活动深入开展，经研究，决定召开动员大会。\n"
                     "中共都江市教育局委员会\n2025年9月2日\n抄送：都江市委组织部。\n"
                     "都江市教育局办公室 2025年9月2日印发\n", encoding="utf-8")
    result = format_draft(draft, tmp_path / "out", today=TODAY)
    (docx,) = [p for p in result.documents if p.suffix == ".docx"]
    assert not list((tmp_path / "out").glob("*.pdf")) and result.warnings == []
    assert [f.describe() for f in check(docx).findings] == []


def test_word_draft_with_word_defaults(tmp_path: Path) -> None:
    doc = DocxDocument()
    doc.styles["Normal"].font.size = Pt(12)
    doc.add_paragraph("关于2025年党费收缴情况的报告")
    doc.add_paragraph("县委组织部：")
    doc.add_paragraph("现将我支部2025年党费收缴情况报告如下。")
    doc.add_heading("总体情况", level=1)
    doc.add_paragraph("全年应收党费与实收党费一致。")
    table = doc.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, (("月份", "金额（元）"), ("1月", "1,200")), strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    run = doc.add_paragraph().add_run("1、收缴及时。")
    run.bold = True
    doc.add_paragraph("各月均按时收缴。")
    doc.add_paragraph("中共都江市实验中学支部委员会")
    doc.add_paragraph("2025年09月02日")
    path = tmp_path / "报告（初稿）.docx"
    doc.save(str(path))
    result = format_draft(path, tmp_path / "out", today=TODAY)
    data = YAML(typ="safe").load(result.data_file.read_text(encoding="utf-8"))
    assert data["标题"] == "关于2025年党费收缴情况的报告"
    assert data["成文日期"] == dt.date(2025, 9, 2)
    body = result.body_file.read_text(encoding="utf-8")
    assert "# 总体情况" in body  # from Word's Heading 1 style
    assert "| 月份 | 金额（元） |" in body and "| 1月 | 1,200 |" in body
    assert "### 收缴及时。" in body  # 「1、」 is a level-3 number, written 1.
    (docx,) = result.documents
    assert [f.describe() for f in check(docx).findings] == []


def test_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    draft = tmp_path / "通知.txt"
    draft.write_text(PASTED_NOTICE, encoding="utf-8")
    ok = runner.invoke(main, ["format", str(draft), "-o", str(tmp_path / "out")])
    assert ok.exit_code == 0, ok.output
    assert f"removed: {draft}:10: a page-number line: '— 1 —'" in ok.output
    assert "changed:" in ok.output and "wrote" in ok.output
    missing = runner.invoke(main, ["format", str(tmp_path / "none.txt")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    binary = tmp_path / "bin.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    bad = runner.invoke(main, ["format", str(binary), "-o", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "UTF-8 nor GBK" in bad.output
    assert "Traceback" not in bad.output and not (tmp_path / "x").exists()


@pytest.mark.parametrize("text", ["", "\n\n", "1 2 3\n— 2 —\n"])
def test_an_empty_draft_is_refused(tmp_path: Path, text: str) -> None:
    draft = tmp_path / "d.txt"
    draft.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["format", str(draft), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and f"error: {draft}" in result.output
    assert not (tmp_path / "out").exists()


def test_a_one_sentence_draft_makes_a_document_and_says_what_is_missing(tmp_path: Path) -> None:
    draft = tmp_path / "d.txt"
    draft.write_text("只有一句话。", encoding="utf-8")
    result = format_draft(draft, tmp_path / "out", today=TODAY, docx=False)
    assert "只有一句话。" in result.body_file.read_text(encoding="utf-8")
    assert any("no title" in note for _, note in result.draft.unsure)


def test_web_page_furniture_goes_and_sentences_with_its_words_stay(tmp_path: Path) -> None:
    text = """关于开展学习活动的通知
来源：都江市教育局 发布时间：2025-09-02 浏览次数：1024
各党小组：
　　请各党小组把学习心得分享到支部微信群，互相交流。
　　本文档由支部整理，更多文档请向组织委员索取。
上一篇：关于开展主题党日的通知
Copyright © 2025 All Rights Reserved
主办单位：都江市教育局 技术支持：某公司
1、2月份完成发展对象培训，3、4月份完成考察。
中共都江市实验中学支部委员会
2025年9月2日
"""
    draft = tmp_path / "通知.txt"
    draft.write_text(text, encoding="utf-8")
    result = format_draft(draft, tmp_path / "out", today=TODAY, docx=False)
    removed = {line.number for line, _ in result.removed}
    assert removed == {2, 6, 7, 8}
    data = YAML(typ="safe").load(result.data_file.read_text(encoding="utf-8"))
    assert data["主送机关"] == "各党小组"
    body = result.body_file.read_text(encoding="utf-8")
    assert "分享到支部微信群" in body and "本文档由支部整理" in body
    assert "1、2月份完成发展对象培训" in body and "#" not in body  # not a heading


def test_a_heading_that_runs_on_is_split_from_its_body(tmp_path: Path) -> None:
    draft = tmp_path / "d.txt"
    draft.write_text("关于加强学习的意见\n各支部：\n（一）加强领导。各支部要把学习摆上议程，"
                     "书记亲自抓。\n中共测试县委员会\n2025年9月2日\n", encoding="utf-8")
    result = format_draft(draft, tmp_path / "out", today=TODAY, docx=False)
    body = result.body_file.read_text(encoding="utf-8")
    assert "## 加强领导。\n\n各支部要把学习摆上议程，书记亲自抓。" in body


@pytest.mark.parametrize("name, data, words", [
    ("blank.pdf", b"%PDF-1.4\n%%EOF\n", "reads .txt, .md or .docx"),
    ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old Word .doc"),
])
def test_files_format_cannot_read_are_one_line(tmp_path: Path, name: str, data: bytes,
                                               words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["format", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_the_lost_words_measure_finds_a_dropped_sentence() -> None:
    assert lost_words(["一、总体要求", "全体党员参加。"], set(), "# 总体要求\n") == [
        "2: 全体党员参加。"]
