"""Forms at a branch's sizes (3, 12, 40 and 200 members), read back from the PDF: no
header or name cell broken inside a word, a 12-member 测评表 on one sheet, and the notes
under a table on the page of its last row (issue #13, item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from gongwen.convert import convert_many
from gongwen.kinds import render_all

PT_TO_MM = 25.4 / 72
SURNAMES = "王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海燕春晓东"
POSITIONS = ("校长", "党支部书记、副校长", "语文教师", "教研组长", "后勤职工", "副校长")
POSITION_WORDS = {"党支部书记、副校长": ["党支部书记、", "副校长"],
                  **{p: [p] for p in POSITIONS if "、" not in p}}
SIZES = (3, 12, 40, 200)
#: the headers as the forms print them, cut where a line may break between words
BALLOT_HEADERS = {"序号": ["序号"], "姓名": ["姓名"], "职务/岗位": ["职务/", "岗位"],
                  "优秀": ["优秀"], "合格": ["合格"], "基本合格": ["基本", "合格"],
                  "不合格": ["不合格"], "存在的主要问题": ["存在的", "主要", "问题"]}
SUMMARY_HEADERS = {"序号": ["序号"], "姓名": ["姓名"], "优秀": ["优秀"], "合格": ["合格"],
                   "基本合格": ["基本", "合格"], "不合格": ["不合格"],
                   "评定等次": ["评定", "等次"]}
NOTE_START = "说明："


def names(count: int) -> list[str]:
    """``count`` names; the 5th and 6th are both 张伟 (so they print with their 编号),
    two have four characters."""
    found = ["林明富", "扎西卓玛", "欧阳晓明", "陈秀英", "张伟", "张伟"]
    index = 0
    while len(found) < count:
        name = SURNAMES[index % len(SURNAMES)] + GIVEN[index * 7 % len(GIVEN)]
        if index % 3:
            name += GIVEN[index * 11 % len(GIVEN)]
        if name not in found:
            found.append(name)
        index += 1
    return found[:count]


def branch(folder: Path, count: int) -> dict[str, dict]:
    """A roster and tallies of ``count`` members; the data of the four forms."""
    folder.mkdir(parents=True, exist_ok=True)
    roster = ["姓名,性别,出生年月,入党时间,职务,编号"]
    tallies = ["姓名,编号,互评优秀,互评合格,互评基本合格,互评不合格,"
               "群众优秀,群众合格,群众基本合格,群众不合格"]
    public = 3 * count
    for i, name in enumerate(names(count), start=1):
        number = f"G{i:03d}"
        roster.append(f"{name},男,1980.{i % 12 + 1:02d},2005.07,"
                      f"{POSITIONS[i % len(POSITIONS)]},{number}")
        peer = i % 3
        tallies.append(f"{name},{number},{peer},{count - peer},0,0,{i % 5},{public - i % 5},0,0")
    (folder / "members.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    (folder / "tallies.csv").write_text("\n".join(tallies) + "\n", encoding="utf-8")
    common = {"类型": "evaluation", "党支部": "中共都江市实验中学支部委员会",
              "书记": "林明富", "评议日期": "2026-05-28",
              "花名册": str(folder / "members.csv")}
    votes = {"计票": str(folder / "tallies.csv"), "参评人数": {"互评": count, "群众": public}}
    return {
        "ballot": {**common, "表式": "测评表", "标题": "都江市实验中学党支部民主评议党员测评表",
                   "列": ["职务/岗位"], "存在问题": True},
        "summary": {**common, **votes, "表式": "汇总表",
                    "标题": "都江市实验中学党支部民主评议党员结果汇总表", "比例小数位": 1},
        "register": {**common, **votes, "表式": "登记表"},
        "pledge": {"类型": "pledge", "党支部": "都江市实验中学党支部",
                   "花名册": str(folder / "members.csv"),
                   "承诺事项": {"学习钻研": ["认真学习党的理论。"], "为人师表": ["加强师德修养。"]}},
    }


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[tuple[str, int], Path]:
    """The 测评表 and 汇总表 at every size, the 张伟（G006） 登记表 and 承诺书."""
    tmp = tmp_path_factory.mktemp("forms")
    documents = {}
    for count in SIZES:
        data = branch(tmp / str(count), count)
        for form in ("ballot", "summary"):
            documents[form, count] = render_all(data[form])[0]
        if count == 12:
            for form in ("register", "pledge"):
                documents[form, count] = render_all(data[form], members=["张伟（G006）"])[0]
    keys = list(documents)
    result = convert_many([documents[k].docx for k in keys], tmp / "pdf",
                          names=[f"{form}-{count}" for form, count in keys])
    return dict(zip(keys, result.pdfs, strict=True))


def tables(pdf: Path) -> list[list[list[str | None]]]:
    """The table of each page, cells as pdfplumber reads them (lines joined by \\n)."""
    with pdfplumber.open(pdf) as document:
        return [page.extract_table() or [] for page in document.pages]


def broken_between_words(text: str, words: list[str]) -> bool:
    """Whether the lines of a cell's ``text`` start only where one of ``words`` does."""
    lines = text.split("\n")
    allowed = {len("".join(words[:i])) for i in range(len(words) + 1)}
    ends = [len("".join(lines[:i + 1])) for i in range(len(lines))]
    return "".join(lines) == "".join(words) and all(end in allowed for end in ends)


def header_cells(table: list[list[str | None]], headers: dict[str, list[str]]
                 ) -> list[tuple[str, str]]:
    """The table's header cells (the rows above the first member): (text, cell)."""
    found = []
    for row in table:
        if row[0] and row[0].isdigit():
            break
        found += [(cell.replace("\n", ""), cell) for cell in row
                  if cell and cell.replace("\n", "") in headers]
    return found


def page_lines(pdf: Path) -> list[list[str]]:
    """The text of each page, line by line, without spaces."""
    with pdfplumber.open(pdf) as document:
        return [[re.sub(r"\s+", "", line) for line in (page.extract_text() or "").splitlines()]
                for page in document.pages]


@pytest.mark.parametrize("form", ["ballot", "summary"])
@pytest.mark.parametrize("count", SIZES)
def test_headers_and_names_never_break_inside_a_word(pdfs, form: str, count: int):
    headers = BALLOT_HEADERS if form == "ballot" else SUMMARY_HEADERS
    labels = {f"张伟（G{i:03d}）" if name == "张伟" else name
              for i, name in enumerate(names(count), start=1)}
    seen: set[str] = set()
    for table in tables(pdfs[form, count]):
        cells = header_cells(table, headers)
        assert {text for text, _ in cells} == set(headers), cells  # on every page
        for text, cell in cells:
            assert broken_between_words(cell, headers[text]), (text, cell)
        for row in table:
            if row[0] and row[0].isdigit():
                assert row[1] in labels, row[1]  # a name cell is one line, whole
                seen.add(row[1])
                if form == "ballot":  # 「党支部书记、/副校长」, never 「副/校长」
                    words = POSITION_WORDS[row[2].replace("\n", "")]
                    assert broken_between_words(row[2], words), row[2]
    assert seen == labels


def test_a_twelve_member_ballot_is_one_sheet(pdfs):
    with pdfplumber.open(pdfs["ballot", 12]) as pdf:
        assert len(pdf.pages) == 1
        assert round(pdf.pages[0].width * PT_TO_MM) == 297  # landscape: 存在问题 needs it
    lines = page_lines(pdfs["ballot", 12])[0]
    assert any(line.startswith(NOTE_START) for line in lines)
    assert any(line.startswith("3.本表不记名") for line in lines)


@pytest.mark.parametrize("form", ["ballot", "summary"])
@pytest.mark.parametrize("count", SIZES)
def test_notes_are_on_the_page_of_the_last_row(pdfs, form: str, count: int):
    pages = page_lines(pdfs[form, count])
    last = str(count)
    with_notes = [i for i, lines in enumerate(pages)
                  if any(line.startswith(NOTE_START) for line in lines)]
    assert with_notes == [len(pages) - 1]
    final = pages[-1]
    assert any(line.startswith(last) and not line.startswith(NOTE_START) for line in final)
    if form == "summary":
        assert any(line.startswith("合计") for line in final)
        assert any(line.startswith("支部书记：林明富") for line in final)
        # a page of notes alone is what this prevents: members' rows come with them
        assert sum(1 for line in final if re.match(r"^\d+\D", line)) >= 1
    if count <= 3:
        assert len(pages) == 1


@pytest.mark.parametrize("form", ["register", "pledge"])
def test_name_with_its_number_is_one_line_in_the_member_box(pdfs, form: str):
    with pdfplumber.open(pdfs[form, 12]) as pdf:
        assert len(pdf.pages) == 1
        table = pdf.pages[0].extract_table()
    assert table[0][0] == "姓名"
    assert table[0][1] == "张伟（G006）"
    assert all("\n" not in (cell or "") for cell in table[0])  # 性别, 出生年月 … too
