"""``gongwen worker``: Celery worker processes that run queued jobs on their own
LibreOffice, in the shared data dir.

Each worker process (Celery's prefork pool: a process per ``--concurrency``) keeps one
converter running from its start to its end, so a job converts at once.  Celery marks
its pool's processes *daemonic*, and Python refuses to let a daemonic process start a
process pool, which batch uses to render; the flag is cleared in each new pool process.
What the flag is for stays true: Celery has the kernel kill a pool process when its
worker dies (``PR_SET_PDEATHSIG``), so a worker killed outright leaves nothing running
its jobs (their heartbeats stop), and LibreOffice follows its process.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...errors import GongwenError, QueueError
from ..errors import error_fields, scrub
from ..runner import execute_job
from ..store import FAILED, FINISHED, JobStore
from .attempts import MAX_ATTEMPTS, attempts, claim, heartbeat
from .config import DEFAULT_VISIBILITY_S, QUEUE_NAME, TASK_NAME, celery_app, mask_url

logger = logging.getLogger(__name__)
GAVE_UP = ("a worker stopped while running this job (killed, or out of memory), "
           "on each of its {n} tries; it is not tried again")
GAVE_UP_HINT = "submit the activity again; if it stops again, give the workers more memory"


def give_up(store: JobStore, job_id: str, tries: int) -> None:
    """Mark the job failed: every try's worker died."""
    store.update(job_id, state=FAILED, finished=time.time(), error={
        "message": GAVE_UP.format(n=tries), "file": None, "line": None, "field": None,
        "hint": GAVE_UP_HINT})


def run_queued(store: JobStore, job_id: str, *, worker: str,
               converter: Callable[[], Any] | None = None) -> str:
    """One delivery of a job's message: run the job unless it is over, or running in
    a live process, or out of tries.  Returns what was done ("ran", "finished",
    "running", "gave up", "missing") — a message delivered twice runs the job once."""
    try:
        job = store.get(job_id)
    except KeyError:
        logger.error("job %s is not in %s: do the server and this worker share one "
                     "--data-dir?", job_id, store.root.parent)
        return "missing"
    if job.state in FINISHED:
        return "finished"
    tried = attempts(store, job_id)
    if tried and not tried[-1].dead():
        return "running"
    if len(tried) >= MAX_ATTEMPTS:
        give_up(store, job_id, len(tried))
        return "gave up"
    attempt = claim(store, job_id, len(tried) + 1, worker)
    if attempt is None:  # another delivery claimed it a moment ago
        return "running"
    if tried:
        logger.warning("job %s: try %d (the worker of try %d stopped)", job_id,
                       attempt.number, tried[-1].number)
        shutil.rmtree(store.output_dir(job_id), ignore_errors=True)
    store.update(job_id, attempts=attempt.number)
    with heartbeat(attempt):
        try:
            running = converter() if converter else None
        except GongwenError as error:  # no LibreOffice on this worker: the job says so
            store.update(job_id, state=FAILED, finished=time.time(),
                         error=scrub(error_fields(error), store.root.parent))
            return "ran"
        execute_job(store, job_id, running)
    return "ran"


def worker_app(url: str, data_dir: Path, *,
               visibility_timeout: float = DEFAULT_VISIBILITY_S) -> Any:
    """The Celery app of a worker: :func:`celery_app` with the task registered on
    the store at ``data_dir``."""
    from celery import signals

    app = celery_app(url, visibility_timeout=visibility_timeout)
    store = JobStore(data_dir)

    @app.task(name=TASK_NAME, bind=True)
    def run_job(task: Any, job_id: str) -> str:
        from ...convert import shared_converter

        if not isinstance(job_id, str):
            logger.error("a message with no job id (%r): dropped", job_id)
            return "missing"
        worker = f"{task.request.hostname or socket.gethostname()}/{os.getpid()}"
        return run_queued(store, job_id, worker=worker, converter=shared_converter)

    signals.worker_process_init.connect(_process_started, weak=False)
    signals.worker_process_shutdown.connect(_process_ending, weak=False)
    return app


def _process_started(**_: Any) -> None:
    """A new pool process: may start process pools, and starts its LibreOffice now
    rather than with its first job."""
    import multiprocessing

    from billiard import process as billiard_process

    for current in (billiard_process.current_process(), multiprocessing.current_process()):
        current._config["daemon"] = False  # type: ignore[attr-defined]
    try:
        from ...convert import shared_converter

        shared_converter()
    except GongwenError as error:  # each job will say so
        logger.error("LibreOffice does not start in this worker: %s", error)


def _process_ending(**_: Any) -> None:
    from ...convert import close_shared_converter

    close_shared_converter()


def check_reachable(app: Any, url: str) -> None:
    """A QueueError unless the Redis at ``url`` answers within a few seconds."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=3)
    except Exception as exc:  # kombu's OperationalError, redis', OSError …
        raise QueueError(f"cannot reach the queue at {mask_url(url)} "
                         f"({type(exc).__name__}: {mask_url(str(exc))})",
                         hint="start redis-server there, or correct --queue / "
                              "GONGWEN_QUEUE") from None


def run_worker(url: str, data_dir: Path, *, concurrency: int = 1,
               visibility_timeout: float = DEFAULT_VISIBILITY_S,
               loglevel: str = "INFO") -> int:
    """Run a worker until it is stopped (SIGTERM, Ctrl-C); returns its exit code."""
    app = worker_app(url, data_dir, visibility_timeout=visibility_timeout)
    check_reachable(app, url)
    worker = app.Worker(
        hostname=f"gongwen-{os.getpid()}@{socket.gethostname()}",
        pool_cls="prefork", concurrency=concurrency, loglevel=loglevel,
        queues=[QUEUE_NAME], without_gossip=True, without_mingle=True,
        without_heartbeat=True, quiet=True)
    logger.info("gongwen worker: queue %s, data dir %s, %d processes", mask_url(url),
                data_dir, concurrency)
    worker.start()
    return int(worker.exitcode or 0)
