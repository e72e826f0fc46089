"""DOCX → PDF with LibreOffice kept running, checked, in parallel, and never hanging.

A :class:`Converter` owns one LibreOffice per worker, each on its own profile (two
processes sharing one would hand their work to each other).  LibreOffice is started
when the converter is made, so it comes up while the caller prepares its documents,
and stays up for every later call: starting it costs about 0.35 s, a one-page document
in a running one tens of milliseconds.  Where LibreOffice's Python bridge is missing,
each call runs ``soffice --convert-to`` instead (slower, same results).
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..children import check_interrupted, interrupted
from ..errors import ConversionError
from .fonts import soffice_environment
from .libreoffice import (
    DEFAULT_EXPORT_OPTIONS,
    DEFAULT_MAX_WORKERS,
    MAX_FILES_PER_RUN,
    RUN_TIMEOUT_BASE_S,
    RUN_TIMEOUT_PER_FILE_S,
    find_soffice,
    kill_group,
    libreoffice_version,
    make_staging_dir,
    pdf_filter,
    run_soffice,
    split_evenly,
    version_warnings,
)
from .long_tables import convert_paged
from .office import Office, OfficeFailed, OfficeUnavailable, find_uno_python
from .profiles import new_profile, new_root, save_profile
from .punctuation import libreoffice_input
from .verify import check_docx, check_pdf

logger = logging.getLogger(__name__)

Engine = Literal["auto", "office", "cli"]
_UNSAFE_NAME = re.compile(r"[\\/\x00-\x1f]")


@dataclass(frozen=True)
class _Job:
    """What one :meth:`Converter.convert` call asks for, shared by its runs."""

    paths: list[Path]
    expected_pages: Sequence[int | None] | None
    options: Mapping[str, bool | int | str]
    timeout: float | None


@dataclass
class _Worker:
    """One worker's profile and, with the office engine, its running LibreOffice."""

    profile: Path
    office: Office | None = None
    cold: bool = False


class Converter:
    """Converts DOCX files to PDF with a pool of LibreOffice workers kept warm.

    Use it as a context manager, or call :meth:`close`; reuse it for many calls.
    ``engine``: "office" keeps LibreOffice running between calls (needs its Python
    bridge), "cli" runs ``soffice --convert-to`` per call, "auto" the first when it can.
    ``warnings`` lists what the caller should know about this LibreOffice (also logged);
    ``retried`` what went wrong with a file that then converted on a second try.
    """

    def __init__(
        self,
        *,
        workers: int | None = None,
        timeout: float | None = None,
        soffice: Path | str | None = None,
        export_options: Mapping[str, bool | int | str] | None = None,
        engine: Engine = "auto",
    ) -> None:
        if engine not in ("auto", "office", "cli"):
            raise ValueError(f"unknown engine {engine!r}; use auto, office or cli")
        self.soffice = Path(soffice) if soffice else find_soffice()
        self.workers = max(1, workers or min(os.cpu_count() or 1, DEFAULT_MAX_WORKERS))
        self.timeout = timeout
        self.export_options = dict(DEFAULT_EXPORT_OPTIONS, **(export_options or {}))
        self._env = soffice_environment()
        self._python = None if engine == "cli" else find_uno_python(self.soffice)
        if engine == "office" and self._python is None:
            raise ConversionError("no Python with LibreOffice's uno module "
                                  "(hint: install python3-uno, or use engine='cli')")
        self._root = new_root()
        self._finalizer = weakref.finalize(self, shutil.rmtree, self._root, ignore_errors=True)
        self._profile_ids = itertools.count(1)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._live: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._closed = False
        #: (file, what went wrong) of each file converted only on its second try: the
        #: PDF is right, but a caller reports it (a crash is worth knowing of)
        self.retried: list[tuple[Path, str]] = []
        self._warned = False
        for _ in range(self.workers):
            worker = self._new_worker()
            self._all.append(worker)
            self._idle.put(worker)

    @property
    def engine(self) -> str:
        """"office" while LibreOffice is kept running, else "cli"."""
        return "office" if self._python else "cli"

    @property
    def version(self) -> tuple[int, ...]:
        """LibreOffice's version (asked once per installation, then cached)."""
        return libreoffice_version(self.soffice)

    @property
    def warnings(self) -> list[str]:
        found = version_warnings(self.version)
        if not self._warned:
            self._warned = True
            for message in found:
                logger.warning(message)
        return found

    # --- life cycle ---------------------------------------------------------------

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop LibreOffice (killing whatever still runs) and delete the profiles."""
        if self._closed:
            return
        self._closed = True
        with self._lock:
            live = list(self._live)
        for proc in live:
            kill_group(proc)
        offices = [w for w in self._all if w.office is not None]
        for worker in offices:
            if not worker.cold:  # its profile is throw-away: no need to let it quit
                worker.office.kill()  # type: ignore[union-attr]
        cold = [w for w in offices if w.cold]
        for worker in cold:  # a cold profile is worth keeping: all quit at once
            worker.office.begin_close()  # type: ignore[union-attr]
        for worker in cold:
            worker.office.close()  # type: ignore[union-attr]
            if not worker.office.alive and not interrupted():  # type: ignore[union-attr]
                save_profile(worker.profile, self.soffice)
        self._finalizer()

    def _new_worker(self) -> _Worker:
        """A fresh profile (a copy of the warm template when there is one), and with the
        office engine a LibreOffice starting on it."""
        if self._closed:  # a conversion still running when the converter was closed
            raise ConversionError("the converter is closed")
        check_interrupted()  # LibreOffice was killed by Ctrl-C: no new one
        profile = new_profile(self._root / f"profile-{next(self._profile_ids)}", self.soffice)
        worker = _Worker(profile, cold=not profile.exists())
        if self._python:
            worker.office = Office(self.soffice, profile, self._env, self._python)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        """A new worker for one whose LibreOffice was killed (its profile may be damaged)."""
        if worker.office is not None:
            worker.office.kill()
        shutil.rmtree(worker.profile, ignore_errors=True)
        fresh = self._new_worker()
        with self._lock:
            self._all[self._all.index(worker)] = fresh
        return fresh

    def _fall_back(self, reason: str) -> None:
        """The office engine cannot run here: stop its offices and use the CLI."""
        if self._python is None:
            return
        logger.info("LibreOffice's Python bridge is unusable (%s); using soffice --convert-to",
                    reason)
        self._python = None
        for worker in self._all:
            if worker.office is not None:
                worker.office.kill()
                worker.office = None

    # --- running LibreOffice --------------------------------------------------------

    def _run(
        self, inputs: Sequence[Path], out_dir: Path, options: Mapping, timeout: float | None
    ) -> str:
        """Convert ``inputs`` on a free worker; returns what LibreOffice said went wrong
        (empty when nothing did).  LibreOffice reads copies that say ``w:overflowPunct``
        its way (:mod:`.punctuation`); they go when the run is over."""
        if self._closed:
            raise ConversionError("the converter is closed")
        copies = out_dir / ".libreoffice-input"
        try:
            return self._run_inputs([libreoffice_input(path, copies) for path in inputs],
                                    out_dir, options, timeout)
        finally:
            shutil.rmtree(copies, ignore_errors=True)

    def _run_inputs(
        self, inputs: Sequence[Path], out_dir: Path, options: Mapping, timeout: float | None
    ) -> str:
        limit = timeout or self.timeout
        if limit is None:
            limit = RUN_TIMEOUT_BASE_S + RUN_TIMEOUT_PER_FILE_S * len(inputs)
        worker = self._idle.get()
        try:
            if worker.office is not None and worker.office.gone:
                worker = self._replace(worker)  # it stopped since the last call
            if worker.office is not None:
                try:
                    said = self._run_office(worker, inputs, out_dir, options, limit)
                except OfficeUnavailable as exc:
                    self._fall_back(str(exc))
                except OfficeFailed as exc:
                    worker = self._replace(worker)
                    return str(exc)
                else:
                    if worker.office.gone:
                        worker = self._replace(worker)
                    return said
            err, timed_out = run_soffice(
                self.soffice, worker.profile, inputs, out_dir, pdf_filter(options, self.version),
                self._env, limit, self._live, self._lock)
            if timed_out:
                worker = self._replace(worker)
            elif worker.cold and "Error" not in err:
                save_profile(worker.profile, self.soffice)
                worker.cold = False
            return err
        finally:
            self._idle.put(worker)

    def _run_office(self, worker: _Worker, inputs: Sequence[Path], out_dir: Path,
                    options: Mapping, limit: float) -> str:
        assert worker.office is not None
        out_dir = out_dir.resolve()  # the office has its own working directory
        out_dir.mkdir(parents=True, exist_ok=True)
        outputs = [out_dir / f"{path.stem}.pdf" for path in inputs]
        errors = worker.office.convert(inputs, outputs, options, limit)
        return "\n".join(f"Error: {path.name}: {error}"
                         for path, error in zip(inputs, errors, strict=True) if error)

    # --- the public calls -----------------------------------------------------------

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
        count differs from ``expected_pages``.  PDFs appear in ``out_dir`` only verified,
        and only when all of them are.
        """
        produced = self._convert(docx_paths, out_dir, expected_pages, export_options,
                                 timeout, all_or_none=True)
        return [pdf for pdf in produced if isinstance(pdf, Path)]  # all of them: none failed

    def convert_each(
        self,
        docx_paths: Sequence[Path | str],
        out_dir: Path | str,
        *,
        expected_pages: Sequence[int | None] | None = None,
        export_options: Mapping[str, bool | int | str] | None = None,
        timeout: float | None = None,
    ) -> list[Path | ConversionError]:
        """Like :meth:`convert`, but one file's failure is its own: per input, its
        verified PDF in ``out_dir`` or the :class:`ConversionError` that says why not.
        A non-DOCX input still fails the whole call, before anything is converted."""
        return self._convert(docx_paths, out_dir, expected_pages, export_options, timeout,
                             all_or_none=False)

    def _convert(
        self, docx_paths: Sequence[Path | str], out_dir: Path | str,
        expected_pages: Sequence[int | None] | None,
        export_options: Mapping[str, bool | int | str] | None, timeout: float | None,
        *, all_or_none: bool,
    ) -> list[Path | ConversionError]:
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
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                futures = [
                    (members, pool.submit(self._convert_run, job, members, staging / f"run-{k}"))
                    for k, members in enumerate(self._runs(paths))
                ]
                by_index = {i: item for members, future in futures
                            for i, item in zip(members, future.result(), strict=True)}
            produced = [by_index[i] for i in range(len(paths))]
            failures = [item for item in produced if isinstance(item, ConversionError)]
            if failures and all_or_none:
                more = f" (and {len(failures) - 1} more failed)" if len(failures) > 1 else ""
                raise ConversionError(f"{failures[0]}{more}")
            results: list[Path | ConversionError] = []
            for item in produced:
                if isinstance(item, Path):
                    os.replace(item, out / item.name)
                    item = out / item.name
                results.append(item)
            return results
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _runs(self, paths: list[Path]) -> list[list[int]]:
        """How to share ``paths`` out.  A running office takes one file per request,
        biggest first, so whichever worker is free takes the next and all finish
        together; ``soffice --convert-to`` starts once per run, so it gets a few long
        runs of neighbouring files."""
        if self.engine != "office":
            return split_evenly(len(paths), self.workers, MAX_FILES_PER_RUN)
        sizes = {i: path.stat().st_size for i, path in enumerate(paths)}
        return [[i] for i in sorted(sizes, key=lambda i: (-sizes[i], i))]

    def _convert_run(
        self, job: _Job, members: list[int], run_dir: Path
    ) -> list[Path | ConversionError]:
        """Convert ``members`` of ``job`` in one run; a file whose PDF is missing or broken
        is converted once more on its own (a crash mid-run loses the files after it).
        A file alone in its run that is mostly one long table is converted a page-long
        table at a time (:mod:`.long_tables`) when that holds."""
        check_interrupted()  # queued runs end at once after Ctrl-C
        paged = len(members) == 1 and convert_paged(
            self._run, job.paths[members[0]], run_dir, job.options, job.timeout) is not None
        stderr = "" if paged else self._run([job.paths[i] for i in members], run_dir,
                                            job.options, job.timeout)
        produced: list[Path | ConversionError] = []
        for i in members:
            path = job.paths[i]
            pdf = run_dir / f"{path.stem}.pdf"
            try:
                check_pdf(pdf, source=str(path), stderr=stderr)
            except ConversionError as first:
                pdf.unlink(missing_ok=True)
                logger.info("retrying %s on its own", path)
                again = self._run([path], run_dir, job.options, job.timeout)
                try:
                    check_pdf(pdf, source=str(path), stderr=again)
                except ConversionError as exc:
                    produced.append(exc)
                    continue
                self.retried.append((path, str(first)))
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
