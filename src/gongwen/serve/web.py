"""The web pages (Chinese UI): thin shells over what the API calls.

* ``/`` — 首页, the server's health in one line;
* ``/check`` — 检查公文格式: :func:`gongwen.check` on each uploaded file with the chosen
  profile, ``--annotate``'s pages as PNG, ``--fix``;
* ``/plan`` — 起草实施方案: a form → :func:`.render.render_files` (preview as PNG, DOCX, PDF);
* ``/jobs`` — 生成阶段材料: :func:`.routes.start_job`, then a page that polls ``/v1/jobs/{id}``;
* ``/roster`` and ``/activity`` live in :mod:`.web_roster` and :mod:`.web_activity`.

Jinja2 templates in ``templates/``, one script and one style sheet in ``static/``, all
served by gongwen itself (no CDN).  Images go inline as ``data:`` URIs: nothing is kept on
the server for a page.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from ..errors import GongwenError
from .errors import ApiError, from_library, scrub
from .render import Rendered
from .settings import Limits
from .web_text import (
    chinese_cli_line,
    chinese_data,
    chinese_error,
    chinese_field,
    chinese_finding,
    chinese_line,
    where,
)

pages = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
STATIC = {"web.js": "text/javascript", "web.css": "text/css"}
PREVIEW_DPI = 60
#: how many of a bundle's pages its job page shows
BUNDLE_PREVIEW = 6
#: the plan form's fields: (name in the data, label, required)
PLAN_FIELDS = (("发文机关", "发文机关", True), ("机关代字", "文号·机关代字", False),
               ("年份", "文号·年份", False), ("序号", "文号·序号", False),
               ("标题", "标题", True), ("主送机关", "主送机关", False),
               ("正文", "正文", True), ("署名", "署名", False),
               ("成文日期", "成文日期", True), ("抄送", "抄送（以、分隔）", False),
               ("印发机关", "印发机关", False))
_environment: Any = None


def _templates() -> Any:
    global _environment
    if _environment is None:
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        _environment = Environment(loader=FileSystemLoader(HERE / "templates"),
                                   autoescape=select_autoescape(("html",)))
        _environment.filters.update(zh=chinese_line, zh_problem=chinese_problem,
                                    zh_data=chinese_data, zh_cli=chinese_cli_line,
                                    zh_finding=chinese_finding)
        _environment.globals["where"] = where
    return _environment


def chinese_problem(problem: Any) -> dict[str, Any]:
    """A roster row's problem with its message and hint in Chinese where
    :mod:`.web_text` words them."""
    fields = problem if isinstance(problem, dict) else {"message": problem.message,
                                                        "hint": problem.hint}
    return chinese_field(fields, row=True)


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_templates().get_template(template).render(**context), status_code=status)


def png_pages(pdf: bytes, dpi: int = PREVIEW_DPI) -> list[str]:
    """Each page of ``pdf`` as a ``data:image/png;base64,…`` URI."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            bitmap = document[index].render(scale=dpi / 72)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, format="PNG", optimize=True)
            images.append("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode())
        return images
    finally:
        document.close()


def error_body(error: ApiError | GongwenError, request: Request) -> dict[str, Any]:
    """The error's fields as the API sends them (server folders cut), and its status."""
    api = error if isinstance(error, ApiError) else from_library(error)
    body = scrub(api.body, request.app.state.settings.data_dir)
    body["status"] = api.status
    return body


def one_line(error: dict[str, Any]) -> str:
    """The error in Chinese when :mod:`.web_text` words it, else as the CLI prints it:
    file:line: message (hint: …)."""
    chinese = chinese_error(error)
    if chinese:
        return chinese
    where = ":".join(str(p) for p in (error.get("file"), error.get("line")) if p)
    text = f"{where}: {error['message']}" if where else str(error["message"])
    return text + (f"（提示：{error['hint']}）" if error.get("hint") else "")


def refused_page(path: str, error: ApiError) -> HTMLResponse | None:
    """The form page a POST to ``path`` came from, showing ``error`` in Chinese: a
    refusal made before any page handler runs (a body over the size limit).  None for
    the API's paths, which answer JSON."""
    body = {**error.body, "status": error.status}
    text = one_line(body)
    if path == "/check":
        return page("check.html", status=error.status, error=text, profiles=profile_choices(),
                    profile="strict")
    if path == "/plan":
        return page("plan.html", status=error.status, fields=PLAN_FIELDS, values={"版头": "on"},
                    errors={}, loose=[body], one_line=one_line)
    forms = {"/roster": "roster.html", "/jobs": "jobs.html", "/activity": "activity.html"}
    if path in forms:
        return page(forms[path], status=error.status, error=text)
    return None


@pages.get("/static/{name}")
async def static(name: str) -> Response:
    if name not in STATIC:
        raise ApiError(404, f"no static file {name!r}")
    return FileResponse(HERE / "static" / name, media_type=STATIC[name])


@pages.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    from .routes import server_health

    report = await server_health(request)
    queue = report.get("queue", {"ok": True})
    ok = report["ok"]
    if ok:
        line = f"服务正常：LibreOffice 可用（{report['converter'].get('engine', '')}），字体齐全。"
    else:
        missing = "、".join(report["fonts"].get("missing") or [])
        problems = (["LibreOffice 不可用"] if not report["converter"]["alive"] else []) + \
            ([f"缺少字体 {missing}"] if missing else []) + \
            ([_queue_problem(queue)] if not queue["ok"] else [])
        line = "服务异常：" + "；".join(problems) + "。"
    return page("home.html", ok=ok, health=line)


def _queue_problem(queue: dict[str, Any]) -> str:
    """What is wrong with the job queue (``/healthz``'s ``queue``), in Chinese."""
    if "workers" in queue:  # Redis answered
        return "没有在运行的 gongwen worker，生成阶段材料的任务会一直排队"
    return "任务队列（Redis）连不上，生成阶段材料的任务暂时无法提交"


# --- 检查公文格式 -------------------------------------------------------------------------

def profile_choices() -> list[tuple[str, str]]:
    """(name, Chinese label) of each named profile, for the check page's select."""
    from ..layout.standard import PROFILES

    return [(name, "严格按 GB/T 9704-2012" if not profile.deviations
             else profile.deviations[0].split(" (")[0]) for name, profile in PROFILES.items()]


@pages.get("/check", response_class=HTMLResponse)
async def check_form() -> HTMLResponse:
    return page("check.html", profiles=profile_choices(), profile="strict")


def _check_one(path: Path, profile: str = "strict") -> dict[str, Any]:
    """``gongwen check`` on one file, ``--annotate``'s pages and (DOCX) ``--fix``'s copy."""
    from .. import check
    from ..checker.annotate import annotate
    from ..checker.fix import fix_docx

    report = check([path], profile=profile)
    if report.unreadable:
        raise ApiError(422, f"无法读取：{report.unreadable[0][1]}", file=path.name, field="file")
    annotated = path.with_name("annotated.pdf")
    annotate(report, annotated)
    result: dict[str, Any] = {"findings": report.findings, "images": png_pages(annotated.read_bytes())}
    if path.suffix.lower() == ".docx":
        fixed = fix_docx(path.read_bytes(), name=path.name)
        result["fixed"] = ("data:application/vnd.openxmlformats-officedocument."
                           "wordprocessingml.document;base64,"
                           + base64.b64encode(fixed.docx).decode())
        result["fixed_name"] = f"{path.stem}-修正.docx"
        result["fixes"] = fixed.fixes
        copy = path.with_name("fixed.docx")  # checked again, as ``check --fix`` does
        copy.write_bytes(fixed.docx)
        again = check([copy], profile=profile)
        result["fixed_left"] = sorted({f.rule.id for f in again.findings})
        result["fixed_count"] = len(again.findings)
    return result


@pages.post("/check", response_class=HTMLResponse)
async def check_page(request: Request) -> HTMLResponse:
    """Each uploaded file checked on its own (one that cannot be read is said beside its
    name; the others are still checked), with the chosen profile."""
    from .render import check_upload
    from .routes import _form, _profile, _run, _save, _work_dir

    settings = request.app.state.settings
    context: dict[str, Any] = {"profiles": profile_choices(), "profile": "strict"}
    results: list[dict[str, Any]] = []
    status = 200
    try:
        with _work_dir(settings) as work:
            form = await _form(request, settings)
            context["profile"] = profile = _profile(str(form.get("profile") or "strict"))
            uploads = [u for u in form.getlist("file") if isinstance(u, UploadFile) and u.filename]
            if not uploads:
                raise ApiError(422, "没有选择文件", field="file", hint="选择 .docx 或 .pdf 文件")
            budget = [settings.limits.max_upload_bytes]
            for index, upload in enumerate(uploads):
                name = Path(upload.filename or "").name
                try:
                    if Path(name).suffix.lower() not in (".docx", ".pdf"):
                        raise ApiError(422, "不是 .docx 或 .pdf 文件", file=name, field="file")
                    path = _save(upload, work / str(index), budget, "file")
                    check_upload(path, settings.limits)
                    results.append({"name": name, **await _run(request, _check_one, path,
                                                                profile)})
                except (ApiError, GongwenError) as error:
                    body = error_body(error, request)
                    status = body["status"] if status == 200 else status
                    results.append({"name": name, "error": one_line(body)})
    except (ApiError, GongwenError) as error:
        body = error_body(error, request)
        return page("check.html", status=body["status"], error=one_line(body), **context)
    failed = all("error" in r for r in results)  # only then the first refusal's status
    if failed and len(results) == 1:
        return page("check.html", status=status, error=results[0]["error"], **context)
    return page("check.html", status=status if failed else 200, results=results, **context)


# --- 起草实施方案 -------------------------------------------------------------------------

def plan_data(form: Any) -> dict[str, Any]:
    """The form's fields as the plan's data (the keys ``gongwen render`` reads)."""
    values = {key: str(form.get(key) or "").strip() for key, _, _ in PLAN_FIELDS}
    data: dict[str, Any] = {"kind": "plan"}
    for key in ("发文机关", "标题", "主送机关", "署名", "成文日期", "印发机关"):
        if values[key]:
            data[key] = values[key]
    if form.get("版头"):  # the red header: 发文机关标志 and 发文字号 printed
        data["版头"] = True
    data["正文"] = str(form.get("正文") or "").replace("\r\n", "\n")
    if any(values[k] for k in ("机关代字", "年份", "序号")):
        data["发文字号"] = {"机关代字": values["机关代字"], "年份": values["年份"],
                        "序号": values["序号"]}
    if values["抄送"]:
        data["抄送"] = [p.strip() for p in values["抄送"].replace("，", "、").split("、")
                      if p.strip()]
    return data


def field_of(error: dict[str, Any]) -> str | None:
    """Which of the form's fields an error is about (``发文字号.序号`` → ``序号``)."""
    field = str(error.get("field") or "")
    names = [key for key, _, _ in PLAN_FIELDS]
    for part in reversed(field.split(".")):
        part = part.split(" (")[0].strip()  # 「标题 (title)」
        part = _PYTHON_NAMES.get(part, part)
        if part in names:
            return part
    return None


_PYTHON_NAMES = {"organ": "发文机关", "title": "标题", "addressee": "主送机关", "主送": "主送机关",
                 "body": "正文", "signature": "署名", "date": "成文日期", "cc": "抄送",
                 "printer": "印发机关", "doc_number": "序号", "发文字号": "序号",
                 "agency": "机关代字", "year": "年份", "serial": "序号", "年度": "年份",
                 "顺序号": "序号", "发文机关署名": "署名", "抄送机关": "抄送"}


def _render_plan(folder: Path, data: dict[str, Any], fmt: str, limits: Limits) -> Rendered:
    from .render import render_files, write_data

    return render_files(write_data(folder, data, "data.json", limits), fmt)


@pages.get("/plan", response_class=HTMLResponse)
async def plan_form() -> HTMLResponse:
    return page("plan.html", fields=PLAN_FIELDS, values={"版头": "on"}, errors={})


@pages.post("/plan", response_class=HTMLResponse)
async def plan_page(request: Request) -> Response:
    from .routes import _attachment, _form, _run, _work_dir

    settings = request.app.state.settings
    try:
        form = await _form(request, settings)
    except ApiError as error:
        return page("plan.html", status=error.status, fields=PLAN_FIELDS, values={}, errors={},
                    loose=[error_body(error, request)], one_line=one_line)
    action = str(form.get("action") or "preview")
    fmt = action if action in ("docx", "pdf") else "pdf"
    values = {key: str(form.get(key) or "") for key, _, _ in PLAN_FIELDS}
    values["版头"] = "on" if form.get("版头") else ""
    try:
        with _work_dir(settings) as work:
            rendered = await _run(request, _render_plan, work, plan_data(form), fmt,
                                  settings.limits)
    except (ApiError, GongwenError) as error:
        body = error_body(error, request)
        errors: dict[str, dict[str, Any]] = {}
        loose = []  # about no field of the form: shown above it
        for problem in [body, *body.get("problems", [])]:
            field = field_of(problem)
            if field is None:  # the form's own data.json: no file or line to show
                loose.append({**problem, "file": None, "line": None}
                             if problem.get("file") == "data.json" else problem)
            else:
                errors.setdefault(field, chinese_field(problem))
        return page("plan.html", status=body["status"], fields=PLAN_FIELDS, values=values,
                    errors=errors, loose=loose, one_line=one_line)
    if action in ("docx", "pdf"):
        return Response(rendered.content, media_type=rendered.media_type,
                        headers={"Content-Disposition": _attachment(rendered.filename)})
    images = await anyio.to_thread.run_sync(png_pages, rendered.content)
    warnings = [re.sub(r"^data\.json(:\d+)?: ", "", line)
                for line in scrub({"w": rendered.warnings}, settings.data_dir)["w"]]
    return page("plan.html", fields=PLAN_FIELDS, values=values, errors={}, images=images,
                warnings=warnings, one_line=one_line)


# --- 生成阶段材料 -------------------------------------------------------------------------

@pages.get("/jobs", response_class=HTMLResponse)
async def jobs_form() -> HTMLResponse:
    return page("jobs.html")


@pages.post("/jobs", response_class=HTMLResponse)
async def jobs_submit(request: Request) -> Response:
    from .routes import start_job

    try:
        job_id, _ = await start_job(request)
    except (ApiError, GongwenError) as error:
        body = error_body(error, request)
        return page("jobs.html", status=body["status"], error=one_line(body))
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@pages.get("/jobs/{job_id}", response_class=HTMLResponse)
async def job_page(request: Request, job_id: str) -> HTMLResponse:
    try:
        job = request.app.state.store.get(job_id)
    except KeyError:
        return page("job.html", status=404, job=None, job_id="",
                    error="没有这个任务（任务结束若干小时后会被删除）。")
    data = job.as_dict()
    images, pages_total = [], 0
    bundle = data["summary"].get("bundle") if job.state == "done" else None
    if bundle and bundle in job.files:
        pdf = request.app.state.store.output_dir(job_id) / bundle
        images, pages_total = await anyio.to_thread.run_sync(_first_pages, pdf)
    from .queue.attempts import MAX_ATTEMPTS

    return page("job.html", job=data, job_id=job_id, images=images, pages_total=pages_total,
                max_tries=MAX_ATTEMPTS)


def _first_pages(pdf: Path) -> tuple[list[str], int]:
    """The bundle's first :data:`BUNDLE_PREVIEW` pages as images, and its page count."""
    import pypdfium2
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(pdf)
        count = len(reader.pages)
        writer = PdfWriter()
        for number in range(min(count, BUNDLE_PREVIEW)):
            writer.add_page(reader.pages[number])
        buffer = io.BytesIO()
        writer.write(buffer)
        return png_pages(buffer.getvalue()), count
    except (OSError, ValueError, pypdfium2.PdfiumError):
        return [], 0
