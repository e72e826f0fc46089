"""Spreadsheets as branch offices keep them: CSV and XLSX, read into numbered rows.

Rows keep the number the user sees in Excel or WPS (the sheet's first row is 1, blank
rows count) and cells their column letter, so an error can name the very cell to fix.
CSV files come in UTF-8 (with or without BOM), in GBK/GB18030 (what Chinese Excel saves
as "CSV"), or in UTF-16 with tabs (Excel's "Unicode text"); all three are detected.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Location
from ..text.bidi import strip_bidi_controls
from .limits import binary_limit, check_size, check_zip

SHEET_SUFFIXES = (".csv", ".xlsx", ".xlsm")
#: a sheet is named after the file: ``members.xlsx#第一支部``
SHEET_SEPARATOR = "#"
#: the header row is looked for among this many first non-blank rows (title rows above it)
HEADER_SEARCH_ROWS = 10
_CSV_DELIMITERS = (",", "\t", ";", "，")
_OLD_FORMATS = {".xls": "Excel 97-2003", ".et": "WPS", ".ods": "OpenDocument",
                ".numbers": "Numbers"}
_SAVE_HINT = "save it as .xlsx, or as CSV (UTF-8)"


def column_letter(index: int) -> str:
    """1 → ``A``, 27 → ``AA``: the letter Excel shows above column ``index``."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates as ISO, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value).strip()


def normalize_header(text: str) -> str:
    """Header text compared loosely: full-width forms folded, spaces and ``*`` dropped.

    Offices pad headers (「姓　名」), mark required ones (「*姓名」) and mix full- and
    half-width brackets; none of that changes which column it is.
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "*:").lower()


@dataclass
class SheetRow:
    number: int  # the row number the user sees (1-based)
    values: list[object]  # one per column, None for an empty cell

    def text(self, column: int) -> str:
        """Text of the cell in 0-based ``column``."""
        return cell_text(self.values[column]) if column < len(self.values) else ""

    def texts(self) -> list[str]:
        return [cell_text(v) for v in self.values]

    @property
    def is_blank(self) -> bool:
        return not any(cell_text(v) for v in self.values)


@dataclass
class Sheet:
    """A sheet's rows (blank ones left out) and where they came from."""

    file: str
    rows: list[SheetRow]
    name: str | None = None  # the worksheet, for XLSX

    def where(self, row: int | None = None, column: int | None = None) -> Location:
        """Location of a cell: ``column`` is 0-based and shown as its letter."""
        letter = column_letter(column + 1) if column is not None else None
        return Location(self.file, row=row, column=letter)  # type: ignore[arg-type]

    def header(self, is_header: Callable[[list[str]], bool]) -> tuple[int, list[str]]:
        """Index (into :attr:`rows`) and texts of the first row ``is_header`` accepts.

        Rows above it (a sheet title, a date line) are ignored.
        """
        for index, row in enumerate(self.rows[:HEADER_SEARCH_ROWS]):
            texts = row.texts()
            if is_header(texts):
                return index, texts
        return -1, []


def split_sheet_spec(spec: str | Path) -> tuple[Path, str | None]:
    """``members.xlsx#党员`` → (path, sheet); a plain path has no sheet."""
    text = str(spec)
    path = Path(text)
    if SHEET_SEPARATOR in text and not path.exists():
        name, _, sheet = text.rpartition(SHEET_SEPARATOR)
        return Path(name), sheet or None
    return path, None


def read_sheet(path: str | Path, sheet: str | None = None) -> Sheet:
    """Read a CSV or XLSX file (``sheet`` picks a worksheet; default the first)."""
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if suffix in _OLD_FORMATS:
        raise InputError(f"is an {_OLD_FORMATS[suffix]} file, which gongwen cannot read",
                         location=Location(name), hint=_SAVE_HINT)
    if suffix not in SHEET_SUFFIXES:
        raise InputError(f"unsupported spreadsheet type {suffix or '(none)'}",
                         location=Location(name), hint="use a .csv or .xlsx file")
    check_size(path, binary_limit(), "spreadsheet")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", location=Location(name),
                         hint="check the path; paths in a data file start at its folder"
                         ) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", location=Location(name)) from None
    if suffix == ".csv":  # bidi controls dropped as every input's (gongwen.text.bidi)
        return Sheet(name, _csv_rows(strip_bidi_controls(decode_text(data, name))))
    return _xlsx_sheet(data, name, sheet)


def decode_text(data: bytes, name: str) -> str:
    """Text of a CSV file in UTF-8 (± BOM), UTF-16 (BOM) or GB18030 (GBK's superset)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("is neither UTF-8 nor GBK/GB18030 text", location=Location(name),
                     hint="save it as CSV UTF-8, or as .xlsx")


def _csv_rows(text: str) -> list[SheetRow]:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip(" ,\t;，")), "")
    delimiter = max(_CSV_DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for number, record in enumerate(reader, start=1):
        row = SheetRow(number, [value.strip() or None for value in record])
        if not row.is_blank:
            rows.append(row)
    return rows


def _xlsx_sheet(data: bytes, name: str, sheet: str | None) -> Sheet:
    from openpyxl import load_workbook

    check_zip(data, name, "workbook")
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):  # XML errors
        raise InputError("is not a readable .xlsx workbook", location=Location(name),
                         hint=_SAVE_HINT) from None
    if sheet is None:
        worksheet = book.worksheets[0]
    elif sheet in book.sheetnames:
        worksheet = book[sheet]
    else:
        raise InputError(f"has no worksheet {sheet!r}", location=Location(name),
                         hint="its worksheets: " + "、".join(book.sheetnames))
    grid = [[strip_bidi_controls(v) if isinstance(v, str) else v for v in values]
            for values in worksheet.iter_rows(values_only=True)]
    _fill_merged(grid, worksheet.merged_cells.ranges)
    rows = [SheetRow(number, values) for number, values in enumerate(grid, start=1)]
    return Sheet(name, [row for row in rows if not row.is_blank], worksheet.title)


def _fill_merged(grid: list[list[object]], ranges: Sequence[object]) -> None:
    """A merged block (a 支部 name spanning rows, say) gives its value to every cell."""
    for merged in ranges:
        top, left = merged.min_row - 1, merged.min_col - 1  # type: ignore[attr-defined]
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for r in range(top, min(merged.max_row, len(grid))):  # type: ignore[attr-defined]
            for c in range(left, min(merged.max_col, len(grid[r]))):  # type: ignore[attr-defined]
                grid[r][c] = value
