"""民主评议 records: the form (测评表, 登记表, 汇总表) picks the renderer.

This module lays the 测评表 (ballot): one row per member, a tick column per grade and an
optional 存在问题 column, its header row repeated on every page.  The page turns
landscape when the columns need more than the portrait text block (or when the data
says so); see :mod:`gongwen.templating.builder.forms` for where its page number goes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc

from ..inputs.roster import Roster, header_field
from ..layout import formtables as ft
from ..layout import rules as layout
from ..layout import standard
from ..models.evaluation import Evaluation
from ..models.member import Member
from ..models.scoring import GRADES, share_text
from ..templating.builder.forms import set_landscape, text_width_mm
from ..text import format_date
from .document import Document, RenderOptions, properties, render_with

NUMBER_HEADER = "序号"
NAME_HEADER = "姓名"
PROBLEMS_HEADER = "存在的主要问题"
#: a tick column is as wide as 不合格; 基本合格 takes two lines in its header
SHORT_GRADES = ("不合格",)
GRADE_HEADERS = {"基本合格": "基本\n合格"}
VOTER_LINE = "评议人类别：□党员　□群众"
#: a column never gets wider than this for the texts in it (it wraps instead)
MAX_TEXT_COLUMN_MM = 50.0
#: room beside a column's text for the rules and a little air
_COLUMN_AIR_MM = 1.0


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
    return format_date(date) if date else standard.FORM_BLANK_DATE


def text_width(texts: Sequence[str], size: float = standard.FORM_SIZE,
               margin: float = standard.FORM_CELL_MARGIN_MM) -> float:
    """The width (mm) a column needs to hold the longest of ``texts`` on one line."""
    cells = max((layout.text_cells(t) for t in texts), default=0)
    return cells * standard.pt_to_mm(size) + 2 * margin + _COLUMN_AIR_MM


def notes(sub: Subdoc, lines: Sequence[str], style_id: str = "GwFormNote") -> None:
    for line in lines:
        layout.styled(sub, line, style_id)


# --- 测评表 --------------------------------------------------------------------------


def _extra_columns(model: Evaluation) -> list[tuple[str, str]]:
    """(header, member field or extra column) for each of the data's 列."""
    return [(text, header_field(text) or text) for text in model.columns]


def ballot_widths(labels: Sequence[str], extras: Sequence[tuple[str, Sequence[str]]],
                  problems: bool, orientation: str) -> tuple[list[float], bool]:
    """Column widths and whether the page is landscape.

    Each column gets what its longest text needs (the 存在问题 column a fixed width);
    when that is more than the portrait text block the page turns landscape (``auto``).
    Room left over goes to the 存在问题 column, else to all but 序号.  A table still too
    wide narrows the 列 and 存在问题 columns towards their minimums, so that 序号, 姓名
    and the tick columns keep their width; only then is everything scaled.
    """
    minimum = standard.BALLOT_MIN_WIDTHS_MM
    name = min(MAX_TEXT_COLUMN_MM, text_width([NAME_HEADER, *labels]))
    fixed = [max(minimum["number"], text_width([NUMBER_HEADER])), name]
    fixed += [max(minimum["grade"], text_width(SHORT_GRADES))] * len(GRADES)
    natural, least = [], []
    for header, values in extras:
        wanted = max(minimum["extra"], text_width([header, *values]))
        natural.append(min(MAX_TEXT_COLUMN_MM, wanted))
        least.append(minimum["extra"])
    if problems:
        natural.append(minimum["problems"])
        least.append(minimum["problems_least"])
    need = sum(fixed) + sum(natural)
    landscape = orientation == "landscape" or (
        orientation == "auto" and need > standard.TEXT_BLOCK_WIDTH_MM)
    room = standard.LANDSCAPE_TEXT_WIDTH_MM if landscape else standard.TEXT_BLOCK_WIDTH_MM
    flexible = _fit(natural, least, room - sum(fixed))
    if problems and need < room:
        flexible[-1] += room - need
    elif need < room:  # widen all but 序号
        share = (room - need) / (len(fixed) - 1 + len(flexible))
        fixed = [fixed[0], *(w + share for w in fixed[1:])]
        flexible = [w + share for w in flexible]
    extra_widths = flexible[:len(extras)]
    widths = [*fixed[:2], *extra_widths, *fixed[2:], *flexible[len(extras):]]
    total = sum(widths)
    return ([w * room / total for w in widths] if total > room else widths), landscape


def _fit(natural: list[float], least: list[float], room: float) -> list[float]:
    """Narrow ``natural`` widths towards ``least`` in proportion until they fit ``room``."""
    excess = sum(natural) - room
    slack = sum(n - m for n, m in zip(natural, least, strict=True))
    if excess <= 0 or slack <= 0:
        return list(natural)
    cut = min(1.0, excess / slack)
    return [n - (n - m) * cut for n, m in zip(natural, least, strict=True)]


def render_ballot(model: Evaluation, options: RenderOptions, roster: Roster) -> list[Document]:
    members = roster.select(options.members)
    labels = [roster.label(m) for m in members]
    extras = _extra_columns(model)
    values = {h: [_field(m, f, model) for m in members] for h, f in extras}
    problems = PROBLEMS_HEADER if model.problems is True else (model.problems or None)
    widths, landscape = ballot_widths(labels, [(h, values[h]) for h, _ in extras],
                                      bool(problems), model.orientation)

    def parts(tpl: DocxTemplate, width: float) -> tuple[Subdoc, Subdoc, Subdoc]:
        info = tpl.new_subdoc()
        ft.info_line(info, f"党支部：{model.branch}", f"评议日期：{date_text(model.date)}",
                     width)
        ft.info_line(info, VOTER_LINE, "", width)
        table_doc = tpl.new_subdoc()
        headers = [NUMBER_HEADER, NAME_HEADER, *(h for h, _ in extras),
                   *(GRADE_HEADERS.get(g, g) for g in GRADES)]
        headers += [problems] if problems else []
        table = ft.FormTable(table_doc, widths, len(members) + 1)
        for column, text in enumerate(headers):
            ft.write(table.cell(0, column), text)
        table.repeat_header(0)
        for row, label in enumerate(labels, start=1):
            cells = [str(row), label, *(values[h][row - 1] for h, _ in extras)]
            table.fill(row, cells)
            table.keep_whole(row)
            table.min_height(row, standard.FORM_ROW_MIN_HEIGHT_MM)
        note_doc = tpl.new_subdoc()
        notes(note_doc, _ballot_notes(model))
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

