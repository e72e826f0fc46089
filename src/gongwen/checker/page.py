"""A measured page as the rules see it, where a finding points, and the 版心's edges."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..layout import standard
from .measure import HRule, Line, page_number

#: how far a glyph may reach past the 版心's edge (rounding of LibreOffice's layout)
EDGE_TOLERANCE_MM = 0.5
SIZE_TOLERANCE_PT = 0.3
PITCH_TOLERANCE_MM = 0.15
CHAR_PITCH_TOLERANCE_MM = 0.06
#: body rules need this many characters of running text to say anything
MIN_BODY_CHARS = 60
LEFT = standard.MARGIN_LEFT_MM
RIGHT = standard.MARGIN_LEFT_MM + standard.TEXT_BLOCK_WIDTH_MM
TOP = standard.MARGIN_TOP_MM
BOTTOM = standard.MARGIN_TOP_MM + standard.TEXT_BLOCK_HEIGHT_MM
MARGIN_HINT = "margins 37/35/28/26 mm (top, bottom, left, right)"
HANGING_HINT = "margins 37/35/28/26 mm; turn off hanging punctuation (允许标点溢出边界)"
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
END_BLOCK_LINE = re.compile(r"^(抄送|印发|分送)[:：]|印发$")


@dataclass
class Page:
    """One measured page: its number, size (mm), text lines, table borders, rules and
    pictures (a seal)."""

    number: int
    width: float
    height: float
    lines: list[Line]
    verticals: list[tuple[float, float, float]] = field(default_factory=list)
    rules: list[HRule] = field(default_factory=list)
    pictures: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def in_table(self, line: Line) -> bool:
        """Whether ``line`` sits between two table borders (a cell's left and right)."""
        beside = [x for x, top, bottom in self.verticals if top - 1 <= line.baseline <= bottom + 1]
        return (any(x <= line.x0 + 1 for x in beside)
                and any(x >= line.x1 - 1 for x in beside))

    def text_lines(self) -> list[Line]:
        """Lines other than the page number."""
        found = page_number(self.lines)
        return [line for line in self.lines if found is None or line is not found[1]]


def closing_date(line: Line) -> bool:
    """Whether ``line`` is a 成文日期 under a 署名: a date alone on its line, set right
    of the 版心's first third (a date in the body or a form starts further left)."""
    return bool(DATE_LINE.match(line.text)) and line.x0 > LEFT + standard.TEXT_BLOCK_WIDTH_MM / 3


def where(file: str, page: Page, line: Line | None) -> dict:
    index = page.lines.index(line) + 1 if line is not None else None
    box = (line.x0, line.top, line.x1, line.bottom) if line is not None else None
    return {"file": file, "page": page.number, "line": index, "box": box}


