"""A roster checked whole: every row read, every bad row kept with all its problems.

:func:`~gongwen.inputs.roster.load_roster` stops at the first bad cell, which is right
for a run that needs the members.  A person fixing a 花名册 wants the whole list at once
(``gongwen roster FILE``, the 花名册检查 page): :func:`check_roster` reads each row as the
loader does, with the same checks and messages, and records what is wrong with it
instead of stopping.  A sheet with no readable header is still one error: no row can be
read without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location
from ..models.member import Member
from .roster import FIELD_HEADERS, RowReader, Seen, check_unique, roster_columns
from .sheets import column_letter, read_sheet, split_sheet_spec


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with a row: its column letter, the field, message and hint."""

    row: int
    column: str | None
    field: str | None
    message: str
    hint: str | None = None

    @classmethod
    def from_error(cls, error: InputError, row: int) -> RowProblem:
        column = error.location.column
        return cls(row, str(column) if column is not None else None, error.field,
                   error.message, error.hint)

    def error(self, file: str | None) -> InputError:
        """The problem as the error a run raises for it, naming ``file``, row and column."""
        return InputError(self.message, location=Location(file, row=self.row, column=self.column),
                          field=self.field, hint=self.hint)

    def __str__(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        return text + (f" (hint: {self.hint})" if self.hint else "")


@dataclass
class CheckedRow:
    """A data row: the row number Excel shows, the text of each column, the member read
    from it (None when it is bad) and its problems."""

    number: int
    cells: list[str]
    member: Member | None
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def bad_columns(self) -> set[str]:
        return {p.column for p in self.problems if p.column}


@dataclass
class RosterCheck:
    """The sheet as read: its header (one text per column), every data row, and which
    column each member field was found in."""

    file: str
    headers: list[str]
    rows: list[CheckedRow]
    columns: dict[str, int]
    sheet: str | None = None

    @property
    def bad_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def members(self) -> list[Member]:
        return [row.member for row in self.rows if row.member is not None]

    @property
    def letters(self) -> list[str]:
        """The column letter above each header."""
        return [column_letter(i + 1) for i in range(len(self.headers))]

    def mapped(self) -> list[tuple[str, str, str]]:
        """(field's usual header, the sheet's header, column letter) of each known field."""
        return [(FIELD_HEADERS[name], self.headers[c], column_letter(c + 1))
                for name, c in sorted(self.columns.items(), key=lambda item: item[1])]

    def summary(self) -> str:
        bad = len(self.bad_rows)
        return (f"{len(self.rows)} rows, {len(self.rows) - bad} good, {bad} bad "
                f"({len(self.headers)} columns)")


def check_roster(spec: str | Path) -> RosterCheck:
    """Read the roster at ``spec`` (CSV/XLSX, ``file.xlsx#sheet``), keeping every row
    and each row's problems; an InputError only when the file or its header cannot be
    read at all."""
    path, sheet_name = split_sheet_spec(spec)
    sheet = read_sheet(path, sheet_name)
    index, headers, columns = roster_columns(sheet)
    reader = RowReader(sheet, headers, columns)
    seen = Seen()
    width = max([len(headers), *(len(row.values) for row in sheet.rows[index + 1:])])
    headers = headers + [""] * (width - len(headers))
    rows = []
    for row in sheet.rows[index + 1:]:
        errors: list[InputError] = []
        member = reader.member(row, errors)
        if member is not None:
            try:
                check_unique(seen, member, row.number, sheet, columns)
            except InputError as error:
                errors.append(error)
                member = None
        rows.append(CheckedRow(row.number, [row.text(c) for c in range(width)], member,
                               [RowProblem.from_error(e, row.number) for e in errors]))
    return RosterCheck(sheet.file, headers, rows, columns, sheet.name)
