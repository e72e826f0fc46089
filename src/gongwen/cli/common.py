"""What every command shares: one-line errors with their exit codes, and Ctrl-C ending
any command at once with exit code 130."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

from ..errors import GongwenError, Interrupted

FORMATS = ("docx", "pdf", "both")


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a GongwenError into its one-line message and exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except GongwenError as exc:
            if _was_interrupted():  # LibreOffice killed by Ctrl-C, say: not the error
                raise Interrupted from exc
            print_error(exc)
            sys.exit(exc.exit_code)

    return wrapper


def print_error(error: GongwenError) -> None:
    """``error: …`` on every line (an error listing several problems has one a line)."""
    for line in str(error).splitlines() or [""]:
        click.secho(f"error: {line}", fg="red", err=True)


class CommandGroup(click.Group):
    """The command group, with Ctrl-C ending any command at once with exit code 130
    and one line (:func:`gongwen.children.handling_interrupts`), never click's
    "Aborted!" with exit code 1, which means "some documents failed" here."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from ..children import handling_interrupts

        with handling_interrupts():
            try:
                return super().main(*args, **kwargs)
            except KeyboardInterrupt:
                _exit_interrupted()
            except SystemExit as exc:
                if _was_interrupted() and exc.code != Interrupted.exit_code:
                    _exit_interrupted()  # click's own "Aborted!", or a run that went on
                raise

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:  # while the arguments are read
            _exit_interrupted()

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _exit_interrupted()
        except Exception:
            if _was_interrupted():  # a cleanup cut short by Ctrl-C failed in turn
                _exit_interrupted()
            raise


def _was_interrupted() -> bool:
    from ..children import interrupted

    return interrupted()


def _exit_interrupted() -> NoReturn:
    from ..children import report_interrupted

    newline = "\n" if sys.stderr.isatty() else ""  # after the terminal's ^C
    report_interrupted(lambda line: click.echo(newline + line, err=True))
    sys.exit(Interrupted.exit_code)
