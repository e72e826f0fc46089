"""Errors as the API returns them: ``{"error": {message, file, line, field, hint}}``.

The same facts the CLI prints on one line, split into fields a client program can show
next to the field it came from.  Bad input is a 4xx, never a 500.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import ConversionError, GongwenError, InputError, TemplateError


class ApiError(Exception):
    """An error the server answers with ``status`` and the JSON error body."""

    def __init__(self, status: int, message: str, *, file: str | None = None,
                 line: int | None = None, field: str | None = None,
                 hint: str | None = None, problems: list[dict[str, Any]] | None = None
                 ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "file": file, "line": line,
                                     "field": field, "hint": hint}
        if problems:
            self.body["problems"] = problems

    def payload(self) -> dict[str, Any]:
        return {"error": self.body}


def error_fields(error: GongwenError) -> dict[str, Any]:
    """The parts of a library error, for JSON: what, where (file, line, row), field, hint."""
    if isinstance(error, InputError):
        where = error.location
        fields: dict[str, Any] = {"message": error.message, "file": where.file,
                                  "line": where.line, "field": error.field, "hint": error.hint}
        if where.row is not None:
            fields["row"] = where.row
            fields["column"] = where.column
        return fields
    if isinstance(error, TemplateError):
        return {"message": error.message, "file": error.template, "line": None,
                "field": None, "hint": error.hint}
    return {"message": str(error), "file": None, "line": None, "field": None, "hint": None}


def from_library(error: GongwenError) -> ApiError:
    """The API error for a library error: 422 for bad data or template, 503 when
    LibreOffice failed (the input may be fine; the client may retry)."""
    fields = error_fields(error)
    status = 503 if isinstance(error, ConversionError) else 422
    problems = [error_fields(p) for p in getattr(error, "problems", [])[1:]] or None
    api = ApiError(status, fields.pop("message"), problems=problems,
                   **{k: fields.get(k) for k in ("file", "line", "field", "hint")})
    for extra in ("row", "column"):
        if extra in fields:
            api.body[extra] = fields[extra]
    return api


def scrub(fields: dict[str, Any], data_dir: Path) -> dict[str, Any]:
    """``fields`` with the server's own folders cut from every path: a client sees
    ``activity.yaml``, not ``/srv/gongwen/jobs/<id>/input/activity.yaml``."""
    pattern = re.compile(re.escape(str(data_dir.resolve())) + r"/(?:requests|jobs|activities)/[0-9a-f]{32}/"
                         r"(?:(?:input|files|output|roster|tallies|template)/)?")
    pattern_raw = re.compile(re.escape(str(data_dir)) + r"/(?:requests|jobs|activities)/[0-9a-f]{32}/"
                             r"(?:(?:input|files|output|roster|tallies|template)/)?")

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return pattern_raw.sub("", pattern.sub("", value))
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        return value

    return clean(fields)
