"""The Jinja/docxtpl side: one environment per template source, Chinese filters,
and errors that name the template and the missing key instead of a blank.

Data is always autoescaped: docxtpl writes it into XML, and a bare ``<`` or ``&``
in user data would otherwise corrupt or silently truncate the paragraph.
User templates (``--template``) render in Jinja's sandbox.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from .errors import TemplateError
from .ooxml import make_deterministic, order_properties
from .text import chinese_numeral, format_date, format_doc_number

ContextBuilder = Callable[[DocxTemplate], dict[str, Any]]
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


def _cn_date(value: Any) -> str:
    return format_date(value) if value else ""


FILTERS: dict[str, Callable[..., Any]] = {
    "cn_date": _cn_date,
    "cn_number": chinese_numeral,
    "doc_number": format_doc_number,
}


def make_environment(*, sandboxed: bool = False) -> jinja2.Environment:
    """An environment with autoescape, strict undefined and gongwen's filters."""
    cls = SandboxedEnvironment if sandboxed else jinja2.Environment
    env = cls(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env


def check_docx(data: bytes, name: str) -> None:
    """Refuse a file that is not a Word document before docxtpl fails obscurely on it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise TemplateError("is not a .docx file (not a zip archive)", template=name,
                            hint="save the template from Word or WPS as .docx") from None
    if "word/document.xml" not in names:
        raise TemplateError("is not a .docx file (no word/document.xml)", template=name,
                            hint="save the template from Word or WPS as .docx")


def render_docx(
    template: bytes,
    name: str,
    build_context: ContextBuilder,
    *,
    sandboxed: bool = False,
    properties: dict[str, Any] | None = None,
) -> bytes:
    """Render ``template`` with the context ``build_context`` makes for it.

    ``build_context`` receives the :class:`DocxTemplate` because sub-documents
    (body, closing block) must be created from the template they go into.
    ``properties`` set the DOCX core properties (title, author, dates).
    """
    check_docx(template, name)
    try:
        tpl = DocxTemplate(io.BytesIO(template))
        context = build_context(tpl)
        tpl.render(context, jinja_env=make_environment(sandboxed=sandboxed), autoescape=True)
    except jinja2.UndefinedError as exc:
        missing = _missing_name(str(exc))
        raise TemplateError(
            f"uses {{{{ {missing} }}}}, which the data does not provide",
            template=name,
            hint="remove the tag from the template, or check its spelling against "
            "the fields listed by 'gongwen templates --fields'",
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        snippet = " ".join(line.strip() for line in getattr(exc, "docx_context", []) if line)
        raise TemplateError(f"template syntax error: {exc.message}", template=name,
                            hint=f"near: {snippet[:80]}" if snippet else None) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"unsafe template operation: {exc}", template=name) from None
    for key, value in (properties or {}).items():
        setattr(tpl.docx.core_properties, key, value)  # get_docx() would reload
    order_properties(tpl.docx.element)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return make_deterministic(buffer.getvalue())


def _missing_name(message: str) -> str:
    match = _UNDEFINED_NAME.search(message)
    if not match:
        return message
    return match.group(1) or match.group(2)


def read_template(path: str | Path) -> bytes:
    """Bytes of a user template; a missing file is a TemplateError naming it."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise TemplateError(f"cannot read template: {exc.strerror}", template=str(path)) from None
