"""民主评议 records: the form (测评表, 登记表, 汇总表) picks the renderer.

This module lays the 测评表 (ballot): one row per member, a tick column per grade and an
optional 存在问题 column, its header row repeated on every page.  The page turns
landscape when the columns need more than the portrait text block (or when the data
says so); see :mod:`gongwen.templating.builder.forms` for where its page number goes.  A
ballot that would spill a few rows onto a second sheet is set in the 汇总表's smaller
type when that puts it on one: a branch hands out one sheet per voter.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc

from ..inputs.roster import Roster, header_field
from ..layout import conventions, formtext, standard
from ..layout import formtables as ft
from ..layout import rules as layout
from ..layout.formtext import WORD_BREAK, Column
from ..models.evaluation import Evaluation
from ..models.member import Member
from ..models.scoring import GRADES, share_text
from ..templating.builder.forms import set_landscape, text_width_mm
from ..text import format_date
from .document import Document, RenderOptions, properties, render_with

NUMBER_HEADER = "序号"
NAME_HEADER = "姓名"
PROBLEMS_HEADER = f"存在的{WORD_BREAK}主要{WORD_BREAK}问题"
#: where a grade's header may break when its column is narrow (「不合格」 never does)
GRADE_HEADERS = {"基本合格": f"基本{WORD_BREAK}合格"}
VOTER_LINE = "评议人类别：□党员　□群众"
#: a column never gets wider than this for the texts in it (it wraps instead)
MAX_TEXT_COLUMN_MM = 50.0
#: a page is taken as full this much before its end: the estimate of a page's content
#: (:func:`ballot_height`) must not decide on a fraction of a millimetre
_PAGE_RESERVE_MM = 4.0


#: makes a table form's three sub-documents (info lines, table, notes) for a text width
Parts = Callable[[DocxTemplate, float], tuple[Subdoc, Subdoc, Subdoc]]


def render_table_form(name: str, model: Evaluation, options: RenderOptions, *,
                      landscape: bool, parts: Parts, title: str | None = None) -> bytes:
    """Render a title-info-table-notes template; ``parts(tpl, width_mm)`` gives the
    three sub-documents.  ``landscape`` turns a portrait template's page."""
    profile = options.profile or model.profile

    def build_context(tpl: DocxTemplate) -> dict[str, Any]:
        section = tpl.get_docx().sections[0]
        if landscape and section.page_width < section.page_height:
            set_landscape(section, standard.get_profile(profile))
        width = text_width_mm(section)
        info, table, notes = parts(tpl, width)
        heading = title or model.heading
        return {"title": heading, "title_lines": title_lines(heading, width),
                "info": info, "table": table, "notes": notes}

    return render_with(name, build_context, template=options.template, profile=profile,
                       properties=properties(title or model.heading, model.branch,
                                             model.date))


def title_lines(title: str, width_mm: float) -> list[str]:
    """One line when the title fits ``width_mm`` (a landscape page), else the balanced
    lines of the portrait text block."""
    if "\n" not in title and layout.text_cells(title) * standard.pt_to_mm(standard.ERHAO) \
            <= width_mm:
        return [title]
    return layout.title_lines(title)


def date_text(date: dt.date | None) -> str:
    return format_date(date) if date else conventions.FORM_BLANK_DATE


def grade_header(grade: str) -> str:
    """A grade as a column header: where it may break marked."""
    return GRADE_HEADERS.get(grade, grade)


def notes(sub: Subdoc, lines: Sequence[str], style_id: str = "GwFormNote") -> None:
    """The notes under a table; they stay on one page with each other and with the
    table's last rows (see :meth:`gongwen.formtables.FormTable.keep_tail`)."""
    for line in lines:
        layout.styled(sub, line, style_id)
    ft.keep_together(sub)


# --- 测评表 --------------------------------------------------------------------------


def _extra_columns(model: Evaluation) -> list[tuple[str, str]]:
    """(header, member field or extra column) for each of the data's 列."""
    return [(text, header_field(text) or text) for text in model.columns]


def ballot_widths(labels: Sequence[str], extras: Sequence[tuple[str, Sequence[str]]],
                  problems: str | None, orientation: str, *, dense: bool = False,
                  landscape: bool | None = None) -> tuple[list[float], bool]:
    """Column widths and whether the page is landscape.

    Each column gets what its texts need (:mod:`gongwen.layout.formtext`), at least the
    standard's minimum (the 存在问题 column a fixed width); when that is more than the
    portrait text block the page turns landscape (``auto``), unless ``landscape`` is
    given.  Room left over lets the grade headers stand on one line, then goes to the
    存在问题 column (else to all).  A table still too wide narrows the floors first,
    then breaks headers and 列 texts between words, names last.
    """
    size, margin = _type(dense)
    minimum = conventions.BALLOT_MIN_WIDTHS_MM

    def column(whole: Sequence[str] = (), breakable: Sequence[str] = (), floor: float = 0.0,
               cap: float | None = None) -> Column:
        return formtext.column(whole, breakable, size_pt=size, margin_mm=margin, floor=floor,
                               cap=cap)

    columns = [column([str(len(labels))], [NUMBER_HEADER], minimum["number"]),
               column(labels, [NAME_HEADER])]
    columns += [column((), [header, *values], minimum["extra"], MAX_TEXT_COLUMN_MM)
                for header, values in extras]
    # the tick columns are alike: as wide as the widest grade header needs
    columns += [column((), [grade_header(g) for g in GRADES], minimum["grade"])] * len(GRADES)
    if problems:
        header = column((), [problems])
        least = max(header.least, minimum["problems_least"])
        columns.append(Column(natural=max(header.natural, least), soft=max(header.soft, least),
                              least=least, floor=minimum["problems"]))
    if landscape is None:
        landscape = orientation == "landscape" or (
            orientation == "auto"
            and sum(c.preferred for c in columns) > standard.TEXT_BLOCK_WIDTH_MM)
    room = conventions.LANDSCAPE_TEXT_WIDTH_MM if landscape else standard.TEXT_BLOCK_WIDTH_MM
    widths = formtext.fit_widths(columns, room,
                                 spare_to=len(columns) - 1 if problems else None)
    return widths, landscape


def _type(dense: bool) -> tuple[float, float]:
    """Type size (pt) and cell margin (mm) of a table's cells."""
    if dense:
        return conventions.FORM_DENSE_SIZE, conventions.FORM_DENSE_CELL_MARGIN_MM
    return conventions.FORM_SIZE, conventions.FORM_CELL_MARGIN_MM


def ballot_height(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
                  note_lines: Sequence[str], widths: Sequence[float], *,
                  landscape: bool, dense: bool) -> float:
    """An estimate (mm) of the ballot's height on one page: title, info lines, header
    row, member rows, notes — each row as tall as its tallest cell's lines, at least
    the row height the form asks for."""
    size, margin = _type(dense)
    form_line = standard.pt_to_mm(conventions.FORM_SIZE * conventions.FORM_LINE_SPACING)
    cell_line = standard.pt_to_mm(size * (conventions.FORM_DENSE_LINE_SPACING if dense
                                          else conventions.FORM_LINE_SPACING))
    least = conventions.FORM_DENSE_ROW_MIN_HEIGHT_MM if dense else conventions.FORM_ROW_MIN_HEIGHT_MM
    text_width = conventions.LANDSCAPE_TEXT_WIDTH_MM if landscape else standard.TEXT_BLOCK_WIDTH_MM

    def row_height(texts: Sequence[str], minimum: float) -> float:
        lines = max((formtext.wrap(t, w, size, margin).count("\n") + 1
                     for t, w in zip(texts, widths, strict=False) if t), default=1)
        return max(minimum, lines * cell_line) + conventions.FORM_RULE_MM

    height = len(title_lines(title, text_width)) * standard.LINE_PITCH_MM + 3 * form_line
    height += row_height(headers, 0.0) + sum(row_height(r, least) for r in rows)
    indent = standard.pt_to_mm(conventions.FORM_SIZE) * standard.BODY_INDENT_CHARS
    tracking = standard.pt_to_mm(standard.BODY_TRACKING_PT)  # the forms' tracking too
    for line in note_lines:
        wide = indent + formtext.text_mm(line, conventions.FORM_SIZE) + len(line) * tracking
        height += math.ceil(wide / text_width) * form_line
    return height


def ballot_dense(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
                 note_lines: Sequence[str], layout_of: Callable[[bool], list[float]], *,
                 landscape: bool) -> bool:
    """Whether the ballot is set dense: it spills onto a second page in 四号 and fits
    one in 五号 (``layout_of(dense)``: the column widths)."""
    page = (conventions.LANDSCAPE_PAGE_HEIGHT_MM - conventions.LANDSCAPE_MARGIN_TOP_MM
            - conventions.LANDSCAPE_MARGIN_BOTTOM_MM) if landscape \
        else standard.TEXT_BLOCK_HEIGHT_MM
    page -= _PAGE_RESERVE_MM
    if len(rows) * conventions.FORM_DENSE_ROW_MIN_HEIGHT_MM > page:
        return False  # many pages either way: not worth measuring every cell

    def height(dense: bool) -> float:
        return ballot_height(title, headers, rows, note_lines, layout_of(dense),
                             landscape=landscape, dense=dense)

    return height(False) > page and height(True) <= page


def render_ballot(model: Evaluation, options: RenderOptions, roster: Roster) -> list[Document]:
    members = roster.select(options.members)
    labels = [roster.label(m) for m in members]
    extras = _extra_columns(model)
    values = {h: [_field(m, f, model) for m in members] for h, f in extras}
    problems = PROBLEMS_HEADER if model.problems is True else (model.problems or None)
    columns = [(h, values[h]) for h, _ in extras]
    widths, landscape = ballot_widths(labels, columns, problems, model.orientation)
    headers = [NUMBER_HEADER, NAME_HEADER, *(h for h, _ in extras),
               *map(grade_header, GRADES)]
    headers += [problems] if problems else []
    rows = [[str(row), label, *(values[h][row - 1] for h, _ in extras)]
            for row, label in enumerate(labels, start=1)]
    note_lines = _ballot_notes(model)
    def layout_of(dense: bool) -> list[float]:
        return ballot_widths(labels, columns, problems, model.orientation, dense=dense,
                             landscape=landscape)[0]

    dense = ballot_dense(model.heading, headers, rows, note_lines, layout_of,
                         landscape=landscape)
    if dense:
        widths = layout_of(True)
    style = "GwFormDense" if dense else "GwFormCell"
    row_height = (conventions.FORM_DENSE_ROW_MIN_HEIGHT_MM if dense
                  else conventions.FORM_ROW_MIN_HEIGHT_MM)

    def parts(tpl: DocxTemplate, width: float) -> tuple[Subdoc, Subdoc, Subdoc]:
        info = tpl.new_subdoc()
        ft.info_line(info, f"党支部：{model.branch}", f"评议日期：{date_text(model.date)}",
                     width)
        ft.info_line(info, VOTER_LINE, "", width)
        table_doc = tpl.new_subdoc()
        table = ft.FormTable(table_doc, widths, len(members) + 1, dense=dense)
        for column, text in enumerate(headers):
            table.put(table.cell(0, column), text)
        table.repeat_header(0)
        for row, cells in enumerate(rows, start=1):
            table.fill(row, cells, style)
            table.keep_whole(row)
            table.min_height(row, row_height)
        table.keep_tail()
        note_doc = tpl.new_subdoc()
        notes(note_doc, note_lines)
        return info, table_doc, note_doc

    docx = render_table_form("evaluation-ballot", model, options, landscape=landscape,
                             parts=parts)
    return [Document("evaluation", model.heading, docx, model, options.source.file)]


def _field(member: Member, name: str, model: Evaluation) -> str:
    if name == "branch" and not member.branch:
        return model.branch
    return member.field_text(name, model.year_month_style)


def _ballot_notes(model: Evaluation) -> list[str]:
    if model.instructions:
        return [line.strip() for line in model.instructions.splitlines() if line.strip()]
    return [
        "说明：1.请在每名党员对应的等次栏内划“√”，每名党员只选一个等次，"
        "多选或不选的视为弃权。",
        f"2.评为“优秀”等次的人数不超过参评党员人数的{share_text(model.cap)}。",
        "3.本表不记名，填好后当场投入票箱。",
    ]

