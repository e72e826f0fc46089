"""党员承诺书: one form per roster member.

The form is one table, so that a long pledge flows onto a second page inside it: the
member's data (three rows, repeated at the top of every page), 「我郑重承诺：」, a row
per category of pledges (its name left, its items numbered when there are several; a
long row breaks across pages), the closing line with the 承诺人 signature and date
(blank for handwriting without a date), and the branch's 审核意见 box.
"""

from __future__ import annotations

from typing import Any

from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc

from ..layout import conventions, standard
from ..layout import formtables as ft
from ..layout import memberform as mf
from ..layout import rules as layout
from ..layout.formtext import WORD_BREAK
from ..models.member import Member
from ..models.pledge import Category, Pledge
from ..text import format_date
from .document import Document, RenderOptions, properties, render_with
from .members import by_label, roster_for

REVIEW_LABEL = f"党支部{WORD_BREAK}审核{WORD_BREAK}意见"
SIGNER_LABEL = "承诺人（签名）："
REVIEWER_LABEL = "党支部（盖章）"
#: blank lines left in the 审核意见 box for the branch's handwriting when no text is given
REVIEW_BLANK_LINES = 3


def render_pledge(pledge: Pledge, options: RenderOptions) -> list[Document]:
    """One document per member of the roster (or of ``options.members``)."""
    roster = roster_for(options, pledge.roster)
    own = by_label(options, pledge.members, roster)
    profile = options.profile or pledge.profile
    documents = []
    for member in roster.select(options.members):
        label = roster.label(member)
        if not member.branch and pledge.branch:
            member = member.model_copy(update={"branch": pledge.branch})
        categories = pledge.pledges_with(own.get(label))

        def build_context(tpl: DocxTemplate, member: Member = member, label: str = label,
                          categories: list[Category] = categories) -> dict[str, Any]:
            return {"title": pledge.title, "title_lines": layout.title_lines(pledge.title),
                    "member": label,
                    "form": _form(tpl, pledge, member, label, categories)}

        title = f"{pledge.title}（{label}）"
        author = member.branch or pledge.branch or ""
        docx = render_with("pledge", build_context, template=options.template, profile=profile,
                           properties=properties(title, author, pledge.date))
        documents.append(Document("pledge", title, docx, pledge, options.source.file))
    return documents


def _form(tpl: DocxTemplate, pledge: Pledge, member: Member, label: str,
          categories: list[Category]) -> Subdoc:
    sub = tpl.new_subdoc()
    widths = mf.member_grid(standard.TEXT_BLOCK_WIDTH_MM, member, name=label,
                            year_month_style=pledge.year_month_style, labels=[REVIEW_LABEL])
    last_column = mf.MEMBER_GRID_COLUMNS - 1
    rows = len(mf.MEMBER_ROWS) + 1 + len(categories) + 2
    table = ft.FormTable(sub, widths, rows)
    row = mf.member_rows(table, 0, member, name=label,
                         year_month_style=pledge.year_month_style)
    for header in range(row):
        table.repeat_header(header)

    opening = table.merge(row, 0, last_column)
    ft.valign(opening, "top")
    table.keep_whole(row)
    for text in ft.paragraphs(pledge.intro):
        ft.write(opening, text, "GwFormText")
    ft.write(opening, pledge.opening, "GwFormItem")
    for index, category in enumerate(categories, start=row + 1):
        table.put(table.cell(index, 0), category.name)
        cell = table.merge(index, 1, last_column)
        ft.valign(cell, "top")
        table.min_height(index, conventions.FORM_ROW_MIN_HEIGHT_MM)
        numbered = len(category.items) > 1
        for number, item in enumerate(category.items, start=1):
            ft.write(cell, f"{number}.{item}" if numbered else item, "GwFormText")

    closing_row = row + 1 + len(categories)
    closing = table.merge(closing_row, 0, last_column)
    table.keep_whole(closing_row)
    for text in ft.paragraphs(pledge.closing):
        ft.write(closing, text, "GwFormText")
    sign = ft.write(closing, SIGNER_LABEL, "GwFormSign")
    ft.underline_blank(sign, conventions.FORM_SIGNATURE_BLANK_CHARS)
    ft.write(closing, format_date(pledge.date) if pledge.date else conventions.FORM_BLANK_DATE,
             "GwFormSign")

    review_row = closing_row + 1
    table.put(table.cell(review_row, 0), REVIEW_LABEL)
    review = table.merge(review_row, 1, last_column)
    ft.valign(review, "top")
    table.keep_whole(review_row)
    table.min_height(review_row, conventions.FORM_BOX_MIN_HEIGHT_MM)
    for text in ft.paragraphs(pledge.review) or [""] * REVIEW_BLANK_LINES:
        ft.write(review, text, "GwFormText")
    ft.write(review, REVIEWER_LABEL, "GwFormSign")
    ft.write(review, format_date(pledge.review_date) if pledge.review_date
             else conventions.FORM_BLANK_DATE, "GwFormSign")
    return sub
