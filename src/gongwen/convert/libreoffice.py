"""Finding LibreOffice, asking its version, and running ``soffice --convert-to``.

The pieces :class:`~gongwen.convert.Converter` is built from: the binary, the PDF
export options as LibreOffice reads them on its command line, and one command-line run
that can be killed after a time limit (``soffice`` exits 0 even when a file failed, so
its stderr is what the caller checks the PDFs against).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import logging
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from ..children import forget_group, start_group
from ..errors import ConversionError
from ..fileio import write_atomic
from .fonts import cache_root

logger = logging.getLogger(__name__)

#: environment variable that names the soffice binary to use
SOFFICE_ENV = "GONGWEN_SOFFICE"
SOFFICE_NAMES = ("soffice", "libreoffice")
SOFFICE_GLOBS = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice*/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)
#: LibreOffice lays out the 22 × 28 document grid correctly from this version on
GRID_OK_VERSION = (24,)
DEFAULT_MAX_WORKERS = 2
#: files one soffice run converts at most: a crash then costs at most this many retries
MAX_FILES_PER_RUN = 100
#: a run's time limit: a fixed start-up allowance plus an allowance per file
RUN_TIMEOUT_BASE_S = 60.0
RUN_TIMEOUT_PER_FILE_S = 10.0
#: LibreOffice reads filter options given as JSON from this version on
JSON_FILTER_VERSION = (7, 4)
#: export options every run gets (LibreOffice's writer_pdf_Export filter data)
DEFAULT_EXPORT_OPTIONS: Mapping[str, bool | int | str] = {"ExportBookmarks": True}
_VERSION_RE = re.compile(r"(\d+(?:\.\d+)+)")


def find_soffice() -> Path:
    """The LibreOffice binary: ``$GONGWEN_SOFFICE``, then ``PATH``, then the usual places."""
    env = os.environ.get(SOFFICE_ENV)
    if env:
        if Path(env).is_file() and os.access(env, os.X_OK):
            return Path(env)
        raise ConversionError(f"{SOFFICE_ENV}={env} is not an executable file")
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    for pattern in SOFFICE_GLOBS:
        for found in sorted(glob.glob(pattern)):
            if os.access(found, os.X_OK):
                return Path(found)
    raise ConversionError(
        "LibreOffice (soffice) is not installed or not on PATH "
        "(hint: run scripts/setup-system.sh as root, or set GONGWEN_SOFFICE)"
    )


def installation_key(soffice: Path) -> str:
    """A short key that changes when LibreOffice is reinstalled or upgraded (its
    program's path and the times its files were written)."""
    program = soffice.resolve()
    marks = [str(program)]
    for name in ("versionrc", "soffice.bin"):
        with contextlib.suppress(OSError):
            marks.append(str((program.parent / name).stat().st_mtime_ns))
    return hashlib.sha256("\0".join(marks).encode()).hexdigest()[:16]


@lru_cache(maxsize=8)
def _version_of(soffice: Path) -> tuple[int, ...]:
    """Asked with ``soffice --version`` (about a tenth of a second) once per installation;
    the answer is kept in gongwen's cache."""
    cached = cache_root() / f"lo-version-{installation_key(soffice)}"
    with contextlib.suppress(OSError, ValueError):
        return tuple(int(part) for part in cached.read_text(encoding="ascii").split("."))
    try:
        done = subprocess.run(
            [str(soffice), "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConversionError(f"{soffice} --version failed: {exc}") from None
    match = _VERSION_RE.search(done.stdout)
    if not match:
        raise ConversionError(f"{soffice} --version printed no version: {done.stdout!r}")
    with contextlib.suppress(OSError):
        write_atomic(cached, match.group(1).encode("ascii"))
    return tuple(int(part) for part in match.group(1).split("."))


def libreoffice_version(soffice: Path | None = None) -> tuple[int, ...]:
    """LibreOffice's version, e.g. ``(25, 2, 3, 2)``."""
    return _version_of(soffice or find_soffice())


def version_warnings(version: tuple[int, ...]) -> list[str]:
    """What is wrong with this LibreOffice for 公文 layout (empty when nothing is)."""
    if version < GRID_OK_VERSION:
        return [
            f"LibreOffice {'.'.join(map(str, version))} lays out the 28-characters-per-line "
            "grid wrongly; install LibreOffice ≥ 24 (scripts/setup-system.sh) or use a "
            "profile with character tracking"
        ]
    return []


def pdf_filter(options: Mapping[str, bool | int | str], version: tuple[int, ...] = ()) -> str:
    """The ``--convert-to`` argument that passes ``options`` to writer_pdf_Export (as
    JSON, which LibreOffice reads from 7.4 on; older ones get the defaults)."""
    if version and version < JSON_FILTER_VERSION:
        return "pdf:writer_pdf_Export"
    kinds = {bool: "boolean", int: "long", str: "string"}
    data = {
        key: {"type": kinds[type(value)], "value": str(value).lower()
              if isinstance(value, bool) else str(value)}
        for key, value in options.items()
    }
    return "pdf:writer_pdf_Export:" + json.dumps(data, separators=(",", ":"))


def run_soffice(
    soffice: Path, profile: Path, inputs: Sequence[Path], out_dir: Path, filter_arg: str,
    env: Mapping[str, str], limit: float, live: set[subprocess.Popen], lock: threading.Lock,
) -> tuple[str, bool]:
    """One ``soffice --convert-to`` run on ``profile``: its stderr (the one place it says
    what went wrong) and whether it had to be killed after ``limit`` seconds.  ``live``
    holds the process while it runs, so that a closing converter can kill it.

    LibreOffice reads the paths on its command line as URLs where it can: ``#`` starts
    a fragment, ``?`` a query, ``;`` parameters, ``%25`` is decoded to ``%``, and a
    folder or file named so is not found ("Please verify input parameters") or
    written elsewhere.  So it is handed the inputs under plain names in a plain folder
    of the converter's own, and each PDF is moved to ``out_dir`` under its input's name."""
    work = Path(tempfile.mkdtemp(prefix="convert-", dir=profile.parent))
    try:
        plain = [_plain_copy(path, work / f"{k:04d}{path.suffix.lower()}")
                 for k, path in enumerate(inputs)]
        err, timed_out = _run_soffice(soffice, profile, plain, work / "pdf", filter_arg, env,
                                      limit, live, lock)
        out_dir.mkdir(parents=True, exist_ok=True)
        for copy, path in zip(plain, inputs, strict=True):
            pdf = work / "pdf" / f"{copy.stem}.pdf"
            if pdf.exists():
                shutil.move(pdf, out_dir / f"{path.stem}.pdf")
            err = err.replace(str(copy), str(path))  # what it says names the user's files
        return err, timed_out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _plain_copy(path: Path, copy: Path) -> Path:
    """``path`` as ``copy``: a hard link where both are on one file system, else a copy."""
    try:
        os.link(path, copy)
    except OSError:
        shutil.copyfile(path, copy)
    return copy


def _run_soffice(
    soffice: Path, profile: Path, inputs: Sequence[Path], out_dir: Path, filter_arg: str,
    env: Mapping[str, str], limit: float, live: set[subprocess.Popen], lock: threading.Lock,
) -> tuple[str, bool]:
    cmd = [
        str(soffice), f"-env:UserInstallation={profile.as_uri()}",
        "--headless", "--norestore", "--nolockcheck", "--nodefault",
        "--convert-to", filter_arg, "--outdir", str(out_dir), *(str(path) for path in inputs),
    ]
    proc = start_group(  # its own group: a kill takes all
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=dict(env),
    )
    with lock:
        live.add(proc)
    timed_out = False
    try:
        _, err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        _, err = proc.communicate()
        timed_out = True
        err = (err or b"") + f"\n(killed after {limit:g} s)".encode()
    except BaseException:
        kill_group(proc)
        proc.wait()
        raise
    finally:
        forget_group(proc)
        with lock:
            live.discard(proc)
    return err.decode("utf-8", "replace"), timed_out


def make_staging_dir(out: Path) -> Path:
    """A hidden work directory inside ``out`` (so results move in atomically)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".gongwen-", dir=out))
    except OSError as exc:
        raise ConversionError(f"{out}: cannot write PDFs there ({exc.strerror})") from None


def kill_group(proc: subprocess.Popen) -> None:
    """Kill ``proc``'s whole process group (soffice is a script that starts soffice.bin)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def split_evenly(total: int, parts: int, max_size: int) -> list[list[int]]:
    """Indices ``0..total-1`` in contiguous runs: ``parts`` runs when there are enough
    items, none longer than ``max_size``, their sizes differing by at most one."""
    if not total:
        return []
    count = max(min(parts, total), math.ceil(total / max_size))
    size, extra = divmod(total, count)
    runs, start = [], 0
    for k in range(count):
        end = start + size + (1 if k < extra else 0)
        runs.append(list(range(start, end)))
        start = end
    return runs
