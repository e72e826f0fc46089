"""GW502: ``gongwen check`` on a DOCX says when the PDF LibreOffice made of it does not
print all of its Chinese text — LibreOffice 25.2 dropped every table row after a header
row that ended a page, and a reader of the PDF cannot see what is not there."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from docx.shared import Pt
from pdfgeom import lines_of, open_pdf
from test_check import _a4_draft, pdf_of

import gongwen
from gongwen.checker import check
from gongwen.checker.lost_text import lost_text_findings

BODY = ("全体党员认真学习，按时完成各项任务。" * 3, "body")
LAST = ("请各党小组于九月底前报送活动总结。", "body")


def lost(findings) -> list[str]:
    return [f.excerpt for f in findings if f.rule.id == "GW502"]


def test_a_pdf_that_lacks_a_paragraph_is_found() -> None:
    whole = _a4_draft([BODY, LAST])
    short = pdf_of(_a4_draft([BODY]), "short")
    (finding,) = lost_text_findings(whole, short, "whole.docx")
    assert finding.excerpt == LAST[0][:20]
    han = re.compile(r"[\u4e00-\u9fff]")
    gone, held = len(han.findall(LAST[0])), len(han.findall(BODY[0] + LAST[0]))
    assert finding.measured == f"{gone} of the DOCX's {held} Chinese characters not in the PDF"
    assert lost_text_findings(whole, pdf_of(whole, "whole"), "whole.docx") == []


def test_hidden_text_is_not_missed() -> None:
    doc = DocxDocument()
    paragraph = doc.add_paragraph("全体党员认真学习。")
    hidden = paragraph.add_run("此句隐藏不印。")
    hidden.font.hidden = True
    for run in paragraph.runs:
        run.font.size = Pt(16)
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    assert lost_text_findings(data, pdf_of(data, "hidden"), "hidden.docx") == []


def _without_header_keep(docx: Path) -> None:
    """The table's header row as gongwen wrote it before it kept with the first row."""
    with zipfile.ZipFile(docx) as archive:
        parts = {item: archive.read(item) for item in archive.namelist()}
    xml = parts["word/document.xml"].decode()
    head, tr, rest = xml.partition("<w:tblHeader/>")
    row_end = rest.index("</w:tr>")
    rest = rest[:row_end].replace("<w:keepNext/>", "") + rest[row_end:]
    parts["word/document.xml"] = (head + tr + rest).encode()
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("count", range(15, 20))
def test_the_check_agrees_with_the_rows_the_pdf_prints(tmp_path: Path, count: int) -> None:
    """A table whose header row falls around the foot of page 1 (at 17 LibreOffice 25.2
    dropped its rows): whatever LibreOffice prints, the check says so exactly when rows
    are missing."""
    rows = "".join(f"| 成员 | 党员{i} | 负责学习 |\n" for i in range(8))
    data = {"kind": "plan", "organ": "中共测试支部", "title": "关于成立创先争优活动领导小组的通知",
            "addressee": "各党小组", "date": "2025-01-02",
            "body": "\n\n".join(["为弘扬志愿精神，制定本方案。"] * count)
            + f"\n\n经支部会议研究，成立领导小组。\n\n| 职务 | 姓名 | 分工 |\n|---|---|---|\n{rows}"
            + "\n请各党小组认真落实。\n"}
    docx = gongwen.render(data).save(tmp_path / "table.docx")
    _without_header_keep(docx)
    report = check(docx)
    pdf = tmp_path / "table.pdf"
    pdf.write_bytes(report.pdfs[str(docx)])
    with open_pdf(pdf) as document:
        printed = [line.text for page in document.pages for line in lines_of(page)
                   if line.text.startswith("成员党员")]
    assert lost(report.findings) == ([] if len(printed) == 8 else ["成员"]), printed
