"""A small instrument that measures what a reader sees on a PDF page (millimetres)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

PT_TO_MM = 25.4 / 72


@dataclass
class Line:
    text: str
    top: float  # mm from the paper's top edge to the top of the character boxes
    bottom: float
    x0: float  # mm from the paper's left edge
    x1: float
    size: float  # pt, the largest character of the line
    fonts: set[str]
    color: tuple | None


def lines_of(page: pdfplumber.page.Page) -> list[Line]:
    """Characters grouped into visual lines by their top edge."""
    rows: dict[int, list[dict]] = {}
    for char in page.chars:
        if not char["text"].strip():
            continue
        key = round(char["top"] * 2)  # half-point buckets
        for probe in (key, key - 1, key + 1):
            if probe in rows:
                key = probe
                break
        rows.setdefault(key, []).append(char)
    lines = []
    for key in sorted(rows):
        chars = sorted(rows[key], key=lambda c: c["x0"])
        lines.append(Line(
            text="".join(c["text"] for c in chars),
            top=min(c["top"] for c in chars) * PT_TO_MM,
            bottom=max(c["bottom"] for c in chars) * PT_TO_MM,
            x0=chars[0]["x0"] * PT_TO_MM,
            x1=chars[-1]["x1"] * PT_TO_MM,
            size=max(round(c["size"], 1) for c in chars),
            fonts={c["fontname"].split("+")[-1] for c in chars},
            color=chars[0].get("non_stroking_color"),
        ))
    return lines


def red_rules(page: pdfplumber.page.Page) -> list[tuple[float, float, float]]:
    """Red horizontal rules as (y, x0, x1) in mm."""
    found = []
    for line in page.lines:
        color = line.get("stroking_color")
        if color and len(color) == 3 and color[0] > 0.9 and color[1] < 0.1:
            found.append((line["top"] * PT_TO_MM, line["x0"] * PT_TO_MM, line["x1"] * PT_TO_MM))
    return found


def pitch(lines: list[Line]) -> float:
    """The most common distance between consecutive lines of the same size."""
    steps = Counter(
        round(b.top - a.top, 1) for a, b in zip(lines, lines[1:], strict=False)
        if a.size == b.size and 0 < b.top - a.top < 15
    )
    return steps.most_common(1)[0][0]


def open_pdf(path: str | Path) -> pdfplumber.PDF:
    return pdfplumber.open(str(path))
