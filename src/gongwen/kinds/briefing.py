"""简报: data → context → the briefing template.

Everything that can fail on the user's files (a body file, a photo) is read and
checked before the template is touched, so an error names the YAML line that asked
for the file rather than a docxtpl traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docxtpl import DocxTemplate

from ..errors import InputError, Location
from ..inputs import SourceData, load_text
from ..inputs.limits import binary_limit
from ..inputs.loader import KeyPath
from ..layout import conventions, standard
from ..layout import rules as layout
from ..models import GongwenModel
from ..models.base import field_path
from ..models.briefing import Article, Briefing, Picture
from ..text import Block, format_date, parse_body
from .document import Document, RenderOptions, properties, render_with
from .pictures import upright

#: below this many pixels per inch as printed, a photo looks soft: say so
LOW_RESOLUTION_DPI = 100
#: a picture with more pixels is refused before it is decoded (a 48 MP phone photo passes)
MAX_PICTURE_PIXELS = 100_000_000
_PICTURE_HINT = "paths are relative to the data file's folder; JPEG, PNG, GIF, BMP or TIFF"


@dataclass
class _Photo:
    blob: bytes
    width_mm: float
    height_mm: float
    caption: str


@dataclass
class _Prepared:
    """An article with its body parsed and its photos read and sized."""

    article: Article
    blocks: list[Block]
    photos: list[_Photo] = field(default_factory=list)


def key_path(source: SourceData, model: type[GongwenModel], *names: str | int) -> KeyPath:
    """The data's own spelling of a path of Python field names (``文章`` for
    ``articles``), so that ``source.where`` finds the line the user wrote."""
    path: list[str | int] = []
    node: Any = source.data
    current: Any = model
    for name in names:
        if isinstance(name, int):
            path.append(name)
            node = node[name] if isinstance(node, list) and name < len(node) else None
            continue
        spelled = name
        if isinstance(node, dict) and current is not None:
            aliases = current.field_names()
            spelled = next((key for key in node if aliases.get(key) == name), name)
            info = current.model_fields.get(name)
            current = _nested_model(info.annotation) if info else None
        path.append(spelled)
        node = node.get(spelled) if isinstance(node, dict) else None
    return tuple(path)


def _nested_model(annotation: Any) -> type[GongwenModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, GongwenModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _nested_model(arg)
        if found:
            return found
    return None


def _body_blocks(article: Article, index: int, source: SourceData, base_dir: Path
                 ) -> list[Block]:
    if article.body_file is not None:
        path = base_dir / article.body_file
        spelled = key_path(source, Briefing, "articles", index, "body_file")
        try:
            text = load_text(path)
        except InputError as exc:
            raise InputError(f"{article.body_file!r}: {exc.message} (looked for {path})",
                             location=source.where(spelled), field=field_path(spelled),
                             hint=exc.hint) from None
        return parse_body(text, source=str(path), first_line=1)
    if article.body is None:
        return []
    where = source.where(key_path(source, Briefing, "articles", index, "body"))
    first_line = (where.line or 1) + (1 if "\n" in article.body else 0)
    return parse_body(article.body, source=source.file, first_line=first_line)


def _photo(picture: Picture, where: Location, field_name: str, base_dir: Path,
           warnings: list[str]) -> _Photo:
    path = base_dir / picture.file
    try:
        if path.is_file() and path.stat().st_size > binary_limit():
            raise InputError(f"picture {picture.file!r} is {path.stat().st_size // 2**20} MB, "
                             f"over the {binary_limit() // 2**20} MB limit", location=where,
                             field=field_name, hint="save it smaller (a photo prints well "
                                                    "at 1–3 MB)")
        blob = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"picture {picture.file!r} not found (looked for {path})",
                         location=where, field=field_name, hint=_PICTURE_HINT) from None
    except OSError as exc:
        raise InputError(f"cannot read picture {picture.file!r}: {exc.strerror}", location=where,
                         field=field_name, hint=_PICTURE_HINT) from None
    try:  # the header's size first: a picture is decoded only when it is sane
        pixels = Image.from_blob(blob)
        count = pixels.px_width * pixels.px_height
    except (UnrecognizedImageError, ValueError, IndexError, KeyError):
        count = 0  # said below, as for any picture gongwen cannot place
    if count > MAX_PICTURE_PIXELS:
        raise InputError(f"picture {picture.file!r} has {count / 1e6:.0f} million pixels, over "
                         f"the {MAX_PICTURE_PIXELS / 1e6:.0f} million a page needs",
                         location=where, field=field_name,
                         hint="scale it down (3000 × 2000 pixels fill the text block at 480 dpi)")
    blob = upright(blob)
    try:
        image = Image.from_blob(blob)
        width_mm, height_mm = layout.picture_size(image.px_width, image.px_height,
                                                  picture.width_mm)
    except (UnrecognizedImageError, ValueError, IndexError, KeyError):
        raise InputError(f"{picture.file!r} is not a picture gongwen can place", location=where,
                         field=field_name, hint=_PICTURE_HINT) from None
    dpi = image.px_width / (width_mm / standard.MM_PER_INCH)
    if dpi < LOW_RESOLUTION_DPI:
        warnings.append(f"{where}: {picture.file} prints at about {dpi:.0f} dpi "
                        f"({image.px_width} px over {width_mm:.0f} mm); it will look soft")
    return _Photo(blob, width_mm, height_mm, picture.caption or "")


def _prepare(briefing: Briefing, source: SourceData, base_dir: Path,
            warnings: list[str]) -> list[_Prepared]:
    """Parse every body and read every photo; the first problem is an InputError."""
    prepared = []
    for index, article in enumerate(briefing.articles):
        item = _Prepared(article, _body_blocks(article, index, source, base_dir))
        for number, picture in enumerate(article.pictures):
            spelled = key_path(source, Briefing, "articles", index, "pictures", number, "file")
            item.photos.append(_photo(picture, source.where(spelled), field_path(spelled),
                                      base_dir, warnings))
        prepared.append(item)
    return prepared


def _title_lines(title: str) -> list[str]:
    """An article title breaks where the data breaks it; Word wraps the rest."""
    return [line.strip() for line in title.splitlines() if line.strip()] or [title]


def _paragraphs(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def render_briefing(briefing: Briefing, options: RenderOptions) -> list[Document]:
    """A briefing is one document: one issue."""
    warnings: list[str] = []
    prepared = _prepare(briefing, options.source, options.base_dir, warnings)
    note = _paragraphs(briefing.note)

    def build_context(tpl: DocxTemplate) -> dict[str, Any]:
        return {
            "secrecy": briefing.secrecy or "",
            "name": layout.fitted_text(briefing.name, conventions.BRIEFING_NAME_SIZE,
                                       conventions.BRIEFING_NAME_MAX_WIDTH_SHARE),
            "issue": briefing.issue_text,
            "total_issue": briefing.total_issue_text,
            "editor": briefing.editor,
            "date": format_date(briefing.date),
            "note": note[0] if note else "",
            "note_more": note[1:],
            "toc": [" ".join(_title_lines(item.article.title)) for item in prepared]
            if briefing.shows_contents else [],
            "articles": [_article_context(tpl, item) for item in prepared],
            "tail": layout.tail_block(tpl, lines=[("报", briefing.report_to),
                                                  ("送", briefing.send_to),
                                                  ("发", briefing.issue_to)],
                                      copies=briefing.copies),
        }

    docx = render_with(
        "briefing", build_context, template=options.template,
        profile=options.profile or briefing.profile,
        properties=properties(briefing.title, briefing.editor, briefing.date),
    )
    return [Document("briefing", briefing.title, docx, briefing, options.source.file,
                     warnings)]


def _article_context(tpl: DocxTemplate, item: _Prepared) -> dict[str, Any]:
    return {
        "title_lines": _title_lines(item.article.title),
        "author": item.article.author or "",
        "body": layout.body(tpl, item.blocks),
        "pictures": [
            {"image": layout.picture(tpl, photo.blob, photo.width_mm, photo.height_mm),
             "caption": photo.caption}
            for photo in item.photos
        ],
    }
