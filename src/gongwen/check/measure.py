"""What a reader sees on a PDF page, in millimetres from the paper's top-left corner.

* **Lines** are characters grouped by their *baseline* (the text matrix), not by the
  top of their boxes: Latin digits have other box tops than the Chinese around them
  but sit on the same baseline.
* **Box tops are not glyph tops**: pdfplumber hangs a character's box from the font's
  declared descent, ~0.1 em lower than the Fandol glyphs are drawn.  Rules that need a
  vertical position allow for that; horizontal extents are exact.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

PT_TO_MM = 25.4 / 72
#: characters whose baselines differ by less than this (pt) are on one line
BASELINE_TOLERANCE_PT = 1.0
PAGE_NUMBER_RE = re.compile(r"^[—\-–－]\s*(\d+)\s*[—\-–－]$")


@dataclass
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    color: tuple | None


@dataclass
class Line:
    """One visual line: positions in mm."""

    text: str
    baseline: float
    top: float  # top of the character boxes (see the module docstring)
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


@dataclass(frozen=True)
class HRule:
    """A horizontal rule: its centre line ``y``, ends and stroke width, in mm."""

    y: float
    x0: float
    x1: float
    width: float
    color: tuple | None


def is_red(color: object) -> bool:
    return (isinstance(color, tuple | list) and len(color) == 3
            and color[0] > 0.9 and color[1] < 0.1 and color[2] < 0.1)


def _color(value: object) -> tuple | None:
    return tuple(value) if isinstance(value, tuple | list) else None


def lines_of(page) -> list[Line]:
    """A pdfplumber page's characters grouped into visual lines, top to bottom."""
    height = float(page.height)

    def baseline(char: dict) -> float:
        return height - float(char["matrix"][5])

    chars = sorted((c for c in page.chars if c["text"].strip()), key=baseline)
    rows: list[list[dict]] = []
    for char in chars:
        if rows and baseline(char) - baseline(rows[-1][0]) < BASELINE_TOLERANCE_PT:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        main = max(row, key=lambda c: c["size"])
        lines.append(Line(
            text="".join(c["text"] for c in row),
            baseline=statistics.median(baseline(c) for c in row) * PT_TO_MM,
            top=min(c["top"] for c in row) * PT_TO_MM,
            bottom=max(c["bottom"] for c in row) * PT_TO_MM,
            x0=row[0]["x0"] * PT_TO_MM,
            x1=row[-1]["x1"] * PT_TO_MM,
            size=round(main["size"], 1),
            fonts={c["fontname"].split("+")[-1] for c in row},
            color=_color(main.get("non_stroking_color")),
            chars=[Char(c["text"], c["x0"] * PT_TO_MM, c["x1"] * PT_TO_MM,
                        c["top"] * PT_TO_MM, c["bottom"] * PT_TO_MM, round(c["size"], 1),
                        c["fontname"].split("+")[-1], _color(c.get("non_stroking_color")))
                   for c in row],
        ))
    return lines


def rules_of(page) -> list[HRule]:
    """Horizontal rules: stroked lines, and filled rectangles thinner than 2 mm."""
    found = []
    for line in page.lines:
        if abs(line["top"] - line["bottom"]) < 0.5:
            found.append(HRule(line["top"] * PT_TO_MM, line["x0"] * PT_TO_MM,
                               line["x1"] * PT_TO_MM,
                               float(line.get("linewidth") or 0) * PT_TO_MM,
                               _color(line.get("stroking_color"))))
    for rect in page.rects:
        height = (rect["bottom"] - rect["top"]) * PT_TO_MM
        if height < 2 and (rect["x1"] - rect["x0"]) * PT_TO_MM > 20 and rect.get("fill"):
            found.append(HRule((rect["top"] + rect["bottom"]) / 2 * PT_TO_MM,
                               rect["x0"] * PT_TO_MM, rect["x1"] * PT_TO_MM, height,
                               _color(rect.get("non_stroking_color"))))
    unique = {(round(r.y, 2), round(r.x0, 1), round(r.x1, 1)): r for r in found}
    return sorted(unique.values(), key=lambda r: r.y)


def page_number(lines: Iterable[Line]) -> tuple[int, Line] | None:
    """The page's 「— N —」 line and N, or None."""
    for line in lines:
        found = PAGE_NUMBER_RE.match(line.text)
        if found:
            return int(found.group(1)), line
    return None


def modal_pitch(lines: Iterable[Line]) -> float | None:
    """The most common baseline-to-baseline distance (mm, to 0.01) between consecutive
    lines of one size; None with fewer than two such steps."""
    items = list(lines)
    steps = [round(b.baseline - a.baseline, 2) for a, b in zip(items, items[1:], strict=False)
             if a.size == b.size and 0 < b.baseline - a.baseline < 15]
    return statistics.mode(steps) if len(steps) >= 2 else None
