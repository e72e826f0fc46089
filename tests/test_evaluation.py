"""民主评议 records: 测评表, 登记表, 汇总表 read back as DOCX and PDF; the 汇总表's
arithmetic checked against a computation of its own."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn

from gongwen.convert import convert_many
from gongwen.errors import InputError
from gongwen.kinds import Document, render_all
from gongwen.layout import conventions, standard

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "chuangxian"
PT_TO_MM = 25.4 / 72
GRADES = ["优秀", "合格", "基本合格", "不合格"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏"
GIVEN = ["建华", "丽", "志强", "秀兰", "国庆", "海燕"]
#: page-number glyphs may sit this far (mm) from where the standard puts them
TOLERANCE_MM = 0.6


def big_roster(tmp_path: Path) -> Path:
    path = tmp_path / "big.csv"
    rows = [f"{s}{GIVEN[i % len(GIVEN)]},{'男' if i % 2 else '女'},教师"
            for i, s in enumerate(SURNAMES)]
    path.write_text("姓名,性别,岗位\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def evaluation(form: str, **more: object) -> dict:
    data = {"类型": "evaluation", "表式": form, "党支部": "中共都江市实验中学支部委员会",
            "评议日期": "2026-05-28", "花名册": str(SAMPLE / "members.csv")}
    data.update(more)
    return data


def over_cap_tallies(tmp_path: Path) -> Path:
    """The sample's tallies with 王建国 voted 优秀 as well: five of thirteen."""
    text = (SAMPLE / "tallies.csv").read_text(encoding="utf-8")
    text = text.replace("王建国,DJS003,5,8,0,0,15,22,1,0", "王建国,DJS003,10,3,0,0,30,8,0,0")
    path = tmp_path / "tallies-over.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict[str, Document]:
    tmp = tmp_path_factory.mktemp("evaluation")
    found = {
        "ballot": render_all(SAMPLE / "evaluation-ballot.yaml")[0],
        "big": render_all(evaluation("测评表", 存在问题=True, 花名册=str(big_roster(tmp))))[0],
        "portrait": render_all(evaluation("ballot"))[0],
        "summary": render_all(SAMPLE / "evaluation-summary.yaml")[0],
        "over": render_all(SAMPLE / "evaluation-summary.yaml", tallies=over_cap_tallies(tmp))[0],
    }
    registers = render_all(SAMPLE / "evaluation-register.yaml", members=["吴静", "周𠮷安"])
    found.update({d.title: d for d in registers})
    return found


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, docs: dict[str, Document]) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("evaluation-pdf")
    keys = list(docs)
    result = convert_many([docs[k].docx for k in keys], out,
                          names=[f"doc{i:02d}" for i in range(len(keys))])
    return dict(zip(keys, result.pdfs, strict=True))


def text_of(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def docx_of(document: Document):
    return open_docx(io.BytesIO(document.docx))


def header_flags(table) -> list[bool]:
    return [r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None
            for r in table.rows]


def page_number_chars(page) -> list[dict]:
    """The turned 「— N —」 of a landscape page: characters in the left margin."""
    return sorted((c for c in page.chars if c["text"].strip()
                   and c["x1"] * PT_TO_MM < conventions.LANDSCAPE_MARGIN_LEFT_MM),
                  key=lambda c: c["top"])


# --- 测评表 ----------------------------------------------------------------------------


def test_ballot_rows_header_and_landscape_section(docs: dict[str, Document]):
    doc = docx_of(docs["ballot"])
    table = doc.tables[0]
    assert len(table.rows) == 13 + 1  # a row per member under the header row
    assert [c.text.replace("\n", "") for c in table.rows[0].cells] == [
        "序号", "姓名", "职务/岗位", *GRADES, "存在的主要问题"]
    assert header_flags(table) == [True] + [False] * 13
    assert [table.rows[i].cells[1].text for i in (1, 4, 5, 6, 7)] == [
        "林明富", "张伟（DJS004）", "张伟（DJS005）", "周𠮷安", "刘㛃"]
    section = doc.sections[0]
    assert section._sectPr.find(qn("w:pgSz")).get(qn("w:orient")) == "landscape"
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert round(section.top_margin.mm) == conventions.LANDSCAPE_MARGIN_TOP_MM  # 订口 at the top
    widths = sum(c.width.mm for c in table.rows[1].cells)
    assert widths == pytest.approx(conventions.LANDSCAPE_TEXT_WIDTH_MM, abs=0.5)


def test_narrow_ballot_stays_portrait(docs: dict[str, Document]):
    doc = docx_of(docs["portrait"])
    assert round(doc.sections[0].page_width.mm) == 210
    assert len(doc.tables[0].rows) == 14
    assert len(doc.tables[0].columns) == 2 + len(GRADES)


def test_ballot_pdf_landscape_header_on_every_page(pdfs: dict[str, Path]):
    with pdfplumber.open(pdfs["big"]) as pdf:
        assert len(pdf.pages) >= 3
        for page in pdf.pages:
            assert (round(page.width * PT_TO_MM), round(page.height * PT_TO_MM)) == (297, 210)
    names = [f"{s}{GIVEN[i % len(GIVEN)]}" for i, s in enumerate(SURNAMES)]
    # with room to spare, 基本合格 stands on one line in its header
    headers = ["序号", "姓名", "优秀", "基本合格", "不合格", "存在的主要问题"]
    seen = []
    with pdfplumber.open(pdfs["big"]) as pdf:
        for page in pdf.pages:  # the header row repeats above each page's members
            words = {w["text"]: w["top"] for w in page.extract_words()}
            rows = [words[n] for n in names if n in words]
            seen += [n for n in names if n in words]
            assert all(words[h] < min(rows) for h in headers), page.page_number
    assert seen == names


def test_landscape_page_number_stays_where_portrait_pages_have_it(pdfs: dict[str, Path]):
    """Turned a quarter, in the left margin: odd pages at the bottom, even at the top;
    across the page exactly where a portrait page prints it up from its bottom edge."""
    with pdfplumber.open(pdfs["民主评议党员登记表（吴静）"]) as portrait:  # a portrait page number to compare
        chars = [c for c in portrait.pages[0].chars if c["text"] == "—"]
        top = min(c["top"] for c in chars) * PT_TO_MM
        bottom = max(c["bottom"] for c in chars) * PT_TO_MM
        odd_end = max(c["x1"] for c in chars) * PT_TO_MM
    across = (standard.PAGE_HEIGHT_MM - bottom, standard.PAGE_HEIGHT_MM - top)
    indent = standard.CHAR_PITCH_MM * standard.PAGE_NUMBER_INDENT_CHARS
    with pdfplumber.open(pdfs["big"]) as pdf:
        for index, page in enumerate(pdf.pages, start=1):
            chars = page_number_chars(page)
            assert "".join(c["text"] for c in chars) == f"—{index}—"
            assert not any(c["upright"] for c in chars)  # turned, read top to bottom
            x0 = min(c["x0"] for c in chars) * PT_TO_MM
            x1 = max(c["x1"] for c in chars) * PT_TO_MM
            assert (x0, x1) == pytest.approx(across, abs=TOLERANCE_MM)
            start = chars[0]["top"] * PT_TO_MM
            end = chars[-1]["bottom"] * PT_TO_MM
            if index % 2:  # the portrait page's bottom right: here the bottom
                text_bottom = conventions.LANDSCAPE_PAGE_HEIGHT_MM - \
                    conventions.LANDSCAPE_MARGIN_BOTTOM_MM
                assert end == pytest.approx(text_bottom - indent, abs=TOLERANCE_MM)
                assert end == pytest.approx(odd_end, abs=TOLERANCE_MM)
            else:  # the portrait page's bottom left: here the top
                assert start == pytest.approx(conventions.LANDSCAPE_MARGIN_TOP_MM + indent,
                                              abs=TOLERANCE_MM)


# --- 汇总表 ----------------------------------------------------------------------------


def expected_rows(tallies: Path) -> dict[str, tuple[list[int], list[str], str]]:
    """Counts, percentages and grade per member, computed here from the CSV:
    whole tenths of a percent, the missing tenths to the largest remainders."""
    found = {}
    with tallies.open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            peer = [int(record[f"互评{g}"]) for g in GRADES]
            public = [int(record[f"群众{g}"]) for g in GRADES]
            total = [a + b for a, b in zip(peer, public, strict=True)]
            votes = sum(total)
            tenths = [t * 1000 // votes for t in total]
            left = [t * 1000 % votes for t in total]
            for i in sorted(range(4), key=lambda i: (-left[i], -total[i], i))[:1000 - sum(tenths)]:
                tenths[i] += 1
            if 2 * total[3] >= votes:
                grade = "不合格"
            elif 2 * (total[2] + total[3]) >= votes:
                grade = "基本合格"
            elif 2 * total[0] >= votes:
                grade = "优秀"
            else:
                grade = "合格"
            name = record["姓名"] + (f"（{record['编号']}）" if record["姓名"] == "张伟" else "")
            found[name] = ([*peer, *public, *total], [f"{t // 10}.{t % 10}" for t in tenths],
                           grade)
    return found


def summary_rows(document: Document) -> dict[str, list[str]]:
    table = docx_of(document).tables[0]
    assert header_flags(table)[:3] == [True, True, False]
    return {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[2:-1]}


def test_summary_arithmetic_against_an_independent_computation(docs: dict[str, Document]):
    rows = summary_rows(docs["summary"])
    expected = expected_rows(SAMPLE / "tallies.csv")
    assert list(rows) == list(expected)  # roster order, one row per member
    for name, cells in rows.items():
        counts, percents, grade = expected[name]
        assert [int(c) for c in cells[2:14]] == counts, name
        assert cells[14:18] == percents, name
        assert sum(float(p) * 10 for p in cells[14:18]) == pytest.approx(1000), name
        assert cells[18] == grade, name
    table = docx_of(docs["summary"]).tables[0]
    totals = [c.text for c in table.rows[-1].cells]
    assert totals[0] == "合计"
    assert [int(t) for t in totals[2:14]] == [sum(e[0][i] for e in expected.values())
                                             for i in range(12)]
    assert not docs["summary"].warnings


def test_summary_is_landscape_with_notes(docs: dict[str, Document], pdfs: dict[str, Path]):
    with pdfplumber.open(pdfs["summary"]) as pdf:
        assert round(pdf.pages[0].width * PT_TO_MM) == 297
    text = squeezed(text_of(pdfs["summary"]))
    assert "都江市实验中学党支部民主评议党员结果汇总表" in text  # one line when it fits
    assert "比例按最大余数法保留1位小数，每行合计为100%" in text
    assert "评定结果：优秀4人、合格9人、基本合格0人、不合格0人。" in text
    assert "周𠮷安" in text and "刘㛃" in text


def test_excellent_over_the_cap_warns(docs: dict[str, Document], pdfs: dict[str, Path]):
    over = docs["over"]
    assert any("5 of 13 members are rated 优秀, more than the cap" in w for w in over.warnings)
    assert summary_rows(over)["王建国"][18] == "优秀"
    notes = "".join(p.text for p in docx_of(over).paragraphs)
    assert "评定为优秀的5人，超过党员人数的三分之一（4人）" in notes
    assert "超过党员人数的三分之一（4人）" in squeezed(text_of(pdfs["over"]))


def test_weights_decimals_and_overrides():
    data = evaluation("汇总表", 计票=str(SAMPLE / "tallies.csv"), 比例小数位=0,
                      评定规则={"权重": {"互评": "60%", "群众": "40%"}},
                      成员={"王建国": {"组织评定": "优秀"}})
    document = render_all(data)[0]
    rows = summary_rows(document)
    assert rows["王建国"][18] == "优秀*"
    # 林明富: 互评 10/13 优秀, 群众 30/38 → 0.6 × 10/13 + 0.4 × 30/38 = 77.7 % → 78
    assert rows["林明富"][14:18] == ["78", "22", "0", "0"]
    notes = "".join(p.text for p in docx_of(document).paragraphs)
    assert "党员互评占五分之三、群众评议占五分之二加权计算" in notes
    assert "为党支部组织评定结果" in notes


# --- 登记表 ----------------------------------------------------------------------------


def test_register_per_member(docs: dict[str, Document], pdfs: dict[str, Path]):
    doc = docs["民主评议党员登记表（吴静）"]
    table = docx_of(doc).tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0][1] == "吴静"
    assert cells[3][0] == "个人总结" and "组织青年教师读书会" in cells[3][1]
    assert cells[4][1:] == ["评议类别", *GRADES]
    assert cells[5][1:] == ["党员互评", "6", "6", "1", "0"]
    assert cells[6][1:] == ["群众评议", "19", "18", "1", "0"]
    assert cells[7][1].startswith("□优秀　■合格　□基本合格")
    assert "吴静同志民主评议等次为“合格”" in cells[8][1] and "2026年5月28日" in cells[8][1]
    assert header_flags(table)[:4] == [True, True, True, False]
    assert "周𠮷安" in text_of(pdfs["民主评议党员登记表（周𠮷安）"])
    with pdfplumber.open(pdfs["民主评议党员登记表（吴静）"]) as pdf:
        assert len(pdf.pages) == 1


def test_register_without_tallies_leaves_blanks():
    document = render_all(evaluation("登记表"), members=["马国强"])[0]
    rows = docx_of(document).tables[0].rows
    assert [c.text for c in rows[5].cells[2:]] == ["", "", "", ""]
    assert "■" not in rows[7].cells[1].text


# --- errors ----------------------------------------------------------------------------


def test_evaluation_errors(tmp_path: Path):
    with pytest.raises(InputError, match="needs the tallies"):
        render_all(evaluation("汇总表"))
    with pytest.raises(InputError) as info:
        render_all(evaluation("汇总表", 计票=str(SAMPLE / "tallies.csv"), 参评人数={"群众": 30}))
    message = str(info.value)
    assert "tallies.csv:row 2, column G: 群众评议:" in message
    assert "counts add up to 38, more than the 30 voters" in message
    data = tmp_path / "summary.yaml"
    data.write_text(f"类型: evaluation\n表式: 汇总表\n党支部: 测试\n花名册: {SAMPLE / 'members.csv'}\n"
                    "计票:\n  吴静: {互评: [6, 6, 1, 0]}\n  王小二: {互评: [1, 1, 0, 0]}\n"
                    "成员:\n  吴静: {组织评定: 良好}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        render_all(data)
    assert f"{data}:9: 成员.吴静.组织评定: '良好' is not a grade" in str(info.value)
    data.write_text(data.read_text(encoding="utf-8").replace("良好", "优秀"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        render_all(data)
    assert f"{data}:7" in str(info.value) and "'王小二' is not in the roster" in str(info.value)


def test_members_without_votes_and_a_single_source(tmp_path: Path):
    tallies = tmp_path / "peer.csv"
    tallies.write_text("姓名,互评优秀,互评合格\n吴静,6,6\n", encoding="utf-8")
    document = render_all(evaluation("汇总表", 计票=str(tallies)))[0]
    assert any(w.startswith("no tallies for 林明富、陈秀英") for w in document.warnings)
    rows = summary_rows(document)
    assert rows["吴静"][2:] == ["6", "6", "0", "0", "50.0", "50.0", "0.0", "0.0", "优秀"]
    assert rows["林明富"][2:] == ["0", "0", "0", "0", "—", "—", "—", "—", "—"]
    notes = "".join(p.text for p in docx_of(document).paragraphs)
    assert "林明富、陈秀英" in notes and "无计票数据" in notes
