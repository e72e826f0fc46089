"""The Celery app both sides build from the same settings, and the queue's URL.

The server and every worker call :func:`celery_app` with the same Redis URL: the server
only sends ``gongwen.run_job(job_id)`` messages; a worker also registers the task
(:mod:`.worker`).  No result backend: a job's result is its folder in the shared data
dir, which the server reads.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ...errors import InputError, Location

#: the Redis list the jobs wait in
QUEUE_NAME = "gongwen"
#: the task's name, as the server sends it (the server never imports the task)
TASK_NAME = "gongwen.run_job"
#: seconds a job's message may stay taken and unacknowledged before Redis hands it to
#: another worker (kombu's default is an hour: a killed worker's job would wait that long)
DEFAULT_VISIBILITY_S = 120.0
#: seconds between two looks of a worker for messages past their visibility timeout
RESTORE_EVERY_S = 5
#: below this, a message is handed out again before a dead attempt's heartbeat is stale
MIN_VISIBILITY_S = 30.0
SCHEMES = ("redis", "rediss", "redis+socket")


def mask_url(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``: for every message and
    log line that shows the queue.  Read as text, not parsed: a password holding ``/``,
    ``?`` or ``#`` (base64 makes them) that was not percent-encoded ends a parser's
    netloc early, and would otherwise be shown whole."""
    scheme, sep, rest = url.partition("://")
    if not sep:  # no scheme (a URL typed without redis://) may still hold a password
        scheme, rest = "", url
    userinfo, at, host = rest.rpartition("@")
    if not at:
        return url
    user, colon, _ = userinfo.partition(":")
    return f"{scheme}{sep}{user + ':***' if colon else '***'}@{host}"


def check_url(url: str, option: str = "--queue") -> str:
    """``url`` when it names a Redis server, else an InputError naming ``option``."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises on a port that is not a number
    except ValueError as exc:
        why = "" if "@" in url else f" ({exc})"  # a port error may quote the password
        raise InputError(f"{mask_url(url)} is not a URL{why}", field=option,
                         location=Location("gongwen"),
                         hint="write it as redis://HOST:6379/0 "
                              "(redis://:PASSWORD@HOST:6379/0 with a password; "
                              "write / ? # @ in it as %2F %3F %23 %40)") from None
    if parts.scheme not in SCHEMES or (parts.scheme != "redis+socket" and not parts.hostname):
        raise InputError(f"{mask_url(url)} is not a Redis URL", field=option,
                         location=Location("gongwen"),
                         hint="write it as redis://HOST:6379/0; the queue is Redis "
                              "(in a password, write / ? # @ as %2F %3F %23 %40)")
    return url


def celery_app(url: str, *, visibility_timeout: float = DEFAULT_VISIBILITY_S) -> Any:
    """A Celery app on the Redis at ``url``, set up for jobs that must not be lost:
    a message is acknowledged only when the job is over (``acks_late``), and put back
    when the process running it dies (``reject_on_worker_lost``); each worker process
    takes one job at a time."""
    from celery import Celery

    app = Celery("gongwen", broker=url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE_NAME,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        result_backend=None,
        worker_prefetch_multiplier=1,
        worker_send_task_events=False,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a worker outlives a restart of Redis
        broker_transport_options={
            "visibility_timeout": visibility_timeout,
            # every worker looks for messages past their timeout every 5 s (kombu's
            # default sweep is every 100 s, on top of the timeout)
            "unacked_restore_interval": RESTORE_EVERY_S,
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": 3,
            "socket_timeout": 10,
        },
        # a publish to an unreachable Redis fails in about a second (the API says 503)
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0,
                                   "interval_step": 0.5, "interval_max": 0.5},
        broker_connection_timeout=3,
    )
    return app
