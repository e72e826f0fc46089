"""Jobs on disk: a folder per job under ``<data dir>/jobs/``, and its ``state.json``.

Layout of one job (the id is 32 hex digits, so it is never a path of the client's)::

    jobs/<id>/state.json    what GET /v1/jobs/<id> returns; written atomically
    jobs/<id>/input/        the unpacked activity folder
    jobs/<id>/output/       what the run made (GET /v1/jobs/<id>/files/<path>)
    jobs/<id>/attempts/     queue mode: each worker start of the job, with its heartbeat

Everything a job needs is in its folder, and every change of state is one atomic
rename of ``state.json``: a process on another machine that mounts the same data dir
(a queue worker) can run a job and the server still serves its state and files.  Two
writers never race on one job: the server writes a job until it is handed to a runner,
then only the runner does.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..fileio import write_atomic

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATES = (QUEUED, RUNNING, DONE, FAILED)
FINISHED = (DONE, FAILED)
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class JobState:
    """One job as the API shows it."""

    id: str
    phase: str
    state: str = QUEUED
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    #: the stage the run is in, and its steps done and owed (from batch's Progress)
    progress: dict[str, Any] = field(default_factory=lambda: {"stage": None, "done": 0,
                                                              "total": 0})
    #: documents that failed: {job, member, message}
    failures: list[dict[str, Any]] = field(default_factory=list)
    #: what the run warns of (a share of 优秀 over the cap, a fallback font, …)
    findings: list[str] = field(default_factory=list)
    #: why the whole job failed: the API's error fields (message, file, line, field, hint)
    error: dict[str, Any] | None = None
    #: output files, relative to the job's output folder
    files: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    #: the 活动 page's activity the job was started from (its page links back), if any
    source: str | None = None
    #: how many times a queue worker started it (0 in the embedded runner; at most 2)
    attempts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class JobStore:
    """The jobs under ``root``; safe to share between processes and machines."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root) / "jobs"
        self.root.mkdir(parents=True, exist_ok=True)

    def folder(self, job_id: str) -> Path:
        """The job's folder; an id that is not one of ours is a KeyError (never a path)."""
        if not _JOB_ID.match(job_id):
            raise KeyError(job_id)
        return self.root / job_id

    def input_dir(self, job_id: str) -> Path:
        return self.folder(job_id) / "input"

    def output_dir(self, job_id: str) -> Path:
        return self.folder(job_id) / "output"

    def new_id(self) -> str:
        """A fresh job id and its empty input folder (not yet a job: no state.json)."""
        job_id = secrets.token_hex(16)
        self.input_dir(job_id).mkdir(parents=True)
        return job_id

    def create(self, job_id: str, phase: str, *, source: str | None = None) -> JobState:
        """Make the job visible, queued."""
        job = JobState(id=job_id, phase=phase, source=source)
        self.save(job)
        return job

    def save(self, job: JobState) -> None:
        data = json.dumps(job.as_dict(), ensure_ascii=False, indent=1).encode()
        write_atomic(self.folder(job.id) / "state.json", data, sync=False)

    def get(self, job_id: str) -> JobState:
        """The job's state; KeyError when there is no such job."""
        try:
            data = json.loads((self.folder(job_id) / "state.json").read_text("utf-8"))
        except (FileNotFoundError, NotADirectoryError):
            raise KeyError(job_id) from None
        return JobState(**data)

    def update(self, job_id: str, **changes: Any) -> JobState:
        job = self.get(job_id)
        for name, value in changes.items():
            setattr(job, name, value)
        self.save(job)
        return job

    def ids(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir()
                      if _JOB_ID.match(p.name) and (p / "state.json").exists())

    def pack(self, job_id: str, target: Path) -> int:
        """Write every file the job lists into the zip ``target`` (PDFs stored, the rest
        deflated), under its path in ``files``; returns how many.  Files only, from the
        job's output folder: a name in ``files`` that leaves it is skipped."""
        import zipfile

        job, output = self.get(job_id), self.output_dir(job_id).resolve()
        count = 0
        with zipfile.ZipFile(target, "w") as archive:
            for name in job.files:
                path = (output / name).resolve()
                if not path.is_relative_to(output) or not path.is_file():
                    continue
                method = zipfile.ZIP_STORED if path.suffix == ".pdf" else zipfile.ZIP_DEFLATED
                archive.write(path, name, compress_type=method)
                count += 1
        return count

    def discard(self, job_id: str) -> None:
        """Remove a job and its files (or a folder that never became a job)."""
        shutil.rmtree(self.folder(job_id), ignore_errors=True)

    def expire(self, keep_seconds: float, now: float | None = None) -> list[str]:
        """Remove finished jobs older than ``keep_seconds``, and folders of uploads that
        never became jobs; returns the ids removed."""
        now = time.time() if now is None else now
        removed = []
        for path in self.root.iterdir():
            if not _JOB_ID.match(path.name):
                continue
            try:
                job = self.get(path.name)
            except KeyError:  # an upload that failed half-way, or is still arriving
                if now - path.stat().st_mtime > 3600:
                    self.discard(path.name)
                continue
            except (OSError, ValueError, TypeError):
                continue
            if job.state in FINISHED and now - (job.finished or job.created) > keep_seconds:
                self.discard(job.id)
                removed.append(job.id)
        return removed

    def recover(self) -> tuple[list[str], list[str]]:
        """After a restart of the embedded runner: a job that was running can never
        finish, so it is marked failed; a queued one is returned to be submitted again.
        Returns (failed, requeued) ids."""
        failed, requeued = [], []
        for job_id in self.ids():
            job = self.get(job_id)
            if job.state == RUNNING:
                self.update(job_id, state=FAILED, finished=time.time(), error={
                    "message": "the server stopped while this job was running",
                    "file": None, "line": None, "field": None,
                    "hint": "submit the activity again"})
                failed.append(job_id)
            elif job.state == QUEUED:
                requeued.append(job_id)
        return failed, requeued
