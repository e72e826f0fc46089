"""The fast rendering path makes the documents the slow one made.

Big forms (a 汇总表 and a 测评表 of 300 members) are read back and checked row by row;
the package cache, the zip writer and the table builder are compared with what
python-docx and zipfile write themselves.  Speed is measured by benchmarks, not here.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import jinja2
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2.sandbox import SecurityError
from lxml import etree

from gongwen.kinds import render_all
from gongwen.layout import formtables as ft
from gongwen.layout.ooxml import FIXED_ZIP_TIME, PackageTemplate, make_deterministic, zip_archive
from gongwen.templating.engine import SubDocument, _Template, environment
from gongwen.templating.registry import builtin_template

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏"
GIVEN = ["建华", "丽", "志强", "秀兰", "国庆", "海燕", "明", "晓东", "桂英", "伟"]
MEMBERS = 300
GRADES = ["优秀", "合格", "基本合格", "不合格"]


def member_names() -> list[str]:
    return [s + g for g in GIVEN for s in SURNAMES][:MEMBERS]


@pytest.fixture(scope="module")
def branch(tmp_path_factory) -> Path:
    """A roster of 300 and their tallies: peer votes of 300, public votes of 900."""
    folder = tmp_path_factory.mktemp("branch")
    names = member_names()
    roster = ["姓名,性别,职务"] + [f"{n},{'男' if i % 2 else '女'},教师"
                                    for i, n in enumerate(names)]
    (folder / "members.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    header = ",".join(["姓名", *(f"互评{g}" for g in GRADES), *(f"群众{g}" for g in GRADES)])
    rows = [header]
    for i, name in enumerate(names):
        peer, public = i % 100, (7 * i) % 300
        rows.append(f"{name},{peer},{MEMBERS - 1 - peer},0,0,{public},{3 * MEMBERS - public},0,0")
    (folder / "tallies.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def evaluation(branch: Path, form: str) -> dict:
    return {"类型": "evaluation", "表式": form, "党支部": "中共都江市实验中学支部委员会",
            "评议日期": "2026-05-28", "花名册": str(branch / "members.csv"),
            "计票": str(branch / "tallies.csv"),
            "参评人数": {"互评": MEMBERS, "群众": 3 * MEMBERS}}


def tc_props(tr) -> list[tuple[int, str | None]]:
    """(gridSpan, vMerge) of each cell of a row: the merges as written."""
    found = []
    for tc in tr.findall(qn("w:tc")):
        span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
        merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
        found.append((int(span.get(qn("w:val"))) if span is not None else 1,
                      None if merge is None else merge.get(qn("w:val"), "continue")))
    return found


def texts(tr) -> list[str]:
    return ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))]


def test_summary_of_300_members_row_by_row(branch: Path):
    (document,) = render_all(evaluation(branch, "汇总表"))
    (again,) = render_all(evaluation(branch, "汇总表"))
    assert again.docx == document.docx  # equal input, equal bytes
    table = open_docx(io.BytesIO(document.docx)).tables[0]
    grid = table._tbl.tblGrid.gridCol_lst
    rows = table._tbl.tr_lst
    assert len(grid) == 2 + 4 * 3 + 4 + 1  # 序号, 姓名, three groups of counts, %, 等次
    assert len(rows) == 2 + MEMBERS + 1
    # the two header rows: 序号/姓名/等次 merged down, each group over its four grades
    assert tc_props(rows[0]) == [(1, "restart"), (1, "restart"), *[(4, None)] * 4,
                                 (1, "restart")]
    assert tc_props(rows[1]) == [(1, "continue"), (1, "continue"), *[(1, None)] * 16,
                                 (1, "continue")]
    assert texts(rows[0])[:3] == ["序号", "姓名", "党员互评"]
    assert texts(rows[1])[2:6] == GRADES
    for tr in rows[:2]:
        assert tr.trPr.find(qn("w:tblHeader")) is not None
    for number, (tr, name) in enumerate(zip(rows[2:-1], member_names(), strict=True), 1):
        cells = texts(tr)
        assert len(cells) == len(grid)
        assert cells[:2] == [str(number), name]
        peer, public = (number - 1) % 100, (7 * (number - 1)) % 300
        assert [int(c) for c in cells[2:6]] == [peer, MEMBERS - 1 - peer, 0, 0]
        assert [int(c) for c in cells[6:10]] == [public, 3 * MEMBERS - public, 0, 0]
        assert sum(float(p) for p in cells[14:18]) == pytest.approx(100)
        assert tr.trPr.find(qn("w:tblHeader")) is None
        assert tr.trPr.find(qn("w:cantSplit")) is not None
    total = texts(rows[-1])
    assert tc_props(rows[-1])[0] == (2, None) and total[0] == "合计"
    assert int(total[1]) == sum(n % 100 for n in range(MEMBERS))


def test_ballot_of_300_members_row_by_row(branch: Path):
    (document,) = render_all(evaluation(branch, "测评表"))
    rows = open_docx(io.BytesIO(document.docx)).tables[0]._tbl.tr_lst
    assert len(rows) == 1 + MEMBERS
    assert texts(rows[0])[:2] == ["序号", "姓名"]
    assert [texts(tr)[:2] for tr in rows[1:]] == [[str(n), name] for n, name in
                                                 enumerate(member_names(), 1)]
    assert {len(tr.findall(qn("w:tc"))) for tr in rows} == {len(texts(rows[0]))}


def test_register_is_the_same_per_member_form(branch: Path):
    documents = render_all(evaluation(branch, "登记表"), members=["赵建华", "钱建华"])
    assert [d.title.rsplit("（", 1)[1] for d in documents] == ["赵建华）", "钱建华）"]
    first, second = (open_docx(io.BytesIO(d.docx)).tables[0]._tbl for d in documents)
    assert [len(tr.findall(qn("w:tc"))) for tr in first.tr_lst] == [
        len(tr.findall(qn("w:tc"))) for tr in second.tr_lst]
    assert texts(first.tr_lst[0])[:2] == ["姓名", "赵建华"]
    assert texts(second.tr_lst[0])[:2] == ["姓名", "钱建华"]


# --- the table builder --------------------------------------------------------------


@pytest.fixture
def sub() -> SubDocument:
    template = DocxTemplate(io.BytesIO(builtin_template("pledge")))
    return SubDocument(template)


def test_form_table_merges_and_writes(sub: SubDocument):
    table = ft.FormTable(sub, [20.0, 30.0, 40.0, 50.0], 3)
    merged = table.merge(0, 1, 3)
    assert table.cell(0, 2) is merged and table.cell(0, 3) is merged
    ft.write(merged, "甲")
    ft.write(merged, "乙", "GwFormText", align="right")
    down = table.merge_down(0, 1, 2)
    ft.write(down, "丙")
    table.repeat_header(0)
    table.min_height(1, 10)
    rows = table.tbl.findall(qn("w:tr"))
    assert [len(tr.findall(qn("w:tc"))) for tr in rows] == [2, 4, 4]
    assert tc_props(rows[0]) == [(1, None), (3, None)]
    assert [p[0] for p in tc_props(rows[1])] == [1, 1, 1, 1]
    assert tc_props(rows[1])[0] == (1, "restart") and tc_props(rows[2])[0] == (1, "continue")
    paragraphs = merged.findall(qn("w:p"))
    assert [p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) for p in paragraphs] \
        == ["GwFormCell", "GwFormText"]
    assert texts(rows[0]) == ["", "甲乙"]
    assert [child.tag for child in rows[0].find(qn("w:trPr"))] == [qn("w:tblHeader"),
                                                                  qn("w:cantSplit")]
    assert rows[1].find(f"{qn('w:trPr')}/{qn('w:trHeight')}").get(qn("w:hRule")) == "atLeast"
    with pytest.raises(IndexError):
        table.merge(0, 2, 3)  # column 2 is inside the merged cell


@pytest.mark.parametrize("texts", [["1", "张三", "", "a&b<c>\"'"], ["2", "李四"],
                                   ["3", " 空格 ", "基本\n合格", "制\t表"]])
def test_a_filled_row_is_the_row_written_cell_by_cell(sub: SubDocument, texts: list[str]):
    widths = [10.0, 20.0, 30.0, 40.0]
    filled, written = (ft.FormTable(sub, widths, 3) for _ in range(2))
    filled.keep_whole(1)  # a row property set before the row is filled stays
    filled.fill(1, texts, "GwFormDense")
    filled.fill(2, texts[:1])
    written.keep_whole(1)
    for column, text in enumerate(texts):
        ft.write(written.cell(1, column), text, "GwFormDense")
    ft.write(written.cell(2, 0), texts[0])
    assert etree.tostring(filled.tbl) == etree.tostring(written.tbl)
    assert filled.cell(1, 1).getparent() is filled.rows[1]


@pytest.mark.parametrize("text", ["一二三", " 前后有空格 ", "基本\n合格", "甲\t乙\r\n丙",
                                  "\u3000" * 4 + "\u2060"])
def test_runs_are_written_as_python_docx_writes_them(sub: SubDocument, text: str):
    ours = sub.add_paragraph()
    ft.add_run(ours._p, text, underline=True)
    theirs = sub.add_paragraph()
    run = theirs.add_run(text)
    run.underline = True
    assert etree.tostring(ours._p) == etree.tostring(theirs._p)
    assert isinstance(ours, Paragraph)


# --- packages, zips and environments -------------------------------------------------


def test_a_package_written_once_is_what_python_docx_writes():
    data = builtin_template("pledge")
    ours = PackageTemplate(data).open()
    theirs = open_docx(io.BytesIO(data))
    for document in (ours, theirs):
        document.add_paragraph("新的一段")
        document.core_properties.title = "标题"
    buffer = io.BytesIO()
    theirs.save(buffer)
    assert PackageTemplate(data).save(ours) == make_deterministic(buffer.getvalue())


def test_opened_documents_share_nothing():
    package = PackageTemplate(builtin_template("pledge"))
    pristine = package.save(package.open())
    changed = package.open()
    changed.add_paragraph("只在这一份里")
    changed.styles.add_style("GwScratch", 1)
    changed.core_properties.title = "改过"
    assert package.save(changed) != pristine
    assert package.save(package.open()) == pristine


def test_zip_archive_is_what_zipfile_writes():
    entries = [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"x" * 5000),
               ("word/media/图片.png", bytes(range(256)) * 10), ("empty.xml", b"")]
    reference = io.BytesIO()
    with zipfile.ZipFile(reference, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    written = zip_archive(entries)
    assert written == reference.getvalue()
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert archive.testzip() is None
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == entries


def test_styles_are_written_as_the_template_has_them(branch: Path):
    (document,) = render_all(evaluation(branch, "测评表"), members=["赵建华"])
    with zipfile.ZipFile(io.BytesIO(builtin_template("evaluation-ballot"))) as template, \
            zipfile.ZipFile(io.BytesIO(document.docx)) as rendered:
        assert rendered.read("word/styles.xml") == template.read("word/styles.xml")


def test_environments_compile_once_and_stay_strict():
    for sandboxed in (False, True):
        env = environment(sandboxed=sandboxed)
        assert env.from_string("{{ a }}") is env.from_string("{{ a }}")
        assert env.from_string("{{ a }}").render(a="<&>") == "&lt;&amp;&gt;"
        with pytest.raises(jinja2.UndefinedError):
            env.from_string("{{ missing }}").render()
    with pytest.raises(SecurityError):
        environment(sandboxed=True).from_string("{{ f.__globals__ }}").render(f=member_names)


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def table_xml(grid: int, rows: list[list[int]]) -> str:
    """A body with one table: ``grid`` columns, rows of cells with these spans."""
    cols = '<w:gridCol w:w="1000"/>' * grid
    trs = "".join("<w:tr>" + "".join(
        f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr><w:p/></w:tc>' if span > 1
        else "<w:tc><w:p/></w:tc>" for span in row) + "</w:tr>" for row in rows)
    return f"<w:body {W_NS}><w:tbl><w:tblGrid>{cols}</w:tblGrid>{trs}</w:tbl></w:body>"


@pytest.mark.parametrize(("grid", "rows"), [
    (3, [[1, 1, 1], [2, 1], [3]]),  # fits: left alone
    (2, [[1, 1, 1], [1, 1]]),  # a row too many cells: columns added
    (4, [[1, 1], [2]]),  # the grid wider than any row: columns removed
])
def test_tables_are_repaired_as_docxtpl_repairs_them(grid: int, rows: list[list[int]]):
    data = builtin_template("pledge")
    ours = _Template(PackageTemplate(data), data).fix_tables(table_xml(grid, rows))
    theirs = DocxTemplate(io.BytesIO(data)).fix_tables(table_xml(grid, rows))
    assert etree.tostring(ours) == etree.tostring(theirs)
