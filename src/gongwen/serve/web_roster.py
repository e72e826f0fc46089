"""The 花名册检查 page (``/roster``): an uploaded .xlsx/.csv shown as a table, every bad
row marked with its problems beside it — :func:`gongwen.inputs.roster_check.check_roster`,
which ``gongwen roster`` prints."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from ..errors import GongwenError
from .errors import ApiError
from .web import error_body, one_line, page

pages = APIRouter(include_in_schema=False)
SUFFIXES = (".xlsx", ".xlsm", ".csv")


@pages.get("/roster", response_class=HTMLResponse)
async def roster_form() -> HTMLResponse:
    return page("roster.html")


@pages.post("/roster", response_class=HTMLResponse)
async def roster_page(request: Request) -> HTMLResponse:
    from ..inputs.roster_check import check_roster
    from .render import check_upload
    from .routes import _form, _run, _save, _work_dir

    settings = request.app.state.settings
    name = ""
    try:
        with _work_dir(settings) as work:
            form = await _form(request, settings)
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise ApiError(422, "没有选择文件", field="file", hint="选择一个 .xlsx 或 .csv 文件")
            name = Path(upload.filename).name
            if Path(name).suffix.lower() not in SUFFIXES:
                raise ApiError(422, "不是 .xlsx 或 .csv 文件", file=name, field="file",
                               hint="在 Excel/WPS 中另存为 .xlsx 或 CSV（UTF-8）")
            path = _save(upload, work / "roster", [settings.limits.max_upload_bytes], "file")
            check_upload(path, settings.limits)
            checked = await _run(request, check_roster, path)
    except (ApiError, GongwenError) as error:
        body = error_body(error, request)
        return page("roster.html", status=body["status"], name=name,
                    error=one_line(body))
    return page("roster.html", name=name, roster=checked)
