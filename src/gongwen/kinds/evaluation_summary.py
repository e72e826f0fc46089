"""评议结果汇总表: the branch's table of votes, percentages and grades (landscape).

One row per member: the counts of each grade from 党员互评 and 群众评议, their totals
(when both sources voted), the percentages (largest remainder, each row 100 %), and
the grade the rule gives — or the branch's 组织评定, marked with 「*」.  The notes under
the table say how the numbers were made and warn when 优秀 exceeds the cap.
"""

from __future__ import annotations

from collections.abc import Sequence

from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc

from ..inputs.roster import Roster
from ..layout import conventions, formtext
from ..layout import formtables as ft
from ..layout.formtext import WORD_BREAK
from ..models.evaluation import Evaluation
from ..models.scoring import GRADES, SOURCE_LABELS, MemberResult, Summary, share_text, summarize
from .document import Document, RenderOptions
from .evaluation import (
    NAME_HEADER,
    NUMBER_HEADER,
    date_text,
    grade_header,
    notes,
    render_table_form,
)
from .members import by_label, tallies_for

TOTAL_LABEL = "合计"
PERCENT_LABEL = "比例（%）"
GRADE_HEADER = f"评定{WORD_BREAK}等次"
OVERRIDE_MARK = "*"
NO_VOTES = "—"
SECRETARY_LABEL = "支部书记："


def render_summary(model: Evaluation, options: RenderOptions, roster: Roster) -> list[Document]:
    tallies = tallies_for(options, model.tallies, roster, model.voters, required=True)
    assert tallies is not None
    own = by_label(options, model.members, roster)
    overrides = {label: m.grade for label, m in own.items() if m.grade}
    members = roster.select(options.members)
    labels = [roster.label(m) for m in members]
    summary = summarize([(label, tallies.of(label)) for label in labels], model.rule.to_rule(),
                        decimals=model.decimals, cap=model.cap, overrides=overrides)
    sources = tallies.sources or ("peer",)
    missing = [label for label in labels if not tallies.of(label)]
    warnings = list(summary.warnings)
    if missing:
        warnings.append("no tallies for " + "、".join(missing))
    groups = [SOURCE_LABELS[s] for s in sources] + ([TOTAL_LABEL] if len(sources) > 1 else [])
    body = [summary_cells(number, result, sources, len(groups))
            for number, result in enumerate(summary.results, start=1)]
    body.append(["", "", *_totals(summary, sources, len(groups))])
    columns = summary_columns(body)

    def parts(tpl: DocxTemplate, width: float) -> tuple[Subdoc, Subdoc, Subdoc]:
        info = tpl.new_subdoc()
        ft.info_line(info, f"党支部：{model.branch}", f"评议日期：{date_text(model.date)}",
                     width)
        ft.info_line(info, _counts_line(len(members), tallies.voters, sources), "", width)
        table = tpl.new_subdoc()
        _table(table, formtext.fit_widths(columns, width), body, groups)
        note_doc = tpl.new_subdoc()
        notes(note_doc, summary_notes(model, summary, missing))
        ft.sign_lines(note_doc, SECRETARY_LABEL, model.secretary, date_text(model.date))
        ft.keep_together(note_doc)
        return info, table, note_doc

    docx = render_table_form("evaluation-summary", model, options, landscape=True, parts=parts)
    return [Document("evaluation", model.heading, docx, model, options.source.file,
                     warnings=warnings)]


def summary_columns(body: Sequence[Sequence[str]]) -> list[formtext.Column]:
    """What each column needs for the texts of ``body`` (the member rows and the 合计
    row) and its header: the grade headers may break between words, numbers and names
    stay whole."""
    headers = [NUMBER_HEADER, NAME_HEADER]
    headers += [grade_header(g) for g in GRADES] * ((len(body[0]) - 3) // len(GRADES))
    headers.append(GRADE_HEADER)
    return [formtext.column([row[index] for row in body if row[index]], [header],
                            size_pt=conventions.FORM_DENSE_SIZE,
                            margin_mm=conventions.FORM_DENSE_CELL_MARGIN_MM)
            for index, header in enumerate(headers)]


def _counts_line(members: int, voters: dict[str, int], sources: Sequence[str]) -> str:
    parts = [f"党员人数：{members}人"]
    for source in sources:
        if source in voters:
            parts.append(f"参加{SOURCE_LABELS[source]}：{voters[source]}人")
    return "　　".join(parts)


def _table(sub: Subdoc, widths: list[float], body: Sequence[Sequence[str]],
           groups: list[str]) -> None:
    """The table: two header rows, a row per member, the 合计 row (``body``'s last)."""
    rows = 2 + len(body)
    table = ft.FormTable(sub, widths, rows, dense=True)
    last = len(widths) - 1
    for column, text in ((0, NUMBER_HEADER), (1, NAME_HEADER), (last, GRADE_HEADER)):
        table.put(table.merge_down(column, 0, 1), text)
    for index, group in enumerate([*groups, PERCENT_LABEL]):
        first = 2 + index * len(GRADES)
        table.put(table.merge(0, first, first + len(GRADES) - 1), group)
        for offset, grade in enumerate(GRADES):
            table.put(table.cell(1, first + offset), grade_header(grade))
    for header in range(2):
        table.repeat_header(header)
    for row, cells in enumerate(body[:-1], start=2):
        table.fill(row, cells, "GwFormDense")
        table.keep_whole(row)
        table.min_height(row, conventions.FORM_DENSE_ROW_MIN_HEIGHT_MM)
    total_row = rows - 1
    table.put(table.merge(total_row, 0, 1), TOTAL_LABEL)
    for column, text in enumerate(body[-1][2:], start=2):
        table.put(table.cell(total_row, column), text)
    table.keep_whole(total_row)
    table.min_height(total_row, conventions.FORM_DENSE_ROW_MIN_HEIGHT_MM)
    table.keep_tail()


def summary_cells(number: int, result: MemberResult, sources: Sequence[str],
                  groups: int) -> list[str]:
    """The texts of one member's row, left to right."""
    counts: list[int] = []
    for source in sources:
        counts += result.counts.get(source, (0, 0, 0, 0))
    if groups > len(sources):
        counts += result.totals
    percents = [str(p) for p in result.percents] if result.percents else [NO_VOTES] * 4
    grade = result.grade or NO_VOTES
    if result.overridden:
        grade += OVERRIDE_MARK
    return [str(number), result.label, *map(str, counts), *percents, grade]


def _totals(summary: Summary, sources: Sequence[str], groups: int) -> list[str]:
    columns: list[int] = []
    for source in sources:
        columns += [sum(r.counts.get(source, (0, 0, 0, 0))[g] for r in summary.results)
                    for g in range(len(GRADES))]
    if groups > len(sources):
        columns += [sum(r.totals[g] for r in summary.results) for g in range(len(GRADES))]
    return [*map(str, columns), *([""] * (len(GRADES) + 1))]


def summary_notes(model: Evaluation, summary: Summary, missing: Sequence[str]) -> list[str]:
    """The 说明 under the table: rounding, rule, marks, the result, and the cap."""
    decimals = f"保留{model.decimals}位小数" if model.decimals else "取整数"
    lines = [f"比例按最大余数法{decimals}，每行合计为100%。",
             "评定规则：" + model.rule.to_rule().describe()]
    if any(r.overridden for r in summary.results):
        lines.append(f"等次后标“{OVERRIDE_MARK}”的，为党支部组织评定结果。")
    counts = "、".join(f"{g}{sum(1 for r in summary.results if r.grade == g)}人" for g in GRADES)
    result = f"评定结果：{counts}。"
    if summary.over_cap:
        result += (f"评定为优秀的{summary.excellent}人，超过党员人数的"
                   f"{share_text(summary.cap)}（{summary.limit}人），请党支部研究确定。")
    lines.append(result)
    if missing:
        lines.append("、".join(missing) + "无计票数据。")
    return [("说明：" if i == 0 else "") + f"{i + 1}.{line}" for i, line in enumerate(lines)]
