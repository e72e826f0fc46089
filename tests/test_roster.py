"""Rosters and tallies from CSV/XLSX/YAML as branch offices keep them, and the errors
they really make: each error names the file, the row, the column and the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import Workbook

from gongwen.errors import InputError
from gongwen.inputs.roster import Roster, load_roster
from gongwen.inputs.tallies import load_tallies
from gongwen.models.member import YearMonth
from gongwen.models.scoring import GradeRule, largest_remainder, percentages, shares, summarize

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "chuangxian"
HEADER = "姓名,性别,出生年月,入党时间,职务,所在支部"


def csv_file(tmp_path: Path, text: str, name: str = "members.csv",
             encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def xlsx_file(tmp_path: Path, rows: list[list[object]], name: str = "members.xlsx",
              merges: tuple[str, ...] = (), sheet: str = "Sheet1") -> Path:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    path = tmp_path / name
    book.save(path)
    return path


def error_of(call, *args, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return str(info.value)


# --- reading ---------------------------------------------------------------------------


def test_sample_csv_and_xlsx_hold_the_same_members():
    csv_roster = load_roster(SAMPLE / "members.csv")
    xlsx_roster = load_roster(SAMPLE / "members.xlsx")  # title row, 「吴　静」, merged 支部
    assert len(csv_roster) == len(xlsx_roster) == 13
    for a, b in zip(csv_roster, xlsx_roster, strict=True):
        assert a.model_dump() == b.model_dump()
    names = [m.name for m in csv_roster]
    assert "周𠮷安" in names and "刘㛃" in names  # beyond the BMP, beyond GB 2312
    labels = [csv_roster.label(m) for m in csv_roster]
    assert "张伟（DJS004）" in labels and "张伟（DJS005）" in labels
    wu = csv_roster.resolve("吴静")
    assert (wu.birth, wu.joined, wu.position) == ((1988, 4), (2012, 5), "团委书记、政治教师")
    assert xlsx_roster.where(xlsx_roster.resolve("吴静")).row == 12  # as Excel shows it


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str):
    separator = "\t" if encoding == "utf-16" else ","
    text = "\r\n".join([HEADER.replace(",", separator),
                        separator.join(["刘㛃", "女", "1991.04", "2016.06", "英语教师", "一支部"]),
                        separator.join(["周𠮷安", "男", "1983-09", "2009年12月", "数学教师", ""])])
    roster = load_roster(csv_file(tmp_path, text, encoding=encoding))
    assert [m.name for m in roster] == ["刘㛃", "周𠮷安"]
    assert roster.members[1].joined == YearMonth(2009, 12)


def test_gbk_csv_from_excel(tmp_path: Path):
    text = f"{HEADER}\r\n王芳,女,1985.03,2008.07,教师,一支部\r\n"
    roster = load_roster(csv_file(tmp_path, text, encoding="gbk"))
    assert roster.members[0].branch == "一支部"


def test_header_aliases_any_order_blank_rows_and_extra_columns(tmp_path: Path):
    text = ("说明：本表由党支部办公室填写\n"
            "联系电话,岗位,*姓　名,入党日期,出生日期,党支部,工号,性别\n"
            "\n"
            "13800000000,校长,王　芳,2008-07-01,1985年3月,二支部,0101,女\n"
            ",,,,,,,\n"
            ",语文教师, 李强 ,198001,1958.10,二支部,0102,男性\n")
    roster = load_roster(csv_file(tmp_path, text))
    first, second = roster.members
    assert first.name == "王芳" and first.position == "校长" and first.id == "0101"
    assert first.birth == (1985, 3) and first.joined == (2008, 7)
    assert first.extra == {"联系电话": "13800000000"}
    assert second.name == "李强" and second.gender == "男" and second.joined == (1980, 1)
    assert roster.where(second).row == 6  # blank rows count, as in Excel


def test_xlsx_dates_numbers_and_named_sheet(tmp_path: Path):
    rows = [["姓名", "出生年月", "入党时间", "职务（岗位）"],
            ["赵敏", dt.datetime(1985, 3, 1), 1985.1 + 20, "教师"],  # 2005.10 typed as number
            ["钱进", 198512, "2010.3", "会计"]]
    path = xlsx_file(tmp_path, rows, sheet="第二支部")
    roster = load_roster(f"{path}#第二支部")
    assert [(m.birth, m.joined) for m in roster] == [((1985, 3), (2005, 10)),
                                                     ((1985, 12), (2010, 3))]
    assert "has no worksheet '第三支部'" in error_of(load_roster, f"{path}#第三支部")


def test_roster_references():
    roster = load_roster(SAMPLE / "members.csv")
    assert roster.resolve("张伟（DJS005）").position == "体育教师"
    assert roster.resolve("张伟#DJS004").position == "语文教师"
    assert roster.resolve("DJS007").name == "刘㛃"
    assert "names 2 members" in error_of(roster.resolve, "张伟")
    message = error_of(roster.resolve, "吴敬")
    assert "'吴敬' is not in the roster" in message and "did you mean 吴静?" in message


# --- roster errors ---------------------------------------------------------------------


def test_missing_name_column(tmp_path: Path):
    path = csv_file(tmp_path, "名称,性别\n王芳,女\n")
    message = error_of(load_roster, path)
    assert f"{path}:row 1" in message and "no 姓名 column" in message
    assert "found: 名称、性别" in message


def test_empty_name_names_row_and_column(tmp_path: Path):
    path = csv_file(tmp_path, f"{HEADER}\n王芳,女,1985.03,2008.07,教师,一支部\n,男,1980.01,2001.07,教师,一支部\n")
    message = error_of(load_roster, path)
    assert message.startswith(f"{path}:row 3, column A: 姓名 (name): is empty")


def test_bad_date_names_row_column_and_header(tmp_path: Path):
    text = "序号,姓名,出生年月\n1,王芳,1985.03\n2,李强,1985.13\n"
    message = error_of(load_roster, csv_file(tmp_path, text))
    assert ":row 3, column C: 出生年月 (birth):" in message
    assert "there is no month 13" in message and "hint: expected YYYY.MM" in message


def test_bad_excel_cell(tmp_path: Path):
    path = xlsx_file(tmp_path, [["标题行"], ["姓名", "入党时间"], ["王芳", "去年"]])
    assert ":row 3, column B: 入党时间 (joined):" in error_of(load_roster, path)


def test_two_members_with_one_name_need_a_number(tmp_path: Path):
    text = f"{HEADER}\n张伟,男,1985.03,2010.06,语文教师,一支部\n张伟,男,1990.08,2015.07,体育教师,一支部\n"
    message = error_of(load_roster, csv_file(tmp_path, text))
    assert ":row 3, column A: 姓名 (name): 张伟 is also on row 2" in message
    assert "add a 编号 (or 工号) column" in message


def test_a_number_column_with_a_gap_still_fails(tmp_path: Path):
    text = "姓名,编号\n张伟,001\n张伟,\n"
    message = error_of(load_roster, csv_file(tmp_path, text))
    assert ":row 3, column A:" in message and "fill in a different 编号 for each 张伟" in message


def test_duplicate_numbers(tmp_path: Path):
    message = error_of(load_roster, csv_file(tmp_path, "姓名,编号\n张伟,001\n李强,001\n"))
    assert ":row 3, column B: 编号 (id): 编号 001 is also on row 2" in message


def test_joined_before_eighteen_hints_at_swapped_columns(tmp_path: Path):
    text = "姓名,出生年月,入党时间\n王芳,2008.07,1985.03\n"
    message = error_of(load_roster, csv_file(tmp_path, text))
    assert "column C: 入党时间 (joined)" in message and "swapped" in message


def test_other_roster_errors(tmp_path: Path):
    assert "'未知' is not 男 or 女" in error_of(
        load_roster, csv_file(tmp_path, "姓名,性别\n王芳,未知\n"))
    assert "is in the future" in error_of(
        load_roster, csv_file(tmp_path, "姓名,入党时间\n王芳,2999.01\n"))
    assert "does not look like a name" in error_of(
        load_roster, csv_file(tmp_path, "姓名,性别\n王芳,女\n填表人：李四,\n"))
    assert "two columns are 职务/岗位" in error_of(
        load_roster, csv_file(tmp_path, "姓名,职务,岗位\n王芳,教师,教师\n"))
    old = tmp_path / "members.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "save it as .xlsx" in error_of(load_roster, old)
    assert "has no members" in error_of(load_roster, csv_file(tmp_path, "姓名,性别\n"))
    assert "file not found" in error_of(load_roster, tmp_path / "nowhere.csv")


# --- tallies -------------------------------------------------------------------------


@pytest.fixture
def roster() -> Roster:
    return load_roster(SAMPLE / "members.csv")


def test_sample_tallies_wide_layout(roster: Roster):
    tallies = load_tallies(SAMPLE / "tallies.csv", roster, voters={"public": 40})
    assert len(tallies.counts) == 13
    assert tallies.of("张伟（DJS005）") == {"peer": (3, 9, 1, 0), "public": (12, 25, 2, 0)}
    assert tallies.voters == {"peer": 13, "public": 40}


def test_long_layout_and_two_row_header(tmp_path: Path, roster: Roster):
    long = csv_file(tmp_path, "姓名,类别,优秀,合格,基本合格,不合格\n吴静,党员互评,6,6,1,0\n"
                              "吴静,群众,19,18,1,\n", "long.csv")
    assert load_tallies(long, roster).of("吴静") == {"peer": (6, 6, 1, 0),
                                                     "public": (19, 18, 1, 0)}
    rows = [["姓名", "党员互评", None, None, None, "群众评议", None, None, None],
            [None, "优秀", "合格", "基本合格", "不合格", "优秀", "合格", "基本合格", "不合格"],
            ["刘㛃", 4, 9, 0, 0, 16, 22, 1, 0],
            ["合计", 4, 9, 0, 0, 16, 22, 1, 0]]
    merged = xlsx_file(tmp_path, rows, "merged.xlsx", merges=("A1:A2", "B1:E1", "F1:I1"))
    assert load_tallies(merged, roster).of("刘㛃") == {"peer": (4, 9, 0, 0),
                                                      "public": (16, 22, 1, 0)}


def test_grades_only_layout_counts_peer_votes(tmp_path: Path, roster: Roster):
    path = csv_file(tmp_path, "姓名,优秀,合格,基本合格,不合格\n马国强,2,9,1,0\n", "t.csv")
    assert load_tallies(path, roster).of("马国强") == {"peer": (2, 9, 1, 0)}


def test_yaml_tallies(tmp_path: Path, roster: Roster):
    path = tmp_path / "tallies.yaml"
    path.write_text("参评人数: {群众: 30}\n计票:\n  吴静:\n    互评: {优秀: 6, 合格: 7}\n"
                    "    群众: [10, 10, 0, 0]\n", encoding="utf-8")
    tallies = load_tallies(path, roster)
    assert tallies.of("吴静") == {"peer": (6, 7, 0, 0), "public": (10, 10, 0, 0)}


def test_tally_counts_exceeding_voters(tmp_path: Path, roster: Roster):
    path = csv_file(tmp_path, "姓名,互评优秀,互评合格\n吴静,8,6\n", "t.csv")
    message = error_of(load_tallies, path, roster)
    assert f"{path}:row 2, column B: 党员互评:" in message
    assert "counts add up to 14, more than the 13 voters" in message
    voters = csv_file(tmp_path, "姓名,群众优秀,群众合格,群众人数\n吴静,8,6,12\n", "v.csv")
    assert "more than the 12 voters" in error_of(load_tallies, voters, roster)


def test_tally_member_missing_from_roster(tmp_path: Path, roster: Roster):
    path = csv_file(tmp_path, "序号,姓名,优秀,合格\n1,吴静,6,6\n2,吴晶,5,5\n", "t.csv")
    message = error_of(load_tallies, path, roster)
    assert f"{path}:row 3, column B: 姓名 (name): '吴晶' is not in the roster" in message
    assert "did you mean 吴静?" in message


def test_tally_grade_not_allowed(tmp_path: Path, roster: Roster):
    path = csv_file(tmp_path, "姓名,互评优秀,互评良好\n吴静,6,6\n", "t.csv")
    message = error_of(load_tallies, path, roster)
    assert ":row 1, column C: 互评良好: '良好' is not a grade" in message
    assert "优秀、合格、基本合格、不合格" in message
    yaml_path = tmp_path / "t.yaml"
    yaml_path.write_text("吴静:\n  互评:\n    良好: 3\n", encoding="utf-8")
    message = error_of(load_tallies, yaml_path, roster)
    assert f"{yaml_path}:3" in message and "'良好' is not a grade" in message


def test_other_tally_errors(tmp_path: Path, roster: Roster):
    bad = csv_file(tmp_path, "姓名,优秀\n吴静,六\n", "a.csv")
    assert ":row 2, column B: 优秀: '六' is not a whole number" in error_of(
        load_tallies, bad, roster)
    twice = csv_file(tmp_path, "姓名,优秀\n吴静,6\n吴静,5\n", "b.csv")
    assert "already has 党员互评 counts on row 2" in error_of(load_tallies, twice, roster)
    ambiguous = csv_file(tmp_path, "姓名,优秀\n张伟,6\n", "c.csv")
    assert "names 2 members" in error_of(load_tallies, ambiguous, roster)
    kind = csv_file(tmp_path, "姓名,类别,优秀\n吴静,领导,6\n", "d.csv")
    assert "'领导' is neither 党员互评 nor 群众评议" in error_of(load_tallies, kind, roster)


# --- arithmetic ----------------------------------------------------------------------


def test_largest_remainder_adds_up_and_breaks_ties_by_votes_then_order():
    thirds = [Fraction(1, 3)] * 3
    assert largest_remainder(thirds, 100) == [34, 33, 33]
    assert percentages(thirds, 1) == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]
    skewed = [Fraction(2, 7), Fraction(1, 7), Fraction(4, 7), Fraction(0)]
    assert sum(percentages(skewed, 1)) == 100
    assert percentages(skewed, 0) == [Decimal(29), Decimal(14), Decimal(57), Decimal(0)]


def test_grade_rule_boundaries_and_weights():
    rule = GradeRule()
    assert rule.grade((Fraction(1, 2), Fraction(1, 2), 0, 0)) == "优秀"
    assert rule.grade((Fraction(49, 100), Fraction(51, 100), 0, 0)) == "合格"
    assert rule.grade((Fraction(1, 2), 0, Fraction(1, 4), Fraction(1, 4))) == "基本合格"
    assert rule.grade((0, 0, Fraction(1, 2), Fraction(1, 2))) == "不合格"
    counts = {"peer": (10, 0, 0, 0), "public": (0, 30, 0, 0)}
    assert shares(counts) == (Fraction(1, 4), Fraction(3, 4), 0, 0)
    weighted = {"peer": Fraction(3, 5), "public": Fraction(2, 5)}
    assert shares(counts, weighted) == (Fraction(3, 5), Fraction(2, 5), 0, 0)
    assert shares({"peer": (0, 0, 0, 0)}) is None


def test_cap_warning():
    rows = [(f"党员{i}", {"peer": (9, 1, 0, 0)}) for i in range(4)]
    rows += [(f"党员{i}", {"peer": (1, 9, 0, 0)}) for i in range(4, 9)]
    summary = summarize(rows, GradeRule(), cap=Fraction(1, 3))
    assert (summary.excellent, summary.limit, summary.over_cap) == (4, 3, True)
    assert "4 of 9 members are rated 优秀, more than the cap of 三分之一 (3)" in summary.warnings[0]
    at_cap = [*rows[1:], ("党员9", {"peer": (1, 9, 0, 0)})]
    assert not summarize(at_cap, GradeRule()).warnings  # 3 of 9: at the cap, not over
