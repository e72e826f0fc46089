"""What ``/docs`` says of the routes that read their body by hand (multipart uploads,
JSON of any 类型) and of the errors every route answers with: the OpenAPI fragments the
route decorators in :mod:`.routes` pass to FastAPI.  A platform's developer reads the
same field names, codes and error shape the server uses."""

from __future__ import annotations

from typing import Any

_BINARY = {"type": "string", "format": "binary"}

#: ``{"error": {...}}``: what :class:`.errors.ApiError` is sent as, the CLI's fields
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["message"], "properties": {
        "message": {"type": "string", "description": "what is wrong, as the CLI says it"},
        "file": {"type": ["string", "null"], "description": "the upload or data file"},
        "line": {"type": ["integer", "null"], "description": "its line (1-based)"},
        "field": {"type": ["string", "null"], "description": "the field, part or parameter"},
        "hint": {"type": ["string", "null"], "description": "what to do about it"}}}},
    "example": {"error": {"message": "is required but missing", "file": "data.json",
                          "line": 1, "field": "发文机关 (organ)", "hint": "add it to the file"}},
}

_WHY = {400: "a file name that leaves the upload (absolute, ``..``)",
        401: "no token, or a wrong one (a server started with --token-file)",
        404: "no such job or file",
        409: "the job has not finished",
        413: "the request, the data or a zip is larger than the server accepts",
        415: "a body that is neither JSON nor multipart/form-data",
        422: "bad data, template or upload: the message names file, line and field",
        503: "LibreOffice or the job queue cannot take it now (see Retry-After)"}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` entries of ``codes``, each the error shape above."""
    return {code: {"description": _WHY[code],
                   "content": {"application/json": {"schema": ERROR_SCHEMA}}}
            for code in codes}


RENDER_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "example": {
        "kind": "plan", "标题": "关于开展创先争优活动的实施方案", "发文机关": "中共某某支部委员会",
        "正文": "# 总体要求\n\n正文……", "成文日期": "2024-09-02"}}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["data"], "properties": {
        "data": {**_BINARY, "description": "YAML or JSON"},
        "roster": {**_BINARY, "description": "名册: .xlsx or .csv"},
        "tallies": {**_BINARY, "description": "评议数据: .xlsx or .csv"},
        "template": {**_BINARY, "description": "a .docx template (run in the sandbox)"},
        "files": {"type": "array", "items": _BINARY,
                  "description": "files the data names: 正文文件, 图片"}}}}}}}

#: one header per warning the render gave (a 请示 to several 主送机关, a font fallback …)
WARNING_HEADER = "X-Gongwen-Warning"


def warning_header(line: str) -> str:
    """A warning as a header value: UTF-8 percent-encoded (headers are Latin-1), printable
    ASCII kept, so ``urllib.parse.unquote`` or ``decodeURIComponent`` gives it back."""
    from urllib.parse import quote

    return quote(line, safe=" !\"#$&'()*+,-./:;<=>?@[]^_`{|}~")


RENDER_HEADERS: dict[str, Any] = {
    "X-Gongwen-Documents": {"description": "how many documents the answer holds",
                            "schema": {"type": "integer"}},
    WARNING_HEADER: {"description": "a warning the document's data gave, as the CLI prints "
                                    "it, UTF-8 percent-encoded; one header per warning",
                     "schema": {"type": "string"}},
}

CHECK_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "array", "items": _BINARY,
                 "description": "one or more .docx or .pdf files, each a `file` part"}}}}}}}

JOBS_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["activity", "phase"],
                                       "properties": {
        "activity": {**_BINARY, "description": "the activity folder (with its activity.yaml) "
                                               "as a .zip"},
        "phase": {"type": "string", "description": "a 名称 of activity.yaml's 阶段",
                  "example": "发动部署"}}}}}}}

QUEUED_SCHEMA: dict[str, Any] = {"type": "object", "properties": {
    "id": {"type": "string"}, "state": {"type": "string", "example": "queued"},
    "url": {"type": "string", "description": "the job's state: GET it until done"}}}

JOB_SCHEMA: dict[str, Any] = {"type": "object", "properties": {
    "id": {"type": "string"}, "phase": {"type": "string"},
    "state": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
    "progress": {"type": "object", "properties": {
        "stage": {"type": ["string", "null"]}, "done": {"type": "integer"},
        "total": {"type": "integer"}}},
    "failures": {"type": "array", "items": {"type": "object", "properties": {
        "job": {"type": "string"}, "member": {"type": ["string", "null"]},
        "message": {"type": "string"}}}},
    "findings": {"type": "array", "items": {"type": "string"}},
    "error": {"type": ["object", "null"], "description": "why the whole job failed: the "
                                                         "error fields"},
    "files": {"type": "array", "items": {"type": "string"},
              "description": "paths for GET /v1/jobs/{id}/files/{path}"},
    "attempts": {"type": "integer"}, "age_seconds": {"type": "number"}}}


def install_schema(app: Any) -> None:
    """Make ``app.openapi()`` say the error shape the server really sends: FastAPI's own
    422 entry (``HTTPValidationError``, a shape our handler never sends) becomes ours."""
    from fastapi.openapi.utils import get_openapi

    def schema() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version,
                               description=app.description, routes=app.routes)
            for operation in (o for path in spec["paths"].values() for o in path.values()):
                entry = operation.get("responses", {}).get("422")
                if entry and "HTTPValidationError" in str(entry):
                    operation["responses"]["422"] = errors(422)[422]
            schemas = spec.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
            if "components" in spec and not schemas:
                del spec["components"]
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = schema
