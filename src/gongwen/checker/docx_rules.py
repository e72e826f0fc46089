"""Rules read from a DOCX's XML: what the page shows right by luck, or wrong without a
visible cause.

A run whose ``w:ascii``/``w:hAnsi`` name 仿宋 but whose ``w:eastAsia`` is missing, names
another face or defers to the theme (``w:eastAsiaTheme``) prints its Chinese in the
other face: Word shows 仿宋 in its font box, and only East Asian text is wrong.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from lxml import etree

from .fonts import OFFICIAL, typeface
from .report import Finding
from .rules import EAST_ASIAN_FONT

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}
#: findings of this rule per document at most (one per paragraph is noise enough)
MAX_FINDINGS = 5


def _attr(element, name: str) -> str | None:
    return element.get(f"{{{_W}}}{name}")


def _mismatch(fonts) -> tuple[str, str] | None:
    """(the Latin-side face, what East Asian text gets) when they disagree."""
    latin = _attr(fonts, "ascii") or _attr(fonts, "hAnsi")
    face = typeface(latin or "")
    if face is None or face == "sans":
        return None
    theme = _attr(fonts, "eastAsiaTheme")
    east = _attr(fonts, "eastAsia")
    if theme:
        return latin, f"the theme's East Asian font ({theme})"
    if east is None:
        return latin, "the font inherited from the style (no w:eastAsia)"
    if typeface(east) != face:
        return latin, east
    return None


def document_xml(data: bytes) -> etree._Element | None:
    """The root of the DOCX ``data``'s ``word/document.xml`` (already bounded by
    check_zip), no entities resolved; None when unreadable (the conversion says why)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return etree.fromstring(archive.read("word/document.xml"),
                                    etree.XMLParser(resolve_entities=False, huge_tree=False))
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None


def docx_findings(data: bytes, label: str) -> Iterator[Finding]:
    """Findings from the XML of the DOCX ``data`` (already bounded by check_zip)."""
    document = document_xml(data)
    if document is None:
        return  # the conversion says what is wrong with the file
    count = 0
    for number, paragraph in enumerate(document.iter(f"{{{_W}}}p"), 1):
        for fonts in paragraph.iterfind(".//w:r/w:rPr/w:rFonts", _NS):
            found = _mismatch(fonts)
            if found is None:
                continue
            latin, east = found
            text = "".join(paragraph.itertext())[:20]
            yield Finding(EAST_ASIAN_FONT, file=label, page=None, line=None,
                          excerpt=f"paragraph {number}: {text}",
                          measured=f"w:ascii {latin!r}, East Asian text in {east}",
                          expected=f"w:eastAsia {OFFICIAL[typeface(latin)]!r} as well",
                          hint="set the Chinese font too (Word: 字体 › 中文字体)")
            count += 1
            break
        if count >= MAX_FINDINGS:
            return
