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
from ..layout import formtables as ft
from ..layout import standard
from ..models.evaluation import Evaluation
from ..models.scoring import GRADES, SOURCE_LABELS, MemberResult, Summary, share_text, summarize
from .document import Document, RenderOptions
from .evaluation import NAME_HEADER, NUMBER_HEADER, date_text, notes, render_table_form, text_width
from .members import by_label, tallies_for

TOTAL_LABEL = "合计"
PERCENT_LABEL = "比例（%）"
GRADE_HEADER = "评定等次"
OVERRIDE_MARK = "*"
NO_VOTES = "—"
SECRETARY_LABEL = "支部书记："
_DENSE = {"size": standard.FORM_DENSE_SIZE, "margin": standard.FORM_DENSE_CELL_MARGIN_MM}


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
    widths = summary_widths(labels, len(groups), model.decimals)

    def parts(tpl: DocxTemplate, width: float) -> tuple[Subdoc, Subdoc, Subdoc]:
        info = tpl.new_subdoc()
        ft.info_line(info, f"党支部：{model.branch}", f"评议日期：{date_text(model.date)}",
                     width)
        ft.info_line(info, _counts_line(len(members), tallies.voters, sources), "", width)
        table = tpl.new_subdoc()
        _table(table, [w * width / sum(widths) for w in widths], summary, sources, groups)
        note_doc = tpl.new_subdoc()
        notes(note_doc, summary_notes(model, summary, missing))
        ft.sign_lines(note_doc, SECRETARY_LABEL, model.secretary, date_text(model.date))
        return info, table, note_doc

    docx = render_table_form("evaluation-summary", model, options, landscape=True, parts=parts)
    return [Document("evaluation", model.heading, docx, model, options.source.file,
                     warnings=warnings)]


def summary_widths(labels: Sequence[str], groups: int, decimals: int) -> list[float]:
    """Natural widths: 序号, 姓名, four counts per group, four percentages, the grade."""
    count = text_width(["000"], **_DENSE)
    percent = text_width(["100." + "0" * decimals if decimals else "100"], **_DENSE)
    return [text_width([NUMBER_HEADER], **_DENSE), text_width([NAME_HEADER, *labels], **_DENSE),
            *([count] * (len(GRADES) * groups)), *([percent] * len(GRADES)),
            text_width(GRADES, **_DENSE)]


def _counts_line(members: int, voters: dict[str, int], sources: Sequence[str]) -> str:
    parts = [f"党员人数：{members}人"]
    for source in sources:
        if source in voters:
            parts.append(f"参加{SOURCE_LABELS[source]}：{voters[source]}人")
    return "　　".join(parts)


def _table(sub: Subdoc, widths: list[float], summary: Summary, sources: Sequence[str],
           groups: list[str]) -> None:
    rows = 2 + len(summary.results) + 1
    table = ft.FormTable(sub, widths, rows, dense=True)
    last = len(widths) - 1
    for column, text in ((0, NUMBER_HEADER), (1, NAME_HEADER), (last, GRADE_HEADER)):
        ft.write(table.merge_down(column, 0, 1), text, "GwFormDense")
    for index, group in enumerate([*groups, PERCENT_LABEL]):
        first = 2 + index * len(GRADES)
        ft.write(table.merge(0, first, first + len(GRADES) - 1), group, "GwFormDense")
        for offset, grade in enumerate(GRADES):
            ft.write(table.cell(1, first + offset), grade, "GwFormDense")
    for header in range(2):
        table.repeat_header(header)
    for row, result in enumerate(summary.results, start=2):
        table.fill(row, summary_cells(row - 1, result, sources, len(groups)), "GwFormDense")
        table.keep_whole(row)
        table.min_height(row, standard.FORM_DENSE_ROW_MIN_HEIGHT_MM)
    total_row = rows - 1
    ft.write(table.merge(total_row, 0, 1), TOTAL_LABEL, "GwFormDense")
    for column, text in enumerate(_totals(summary, sources, len(groups)), start=2):
        ft.write(table.cell(total_row, column), text, "GwFormDense")
    table.keep_whole(total_row)
    table.min_height(total_row, standard.FORM_DENSE_ROW_MIN_HEIGHT_MM)


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
