"""A roster checked whole (``gongwen roster``, the 花名册 page): every bad row with each
of its problems, where the loader stops at the first."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_roster import HEADER, csv_file, xlsx_file

from gongwen.cli import main
from gongwen.errors import InputError
from gongwen.inputs.roster import load_roster
from gongwen.inputs.roster_check import check_roster

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "chuangxian"
BAD = (HEADER + ",编号\n"
       "张伟,男,1980.05,2005.07,书记,第一支部,01\n"
       "李娜,妖,1985.13,2010.01,委员,第一支部,02\n"        # row 3: gender and birth
       "王芳,女,1990.01,2001.01,党员,第一支部,03\n"         # row 4: joined at 11
       "赵强,男,1978.02,2000.06,党员,第一支部,01\n"         # row 5: 编号 of row 2
       "刘洋,男,1988.08,2012.09,党员,第一支部,05\n")


def test_every_bad_row_is_listed_with_each_problem(tmp_path):
    path = csv_file(tmp_path, BAD)
    checked = check_roster(path)
    assert [row.number for row in checked.rows] == [2, 3, 4, 5, 6]
    assert [row.number for row in checked.bad_rows] == [3, 4, 5]
    assert [m.name for m in checked.members] == ["张伟", "刘洋"]
    row3 = checked.rows[1]
    assert row3.cells[:3] == ["李娜", "妖", "1985.13"]
    assert [(p.column, p.field) for p in row3.problems] == [
        ("B", "性别 (gender)"), ("C", "出生年月 (birth)")]
    assert "'妖' is not 男 or 女" in row3.problems[0].message
    assert row3.bad_columns() == {"B", "C"}
    row4 = checked.rows[2]
    assert row4.problems[0].column == "D" and "before the member turned 18" in str(
        row4.problems[0])
    assert "swapped" in (row4.problems[0].hint or "")
    row5 = checked.rows[3]
    assert row5.problems[0].column == "G" and "also on row 2" in row5.problems[0].message
    assert checked.summary().startswith("5 rows, 2 good, 3 bad")


def test_the_first_problem_is_the_one_the_loader_raises(tmp_path):
    path = csv_file(tmp_path, BAD)
    with pytest.raises(InputError) as info:
        load_roster(path)
    first = check_roster(path).bad_rows[0].problems[0]
    assert info.value.location.row == first.row == 3
    assert info.value.location.column == first.column and info.value.message == first.message


def test_the_sample_rosters_have_no_bad_row():
    for name in ("members.csv", "members.xlsx"):
        checked = check_roster(SAMPLE / name)
        assert len(checked.rows) == 13 and not checked.bad_rows
        assert [m.name for m in checked.members] == [m.name for m in load_roster(SAMPLE / name)]
    mapped = check_roster(SAMPLE / "members.csv").mapped()
    assert ("姓名", "姓名", "B") in mapped  # A is 序号


def test_an_xlsx_row_number_is_the_one_excel_shows(tmp_path):
    path = xlsx_file(tmp_path, [["第一支部党员花名册"], [], ["姓名", "性别", "出生年月"],
                                ["张伟", "男", "1980.05"], [], ["", "女", "1990.01"]])
    checked = check_roster(path)
    assert [(row.number, row.ok) for row in checked.rows] == [(4, True), (6, False)]
    assert checked.bad_rows[0].problems[0].message == "is empty"
    assert checked.bad_rows[0].problems[0].column == "A"


def test_a_sheet_without_a_header_is_one_error(tmp_path):
    path = csv_file(tmp_path, "名字甲,性别\n张伟,男\n")
    with pytest.raises(InputError) as info:
        check_roster(path)
    assert "no 姓名 column" in str(info.value)


def test_cli_prints_every_bad_row_and_exits_2(tmp_path):
    path = csv_file(tmp_path, BAD)
    result = CliRunner().invoke(main, ["roster", str(path)])
    assert result.exit_code == 2, result.output
    assert "5 rows, 2 good, 3 bad" in result.stdout
    assert "A  姓名" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 4
    assert errors[0].endswith("members.csv:row 3, column B: 性别 (gender): '妖' is not 男 or 女")
    assert "row 5, column G" in errors[3] and "hint:" in errors[3]


def test_cli_exits_0_for_a_good_roster_and_2_for_an_unreadable_one(tmp_path):
    good = CliRunner().invoke(main, ["roster", str(SAMPLE / "members.xlsx")])
    assert good.exit_code == 0 and "13 rows, 13 good, 0 bad" in good.stdout
    missing = CliRunner().invoke(main, ["roster", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "file not found" in missing.stderr
