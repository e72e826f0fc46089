"""A LibreOffice that stays running between conversions, driven over UNO.

``soffice --convert-to`` starts LibreOffice for every call: about 0.35 s before the first
page, where a document converted in an office that is already up costs tens of
milliseconds.  :class:`Office` keeps one up.  LibreOffice's Python bridge (``uno``)
belongs to the Python LibreOffice was built for (Debian's ``python3-uno`` is the system
``python3``'s, not a virtualenv's), so the office is driven by ``uno_worker.py`` run
with that Python, and spoken to with one JSON line per request.
"""

from __future__ import annotations

import collections
import contextlib
import importlib.util
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from ..children import forget_group, kill_group, start_group
from .fonts import cache_root

#: environment variable naming the Python that can ``import uno``
UNO_PYTHON_ENV = "GONGWEN_UNO_PYTHON"
WORKER_SCRIPT = Path(__file__).with_name("uno_worker.py")
#: where Debian's python3-uno puts the bridge for the system python3
SYSTEM_UNO_DIRS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")
#: exit status of the worker script when its Python has no ``uno`` module
EXIT_NO_UNO = 3
#: seconds LibreOffice may take to start and accept the connection
START_TIMEOUT_S = 60.0
#: seconds a closing office gets before it is killed
CLOSE_GRACE_S = 5.0
_STDERR_LINES = 40
#: the warm-up document's file name in gongwen's cache (bump when its content changes)
WARM_UP_NAME = "warm-up-1.docx"
_EOF = object()


class OfficeUnavailable(Exception):
    """No Python with LibreOffice's ``uno`` module: converters fall back to the CLI."""


class OfficeFailed(Exception):
    """The office died, hung or answered nonsense; the message says what it printed."""


def warm_up_document() -> Path:
    """A small DOCX in each official face, with a table, that a starting office converts
    once: LibreOffice's first DOCX costs ~0.25 s more than the next (filters, fonts),
    and paying that while the caller is still preparing its documents hides it."""
    target = cache_root() / WARM_UP_NAME
    if target.is_file():
        return target
    from docx import Document as new_docx

    from ..fileio import write_atomic
    from ..layout import standard
    from ..layout.ooxml import set_fonts

    doc = new_docx()
    for face in (standard.XIAOBIAOSONG, standard.FANGSONG, standard.KAITI, standard.HEITI):
        run = doc.add_paragraph().add_run(f"预热文档 {face} 一二三四五 2024年")
        set_fonts(run._r.get_or_add_rPr(), face, standard.LATIN_FONT)
    doc.add_table(rows=2, cols=2).cell(0, 0).text = "表格"
    return write_atomic(target, doc.save)


def find_uno_python(soffice: Path) -> str | None:
    """A Python that can ``import uno`` for this LibreOffice, or None: ``$GONGWEN_UNO_PYTHON``
    (``none`` turns the bridge off), the Python inside a LibreOffice from
    libreoffice.org, the system ``python3`` with Debian's ``python3-uno``, or this one."""
    override = os.environ.get(UNO_PYTHON_ENV)
    if override:
        return None if override.lower() == "none" else override
    program = soffice.resolve().parent
    bundled = program / "python"
    if _executable(bundled) and (program / "uno.py").is_file():
        return str(bundled)
    system = Path("/usr/bin/python3")
    if _executable(system) and any(Path(d, "uno.py").is_file() for d in SYSTEM_UNO_DIRS):
        return str(system)
    if importlib.util.find_spec("uno") is not None:
        return sys.executable
    return None


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


class Office:
    """One LibreOffice with its own profile, up until :meth:`close`.

    Starting returns at once; :meth:`wait_ready` and the first :meth:`convert` wait for
    LibreOffice to accept work, so the caller can do other things meanwhile.
    """

    def __init__(self, soffice: Path, profile: Path, env: Mapping[str, str],
                 python: str) -> None:
        self.python = python
        self._lines: queue.Queue[object] = queue.Queue()
        self._stderr: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES)
        self.version: tuple[int, ...] | None = None
        #: LibreOffice died under a request (answered for, but it needs replacing)
        self.lost = False
        self._lock = threading.Lock()
        self.proc = start_group(  # its own process group: a kill takes LibreOffice along
            [python, str(WORKER_SCRIPT), str(soffice), profile.as_uri(),
             str(warm_up_document())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=dict(env),
        )
        for target, stream in ((self._read_lines, self.proc.stdout),
                               (self._read_stderr, self.proc.stderr)):
            threading.Thread(target=target, args=(stream,), daemon=True).start()

    # --- the worker's output ------------------------------------------------------

    def _read_lines(self, stream: IO[bytes]) -> None:
        for raw in stream:
            self._lines.put(raw.decode("utf-8", "replace"))
        self._lines.put(_EOF)

    def _read_stderr(self, stream: IO[bytes]) -> None:
        for raw in stream:
            line = raw.decode("utf-8", "replace").strip()
            if line and "javaldx" not in line:  # LibreOffice's harmless complaint
                self._stderr.append(line)

    def stderr_tail(self) -> str:
        return " | ".join(self._stderr)

    def _next(self, timeout: float) -> dict:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise OfficeFailed(f"LibreOffice did not answer (killed after {timeout:g} s)") from None
        if line is _EOF:
            status = self.proc.wait()
            if status == EXIT_NO_UNO:
                raise OfficeUnavailable(self.stderr_tail() or f"{self.python}: no uno")
            raise OfficeFailed(f"LibreOffice stopped (status {status})"
                               + (f": {self.stderr_tail()}" if self.stderr_tail() else ""))
        try:
            message = json.loads(str(line))
        except ValueError:
            raise OfficeFailed(f"unexpected output from LibreOffice: {str(line)[:200]!r}") from None
        if "error" in message:
            self.proc.wait()
            if self.proc.returncode == EXIT_NO_UNO:
                raise OfficeUnavailable(message["error"])
            raise OfficeFailed(message["error"])
        return message

    # --- work ---------------------------------------------------------------------

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> tuple[int, ...]:
        """LibreOffice's version, once it accepts work."""
        with self._lock:
            if self.version is None:
                message = self._next(timeout)
                text = str(message.get("version", ""))
                parts = [int(p) for p in text.split(".") if p.isdigit()]
                self.version = tuple(parts) or (0,)
            return self.version

    def convert(self, inputs: Sequence[Path], outputs: Sequence[Path],
                filter_data: Mapping[str, bool | int | str], timeout: float) -> list[str | None]:
        """Convert each input to its output PDF; per input, None or what went wrong."""
        self.wait_ready()
        request = {"inputs": [str(p) for p in inputs], "outputs": [str(p) for p in outputs],
                   "filter_data": dict(filter_data)}
        with self._lock:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write((json.dumps(request, ensure_ascii=False) + "\n").encode())
                self.proc.stdin.flush()
            except OSError:
                self.kill()
                raise OfficeFailed(f"LibreOffice is gone: {self.stderr_tail()}") from None
            answer = self._next(timeout)
            errors = answer.get("errors")
            self.lost = bool(answer.get("lost"))
        if not isinstance(errors, list) or len(errors) != len(inputs):
            self.kill()
            raise OfficeFailed("LibreOffice answered for the wrong number of files")
        return errors

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    @property
    def gone(self) -> bool:
        """It ran and stopped (or lost LibreOffice): a new one must take over."""
        return self.lost or (self.version is not None and not self.alive)

    def begin_close(self) -> None:
        """Ask LibreOffice to quit (end of input) without waiting for it."""
        with contextlib.suppress(OSError, ValueError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()

    def close(self) -> None:
        """Let LibreOffice quit (its profile stays intact); kill it if it does not."""
        if self.proc.poll() is None:
            self.begin_close()
            try:
                self.proc.wait(timeout=CLOSE_GRACE_S)
            except subprocess.TimeoutExpired:
                self.kill()
        forget_group(self.proc)
        self._close_pipes()

    def kill(self) -> None:
        """Kill the worker and LibreOffice with it (one process group)."""
        kill_group(self.proc.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=CLOSE_GRACE_S)
        forget_group(self.proc)

    def _close_pipes(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()
