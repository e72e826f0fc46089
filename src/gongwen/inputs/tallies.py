"""Tallies (计票结果) of 民主评议: each member's votes per grade, from 党员互评 and 群众评议.

Three spreadsheet layouts are read (CSV or XLSX), all with a 姓名 column (and 编号 when
two members share a name):

* **wide** — one row per member, a column per source and grade: 互评优秀, 互评合格 … 群众不合格
  (a two-row header with 党员互评 / 群众评议 merged over 优秀 合格 基本合格 不合格 works too);
* **long** — a row per member and source: 姓名, 类别 (互评 / 群众), 优秀, 合格, 基本合格, 不合格;
* **grades only** — 姓名, 优秀, 合格, 基本合格, 不合格: all counts are 党员互评.

An optional 人数 column (参评人数, 互评人数 …) gives the number of voters per row.  In
YAML, tallies are a mapping ``姓名: {互评: {优秀: 8, 合格: 3}, 群众: [20, 5, 0, 0]}``.
Every count is checked: a whole number, and a source's counts for one member adding up
to no more than its voters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Location
from ..models.scoring import GRADES, SOURCE_LABELS, SOURCES, Counts
from .loader import SourceData, load_data
from .roster import Roster, header_field
from .sheets import Sheet, SheetRow, cell_text, normalize_header, read_sheet, split_sheet_spec

GRADE_HINT = "grades are " + "、".join(GRADES)
#: words that name a source, in the order they are tried
SOURCE_WORDS = (("public", ("群众",)), ("peer", ("互评", "党员", "peer")))
#: header of the column that says which source a row counts (long layout)
KIND_HEADERS = ("类别", "评议类别", "评议类型", "来源", "评议方式", "类型", "source")
#: grades users write that gongwen does not take: said so rather than ignored
WRONG_GRADES = ("不称职", "基本称职", "称职", "良好", "较好", "较差", "一般", "差")
_VOTERS_WORDS = ("人数", "voters")
_COUNT_SUFFIXES = "票人张"
#: keys a tallies YAML file may nest its data under
TALLY_KEYS = ("计票", "tallies")
#: rows a tally sheet may end with, skipped: their 姓名 cell says what they are
TOTAL_ROWS = ("合计", "总计", "小计", "total")
VOTER_KEYS = ("参评人数", "voters")


@dataclass
class Tallies:
    """Counts per member (by roster label) and source, and the voters of each source."""

    counts: dict[str, dict[str, Counts]] = field(default_factory=dict)
    voters: dict[str, int] = field(default_factory=dict)
    file: str | None = None

    def of(self, label: str) -> dict[str, Counts]:
        return self.counts.get(label, {})

    @property
    def sources(self) -> tuple[str, ...]:
        present = {s for counts in self.counts.values() for s in counts}
        return tuple(s for s in SOURCES if s in present)


def source_of(text: str) -> str | None:
    """``peer`` or ``public`` for text naming a source (互评, 群众评议 …), else None."""
    folded = normalize_header(text)
    for source, words in SOURCE_WORDS:
        if any(word in folded for word in words):
            return source
    return None


def grade_of(text: str) -> str | None:
    """The grade a header or cell names; 基本合格 and 不合格 are tried before 合格."""
    folded = normalize_header(text)
    for grade in ("基本合格", "不合格", "优秀", "合格"):
        if grade in folded:
            return grade
    return None


def load_tallies(spec: str | Path, roster: Roster, *,
                 voters: Mapping[str, int] | None = None) -> Tallies:
    """Tallies from a CSV/XLSX (``file.xlsx#sheet``) or YAML/JSON file."""
    path, sheet_name = split_sheet_spec(spec)
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        source = load_data(path)
        return tallies_from_data(source.data, roster, source=source, voters=voters)
    return tallies_from_sheet(read_sheet(path, sheet_name), roster, voters=voters)


def default_voters(roster: Roster, voters: Mapping[str, int] | None) -> dict[str, int]:
    """Voters per source: as given; 党员互评 defaults to every member on the roster."""
    known = {"peer": len(roster)}
    known.update(voters or {})
    return known


# --- spreadsheets -------------------------------------------------------------------


@dataclass
class _Column:
    index: int
    header: str
    source: str | None = None
    grade: str | None = None


class _Layout:
    """What each column of a tally sheet holds."""

    def __init__(self, sheet: Sheet, row: int, headers: list[str]) -> None:
        self.headers = headers
        self.name: int | None = None
        self.ident: int | None = None
        self.kind: int | None = None  # the 类别 column of the long layout
        self.voters: int | None = None
        self.voters_by_source: dict[str, int] = {}
        self.grades: list[_Column] = []
        for index, text in enumerate(headers):
            if not text:
                continue
            column = _Column(index, text, source_of(text), grade_of(text))
            target = header_field(text)
            if target == "name":
                self.name = index
            elif target == "id":
                self.ident = index
            elif column.grade:
                self.grades.append(column)
            elif normalize_header(text) in KIND_HEADERS:
                self.kind = index
            elif any(word in text.lower() for word in _VOTERS_WORDS):
                if column.source:
                    self.voters_by_source[column.source] = index
                else:
                    self.voters = index
            elif _wrong_grade(text):
                raise InputError(f"{_wrong_grade(text)!r} is not a grade",
                                 location=sheet.where(row, index), field=text, hint=GRADE_HINT)
        if not self.grades:
            raise InputError("no grade columns", location=sheet.where(row),
                             hint="name columns 优秀, 合格, 基本合格, 不合格 (or 互评优秀 …)")
        seen: dict[tuple[str | None, str], _Column] = {}
        for column in self.grades:
            key = (column.source, column.grade or "")
            if key in seen:
                raise InputError(f"two columns count {column.grade}: {seen[key].header!r} and "
                                 f"{column.header!r}", location=sheet.where(row, column.index),
                                 field=column.header, hint="delete or rename one of them")
            seen[key] = column


def _wrong_grade(header: str) -> str | None:
    """The grade-like word of a header such as 互评良好 or 称职票数, else None."""
    rest = normalize_header(header)
    for word in (*(w for _, words in SOURCE_WORDS for w in words), "评议", "测评", "票数", "票"):
        rest = rest.replace(word, "")
    return rest if rest in WRONG_GRADES else None


def _two_row_header(sheet: Sheet, index: int, headers: list[str]) -> tuple[int, list[str]]:
    """Join a group row (党员互评 merged over four columns) with the grade row under it."""
    if index + 1 >= len(sheet.rows) or any(grade_of(t) for t in headers if t):
        return index, headers
    below = sheet.rows[index + 1]
    lower = [below.text(c) for c in range(max(len(headers), len(below.values)))]
    if not any(grade_of(t) for t in lower):
        return index, headers
    joined, group = [], ""
    for column, text in enumerate(lower):
        top = headers[column] if column < len(headers) else ""
        group = top or group  # a CSV leaves the merged cells after the first empty
        joined.append(top if not text or text == top else group + text)
    return index + 1, joined


def tallies_from_sheet(sheet: Sheet, roster: Roster, *,
                       voters: Mapping[str, int] | None = None) -> Tallies:
    index, headers = sheet.header(lambda texts: any(header_field(t) == "name" for t in texts))
    if index < 0:
        raise InputError("no 姓名 column", location=sheet.where(), field="姓名 (name)",
                         hint="the header row must name a 姓名 column")
    index, headers = _two_row_header(sheet, index, headers)
    header_number = sheet.rows[index].number
    layout = _Layout(sheet, header_number, headers)
    known = default_voters(roster, voters)
    tallies = Tallies(voters=dict(known), file=sheet.file)
    rows: dict[tuple[str, str], int] = {}
    for row in sheet.rows[index + 1:]:
        _read_row(sheet, row, layout, roster, tallies, known, rows)
    return tallies


def _read_row(sheet: Sheet, row: SheetRow, layout: _Layout, roster: Roster, tallies: Tallies,
              voters: dict[str, int], seen: dict[tuple[str, str], int]) -> None:
    name = row.text(layout.name) if layout.name is not None else ""
    ident = row.text(layout.ident) if layout.ident is not None else ""
    if normalize_header(name) in TOTAL_ROWS:
        return
    if not name:
        raise InputError("is empty", location=sheet.where(row.number, layout.name),
                         field="姓名 (name)", hint="fill in the name, or delete the row")
    with_id = roster.find(f"{name}（{ident}）") if ident else []
    member = with_id[0] if len(with_id) == 1 else roster.resolve(
        name, location=sheet.where(row.number, layout.name), field="姓名 (name)")
    label = roster.label(member)
    row_source = None
    if layout.kind is not None:
        text = row.text(layout.kind)
        row_source = source_of(text)
        if row_source is None:
            raise InputError(f"{text!r} is neither 党员互评 nor 群众评议",
                             location=sheet.where(row.number, layout.kind), field="类别",
                             hint="write 互评 or 群众")
    by_source: dict[str, list[int]] = {}
    first_column: dict[str, int] = {}
    for column in layout.grades:
        source = column.source or row_source or "peer"
        counts = by_source.setdefault(source, [0, 0, 0, 0])
        first_column.setdefault(source, column.index)
        counts[GRADES.index(column.grade or "")] = _count(sheet, row, column)
    for source, counts in by_source.items():
        if (label, source) in seen:
            raise InputError(f"{label} already has {SOURCE_LABELS[source]} counts on row "
                             f"{seen[label, source]}",
                             location=sheet.where(row.number, layout.name),
                             field="姓名 (name)", hint="keep one row per member and source")
        seen[label, source] = row.number
        limit_column = layout.voters_by_source.get(source, layout.voters)
        limit = voters.get(source)
        if limit_column is not None and row.text(limit_column):
            limit = _count(sheet, row, _Column(limit_column, layout.headers[limit_column]))
        where = sheet.where(row.number, first_column[source])
        check_voters(counts, limit, source=source, label=label, location=where)
        tallies.counts.setdefault(label, {})[source] = tuple(counts)  # type: ignore[assignment]


def _count(sheet: Sheet, row: SheetRow, column: _Column) -> int:
    value = row.values[column.index] if column.index < len(row.values) else None
    try:
        return parse_count(value)
    except ValueError:
        raise InputError(f"{cell_text(value)!r} is not a whole number of votes",
                         location=sheet.where(row.number, column.index), field=column.header,
                         hint="write a count such as 8 (an empty cell is 0)") from None


def parse_count(value: object) -> int:
    """A vote count: blank is 0; 8, 8.0, 「８」 and 「8票」 are 8; anything else ValueError."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise ValueError(value)
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip().rstrip(_COUNT_SUFFIXES).strip()
    if not text:
        return 0
    if not text.isdigit():
        raise ValueError(value)
    return int(text)


def check_voters(counts: list[int] | Counts, limit: int | None, *, source: str, label: str,
                 location: Location) -> None:
    """A member cannot get more votes from a source than it has voters."""
    total = sum(counts)
    if limit is not None and total > limit:
        raise InputError(
            f"{label}'s {SOURCE_LABELS[source]} counts add up to {total}, "
            f"more than the {limit} voters", location=location, field=SOURCE_LABELS[source],
            hint="check the counts, or the number of voters (参评人数 in the data file, "
                 "or a 人数 column)")


# --- YAML / JSON --------------------------------------------------------------------


def tallies_from_data(data: Any, roster: Roster, *, source: SourceData | None = None,
                      prefix: tuple[str | int, ...] = (),
                      voters: Mapping[str, int] | None = None) -> Tallies:
    """Tallies written in YAML: ``{姓名: {互评: {优秀: 8, …}, 群众: [20, 5, 0, 0]}}``."""
    source = source or SourceData(data)
    where = lambda path: source.where((*prefix, *path))  # noqa: E731
    file_voters: dict[str, int] = {}
    if isinstance(data, Mapping):
        for key in VOTER_KEYS:
            if key in data:
                file_voters = read_voters(data[key], lambda p, k=key: where((k, *p)))
        nested = next((k for k in TALLY_KEYS if k in data), None)
        if nested is not None:
            return tallies_from_data(data[nested], roster, source=source,
                                     prefix=(*prefix, nested),
                                     voters={**file_voters, **(voters or {})})
    if not isinstance(data, Mapping):
        raise InputError("tallies must be a mapping of 姓名: counts", location=where(()),
                         hint="e.g. 张三: {互评: {优秀: 8, 合格: 3}}")
    known = default_voters(roster, {**file_voters, **(voters or {})})
    tallies = Tallies(voters=dict(known), file=source.file)
    for name, per_source in data.items():
        member = roster.resolve(str(name), location=where((name,)), field=str(name))
        label = roster.label(member)
        if not isinstance(per_source, Mapping):
            raise InputError("expected 互评: … and/or 群众: … under the name",
                             location=where((name,)), field=str(name), hint=GRADE_HINT)
        for key, counts in per_source.items():
            kind = source_of(str(key))
            if kind is None:
                raise InputError(f"{key!r} is neither 互评 nor 群众", location=where((name, key)),
                                 field=f"{name}.{key}", hint="write 互评 or 群众")
            values = _yaml_counts(counts, lambda p, n=name, k=key: where((n, k, *p)),
                                  f"{name}.{key}")
            check_voters(values, known.get(kind), source=kind, label=label,
                         location=where((name, key)))
            tallies.counts.setdefault(label, {})[kind] = values
    return tallies


def _yaml_counts(value: Any, where: Any, field_name: str) -> Counts:
    counts = [0, 0, 0, 0]
    if isinstance(value, list):
        if len(value) != len(GRADES):
            raise InputError(f"expected {len(GRADES)} counts, got {len(value)}",
                             location=where(()), field=field_name,
                             hint="list them as [优秀, 合格, 基本合格, 不合格]")
        items = list(zip(GRADES, value, strict=True))
    elif isinstance(value, Mapping):
        items = list(value.items())
    else:
        raise InputError("expected counts per grade", location=where(()), field=field_name,
                         hint="e.g. {优秀: 8, 合格: 3} or [8, 3, 0, 0]")
    for grade, count in items:
        text = normalize_header(str(grade))  # '合格 ' and 「合　格」 as a sheet reads them
        if text not in GRADES:
            raise InputError(f"{grade!r} is not a grade", location=where((grade,)),
                             field=f"{field_name}.{grade}", hint=GRADE_HINT)
        try:
            counts[GRADES.index(text)] = parse_count(count)
        except ValueError:
            raise InputError(f"{count!r} is not a whole number of votes",
                             location=where((grade,)), field=f"{field_name}.{grade}") from None
    return tuple(counts)  # type: ignore[return-value]


def read_voters(value: Any, where: Any) -> dict[str, int]:
    """``参评人数: {互评: 12, 群众: 36}`` (a single number means 党员互评)."""
    items = value.items() if isinstance(value, Mapping) else [("互评", value)]
    voters = {}
    for key, count in items:
        kind = source_of(str(key))
        if kind is None:
            raise InputError(f"{key!r} is neither 互评 nor 群众", location=where((key,)),
                             field=f"参评人数.{key}", hint="write 互评 or 群众")
        try:
            voters[kind] = parse_count(count)
        except ValueError:
            raise InputError(f"{count!r} is not a whole number", location=where((key,)),
                             field=f"参评人数.{key}") from None
    return voters
