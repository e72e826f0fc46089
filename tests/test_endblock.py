"""The 版记 ends up on an even page: moved after a first conversion when the body ends
on an odd page, in the library, the CLI and a batch run (GB/T 9704: the 版记 is at the
bottom of the last even page)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as open_docx
from pdfgeom import black_rules, open_pdf
from pypdf import PdfReader

import gongwen
from gongwen.batch.phase import run_phase
from gongwen.cli import main
from gongwen.layout import standard
from gongwen.layout.endblock import PAGE_BREAK, end_block_on_next_page, has_end_block

SHORT = {"kind": "plan", "organ": "中共青川县第三中学支部委员会", "date": "2025-11-30",
         "title": "关于开展冬季志愿服务的实施方案",
         "body": "为弘扬志愿精神，制定本方案。\n# 活动安排\n每周六上午开展志愿服务。\n",
         "cc": ["青川县教育局党组"], "printer": "青川县第三中学党支部办公室",
         "print_date": "2025-11-30"}


def page_texts(pdf: Path | bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
    return ["".join((page.extract_text() or "").split()) for page in reader.pages]


def breaks_before(docx: bytes) -> int:
    return sum(1 for p in open_docx(io.BytesIO(docx)).paragraphs
               if p.paragraph_format.page_break_before)


def test_the_move_is_a_page_break_before_the_end_block_once():
    with_block = gongwen.render(SHORT).docx
    without = gongwen.render({k: v for k, v in SHORT.items()
                              if k not in ("cc", "printer", "print_date")}).docx
    assert has_end_block(with_block) and not has_end_block(without)
    assert end_block_on_next_page(without) is None
    moved = end_block_on_next_page(with_block)
    assert moved is not None and breaks_before(moved) == breaks_before(with_block) + 1
    with zipfile.ZipFile(io.BytesIO(moved)) as archive:
        xml = archive.read("word/document.xml")
    assert xml.index(PAGE_BREAK) + len(PAGE_BREAK) == xml.rindex(b"<w:tbl><w:tblPr><w:tblpPr")
    assert end_block_on_next_page(moved) is None  # it is not moved twice


def test_to_pdf_moves_the_end_block_of_a_one_page_body():
    document = gongwen.render(SHORT)
    first, second = page_texts(document.to_pdf())
    assert "每周六上午开展志愿服务" in first and "抄送" not in first
    assert "抄送：青川县教育局党组。" in second and "—2—" in second
    assert breaks_before(document.docx) == 1  # the DOCX says the same as the PDF


def test_an_even_body_keeps_its_end_block_where_it_is(tmp_path):
    from conftest import SAMPLE

    document = gongwen.render(SAMPLE / "plan.yaml")
    before = document.docx
    texts = page_texts(document.to_pdf())
    assert len(texts) % 2 == 0 and "抄送" in texts[-1]
    assert document.docx == before


def test_the_cli_writes_the_moved_docx_with_its_pdf(tmp_path):
    data = tmp_path / "plan.json"
    data.write_text(json.dumps(SHORT, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(data), "--format", "both",
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    docx = tmp_path / "out" / "关于开展冬季志愿服务的实施方案.docx"
    pdf = docx.with_suffix(".pdf")
    assert len(page_texts(pdf)) == 2 and "抄送" in page_texts(pdf)[1]
    assert breaks_before(docx.read_bytes()) == 1


def test_a_docx_rendered_alone_has_its_end_block_moved_too(tmp_path):
    """``gongwen render`` without a PDF: the DOCX is laid out all the same, so the one it
    writes has the 版记 on page 2, as its PDF would (and `gongwen check` passes it)."""
    data = tmp_path / "plan.json"
    data.write_text(json.dumps(SHORT, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(data), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    docx = tmp_path / "out" / "关于开展冬季志愿服务的实施方案.docx"
    assert not docx.with_suffix(".pdf").exists()
    assert breaks_before(docx.read_bytes()) == 1
    report = gongwen.check(docx)
    assert not [f for f in report.findings if f.rule == "GW301"], report.findings


def test_a_docx_without_end_block_is_not_laid_out(monkeypatch):
    document = gongwen.render({k: v for k, v in SHORT.items()
                               if k not in ("cc", "printer", "print_date")})
    monkeypatch.setattr(type(document), "to_pdf", lambda self: pytest.fail("converted"))
    assert document.place_end_block() is None


def test_a_long_docx_alone_is_not_laid_out_and_says_so(monkeypatch):
    from gongwen.kinds import document as module

    document = gongwen.render(SHORT)
    monkeypatch.setattr(module, "LAYOUT_ALONE_MAX_BYTES", 1000)
    monkeypatch.setattr(type(document), "to_pdf", lambda self: pytest.fail("converted"))
    warning = document.place_end_block()
    assert warning is not None and "版记 may end on an odd page" in warning
    assert "--format both" in warning and document.filename in warning


ACTIVITY = """\
活动名称: 冬季志愿服务
党组织: 中共青川县第三中学支部委员会
书记: 王五
文号: {机关代字: 青三中党支, 年份: 2025}
阶段:
  - 名称: 动员部署
    开始: 2025-11-01
    结束: 2025-12-31
    文件: [plan.yaml]
"""
PLAN = """\
kind: plan
发文字号: 3
title: 关于开展冬季志愿服务的实施方案
body: |
  为弘扬志愿精神，制定本方案。
  # 活动安排
  每周六上午开展志愿服务。
date: 2025-11-30
抄送: [青川县教育局党组]
印发机关: 青川县第三中学党支部办公室
印发日期: 2025-11-30
"""


def test_a_batch_run_moves_it_and_a_rerun_keeps_it(tmp_path):
    folder = tmp_path / "activity"
    folder.mkdir()
    (folder / "activity.yaml").write_text(textwrap.dedent(ACTIVITY), encoding="utf-8")
    (folder / "plan.yaml").write_text(textwrap.dedent(PLAN), encoding="utf-8")
    first = run_phase(folder, "动员部署", tmp_path / "out")
    assert first.exit_code == 0, first.failures
    (plan,) = first.documents
    assert plan.pages == 2 and "抄送" in page_texts(plan.pdf)[1]
    assert breaks_before(plan.docx.read_bytes()) == 1
    bundle = subprocess.run(["pdftotext", str(first.bundle), "-"], capture_output=True,
                            text=True, check=True).stdout
    assert "抄送" in bundle
    again = run_phase(folder, "动员部署", tmp_path / "out")
    assert not again.built and again.bundle_status == "unchanged"


def test_a_batch_run_without_the_uno_bridge_moves_it_too(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGWEN_UNO_PYTHON", "none")  # soffice --convert-to, no early PDFs
    test_a_batch_run_moves_it_and_a_rerun_keeps_it(tmp_path)


SENTENCE = "各党小组要结合实际认真组织学习，把学习教育同本职工作紧密结合起来。"


def test_an_end_block_spilled_onto_an_odd_page_goes_after_a_blank_page(tmp_path):
    """A body that fills an even page pushes the 版记 onto the odd page after it: the
    版记 then goes one page further, after a blank page, and neither page is numbered."""
    from gongwen.convert import Converter
    from gongwen.layout.endblock import end_block_after_blank_page

    lengths = range(38, 46)  # bodies around a full 4th page; one of them spills
    documents = {k: gongwen.render({**SHORT, "body": "\n\n".join([SENTENCE] * k) + "\n"})
                 for k in lengths}
    paths = [documents[k].save(tmp_path / f"k{k}.docx") for k in lengths]
    with Converter() as converter:
        pdfs = converter.convert(paths, tmp_path / "first")
    spilled = [k for k, pdf in zip(lengths, pdfs, strict=True)
               if len(texts := page_texts(pdf)) % 2
               and re.sub(r"—\d+—", "", texts[-1]).startswith("抄送")]
    assert spilled, "no body length spilled the 版记 alone onto an odd page"
    document = documents[spilled[0]]
    first = document.docx
    pdf = tmp_path / "moved.pdf"
    document.to_pdf(pdf)
    texts = page_texts(pdf)
    count = len(texts)
    with open_pdf(pdf) as measured:  # the 版记's last rule on the text block's bottom edge
        bottom = max(rule.y for rule in black_rules(measured.pages[-1]))
    assert bottom == pytest.approx(standard.MARGIN_TOP_MM + standard.TEXT_BLOCK_HEIGHT_MM,
                                   abs=standard.POSITION_TOLERANCE_MM)
    assert count % 2 == 0
    assert texts[-2] == ""  # the blank page, without a page number
    assert "抄送" in texts[-1] and "—" not in texts[-1]  # the 版记 page, unnumbered too
    assert f"—{count - 2}—" in texts[-3]  # the body's last page keeps its number
    assert document.docx == end_block_after_blank_page(first)
    assert len(open_docx(io.BytesIO(document.docx)).sections) == 2
