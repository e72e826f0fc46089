"""The arithmetic of 民主评议: shares, percentages that add up, and the grade rule.

Everything is exact (:class:`fractions.Fraction`) until a number is printed, so a
threshold such as one third means exactly one third.

**Shares.**  By default every ballot counts the same: a member's share of a grade is the
grade's votes from 党员互评 and 群众评议 together over all their votes.  With weights
(e.g. 互评 60 %, 群众 40 %) the share is the weighted mean of the two sources' shares;
a source without votes drops out and the other takes its weight.

**Percentages** are the shares printed with ``decimals`` places by the *largest
remainder* method: each share is cut down to the printed precision, and the units
missing to 100 % go one each to the grades whose cut-off remainders were largest (ties:
the grade with more votes, then the grade order 优秀 → 不合格).  Each row so adds up to
exactly 100 %, and no percentage is off by more than one unit in its last place.

**The grade rule** reads the exact shares, from the bottom up: 不合格 when the 不合格
share reaches its threshold; else 基本合格 when 基本合格 and 不合格 together reach theirs;
else 优秀 when the 优秀 share reaches its threshold; else 合格.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ..text import chinese_numeral

GRADES = ("优秀", "合格", "基本合格", "不合格")
EXCELLENT, GOOD, BASIC, POOR = GRADES
#: the two groups that rate a member, and how forms name them
SOURCES = ("peer", "public")
SOURCE_LABELS = {"peer": "党员互评", "public": "群众评议"}
PERCENT = 100
#: a Chinese fraction (二分之一) is written for thresholds with these denominators
_CHINESE_DENOMINATORS = (2, 3, 4, 5)

Counts = tuple[int, int, int, int]
ZERO: Counts = (0, 0, 0, 0)


@dataclass(frozen=True)
class GradeRule:
    """Thresholds on the exact shares, and how the two sources are weighed."""

    excellent: Fraction = Fraction(1, 2)
    basic: Fraction = Fraction(1, 2)
    poor: Fraction = Fraction(1, 2)
    #: source → weight; None: every ballot counts the same
    weights: Mapping[str, Fraction] | None = None

    def grade(self, shares: Sequence[Fraction] | None) -> str | None:
        """The grade for ``shares`` (优秀, 合格, 基本合格, 不合格); None without votes."""
        if shares is None:
            return None
        excellent, _, basic, poor = shares
        if poor >= self.poor:
            return POOR
        if basic + poor >= self.basic:
            return BASIC
        if excellent >= self.excellent:
            return EXCELLENT
        return GOOD

    def describe(self) -> str:
        """The rule in a sentence for the 汇总表's notes."""
        text = (f"不合格票占比达到{share_text(self.poor)}的评为不合格；"
                f"基本合格票与不合格票合计占比达到{share_text(self.basic)}的评为基本合格；"
                f"优秀票占比达到{share_text(self.excellent)}的评为优秀；其余评为合格。")
        if self.weights:
            parts = "、".join(f"{SOURCE_LABELS[s]}占{share_text(w / sum(self.weights.values()))}"
                              for s, w in self.weights.items())
            text = f"各等次占比按{parts}加权计算；" + text
        else:
            text = "各等次占比为党员互评与群众评议票数合计占总票数的比例；" + text
        return text


def share_text(value: Fraction) -> str:
    """1/3 → 三分之一, 3/5 → 五分之三, 0.55 → 55%."""
    if value.denominator in _CHINESE_DENOMINATORS and 0 < value < 1:
        return f"{chinese_numeral(value.denominator)}分之{chinese_numeral(value.numerator)}"
    percent = value * PERCENT
    shown = f"{float(percent):.2f}".rstrip("0").rstrip(".")
    return f"{shown}%"


def shares(counts: Mapping[str, Counts],
           weights: Mapping[str, Fraction] | None = None) -> tuple[Fraction, ...] | None:
    """Each grade's share of a member's votes (see the module docstring); None if none."""
    voted = {s: c for s, c in counts.items() if sum(c)}
    if not voted:
        return None
    if not weights:
        total = sum(sum(c) for c in voted.values())
        return tuple(Fraction(sum(c[g] for c in voted.values()), total) for g in range(4))
    weight = {s: Fraction(weights.get(s, 0)) for s in voted}
    total_weight = sum(weight.values())
    if not total_weight:
        return None
    return tuple(sum(weight[s] * Fraction(c[g], sum(c)) for s, c in voted.items()) / total_weight
                 for g in range(4))


def largest_remainder(values: Sequence[Fraction], units: int) -> list[int]:
    """Whole units for ``values`` (which add up to 1) that add up to exactly ``units``."""
    quotas = [v * units for v in values]
    floors = [math.floor(q) for q in quotas]
    missing = units - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(quotas[i] - floors[i]), -quotas[i], i))
    for i in order[:missing]:
        floors[i] += 1
    return floors


def percentages(values: Sequence[Fraction], decimals: int = 1) -> list[Decimal]:
    """``values`` as percentages with ``decimals`` places that add up to exactly 100."""
    scale = 10 ** decimals
    units = largest_remainder(values, PERCENT * scale)
    step = Decimal(1).scaleb(-decimals)
    return [(Decimal(u) / scale).quantize(step) for u in units]


def cap_limit(members: int, cap: Fraction) -> int:
    """How many members may be rated 优秀 under ``cap`` (a share of ``members``)."""
    return math.floor(members * cap)


@dataclass
class MemberResult:
    """One row of the 汇总表."""

    label: str
    counts: dict[str, Counts]
    shares: tuple[Fraction, ...] | None
    percents: list[Decimal] | None
    rule_grade: str | None
    #: the grade printed: the branch's 组织评定 when given, the rule's otherwise
    grade: str | None
    overridden: bool = False

    @property
    def totals(self) -> Counts:
        values = [sum(c[g] for c in self.counts.values()) for g in range(len(GRADES))]
        return tuple(values)  # type: ignore[return-value]


@dataclass
class Summary:
    results: list[MemberResult]
    cap: Fraction
    limit: int
    warnings: list[str] = field(default_factory=list)

    @property
    def excellent(self) -> int:
        return sum(1 for r in self.results if r.grade == EXCELLENT)

    @property
    def over_cap(self) -> bool:
        return self.excellent > self.limit


def summarize(
    rows: Sequence[tuple[str, Mapping[str, Counts]]],
    rule: GradeRule,
    *,
    decimals: int = 1,
    cap: Fraction = Fraction(1, 3),
    overrides: Mapping[str, str] | None = None,
) -> Summary:
    """Results for ``rows`` of (label, counts per source); ``overrides`` are 组织评定."""
    overrides = overrides or {}
    results = []
    for label, counts in rows:
        member_shares = shares(counts, rule.weights)
        rule_grade = rule.grade(member_shares)
        chosen = overrides.get(label, rule_grade)
        results.append(MemberResult(
            label=label, counts={s: tuple(c) for s, c in counts.items()},  # type: ignore[misc]
            shares=member_shares,
            percents=percentages(member_shares, decimals) if member_shares else None,
            rule_grade=rule_grade, grade=chosen, overridden=label in overrides,
        ))
    summary = Summary(results, cap, cap_limit(len(rows), cap))
    if summary.over_cap:
        summary.warnings.append(
            f"{summary.excellent} of {len(rows)} members are rated 优秀, more than the cap "
            f"of {share_text(cap)} ({summary.limit})")
    return summary
