"""How wide text is, in character cells of the 28-a-line grid: what the 署名, the title
and the table columns are laid out by."""

from __future__ import annotations

import unicodedata


def text_cells(text: str) -> float:
    """Width of ``text`` in character cells: CJK and full-width 1, others ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


#: the gap (in cells) LibreOffice and Word put between Chinese characters and digits
AUTOSPACE_CELLS = 0.25


def script_changes(text: str) -> int:
    wide = [unicodedata.east_asian_width(ch) in "WF" for ch in text]
    return sum(a != b for a, b in zip(wide, wide[1:], strict=False))


def autospaced_cells(text: str) -> float:
    """:func:`text_cells` plus the gaps where Chinese meets digits: the width the
    成文日期 (「2024年10月1日」) is placed by."""
    return text_cells(text) + AUTOSPACE_CELLS * script_changes(text)


#: advance widths (em) in Times New Roman and its metric twin Liberation Serif, the body's
#: face for digits: what the 「1.」 before an attachment's name takes up
LATIN_ADVANCE_EM = {".": 0.25, **dict.fromkeys("0123456789", 0.5)}


def latin_width_pt(text: str, size_pt: float, tracking_pt: float = 0.0) -> float:
    """Printed width of digits and full stops set at ``size_pt`` with ``tracking_pt``."""
    return sum(LATIN_ADVANCE_EM[ch] * size_pt + tracking_pt for ch in text)


#: punctuation Unicode calls ambiguous in width that a Chinese font sets a full cell wide
WIDE_PUNCTUATION = "—…“”‘’"


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF" or ch in WIDE_PUNCTUATION


def printed_cells(text: str) -> float:
    """The widest line of ``text`` as a renderer prints it: Chinese (and the punctuation
    a Chinese font sets) 1 cell, digits and Latin letters ½, and the gap renderers put
    where Chinese meets digits — 「2024年10月1日」 is 7.5 cells of glyphs and 8.75 printed."""
    def cells(line: str) -> float:
        wide = [_wide(ch) for ch in line]
        changes = sum(a != b for a, b in zip(wide, wide[1:], strict=False))
        return sum(1.0 if w else 0.5 for w in wide) + AUTOSPACE_CELLS * changes
    return max((cells(line) for line in text.split("\n")), default=0.0)
