"""Who is running a queued job, and whether they still are: ``jobs/<id>/attempts/``.

A worker that takes a job first *claims* the next attempt: it creates
``attempts/<n>.json`` (exclusively, so two deliveries of one message cannot both run the
job) saying which worker and process run it, then refreshes the file's modification
time every :data:`HEARTBEAT_S` seconds while the job runs.  An attempt whose heartbeat
is older than :data:`STALE_S` is dead, whatever killed it (``kill -9``, the OOM killer,
a machine that went away); on the worker's own machine a vanished process is dead at
once.  A job is tried at most :data:`MAX_ATTEMPTS` times.

The files live in the shared data dir, so the server (which reads them) and every
worker see the same attempts without asking Redis.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..store import JobStore

#: seconds between two refreshes of a running attempt's file
HEARTBEAT_S = 3.0
#: seconds without a refresh after which an attempt is dead
STALE_S = 20.0
#: a job whose worker died is run once more, then reported failed
MAX_ATTEMPTS = 2


@dataclass(frozen=True)
class Attempt:
    """One start of a job by a worker process."""

    number: int
    path: Path
    worker: str
    host: str
    pid: int
    started: float
    #: when its heartbeat last came (the file's modification time)
    beat: float

    def stale(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) - self.beat > STALE_S

    def dead(self, now: float | None = None) -> bool:
        """Stale, or (seen from its own machine) its process is gone."""
        if self.stale(now):
            return True
        if self.host == socket.gethostname():
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return True
            except PermissionError:
                return False
        return False


def folder(store: JobStore, job_id: str) -> Path:
    return store.folder(job_id) / "attempts"


def attempts(store: JobStore, job_id: str) -> list[Attempt]:
    """The job's attempts, oldest first (an unreadable file counts, as a dead one)."""
    found = []
    where = folder(store, job_id)
    if not where.is_dir():
        return found
    for path in where.glob("*.json"):
        if not path.stem.isdigit():
            continue
        try:
            beat = path.stat().st_mtime
            data = json.loads(path.read_text("utf-8") or "{}")
        except (OSError, ValueError):
            data, beat = {}, 0.0
        found.append(Attempt(int(path.stem), path, str(data.get("worker", "?")),
                             str(data.get("host", "?")), int(data.get("pid", 0)),
                             float(data.get("started", beat)), beat))
    return sorted(found, key=lambda a: a.number)


def claim(store: JobStore, job_id: str, number: int, worker: str) -> Attempt | None:
    """Create attempt ``number`` for this process, or None when another delivery of
    the job's message took that number first."""
    where = folder(store, job_id)
    where.mkdir(exist_ok=True)
    path = where / f"{number}.json"
    now = time.time()
    data = {"worker": worker, "host": socket.gethostname(), "pid": os.getpid(),
            "started": now}
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    return Attempt(number, path, worker, data["host"], data["pid"], now, now)


@contextlib.contextmanager
def heartbeat(attempt: Attempt, every: float = HEARTBEAT_S) -> Iterator[None]:
    """Refresh the attempt's file every ``every`` seconds while the block runs."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            with contextlib.suppress(OSError):  # a job removed under us: nothing to keep
                os.utime(attempt.path)

    thread = threading.Thread(target=beat, name="gongwen-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
