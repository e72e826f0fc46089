"""The 活动与阶段 pages: an activity folder on the server, its phases, and a job per phase.

* ``/activity`` — start from the sample activity, or upload an activity folder (.zip,
  unpacked by :func:`.routes.unpack_activity` with the API's limits);
* ``/activity/{id}`` — each phase and what it owes (:func:`gongwen.batch.check_phase`,
  what ``gongwen batch --plan`` prints), every data error beside its file and line, and
  each roster's bad rows (:func:`~gongwen.inputs.roster_check.check_roster`);
* ``POST /activity/{id}/run`` — a 生成 button: the folder copied into a new job
  (:func:`.routes.submit_job`), then the job's page.

An activity lives in ``<data dir>/activities/<id>/input`` (the id is 32 hex digits, never
a client's path) and is removed ``keep_hours`` after it was last opened.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from ..errors import GongwenError, InputError
from .errors import ApiError, error_fields, scrub
from .settings import Settings
from .web import error_body, one_line, page
from .web_text import where

pages = APIRouter(include_in_schema=False)
_ID = re.compile(r"^[0-9a-f]{32}$")


def activities_root(settings: Settings) -> Path:
    return settings.data_dir / "activities"


def activity_input(settings: Settings, activity_id: str) -> Path:
    """The activity's folder; an id that is not one of ours is a KeyError (never a path)."""
    folder = activities_root(settings) / activity_id / "input"
    if not _ID.match(activity_id) or not folder.is_dir():
        raise KeyError(activity_id)
    return folder


def expire_activities(settings: Settings, now: float | None = None) -> None:
    """Remove the activities nobody opened for ``keep_hours`` (their jobs keep a copy)."""
    root = activities_root(settings)
    now = time.time() if now is None else now
    for folder in root.iterdir() if root.is_dir() else ():
        try:
            if _ID.match(folder.name) and now - folder.stat().st_mtime > \
                    settings.keep_hours * 3600:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


@pages.get("/activity", response_class=HTMLResponse)
async def activity_form() -> HTMLResponse:
    return page("activity.html")


@pages.post("/activity", response_class=HTMLResponse)
async def activity_create(request: Request) -> Response:
    """The sample (``source=sample``) or an uploaded .zip (``activity``) → a new activity."""
    import anyio

    from ..batch.scaffold import init_activity
    from .routes import _form, unpack_activity

    settings = request.app.state.settings
    name = ""
    activity_id = secrets.token_hex(16)
    folder = activities_root(settings) / activity_id / "input"
    try:
        form = await _form(request, settings)
        upload = form.get("activity")
        folder.mkdir(parents=True)
        if form.get("source") == "sample":
            await anyio.to_thread.run_sync(init_activity, folder)
        elif isinstance(upload, UploadFile) and upload.filename:
            name = Path(upload.filename).name
            if not name.lower().endswith(".zip"):
                raise ApiError(422, "不是 .zip 文件", file=name, field="activity",
                               hint="把整个活动文件夹压缩为 .zip 再上传")
            await anyio.to_thread.run_sync(unpack_activity, upload.file, name, folder, settings)
        else:
            raise ApiError(422, "没有选择文件", field="activity",
                           hint="选择活动文件夹的 .zip，或使用示例活动")
    except (ApiError, GongwenError) as error:
        shutil.rmtree(folder.parent, ignore_errors=True)
        body = error_body(error, request)
        return page("activity.html", status=body["status"], name=name,
                    error=one_line(body))
    return RedirectResponse(f"/activity/{activity_id}", status_code=303)


def _fields(error: InputError, data_dir: Path) -> dict[str, Any]:
    """An error's fields for the page, server folders cut, its other problems kept."""
    fields = error_fields(error)
    problems = [error_fields(p) for p in getattr(error, "problems", [])[1:]]
    return scrub({**fields, "problems": problems}, data_dir)


def survey(folder: Path, data_dir: Path) -> dict[str, Any]:
    """What the activity page shows: the activity, each phase's plan (as ``batch
    --plan``), and the bad rows of every roster it names."""
    from ..batch import check_phase, load_activity
    from ..batch.checks import load_all
    from ..batch.steps import kind_label_of
    from ..inputs.roster_check import check_roster
    from .runner import activity_folder

    try:
        activity = load_activity(activity_folder(folder))
    except InputError as error:
        return {"error": _fields(error, data_dir), "phases": [], "rosters": []}
    loaded = load_all(activity)
    phases = []
    for phase in activity.phases:
        plan = check_phase(activity, phase, loaded=loaded)
        documents = [{"name": doc.name, "label": doc.label,
                      # a 公文 by its 文种 (通知, 请示 …), as the secretary names it
                      "kind": getattr(doc.loaded.model, "genre", None) or kind_label_of(doc.kind),
                      "file": scrub({"f": str(doc.loaded.spec.path)}, data_dir)["f"],
                      "error": _fields(doc.error, data_dir) if doc.error else None,
                      "problems": []} for doc in plan.documents]
        bad = sum(1 for doc in documents if doc["error"])
        problems = []  # a problem in one document's file is shown in its row
        for found in (_fields(p, data_dir) for p in plan.problems):
            row = next((d for d in documents if d["file"] == found.get("file")), None)
            (row["problems"] if row else problems).append(found)
        if plan.problems:
            blocked = f"有 {len(plan.problems)} 处问题使本阶段无法生成（见下）"
        elif not documents:
            blocked = "本阶段没有要生成的材料"
        else:
            blocked = ""
        phases.append({"number": phase.index + 1, "name": phase.name, "start": phase.start,
                       "end": phase.end, "documents": documents, "problems": problems,
                       "bad": bad, "blocked": blocked})
    rosters = {p for p in [activity.roster, *(s.roster for ph in activity.phases
                                              for s in ph.documents)] if p is not None}
    roster_rows = []
    top = folder.resolve()
    for path in sorted(rosters):
        full = path.resolve()  # named as the zip names it, when it is inside
        name = full.relative_to(top).as_posix() if full.is_relative_to(top) else path.name
        try:
            checked = check_roster(path)
        except InputError as error:
            roster_rows.append({"file": name, "error": _fields(error, data_dir), "bad": []})
            continue
        roster_rows.append({"file": name, "error": None, "rows": len(checked.rows),
                            "bad": [(row.number, p) for row in checked.bad_rows
                                    for p in row.problems]})
    return {"error": None, "name": activity.name, "organization": activity.organization,
            "phases": phases, "rosters": roster_rows}


def _missing() -> HTMLResponse:
    return page("activity.html", status=404,
                error="没有这个活动（活动在一段时间不用后会被删除），请重新上传或使用示例活动。")


@pages.get("/activity/{activity_id}", response_class=HTMLResponse)
async def activity_page(request: Request, activity_id: str) -> HTMLResponse:
    from .routes import _run

    settings = request.app.state.settings
    try:
        folder = activity_input(settings, activity_id)
    except KeyError:
        return _missing()
    folder.parent.touch()  # opened: kept another keep_hours
    found = await _run(request, survey, folder, settings.data_dir)
    return page("activity_view.html", activity_id=activity_id, where=where, **found)


@pages.post("/activity/{activity_id}/run", response_class=HTMLResponse)
async def activity_run(request: Request, activity_id: str) -> Response:
    """The 生成 button: the activity copied into a new job for the phase, then its page."""
    from .routes import _form, submit_job

    settings = request.app.state.settings
    try:
        folder = activity_input(settings, activity_id)
    except KeyError:
        return _missing()
    form = await _form(request, settings)
    phase = str(form.get("phase") or "").strip()
    if not phase:
        return page("activity.html", status=422, error="没有指明要生成的阶段。")

    def fill(target: Path) -> None:
        shutil.copytree(folder, target, dirs_exist_ok=True)

    try:
        job_id, _ = await submit_job(request, phase, fill, source=activity_id)
    except (ApiError, GongwenError) as error:
        body = error_body(error, request)
        return page("activity.html", status=body["status"], error=one_line(body))
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
