"""Who runs a job: the :class:`Runner` interface and the embedded runner.

The API never runs a job itself: it unpacks the upload into a new job folder
(:class:`~gongwen.serve.store.JobStore`), writes ``state.json`` as *queued* and calls
``runner.submit(job_id)``.  Everything after that reads and writes only the job's folder,
through :func:`execute_job`, so a runner is any way of calling that function:

* :class:`EmbeddedRunner` (the default): a bounded thread pool inside the server; every
  job converts on the process's long-lived LibreOffice (``shared_converter``).
* :class:`~gongwen.serve.queue.QueueRunner` (``gongwen serve --queue redis://…``):
  ``submit`` sends the id to Redis; ``gongwen worker`` processes, on this machine or
  others that mount the same data dir, run ``execute_job(JobStore(data_dir), job_id)``;
  the server keeps serving ``state.json`` and the files from it unchanged.

A runner implements ``submit(job_id)`` (raise :class:`Busy` when it cannot take more),
``recover(store)`` (called once at start: what to do with jobs a previous process left
*running* or *queued*) and ``close()``.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from ..errors import GongwenError
from .errors import error_fields, scrub
from .store import DONE, FAILED, RUNNING, JobStore

logger = logging.getLogger(__name__)
#: seconds between two writes of state.json for progress within one stage
PROGRESS_EVERY_S = 0.5


class Busy(Exception):
    """The runner cannot take a job now (its queue is full, or the queue's server
    cannot be reached): the API answers 503 with Retry-After, the message and hint."""

    def __init__(self, message: str, hint: str = "try again shortly") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


class Runner(Protocol):
    """What the API needs of whoever runs jobs."""

    def submit(self, job_id: str) -> None: ...

    def recover(self, store: JobStore) -> None: ...

    def close(self) -> None: ...


class StoreProgress:
    """batch's Progress, written into the job's state.json (at most every 0.5 s)."""

    def __init__(self, store: JobStore, job_id: str) -> None:
        self.store, self.job_id = store, job_id
        self.stage_name: str | None = None
        self.done = self.total = 0
        self._written = 0.0

    def stage(self, name: str, total: int) -> None:
        self.stage_name, self.done, self.total = name, 0, total
        self._write(force=True)

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        self._write(force=self.done >= self.total)

    def close(self) -> None:
        pass

    def _write(self, *, force: bool) -> None:
        now = time.monotonic()
        if force or now - self._written >= PROGRESS_EVERY_S:
            self._written = now
            self.store.update(self.job_id, progress={
                "stage": self.stage_name, "done": self.done, "total": self.total})


def activity_folder(input_dir: Path) -> Path:
    """Where ``activity.yaml`` is: the upload's top, or its one top-level folder (a zip
    made by zipping the folder itself)."""
    if (input_dir / "activity.yaml").is_file():
        return input_dir
    folders = [p for p in input_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if len(folders) == 1 and (folders[0] / "activity.yaml").is_file():
        return folders[0]
    return input_dir  # load_activity then says what is missing


def execute_job(store: JobStore, job_id: str, converter: Any = None) -> None:
    """Run one job to the end, recording everything in its state.json; never raises
    for the job's own errors (they are the job's result)."""
    from ..batch import load_activity, run_phase

    job = store.update(job_id, state=RUNNING, started=time.time())
    output = store.output_dir(job_id)
    try:
        activity = load_activity(activity_folder(store.input_dir(job_id)))
        result = run_phase(activity, job.phase, output, progress=StoreProgress(store, job_id),
                           converter=converter)
    except GongwenError as error:
        fields = error_fields(error)
        problems = [error_fields(p) for p in getattr(error, "problems", [])]
        if len(problems) > 1:
            fields["problems"] = problems
        store.update(job_id, state=FAILED, finished=time.time(),
                     error=scrub(fields, store.root.parent))
        return
    except Exception as error:  # a bug: the job fails, the server goes on
        logger.exception("job %s failed", job_id)
        store.update(job_id, state=FAILED, finished=time.time(), error={
            "message": f"internal error ({type(error).__name__}); the server's log has more",
            "file": None, "line": None, "field": None, "hint": None})
        return
    files = sorted(p.relative_to(output).as_posix() for p in output.rglob("*")
                   if p.is_file() and not any(part.startswith(".") for part in
                                              p.relative_to(output).parts))
    found = scrub({"failures": [{"job": f.job, "member": f.member, "message": f.message}
                                for f in result.failures],
                   "findings": [*result.warnings, *result.notes]}, store.root.parent)
    store.update(
        job_id, state=DONE, finished=time.time(), files=files, **found,
        summary={"exit_code": result.exit_code, "documents": len(result.documents),
                 "pages": result.pages, "failed": result.failed,
                 "bundle": (result.bundle.relative_to(output).as_posix()
                            if result.bundle else None),
                 "bundle_status": result.bundle_status, "seconds": round(result.seconds, 3)})


class EmbeddedRunner:
    """Jobs on ``workers`` threads of this process, at most ``max_queued`` waiting; all
    convert on the process's shared LibreOffice, so a job starts no LibreOffice."""

    def __init__(self, store: JobStore, *, workers: int = 2, max_queued: int = 100,
                 share_converter: bool = True) -> None:
        self.store = store
        self.max_queued = max_queued
        self.share_converter = share_converter
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gongwen-job")
        self._waiting = 0
        self._lock = threading.Lock()

    def submit(self, job_id: str) -> None:
        with self._lock:
            if self._waiting >= self.max_queued:
                raise Busy(f"the server is busy ({self._waiting} jobs are waiting)")
            self._waiting += 1
        self._pool.submit(self._run, job_id)

    def _run(self, job_id: str) -> None:
        with self._lock:
            self._waiting -= 1
        converter = None
        if self.share_converter:
            from ..convert import shared_converter

            converter = shared_converter()
        try:
            execute_job(self.store, job_id, converter)
        except Exception:  # the job's folder went away (expired, disk): nothing to report to
            logger.exception("job %s could not be recorded", job_id)

    def recover(self, store: JobStore) -> None:
        """Jobs left *running* by a previous process failed; *queued* ones run now."""
        failed, requeued = store.recover()
        for job_id in failed:
            logger.warning("job %s was running when the server stopped: marked failed", job_id)
        for job_id in requeued:
            self.submit(job_id)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
