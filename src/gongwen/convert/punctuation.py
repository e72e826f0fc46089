"""The copy of a DOCX LibreOffice is handed: ``w:overflowPunct`` said the way it reads it.

Word's 「允许标点溢出边界」 is ``w:overflowPunct``: on (or missing) lets a line-final 、，。
hang past the right margin, ``w:val="0"`` keeps every glyph inside the text block.
LibreOffice's DOCX import (writerfilter, still in 25.2) maps it the other way round —
``ParaIsHangingPunctuation = (val == 0)`` — so a document that asks Word for no hanging
punctuation hangs it in LibreOffice, and the reverse.  A missing element means "hang"
to both.  The PDF must show what the DOCX means, so LibreOffice gets a copy whose
explicit values are swapped; a file that never names the element is passed as it is.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

#: the parts whose paragraph properties LibreOffice lays out with
_PARTS = ("word/styles.xml", "word/document.xml")
_MARK = b"overflowPunct"
_ELEMENT = re.compile(rb"<w:overflowPunct(?:\s+w:val=\"(?P<val>[^\"]*)\")?\s*/>")
_OFF = {b"0", b"false", b"off"}


def _swap(match: re.Match[bytes]) -> bytes:
    value = match.group("val")
    hangs_in_word = value is None or value.lower() not in _OFF
    return b'<w:overflowPunct w:val="%s"/>' % (b"0" if hangs_in_word else b"1")


def swap_overflow_punct(xml: bytes) -> bytes:
    """``xml`` with every ``w:overflowPunct`` turned into the value LibreOffice reads as
    Word's meaning."""
    return _ELEMENT.sub(_swap, xml)


def libreoffice_input(source: Path, folder: Path) -> Path:
    """``source``, or a copy of it in ``folder`` (same name, so the same PDF name) whose
    ``w:overflowPunct`` LibreOffice reads as Word does.  An unreadable file is passed
    on unchanged: the conversion says what is wrong with it."""
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            parts = {name: archive.read(name) for name in _PARTS if name in names}
            if not any(_MARK in data for data in parts.values()):
                return source
            folder.mkdir(parents=True, exist_ok=True)
            copy = folder / source.name
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
                for info in archive.infolist():
                    data = parts.get(info.filename)
                    data = swap_overflow_punct(data) if data is not None else archive.read(info)
                    out.writestr(info.filename, data)
            return copy
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError):
        return source
