"""The server's side of the queue: :class:`QueueRunner` sends job ids to Redis and
watches for jobs whose worker died."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any

from ..runner import Busy
from ..store import FINISHED, QUEUED, RUNNING, JobStore
from .attempts import MAX_ATTEMPTS, STALE_S, attempts
from .config import DEFAULT_VISIBILITY_S, QUEUE_NAME, TASK_NAME, celery_app, mask_url
from .worker import give_up

logger = logging.getLogger(__name__)
#: seconds between two looks for jobs whose worker died
WATCH_S = 5.0
#: seconds /healthz waits for workers to answer a ping, and keeps the answer
PING_S, HEALTH_KEEP_S = 0.5, 10.0


class QueueRunner:
    """Jobs on the Celery queue at ``url``; the server only sends ids and reads the
    shared data dir.  A job *running* whose worker stopped beating is sent again once
    (the next try), then marked failed: never stuck *running*."""

    def __init__(self, store: JobStore, url: str, *,
                 visibility_timeout: float = DEFAULT_VISIBILITY_S) -> None:
        self.store, self.url = store, url
        self.app = celery_app(url, visibility_timeout=visibility_timeout)
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._health: tuple[float, dict[str, Any]] | None = None
        #: jobs seen done or failed: they never run again, so the watch reads them once
        self._over: set[str] = set()

    def submit(self, job_id: str) -> None:
        """Send the job's id; :class:`Busy` (the API's 503) when Redis does not answer."""
        try:
            self.app.send_task(TASK_NAME, args=[job_id], queue=QUEUE_NAME)
        except Exception as exc:  # kombu's OperationalError, redis', OSError …
            logger.warning("cannot send job %s to %s: %s", job_id, mask_url(self.url), exc)
            raise Busy(f"the job queue at {mask_url(self.url)} cannot be reached "
                       f"({type(exc).__name__})",
                       hint="try again shortly; if it lasts, the server's operator "
                            "should start redis-server or correct --queue") from None

    def recover(self, store: JobStore) -> None:
        """At start: send the jobs found queued again (a Redis that lost its data loses
        no job; a job whose message comes twice runs once) and start the watch."""
        for job_id in store.ids():
            try:
                if store.get(job_id).state == QUEUED:
                    self.submit(job_id)
            except (KeyError, ValueError, TypeError, OSError):
                continue
            except Busy as exc:
                logger.warning("queued jobs not sent again: %s", exc.message)
                break
        self._watcher = threading.Thread(target=self._watch, name="gongwen-queue-watch",
                                         daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stop.wait(WATCH_S):
            try:
                self.check()
            except Exception:  # a bug must not end the watch
                logger.exception("the watch of running jobs failed")

    def check(self, now: float | None = None) -> list[str]:
        """Jobs *running* whose last try has not beaten for STALE_S: sent again while
        they have tries left, else failed.  Returns their ids."""
        now = time.time() if now is None else now
        found = []
        ids = self.store.ids()
        self._over.intersection_update(ids)  # forget the jobs expired since
        for job_id in ids:
            if job_id in self._over:
                continue
            try:
                job = self.store.get(job_id)
            except (KeyError, ValueError, TypeError, OSError):
                continue
            if job.state in FINISHED:
                self._over.add(job_id)
            if job.state != RUNNING:
                continue
            tried = attempts(self.store, job_id)
            if tried and not tried[-1].stale(now):
                continue
            if not tried and now - (job.started or job.created) <= STALE_S:
                continue
            found.append(job_id)
            if len(tried) >= MAX_ATTEMPTS:
                logger.warning("job %s: its worker stopped on every try: failed", job_id)
                give_up(self.store, job_id, len(tried))
                continue
            logger.warning("job %s: its worker stopped; sending it again", job_id)
            self.store.update(job_id, state=QUEUED)  # before the message: a worker may
            try:                                      # take it at once
                self.submit(job_id)
            except Busy:  # Redis is away: the next look tries again
                self.store.update(job_id, state=RUNNING)
        return found

    def health(self) -> dict[str, Any]:
        """For ``/healthz``: Redis answers and at least one worker does (kept 10 s)."""
        if self._health and time.monotonic() - self._health[0] < HEALTH_KEEP_S:
            return self._health[1]
        report: dict[str, Any] = {"url": mask_url(self.url)}
        try:
            with self.app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            report["workers"] = len(self.app.control.ping(timeout=PING_S) or [])
            report["ok"] = report["workers"] > 0
            if not report["ok"]:
                report["error"] = "no worker answers: jobs wait until one starts"
        except Exception as exc:  # kombu's OperationalError, redis', OSError …
            report.update(ok=False, error=f"Redis cannot be reached ({type(exc).__name__})")
        self._health = (time.monotonic(), report)
        return report

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(Exception):  # the pools of a Redis that went away
            self.app.close()

    def __repr__(self) -> str:
        return f"QueueRunner({mask_url(self.url)!r})"
