"""Ruled form tables in docxtpl sub-documents: fixed column widths, merged cells,
header rows that repeat on every page, rows with room for handwriting.

:mod:`gongwen.layout` lays the running text of a 公文; this module lays the tables the
承诺书 and the 民主评议 records are made of.  Widths are millimetres, styles are the
template's form styles (``GwFormCell``, ``GwFormText`` …).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docx.shared import Twips
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as DocxParagraph
from docxtpl.subdoc import Subdoc

from . import standard
from .models.member import Member
from .ooxml import border, child
from .standard import mm_to_twips

FULL_WIDTH_SPACE = "\u3000"
WORD_JOINER = "\u2060"
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


def form_table(sub: Subdoc, widths_mm: Sequence[float], rows: int, *,
               dense: bool = False) -> DocxTable:
    """A centred table of fixed ``widths_mm`` columns, ruled all round and inside."""
    table = sub.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    child(tbl_pr, "w:tblW", w=mm_to_twips(sum(widths_mm)), type="dxa")
    child(tbl_pr, "w:jc", val="center")
    borders = child(tbl_pr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border(borders, side, width_pt=standard.mm_to_pt(standard.FORM_RULE_MM),
               color=standard.BLACK)
    margin = standard.FORM_DENSE_CELL_MARGIN_MM if dense else standard.FORM_CELL_MARGIN_MM
    margins = child(tbl_pr, "w:tblCellMar")
    for side in ("left", "right"):
        child(margins, f"w:{side}", w=mm_to_twips(margin), type="dxa")
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        grid_col.w = Twips(mm_to_twips(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Twips(mm_to_twips(width))
            valign(cell, "center")
    return table


def write(cell: _Cell, text: str, style_id: str = "GwFormCell", *,
          align: str | None = None) -> DocxParagraph:
    """Put ``text`` in ``cell``: into its first paragraph if empty, else a new one."""
    first = cell.paragraphs[0]
    fresh = len(cell.paragraphs) == 1 and not first.runs and first._p.pPr is None
    paragraph = first if fresh else cell.add_paragraph()
    if text:
        paragraph.add_run(text)
    ppr = paragraph._p.get_or_add_pPr()
    child(ppr, "w:pStyle", val=style_id)
    if align:
        child(ppr, "w:jc", val=align)
    return paragraph


def paragraphs(text: str | None) -> list[str]:
    """Paragraphs of a text written in YAML: a blank line separates them, and a line
    break inside one is only the writer's wrapping (joined without a space, as Chinese
    is; with one between two Latin words)."""
    result = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        joined = ""
        for line in lines:
            latin = joined[-1:].isascii() and joined[-1:].isalnum() and line[0].isascii()
            joined += (" " if latin else "") + line
        if joined:
            result.append(joined)
    return result


def underline_blank(paragraph: DocxParagraph, chars: int) -> None:
    """An underlined run of full-width spaces: a line to sign or write on.

    A word joiner ends it, because LibreOffice drops trailing spaces (and their
    underline) at the end of a right-aligned line.
    """
    run = paragraph.add_run(FULL_WIDTH_SPACE * chars + WORD_JOINER)
    run.underline = True


def cell(table: DocxTable, row: int, column: int) -> _Cell:
    """The cell over grid ``column`` of ``row``; a merged cell answers for all its columns.

    Walks one row only: python-docx's ``table.cell`` lays out the whole table each call.
    """
    position = 0
    for tc in table._tbl.tr_lst[row].tc_lst:
        if position <= column < position + tc.grid_span:
            return _Cell(tc, table)
        position += tc.grid_span
    raise IndexError(f"row {row} has no column {column}")


def merge(table: DocxTable, row: int, first: int, last: int) -> _Cell:
    """Merge grid columns ``first``..``last`` of ``row`` (cells still empty) into one."""
    tr = table._tbl.tr_lst[row]
    widths = [col.w for col in table._tbl.tblGrid.gridCol_lst]
    target, position = None, 0
    for tc in list(tr.tc_lst):
        span = tc.grid_span
        if position == first:
            target = tc
        elif target is not None and position <= last:
            target.grid_span += span
            tr.remove(tc)
        position += span
    if target is None:
        raise IndexError(f"no cell starts at column {first} of row {row}")
    target.width = Twips(sum(widths[first:last + 1]))
    return _Cell(target, table)


def merge_down(table: DocxTable, column: int, first: int, last: int) -> _Cell:
    """Merge rows ``first``..``last`` of ``column`` (cells still empty) into one."""
    for row in range(first, last + 1):
        cell(table, row, column)._tc.vMerge = "restart" if row == first else "continue"
    return cell(table, first, column)


def valign(cell: _Cell, where: str) -> None:
    child(cell._tc.get_or_add_tcPr(), "w:vAlign", val=where)


def repeat_header(row: _Row) -> None:
    """The row is a header row: repeated at the top of every page the table spans."""
    child(row._tr.get_or_add_trPr(), "w:tblHeader")
    keep_whole(row)


def keep_whole(row: _Row) -> None:
    """The row never breaks across pages."""
    child(row._tr.get_or_add_trPr(), "w:cantSplit")


def min_height(row: _Row, mm: float) -> None:
    child(row._tr.get_or_add_trPr(), "w:trHeight", val=mm_to_twips(mm), hRule="atLeast")


def info_line(sub: Subdoc, left: str, right: str, width_mm: float) -> DocxParagraph:
    """One line with ``left`` flush left and ``right`` flush right (a right tab stop)."""
    paragraph = sub.add_paragraph(left)
    ppr = paragraph._p.get_or_add_pPr()
    child(ppr, "w:pStyle", val="GwFormInfo")
    tabs = child(ppr, "w:tabs")
    child(tabs, "w:tab", val="right", pos=mm_to_twips(width_mm))
    if right:
        run = paragraph.add_run()
        child(run._r, "w:tab")
        paragraph.add_run(right)
    return paragraph


def member_grid(width_mm: float) -> list[float]:
    """The six columns of a member form ``width_mm`` wide."""
    return [*MEMBER_GRID_MM, width_mm - sum(MEMBER_GRID_MM)]


def member_rows(table: DocxTable, first: int, member: Member, *, name: str,
                year_month_style: str) -> int:
    """Fill the three member-data rows from row ``first``; returns the next free row.

    The last pair of a row takes the rest of the row (职务/岗位, 所在支部).
    """
    for offset, pairs in enumerate(MEMBER_ROWS):
        row = first + offset
        column = 0
        for index, (label, field) in enumerate(pairs):
            value = name if field == "name" else member.field_text(field, year_month_style)
            write(cell(table, row, column), label)
            last = MEMBER_GRID_COLUMNS - 1 if index == len(pairs) - 1 else column + 1
            write(merge(table, row, column + 1, last), value)
            column = last + 1
        min_height(table.rows[row], standard.FORM_ROW_MIN_HEIGHT_MM)
    return first + len(MEMBER_ROWS)


def sign_lines(sub: Subdoc, label: str, name: str | None, date_text: str) -> None:
    """Right-aligned 「label：name」 (an underlined blank without a name) and the date."""
    paragraph = sub.add_paragraph(label)
    child(paragraph._p.get_or_add_pPr(), "w:pStyle", val="GwFormSign")
    if name:
        paragraph.add_run(name)
    else:
        underline_blank(paragraph, standard.FORM_SIGNATURE_BLANK_CHARS)
    dated = sub.add_paragraph(date_text)
    child(dated._p.get_or_add_pPr(), "w:pStyle", val="GwFormSign")
