"""A table in the 正文 (a 12-member 领导小组 list) gets column widths from its content.

With equal widths the 分工 column wrapped to four lines beside two half-empty ones; the
PDF is measured: every row is at most two lines tall, the table spans the 版心, and a
cell whose text wraps is justified (its lines start at the cell's left edge, not a
centred stack) while the short cells stay centred.  A table that starts near a page's
foot keeps every row (LibreOffice 25.2 dropped all the rows after a header row that ended
a page), its header row with its first row, and a 「…如下：」 lead-in with the table.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from pdfgeom import LEFT, RIGHT, black_rules, lines_of, open_pdf

import gongwen
from gongwen.convert import Converter
from gongwen.layout import standard
from gongwen.layout.bodytable import column_widths

DUTIES = ["全面负责创先争优活动的组织领导和统筹协调，审定活动方案和各阶段工作总结",
          "协助组长抓好活动的组织实施，负责宣传发动、简报编写和典型经验的总结推广",
          "负责教师党员的学习教育、公开承诺和践诺检查，组织开展业务练兵和教学竞赛"]
MEMBERS = [("组长", "林明富", DUTIES[0]), ("副组长", "陈秀英", DUTIES[1])] + [
    ("成员", name, DUTIES[2]) for name in
    ("王建国", "吴静", "张伟", "李娜", "刘洋", "赵敏", "孙强", "周芳", "郑浩", "欧阳明")]
TABLE = "| 职务 | 姓名 | 分工 |\n|---|---|---|\n" + "".join(
    f"| {role} | {name} | {duty} |\n" for role, name, duty in MEMBERS)
PLAN = {"kind": "plan", "organ": "中共测试支部", "title": "关于成立创先争优活动领导小组的通知",
        "body": "# 领导小组\n经支部会议研究，成立领导小组，成员及分工如下：\n\n" + TABLE,
        "date": "2025-01-02"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[docx.document.Document, Path]:
    document = gongwen.render(PLAN)
    pdf = tmp_path_factory.mktemp("table") / "table.pdf"
    document.to_pdf(pdf)
    return docx.Document(io.BytesIO(document.to_bytes())), pdf


def test_columns_follow_their_content(rendered):
    (table,) = rendered[0].tables
    widths = [cell.width.twips for cell in table.rows[0].cells]
    grid = [int(col.w.twips) for col in table._tbl.tblGrid.gridCol_lst]
    assert widths == grid
    assert sum(widths) == standard.mm_to_twips(standard.TEXT_BLOCK_WIDTH_MM)
    role, name, duty = widths
    assert duty > 4 * max(role, name)  # the long column takes the room
    size = standard.SIHAO * standard.TWIPS_PER_PT
    assert min(role, name) >= 3 * size  # 「副组长」「欧阳明」 stay on one line


def test_no_row_wraps_beyond_two_lines(rendered):
    with open_pdf(rendered[1]) as pdf:
        rows, texts = [], []
        for page in pdf.pages:
            rules = [r for r in black_rules(page) if r.length > 100]
            assert all(r.x0 == pytest.approx(LEFT, abs=1) and r.x1 == pytest.approx(RIGHT, abs=1)
                       for r in rules)
            rows += [b.y - a.y for a, b in zip(rules, rules[1:], strict=False)]
            texts += [line.text for line in lines_of(page) if line.size == standard.SIHAO]
    assert len(rows) >= 1 + len(MEMBERS)  # and the header again on a second page
    two_lines = 2 * standard.LINE_PITCH_MM + 1
    assert max(rows) <= two_lines, [round(h, 1) for h in rows]
    assert any(text.startswith("副组长陈秀英") for text in texts)  # one line each


def test_a_wrapping_cell_is_justified_and_short_cells_centred(rendered):
    document, pdf_path = rendered
    (table,) = document.tables
    edges = [LEFT]
    for cell in table.rows[0].cells:
        edges.append(edges[-1] + standard.pt_to_mm(cell.width.twips / standard.TWIPS_PER_PT))
    margin = standard.BODY_TABLE_CELL_MARGIN_MM
    role_centre = (edges[0] + edges[1]) / 2
    duty_lines, role_centres = [], []
    with open_pdf(pdf_path) as pdf:
        for page in pdf.pages:
            for line in lines_of(page):
                if line.size != standard.SIHAO or line.text.startswith(("职务", "—")):
                    continue
                duty = [c for c in line.chars if c.x0 >= edges[2]]
                if duty:
                    duty_lines.append((duty[0].x0, duty[-1].x1))
                role = [c for c in line.chars if c.x1 <= edges[1]]
                if role:
                    role_centres.append((role[0].x0 + role[-1].x1) / 2)
    assert len(duty_lines) == 2 * len(MEMBERS)  # each duty on two lines
    for x0, _ in duty_lines:
        assert x0 == pytest.approx(edges[2] + margin, abs=0.6), duty_lines
    for _, x1 in duty_lines[::2]:  # a first line is filled to the cell's right edge
        assert x1 == pytest.approx(edges[3] - margin, abs=standard.CHAR_PITCH_MM), duty_lines
    assert role_centres and all(c == pytest.approx(role_centre, abs=0.6) for c in role_centres)


def test_more_columns_than_room_share_by_their_headers():
    header = ["序号", "姓名", "性别", "出生年月", "入党时间", "职务", "所在支部", "编号", "学历",
              "民族", "电话", "备注"]
    widths = column_widths(header, [["1", "林明富", "男", "1972.05", "1996.07", "党支部书记",
                                     "都江市实验中学党支部", "DJS001", "本科", "汉族",
                                     "13800000000", ""]], 8844, 280, 286)
    assert sum(widths) == 8844 and min(widths) > 0
    assert widths[header.index("出生年月")] > widths[header.index("性别")]


LEAD = "经支部会议研究，成员及分工如下："
SHORT_ROWS = 8
#: one-line paragraphs before the table: its header row falls from line 18 of page 1 to
#: past its foot (at 17 it was the page's last line and the rows vanished)
NEAR_FOOT = range(14, 20)


def near_foot_plan(count: int) -> dict:
    rows = "".join(f"| 成员 | 党员{i} | 负责学习 |\n" for i in range(SHORT_ROWS))
    return {**PLAN, "addressee": "各党小组",
            "body": "\n\n".join(["为弘扬志愿精神，制定本方案。"] * count)
            + f"\n\n{LEAD}\n\n| 职务 | 姓名 | 分工 |\n|---|---|---|\n{rows}\n请认真落实。\n"}


def test_a_table_near_a_page_foot_keeps_its_rows_header_and_lead_in(tmp_path):
    paths = [gongwen.render(near_foot_plan(n)).save(tmp_path / f"n{n}.docx") for n in NEAR_FOOT]
    with Converter() as converter:
        pdfs = converter.convert(paths, tmp_path / "pdf")
    for count, pdf in zip(NEAR_FOOT, pdfs, strict=True):
        with open_pdf(pdf) as document:
            pages = [[line.text for line in lines_of(page) if line.size >= standard.SIHAO
                      and not line.text.startswith("—")] for page in document.pages]
        printed = [text for page in pages for text in page if text.startswith("成员党员")]
        assert len(printed) == SHORT_ROWS, f"{count}: rows printed {printed}"
        for number, texts in enumerate(pages[:-1], start=1):
            assert not texts[-1].startswith("职务姓名"), f"{count}: header alone, page {number}"
            assert texts[-1] != LEAD, f"{count}: the lead-in left its table on page {number}"
