"""民主评议党员登记表: one form per member.

The member's data (repeated on a second page), the 个人总结 with the member's signature,
the votes of 党员互评 and 群众评议 per grade (blank for handwriting without tallies),
the 组织评定 as tick boxes, and the 支部意见 box with the secretary's signature.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docx.oxml.xmlchemy import BaseOxmlElement
from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc

from ..errors import InputError
from ..inputs.roster import Roster
from ..inputs.tallies import Tallies
from ..layout import conventions, standard
from ..layout import formtables as ft
from ..layout import memberform as mf
from ..layout import rules as layout
from ..layout.formtext import WORD_BREAK
from ..models.evaluation import Evaluation, MemberEvaluation
from ..models.member import Member
from ..models.scoring import GRADES, SOURCE_LABELS, SOURCES, Counts, summarize
from .document import Document, RenderOptions, properties, render_with
from .evaluation import date_text, grade_header
from .members import by_label, tallies_for

SELF_LABEL = "个人总结"
VOTES_LABEL = "民主评议"
KIND_HEADER = f"评议{WORD_BREAK}类别"
GRADE_LABEL = "组织评定"
OPINION_LABEL = f"党支部{WORD_BREAK}意见"
SELF_SIGNER = "本人签名："
SECRETARY_SIGNER = "支部书记（签名）："
SEAL_LABEL = "党支部（盖章）"
TICKED, UNTICKED = "■", "□"
#: lines left for handwriting in an empty 个人总结 or 支部意见 box
BLANK_LINES = 3
#: placeholders a 支部意见 written for everyone may use
OPINION_FIELDS = ("姓名", "等次")


def render_register(model: Evaluation, options: RenderOptions,
                    roster: Roster) -> list[Document]:
    tallies = tallies_for(options, model.tallies, roster, model.voters, required=False)
    own = by_label(options, model.members, roster)
    grades = _grades(model, roster, tallies, own)
    profile = options.profile or model.profile
    documents = []
    for member in roster.select(options.members):
        label = roster.label(member)
        if not member.branch:
            member = member.model_copy(update={"branch": model.branch})
        mine = own.get(label, MemberEvaluation())
        opinion = mine.opinion or _opinion(model, options, label, grades.get(label))

        def build_context(tpl: DocxTemplate, member: Member = member, label: str = label,
                          mine: MemberEvaluation = mine, opinion: str | None = opinion,
                          ) -> dict[str, Any]:
            votes = tallies.of(label) if tallies else None
            return {"title": model.heading, "title_lines": layout.title_lines(model.heading),
                    "form": _form(tpl, model, member, label, mine, votes,
                                  grades.get(label), opinion)}

        title = f"{model.heading}（{label}）"
        docx = render_with("evaluation-register", build_context, template=options.template,
                           profile=profile,
                           properties=properties(title, model.branch,
                                                 model.date))
        documents.append(Document("evaluation", title, docx, model, options.source.file))
    return documents


def _grades(model: Evaluation, roster: Roster, tallies: Tallies | None,
            own: dict[str, MemberEvaluation]) -> dict[str, str | None]:
    """Each member's grade: 组织评定 from the data, else the rule's from the tallies."""
    labels = [roster.label(m) for m in roster]
    overrides = {label: m.grade for label, m in own.items() if m.grade}
    if tallies is None:
        return dict(overrides)
    summary = summarize([(label, tallies.of(label)) for label in labels], model.rule.to_rule(),
                        decimals=model.decimals, cap=model.cap, overrides=overrides)
    return {r.label: r.grade for r in summary.results}


def _opinion(model: Evaluation, options: RenderOptions, label: str,
             grade: str | None) -> str | None:
    """The data's 支部意见 for everyone, with {姓名} and {等次} filled in."""
    if not model.opinion:
        return None
    try:
        return model.opinion.format_map({"姓名": label, "等次": grade or ""})
    except (KeyError, ValueError, IndexError) as exc:
        raise InputError(f"支部意见 has an unknown placeholder: {exc}",
                         location=options.source.where(("支部意见",)), field="支部意见 (opinion)",
                         hint="it may use " + "、".join(f"{{{f}}}" for f in OPINION_FIELDS)
                         ) from None


def _form(tpl: DocxTemplate, model: Evaluation, member: Member, label: str,
          mine: MemberEvaluation, votes: Mapping[str, Counts] | None, grade: str | None,
          opinion: str | None) -> Subdoc:
    sub = tpl.new_subdoc()
    tallied = [[str(n) for n in votes[s]] for s in SOURCES if votes and s in votes]
    own = [((), [KIND_HEADER, *(SOURCE_LABELS[s] for s in SOURCES)])]
    own += [([c[i] for c in tallied], [grade_header(g)]) for i, g in enumerate(GRADES)]
    widths = mf.member_grid(standard.TEXT_BLOCK_WIDTH_MM, member, name=label,
                            year_month_style=model.year_month_style,
                            labels=[SELF_LABEL, VOTES_LABEL, GRADE_LABEL, OPINION_LABEL],
                            cells=own)
    last = mf.MEMBER_GRID_COLUMNS - 1
    rows = len(mf.MEMBER_ROWS) + 1 + 1 + len(SOURCES) + 2
    table = ft.FormTable(sub, widths, rows)
    row = mf.member_rows(table, 0, member, name=label, year_month_style=model.year_month_style)
    for header in range(row):
        table.repeat_header(header)

    table.put(table.cell(row, 0), SELF_LABEL)
    cell = _box(table, row, mine.self_assessment)
    paragraph = ft.write(cell, SELF_SIGNER, "GwFormSign")
    ft.underline_blank(paragraph, conventions.FORM_SIGNATURE_BLANK_CHARS)
    ft.write(cell, conventions.FORM_BLANK_DATE, "GwFormSign")
    row += 1

    table.put(table.merge_down(0, row, row + len(SOURCES)), VOTES_LABEL)
    for column, text in enumerate([KIND_HEADER, *map(grade_header, GRADES)], start=1):
        table.put(table.cell(row, column), text)
    for offset, source in enumerate(SOURCES, start=1):
        counts = votes.get(source) if votes else None
        cells = [SOURCE_LABELS[source], *(str(n) for n in counts or ("",) * len(GRADES))]
        for column, text in enumerate(cells, start=1):
            table.put(table.cell(row + offset, column), text)
    for votes_row in range(row, row + len(SOURCES) + 1):
        table.keep_whole(votes_row)
        table.min_height(votes_row, conventions.FORM_ROW_MIN_HEIGHT_MM)
    row += len(SOURCES) + 1

    table.put(table.cell(row, 0), GRADE_LABEL)
    ticks = "　".join((TICKED if g == grade else UNTICKED) + g for g in GRADES)
    ft.write(table.merge(row, 1, last), ticks)
    table.min_height(row, conventions.FORM_ROW_MIN_HEIGHT_MM)
    row += 1

    table.put(table.cell(row, 0), OPINION_LABEL)
    cell = _box(table, row, opinion)
    paragraph = ft.write(cell, SECRETARY_SIGNER, "GwFormSign")
    ft.underline_blank(paragraph, conventions.FORM_SIGNATURE_BLANK_CHARS)
    ft.write(cell, SEAL_LABEL, "GwFormSign")
    ft.write(cell, date_text(model.date), "GwFormSign")
    return sub


def _box(table: ft.FormTable, row: int, text: str | None) -> BaseOxmlElement:
    """A box over the row's five value columns: the text, or lines for handwriting."""
    cell = table.merge(row, 1, mf.MEMBER_GRID_COLUMNS - 1)
    ft.valign(cell, "top")
    if not text:
        table.keep_whole(row)
    table.min_height(row, conventions.FORM_BOX_MIN_HEIGHT_MM)
    for line in ft.paragraphs(text) or [""] * BLANK_LINES:
        ft.write(cell, line, "GwFormText")
    return cell
