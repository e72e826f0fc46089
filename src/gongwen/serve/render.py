"""``POST /v1/render`` without the HTTP: data (+ uploaded files) → DOCX, PDF or a zip.

It calls what ``gongwen render`` calls — :func:`gongwen.kinds.render_all`,
:meth:`Document.to_pdf`, :func:`~gongwen.batch.steps.document_stems` for the names in a
zip — on files written into the request's own folder, so a data file's relative paths
(正文文件, 图片, 花名册) find the files uploaded with it and nothing else.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..layout.ooxml import FIXED_ZIP_TIME
from .errors import ApiError
from .settings import Limits
from .uploads import inspect_zip, safe_relative, screen_data

#: keys whose values name files: they must stay inside the request's (or job's) folder
PATH_KEYS = frozenset({
    "正文文件", "body_file", "文件", "数据", "file", "files", "documents", "路径", "path",
    "图片", "pictures", "花名册", "名册", "roster", "计票", "评议数据", "测评数据", "tallies",
    "模板", "template", "印章", "seal", "签名章", "signature_stamp",
})
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf", "zip": "application/zip"}
#: uploads that are zips inside (checked like an activity zip before the library opens them)
ZIP_SUFFIXES = (".docx", ".xlsx")


@dataclass
class Rendered:
    """What the API sends back: the bytes, their type and a file name."""

    content: bytes
    media_type: str
    filename: str
    count: int
    warnings: list[str]


def screen_paths(data: Any, name: str, trail: tuple[str, ...] = ()) -> None:
    """Refuse (400) a file name in ``data`` that is absolute or leaves its folder."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            path = (*trail, str(key))
            if str(key) in PATH_KEYS:
                _screen_value(value, name, path)
            screen_paths(value, name, path)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            screen_paths(item, name, (*trail, str(index)))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def screen_text(data: Any, name: str, trail: tuple[str, ...] = ()) -> None:
    """Refuse (422) a control character in any value: a DOCX cannot hold one."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            screen_text(value, name, (*trail, str(key)))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            screen_text(item, name, (*trail, str(index)))
    elif isinstance(data, str) and (found := _CONTROL.search(data)):
        raise ApiError(422, f"holds the control character U+{ord(found.group()):04X}, which "
                       "a document cannot contain", file=name, field=".".join(trail) or None,
                       hint="remove it (it is invisible: copy the text again, or retype it)")


def _screen_value(value: Any, name: str, trail: tuple[str, ...]) -> None:
    values = value if isinstance(value, list) else [value]
    for item in values:
        if isinstance(item, str):
            try:
                safe_relative(item)
            except ApiError:
                raise ApiError(400, f"{item!r} names a file outside the uploaded files",
                               file=name, field=".".join(trail),
                               hint="name the uploaded file by its relative name") from None


#: the name an uploaded data file keeps in messages: letters (Chinese too), digits, ._-
_PLAIN_NAME = re.compile(r"[\w.\-]{1,80}\.(?:ya?ml|json)", re.IGNORECASE)


def data_file_name(name: str) -> str:
    """The uploaded data's own file name, so that every error names the file the client
    sent — when it is a plain name; anything else (a path, odd characters, a name the
    folder uses for itself) is ``data.yaml``/``data.json``.  Never a client path."""
    if _PLAIN_NAME.fullmatch(name) and not name.startswith(".") \
            and name.lower() not in ("activity.yaml", "activity.yml"):
        return name
    return "data.json" if name.lower().endswith(".json") else "data.yaml"


def write_data(work: Path, data: Mapping[str, Any] | str, name: str, limits: Limits) -> Path:
    """The request's data as a file in ``work``: a JSON object, or YAML/JSON text,
    screened (size, nesting, aliases, paths) before the library reads it."""
    if isinstance(data, str):
        target = work / data_file_name(name)
        screen_data(data, limits, target.name)
        target.write_text(data, encoding="utf-8")
        from ..inputs import load_data  # the library's own reader, errors with lines

        loaded = load_data(target).data
        screen_paths(loaded, target.name)
        screen_text(loaded, target.name)
        return target
    screen_paths(data, "data.json")
    screen_text(data, "data.json")
    target = work / "data.json"
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def check_upload(path: Path, limits: Limits) -> None:
    """A DOCX or XLSX upload is a zip: refuse a bomb before docxtpl or openpyxl opens it."""
    if path.suffix.lower() in ZIP_SUFFIXES:
        inspect_zip(path, limits, path.name)


def render_files(data_file: Path, fmt: str, *, roster: Path | None = None,
                 tallies: Path | None = None, template: Path | None = None,
                 profile: str | None = None, members: tuple[str, ...] = ()) -> Rendered:
    """Render ``data_file`` as ``gongwen render`` does and pack the result."""
    from ..batch.steps import document_stems
    from ..kinds import render_all

    if fmt not in ("docx", "pdf"):
        raise ApiError(422, f"unknown format {fmt!r}", field="format", hint="docx or pdf")
    documents = render_all(data_file, template=template, profile=profile, roster=roster,
                           tallies=tallies, members=members)
    if not documents:
        raise ApiError(422, "the data makes no document", file=data_file.name,
                       hint="a roster with no members, or --member naming nobody?")
    warnings = [w for d in documents for w in d.warnings]
    if fmt == "docx":  # laid out all the same, its 版记 on an even page
        warnings += [w for d in documents if (w := d.place_end_block())]
    stems = document_stems(documents)
    files = [(f"{stem}.{fmt}", d.to_pdf() if fmt == "pdf" else d.docx)
             for d, stem in zip(documents, stems, strict=True)]
    if len(files) == 1:
        name, content = files[0]
        return Rendered(content, MEDIA[fmt], Path(name).name, 1, warnings)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(zipfile.ZipInfo(name, FIXED_ZIP_TIME), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    label = stems[0].split("/")[0] if "/" in stems[0] else "documents"
    return Rendered(buffer.getvalue(), MEDIA["zip"], f"{label}.zip", len(files), warnings)


def screen_folder(folder: Path, limits: Limits) -> None:
    """Every data file of an uploaded activity folder, screened as a request's data is,
    and every XLSX/DOCX in it as a zip, before a job may run on it.  A data file the
    loader cannot parse (malformed YAML) is left for the plan or the run to report beside
    its document: the library never reads a path out of it."""
    from ..errors import InputError
    from ..inputs import load_data

    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.suffix.lower() in (".yaml", ".yml", ".json") and path.is_file():
            try:
                text = path.read_text("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ApiError(422, f"is not UTF-8 (byte {exc.start})", file=name) from None
            try:
                screen_data(text, limits, name)
            except ApiError as error:
                error.body["file"] = name
                raise
            try:
                loaded = load_data(path).data
            except InputError:
                continue
            screen_paths(loaded, name)
            screen_text(loaded, name)
        elif path.suffix.lower() in ZIP_SUFFIXES and path.is_file():
            inspect_zip(path, limits, name)
