"""Progress of a batch run: a rich bar on a terminal, plain lines in a log or a pipe.

The library reports through the small :class:`Progress` protocol and never writes to
the console itself; the CLI picks a reporter with :func:`progress_for`.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any, Protocol


class Progress(Protocol):
    """What a batch run tells about its progress: stages, each with a number of steps."""

    def stage(self, name: str, total: int) -> None: ...

    def advance(self, steps: int = 1) -> None: ...

    def close(self) -> None: ...


class NullProgress:
    """Reports nothing (the library's default)."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class LineProgress:
    """One line per stage when it ends, with its step count and time: for logs."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self._name: str | None = None
        self._total = 0
        self._done = 0
        self._started = 0.0

    def stage(self, name: str, total: int) -> None:
        self._finish()
        self._name, self._total, self._done = name, total, 0
        self._started = time.perf_counter()

    def advance(self, steps: int = 1) -> None:
        self._done += steps

    def close(self) -> None:
        self._finish()

    def _finish(self) -> None:
        if self._name is None:
            return
        seconds = time.perf_counter() - self._started
        self.stream.write(f"{self._name}: {self._done}/{self._total} ({seconds:.1f} s)\n")
        self.stream.flush()
        self._name = None


class RichProgress:
    """A bar per stage on a terminal (rich), cleared into a finished line at the end."""

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as Bar

        self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=Console(file=stream), transient=False)
        self._bar.start()
        self._task: Any = None

    def stage(self, name: str, total: int) -> None:
        self._complete()
        self._task = self._bar.add_task(name, total=max(total, 1))

    def advance(self, steps: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, steps)

    def close(self) -> None:
        self._complete()
        self._bar.stop()

    def _complete(self) -> None:
        if self._task is not None:
            task = self._bar.tasks[-1]
            self._bar.update(self._task, completed=task.total)


def progress_for(stream: IO[str] | None = None) -> Progress:
    """A rich bar when ``stream`` (default: stderr) is a terminal, plain lines otherwise."""
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return RichProgress(stream)
    return LineProgress(stream)
