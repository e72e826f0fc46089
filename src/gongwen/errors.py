"""The exceptions gongwen raises.

Every error a user can cause is a :class:`GongwenError`; its ``str()`` is the one line
the CLI prints (file, line or row, field, what is wrong, and a hint), so that a
script or a person can act on it without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class GongwenError(Exception):
    """Base class: anything gongwen reports to a user rather than crashes on."""

    #: process exit code the CLI uses for this family of errors
    exit_code: int = 1


@dataclass(frozen=True)
class Location:
    """Where in a user's file a value came from (1-based line/column, or a table row)."""

    file: str | None = None
    line: int | None = None
    column: int | str | None = None  # a number, or a spreadsheet column letter
    row: int | None = None

    def __str__(self) -> str:
        parts = [self.file or "<data>"]
        if self.line is not None:
            parts.append(str(self.line))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None and self.row is not None:
            parts[-1] += f", column {self.column}"
        return ":".join(parts)


class InputError(GongwenError):
    """The user's data is wrong: names the place, the field, the problem and a hint."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.location = location or Location()
        self.field = field
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.location}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class TemplateError(GongwenError):
    """A template is broken or asks for data the document does not have."""

    exit_code = 2

    def __init__(self, message: str, *, template: str | None = None, hint: str | None = None):
        self.message = message
        self.template = template
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.template}: {self.message}" if self.template else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class ConversionError(GongwenError):
    """LibreOffice could not turn a document into a correct PDF."""

    exit_code = 3


class BundleError(GongwenError):
    """PDFs could not be merged into a bundle."""

    exit_code = 3


class OutputError(GongwenError):
    """An output could not be written where asked: a file where a folder should be, a
    folder without write permission, a full disk."""

    exit_code = 3


class QueueError(GongwenError):
    """The job queue (a Redis server) cannot be reached: ``gongwen worker`` or a
    ``gongwen serve --queue`` that cannot hand a job on."""

    exit_code = 3

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message, self.hint = message, hint
        super().__init__(f"{message} (hint: {hint})" if hint else message)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C ended the run (see :func:`gongwen.children.handling_interrupts`): a
    KeyboardInterrupt, so that no ``except Exception`` takes it for a failure."""

    exit_code = 130
