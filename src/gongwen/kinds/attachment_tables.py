"""附件 tables: the 领导小组, the 阶段安排 or the 名册 of the activity, or rows written inline.

``表格: 领导小组`` builds the table from the ``activity.yaml`` in the data file's own folder
(read only then, and only from there: a document elsewhere has no activity to borrow
from); ``列:`` chooses columns and their order, and a mapping renames them.  A missing
activity, field or column is an error naming the file and field, with a hint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Location
from ..inputs import load_data
from ..inputs.roster import Roster, clean_name, header_field, load_roster
from ..models import validate
from ..models.activity import ACTIVITY_FILE, ActivityModel, PhaseEntry
from ..models.member import Member
from ..models.plan import Attachment
from ..text import Table

#: where a field of the attachment is: (its location, its name as messages show it)
Where = Callable[..., tuple[Location, str]]

NUMBER = "序号"
GROUP_ROLE = "小组职务"
PHASE, PERIOD, TASKS = "阶段", "起止时间", "主要任务"
#: the roster's columns a 名册 table prints unless 列 says otherwise
ROSTER_DEFAULT = (NUMBER, "姓名", "性别", "出生年月", "入党时间", "职务（岗位）")
#: the roster column a 领导小组 table adds when the activity has a roster
GROUP_POSITION = "现任职务"


@dataclass
class _Rows:
    """A table before its columns are chosen: every column it can print, its default
    choice, and each row as column → text."""

    available: list[str]
    default: list[str]
    rows: list[dict[str, str]]
    #: resolves a column not in ``available`` (a roster column asked for by its header)
    extra: Callable[[dict[str, str], str], str | None] | None = None


def attachment_table(attachment: Attachment, base_dir: Path, where: Where) -> Table:
    """The table of ``attachment`` (which has a 表格), its columns as 列 chooses."""
    table = attachment.table
    if isinstance(table, str):
        activity, file = _read_activity(base_dir, table, where)
        built = _SOURCES[table](activity, file, base_dir)
    else:
        built = _inline(table or [], where)
    header, keys = _columns(attachment.columns, built, where)
    rows = [[_cell(built, row, key) for key in keys] for row in built.rows]
    location, _ = where("表格", "table")
    return Table(header=header, rows=rows, line=location.line or 1)


def _cell(built: _Rows, row: dict[str, str], key: str) -> str:
    if key in row:
        return row[key]
    return (built.extra(row, key) if built.extra else None) or ""


def _columns(spec: list[str] | dict[str, str] | None, built: _Rows, where: Where
             ) -> tuple[list[str], list[str]]:
    """(the header printed, the column each comes from)."""
    if spec is None:
        return list(built.default), list(built.default)
    pairs = list(spec.items()) if isinstance(spec, Mapping) else [(c, c) for c in spec]
    if not pairs:
        location, field = where("列", "columns")
        raise InputError("列 chooses no column", location=location, field=field,
                         hint="name the columns to print: " + "、".join(built.available))
    for key, _ in pairs:
        known = key in built.available or (built.extra is not None and built.rows
                                           and built.extra(built.rows[0], key) is not None)
        if not known:
            location, field = where("列", "columns")
            raise InputError(f"the table has no column {key!r}", location=location,
                             field=field, hint="its columns: " + "、".join(built.available))
    return [shown for _, shown in pairs], [key for key, _ in pairs]


def _inline(rows: Sequence[Sequence[object] | Mapping[str, object]], where: Where) -> _Rows:
    """Rows written in the data: lists under a header row, or mappings."""
    maps = [row for row in rows if isinstance(row, Mapping)]
    lists = [list(row) for row in rows if not isinstance(row, Mapping)]
    if maps:
        header: list[str] = []
        for item in maps:
            header += [str(k) for k in item if str(k) not in header]
        texts = [{str(k): _text(v) for k, v in item.items()} for item in maps]
    else:
        header = [_text(v) for v in lists[0]]
        twice = next((name for i, name in enumerate(header) if name in header[:i]), None)
        if twice is not None:  # a row is read by its header's names: one would be lost
            location, field = where("表格", "table")
            raise InputError(f"the header row names the column {twice!r} twice",
                             location=location, field=field,
                             hint=f"give each column its own name ({twice}1, {twice}2 …); "
                                  "列 may print them under one name again")
        for number, cells in enumerate(lists[1:], start=2):
            if len(cells) > len(header):
                location, field = where("表格", "table")
                raise InputError(
                    f"row {number} of the table has {len(cells)} cells, its header row "
                    f"{len(header)}", location=location, field=field,
                    hint="the first row names every column; give each row as many cells or fewer")
        texts = [dict(zip(header, map(_text, cells), strict=False)) for cells in lists[1:]]
    if not header:
        location, field = where("表格", "table")
        raise InputError("the table has no columns", location=location, field=field,
                         hint="name the columns in the first row: 表格: [[列1, 列2], [甲, 乙]], "
                              "or give each row as a mapping: 表格: [{列1: 甲, 列2: 乙}]")
    numbered = [{NUMBER: str(i), **row} for i, row in enumerate(texts, start=1)]
    return _Rows([*header, NUMBER] if NUMBER not in header else header, header, numbered)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _read_activity(base_dir: Path, table: str, where: Where) -> tuple[ActivityModel, Path]:
    file = base_dir / ACTIVITY_FILE
    if not file.is_file():
        location, field = where("表格", "table")
        raise InputError(
            f"表格: {table} is built from the activity's {ACTIVITY_FILE}, and there is none "
            f"beside the data file (looked for {file})", location=location, field=field,
            hint=f"keep the data file in its activity folder, next to {ACTIVITY_FILE}, or "
                 "write the rows themselves: 表格: [[列1, 列2], [甲, 乙]]")
    return validate(ActivityModel, load_data(file)), file


def _missing(file: Path, field: str, hint: str) -> InputError:
    return InputError(f"{ACTIVITY_FILE} has no {field}, which the 附件's table is built from",
                      location=Location(str(file)), field=field, hint=hint)


def _roster(activity: ActivityModel, base_dir: Path) -> Roster | None:
    return load_roster(base_dir / activity.roster) if activity.roster else None


def _group_roster(activity: ActivityModel, base_dir: Path, names: set[str]) -> Roster | None:
    """The roster a 领导小组 table reads the group's 现任职务 from.  Only the group's own
    rows must be good: a bad row of another member fails that member's documents (as a
    batch does), not every document whose 附件 lists the group."""
    if not activity.roster:
        return None
    path = base_dir / activity.roster
    try:
        return load_roster(path)
    except InputError as first:
        from ..inputs.roster_check import check_roster

        checked = check_roster(path)  # a header that cannot be read still raises
        name_column = checked.columns["name"]
        for row in checked.bad_rows:
            if clean_name(row.cells[name_column]) in names:
                raise row.problems[0].error(checked.file) from None
        if not checked.bad_rows:  # a problem check_roster does not list: the first stands
            raise first from None
        return Roster(checked.members, checked.file)


def _roster_text(roster: Roster | None) -> Callable[[dict[str, str], str], str | None]:
    """A roster column of the member a row names (by 姓名), or None when the roster has
    no such column; "" when the name is not on it once."""
    by_name: dict[str, list[Member]] = {}
    for member in roster.members if roster is not None else ():
        by_name.setdefault(member.name, []).append(member)
    extra = {h for m in roster.members for h in m.extra} if roster is not None else set()

    def text(row: dict[str, str], column: str) -> str | None:
        if roster is None:
            return None
        field = header_field(column)
        if field is None and column not in extra:
            return None
        found = by_name.get(row["姓名"], []) if "姓名" in row else []
        return found[0].field_text(field or column) if len(found) == 1 else ""
    return text


def _leading_group(activity: ActivityModel, file: Path, base_dir: Path) -> _Rows:
    group = activity.leading_group
    if group is None or not (group.leader or group.deputies or group.members):
        raise _missing(file, "领导小组 (leading_group)",
                       "add 领导小组: {组长: 姓名, 副组长: [姓名], 成员: [姓名, 姓名]}")
    people = ([("组长", group.leader)] if group.leader else []) + \
        [("副组长", name) for name in group.deputies] + [("成员", name) for name in group.members]
    rows = [{NUMBER: str(i), GROUP_ROLE: role, "姓名": name}
            for i, (role, name) in enumerate(people, start=1)]
    roster = _group_roster(activity, base_dir, {name for _, name in people})
    default = [GROUP_ROLE, "姓名"] + ([GROUP_POSITION] if roster is not None else [])
    return _Rows([NUMBER, GROUP_ROLE, "姓名", *default[2:]], default, rows, _roster_text(roster))


def _period(phase: PhaseEntry) -> str:
    """「2024年9月1日—」 over 「9月30日」 (the year again when it changes): two lines,
    so the column stays narrow and the 主要任务 beside it has the room."""
    start, end = phase.start, phase.end
    tail = f"{end.month}月{end.day}日" if end.year == start.year else \
        f"{end.year}年{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日—\n{tail}"


def _phases(activity: ActivityModel, _file: Path, _base_dir: Path) -> _Rows:
    rows = [{NUMBER: str(i), PHASE: phase.name, PERIOD: _period(phase),
             TASKS: " ".join((phase.tasks or "").split())}
            for i, phase in enumerate(activity.phases, start=1)]
    with_tasks = any(phase.tasks for phase in activity.phases)
    return _Rows([NUMBER, PHASE, PERIOD, TASKS], [PHASE, PERIOD] + ([TASKS] if with_tasks else []),
                 rows)


def _members(activity: ActivityModel, file: Path, base_dir: Path) -> _Rows:
    roster = _roster(activity, base_dir)
    if roster is None:
        raise _missing(file, "名册 (roster)", "add 名册: members.csv (the roster, CSV or XLSX)")
    rows = [{NUMBER: str(i), "姓名": member.name} for i, member in enumerate(roster.members, 1)]
    extra = sorted({h for m in roster.members for h in m.extra}, key=str)
    return _Rows([NUMBER, *ROSTER_DEFAULT[1:], "民族", "学历", "所在支部", "编号", "备注", *extra],
                 list(ROSTER_DEFAULT), rows, _roster_text(roster))


_SOURCES: dict[str, Callable[[ActivityModel, Path, Path], _Rows]] = {
    "领导小组": _leading_group, "阶段安排": _phases, "名册": _members}
