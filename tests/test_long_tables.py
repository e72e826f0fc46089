"""A document that is mostly one long table (a 汇总表 of many members) converted a
page-long table at a time: the PDF must be the one the whole table makes, page for
page, and a table whose rows grow taller past the probe must be converted whole."""

from __future__ import annotations

import copy
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from lxml import etree
from pypdf import PdfReader

from gongwen.convert import converter as converter_module
from gongwen.convert import long_tables
from gongwen.convert.converter import Converter
from gongwen.kinds import render_all

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏"
GIVEN = ("建华", "丽", "志强", "秀兰", "国庆", "海燕")
MEMBERS = 150
#: rows that make the cut worth trying in these tests (the probe takes the first 80)
TEST_MIN_ROWS = 100


def summary_docx(tmp_path: Path, taller: range = range(0)) -> Path:
    """A 汇总表 of :data:`MEMBERS` members; the rows of those at ``taller`` get a second
    line in their first cell."""
    names = [f"{SURNAMES[i % len(SURNAMES)]}{GIVEN[i // len(SURNAMES)]}" for i in range(MEMBERS)]
    roster = tmp_path / "roster.csv"
    roster.write_text("姓名,性别\n" + "".join(f"{n},女\n" for n in names), encoding="utf-8")
    tallies = tmp_path / "tallies.csv"
    tallies.write_text("姓名,互评优秀,互评合格,互评基本合格,互评不合格,群众优秀,群众合格,群众基本合格,群众不合格\n"
                       + "".join(f"{n},{i % 40},{MEMBERS - 1 - i % 40},0,0,{i % 90},{300 - i % 90},0,0\n"
                                 for i, n in enumerate(names)), encoding="utf-8")
    data = {"类型": "evaluation", "表式": "汇总表", "党支部": "中共都江市实验中学支部委员会",
            "评议日期": "2026-05-28", "花名册": str(roster), "计票": str(tallies),
            "参评人数": {"互评": MEMBERS - 1, "群众": 300}}
    (document,) = render_all(data)
    path = tmp_path / "汇总表.docx"
    path.write_bytes(document.docx)
    if taller:
        with zipfile.ZipFile(path) as archive:
            entries = {name: archive.read(name) for name in archive.namelist()}
        tree = etree.fromstring(entries["word/document.xml"])
        rows = [row for row in tree.iter(qn("w:tr")) if row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None]
        for i in taller:
            cell = rows[i].find(qn("w:tc"))
            cell.append(copy.deepcopy(cell.find(qn("w:p"))))
        entries["word/document.xml"] = etree.tostring(tree)
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in entries.items():
                archive.writestr(name, data)
    return path


def page_texts(pdf: Path) -> list[str]:
    count = len(PdfReader(str(pdf)).pages)
    return [subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for p in range(1, count + 1)]


def convert_both(docx: Path, out: Path, monkeypatch) -> tuple[Path, Path, list[Path | None]]:
    """The PDF of ``docx`` converted whole, then the one the long-table route makes, and
    what that route returned."""
    answers: list[Path | None] = []

    def spy(*args, **kwargs):
        answers.append(long_tables.convert_paged(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(converter_module, "convert_paged", spy)
    with Converter(workers=1) as conv:
        monkeypatch.setattr(long_tables, "MIN_ROWS", 10**6)
        (whole,) = conv.convert([docx], out / "whole")
        monkeypatch.setattr(long_tables, "MIN_ROWS", TEST_MIN_ROWS)
        (paged,) = conv.convert([docx], out / "paged")
    return whole, paged, answers


def test_long_table_pdf_is_the_whole_tables_page_for_page(tmp_path: Path, monkeypatch):
    docx = summary_docx(tmp_path)
    whole, paged, answers = convert_both(docx, tmp_path, monkeypatch)
    assert answers[0] is None and answers[-1] is not None  # the second took the cut route
    expected, got = page_texts(whole), page_texts(paged)
    assert len(expected) >= 6
    assert got == expected
    assert "汇总表" in got[0] and "说明" in got[-1]
    reader = PdfReader(str(paged))
    assert not reader.named_destinations  # the marks that checked the cut are gone
    assert reader.metadata.title == PdfReader(str(whole)).metadata.title
    # the user's DOCX keeps its one table
    with zipfile.ZipFile(docx) as archive:
        assert archive.read("word/document.xml").count(b"<w:tbl>") == 1


def test_rows_taller_past_the_probe_fall_back_to_the_whole_table(tmp_path: Path, monkeypatch):
    docx = summary_docx(tmp_path, taller=range(100, 106))
    whole, paged, answers = convert_both(docx, tmp_path, monkeypatch)
    assert answers == [None, None]  # tried, and the check refused the cut
    assert page_texts(paged) == page_texts(whole)


def test_parts_follow_the_probe_then_its_full_pages():
    assert long_tables._parts(100, [14, 18]) == [14, 18, 18, 18, 18, 14]
    assert long_tables._parts(30, [12, 16, 16]) == [12, 16, 2]
    assert long_tables._parts(10, [14, 18]) == [10]


@pytest.mark.parametrize("rows, merged, found", [(600, False, True), (300, False, False),
                                                 (600, True, False)])
def test_only_long_tables_whose_rows_can_be_cut_are_found(rows: int, merged: bool, found: bool):
    merge = '<w:tcPr><w:vMerge/></w:tcPr>' if merged else ""
    row = f"<w:tr><w:tc>{merge}<w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"
    header = ("<w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:p/></w:tc></w:tr>")
    xml = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body><w:tbl><w:tblPr/>{header}{row * rows}</w:tbl><w:p/></w:body></w:document>")
    table = long_tables.find_long_table(xml.encode())
    assert (table is not None) is found
    if table is not None:
        assert (len(table.header), len(table.body)) == (1, rows)


def test_an_unreadable_probe_means_no_cut(tmp_path: Path):
    broken = tmp_path / "probe.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot a PDF after all")
    assert long_tables._rows_per_page(broken, 80) is None
    assert not long_tables._parts_in_place(broken, 3)
