"""One bad member record fails only that member's documents.

A kind that makes a document per member reads the whole roster (and tallies) and stops
at the first bad row.  :func:`render_isolating_members` catches such an error and
repairs a private copy of the table: it empties the cell the error names (the member
stays on the roster, so counts that depend on the roster's size, such as the number of
voters, stay right) or, when that is not enough, the whole row (blank rows are skipped
by the sheet reader, and rows keep their numbers, so later errors still name the right
row).  It renders again until the rest renders, then drops the repaired members'
documents: each becomes a :class:`MemberFailure` whose error names the user's file,
row, column and field.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Location
from ..inputs import load_data
from ..inputs.roster import Roster, clean_name, header_field, load_roster, roster_header
from ..inputs.sheets import Sheet, decode_text, normalize_header, read_sheet
from ..inputs.tallies import TALLY_KEYS, TOTAL_ROWS, VOTER_KEYS
from ..kinds.document import Document

SHEET_SUFFIXES = (".csv", ".xlsx", ".xlsm")
DATA_SUFFIXES = (".yaml", ".yml", ".json")
CSV_DELIMITERS = (",", "\t", ";", "，")
#: how many members one render may leave out before the whole file counts as broken
MAX_ISOLATED = 50
#: a member's document is titled 「党员承诺书（张三）」 by the kinds that make one per member
MEMBER_OPEN, MEMBER_CLOSE = "（", "）"

RenderFn = Callable[[Path | None, Path | None], list[Document]]


@dataclass
class MemberFailure:
    """A member whose documents were not made, and why (file, row, field, problem)."""

    member: str
    error: InputError
    #: the user's table and the row the error is on
    table: Path | None = None
    row: int | None = None

    @property
    def message(self) -> str:
        return str(self.error)


@dataclass
class Isolated:
    documents: list[Document]
    failures: list[MemberFailure] = field(default_factory=list)


def member_of(document: Document) -> str | None:
    """The member a document is for (None for a document of the whole branch): its
    ``member`` when the kind sets one, else the label in 「<title>（<member>）」."""
    member = getattr(document, "member", None)
    if member:
        return str(member)
    base = model_title(document.model)
    if base and document.title.startswith(base + MEMBER_OPEN) \
            and document.title.endswith(MEMBER_CLOSE):
        return document.title[len(base) + 1:-1] or None
    return None


def model_title(model: object) -> str | None:
    """What a data file calls its document(s): its ``title``, else its ``heading``."""
    for name in ("title", "heading"):
        value = getattr(model, name, None)
        if isinstance(value, str) and value.strip():
            return value
    return None


# --- reading member names --------------------------------------------------------------


def _name_column(sheet: Sheet) -> tuple[int, int | None]:
    """Index of the header row in ``sheet.rows`` and the 姓名 column (None: none)."""
    index, headers = roster_header(sheet)
    if index < 0:
        return -1, None
    return index, next(i for i, text in enumerate(headers) if header_field(text) == "name")


def sheet_names(sheet: Sheet) -> dict[str, Location]:
    """Name → the row it is first on, for the rows under a sheet's 姓名 header."""
    index, column = _name_column(sheet)
    names: dict[str, Location] = {}
    if column is None:
        return names
    header = clean_name(sheet.rows[index].text(column))
    for row in sheet.rows[index + 1:]:
        name = clean_name(row.text(column))
        if name and name != header and normalize_header(name) not in TOTAL_ROWS:
            names.setdefault(name, sheet.where(row.number, column))
    return names


def member_names(path: Path) -> dict[str, Location] | None:
    """Member name → where it is written, for a roster or tallies file (None when it
    cannot be read: rendering reports that with the reader's own error)."""
    try:
        if path.suffix.lower() in DATA_SUFFIXES:
            source = load_data(path)
            data, prefix = source.data, ()
            nested = next((k for k in TALLY_KEYS if k in data), None)
            if nested is not None and isinstance(data[nested], dict):
                data, prefix = data[nested], (nested,)
            return {clean_name(str(k)): source.where((*prefix, k)) for k in data
                    if k not in VOTER_KEYS}
        if path.suffix.lower() in SHEET_SUFFIXES:
            return sheet_names(read_sheet(path)) or None
    except InputError:
        return None
    return None


# --- private copies of the tables --------------------------------------------------------


def _column_index(column: object) -> int:
    """0-based index of a column given as Excel shows it (``C``) or 1-based number."""
    if isinstance(column, int):
        return column - 1
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(str(column)) - 1


class _Table:
    """A private, editable copy of a roster or tallies spreadsheet."""

    def __init__(self, original: Path, folder: Path) -> None:
        self.original = original
        self.copy = folder / original.name
        shutil.copyfile(original, self.copy)

    def is_member_row(self, row: int) -> bool:
        """Whether ``row`` is below the table's header (a member's, not the table's)."""
        sheet = read_sheet(self.copy)
        index, column = _name_column(sheet)
        return column is not None and row > sheet.rows[index].number

    def name_at(self, row: int) -> str | None:
        sheet = read_sheet(self.copy)
        index, column = _name_column(sheet)
        if column is None:
            return None
        found = next((r for r in sheet.rows[index + 1:] if r.number == row), None)
        return (clean_name(found.text(column)) or None) if found else None

    def clear(self, row: int, column: object) -> bool:
        """Empty one cell; False when it was empty already."""
        return self._edit(row, _column_index(column))

    def blank(self, row: int) -> bool:
        """Empty a whole row; False when it was empty already."""
        return self._edit(row, None)

    def _edit(self, row: int, column: int | None) -> bool:
        if self.copy.suffix.lower() == ".csv":
            return self._edit_csv(row, column)
        from openpyxl import load_workbook
        from openpyxl.cell.cell import MergedCell

        book = load_workbook(self.copy)
        cells = [c for c in book.worksheets[0][row]
                 if column is None or c.column - 1 == column]
        changed = False
        for cell in cells:
            if cell.value is not None and not isinstance(cell, MergedCell):
                cell.value = None
                changed = True
        book.save(self.copy)
        return changed

    def _edit_csv(self, row: int, column: int | None) -> bool:
        text = decode_text(self.copy.read_bytes(), str(self.copy))
        first = next((line for line in text.splitlines() if line.strip(" ,\t;，")), "")
        delimiter = max(CSV_DELIMITERS, key=first.count)
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        if not 0 < row <= len(records):
            return False
        cells = records[row - 1]
        if column is None:
            changed = any(c.strip() for c in cells)
            records[row - 1] = []
        else:
            changed = column < len(cells) and bool(cells[column].strip())
            if changed:
                cells[column] = ""
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(records)
        self.copy.write_bytes(out.getvalue().encode("utf-8-sig"))
        return changed


# --- the isolating render ---------------------------------------------------------------


def render_isolating_members(render: RenderFn, roster: Path | None,
                             tallies: Path | None) -> Isolated:
    """``render(roster, tallies)``; a bad row of either spreadsheet fails only its member.

    An error that points anywhere else (the data file, a template, a table's header, a
    YAML tallies file) is raised: it is the whole file's problem, not one member's.
    """
    sheets = [p for p in (roster, tallies)
              if p is not None and p.suffix.lower() in SHEET_SUFFIXES]
    try:
        return Isolated(render(roster, tallies))
    except InputError as exc:
        if _table_of(exc, sheets) is None:
            raise
        error: InputError | None = exc
    with tempfile.TemporaryDirectory(prefix="gongwen-isolate-") as tmp:
        tables: dict[Path, _Table] = {}
        for number, path in enumerate(sheets):
            folder = Path(tmp) / str(number)  # the user's file name, in a folder of its own
            folder.mkdir()
            tables[path] = _Table(path, folder)
        repair = _Repair(tables)
        while True:
            if error is None:
                try:
                    documents = render(*(tables[p].copy if p in tables else p
                                         for p in (roster, tallies)))
                except InputError as exc:
                    error = exc
                else:
                    return repair.result(documents, tables.get(roster) if roster else None)
            if not repair.fix(error):
                raise _restored(error, tables)
            error = _roster_error(tables.get(roster) if roster else None)


class _Repair:
    """The members repaired so far: one failure per row, the cells already emptied."""

    def __init__(self, tables: dict[Path, _Table]) -> None:
        self.tables = tables
        self.failures: dict[tuple[Path, int], MemberFailure] = {}
        self.cleared: set[tuple[Path, int]] = set()

    def fix(self, error: InputError) -> bool:
        """Repair the row ``error`` is on; False when it is no member's row, or when
        too many members failed already (a table that is wrong throughout)."""
        path = _table_of(error, [*self.tables, *(t.copy for t in self.tables.values())])
        table = next((t for t in self.tables.values() if path in (t.original, t.copy)), None)
        row = error.location.row
        if table is None or row is None or not table.is_member_row(row):
            return False
        key = (table.original, row)
        if key not in self.failures and len(self.failures) >= MAX_ISOLATED:
            return False
        name = table.name_at(row)
        column = error.location.column
        if column is not None and key not in self.cleared:
            self.cleared.add(key)
            changed = table.clear(row, column)
        else:
            changed = table.blank(row)
        if not changed:
            return False
        self.failures.setdefault(key, MemberFailure(
            name or f"第{row}行", _restored(error, self.tables), table.original, row))
        return True

    def result(self, documents: list[Document], roster: _Table | None) -> Isolated:
        """The documents without those of the failed members, who are named as the
        documents name them (张伟（0107） when two share a name)."""
        members = _roster_or_none(roster)
        failed: set[str] = set()
        for failure in self.failures.values():
            labels = _labels(failure, members, roster)
            if len(labels) == 1:
                failure.member = labels[0]
            # without a roster to ask, go by the name; a row emptied whole made no document
            failed.update(labels if members is not None else [failure.member])
        kept = [d for d in documents if member_of(d) not in failed]
        return Isolated(kept, list(self.failures.values()))


def _roster_or_none(table: _Table | None) -> Roster | None:
    if table is None:
        return None
    try:
        return load_roster(table.copy)
    except InputError:
        return None


def _labels(failure: MemberFailure, roster: Roster | None, table: _Table | None) -> list[str]:
    """The roster labels of the member a failure is about."""
    if roster is None:
        return []
    if table is not None and failure.table == table.original:
        return [roster.label(m) for m in roster if roster.where(m).row == failure.row]
    return [roster.label(m) for m in roster.find(failure.member)]


def _roster_error(table: _Table | None) -> InputError | None:
    """The next bad row of the roster copy, found by reading it alone (far cheaper than
    rendering every member again to find it); None when it reads cleanly."""
    if table is None:
        return None
    try:
        load_roster(table.copy)
    except InputError as exc:
        return exc if _table_of(exc, [table.copy]) is not None else None
    return None


def _table_of(error: InputError, files: Sequence[Path]) -> Path | None:
    """The spreadsheet among ``files`` whose row ``error`` points at."""
    location = error.location
    if location.row is None or location.file is None:
        return None
    return next((p for p in files if str(p) == location.file or p == Path(location.file)),
                None)


def _restored(error: InputError, tables: dict[Path, _Table]) -> InputError:
    """``error`` as it reads against the user's files rather than the private copies."""
    location, message, hint = error.location, error.message, error.hint
    for table in tables.values():
        copy, original = str(table.copy), str(table.original)
        if location.file == copy:
            location = Location(original, location.line, location.column, location.row)
        message = message.replace(copy, original)
        hint = hint.replace(copy, original) if hint else hint
    return InputError(message, location=location, field=error.field, hint=hint)
