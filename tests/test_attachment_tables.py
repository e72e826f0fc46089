"""附件 tables built from the activity (领导小组, 阶段安排, 名册) or written inline: their
rows and columns in the DOCX, their errors, and the sample plan's two tables measured on
the PDF (each on its own 附件 page, as wide as the 版心, no cell wrapped past its lines)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import pytest
from conftest import SAMPLE, write
from pdfgeom import LEFT, RIGHT, black_rules, lines_of, open_pdf

import gongwen
from gongwen.errors import InputError
from gongwen.layout import standard
from gongwen.layout.bodytable import column_widths
from gongwen.layout.cells import printed_cells

NOTICE = """\
类型: 公文
发文机关: 中共都江市实验中学支部委员会
标题: 关于召开大会的通知
正文: 正文。
成文日期: 2024-09-03
附件:
"""


def tables(document: gongwen.Document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows]
            for table in docx.Document(io.BytesIO(document.docx)).tables
            if table._tbl.tblPr.find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblpPr") is None]


@pytest.fixture
def activity(tmp_path: Path) -> Path:
    """The sample's activity.yaml and roster in a folder of its own."""
    for name in ("activity.yaml", "members.csv", "tallies.csv"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    return tmp_path


def notice(folder: Path, attachment: str) -> Path:
    return write(folder, "n.yaml", NOTICE + attachment)


def test_leading_group_lists_the_roles_names_and_roster_positions(activity):
    rows = tables(gongwen.render(notice(activity, "  - 名称: 领导小组成员名单\n    表格: 领导小组\n")))
    assert rows == [[["小组职务", "姓名", "现任职务"],
                     ["组长", "林明富", "党支部书记、副校长"],
                     ["副组长", "陈秀英", "党支部副书记、教务主任"],
                     ["成员", "王建国", "党支部组织委员、总务主任"],
                     ["成员", "吴静", "团委书记、政治教师"]]]


def test_phases_with_their_dates_on_two_lines_and_tasks(activity):
    rows = tables(gongwen.render(notice(activity, "  - 名称: 阶段安排表\n    表格: 阶段安排\n")))[0]
    assert rows[0] == ["阶段", "起止时间", "主要任务"]
    assert rows[1][:2] == ["发动部署", "2024年9月1日—\n9月30日"]
    assert rows[2][:2] == ["组织实施", "2024年10月1日—\n2025年6月30日"]
    assert rows[4][2] == "展示成果，搞好总结，考核评议，完善机制"


def test_columns_are_chosen_and_renamed(activity):
    path = notice(activity, "  - 名称: 党员名册\n    表格: 名册\n    列: {序号: 序号, 姓名: 姓名, "
                            "职务（岗位）: 职务, 民族: 民族}\n")
    (rows,) = tables(gongwen.render(path))
    assert rows[0] == ["序号", "姓名", "职务", "民族"]
    assert rows[1] == ["1", "林明富", "党支部书记、副校长", "汉族"]
    assert len(rows) == 1 + 13 and rows[11][:2] == ["11", "扎西卓玛"]
    (default,) = tables(gongwen.render(notice(activity, "  - 名称: 名册\n    表格: 名册\n")))
    assert default[0] == ["序号", "姓名", "性别", "出生年月", "入党时间", "职务（岗位）"]
    assert default[1][3:5] == ["1972.05", "1996.07"]


def test_inline_rows_lists_or_mappings(tmp_path):
    path = notice(tmp_path, "  - 名称: 经费预算表\n    表格: [[项目, 金额], [学习资料, 3900], [合计, ]]\n"
                            "  - 名称: 日程\n    表格: [{时间: '15:00', 内容: 开会}]\n    列: [内容, 时间]\n")
    assert tables(gongwen.render(path)) == [[["项目", "金额"], ["学习资料", "3900"], ["合计", ""]],
                                            [["内容", "时间"], ["开会", "15:00"]]]


def test_a_table_below_body_text(tmp_path):
    path = notice(tmp_path, "  - 名称: 经费预算表\n    正文: 预算如下。\n    表格: [[项目], [资料]]\n")
    document = gongwen.render(path)
    texts = [p.text for p in docx.Document(io.BytesIO(document.docx)).paragraphs]
    assert "预算如下。" in texts and tables(document) == [[["项目"], ["资料"]]]


@pytest.mark.parametrize(("attachment", "where", "words"), [
    ("  - 名称: 名单\n    表格: 领导小组\n", "n.yaml:8", ["activity.yaml", "表格", "none", "hint"]),
    ("  - 名称: 名单\n    表格: 小组\n", "n.yaml:8", ["小组", "领导小组 | 阶段安排 | 名册"]),
    ("  - 名称: 名单\n    正文文件: none.md\n", "n.yaml:8",
     ["附件[1].正文文件: 'none.md': file not found (looked for ", "hint"]),
    # the second attachment is 附件[2], counted from 1 as the 附件说明 numbers it
    ("  - 名称: 名单\n    表格: 领导小组\n  - 名称: 安排\n    表格: 阶段\n", "n.yaml:10",
     ["n.yaml:10: 附件[2].表格: no table called '阶段'"]),
    ("  - 名称: 名单\n    表格: [[a, b], [1, 2]]\n    列: [c]\n", "n.yaml:9", ["'c'", "a、b"]),
    ("  - 名称: 名单\n    列: [a]\n", "n.yaml:7", ["列", "表格"]),
    ("  - 名称: 名单\n    表格: [[a, b], [1, 2, 3]]\n", "n.yaml:8", ["row 2", "3 cells"]),
    ("  - 名称: 名单\n    表格: [[姓名, 备注, 备注], [甲, 一, 二]]\n", "n.yaml:8",
     ["'备注' twice", "备注1"]),
    ("  - 名称: 名单\n    表格: [[]]\n", "n.yaml:8", ["no columns", "列1"]),
    ("  - 名称: 名单\n    表格: [{}]\n", "n.yaml:8", ["no columns", "列1"]),
])
def test_table_errors_name_the_file_line_and_field(tmp_path, attachment, where, words):
    with pytest.raises(InputError) as caught:
        gongwen.render(notice(tmp_path, attachment))
    text = str(caught.value)
    assert where in text, text
    for word in words:
        assert word in text, text


@pytest.mark.parametrize(("field", "table"), [("领导小组", "领导小组"), ("名册", "名册")])
def test_an_activity_without_the_field_names_it(activity, field, table):
    path = activity / "activity.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    if field == "领导小组":
        start = lines.index("领导小组:")
        del lines[start:start + 4]
    else:
        lines = [line for line in lines if not line.startswith("名册:")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        gongwen.render(notice(activity, f"  - 名称: 名单\n    表格: {table}\n"))
    text = str(caught.value)
    assert "activity.yaml" in text and field in text and "hint" in text, text


def test_the_width_rule_counts_the_widest_line_and_the_gap_before_digits():
    assert printed_cells("2024年10月1日—\n2025年6月30日") == pytest.approx(8.75)
    assert printed_cells("党支部书记") == 5
    char, padding = 280, 286
    widths = column_widths(["阶段", "起止时间", "主要任务"],
                           [["组织实施", "2024年10月1日—\n2025年6月30日", "开展业务练兵" * 6]],
                           standard.mm_to_twips(standard.TEXT_BLOCK_WIDTH_MM), char, padding)
    assert widths[1] >= 8.75 * char + padding  # one line each, as the text asks


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("annex") / "plan.pdf"
    gongwen.render(SAMPLE / "plan.yaml").to_pdf(path)
    return path


def test_the_sample_plans_tables_fill_the_text_block_on_their_pages(plan_pdf):
    with open_pdf(plan_pdf) as pdf:
        pages = {lines_of(page)[0].text: (page, lines_of(page)) for page in pdf.pages
                 if lines_of(page) and lines_of(page)[0].text.startswith("附件")}
        assert list(pages) == ["附件1", "附件2"]
        for label, (page, lines) in pages.items():
            rules = [rule for rule in black_rules(page) if rule.length > 100]
            assert len(rules) >= 5, label  # header + at least 4 rows
            for rule in rules[:5]:
                assert rule.x0 == pytest.approx(LEFT, abs=1) and rule.x1 == pytest.approx(
                    RIGHT, abs=1)
            cells = [line for line in lines if line.size == standard.SIHAO]
            assert all(line.x0 >= LEFT - 0.3 and line.x1 <= RIGHT + 0.3 for line in cells)
        texts = [line.text.replace(" ", "") for line in pages["附件1"][1]]
        assert "副组长陈秀英党支部副书记、教务主任" in texts  # one line a row
        texts = [line.text.replace(" ", "") for line in pages["附件2"][1]]
        for period in ("2024年10月1日—", "2025年6月30日", "2024年9月1日—", "9月30日"):
            assert any(period in text for text in texts), (period, texts)
        rows = [text for text in texts if text.startswith(("发动部署", "组织实施"))]
        assert [row[:4] for row in rows] == ["发动部署", "组织实施"]


def _spoil(roster: Path, name: str, column: str, value: str) -> None:
    """Write ``value`` into ``column`` of ``name``'s row of a CSV roster."""
    import csv

    rows = list(csv.reader(roster.open(encoding="utf-8")))
    index = rows[0].index(column)
    for row in rows[1:]:
        if row[1] == name:
            row[index] = value
    with roster.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)


def test_a_bad_roster_row_outside_the_group_does_not_stop_the_group_table(activity):
    _spoil(activity / "members.csv", "黄丽华", "出生年月", "1985.13")
    rows = tables(gongwen.render(notice(activity, "  - 名称: 领导小组成员名单\n    表格: 领导小组\n")))
    assert rows[0][1] == ["组长", "林明富", "党支部书记、副校长"]
    assert rows[0][4] == ["成员", "吴静", "团委书记、政治教师"]
    with pytest.raises(InputError) as caught:  # the 名册 prints every row: it still stops
        gongwen.render(notice(activity, "  - 名称: 名册\n    表格: 名册\n"))
    assert "members.csv:row " in str(caught.value) and "1985.13" in str(caught.value)


def test_a_bad_roster_row_of_a_group_member_names_its_row_and_column(activity):
    _spoil(activity / "members.csv", "黄丽华", "出生年月", "1985.13")
    _spoil(activity / "members.csv", "吴静", "性别", "X")
    with pytest.raises(InputError) as caught:
        gongwen.render(notice(activity, "  - 名称: 领导小组成员名单\n    表格: 领导小组\n"))
    message = str(caught.value)
    assert "members.csv:row 11, column C: 性别 (gender): 'X' is not 男 or 女" in message
