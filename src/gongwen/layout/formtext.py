"""Text in the cells of a form table: how wide it prints, where a line of it may break,
and column widths that hold it.

LibreOffice and Word break Chinese text between any two characters, so a header or a
name in a column a little too narrow comes out as 「不合/格」 or 「张伟（G00/6）」.  The
form builders therefore size each column from its texts and, where a column must be
narrower than a text, break the text themselves, only between words: after 、，/ and
the like, before an opening bracket, and at :data:`WORD_BREAK` marks a fixed header
carries (「基本合格」 is two words, 「不合格」 one).  A text whose words fit is never
broken inside a word.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import standard

#: marks where a fixed header or label may break (「基本{WORD_BREAK}合格」); never printed
WORD_BREAK = "\u200b"
#: a line may break after these and before :data:`_BREAK_BEFORE`
_BREAK_AFTER = frozenset("、，,；;：:/）)」』 \u3000")
_BREAK_BEFORE = frozenset("（(「『")
#: room beside a cell's text for the rules and a little air (mm)
AIR_MM = 1.0
#: a text this much wider than its room still fits: column widths are whole twips
#: (0.018 mm), and a width estimate leaves out the −0.25 pt tracking of each character
_ROUNDING_MM = 0.05
#: advance widths (1/1000 em) of ASCII in Times New Roman, the forms' Latin face
#: (Liberation Serif in the PDF has the same metrics), from its AFM
_TIMES = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~",
    (250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278,
     *([500] * 10), 278, 278, 564, 564, 564, 444, 921,
     722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556,
     722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333,
     444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500,
     500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541), strict=True))


def ems(text: str) -> float:
    """Width of ``text`` in ems: CJK and full-width characters one, ASCII as Times
    prints it, anything else (a Latin letter with an accent …) ¾."""
    total = 0.0
    for ch in text:
        if ch == WORD_BREAK:
            continue
        width = _TIMES.get(ch)
        if width is not None:
            total += width / 1000
        elif unicodedata.east_asian_width(ch) in "WFA":
            total += 1.0
        else:
            total += 0.75
    return total


def text_mm(text: str, size_pt: float) -> float:
    """Printed width (mm) of one line of ``text`` at ``size_pt``, a little generous:
    the forms' −0.25 pt tracking is not subtracted."""
    return ems(text) * standard.pt_to_mm(size_pt)


def words(text: str) -> list[str]:
    """``text`` cut where a line may break; the pieces joined give ``text`` back
    (without :data:`WORD_BREAK`)."""
    pieces: list[str] = []
    current = ""
    for ch in text:
        if ch == WORD_BREAK:
            if current:
                pieces.append(current)
            current = ""
            continue
        if ch in _BREAK_BEFORE and current:
            pieces.append(current)
            current = ""
        current += ch
        if ch in _BREAK_AFTER:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def plain(text: str) -> str:
    """``text`` as printed: without its :data:`WORD_BREAK` marks."""
    return text.replace(WORD_BREAK, "")


def cell_mm(width_mm: float, size_pt: float, margin_mm: float) -> float:
    """Width a column must have to print ``width_mm`` of text on a line."""
    return width_mm + 2 * margin_mm + AIR_MM


def wrap(text: str, width_mm: float, size_pt: float, margin_mm: float) -> str:
    """``text`` with line breaks (``\\n``) between words so that every line fits a cell
    ``width_mm`` wide, in as few lines as it takes, made as even as they can be.

    A text that fits comes back as it is; a word wider than the cell is left whole
    (its column is too narrow for it: see :func:`fit_widths`).
    """
    room = width_mm - 2 * margin_mm - AIR_MM + _ROUNDING_MM
    lines = []
    for paragraph in text.split("\n"):
        if text_mm(paragraph, size_pt) <= room:
            lines.append(plain(paragraph))
            continue
        pieces = [ems(w) for w in words(paragraph)]
        high = room / standard.pt_to_mm(size_pt)
        count = len(_pack(pieces, high))
        # the narrowest measure that still takes no more lines evens them out
        low = min(max(pieces), high)
        for _ in range(20):
            middle = (low + high) / 2
            if len(_pack(pieces, middle)) <= count:
                high = middle
            else:
                low = middle
        word_list = words(paragraph)
        for first, last in _pack(pieces, high):
            lines.append("".join(word_list[first:last]).rstrip())
    return "\n".join(lines)


def _pack(widths: Sequence[float], measure: float) -> list[tuple[int, int]]:
    """Greedy lines of the pieces ``widths`` (ems) no wider than ``measure``: (first,
    end) index pairs.  A piece wider than the measure gets a line of its own."""
    lines: list[tuple[int, int]] = []
    first, used = 0, 0.0
    for index, width in enumerate(widths):
        if index > first and used + width > measure + 1e-9:
            lines.append((first, index))
            first, used = index, 0.0
        used += width
    if widths:
        lines.append((first, len(widths)))
    return lines


@dataclass(frozen=True)
class Column:
    """What a column's texts need (mm), from most room to least.

    ``natural``: every text on one line; ``soft``: headers and labels broken between
    words, names and numbers whole; ``least``: every text broken between words;
    ``floor``: a width the form's design asks for when there is room.
    """

    natural: float
    soft: float
    least: float
    floor: float = 0.0

    @property
    def preferred(self) -> float:
        return max(self.floor, self.soft)


def column(whole: Iterable[str] = (), breakable: Iterable[str] = (), *, size_pt: float,
           margin_mm: float, floor: float = 0.0, cap: float | None = None) -> Column:
    """The needs of a column holding ``whole`` texts (names, numbers: one line while
    there is any room) and ``breakable`` ones (headers, labels, 职务: broken between
    words before a name is).  ``cap`` limits what the column asks for to print its
    texts on one line."""
    whole, breakable = list(whole), list(breakable)

    def need(width_mm: float) -> float:
        return cell_mm(width_mm, size_pt, margin_mm)

    def longest(texts: Iterable[str]) -> float:
        return max((text_mm(t, size_pt) for t in texts), default=0.0)

    def widest_word(texts: Iterable[str]) -> float:
        return max((text_mm(w, size_pt) for t in texts for w in words(t)), default=0.0)

    least = need(widest_word(whole + breakable))
    soft = max(least, need(longest(whole)))
    natural = max(soft, need(longest(whole + breakable)))
    if cap is not None:
        natural = max(soft, min(cap, natural))
    return Column(natural=natural, soft=soft, least=least, floor=floor)


def fit_widths(columns: Sequence[Column], room: float, *,
               spare_to: int | None = None) -> list[float]:
    """Widths (mm) of ``columns`` that add up to ``room``.

    Each column first gets its preferred width.  Room left over lets headers stand on
    one line (whole groups of columns with the same need, narrowest first), then goes
    to column ``spare_to`` (or to all, in proportion).  When the preferred widths are
    too wide, the columns give way in proportion: first the design's floors go (down
    to ``natural``), then headers break (``soft``), then names before their 编号
    (``least``), and only a table
    that cannot fit even so is scaled down as a whole.
    """
    widths = [c.preferred for c in columns]
    spare = room - sum(widths)
    if spare >= 0:
        gaps: dict[float, list[int]] = {}
        for index, c in enumerate(columns):
            if c.natural > widths[index] + 1e-6:
                gaps.setdefault(round(c.natural - widths[index], 3), []).append(index)
        for gap in sorted(gaps):
            group = gaps[gap]
            cost = sum(columns[i].natural - widths[i] for i in group)
            if cost > spare + 1e-9:
                break
            for index in group:
                widths[index] = columns[index].natural
            spare -= cost
        if spare_to is not None:
            widths[spare_to] += spare
        else:
            total = sum(widths)
            widths = [w + spare * w / total for w in widths]
        return widths
    # the floors go first (nothing breaks), then headers break, then names
    unbroken = [max(c.soft, min(c.preferred, c.natural)) for c in columns]
    for lower in (unbroken, [c.soft for c in columns], [c.least for c in columns]):
        if sum(lower) <= room:
            upper = widths
            share = (room - sum(lower)) / (sum(upper) - sum(lower))
            return [low + (up - low) * share for low, up in zip(lower, upper, strict=True)]
        widths = lower
    return [w * room / sum(widths) for w in widths]
