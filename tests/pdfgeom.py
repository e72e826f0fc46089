"""A small instrument that measures what a reader sees on a PDF page, in millimetres.

How it reads a page, and why:

* **Lines** are characters grouped by their *baseline* (the text matrix), not by the top
  of their boxes: digits set in Times/Liberation Serif have other box tops than the
  Chinese around them but sit on the same baseline, so they stay on one line.
* **Box tops are not glyph tops.**  pdfplumber hangs each character's box from the font
  descriptor's descent (FandolFang says −0.27 em, FandolSong Bold −0.31 em) while the
  Fandol glyphs are drawn on a −0.2…0.8 em body, so a box top is ~0.1 em too low and
  its bottom too low as well.  Where a position must be exact (the 发文机关标志's top
  edge, the 发文字号's bottom) the instrument rasterises the page and measures the
  **ink** (:func:`ink_box`) — what a reviewer with a ruler measures.
* **The text block's top is read from the line boxes.**  The margins stay exactly the
  standard's (top 2098 twips = 37 mm), so the first body line's *box* starts at 37 mm,
  but a 5.6 mm character sits low in its 10.23 mm line: LibreOffice puts the baseline of
  an exactly spaced line at 4/5 of the line's height (measured for 7, 10.23 and 14 mm
  lines, ± 0.01 mm; :data:`LO_BASELINE_SHARE`).  So a line box's top is its baseline −
  4/5 × pitch (:func:`line_box_top`), and the glyph top of line 1 is ~4 mm below 37 mm.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pdfplumber

from gongwen.checker.measure import is_red
from gongwen.layout import conventions, standard

PT_TO_MM = 25.4 / 72
#: LibreOffice places the baseline of an exactly spaced line at 4/5 of its height
LO_BASELINE_SHARE = 0.8
#: characters whose baselines differ by less than this (pt) are on one line
BASELINE_TOLERANCE_PT = 1.0
#: resolution of the raster that ink is measured on (0.085 mm per pixel)
INK_DPI = 300
PAGE_NUMBER_RE = re.compile(r"^—\s*(\d+)\s*—$")

RGB = tuple[float, float, float]


@dataclass
class Char:
    text: str
    x0: float
    x1: float
    size: float
    font: str
    color: tuple | None


@dataclass
class Line:
    """One visual line: positions in mm from the paper's top-left corner."""

    text: str
    baseline: float
    top: float  # top of pdfplumber's character boxes (see the module docstring)
    bottom: float
    x0: float
    x1: float
    size: float  # pt, the largest character of the line
    fonts: set[str]
    color: tuple | None
    chars: list[Char] = field(default_factory=list)

    @property
    def cells(self) -> float:
        """Width in character cells as the standard counts them: CJK 1, others ½."""
        return sum(1.0 if unicodedata.east_asian_width(c.text) in "WF" else 0.5
                   for c in self.chars)

    @property
    def is_red(self) -> bool:
        return is_red(self.color)

    def char_x0(self, text: str) -> float:
        """Left edge of the first character ``text`` on the line."""
        return next(c.x0 for c in self.chars if c.text == text)


@dataclass(frozen=True)
class Rule:
    """A horizontal rule: its centre line ``y``, ends and stroke width, in mm."""

    y: float
    x0: float
    x1: float
    width: float
    color: tuple | None

    @property
    def length(self) -> float:
        return self.x1 - self.x0

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def _baseline(page: pdfplumber.page.Page, char: dict) -> float:
    return float(page.height) - float(char["matrix"][5])


def lines_of(page: pdfplumber.page.Page) -> list[Line]:
    """Characters grouped into visual lines by baseline, top to bottom."""
    chars = sorted((c for c in page.chars if c["text"].strip()),
                   key=lambda c: _baseline(page, c))
    rows: list[list[dict]] = []
    for char in chars:
        if rows and _baseline(page, char) - _baseline(page, rows[-1][0]) < BASELINE_TOLERANCE_PT:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        main = max(row, key=lambda c: c["size"])
        lines.append(Line(
            text="".join(c["text"] for c in row),
            baseline=statistics.median(_baseline(page, c) for c in row) * PT_TO_MM,
            top=min(c["top"] for c in row) * PT_TO_MM,
            bottom=max(c["bottom"] for c in row) * PT_TO_MM,
            x0=row[0]["x0"] * PT_TO_MM,
            x1=row[-1]["x1"] * PT_TO_MM,
            size=round(main["size"], 1),
            fonts={c["fontname"].split("+")[-1] for c in row},
            color=_color(main),
            chars=[Char(c["text"], c["x0"] * PT_TO_MM, c["x1"] * PT_TO_MM, round(c["size"], 1),
                        c["fontname"].split("+")[-1], _color(c)) for c in row],
        ))
    return lines


def _color(char: dict) -> tuple | None:
    color = char.get("non_stroking_color")
    return tuple(color) if isinstance(color, (tuple, list)) else color


def line_box_top(line: Line, pitch_mm: float) -> float:
    """Top of the exactly spaced line box ``line`` sits in (see the module docstring)."""
    return line.baseline - LO_BASELINE_SHARE * pitch_mm


def line_box_bottom(line: Line, pitch_mm: float) -> float:
    return line.baseline + (1 - LO_BASELINE_SHARE) * pitch_mm


def pitch(lines: Iterable[Line]) -> float:
    """The most common baseline-to-baseline distance between consecutive lines of the
    same size (mm, rounded to 0.01)."""
    items = list(lines)
    steps = [round(b.baseline - a.baseline, 2) for a, b in zip(items, items[1:], strict=False)
             if a.size == b.size and 0 < b.baseline - a.baseline < 15]
    return statistics.mode(steps)


def body_lines(lines: Iterable[Line], size: float = 16.0) -> list[Line]:
    """Lines set in ``size`` pt that are not red (body, headings, 主送, 署名 …)."""
    return [line for line in lines if line.size == size and not line.is_red]


def page_number(lines: Iterable[Line]) -> tuple[int, Line] | None:
    """The page's 「— N —」 line and N, or None."""
    for line in lines:
        found = PAGE_NUMBER_RE.match(line.text)
        if found:
            return int(found.group(1)), line
    return None


def rules(page: pdfplumber.page.Page) -> list[Rule]:
    """Horizontal rules: stroked lines, and filled rectangles thinner than 2 mm."""
    found = []
    for line in page.lines:
        if abs(line["top"] - line["bottom"]) < 0.5:
            found.append(Rule(line["top"] * PT_TO_MM, line["x0"] * PT_TO_MM,
                              line["x1"] * PT_TO_MM, float(line.get("linewidth") or 0) * PT_TO_MM,
                              _tuple(line.get("stroking_color"))))
    for rect in page.rects:
        height = (rect["bottom"] - rect["top"]) * PT_TO_MM
        if height < 2 and (rect["x1"] - rect["x0"]) * PT_TO_MM > 20 and rect.get("fill"):
            found.append(Rule((rect["top"] + rect["bottom"]) / 2 * PT_TO_MM,
                              rect["x0"] * PT_TO_MM, rect["x1"] * PT_TO_MM, height,
                              _tuple(rect.get("non_stroking_color"))))
    unique = {(round(r.y, 2), round(r.x0, 1), round(r.x1, 1)): r for r in found}
    return sorted(unique.values(), key=lambda r: r.y)


def _tuple(color: object) -> tuple | None:
    return tuple(color) if isinstance(color, (tuple, list)) else None


def red_rules(page: pdfplumber.page.Page) -> list[Rule]:
    return [rule for rule in rules(page) if is_red(rule.color)]


def black_rules(page: pdfplumber.page.Page) -> list[Rule]:
    return [rule for rule in rules(page) if not is_red(rule.color)]


# --- ink ------------------------------------------------------------------------------

def red_ink(pixel: tuple[int, int, int]) -> bool:
    return pixel[0] > 150 and pixel[1] < 110 and pixel[2] < 110


def dark_ink(pixel: tuple[int, int, int]) -> bool:
    return max(pixel) < 110


def ink_box(
    page: pdfplumber.page.Page,
    region: tuple[float, float, float, float],
    ink: Callable[[tuple[int, int, int]], bool] = dark_ink,
) -> tuple[float, float, float, float] | None:
    """The box (x0, top, x1, bottom, mm) of the pixels inside ``region`` (x0, top, x1,
    bottom, mm) that ``ink`` accepts, on a :data:`INK_DPI` raster; None when blank."""
    x0, top, x1, bottom = (v / PT_TO_MM for v in region)
    crop = page.crop((max(x0, 0), max(top, 0), min(x1, page.width), min(bottom, page.height)))
    image = crop.to_image(resolution=INK_DPI).original.convert("RGB")
    width, height = image.size
    pixels = image.load()
    rows = [y for y in range(height) if any(ink(pixels[x, y]) for x in range(width))]
    if not rows:
        return None
    cols = [x for x in range(width) if any(ink(pixels[x, y]) for y in rows)]
    scale = 25.4 / INK_DPI
    left, upper = max(x0, 0) * PT_TO_MM, max(top, 0) * PT_TO_MM
    return (left + cols[0] * scale, upper + rows[0] * scale,
            left + (cols[-1] + 1) * scale, upper + (rows[-1] + 1) * scale)


def line_ink(page: pdfplumber.page.Page, line: Line,
             ink: Callable[[tuple[int, int, int]], bool] = dark_ink,
             ) -> tuple[float, float, float, float] | None:
    """The ink box of ``line``'s glyphs (searched one size above and half below its
    baseline, so that neighbouring lines stay out)."""
    size_mm = line.size * PT_TO_MM
    region = (line.x0 - 1, line.baseline - 1.0 * size_mm, line.x1 + 1, line.baseline + 0.3 * size_mm)
    return ink_box(page, region, ink)


def open_pdf(path: str | Path) -> pdfplumber.PDF:
    return pdfplumber.open(str(path))


@dataclass
class RenderedPdf:
    """A rendered document's PDF, its pages' lines measured once (a test module's
    ``Rendered`` adds what it looks at)."""

    name: str
    path: Path

    @cached_property
    def pdf(self) -> pdfplumber.PDF:
        return open_pdf(self.path)

    @cached_property
    def lines(self) -> list[list[Line]]:
        return [lines_of(page) for page in self.pdf.pages]


# --- the text block (版心) --------------------------------------------------------------

#: a portrait page's 版心 edges and centre line (mm from the paper's left and top edges)
LEFT = standard.MARGIN_LEFT_MM
RIGHT = LEFT + standard.TEXT_BLOCK_WIDTH_MM
CENTRE = (LEFT + RIGHT) / 2
TEXT_TOP = standard.MARGIN_TOP_MM
BOTTOM = TEXT_TOP + standard.TEXT_BLOCK_HEIGHT_MM

#: how far a glyph box may pass the 版心's edge: box rounding, not a hanging 、 (5.6 mm)
TEXT_BLOCK_TOLERANCE_MM = 0.3


def text_block(page: pdfplumber.page.Page) -> tuple[float, float, float, float]:
    """The 版心 (left, top, right, bottom, mm) of a portrait page, or of a landscape
    table page (the paper turned: the 订口 at the top, the page number's margin left)."""
    if page.width > page.height:
        left, top = conventions.LANDSCAPE_MARGIN_LEFT_MM, conventions.LANDSCAPE_MARGIN_TOP_MM
        return (left, top, conventions.LANDSCAPE_PAGE_WIDTH_MM - conventions.LANDSCAPE_MARGIN_RIGHT_MM,
                conventions.LANDSCAPE_PAGE_HEIGHT_MM - conventions.LANDSCAPE_MARGIN_BOTTOM_MM)
    left, top = standard.MARGIN_LEFT_MM, standard.MARGIN_TOP_MM
    return (left, top, left + standard.TEXT_BLOCK_WIDTH_MM, top + standard.TEXT_BLOCK_HEIGHT_MM)


def outside_text_block(page: pdfplumber.page.Page) -> list[Char]:
    """Upright glyphs on the lines of the 版心 that reach past its left or right edge
    (the page number under it, or turned in a landscape page's margin, is not in it)."""
    left, top, right, bottom = text_block(page)
    slack = TEXT_BLOCK_TOLERANCE_MM
    found = []
    for char in page.chars:
        if not char["text"].strip() or not char.get("upright", True):
            continue
        if not top <= _baseline(page, char) * PT_TO_MM <= bottom + slack:
            continue
        x0, x1 = char["x0"] * PT_TO_MM, char["x1"] * PT_TO_MM
        if x0 < left - slack or x1 > right + slack:
            found.append(Char(char["text"], x0, x1, round(char["size"], 1),
                              char["fontname"].split("+")[-1], _color(char)))
    return found
