"""The 附件说明 (GB/T 9704 7.3.4), measured on the PDF: 「附件：1.名称」 with later names
under 「1.」, and a name too long for its line going on under its own first character —
past its 「1.」 when the names are numbered, past 「附件：」 when there is one."""

from __future__ import annotations

import pytest
from pdfgeom import lines_of, open_pdf

import gongwen
from gongwen.checker import check_pdf_bytes
from gongwen.layout import standard

LONG = "创先争优活动领导小组成员名单及各党小组组长联系方式和分工安排一览表"


def note_lines(tmp_path, names: list[str]) -> list:
    """The 附件说明's lines; the check finds nothing wrong with them (GW307)."""
    data = {"kind": "plan", "organ": "中共测试县第二小学支部委员会",
            "title": "关于开展主题党日活动的实施方案", "addressee": "各党小组",
            "body": "为落实上级要求，制定本方案。\n", "attachments": names, "date": "2025-03-05"}
    path = tmp_path / "plan.pdf"
    gongwen.render(data).to_pdf(path)
    assert [f.describe() for f in check_pdf_bytes(path.read_bytes(), "plan.pdf")
            if f.rule.id == "GW307"] == []
    with open_pdf(path) as pdf:
        lines = lines_of(pdf.pages[0])
    start = next(i for i, line in enumerate(lines) if line.text.startswith("附件："))
    end = next(i for i, line in enumerate(lines) if line.text.startswith("中共测试县"))
    return lines[start:end]


def x_of(line, text: str) -> float:
    return next(c.x0 for c in line.chars if c.text == text)


def test_a_long_numbered_name_wraps_under_its_first_character(tmp_path):
    first, wrapped, second = note_lines(tmp_path, [LONG, "活动安排表"])
    assert first.text.startswith("附件：1.创先")
    assert LONG.endswith(wrapped.text) and second.text == "2.活动安排表"
    name_start = x_of(first, "创")
    assert wrapped.x0 == pytest.approx(name_start, abs=0.5)  # not under 「1.」
    assert second.x0 == pytest.approx(x_of(first, "1"), abs=0.3)  # 「2.」 under 「1.」
    indent = standard.BODY_INDENT_CHARS * standard.ONE_CHAR_MM
    assert first.x0 == pytest.approx(standard.MARGIN_LEFT_MM + indent, abs=0.3)


def test_a_single_long_name_wraps_under_its_first_character(tmp_path):
    first, wrapped = note_lines(tmp_path, [LONG])
    assert first.text.startswith("附件：创先") and LONG.endswith(wrapped.text)
    assert wrapped.x0 == pytest.approx(x_of(first, "创"), abs=0.3)
