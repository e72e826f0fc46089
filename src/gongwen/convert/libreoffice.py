"""DOCX → PDF with headless LibreOffice, checked, in parallel, and never hanging.

One ``soffice`` run costs most of a second before it converts anything, and converts
each further file in a few tens of milliseconds, so a :class:`Converter` hands each
worker many files per run.  Each worker owns a LibreOffice profile (two processes
sharing one would hand their work to each other); profiles start as copies of a warm
template in the user's cache, which saves LibreOffice's first-start set-up.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import json
import logging
import math
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import ConversionError
from .fonts import cache_root, soffice_environment
from .verify import check_docx, check_pdf

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
_UNSAFE_NAME = re.compile(r"[\\/\x00-\x1f]")


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


@lru_cache(maxsize=8)
def _version_of(soffice: Path) -> tuple[int, ...]:
    try:
        done = subprocess.run(
            [str(soffice), "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConversionError(f"{soffice} --version failed: {exc}") from None
    match = _VERSION_RE.search(done.stdout)
    if not match:
        raise ConversionError(f"{soffice} --version printed no version: {done.stdout!r}")
    return tuple(int(part) for part in match.group(1).split("."))


def libreoffice_version(soffice: Path | None = None) -> tuple[int, ...]:
    """LibreOffice's version, e.g. ``(25, 2, 3, 2)`` (asked once per binary)."""
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


@dataclass(frozen=True)
class _Job:
    """What one :meth:`Converter.convert` call asks for, shared by its runs."""

    paths: list[Path]
    expected_pages: Sequence[int | None] | None
    options: Mapping[str, bool | int | str]
    timeout: float | None


class Converter:
    """Converts DOCX files to PDF with a pool of warm LibreOffice profiles.

    Use it as a context manager, or call :meth:`close`; it can be reused for many calls.
    ``warnings`` lists what the caller should know about this LibreOffice (also logged).
    """

    def __init__(
        self,
        *,
        workers: int | None = None,
        timeout: float | None = None,
        soffice: Path | str | None = None,
        export_options: Mapping[str, bool | int | str] | None = None,
    ) -> None:
        self.soffice = Path(soffice) if soffice else find_soffice()
        self.version = libreoffice_version(self.soffice)
        self.workers = max(1, workers or min(os.cpu_count() or 1, DEFAULT_MAX_WORKERS))
        self.timeout = timeout
        self.export_options = dict(DEFAULT_EXPORT_OPTIONS, **(export_options or {}))
        self.warnings: list[str] = version_warnings(self.version)
        for message in self.warnings:
            logger.warning(message)
        self._env = soffice_environment()
        self._root = Path(tempfile.mkdtemp(prefix="gongwen-lo-"))
        self._finalizer = weakref.finalize(self, shutil.rmtree, self._root, ignore_errors=True)
        self._profiles: queue.Queue[Path] = queue.Queue()
        self._profile_ids = itertools.count(1)
        for _ in range(self.workers):
            self._profiles.put(self._new_profile())
        self._live: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._closed = False

    # --- life cycle ---------------------------------------------------------------

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop any LibreOffice still running and delete the worker profiles."""
        self._closed = True
        with self._lock:
            live = list(self._live)
        for proc in live:
            _kill(proc)
        self._finalizer()

    def _template_dir(self) -> Path:
        tag = ".".join(map(str, self.version))
        return cache_root() / f"lo-profile-{tag}"

    def _new_profile(self) -> Path:
        """A fresh profile directory, copied from the warm template when there is one."""
        profile = self._root / f"profile-{next(self._profile_ids)}"
        template = self._template_dir()
        if template.is_dir():
            try:
                shutil.copytree(template, profile)
            except OSError:
                shutil.rmtree(profile, ignore_errors=True)
        return profile

    def _save_template(self, profile: Path) -> None:
        """Keep a warmed-up profile so later converters skip LibreOffice's first start."""
        template = self._template_dir()
        if template.exists():
            return
        staging = Path(tempfile.mkdtemp(prefix=".lo-profile-", dir=template.parent))
        try:
            shutil.copytree(profile, staging / "p")
            os.replace(staging / "p", template)
        except OSError:
            pass  # another process won the race, or the cache is not writable
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    # --- running soffice ---------------------------------------------------------

    def _run(
        self, inputs: Sequence[Path], out_dir: Path, options: Mapping, timeout: float | None
    ) -> str:
        """Convert ``inputs`` in one soffice process on a free worker profile; returns
        its stderr (the one place LibreOffice says what went wrong)."""
        if self._closed:
            raise ConversionError("the converter is closed")
        limit = timeout or self.timeout
        if limit is None:
            limit = RUN_TIMEOUT_BASE_S + RUN_TIMEOUT_PER_FILE_S * len(inputs)
        profile = self._profiles.get()
        cold = not profile.exists()
        try:
            cmd = [
                str(self.soffice),
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless", "--norestore", "--nolockcheck", "--nodefault",
                "--convert-to", pdf_filter(options, self.version),
                "--outdir", str(out_dir),
                *(str(path) for path in inputs),
            ]
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self._env,
                start_new_session=True,  # its own process group: a timeout kills it whole
            )
            with self._lock:
                self._live.add(proc)
            timed_out = False
            try:
                _, err = proc.communicate(timeout=limit)
            except subprocess.TimeoutExpired:
                _kill(proc)
                _, err = proc.communicate()
                timed_out = True
                err = (err or b"") + f"\n(killed after {limit:.0f} s)".encode()
            except BaseException:
                _kill(proc)
                proc.wait()
                raise
            finally:
                with self._lock:
                    self._live.discard(proc)
            if timed_out:
                # A killed LibreOffice may leave its profile locked or half-written.
                shutil.rmtree(profile, ignore_errors=True)
                profile = self._new_profile()
            elif cold and proc.returncode == 0:
                self._save_template(profile)
            return err.decode("utf-8", "replace")
        finally:
            self._profiles.put(profile)

    def convert(
        self,
        docx_paths: Sequence[Path | str],
        out_dir: Path | str,
        *,
        expected_pages: Sequence[int | None] | None = None,
        export_options: Mapping[str, bool | int | str] | None = None,
        timeout: float | None = None,
    ) -> list[Path]:
        """Convert each DOCX to ``out_dir/<stem>.pdf``; returns the PDFs in input order.

        Raises :class:`ConversionError` naming the file for a non-DOCX input, and for any
        PDF that is missing, unreadable or empty after one retry on its own, or whose page
        count differs from ``expected_pages``.  PDFs appear in ``out_dir`` only verified.
        """
        paths = [Path(p).resolve() for p in docx_paths]
        if expected_pages is not None and len(expected_pages) != len(paths):
            raise ValueError("expected_pages needs one entry per document")
        stems: dict[str, Path] = {}
        for path in paths:
            check_docx(path)
            other = stems.setdefault(path.stem, path)
            if other != path:
                raise ConversionError(f"{path}: its PDF would overwrite the one of {other}")
        out = Path(out_dir)
        job = _Job(paths, expected_pages, dict(self.export_options, **(export_options or {})),
                   timeout)
        staging = make_staging_dir(out)
        try:
            runs = _split_evenly(len(paths), self.workers, MAX_FILES_PER_RUN)
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                futures = [
                    pool.submit(self._convert_run, job, members, staging / f"run-{k}")
                    for k, members in enumerate(runs)
                ]
                produced = [pdf for future in futures for pdf in future.result()]
            failures = [item for item in produced if isinstance(item, ConversionError)]
            if failures:
                more = f" (and {len(failures) - 1} more failed)" if len(failures) > 1 else ""
                raise ConversionError(f"{failures[0]}{more}")
            results = []
            for pdf in produced:
                target = out / pdf.name
                os.replace(pdf, target)
                results.append(target)
            return results
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _convert_run(
        self, job: _Job, members: list[int], run_dir: Path
    ) -> list[Path | ConversionError]:
        """Convert ``members`` of ``job`` in one run; a file whose PDF is missing or broken
        is converted once more on its own (a crash mid-run loses the files after it)."""
        stderr = self._run([job.paths[i] for i in members], run_dir, job.options, job.timeout)
        produced: list[Path | ConversionError] = []
        for i in members:
            path = job.paths[i]
            pdf = run_dir / f"{path.stem}.pdf"
            try:
                check_pdf(pdf, source=str(path), stderr=stderr)
            except ConversionError:
                pdf.unlink(missing_ok=True)
                logger.info("retrying %s on its own", path)
                again = self._run([path], run_dir, job.options, job.timeout)
                try:
                    check_pdf(pdf, source=str(path), stderr=again)
                except ConversionError as exc:
                    produced.append(exc)
                    continue
            expected = job.expected_pages[i] if job.expected_pages is not None else None
            try:
                check_pdf(pdf, source=str(path), expected_pages=expected)
            except ConversionError as exc:
                produced.append(exc)
                continue
            produced.append(pdf)
        return produced

    def convert_bytes(self, docx: bytes, name: str = "document") -> bytes:
        """Convert one DOCX held in memory; returns the PDF's bytes."""
        safe = _UNSAFE_NAME.sub("_", name).strip(". ") or "document"
        check_docx(docx, name=safe)
        with tempfile.TemporaryDirectory(prefix="gongwen-bytes-") as tmp:
            source = Path(tmp) / f"{safe}.docx"
            source.write_bytes(docx)
            (pdf,) = self.convert([source], Path(tmp) / "out")
            return pdf.read_bytes()


def make_staging_dir(out: Path) -> Path:
    """A hidden work directory inside ``out`` (so results move in atomically)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".gongwen-", dir=out))
    except OSError as exc:
        raise ConversionError(f"{out}: cannot write PDFs there ({exc.strerror})") from None


def _kill(proc: subprocess.Popen) -> None:
    """Kill ``proc``'s whole process group (soffice is a script that starts soffice.bin)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _split_evenly(total: int, parts: int, max_size: int) -> list[list[int]]:
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
