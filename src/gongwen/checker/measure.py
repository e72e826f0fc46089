"""What a reader sees on a PDF page, in millimetres from the paper's top-left corner.

Read with PDFium (``pypdfium2``), which gives each glyph's *tight* box: a character that
hangs outside the 版心 is measured where its ink is, not where its font's box would be.
Lines are characters grouped by their *baseline* (the text matrix), so Latin digits and
the Chinese around them stay on one line.  PDFium reads a page in a few milliseconds,
which lets ``check`` measure a folder of documents as fast as LibreOffice makes them.
"""

from __future__ import annotations

import ctypes
import re
import statistics
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

PT_TO_MM = 25.4 / 72
#: characters whose baselines differ by less than this (pt) are on one line
BASELINE_TOLERANCE_PT = 1.0
PAGE_NUMBER_RE = re.compile(r"^[—\-–－]\s*(\d+)\s*[—\-–－]$")
#: a path thinner than this (mm) and longer than RULE_MIN_MM is a rule or a border
STROKE_MAX_MM = 2.0
RULE_MIN_MM = 20.0
BORDER_MIN_MM = 3.0

RGB = tuple[float, float, float]


@dataclass
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    color: RGB | None
    #: where the glyph's pen position starts (mm): origins are a grid's true pitch
    origin: float = 0.0


@dataclass
class Line:
    """One visual line: positions in mm."""

    text: str
    baseline: float
    top: float
    bottom: float
    x0: float
    x1: float
    size: float  # pt, the largest character of the line
    fonts: set[str]
    color: RGB | None
    chars: list[Char] = field(default_factory=list)

    @property
    def cells(self) -> float:
        """Width in character cells as the standard counts them: CJK 1, others ½."""
        return sum(1.0 if unicodedata.east_asian_width(c.text) in "WF" else 0.5
                   for c in self.chars)

    @property
    def is_red(self) -> bool:
        return is_red(self.color)


@dataclass(frozen=True)
class HRule:
    """A horizontal rule: its centre line ``y``, ends and stroke width, in mm."""

    y: float
    x0: float
    x1: float
    width: float
    color: RGB | None


@dataclass
class MeasuredPage:
    """One page: its size (mm), its lines, its horizontal rules, and the vertical
    strokes (table borders) that tell a table's text from running text."""

    width: float
    height: float
    lines: list[Line]
    rules: list[HRule]
    verticals: list[tuple[float, float, float]]  # x, top, bottom (mm)
    #: pictures (x0, top, x1, bottom, mm): a seal over the 署名 changes where it belongs
    pictures: list[tuple[float, float, float, float]] = field(default_factory=list)
    #: font name → whether the PDF embeds it
    embedded: dict[str, bool] = field(default_factory=dict)


def is_red(color: object) -> bool:
    return (isinstance(color, tuple | list) and len(color) == 3
            and color[0] > 0.9 and color[1] < 0.1 and color[2] < 0.1)


def measure_pdf(data: bytes) -> Iterator[MeasuredPage]:
    """Every page of the PDF ``data``, measured.  Raises ``pdfium.PdfiumError`` for a
    file PDFium cannot read."""
    document = pdfium.PdfDocument(data)
    try:
        for page in document:
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    embedded: dict[str, bool] = {}
                    chars = list(_chars(textpage.raw, height, embedded))
                finally:
                    textpage.close()
                rules, verticals = _strokes(page.raw, height)
                pictures = _pictures(page, height)
            finally:
                page.close()
            yield MeasuredPage(width * PT_TO_MM, height * PT_TO_MM, _lines(chars), rules,
                               verticals, pictures, embedded)
    finally:
        document.close()


def _pictures(page: pdfium.PdfPage, page_height: float
              ) -> list[tuple[float, float, float, float]]:
    """The box (mm from the top-left corner) of every picture on the page."""
    boxes = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = obj.get_bounds()
        boxes.append((left * PT_TO_MM, (page_height - top) * PT_TO_MM, right * PT_TO_MM,
                      (page_height - bottom) * PT_TO_MM))
    return boxes


def _chars(handle, page_height: float, embedded: dict[str, bool],
           ) -> Iterator[tuple[float, Char]]:
    """(baseline mm, char) of every visible character, surrogate pairs joined; each
    font's name and whether it is embedded go into ``embedded``."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    x, y = ctypes.c_double(), ctypes.c_double()
    rgba = [ctypes.c_uint() for _ in range(4)]
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    count = pdfium_c.FPDFText_CountChars(handle)
    index = 0
    while index < count:
        code = pdfium_c.FPDFText_GetUnicode(handle, index)
        step = 1
        if 0xD800 <= code < 0xDC00 and index + 1 < count:
            low = pdfium_c.FPDFText_GetUnicode(handle, index + 1)
            code, step = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), 2
        text = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else ""
        if text.strip() and pdfium_c.FPDFText_GetCharBox(handle, index, left, right, bottom, top):
            pdfium_c.FPDFText_GetCharOrigin(handle, index, x, y)
            pdfium_c.FPDFText_GetFontInfo(handle, index, name, len(name), flags)
            pdfium_c.FPDFText_GetFillColor(handle, index, *rgba)
            font = name.value.decode("latin-1", "replace").split("+")[-1]
            if font not in embedded:
                text_object = pdfium_c.FPDFText_GetTextObject(handle, index)
                font_handle = pdfium_c.FPDFTextObj_GetFont(text_object) if text_object else None
                embedded[font] = bool(font_handle and pdfium_c.FPDFFont_GetIsEmbedded(font_handle))
            yield ((page_height - y.value) * PT_TO_MM, Char(
                text, left.value * PT_TO_MM, right.value * PT_TO_MM,
                (page_height - top.value) * PT_TO_MM, (page_height - bottom.value) * PT_TO_MM,
                round(pdfium_c.FPDFText_GetFontSize(handle, index), 1), font,
                (rgba[0].value / 255, rgba[1].value / 255, rgba[2].value / 255),
                x.value * PT_TO_MM))
        index += step


def _lines(chars: list[tuple[float, Char]]) -> list[Line]:
    """Characters grouped into lines by baseline, top to bottom, each left to right."""
    rows: list[list[tuple[float, Char]]] = []
    tolerance = BASELINE_TOLERANCE_PT * PT_TO_MM
    for item in sorted(chars, key=lambda item: item[0]):
        if rows and item[0] - rows[-1][0][0] < tolerance:
            rows[-1].append(item)
        else:
            rows.append([item])
    lines = []
    for row in rows:
        row.sort(key=lambda item: item[1].x0)
        members = [char for _, char in row]
        main = max(members, key=lambda c: c.size)
        lines.append(Line(
            text="".join(c.text for c in members),
            baseline=statistics.median(baseline for baseline, _ in row),
            top=min(c.top for c in members), bottom=max(c.bottom for c in members),
            x0=members[0].x0, x1=max(c.x1 for c in members), size=main.size,
            fonts={c.font for c in members}, color=main.color, chars=members))
    return lines


def _strokes(page, page_height: float) -> tuple[list[HRule], list[tuple[float, float, float]]]:
    """Thin wide paths (rules) and thin tall ones (table borders), in mm."""
    rules, verticals = [], []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    rgba = [ctypes.c_uint() for _ in range(4)]
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        width = (right.value - left.value) * PT_TO_MM
        height = (top.value - bottom.value) * PT_TO_MM
        y_top = (page_height - top.value) * PT_TO_MM
        if height < STROKE_MAX_MM and width > RULE_MIN_MM:
            pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)
            colour_of = (pdfium_c.FPDFPageObj_GetStrokeColor if stroke.value
                         else pdfium_c.FPDFPageObj_GetFillColor)
            colour_of(obj, *rgba)
            rules.append(HRule(y_top + height / 2, left.value * PT_TO_MM,
                               right.value * PT_TO_MM, height,
                               (rgba[0].value / 255, rgba[1].value / 255, rgba[2].value / 255)))
        elif width < STROKE_MAX_MM / 2 and height > BORDER_MIN_MM:
            verticals.append(((left.value + right.value) / 2 * PT_TO_MM, y_top, y_top + height))
    return sorted(rules, key=lambda r: r.y), verticals


def page_number(lines: Iterable[Line]) -> tuple[int, Line] | None:
    """The page's 「— N —」 line and N, or None."""
    for line in lines:
        found = PAGE_NUMBER_RE.match(line.text)
        if found:
            return int(found.group(1)), line
    return None
