"""The ASGI app: :func:`create_app` (settings → FastAPI), its guards and error shape.

Guards, outermost first: the token (when the settings have one, every route but the
login form needs ``Authorization: Bearer <token>`` or the cookie the form sets), the body
size limit (``Content-Length`` checked before anything is read, and the bytes counted as
they arrive), then the routes of :mod:`.routes`.  Every error leaves as
``{"error": {message, file, line, field, hint}}``: 4xx for what the client sent, 503 when
LibreOffice or the job queue cannot take it now, 500 only for a bug.
"""

from __future__ import annotations

import hmac
import logging
import shutil
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from ..errors import GongwenError
from .errors import ApiError, from_library, scrub
from .runner import EmbeddedRunner, Runner
from .settings import Settings
from .store import JobStore

logger = logging.getLogger(__name__)
COOKIE = "gongwen_token"
#: what a browser without the cookie may fetch: the login form and its style sheet
OPEN_PATHS = ("/login", "/static/web.css")


def error_response(error: ApiError) -> JSONResponse:
    headers = {"Retry-After": "5"} if error.status == 503 else None
    return JSONResponse(error.payload(), status_code=error.status, headers=headers)


def create_app(settings: Settings, *, runner: Runner | None = None) -> Any:
    """The server's app.  ``runner`` defaults to an :class:`EmbeddedRunner` on the
    settings' data dir (a :class:`~gongwen.serve.queue.QueueRunner` with
    ``settings.queue``); jobs left by a previous process are recovered at start-up."""
    settings.validate()
    store = JobStore(settings.data_dir)
    (settings.data_dir / "requests").mkdir(parents=True, exist_ok=True)
    runner = runner or make_runner(settings, store)
    stop = threading.Event()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner.recover(store)
        sweeper = threading.Thread(target=_sweep, args=(store, settings, stop), daemon=True,
                                   name="gongwen-expire")
        sweeper.start()
        try:
            yield
        finally:
            stop.set()
            runner.close()

    app = FastAPI(title="gongwen", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="公文 to GB/T 9704-2012 from data: render, check, phase jobs.")
    from .docs import install_docs

    install_docs(app)
    app.state.settings, app.state.store, app.state.runner = settings, store, runner
    _install_guards(app, settings)
    _install_error_handlers(app, settings)

    from .routes import router
    from .web import pages
    from .web_activity import pages as activity_pages
    from .web_roster import pages as roster_pages

    app.include_router(router)
    app.include_router(pages)
    app.include_router(roster_pages)
    app.include_router(activity_pages)
    from .openapi import install_schema

    install_schema(app)
    return app


def make_runner(settings: Settings, store: JobStore) -> Runner:
    """The embedded runner, or with ``settings.queue`` the queue's (Celery only then)."""
    if settings.queue:
        from .queue import QueueRunner

        return QueueRunner(store, settings.queue,
                           visibility_timeout=settings.visibility_timeout)
    return EmbeddedRunner(store, workers=settings.job_workers)


#: a request's own folder older than this was left by an answer that never finished (a
#: download the client broke off skips its clean-up): no request runs this long
REQUEST_FOLDER_S = 3600.0


def _sweep(store: JobStore, settings: Settings, stop: threading.Event) -> None:
    """Remove expired jobs now and then (every tenth of the keeping time, ≤ 10 min),
    request folders left behind, and the 活动 pages' activities nobody opened."""
    from .web_activity import expire_activities

    interval = min(600.0, settings.keep_hours * 360)
    while True:
        try:
            store.expire(settings.keep_hours * 3600)
            expire_requests(settings.data_dir)
            expire_activities(settings)
        except OSError:
            logger.exception("could not remove expired jobs")
        if stop.wait(interval):
            return


def expire_requests(data_dir: Path, now: float | None = None) -> list[str]:
    """Remove the folders under ``requests/`` older than :data:`REQUEST_FOLDER_S`
    (a files.zip whose download was broken off is not removed by its answer); returns
    their names."""
    now = time.time() if now is None else now
    removed = []
    root = data_dir / "requests"
    for folder in root.iterdir() if root.is_dir() else ():
        try:
            old = now - folder.stat().st_mtime > REQUEST_FOLDER_S
        except OSError:
            continue
        if old and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def _authorised(request: Request, token: str) -> bool:
    header = request.headers.get("authorization", "")
    given = header[7:].strip() if header.lower().startswith("bearer ") else ""
    given = given or request.cookies.get(COOKIE, "")
    return hmac.compare_digest(given.encode(), token.encode())


class BodyLimit:
    """Counts a request body's bytes as they arrive (a chunked upload has no
    Content-Length to check first) and stops the read past ``limit`` with a 413."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise ApiError(413, f"the request is larger than the server accepts "
                               f"({self.limit:,} bytes)")
            return message

        await self.app(scope, counted, send)


def _install_guards(app: Any, settings: Settings) -> None:
    limit = settings.limits.max_upload_bytes
    app.add_middleware(BodyLimit, limit=limit)

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                    ) -> Response:
        token = settings.token
        if token and request.url.path not in OPEN_PATHS and not _authorised(request, token):
            if "text/html" in request.headers.get("accept", "") and (
                    request.method == "GET" or not request.url.path.startswith("/v1/")):
                return RedirectResponse(_login_url(request), status_code=303)
            return error_response(ApiError(401, "a token is needed", field="Authorization",
                                           hint="send 'Authorization: Bearer <token>'"))
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            error = ApiError(413, f"the request is larger than the server accepts "
                             f"({limit:,} bytes)")
            from .web import refused_page  # a web page's form: the page, in Chinese

            return refused_page(request.url.path, error) or error_response(error)
        return await call_next(request)

    @app.get("/login", include_in_schema=False)
    def login_form(next: str = "/") -> HTMLResponse:
        from .web import page

        return page("login.html", next=_local(next))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        from .web import page

        form = await request.form(max_files=0, max_fields=3, max_part_size=4096)
        given, back = str(form.get("token", "")), _local(str(form.get("next", "/")))
        if not settings.token or hmac.compare_digest(given.encode(), settings.token.encode()):
            response = RedirectResponse(back, status_code=303)
            if settings.token:
                response.set_cookie(COOKIE, settings.token, httponly=True, samesite="strict")
            return response
        return page("login.html", status=401, next=back,
                    error="令牌不对。请核对后重新输入（区分大小写）。")


def _local(path: str) -> str:
    """``path`` when it is a page of this server, else ``/``: the login form never sends
    a browser to another site."""
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


def _login_url(request: Request) -> str:
    """The login form, told to come back to the page asked for (a form's page, for a
    POST: what was sent cannot be sent again)."""
    from urllib.parse import quote

    back = request.url.path
    if request.method == "GET" and request.url.query:
        back += "?" + request.url.query
    elif request.method != "GET":  # /activity/<id>/run is the button of /activity/<id>
        back = back.removesuffix("/run")
    return "/login" if back == "/" else "/login?next=" + quote(back, safe="/")


def _install_error_handlers(app: Any, settings: Settings) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        error.body = scrub(error.body, settings.data_dir)
        return error_response(error)

    @app.exception_handler(GongwenError)
    async def library_error(request: Request, error: GongwenError) -> JSONResponse:
        api = from_library(error)
        api.body = scrub(api.body, settings.data_dir)
        return error_response(api)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        first = (error.errors() or [{}])[0]
        field = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
        return error_response(ApiError(422, str(first.get("msg", "invalid request")),
                                       field=field))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        return error_response(ApiError(error.status_code, str(error.detail)))

    @app.exception_handler(Exception)
    async def bug(request: Request, error: Exception) -> JSONResponse:
        logger.exception("%s %s failed", request.method, request.url.path)
        return error_response(ApiError(500, f"internal error ({type(error).__name__}); "
                                       "the server's log has more"))

    @app.exception_handler(RecursionError)
    async def too_deep(request: Request, error: RecursionError) -> JSONResponse:
        return error_response(ApiError(422, "the data is too large or nested too deep to "
                                       "lay out", hint="shorten the longest values"))
