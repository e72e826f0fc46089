"""The member part of the 承诺书 and 民主评议 forms: a member's data in three rows of a
six-column grid, and that grid's widths sized from what it holds.  The forms' own rows
go below, in the same columns (:mod:`gongwen.layout.formtables` builds the table)."""

from __future__ import annotations

from collections.abc import Sequence

from ..models.member import Member
from . import conventions, formtext
from .formtables import FormTable

#: member data as forms print it: (label, Member field), three rows of a six-column grid
MEMBER_ROWS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("姓名", "name"), ("性别", "gender"), ("出生年月", "birth")),
    (("入党时间", "joined"), ("职务/岗位", "position")),
    (("所在支部", "branch"),),
)
#: widths of a member form's first five columns: the label column (民主评议, 审核意见 …),
#: then value, label (职务/岗位), value (性别), label (出生年月); the sixth takes the rest
MEMBER_GRID_MM = (30.0, 25.0, 27.0, 18.0, 25.0)
MEMBER_GRID_COLUMNS = len(MEMBER_GRID_MM) + 1


def member_grid(width_mm: float, member: Member, *, name: str, year_month_style: str,
                labels: Sequence[str] = (),
                cells: Sequence[tuple[Sequence[str], Sequence[str]]] = ()) -> list[float]:
    """The six columns of a member form ``width_mm`` wide, sized from what they hold.

    The member rows' labels and values, the form's own ``labels`` (first column) and
    ``cells``: per column from the second, (whole, breakable) texts of the form's own
    rows (see :func:`gongwen.layout.formtext.column`).  :data:`MEMBER_GRID_MM` are the widths
    wanted when there is room; a long name (张伟（G006）) takes room from them before it
    is ever broken, and the sixth column takes what is left.
    """
    whole: list[list[str]] = [[] for _ in range(MEMBER_GRID_COLUMNS)]
    breakable: list[list[str]] = [[] for _ in range(MEMBER_GRID_COLUMNS)]
    for pairs in MEMBER_ROWS:
        column = 0
        for index, (label, field) in enumerate(pairs):
            breakable[column].append(label)
            last = MEMBER_GRID_COLUMNS - 1 if index == len(pairs) - 1 else column + 1
            if last == column + 1:  # a value in a merged cell has the room of several
                whole[last].append(name if field == "name"
                                   else member.field_text(field, year_month_style))
            column = last + 1
    breakable[0] += labels
    for column, (own_whole, own_breakable) in enumerate(cells, start=1):
        whole[column] += own_whole
        breakable[column] += own_breakable
    floors = [*MEMBER_GRID_MM, 0.0]
    columns = [formtext.column(whole[i], breakable[i], size_pt=conventions.FORM_SIZE,
                               margin_mm=conventions.FORM_CELL_MARGIN_MM, floor=floors[i])
               for i in range(MEMBER_GRID_COLUMNS)]
    return formtext.fit_widths(columns, width_mm, spare_to=MEMBER_GRID_COLUMNS - 1)


def member_rows(table: FormTable, first: int, member: Member, *, name: str,
                year_month_style: str) -> int:
    """Fill the three member-data rows from row ``first``; returns the next free row.

    The last pair of a row takes the rest of the row (职务/岗位, 所在支部).
    """
    for offset, pairs in enumerate(MEMBER_ROWS):
        row = first + offset
        column = 0
        for index, (label, field) in enumerate(pairs):
            value = name if field == "name" else member.field_text(field, year_month_style)
            table.put(table.cell(row, column), label)
            last = MEMBER_GRID_COLUMNS - 1 if index == len(pairs) - 1 else column + 1
            table.put(table.merge(row, column + 1, last), value)
            column = last + 1
        table.min_height(row, conventions.FORM_ROW_MIN_HEIGHT_MM)
    return first + len(MEMBER_ROWS)
