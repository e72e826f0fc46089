"""From data to a rendered document: the library's main entry point, :func:`render`."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, RichText

from . import layout, standard
from .errors import InputError, Location
from .fileio import write_atomic
from .inputs import SourceData, load_data, load_text
from .models import KINDS, GongwenModel, Plan, validate
from .templates import builtin_template
from .templating import read_template, render_docx
from .text import parse_body

#: the title's 二号 characters that fit one line of the text block
TITLE_CELLS_PER_LINE = math.floor(
    standard.mm_to_pt(standard.TEXT_BLOCK_WIDTH_MM) / standard.ERHAO
)
#: a title line may break after these characters (never inside a word we can't see)
_TITLE_BREAK_AFTER = "的与和及、》”"
_TITLE_BREAK_BEFORE = re.compile(r"(?<=.)关于")
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass
class Document:
    """A rendered document: its DOCX bytes and what it was made from."""

    kind: str
    title: str
    docx: bytes
    model: GongwenModel
    source: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        return self.docx

    @property
    def filename(self) -> str:
        """A safe file name from the title: no path separators or reserved characters."""
        return safe_filename(self.title) + ".docx"

    def save(self, path: str | Path) -> Path:
        """Write the DOCX atomically; a folder ``path`` gets :attr:`filename` inside it."""
        target = Path(path)
        if target.is_dir() or str(path).endswith(("/", "\\")):
            target = target / self.filename
        return write_atomic(target, self.docx)

    def to_pdf(self, path: str | Path | None = None) -> bytes:
        """Convert with LibreOffice; write to ``path`` too when given."""
        from .convert import Converter

        with Converter() as converter:
            pdf = converter.convert_bytes(self.docx, name=Path(self.filename).stem)
        if path is not None:
            target = Path(path)
            if target.is_dir():
                target = target / (Path(self.filename).stem + ".pdf")
            write_atomic(target, pdf)
        return pdf


def safe_filename(text: str, limit: int = 80) -> str:
    cleaned = _UNSAFE_FILENAME.sub("_", text).strip(" .") or "document"
    cleaned = cleaned.replace("..", "_")
    return cleaned[:limit]


def render(
    data: str | Path | Mapping[str, Any] | GongwenModel,
    *,
    template: str | Path | None = None,
    profile: str | None = None,
) -> Document:
    """Render ``data`` (a YAML/JSON path, a dict, or a model) into a :class:`Document`.

    ``template`` is a user's ``.docx`` (rendered in Jinja's sandbox); ``profile``
    overrides the data's 版式.
    """
    source, model, base_dir = _load(data)
    if isinstance(model, Plan):
        return _render_plan(model, source, base_dir, template=template, profile=profile)
    raise InputError(f"no renderer for {type(model).__name__}", location=source.where(()))


def _load(data: Any) -> tuple[SourceData, GongwenModel, Path]:
    if isinstance(data, GongwenModel):
        return SourceData(data=data.model_dump(), file=None), data, Path.cwd()
    if isinstance(data, Mapping):
        source = SourceData(data=dict(data), file=None)
        base_dir = Path.cwd()
    else:
        path = Path(data)
        source = load_data(path)
        base_dir = path.resolve().parent
    kind = source.data.get("kind", source.data.get("类型", "plan"))
    model_class = KINDS.get(str(kind))
    if model_class is None:
        loc = source.where(("kind",)) if "kind" in source.data else source.where(("类型",))
        raise InputError(f"unknown document kind {kind!r}", location=loc, field="kind",
                         hint="one of: " + ", ".join(k for k in KINDS if k.isascii()))
    return source, validate(model_class, source), base_dir


def _body_text(plan: Plan, source: SourceData, base_dir: Path) -> tuple[str, str | None, int]:
    """The body's text, the file it came from, and the line its first line is on."""
    if plan.body_file is not None:
        path = base_dir / plan.body_file
        return load_text(path), str(path), 1
    key = "body" if ("body",) in source.locations else "正文"
    location = source.where((key,))
    line = (location.line or 1) + (1 if "\n" in (plan.body or "") else 0)
    return plan.body or "", source.file, line


def title_lines(title: str) -> list[str]:
    """Break a long title into balanced lines at likely word boundaries.

    Explicit line breaks in the data win; otherwise lines are kept within the text
    block and as even as the break points allow (a trapezoid, longest line first).
    """
    if "\n" in title:
        return [line.strip() for line in title.splitlines() if line.strip()]
    cells = layout.text_cells(title)
    if cells <= TITLE_CELLS_PER_LINE:
        return [title]
    count = math.ceil(cells / TITLE_CELLS_PER_LINE)
    target = len(title) / count
    candidates = [i + 1 for i, ch in enumerate(title[:-1]) if ch in _TITLE_BREAK_AFTER]
    candidates += [match.start() for match in _TITLE_BREAK_BEFORE.finditer(title)]
    fitting = [i for i in candidates
               if layout.text_cells(title[:i]) <= TITLE_CELLS_PER_LINE
               and layout.text_cells(title[i:]) <= TITLE_CELLS_PER_LINE * (count - 1)]
    cut = (min(fitting, key=lambda i: (abs(i - target), -i)) if fitting
           else min(len(title) - 1, math.ceil(target)))
    return [title[:cut], *title_lines(title[cut:])]


def _render_plan(plan: Plan, source: SourceData, base_dir: Path, *,
                 template: str | Path | None, profile: str | None) -> Document:
    text, body_source, first_line = _body_text(plan, source, base_dir)
    blocks = parse_body(text, source=body_source, first_line=first_line)
    header = plan.header
    if header.enabled and plan.doc_number is None:
        raise InputError("a document with a 版头 needs a 发文字号", location=source.where(()),
                         field="发文字号 (doc_number)",
                         hint="add 发文字号: 代字〔YYYY〕N号, or set 版头: false")

    def build_context(tpl: DocxTemplate) -> dict[str, Any]:
        return {
            "header": {
                "mark": mark_text(tpl, header.mark or f"{plan.organ}文件"),
                "copy_number": header.copy_number or "",
                "secrecy": header.secrecy or "",
                "urgency": header.urgency or "",
            } if header.enabled else None,
            "doc_number": str(plan.doc_number) if plan.doc_number else "",
            "title": plan.title,
            "title_lines": title_lines(plan.title),
            "addressee": _with_colon(plan.addressee),
            "organ": plan.organ,
            "date": plan.date,
            "body": layout.body(tpl, blocks),
            "closing": layout.closing(tpl, attachments=plan.attachments,
                                      signature=plan.signer, date=plan.date, note=plan.note),
            "end_block": layout.end_block(tpl, cc=plan.cc, printer=plan.printer,
                                          print_date=plan.print_date),
        }

    docx = _render_with(
        "plan", build_context, template=template, profile=profile or plan.profile,
        properties=_properties(plan.title, plan.organ, plan.date),
    )
    return Document("plan", plan.title, docx, plan, source.file)


def mark_text(tpl: DocxTemplate, text: str) -> RichText:
    """The 发文机关标志 at the common size, shrunk so a long name stays on one line."""
    width_pt = standard.mm_to_pt(standard.TEXT_BLOCK_WIDTH_MM) * standard.MARK_MAX_WIDTH_SHARE
    size = min(standard.MARK_SIZE, width_pt / max(layout.text_cells(text), 1))
    return RichText(text, size=round(size * 2))


def _render_with(name: str, build_context: Any, *, template: str | Path | None,
                 profile: str, properties: dict[str, Any]) -> bytes:
    if template is not None:
        return render_docx(read_template(template), str(template), build_context,
                           sandboxed=True, properties=properties)
    chosen = standard.get_profile(profile)
    return render_docx(builtin_template(name, chosen), f"built-in {name} template",
                       build_context, properties=properties)


def _properties(title: str, author: str, date: dt.date) -> dict[str, Any]:
    moment = dt.datetime.combine(date, dt.time())
    return {"title": title, "author": author, "created": moment, "modified": moment,
            "last_modified_by": author}


def _with_colon(addressee: str | None) -> str:
    if not addressee:
        return ""
    return addressee.rstrip(":：") + layout.FULL_WIDTH_COLON


def no_location() -> Location:
    return Location()
