"""Cell texts of form tables: measured, broken only between words, columns sized from
them (gongwen.layout.formtext)."""

from __future__ import annotations

import pytest

from gongwen.layout import conventions, standard
from gongwen.layout.formtext import (
    WORD_BREAK,
    Column,
    column,
    ems,
    fit_widths,
    text_mm,
    words,
    wrap,
)

SIZE = conventions.FORM_SIZE
MARGIN = conventions.FORM_CELL_MARGIN_MM


def cell_for(text: str) -> float:
    """The narrowest cell (mm) that holds ``text`` on one line."""
    return text_mm(text, SIZE) + 2 * MARGIN + 1.0


def test_widths_count_cjk_full_and_latin_as_times_prints_it():
    assert ems("不合格") == 3.0
    assert ems("（G006）") == pytest.approx(2 + 0.722 + 3 * 0.5)  # G is wider than a digit
    assert ems(f"基本{WORD_BREAK}合格") == 4.0  # the mark takes no room
    assert text_mm("张伟", SIZE) == pytest.approx(2 * standard.pt_to_mm(SIZE))


def test_words_break_after_punctuation_before_brackets_and_at_marks():
    assert words("党支部书记、副校长") == ["党支部书记、", "副校长"]
    assert words("张伟（G006）") == ["张伟", "（G006）"]
    assert words(f"党支部{WORD_BREAK}审核{WORD_BREAK}意见") == ["党支部", "审核", "意见"]
    assert words("不合格") == ["不合格"]


@pytest.mark.parametrize(("text", "width", "expected"), [
    (f"基本{WORD_BREAK}合格", cell_for("基本合"), "基本\n合格"),  # never 基本合/格
    (f"基本{WORD_BREAK}合格", cell_for("基本合格"), "基本合格"),
    ("不合格", cell_for("不合"), "不合格"),  # one word: left whole, its column must fit it
    ("党支部书记、副校长", cell_for("党支部书记、副校"), "党支部书记、\n副校长"),
    ("张伟（G006）", cell_for("张伟（G006）"), "张伟（G006）"),
    # as few lines as it takes, as even as they can be: not 党支部审核/意见
    (f"党支部{WORD_BREAK}审核{WORD_BREAK}意见", cell_for("党支部审核"), "党支部\n审核意见"),
])
def test_wrap_breaks_only_between_words(text: str, width: float, expected: str):
    assert wrap(text, width, SIZE, MARGIN) == expected


def test_names_stay_whole_while_headers_break_and_floors_give_way_first():
    name = column(["张伟（G006）"], ["姓名"], size_pt=SIZE, margin_mm=MARGIN)
    grade = column([], [f"基本{WORD_BREAK}合格"], size_pt=SIZE, margin_mm=MARGIN, floor=16.0)
    assert name.soft == name.natural == pytest.approx(cell_for("张伟（G006）"))
    assert grade.soft == pytest.approx(cell_for("基本"))
    # room for everything on one line: the header stands whole, the rest goes to the last
    wide = fit_widths([name, grade], 100.0, spare_to=1)
    assert wide[0] == pytest.approx(name.natural) and sum(wide) == pytest.approx(100.0)
    # a little less: the floor of 16 mm goes before anything breaks
    roomy = Column(natural=20.0, soft=10.0, least=10.0, floor=30.0)
    widths = fit_widths([name, roomy], name.natural + 25.0)
    assert widths[0] == pytest.approx(name.natural) and widths[1] == pytest.approx(25.0)
    # tight: the header breaks, the name does not
    tight = fit_widths([name, grade], name.natural + grade.soft + 0.5)
    assert tight[0] == pytest.approx(name.natural)
    assert wrap(f"基本{WORD_BREAK}合格", tight[1], SIZE, MARGIN) == "基本\n合格"
    # tighter still: the name breaks before its 编号, never inside a word
    squeezed = fit_widths([name, grade], name.least + grade.least + 0.5)
    assert wrap("张伟（G006）", squeezed[0], SIZE, MARGIN) == "张伟\n（G006）"
