"""What a client sends, checked before any of it reaches the library or the disk.

Every client-supplied name goes through :func:`safe_relative` (no absolute path, no
``..``, no backslash or drive); every zip — an activity folder, and a DOCX or XLSX, which
are zips too — through :func:`inspect_zip` (entry count, unpacked size, compression
ratio, no links); data text through :func:`screen_data` (size, nesting, no YAML aliases:
the loader would expand ``*a`` references into a billion-item structure, and ruamel's
parser takes minutes on a few thousand nested brackets).
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from ..inputs.limits import RATIO_MIN_BYTES
from .errors import ApiError
from .settings import Limits

CHUNK = 64 * 1024
#: an entry this small may compress as well as it likes: the library's own floor, as a
#: long, repetitive document.xml packs 150 times and is genuine
RATIO_FLOOR = RATIO_MIN_BYTES


def too_large(what: str, limit: int) -> ApiError:
    return ApiError(413, f"{what} is larger than the server accepts ({limit:,} bytes)",
                    hint="split the work, or ask the server's operator to raise the limit")


def copy_limited(source: BinaryIO, target: Path, limit: int, what: str) -> int:
    """Copy a stream to ``target``, stopping with a 413 past ``limit`` bytes (the
    header's size is not trusted)."""
    written = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise too_large(what, limit)
            out.write(chunk)
    return written


def safe_relative(name: str, *, field: str = "path") -> PurePosixPath:
    """``name`` as a relative path that stays inside its folder, or a 400."""
    path = PurePosixPath(name)
    bad = (not name or "\\" in name or "\x00" in name or path.is_absolute()
           or ".." in path.parts or re.match(r"^[A-Za-z]:", name) is not None)
    if bad:
        raise ApiError(400, f"{name!r} is not a relative path inside the job", field=field,
                       hint="no absolute paths, '..', backslashes or drive letters")
    return path


def inside(root: Path, name: str, *, field: str = "path") -> Path:
    """``root / name`` after :func:`safe_relative`, checked again once resolved (a link
    inside ``root`` cannot lead out of it)."""
    target = (root / safe_relative(name, field=field)).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ApiError(400, f"{name!r} leads outside the job", field=field)
    return target


def inspect_zip(path: Path, limits: Limits, what: str) -> list[zipfile.ZipInfo]:
    """The entries of the zip at ``path``, refused (4xx) when it is not a zip, has too
    many entries, unpacks too large or too well, or holds links or unsafe names."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ApiError(422, f"{what} is not a readable zip file ({exc})", file=what) from None
    with archive:
        entries = archive.infolist()
    if len(entries) > limits.max_files:
        raise ApiError(413, f"{what} holds {len(entries):,} files; the server accepts "
                       f"{limits.max_files:,}", file=what)
    total = 0
    for entry in entries:
        safe_relative(entry.filename, field=f"{what}: {entry.filename}")
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise ApiError(422, f"{entry.filename!r} is a symbolic link", file=what,
                           hint="zip the files themselves, not links to them")
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise ApiError(413, f"{entry.filename!r} unpacks {ratio:.0f} times its packed "
                           f"size; the server accepts {limits.max_ratio:.0f}", file=what,
                           hint="this looks like a zip bomb")
    if total > limits.max_unpacked_bytes:
        raise too_large(f"{what} unpacked", limits.max_unpacked_bytes)
    return entries


def extract_zip(path: Path, dest: Path, limits: Limits, what: str) -> None:
    """Unpack a zip that :func:`inspect_zip` accepts into ``dest``, counting the bytes
    really written (an entry's declared size may lie)."""
    entries = inspect_zip(path, limits, what)
    budget = limits.max_unpacked_bytes
    with zipfile.ZipFile(path) as archive:
        for entry in entries:
            target = inside(dest, entry.filename, field=what)
            if entry.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            try:
                with archive.open(entry) as source:
                    budget -= copy_limited(source, target, min(budget, entry.file_size),
                                           f"{what}: {entry.filename}")
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ApiError(422, f"{entry.filename!r} cannot be unpacked ({exc})",
                               file=what) from None


def screen_data(text: str, limits: Limits, name: str) -> None:
    """Refuse data the loader must not see: too large, nested too deep, or with YAML
    anchors/aliases."""
    if len(text.encode()) > limits.max_data_bytes:
        raise too_large(name, limits.max_data_bytes)
    depth = deepest = 0
    quote = None
    for char in text:
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limits.max_depth:
                break
        elif char in "]}":
            depth -= 1
    if deepest > limits.max_depth:
        raise ApiError(422, f"the data is nested more than {limits.max_depth} levels deep",
                       file=name, hint="real documents need a few levels")
    if name.endswith(".json"):
        return
    _refuse_aliases(text, name)


def _refuse_aliases(text: str, name: str) -> None:
    """A 422 naming the line of the first YAML anchor or alias (the scanner is cheap
    once the nesting is bounded; a YAML syntax error is left for the loader to report)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.tokens import AliasToken, AnchorToken

    try:
        for token in YAML(typ="rt").scan(text):
            if isinstance(token, AnchorToken | AliasToken):
                raise ApiError(422, "YAML anchors and aliases (&name, *name) are not "
                               "accepted here", file=name, line=token.start_mark.line + 1,
                               hint="write the values out, or quote a value that starts "
                                    "with & or *")
    except YAMLError:
        return


def parse_json(raw: bytes, limits: Limits, name: str = "<request body>") -> dict[str, Any]:
    """A JSON object from a request body, screened first (see :func:`screen_data`)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(422, f"the body is not UTF-8 (byte {exc.start})", file=name) from None
    screen_data(text, limits, name + ".json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ApiError(422, f"malformed JSON: {exc.msg}", file=name, line=exc.lineno,
                       hint="check quotes, commas and brackets near this line") from None
    except RecursionError:
        raise ApiError(422, "the data is nested too deep", file=name) from None
    if not isinstance(data, dict):
        raise ApiError(422, "expected a JSON object of field: value", file=name,
                       hint='start with {"kind": "plan", …}')
    return data


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
