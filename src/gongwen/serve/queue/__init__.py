"""Jobs on a queue: ``gongwen serve --queue redis://…`` and ``gongwen worker``.

The server only sends job ids to Redis and serves what the workers write; workers
(on this machine or others) take the ids, run :func:`~gongwen.serve.runner.execute_job`
on the same data dir and own the LibreOffice converters.

* :mod:`.config` — the Celery app both sides build, the Redis URL checked and masked;
* :mod:`.attempts` — each try of a job, claimed by one worker, with its heartbeat;
* :mod:`.worker` — the task, the worker processes, ``gongwen worker``;
* :mod:`.runner` — :class:`QueueRunner`, the server's side.

Celery is imported only here, and only when a queue is asked for.
"""

from __future__ import annotations

from .config import DEFAULT_VISIBILITY_S, check_url, mask_url
from .runner import QueueRunner

__all__ = ["DEFAULT_VISIBILITY_S", "QueueRunner", "check_url", "mask_url"]
