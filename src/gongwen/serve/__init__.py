"""``gongwen serve``: the HTTP API over the library, and jobs that run a phase.

    >>> from gongwen.serve import Settings, create_app
    >>> app = create_app(Settings(data_dir=Path("/var/lib/gongwen")))   # an ASGI app

* :mod:`.app` — the app factory, token and size guards, the JSON error shape;
* :mod:`.routes` — ``/v1/render``, ``/v1/check``, ``/v1/jobs``, ``/healthz``;
* :mod:`.web` — the Chinese web pages (``/``, ``/check``, ``/plan``, ``/jobs``) over the same calls;
* :mod:`.store` / :mod:`.runner` — jobs on disk and who runs them (the interface a
  runner implements is in :mod:`.runner`'s docstring);
* :mod:`.queue` — ``--queue redis://…``: jobs sent to ``gongwen worker`` processes
  (Celery) that share the data dir;
* :mod:`.uploads` — every client-supplied name, zip and data text checked.

FastAPI is imported only here, never by ``gongwen --help`` or the library; Celery only
with a queue.
"""

from __future__ import annotations

from typing import Any

from .settings import Limits, Settings


def create_app(settings: Settings, **kwargs: Any) -> Any:
    """The ASGI app for ``settings`` (see :func:`gongwen.serve.app.create_app`)."""
    from .app import create_app as make

    return make(settings, **kwargs)


def serve(settings: Settings) -> None:
    """Run the app with uvicorn until interrupted (``gongwen serve``)."""
    import uvicorn

    settings.validate()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level="info", timeout_graceful_shutdown=10)


__all__ = ["Limits", "Settings", "create_app", "serve"]
