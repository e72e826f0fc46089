"""The HTTP routes: thin wrappers that turn requests into calls of :mod:`.render`,
:func:`gongwen.check`, the job store and the runner (the web pages of :mod:`.web` call
the same functions)."""

from __future__ import annotations

import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask
from starlette.datastructures import FormData, UploadFile

from .errors import ApiError, scrub
from .openapi import (
    CHECK_BODY,
    JOB_SCHEMA,
    JOBS_BODY,
    QUEUED_SCHEMA,
    RENDER_BODY,
    RENDER_HEADERS,
    WARNING_HEADER,
    errors,
    warning_header,
)
from .render import MEDIA, check_upload, render_files, screen_folder, write_data
from .runner import Busy, activity_folder
from .settings import Settings
from .store import FINISHED, JobStore
from .uploads import copy_limited, extract_zip, inside, safe_relative, too_large

router = APIRouter()
FormatParam = Annotated[str, Query(pattern="^(docx|pdf)$", description="docx or pdf")]



def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _store(request: Request) -> JobStore:
    return request.app.state.store


@contextmanager
def _work_dir(settings: Settings) -> Iterator[Path]:
    """A folder of the request's own, removed when the answer is made."""
    work = settings.data_dir / "requests" / secrets.token_hex(16)
    work.mkdir(parents=True)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def _form(request: Request, settings: Settings) -> FormData:
    kind = request.headers.get("content-type", "")
    if not kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        raise ApiError(415, "expected multipart/form-data", field="Content-Type")
    return await request.form(max_files=settings.limits.max_files, max_fields=50,
                              max_part_size=settings.limits.max_data_bytes)


def _profile(name: str | None) -> str | None:
    """A named profile (a house style's YAML would be a path on the server: not here)."""
    from ..layout.standard import PROFILES

    if name is not None and name not in PROFILES:
        raise ApiError(422, f"unknown profile {name!r}", field="profile",
                       hint="one of: " + ", ".join(PROFILES))
    return name


def _save(upload: UploadFile, folder: Path, budget: list[int], field: str) -> Path:
    """An uploaded file under ``folder`` by its own (checked) name; ``budget`` is what
    the request may still write."""
    name = upload.filename or field
    target = inside(folder, safe_relative(name, field=field).as_posix(), field=field)
    budget[0] -= copy_limited(upload.file, target, budget[0], "the upload")
    return target


async def _run(request: Request, function: Any, *args: Any) -> Any:
    """Run blocking work in a thread, at most ``render_slots`` at once per app."""
    state = request.app.state
    limiter = getattr(state, "render_limiter", None)
    if limiter is None:  # made in the event loop, on first use
        limiter = state.render_limiter = anyio.CapacityLimiter(_settings(request).render_slots)
    return await anyio.to_thread.run_sync(function, *args, limiter=limiter)


@router.get("/healthz", tags=["server"], responses={503: {
    "description": "LibreOffice, the fonts or the queue are not ready: the same report"}})
async def healthz(request: Request) -> JSONResponse:
    """LibreOffice answers (a one-line document converted) and the fonts are present;
    with a queue, Redis answers and so does at least one worker."""
    report = await server_health(request)
    return JSONResponse(report, status_code=200 if report["ok"] else 503)


async def server_health(request: Request) -> dict[str, Any]:
    """``/healthz``'s report (the 首页 says it in a line): LibreOffice and the fonts, and
    with a queue its runner's report under ``queue``."""
    from .health import health

    report = await anyio.to_thread.run_sync(health)
    queue = getattr(request.app.state.runner, "health", None)
    if queue is not None:
        checked = await anyio.to_thread.run_sync(queue)
        report = {**report, "ok": report["ok"] and checked["ok"], "queue": checked}
    return report


@router.post("/v1/render", tags=["documents"], openapi_extra=RENDER_BODY,
             response_class=Response,
             responses={200: {"content": {m: {} for m in MEDIA.values()},
                              "headers": RENDER_HEADERS},
                        **errors(400, 401, 413, 415, 422, 503)})
async def render(request: Request, format: FormatParam = "docx",
                 profile: str | None = None,
                 member: Annotated[list[str] | None, Query()] = None) -> Response:
    """Data as JSON (or multipart: data + roster/tallies/template/files) → the DOCX or PDF,
    or a zip of them when the data makes several documents (one per member)."""
    settings = _settings(request)
    limits = settings.limits
    profile = _profile(profile)
    with _work_dir(settings) as work:
        options: dict[str, Any] = {}
        if request.headers.get("content-type", "").startswith("application/json"):
            body = await request.body()
            if len(body) > limits.max_data_bytes:
                raise too_large("the data", limits.max_data_bytes)
            from .uploads import parse_json

            data_file = write_data(work, parse_json(body, limits), "data.json", limits)
        else:
            form = await _form(request, settings)
            budget = [limits.max_upload_bytes]
            data = form.get("data")
            if data is None:
                raise ApiError(422, "no data: send the document's data in the 'data' part",
                               field="data")
            if isinstance(data, UploadFile):
                raw = await data.read(limits.max_data_bytes + 1)
                name = data.filename or "data.yaml"
            else:
                raw, name = data.encode(), "data.yaml"
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ApiError(422, f"is not UTF-8 (byte {exc.start})", file=name,
                               hint="save the file as UTF-8") from None
            files = work / "files"
            files.mkdir()
            for upload in form.getlist("files"):
                if isinstance(upload, UploadFile):
                    check_upload(_save(upload, files, budget, "files"), limits)
            # an uploaded activity.yaml is read for a 附件's 表格: its paths stay inside too
            await anyio.to_thread.run_sync(screen_folder, files, limits)
            for key in ("roster", "tallies", "template"):
                upload = form.get(key)
                if isinstance(upload, UploadFile):
                    options[key] = _save(upload, work / key, budget, key)
                    check_upload(options[key], limits)
            data_file = await anyio.to_thread.run_sync(write_data, files, text, name, limits)
        rendered = await _run(request, lambda: render_files(
            data_file, format, profile=profile, members=tuple(member or ()), **options))
    headers = {"Content-Disposition": _attachment(rendered.filename),
               "X-Gongwen-Documents": str(rendered.count)}
    response = Response(rendered.content, media_type=rendered.media_type, headers=headers)
    for line in scrub({"w": rendered.warnings}, settings.data_dir)["w"]:
        response.headers.append(WARNING_HEADER, warning_header(line))
    return response


@router.post("/v1/check", tags=["documents"], openapi_extra=CHECK_BODY,
             responses=errors(401, 413, 415, 422, 503))
async def check(request: Request, profile: str = "strict") -> JSONResponse:
    """Multipart ``file`` parts (.docx/.pdf) → ``gongwen check``'s report as JSON."""
    import json

    settings = _settings(request)
    profile = _profile(profile) or "strict"
    with _work_dir(settings) as work:
        form = await _form(request, settings)
        budget = [settings.limits.max_upload_bytes]
        paths = []
        for upload in form.getlist("file"):
            if not isinstance(upload, UploadFile):
                continue
            if Path(upload.filename or "").suffix.lower() not in (".docx", ".pdf"):
                raise ApiError(422, f"{upload.filename!r} is not a .docx or .pdf",
                               file=upload.filename, field="file")
            paths.append(_save(upload, work / str(len(paths)), budget, "file"))
            check_upload(paths[-1], settings.limits)
        if not paths:
            raise ApiError(422, "no file: send .docx or .pdf files as 'file' parts",
                           field="file")
        from .. import check as check_files

        report = await _run(request, lambda: check_files(paths, profile=profile))
        text = re.sub(re.escape(json.dumps(str(work))[1:-1]) + r"/\d+/", "", report.to_json())
    return JSONResponse(json.loads(text))


@router.post("/v1/jobs", tags=["jobs"], status_code=202, openapi_extra=JOBS_BODY,
             responses={202: {"description": "queued: its id, state and url",
                                   "content": {"application/json": {"schema": QUEUED_SCHEMA}}},
                        **errors(400, 401, 413, 415, 422, 503)})
async def create_job(request: Request) -> JSONResponse:
    """Multipart ``activity`` (the activity folder as a .zip) and ``phase`` → 202 and the
    job's id; the phase runs as ``gongwen batch --phase`` would."""
    job_id, state = await start_job(request)
    return JSONResponse({"id": job_id, "state": state, "url": f"/v1/jobs/{job_id}"},
                        status_code=202, headers={"Location": f"/v1/jobs/{job_id}"})


async def start_job(request: Request) -> tuple[str, str]:
    """The upload unpacked and screened, the job created and submitted: (id, state).
    ``POST /v1/jobs`` and the 生成阶段材料 page both call it."""
    settings = _settings(request)
    form = await _form(request, settings)
    phase, upload = form.get("phase"), form.get("activity")
    if not isinstance(phase, str) or not phase.strip():
        raise ApiError(422, "no phase: name the phase to run", field="phase",
                       hint="a 名称 of activity.yaml's 阶段, e.g. 发动部署")
    if not isinstance(upload, UploadFile):
        raise ApiError(422, "no activity: send the activity folder as a .zip", field="activity")
    return await submit_job(request, phase.strip(),
                            lambda folder: _unpack(upload, folder, settings))


async def submit_job(request: Request, phase: str, fill: Callable[[Path], None], *,
                     source: str | None = None) -> tuple[str, str]:
    """A new job: ``fill`` (run in a thread) puts the activity folder into the job's
    empty input folder, then the job is created queued and handed to the runner:
    (id, state).  Anything ``fill`` raises removes the job.  The API's upload and the
    活动 page's 生成 button (``source``: its activity id) share it."""
    store = _store(request)
    job_id = store.new_id()
    try:
        await anyio.to_thread.run_sync(fill, store.input_dir(job_id))
        job = store.create(job_id, phase, source=source)
    except BaseException:
        store.discard(job_id)
        raise
    try:  # in a thread: a queue's server that does not answer must not stall the loop
        await anyio.to_thread.run_sync(request.app.state.runner.submit, job_id)
    except Busy as exc:
        store.discard(job_id)
        raise ApiError(503, exc.message, hint=exc.hint) from None
    return job_id, job.state


def _unpack(upload: UploadFile, folder: Path, settings: Settings) -> None:
    """An uploaded activity .zip into ``folder``: copied within the size limit, its
    entries checked (:func:`.uploads.extract_zip`), every data file screened."""
    unpack_activity(upload.file, upload.filename or "activity", folder, settings)


def unpack_activity(stream: BinaryIO, name: str, folder: Path, settings: Settings) -> Path:
    """An activity folder sent as a zip, unpacked into ``folder`` and screened; returns
    where its ``activity.yaml`` is (the top, or the one folder the zip holds)."""
    packed = folder.parent / f".{folder.name}.zip"
    try:
        copy_limited(stream, packed, settings.limits.max_upload_bytes, "the activity")
        extract_zip(packed, folder, settings.limits, name)
    finally:
        packed.unlink(missing_ok=True)
    screen_folder(folder, settings.limits)
    found = activity_folder(folder)
    if not (found / "activity.yaml").is_file():
        raise ApiError(422, "the zip holds no activity.yaml", file=name,
                       field="activity", hint="zip the activity folder (gongwen init makes one)")
    return found


@router.get("/v1/jobs/{job_id}", tags=["jobs"], responses={
    200: {"content": {"application/json": {"schema": JOB_SCHEMA}}}, **errors(401, 404)})
async def get_job(request: Request, job_id: str) -> JSONResponse:
    """The job's state (queued, running, done, failed), progress, failures, findings and
    its files (fetch each from ``/v1/jobs/{id}/files/{path}``)."""
    try:
        job = _store(request).get(job_id)
    except KeyError:
        raise ApiError(404, "no such job", field="job_id",
                       hint="jobs are removed some hours after they finish") from None
    data = job.as_dict()
    data["age_seconds"] = round(time.time() - job.created, 1)
    return JSONResponse(data)


@router.get("/v1/jobs/{job_id}/files/{path:path}", tags=["jobs"],
            responses={200: {"description": "the file"}, **errors(400, 401, 404)})
async def get_job_file(request: Request, job_id: str, path: str) -> FileResponse:
    """One result file of a finished job, by its path in the job's ``files``."""
    store = _store(request)
    try:
        job = store.get(job_id)
    except KeyError:
        raise ApiError(404, "no such job", field="job_id") from None
    target = inside(store.output_dir(job_id), path)
    if path not in job.files or not target.is_file():
        raise ApiError(404, f"the job has no file {path!r}", field="path",
                       hint="the job's files are listed in GET /v1/jobs/{id}")
    return FileResponse(target, filename=Path(path).name)


@router.get("/v1/jobs/{job_id}/files.zip", tags=["jobs"],
            responses={200: {"content": {"application/zip": {}}}, **errors(401, 404, 409)})
async def get_job_zip(request: Request, job_id: str) -> FileResponse:
    """Every file of a finished job (its DOCX, PDF, bundle, manifest) in one zip, under
    the paths its ``files`` lists."""
    store = _store(request)
    try:
        job = store.get(job_id)
    except KeyError:
        raise ApiError(404, "no such job", field="job_id") from None
    if job.state not in FINISHED or not job.files:
        raise ApiError(409, f"the job has no files yet (it is {job.state})", field="job_id",
                       hint="wait until GET /v1/jobs/{id} says done")
    work = _settings(request).data_dir / "requests" / secrets.token_hex(16)
    work.mkdir(parents=True)
    target = work / "files.zip"
    try:
        await anyio.to_thread.run_sync(store.pack, job_id, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return FileResponse(target, media_type="application/zip",
                        headers={"Content-Disposition": _attachment(f"{job.phase}.zip")},
                        background=BackgroundTask(shutil.rmtree, work, ignore_errors=True))


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"document{Path(filename).suffix}\"; " \
           f"filename*=UTF-8''{quote(filename)}"
