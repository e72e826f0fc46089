"""The 信函格式 (GB/T 9704 10.1): how a letter is told from a 文件, and its own rules.

A letter is recognised by what only it prints on page 1: red rules about as long as
the double lines (170 mm, longer than the 156 mm 版心) above the 版心's middle.  Its page
1 then has a mark above the 版心, no page number and, on its last page, a 版记 of the
抄送 alone without rules — all as the standard wants, so the 文件 rules on those are
not applied; instead the letterhead is measured here, and a page number on page 1 is
a finding of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..layout import standard
from .measure import HRule, Line, is_red, page_number
from .page import TOP, Page, where
from .report import Finding
from .rules import LETTER_HEAD, PAGE_NUMBER_LETTER_FIRST

#: a red rule this close to the double lines' length is one of their strokes
RULE_LENGTH_TOLERANCE_MM = 3.0
#: positions of the letterhead are measured to this (the standard's ± 1 mm, as for the
#: 文件's mark, plus the rounding of a tight glyph box)
TOLERANCE_MM = standard.POSITION_TOLERANCE_MM + 0.5


@dataclass(frozen=True)
class Letterhead:
    """Page 1's letterhead as measured: the mark's lines and the two double lines."""

    marks: list[Line]
    upper: list[HRule]
    lower: list[HRule]

    @property
    def bottom(self) -> float:
        """Where the letterhead ends: the upper double line's lower edge (mm)."""
        return max(rule.y + rule.width / 2 for rule in self.upper)


def _double_line_stroke(rule: HRule) -> bool:
    return (is_red(rule.color) and abs(rule.x1 - rule.x0 - standard.LETTER_RULE_LENGTH_MM)
            <= RULE_LENGTH_TOLERANCE_MM)


def letterhead(pages: Sequence[Page]) -> Letterhead | None:
    """Page 1's letterhead, or None when the document is not a letter."""
    if not pages or pages[0].landscape:
        return None
    first = pages[0]
    middle = first.height / 2
    strokes = [rule for rule in first.rules if _double_line_stroke(rule)]
    upper = [rule for rule in strokes if rule.y < middle]
    if not upper:
        return None
    lower = [rule for rule in strokes if rule.y >= middle]
    top = min(rule.y for rule in upper)
    marks = [line for line in first.text_lines() if line.bottom <= top]
    return Letterhead(marks, upper, lower)


def letter_findings(file: str, pages: Sequence[Page], head: Letterhead) -> Iterator[Finding]:
    """The letterhead where 10.1 puts it, and no page number on page 1."""
    first = pages[0]
    problems = []
    mark = head.marks[0] if head.marks else None
    if mark is None:
        problems.append("no 发文机关标志 above the double line")
    else:
        if not all(line.is_red for line in head.marks):
            problems.append("the 发文机关标志 not red")
        if abs(mark.top - standard.LETTER_MARK_TOP_MM) > TOLERANCE_MM:
            problems.append(f"the 发文机关标志's top at {mark.top:.1f} mm")
        gap = min(rule.y - rule.width / 2 for rule in head.upper) - head.marks[-1].bottom
        if abs(gap - standard.LETTER_RULE_BELOW_MARK_MM) > TOLERANCE_MM:
            problems.append(f"the upper double line {gap:.1f} mm under the mark")
    if len(head.upper) < 2 or len(head.lower) < 2:
        problems.append(f"{len(head.upper)} and {len(head.lower)} stroke(s) in the upper and "
                        "lower double lines")
    if head.lower:
        edge = max(rule.y + rule.width / 2 for rule in head.lower)
        want = first.height - standard.LETTER_RULE_ABOVE_PAGE_BOTTOM_MM
        if abs(edge - want) > TOLERANCE_MM:
            problems.append(f"the lower double line {first.height - edge:.1f} mm above the "
                            "paper's bottom")
    for rules, thick_first in ((head.upper, True), (head.lower, False)):
        if len(rules) >= 2:
            ordered = sorted(rules, key=lambda rule: rule.y)
            widths = [ordered[0].width, ordered[-1].width]
            if (widths[0] > widths[1]) != thick_first:
                problems.append("the upper double line not thick over thin" if thick_first
                                else "the lower double line not thin over thick")
    if problems:
        anchor = mark or (first.text_lines() or [None])[0]
        yield Finding(LETTER_HEAD, excerpt=mark.text[:16] if mark else "",
                      measured="; ".join(problems),
                      expected=f"a red mark {standard.LETTER_MARK_TOP_MM:g} mm from the top, "
                               f"a red double line (thick over thin) "
                               f"{standard.LETTER_RULE_BELOW_MARK_MM:g} mm under it and one "
                               f"(thin over thick) "
                               f"{standard.LETTER_RULE_ABOVE_PAGE_BOTTOM_MM:g} mm above the "
                               f"paper's bottom, {standard.LETTER_RULE_LENGTH_MM:g} mm long",
                      **where(file, first, anchor))
    found = page_number(first.lines)
    if found is not None:
        yield Finding(PAGE_NUMBER_LETTER_FIRST, excerpt=found[1].text,
                      measured="a page number on page 1 of a letter",
                      expected="none on page 1 (numbers from page 2 on)",
                      hint="首页不显示页码: a different first-page footer (Word 「首页不同」), "
                           "empty", **where(file, first, found[1]))


def in_letterhead(head: Letterhead | None, page: Page, line: Line) -> bool:
    """Whether ``line`` is part of page 1's letterhead (above the 版心, as it should be)."""
    return head is not None and page.number == 1 and line.bottom <= head.bottom and \
        line.top < TOP
