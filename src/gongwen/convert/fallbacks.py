"""Which characters of a PDF are printed in a fallback face rather than an official one.

A PDF made by LibreOffice lists every face it uses; a fallback face (Noto CJK standing in
where the Fandol faces lack a glyph) may be listed for nothing but a space.  The face's
ToUnicode map says which characters it really draws, so a warning can name them — 「𠮷」
in a member's name — or stay quiet when they are only white space.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject, IndirectObject

_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_SECTION = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
#: characters listed at most, per face, in a warning
MAX_SHOWN = 10


def _text(hex_digits: bytes) -> str:
    try:
        return bytes.fromhex(hex_digits.decode()).decode("utf-16-be", "replace")
    except ValueError:
        return ""


def _mapped(cmap: bytes) -> set[str]:
    """The characters a ToUnicode CMap maps glyphs to."""
    found: set[str] = set()
    for kind, body in _SECTION.findall(cmap):
        values = _HEX.findall(body)
        if kind == b"bfchar":
            found.update(_text(dst) for dst in values[1::2])
            continue
        for start, end, dst in zip(values[::3], values[1::3], values[2::3], strict=False):
            first = _text(dst)
            span = int(end or b"0", 16) - int(start or b"0", 16)
            if first and 0 <= span < 0x10000:
                found.update(chr(ord(first[-1]) + k) for k in range(span + 1))
    return {ch for ch in found if ch}


def _resolved(obj: object) -> object:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _fonts(resources: object, seen: set[int]) -> list[DictionaryObject]:
    """The font dictionaries of a page's resources and of its form XObjects, once each."""
    resources = _resolved(resources)
    if not isinstance(resources, DictionaryObject):
        return []
    fonts = []
    table = _resolved(resources.get("/Font"))
    for ref in (table.values() if isinstance(table, DictionaryObject) else ()):
        font = _resolved(ref)
        if isinstance(font, DictionaryObject) and id(font) not in seen:
            seen.add(id(font))
            fonts.append(font)
    xobjects = _resolved(resources.get("/XObject"))
    for ref in (xobjects.values() if isinstance(xobjects, DictionaryObject) else ()):
        xobject = _resolved(ref)
        if isinstance(xobject, DictionaryObject) and id(xobject) not in seen:
            seen.add(id(xobject))
            fonts += _fonts(xobject.get("/Resources"), seen)
    return fonts


def fallback_characters(pdf: Path | str, faces: set[str]) -> dict[str, str]:
    """For each face of ``faces`` (PostScript names without subset prefix) that ``pdf``
    uses for printable characters: those characters, in order of first appearance."""
    drawn: dict[str, str] = {}
    try:
        reader = PdfReader(str(pdf))
        seen: set[int] = set()
        for page in reader.pages:
            for font in _fonts(page.get("/Resources"), seen):
                name = _SUBSET_PREFIX.sub("", str(font.get("/BaseFont", "")).lstrip("/"))
                if name not in faces or "/ToUnicode" not in font:
                    continue
                chars = _mapped(font["/ToUnicode"].get_object().get_data())
                printable = "".join(sorted(ch for ch in chars if ch.strip()))
                if printable:
                    drawn[name] = "".join(dict.fromkeys(drawn.get(name, "") + printable))
    except (OSError, ValueError, KeyError, PyPdfError):
        return {face: "" for face in faces}  # unreadable: say the face is used
    return drawn


def in_docx(characters: str, docx: bytes) -> str:
    """Those of ``characters`` that a DOCX's text parts contain.  Documents converted
    together share one font subset, so a PDF's fallback face may list characters of
    other documents: the DOCX says which are this document's own."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            text = "".join(package.read(name).decode("utf-8", "replace")
                           for name in package.namelist()
                           if name.startswith("word/") and name.endswith(".xml"))
    except (zipfile.BadZipFile, KeyError):
        return characters
    return "".join(ch for ch in characters if ch in text)


def describe(face: str, characters: str) -> str:
    shown = characters[:MAX_SHOWN] + ("…" if len(characters) > MAX_SHOWN else "")
    what = f"「{shown}」" if shown else "some characters"
    return f"font fallback: {what} printed in {face}, which stands in where the official " \
           "faces lack a glyph"
