"""From data to a rendered document: the library's main entry point, :func:`render`."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..fileio import write_atomic
from ..inputs import SourceData
from ..layout import rules as layout
from ..layout import standard
from ..layout.ooxml import FIXED_ZIP_TIME
from ..models import GongwenModel
from ..templating.engine import read_template, render_docx
from ..templating.registry import builtin_template, committed_template
from ..text.bidi import strip_bidi_controls

#: house-style templates (built in memory, not committed) a process keeps
BUILT_TEMPLATES = 32
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
#: a DOCX asked for without its PDF is laid out to place its 版记 (7.4) only up to this
#: size of its document.xml (≈ 150,000 characters): LibreOffice takes a minute over a
#: 500,000-character body, too long to make a DOCX wait for
LAYOUT_ALONE_MAX_BYTES = 512 << 10


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
        """Convert with LibreOffice; write to ``path`` too when given.  A 版记 that
        would end on an odd page is moved to the next one (:attr:`docx` changes too)."""
        from ..convert import pdf_page_count, shared_converter  # LibreOffice stays up

        name = Path(self.filename).stem
        pdf = shared_converter().convert_bytes(self.docx, name=name)
        pdf = self.move_end_block(pdf_page_count(pdf, name)) or pdf
        if path is not None:
            target = Path(path)
            if target.is_dir():
                target = target / (Path(self.filename).stem + ".pdf")
            write_atomic(target, pdf)
        return pdf

    def place_end_block(self) -> str | None:
        """For a DOCX wanted without its PDF: lay it out once when it has a 版记, so the
        DOCX has it on an even page as the PDF would (7.4); without LibreOffice the DOCX
        stays as rendered and the returned warning says so."""
        from ..errors import ConversionError
        from ..layout.endblock import has_end_block

        if not has_end_block(self.docx):
            return None
        if _document_xml_size(self.docx) > LAYOUT_ALONE_MAX_BYTES:
            return (f"{self.filename}: the 版记 may end on an odd page: a document this long "
                    "is not laid out for its DOCX alone (hint: --format both places it)")
        try:
            self.to_pdf()
        except ConversionError as exc:
            return (f"{self.filename}: the 版记 may end on an odd page: the document could "
                    f"not be laid out to place it ({exc})")
        return None

    def move_end_block(self, pages: int) -> bytes | None:
        """After a conversion to ``pages`` pages: when the 版记 would end on an odd page,
        move it on (:attr:`docx` changes) and return the new PDF; else None."""
        from ..convert import pdf_page_count, shared_converter
        from ..layout.endblock import even_end_block

        converter, name = shared_converter(), Path(self.filename).stem

        def convert(docx: bytes) -> tuple[bytes, int]:
            pdf = converter.convert_bytes(docx, name=name)
            return pdf, pdf_page_count(pdf, name)

        moved = even_end_block(self.docx, pages, convert)
        if moved is None:
            return None
        self.docx, pdf, _ = moved
        return pdf


def _document_xml_size(docx: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.getinfo("word/document.xml").file_size


def safe_filename(text: str, limit: int = 80) -> str:
    """A file name from a title: no path separators, reserved or control characters,
    and no bidi controls, which would show the name (and its extension) reordered."""
    cleaned = _UNSAFE_FILENAME.sub("_", strip_bidi_controls(text)).strip(" .") or "document"
    cleaned = cleaned.replace("..", "_")
    return cleaned[:limit]


@dataclass(frozen=True)
class RenderOptions:
    """Everything besides the data that decides how documents are rendered."""

    source: SourceData
    base_dir: Path
    template: str | Path | None = None
    profile: str | None = None
    roster: str | Path | None = None
    tallies: str | Path | None = None
    members: tuple[str, ...] = ()


def render_with(name: str, build_context: Any, *, template: str | Path | None,
                 profile: str, properties: dict[str, Any]) -> bytes:
    if template is not None:
        return render_docx(read_template(template), str(template), build_context,
                           sandboxed=True, properties=properties)
    chosen = standard.get_profile(profile)
    # the committed file when there is one: its edits take effect
    data = committed_template(name) if chosen is standard.STRICT else None
    if data is None:
        data = _built_template(name, chosen.name)
    return render_docx(data, f"built-in {name} template", build_context,
                       properties=properties)


@functools.lru_cache(maxsize=BUILT_TEMPLATES)
def _built_template(name: str, profile: str) -> bytes:
    """A template built in memory (a house style, or any profile where the committed
    files are not installed), once per process rather than once per member."""
    return builtin_template(name, standard.get_profile(profile))


def properties(title: str, author: str, date: dt.date | None) -> dict[str, Any]:
    """DOCX core properties from the data, so equal data gives equal bytes; a document
    without a date (a pledge left for handwriting) gets a fixed epoch, never today."""
    moment = dt.datetime.combine(date, dt.time()) if date else dt.datetime(*FIXED_ZIP_TIME)
    return {"title": title, "author": author, "created": moment, "modified": moment,
            "last_modified_by": author}


def with_colon(addressee: str | None) -> str:
    if not addressee:
        return ""
    return addressee.rstrip(":：") + layout.FULL_WIDTH_COLON
