"""党员承诺书: one document per member, read back as DOCX and as PDF."""

from __future__ import annotations

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

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "chuangxian"
CATEGORIES = ["学习钻研", "为人师表", "服务群众", "爱岗敬业", "遵纪守法"]
MEMBER_ROWS = 3
LONG_ITEM = ("认真落实立德树人根本任务，坚持把思想政治工作贯穿教育教学全过程，"
             "每周开展一次学情分析，每月撰写一篇教学反思并在教研组交流{n}。")


def pledge_data(**more: object) -> dict:
    """A pledge written as a dict: three categories of our own."""
    data = {"类型": "pledge", "党支部": "测试党支部",
            "承诺事项": {"政治坚定": ["坚定理想信念。"], "业务精湛": ["钻研业务。"],
                      "作风优良": ["密切联系群众。"]}}
    data.update(more)
    return data


def text_of(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sample_docs() -> list[Document]:
    return render_all(SAMPLE / "pledge.yaml")


@pytest.fixture(scope="module")
def long_doc() -> Document:
    items = [LONG_ITEM.format(n=n) for n in range(1, 5)]
    data = pledge_data(承诺事项={name: items for name in CATEGORIES})
    return render_all(data, roster=SAMPLE / "members.csv", members=["刘㛃"])[0]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, sample_docs: list[Document], long_doc: Document) -> dict[str, Path]:
    """Every sample pledge and the long one, converted in one LibreOffice run."""
    out = tmp_path_factory.mktemp("pledge-pdf")
    docs = [*sample_docs, long_doc]
    names = [f"doc{i:02d}" for i in range(len(docs))]
    result = convert_many([d.docx for d in docs], out, names=names,
                          titles=[d.title for d in docs])
    return {d.title if d is not long_doc else "long": pdf
            for d, pdf in zip(docs, result.pdfs, strict=True)}


def table_of(document: Document):
    return open_docx(io.BytesIO(document.docx)).tables[0]


# --- DOCX ------------------------------------------------------------------------------


def test_one_document_per_member_with_safe_names(sample_docs: list[Document]):
    assert len(sample_docs) == 13
    titles = [d.title for d in sample_docs]
    assert titles[0] == "党员承诺书（林明富）"
    assert "党员承诺书（张伟（DJS004））" in titles and "党员承诺书（周𠮷安）" in titles
    assert len({d.filename for d in sample_docs}) == 13
    assert all(d.filename.endswith(".docx") and "/" not in d.filename for d in sample_docs)


def test_member_table_and_categories_from_the_data(sample_docs: list[Document]):
    table = table_of(sample_docs[0])
    rows = table.rows
    assert [c.text for c in rows[0].cells[::2]] == ["姓名", "性别", "出生年月"]
    assert rows[0].cells[1].text == "林明富" and rows[0].cells[5].text == "1972.05"
    assert rows[1].cells[1].text == "1996.07" and "副校长" in rows[1].cells[3].text
    assert rows[2].cells[1].text == "都江市实验中学党支部"
    headers = [r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None
               for r in rows]
    assert headers == [True] * MEMBER_ROWS + [False] * (len(rows) - MEMBER_ROWS)
    assert "我郑重承诺：" in rows[MEMBER_ROWS].cells[0].text
    labels = [rows[MEMBER_ROWS + 1 + i].cells[0].text for i in range(len(CATEGORIES))]
    assert labels == CATEGORIES
    service = rows[MEMBER_ROWS + 1 + CATEGORIES.index("服务群众")].cells[1].text
    assert "1.结对帮扶" in service and "2.每周接待教职工" in service  # his own item
    closing = rows[-2].cells[0].text
    assert "以上承诺" in closing and "承诺人（签名）：" in closing and "2024年9月20日" in closing
    assert rows[-1].cells[0].text == "党支部审核意见"


def test_own_category_is_added_for_one_member(sample_docs: list[Document]):
    ma = next(d for d in sample_docs if d.title == "党员承诺书（马国强）")
    labels = [r.cells[0].text for r in table_of(ma).rows]
    assert labels[MEMBER_ROWS + 1:MEMBER_ROWS + 7] == [*CATEGORIES, "发挥余热"]


def test_other_categories_blank_date_and_year_month_style():
    doc = render_all(pledge_data(年月格式="1985年3月", 标题="争当优秀共产党员承诺书"),
                     roster=SAMPLE / "members.csv", members=["吴静"])
    assert [d.title for d in doc] == ["争当优秀共产党员承诺书（吴静）"]
    rows = table_of(doc[0]).rows
    assert rows[0].cells[5].text == "1988年4月"
    assert [rows[MEMBER_ROWS + 1 + i].cells[0].text for i in range(3)] == [
        "政治坚定", "业务精湛", "作风优良"]
    assert "　　年　　月　　日" in rows[-2].cells[0].text  # no date: left for handwriting
    assert rows[2].cells[1].text == "都江市实验中学党支部"  # the roster's, not the data's


def test_roster_option_wins_over_the_data(tmp_path: Path):
    other = tmp_path / "other.csv"
    other.write_text("姓名,所在支部\n王芳\n", encoding="utf-8")
    data = tmp_path / "pledge.yaml"
    data.write_text((SAMPLE / "pledge.yaml").read_text(encoding="utf-8")
                    .replace("花名册: members.csv", f"花名册: {SAMPLE / 'members.csv'}")
                    .split("成员:")[0], encoding="utf-8")
    assert len(render_all(data)) == 13
    docs = render_all(data, roster=other)
    assert [d.title for d in docs] == ["党员承诺书（王芳）"]
    assert table_of(docs[0]).rows[2].cells[1].text == "都江市实验中学党支部"  # data's 党支部


def test_pledge_errors(tmp_path: Path):
    with pytest.raises(InputError, match=r"needs a roster.*hint: pass --roster"):
        render_all(pledge_data())
    data = tmp_path / "pledge.yaml"
    data.write_text("类型: pledge\n花名册: nowhere.csv\n承诺事项: {学习: [读书。]}\n"
                    "成员:\n  吴敬:\n    学习: [多读书。]\n", encoding="utf-8")
    with pytest.raises(InputError, match="nowhere.csv: file not found"):
        render_all(data)
    with pytest.raises(InputError) as info:
        render_all(data, roster=SAMPLE / "members.csv")
    assert f"{data}:5" in str(info.value) and "'吴敬' is not in the roster" in str(info.value)
    assert "did you mean 吴静?" in str(info.value)
    with pytest.raises(InputError, match="'王五' is not in the roster"):
        render_all(pledge_data(), roster=SAMPLE / "members.csv", members=["王五"])


# --- PDF -------------------------------------------------------------------------------


def test_typical_pledge_is_one_page_with_every_pledge(pdfs: dict[str, Path],
                                                     sample_docs: list[Document]):
    for document in sample_docs:
        with pdfplumber.open(pdfs[document.title]) as pdf:
            assert len(pdf.pages) == 1, document.title
    text = squeezed(text_of(pdfs["党员承诺书（林明富）"]))
    for needle in ("党员承诺书", "我郑重承诺：", *CATEGORIES, "每周接待教职工和家长来访一次",
                   "承诺人（签名）：", "2024年9月20日", "党支部审核意见", "—1—"):
        assert needle in text


def test_names_beyond_the_bmp_and_gb2312_print(pdfs: dict[str, Path]):
    assert "周𠮷安" in text_of(pdfs["党员承诺书（周𠮷安）"])
    assert "刘㛃" in text_of(pdfs["党员承诺书（刘㛃）"])


def test_long_pledge_flows_to_page_two_with_the_member_rows_repeated(pdfs: dict[str, Path]):
    with pdfplumber.open(pdfs["long"]) as pdf:
        pages = len(pdf.pages)
    assert pages >= 2
    whole = squeezed(text_of(pdfs["long"]))
    for n in range(1, 5):  # never clipped: every item's end is there, in each category
        assert whole.count(f"教研组交流{n}。") == len(CATEGORIES)
    second = text_of(pdfs["long"], page=2).strip().splitlines()
    assert squeezed(second[0]).startswith("姓名刘㛃性别女出生年月1991.04")
    assert "入党时间" in second[1] or "入党时间" in second[2]
    last = squeezed(text_of(pdfs["long"], page=pages))
    assert "党支部审核意见" in last and f"—{pages}—" in last


def test_merged_cells_are_as_wide_as_their_columns(sample_docs: list[Document]) -> None:
    """Word sizes a merged cell by its w:tcW: it must equal the grid columns it spans."""
    doc = open_docx(io.BytesIO(sample_docs[0].to_bytes()))
    checked = 0
    for table in doc.tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        for tr in table._tbl.iter(qn("w:tr")):
            column = 0
            for tc in tr.iter(qn("w:tc")):
                span_el = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
                width = int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w")))
                assert width == sum(grid[column:column + span])
                checked += span > 1
                column += span
    assert checked >= 3
