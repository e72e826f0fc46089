"""Rules on the lines around the 署名: the 附件说明's names and the 附注 (GB/T 9704
7.3.4, 7.3.6), as a reader sees them on the page."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..layout import standard
from .measure import Line
from .page import DATE_LINE, LEFT, Page, closing_date, where
from .report import Finding
from .rules import ATTACHMENT_NOTE_WRAP, NOTE_DETACHED

ATTACHMENT_NOTE = re.compile(r"^附件[:：]")
#: the label atop an attachment's first page: 「附件」, or 「附件2」 when several are listed
ATTACHMENT_LABEL = re.compile(r"^附件(\d*)$")
_NUMBER = re.compile(r"^\d+[.．]")
#: how far a wrapped name's line may start from its first character (ink, rounding)
WRAP_TOLERANCE_MM = 1.0


def closing_findings(file: str, pages: Sequence[Page]) -> Iterator[Finding]:
    yield from _attachment_note_wrap(file, pages)
    yield from _detached_note(file, pages)


def _detached_note(file: str, pages: Sequence[Page]) -> Iterator[Finding]:
    """A 附注 (「（…）」 two cells in) that opens a page whose previous page ends with the
    成文日期: it belongs on the line under the date (7.3.6), not alone over the page."""
    for before, page in zip(pages, pages[1:], strict=False):
        ended = before.text_lines()
        opened = [line for line in page.text_lines() if not line.is_red]
        if not ended or not opened:
            continue
        date, note = ended[-1], opened[0]
        # two cells in; 「（」's ink sits in the right half of its cell
        cells = (note.x0 - LEFT) / standard.ONE_CHAR_MM
        if (closing_date(date) and note.text.startswith("（") and note.text.endswith("）")
                and standard.BODY_INDENT_CHARS - 0.5 < cells < standard.BODY_INDENT_CHARS + 1):
            yield Finding(NOTE_DETACHED, excerpt=note.text[:16],
                          measured=f"附注 at the top of page {page.number}, its 成文日期 at "
                                   f"the foot of page {before.number}",
                          expected="the 附注 on the line under the 成文日期",
                          hint="keep the 成文日期 with the 附注 (move the body's last lines "
                               "over with the closing, or tighten the spacing)",
                          **where(file, page, note))


def _attachment_note_wrap(file: str, pages: Sequence[Page]) -> Iterator[Finding]:
    """In the 附件说明, 「2.」 starts under 「1.」 and a long name's next line under the
    name's first character (past its 「1.」, or past 「附件：」 when there is one name)."""
    for page in pages:
        lines = page.text_lines()
        first = next((i for i, line in enumerate(lines) if ATTACHMENT_NOTE.match(line.text)
                      and line.x0 < LEFT + 3 * standard.ONE_CHAR_MM), None)
        if first is None:
            continue
        head = lines[first]
        numbered = _NUMBER.match(head.text[3:])
        number_x = head.chars[3].x0 if len(head.chars) > 3 else head.x1
        name_x = _name_start(head, 3)
        above = head
        for line in lines[first + 1:]:
            # the note's lines follow one another a line apart; a blank line ends it
            if (DATE_LINE.match(line.text) or not line.chars
                    or line.baseline - above.baseline > 1.3 * standard.LINE_PITCH_MM
                    or line.x0 > name_x + 3 * standard.ONE_CHAR_MM):  # a 署名 set close
                break
            above = line
            if numbered and _NUMBER.match(line.text):
                wanted, what = number_x, "「1.」"
                name_x = _name_start(line, 0)
            else:
                wanted, what = name_x, "the name's first character"
            if abs(line.x0 - wanted) > WRAP_TOLERANCE_MM:
                yield Finding(ATTACHMENT_NOTE_WRAP, excerpt=line.text[:16],
                              measured=f"starts at {line.x0 - LEFT:.1f} mm",
                              expected=f"under {what}, at {wanted - LEFT:.1f} mm",
                              hint="附件名称回行时与上一行附件名称的首字对齐",
                              **where(file, page, line))
        return


def _name_start(line: Line, at: int) -> float:
    """x of the first character of the name that starts at ``line.chars[at]`` (past its
    「1.」 when it has one)."""
    found = _NUMBER.match(line.text[at:])
    index = at + (len(found.group(0)) if found else 0)
    return line.chars[index].x0 if index < len(line.chars) else line.x1
