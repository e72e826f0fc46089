"""How much gongwen reads from a user's files, checked before the costly work.

A data file, roster or template comes from whoever prepared it; a file far larger
than any real one (or a zip that inflates a thousandfold) must be refused in a
moment with a one-line error, not after a minute of parsing or gigabytes of memory.
The limits are far above real inputs (a roster of thousands of members, a 1,000-row
汇总表) and scale with one setting, ``GONGWEN_MAX_INPUT_MB``.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError, Location

#: environment variable that sets the data-file limit in MB (the others scale with it)
LIMIT_VARIABLE = "GONGWEN_MAX_INPUT_MB"
#: YAML/JSON data files and Markdown bodies: parsed with positions, ≈ 10 s a MB at worst
DATA_LIMIT_MB = 1.0
#: spreadsheets (CSV/XLSX) and .docx templates may be this many times as large
BINARY_FACTOR = 16
#: the parts of an XLSX/DOCX together may inflate to this many times the data limit
INFLATED_FACTOR = 64
#: a part larger than this may not inflate more than MAX_RATIO times its packed size
RATIO_MIN_BYTES = 8 << 20  # a long, repetitive document.xml packs 150 times and is genuine
MAX_RATIO = 100
#: nesting of lists and mappings in a data file (real ones need four or five)
MAX_DEPTH = 32
#: values that YAML aliases (``*name``) may add to a data file by repeating an anchor
MAX_ALIAS_VALUES = 100_000
_MB = 1 << 20
_HINT = f"set {LIMIT_VARIABLE} to a larger number of MB if the file is genuine"


def data_limit() -> int:
    """Bytes of the largest data file (``GONGWEN_MAX_INPUT_MB`` or the default)."""
    text = os.environ.get(LIMIT_VARIABLE, "").strip()
    try:
        megabytes = float(text) if text else DATA_LIMIT_MB
    except ValueError:
        megabytes = DATA_LIMIT_MB
    return int(max(megabytes, 0.001) * _MB)


def binary_limit() -> int:
    """Bytes of the largest spreadsheet or template file."""
    return data_limit() * BINARY_FACTOR


def inflated_limit() -> int:
    """Bytes the parts of one XLSX/DOCX may inflate to, together."""
    return data_limit() * INFLATED_FACTOR


def _megabytes(size: int) -> str:
    megabytes = size / _MB
    return f"{megabytes:,.0f} MB" if megabytes >= 10 else f"{megabytes:.3g} MB"


def check_size(path: Path, limit: int, what: str = "file") -> None:
    """Refuse ``path`` when it is larger than ``limit`` bytes, before reading it.

    A missing path passes: the reader says so in its own words."""
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size > limit:
        raise InputError(f"is too large for a {what}: {_megabytes(size)}, the limit is "
                         f"{_megabytes(limit)}", location=Location(str(path)), hint=_HINT)


def check_zip(data: bytes, name: str, what: str) -> None:
    """Refuse an OOXML package (``what``: a .docx template, an .xlsx workbook) whose
    parts would inflate beyond :func:`inflated_limit` or far beyond their packed size,
    by what the zip declares and then by what it really inflates to (read in bounded
    chunks), before any part is parsed.  A file that is no zip passes: the reader
    says what it is."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return
    limit = inflated_limit()

    def refuse(problem: str) -> InputError:
        return InputError(f"{problem}; refused as a possible zip bomb",
                          location=Location(name), hint=f"save the {what} again from "
                          f"Word, WPS or Excel; {_HINT}")

    with archive:
        infos = archive.infolist()
        declared = sum(info.file_size for info in infos)
        if declared > limit:
            raise refuse(f"its parts declare {_megabytes(declared)} inflated, more than "
                         f"{_megabytes(limit)}")
        for info in infos:
            _check_ratio(info.filename, info.file_size, info.compress_size, refuse)
        total = 0
        for info in infos:
            actual = 0
            try:
                with archive.open(info) as part:
                    while chunk := part.read(_MB):
                        actual += len(chunk)
                        total += len(chunk)
                        if actual > info.file_size or total > limit:
                            raise refuse(f"part {info.filename} inflates to more than it "
                                         "declares")
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise InputError(f"is not a readable {what}: part {info.filename}: {exc}",
                                 location=Location(name),
                                 hint=f"save the {what} again from Word, WPS or Excel"
                                 ) from None
            _check_ratio(info.filename, actual, info.compress_size, refuse)


def _check_ratio(part: str, size: int, packed: int,
                 refuse: Callable[[str], InputError]) -> None:
    if size > RATIO_MIN_BYTES and size > MAX_RATIO * max(packed, 1):
        raise refuse(f"part {part} inflates {size // max(packed, 1)} times "
                     f"(to {_megabytes(size)}), more than {MAX_RATIO} times")
