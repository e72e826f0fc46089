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
    check_address(settings.host, settings.port)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level="info", timeout_graceful_shutdown=10)


def check_address(host: str, port: int) -> None:
    """Refuse, in one line, an address the server could not listen on (a port another
    program holds, a host that is not this machine's) before anything starts: uvicorn
    would log a traceback-like line after the app had started."""
    import errno
    import socket

    from ..errors import InputError, Location

    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except OSError as exc:
        where = f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise InputError(f"{where} is in use by another program",
                             location=Location("gongwen serve"), field="--port",
                             hint=f"stop that program, or pass another port (--port {port + 1})"
                             ) from None
        raise InputError(f"cannot listen on {where} ({exc.strerror or exc})",
                         location=Location("gongwen serve"), field="--host",
                         hint="use an address of this machine, and a port over 1023 "
                              "unless run as root") from None


__all__ = ["Limits", "Settings", "check_address", "create_app", "serve"]
