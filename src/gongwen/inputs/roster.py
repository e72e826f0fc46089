"""Rosters (花名册): members from a CSV or XLSX sheet with the headers offices use.

Columns are found by header, in any order, under any of their usual names (职务, 岗位,
职务/岗位 …); columns gongwen does not know are kept as the member's extra data.  Each
row is checked as it is read and the first problem is reported with the file, the
row number and column letter the user sees, and the header of the column.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location
from ..models.member import GENDERS, Member, YearMonth
from ..text import parse_year_month, strip_bidi_controls
from .sheets import Sheet, SheetRow, column_letter, normalize_header, read_sheet, split_sheet_spec

#: field → the headers it is found under (compared after :func:`normalize_header`)
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "党员姓名", "name"),
    "gender": ("性别", "gender", "sex"),
    "birth": ("出生年月", "出生日期", "出生年月日", "出生时间", "生日", "birth"),
    "joined": ("入党时间", "入党日期", "入党年月", "入党年月日", "joined"),
    "position": ("职务/岗位", "职务", "岗位", "职务岗位", "职务(岗位)", "岗位(职务)",
                 "现任职务", "工作岗位", "position"),
    "branch": ("所在支部", "支部", "所在党支部", "党支部", "所在党组织", "branch"),
    "ethnicity": ("民族", "ethnicity"),
    "education": ("学历", "文化程度", "education"),
    "id": ("编号", "工号", "党员编号", "人员编号", "职工号", "id"),
    "note": ("备注", "note"),
}
#: columns that only number the rows: neither a field nor extra data
IGNORED_HEADERS = ("序号", "no", "no.")
#: the header users see in messages for each field
FIELD_HEADERS = {name: aliases[0] for name, aliases in HEADER_ALIASES.items()}
_ALIAS_TO_FIELD = {normalize_header(a): f for f, aliases in HEADER_ALIASES.items() for a in aliases}
#: the youngest age at which one can join the Party (党章 第一条)
MIN_JOINING_AGE = 18
#: spaces that pad a two-character name to three cells (「王　芳」) are not part of it
_PADDING = re.compile(r"(?<=[^\x00-\x7f])[\s\u3000]+(?=[^\x00-\x7f])")
_NOT_IN_NAMES = re.compile(r"[0-9０-９:：;；,，、/\\()（）【】\[\]]")
_REFERENCE = re.compile(r"^(?P<name>.+?)\s*(?:[（(](?P<id>[^）)]+)[）)]|#(?P<hid>.+))$")


@dataclass
class Roster:
    """The members of a roster in sheet order, and where each was read from."""

    members: list[Member]
    file: str | None = None
    #: where each member was read (its row and 姓名 cell), in the order of ``members``
    locations: list[Location] = field(default_factory=list)

    def __iter__(self) -> Iterator[Member]:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)

    def shared_names(self) -> set[str]:
        """Names two or more members have (each told apart by its 编号)."""
        size = len(self.members)
        cached = self.__dict__.get("_shared")
        if cached is None or cached[0] != size:
            counts = Counter(m.name for m in self.members)
            cached = (size, {name for name, count in counts.items() if count > 1})
            self.__dict__["_shared"] = cached
        return cached[1]

    def label(self, member: Member) -> str:
        """The name, with the 编号 added when another member has the same name."""
        if member.id and member.name in self.shared_names():
            return f"{member.name}（{member.id}）"
        return member.name

    def where(self, member: Member) -> Location:
        size = len(self.locations)
        cached = self.__dict__.get("_where")
        if cached is None or cached[0] != size:
            cached = (size, {id(m): loc for m, loc in zip(self.members, self.locations,
                                                           strict=False)})
            self.__dict__["_where"] = cached
        return cached[1].get(id(member), Location(self.file))

    def _index(self) -> tuple[dict[str, list[Member]], dict[str, list[Member]]]:
        """Members by name and by 编号 (rebuilt when members were added), so that a tally
        of 1,000 names is 1,000 look-ups, not 1,000 scans of the roster."""
        size = len(self.members)
        cached = self.__dict__.get("_lookup")
        if cached is None or cached[0] != size:
            by_name: dict[str, list[Member]] = {}
            by_id: dict[str, list[Member]] = {}
            for member in self.members:
                by_name.setdefault(member.name, []).append(member)
                if member.id:
                    by_id.setdefault(member.id, []).append(member)
            cached = (size, by_name, by_id)
            self.__dict__["_lookup"] = cached
        return cached[1], cached[2]

    def find(self, reference: str) -> list[Member]:
        """Members ``reference`` names: a name, an 编号, 「张伟（0107）」 or 「张伟#0107」."""
        text = clean_name(reference)
        by_name, by_id = self._index()
        found = by_name.get(text) or by_id.get(text)
        if found:
            return list(found)
        match = _REFERENCE.match(text)
        if match:
            name, ident = match.group("name"), match.group("id") or match.group("hid")
            return [m for m in by_name.get(name, []) if m.id == ident.strip()]
        return []

    def resolve(self, reference: str, *, location: Location | None = None,
                field: str | None = None) -> Member:
        """The one member ``reference`` names, or an InputError saying why not."""
        found = self.find(reference)
        if len(found) == 1:
            return found[0]
        where = location or Location(self.file)
        if found:
            labels = "、".join(self.label(m) for m in found)
            raise InputError(f"{reference!r} names {len(found)} members: {labels}",
                             location=where, field=field,
                             hint=f"write the name with its 编号, e.g. {self.label(found[0])}")
        guess = difflib.get_close_matches(clean_name(reference),
                                          [self.label(m) for m in self.members], n=1, cutoff=0.3)
        hint = f"did you mean {guess[0]}?" if guess else "check the name against the roster"
        roster = f" ({self.file})" if self.file else ""
        raise InputError(f"{reference!r} is not in the roster{roster}", location=where,
                         field=field, hint=hint)

    def select(self, references: Sequence[str], *, field: str = "--member") -> list[Member]:
        """The members named (in roster order), or all of them when none are."""
        if not references:
            return list(self.members)
        chosen = {id(self.resolve(r, field=field)) for r in references}
        return [m for m in self.members if id(m) in chosen]


def clean_name(text: str) -> str:
    """A name as compared: trimmed, padding between Chinese characters and bidi
    controls removed (a name typed on the command line is cleaned like the roster's)."""
    return _PADDING.sub("", strip_bidi_controls(str(text)).strip())


def load_roster(spec: str | Path) -> Roster:
    """Read a roster from ``spec``: a CSV/XLSX path, optionally ``file.xlsx#sheet``."""
    path, sheet_name = split_sheet_spec(spec)
    return roster_from_sheet(read_sheet(path, sheet_name))


def header_field(text: str) -> str | None:
    """The member field a header names, or None for a column kept as extra data."""
    return _ALIAS_TO_FIELD.get(normalize_header(text))


def roster_header(sheet: Sheet) -> tuple[int, list[str]]:
    """Index (into ``sheet.rows``) of the roster's last header row and its column texts.

    A header of two rows, as offices merge them (姓名 spanning both rows, 时间 over
    出生年月 and 入党时间), is read as one: a column takes the lower text when it names a
    field (or does with the group above it: 出生 + 年月).  The rows under it are members.
    """
    index, headers = sheet.header(lambda texts: any(header_field(t) == "name" for t in texts))
    if index < 0 or index + 1 >= len(sheet.rows):
        return index, headers
    below = sheet.rows[index + 1]
    name_column = next(i for i, text in enumerate(headers) if header_field(text) == "name")
    if below.text(name_column) not in ("", headers[name_column]):
        return index, headers  # a member's row
    joined, group, read = [], "", False
    for column in range(max(len(headers), len(below.values))):
        top = headers[column] if column < len(headers) else ""
        lower = below.text(column)
        group = top or group  # a CSV leaves the merged cells after the first empty
        if not lower or lower == top:
            joined.append(top)
            continue
        field = next((text for text in (lower, group + lower) if header_field(text)), None)
        if field is None:
            return index, headers  # not a header row after all
        joined.append(field)
        read = True
    return (index + 1, joined) if read else (index, headers)


def roster_columns(sheet: Sheet) -> tuple[int, list[str], dict[str, int]]:
    """The header row's index (into ``sheet.rows``), its texts and the column of each
    field, or an InputError when the sheet has no header a roster can be read with."""
    index, headers = roster_header(sheet)
    if index < 0:
        first = sheet.rows[0] if sheet.rows else None
        seen = "、".join(t for t in first.texts() if t) if first else ""
        raise InputError("no 姓名 column", location=sheet.where(first.number if first else None),
                         field="姓名 (name)",
                         hint=f"the header row must name a 姓名 column; found: {seen or 'nothing'}")
    header_row = sheet.rows[index]
    columns = _map_columns(sheet, header_row.number, headers)
    following = sheet.rows[index + 1] if index + 1 < len(sheet.rows) else None
    if following is not None and following.text(columns["name"]) == headers[columns["name"]]:
        raise InputError("the header takes two rows, and the second cannot be read with the "
                         "first", location=sheet.where(following.number, columns["name"]),
                         field=headers[columns["name"]],
                         hint="make the header one row: one column per field, 姓名, 性别, "
                              "出生年月 …, no merged cells")
    if following is None:
        raise InputError("has no members below its header row",
                         location=sheet.where(header_row.number), hint="add one row per member")
    return index, headers, columns


def roster_from_sheet(sheet: Sheet) -> Roster:
    """Members from ``sheet``: header row located, columns mapped, rows checked (the
    first problem raised; :func:`gongwen.inputs.roster_check.check_roster` lists all)."""
    index, headers, columns = roster_columns(sheet)
    reader = RowReader(sheet, headers, columns)
    members: list[Member] = []
    roster = Roster(members, sheet.file)
    seen = Seen()
    for row in sheet.rows[index + 1:]:
        member = reader.member(row)
        assert member is not None  # with no problems list, a bad row raises
        members.append(member)
        roster.locations.append(sheet.where(row.number, columns["name"]))
        check_unique(seen, member, row.number, sheet, columns)
    return roster


def _map_columns(sheet: Sheet, row: int, headers: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for column, text in enumerate(headers):
        name = header_field(text) if text else None
        if name is None:
            continue
        if name in columns:
            first = columns[name]
            raise InputError(
                f"two columns are {FIELD_HEADERS[name]}: {column_letter(first + 1)} "
                f"({headers[first]}) and {column_letter(column + 1)} ({text})",
                location=sheet.where(row, column), field=text,
                hint="delete or rename one of them")
        columns[name] = column
    return columns


class RowReader:
    """Turns one sheet row into a Member, checking each cell."""

    def __init__(self, sheet: Sheet, headers: list[str], columns: dict[str, int]) -> None:
        self.sheet = sheet
        self.headers = headers
        self.columns = columns
        mapped = set(columns.values())
        self.extra = [(c, h) for c, h in enumerate(headers)
                      if h and c not in mapped and normalize_header(h) not in IGNORED_HEADERS]

    def _field(self, name: str) -> str:
        return f"{self.headers[self.columns[name]]} ({name})"

    def _error(self, row: int, name: str, message: str, hint: str | None = None) -> InputError:
        return InputError(message, location=self.sheet.where(row, self.columns[name]),
                          field=self._field(name), hint=hint)

    def member(self, row: SheetRow, problems: list[InputError] | None = None
               ) -> Member | None:
        """The row's member; a problem is raised, or added to ``problems`` when given (then
        every cell is checked, and a row with any problem gives None)."""
        found: list[InputError] = []

        def fail(error: InputError) -> None:
            if problems is None:
                raise error
            found.append(error)

        cells = {name: row.values[c] if c < len(row.values) else None
                 for name, c in self.columns.items()}
        texts = {name: row.text(c) for name, c in self.columns.items()}
        name = clean_name(texts["name"])
        if not name:
            fail(self._error(row.number, "name", "is empty",
                             "fill in the member's name, or delete the row"))
        elif _NOT_IN_NAMES.search(name) or len(name) > 30:
            fail(self._error(row.number, "name", f"{name!r} does not look like a name",
                             "keep notes (填表人, 合计 …) out of the table, or in 备注"))
        gender = texts.get("gender") or None
        if gender is not None:
            if gender.lower() in GENDERS:
                gender = GENDERS[gender.lower()]
            else:
                fail(self._error(row.number, "gender", f"{gender!r} is not 男 or 女"))
        birth = joined = None
        try:
            birth = self._year_month(row.number, "birth", cells.get("birth"), texts)
        except InputError as error:
            fail(error)
        try:
            joined = self._year_month(row.number, "joined", cells.get("joined"), texts)
        except InputError as error:
            fail(error)
        if birth and joined and (joined.year - birth.year, joined.month - birth.month) < (
                MIN_JOINING_AGE, 0):
            fail(self._error(
                row.number, "joined",
                f"{joined.format()} is before the member turned {MIN_JOINING_AGE} "
                f"(出生年月 {birth.format()})",
                "check that 出生年月 and 入党时间 are not swapped"))
        if problems is not None and found:
            problems.extend(found)
            return None
        extra = {header: row.text(c) for c, header in self.extra if row.text(c)}
        return Member(
            name=name, gender=gender, birth=birth, joined=joined,
            **{key: texts.get(key) or None
               for key in ("position", "branch", "ethnicity", "education", "id", "note")},
            extra=extra,
        )

    def _year_month(self, row: int, name: str, value: object,
                    texts: dict[str, str]) -> YearMonth | None:
        if name not in self.columns or not texts.get(name):
            return None
        try:
            year, month = parse_year_month(value)
        except InputError as exc:
            raise self._error(row, name, exc.message, exc.hint) from None
        today = dt.date.today()
        if (year, month) > (today.year, today.month):
            raise self._error(row, name, f"{year}.{month:02d} is in the future",
                              "check the year")
        return YearMonth(year, month)


@dataclass
class Seen:
    """Rows already read, by name and by 编号, so each new row is checked in O(1)."""

    by_name: dict[str, list[tuple[Member, int]]] = field(default_factory=dict)
    by_id: dict[str, int] = field(default_factory=dict)


def check_unique(seen: Seen, member: Member, row: int, sheet: Sheet,
                  columns: dict[str, int]) -> None:
    """Two rows for one name need two different 编号; an 编号 is never shared."""
    if member.id and member.id in seen.by_id:
        raise InputError(f"编号 {member.id} is also on row {seen.by_id[member.id]}",
                         location=sheet.where(row, columns["id"]),
                         field=f"{FIELD_HEADERS['id']} (id)",
                         hint="every member needs a different 编号")
    for other, other_row in seen.by_name.get(member.name, []):
        if not (member.id and other.id):
            has_id = "id" in columns
            hint = (f"fill in a different 编号 for each {member.name}" if has_id else
                    f"add a 编号 (or 工号) column and give each {member.name} a different one")
            raise InputError(f"{member.name} is also on row {other_row}",
                             location=sheet.where(row, columns["name"]),
                             field="姓名 (name)", hint=hint)
    seen.by_name.setdefault(member.name, []).append((member, row))
    if member.id:
        seen.by_id[member.id] = row
