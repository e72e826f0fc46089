"""Rules measured on the rendered page: paper, 版心, body grid, page numbers, fonts."""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Iterator, Sequence

from ..layout import standard
from ..layout.standard import Profile
from .fonts import is_han, official, typeface
from .letter_rules import Letterhead, in_letterhead
from .measure import PT_TO_MM, Line, page_number
from .page import (
    BOTTOM,
    CHAR_PITCH_TOLERANCE_MM,
    EDGE_TOLERANCE_MM,
    END_BLOCK_LINE,
    HANGING_HINT,
    LEFT,
    MARGIN_HINT,
    MIN_BODY_CHARS,
    PITCH_TOLERANCE_MM,
    RIGHT,
    SIZE_TOLERANCE_PT,
    TOP,
    Page,
    where,
)
from .report import Finding
from .rules import (
    BODY_FONT,
    BODY_SIZE,
    CHARS_PER_LINE,
    FONT_NOT_EMBEDDED,
    LINE_PITCH,
    OUTSIDE_TEXT_BLOCK,
    PAGE_NUMBER_HEIGHT,
    PAGE_NUMBER_MISSING,
    PAGE_NUMBER_ON_BLANK,
    PAGE_NUMBER_PLACE,
    PAGE_NUMBER_SIZE,
    PAGE_SIZE,
)


def page_findings(file: str, pages: Sequence[Page], profile: Profile, *,
                  letter: Letterhead | None = None) -> Iterator[Finding]:
    """``letter``: the document is a letter (10.1) with this letterhead, printed above
    the 版心 of page 1, which has no page number."""
    for page in pages:
        yield from _paper(file, page)
        if not page.landscape:
            yield from _text_block(file, page, letter)
    yield from _body(file, pages, profile)
    yield from _page_numbers(file, pages[1:] if letter else pages, profile)


def _paper(file: str, page: Page) -> Iterator[Finding]:
    short, long = sorted((page.width, page.height))
    if (abs(short - standard.PAGE_WIDTH_MM) > standard.POSITION_TOLERANCE_MM
            or abs(long - standard.PAGE_HEIGHT_MM) > standard.POSITION_TOLERANCE_MM):
        yield Finding(PAGE_SIZE, excerpt="", measured=f"{page.width:.1f} × {page.height:.1f} mm",
                      expected="A4, 210 × 297 mm", **where(file, page, None))


def _text_block(file: str, page: Page, letter: Letterhead | None) -> Iterator[Finding]:
    """Every glyph inside the 版心 (the page number below it and a letterhead above it
    excepted)."""
    for line in page.text_lines():
        if in_letterhead(letter, page, line):
            continue
        worst = None
        for char in line.chars:
            if char.x1 > RIGHT + EDGE_TOLERANCE_MM:
                worst = worst or (char, f"ends at {char.x1:.1f} mm, {char.x1 - RIGHT:.1f} mm "
                                        f"right of the 版心", f"≤ {RIGHT:.0f} mm")
            elif char.x0 < LEFT - EDGE_TOLERANCE_MM:
                worst = worst or (char, f"starts at {char.x0:.1f} mm, {LEFT - char.x0:.1f} mm "
                                        f"left of the 版心", f"≥ {LEFT:.0f} mm")
        if worst is None and line.bottom > BOTTOM + EDGE_TOLERANCE_MM:
            worst = (line.chars[0], f"bottom at {line.bottom:.1f} mm, below the 版心",
                     f"≤ {BOTTOM:.0f} mm")
        if worst is None and line.top < TOP - EDGE_TOLERANCE_MM:
            worst = (line.chars[0], f"top at {line.top:.1f} mm, above the 版心", f"≥ {TOP:.0f} mm")
        if worst is not None:
            char, measured, expected = worst
            yield Finding(OUTSIDE_TEXT_BLOCK, excerpt=line.text[-12:] if char is line.chars[-1]
                          else line.text[:12], measured=f"「{char.text}」 {measured}",
                          expected=expected,
                          hint=HANGING_HINT if "right of" in measured else MARGIN_HINT,
                          **where(file, page, line))


def _running_text(pages: Sequence[Page]) -> list[tuple[Page, Line]]:
    return [(page, line) for page in pages if not page.landscape for line in page.text_lines()
            if not line.is_red and not page.in_table(line)]


def _body(file: str, pages: Sequence[Page], profile: Profile) -> Iterator[Finding]:
    """Body size, line pitch (22 lines a page) and character pitch (28 a line)."""
    running = _running_text(pages)
    weights: dict[float, int] = {}
    for _, line in running:
        for char in line.chars:
            weights[char.size] = weights.get(char.size, 0) + 1
    if sum(weights.values()) < MIN_BODY_CHARS:
        return
    size = max(weights, key=weights.__getitem__)
    sized = [(page, line) for page, line in running if line.size == size]
    longest = max(len(line.text) for _, line in sized)
    first = next(item for item in sized if len(item[1].text) >= 0.9 * longest)  # body
    faces: dict[str | None, list[str]] = {}
    for _, line in sized:
        for char in line.chars:
            if is_han(char.text):
                faces.setdefault(typeface(char.font), []).append(char.font)
    face = max(faces, key=lambda f: len(faces[f]), default="fangsong")
    if face is not None and face != "fangsong":
        yield Finding(BODY_FONT, excerpt=first[1].text[:16],
                      measured=f"body in {official(face, faces[face][0])}",
                      expected=f"仿宋 ({standard.FANGSONG})", hint="正文用三号仿宋",
                      **where(file, *first))
    if abs(size - standard.SANHAO) > SIZE_TOLERANCE_PT:
        yield Finding(BODY_SIZE, excerpt=first[1].text[:16], measured=f"body in {size:g} pt",
                      expected=f"三号, {standard.SANHAO:g} pt", hint="正文用三号仿宋",
                      **where(file, *first))
        return  # pitches follow from the size: one finding says it
    steps = []
    for page in pages:
        body = [line for p, line in running if p is page and line.size == size]
        steps += [round(b.baseline - a.baseline, 2) for a, b in zip(body, body[1:], strict=False)
                  if 0 < b.baseline - a.baseline < 15]
    expected_pitch = profile.exact_line_pt * PT_TO_MM if profile.line_spacing == "exact" \
        else standard.LINE_PITCH_MM
    if len(steps) >= 3:
        pitch = statistics.mode(steps)
        if abs(pitch - expected_pitch) > PITCH_TOLERANCE_MM:
            lines = standard.TEXT_BLOCK_HEIGHT_MM / pitch
            yield Finding(LINE_PITCH, excerpt=first[1].text[:16],
                          measured=f"lines {pitch:.2f} mm apart ({lines:.1f} a page)",
                          expected=f"{expected_pitch:.2f} mm ({standard.LINES_PER_PAGE} a page)",
                          hint="exact line spacing of 28.95 pt, or the 22-line document grid",
                          **where(file, *first))
    gaps = [b.origin - a.origin for _, line in running if line.size == size
            for a, b in zip(line.chars, line.chars[1:], strict=False)
            if unicodedata.east_asian_width(a.text) == "W"
            and unicodedata.category(a.text) == "Lo"]
    if len(gaps) >= MIN_BODY_CHARS:
        char_pitch = statistics.median(gaps)
        if abs(char_pitch - standard.CHAR_PITCH_MM) > CHAR_PITCH_TOLERANCE_MM:
            per_line = standard.TEXT_BLOCK_WIDTH_MM / char_pitch
            yield Finding(CHARS_PER_LINE, excerpt=first[1].text[:16],
                          measured=f"characters {char_pitch:.2f} mm apart ({per_line:.1f} a line)",
                          expected=f"{standard.CHAR_PITCH_MM:.2f} mm "
                                   f"({standard.CHARS_PER_LINE} a line)",
                          hint="the 28-character grid, or −0.25 pt character spacing",
                          **where(file, *first))


def _page_numbers(file: str, pages: Sequence[Page], profile: Profile) -> Iterator[Finding]:
    one_char = standard.ONE_CHAR_MM
    for page in pages:
        found = page_number(page.lines)
        text = page.text_lines()
        if found is None:
            # a landscape table page prints its number turned, beside the table
            if text and not page.landscape and not any(END_BLOCK_LINE.search(line.text) for line in text):
                yield Finding(PAGE_NUMBER_MISSING, excerpt=text[0].text[:16],
                              measured="no 「— N —」", expected="a page number on every page",
                              **where(file, page, None))
            continue
        number, line = found
        here = where(file, page, line)
        if not text:
            yield Finding(PAGE_NUMBER_ON_BLANK, excerpt=line.text, measured="a number on "
                          "a blank page", expected="none", **here)
        if abs(line.size - standard.PAGE_NUMBER_SIZE) > SIZE_TOLERANCE_PT:
            yield Finding(PAGE_NUMBER_SIZE, excerpt=line.text, measured=f"{line.size:g} pt",
                          expected=f"四号, {standard.PAGE_NUMBER_SIZE:g} pt", **here)
        if page.landscape:
            continue
        if profile.page_number_align == "center":
            measured, expected = (line.x0 + line.x1) / 2, standard.PAGE_WIDTH_MM / 2
            placed, want = f"centred at {measured:.1f} mm", f"centred at {expected:.1f} mm"
        elif page.number % 2:
            measured, expected = line.x1, RIGHT - one_char
            placed, want = f"right edge at {measured:.1f} mm", f"{expected:.1f} mm (right, 一字 in)"
        else:
            measured, expected = line.x0, LEFT + one_char
            placed, want = f"left edge at {measured:.1f} mm", f"{expected:.1f} mm (left, 一字 in)"
        if abs(measured - expected) > standard.POSITION_TOLERANCE_MM:
            yield Finding(PAGE_NUMBER_PLACE, excerpt=line.text, measured=placed,
                          expected=want, hint="odd pages right, even pages left, one "
                          "character in (different odd and even footers)", **here)
        top = BOTTOM + standard.PAGE_NUMBER_BELOW_TEXT_BLOCK_MM
        if abs(line.top - top) > 2.0:
            yield Finding(PAGE_NUMBER_HEIGHT, excerpt=line.text,
                          measured=f"top at {line.top:.1f} mm", expected=f"≈ {top:.0f} mm "
                          "(7 mm below the 版心)", **here)


def font_findings(file: str, pages: Sequence[Page], embedded: dict[str, bool],
                  ) -> Iterator[Finding]:
    """A font the PDF does not embed prints in whatever the reader's machine has: one
    finding per such font, naming the typeface it stands for and its first use."""
    for font, inside in embedded.items():
        if inside:
            continue
        first = next(((page, line) for page in pages for line in page.lines
                      if any(c.font == font for c in line.chars)), None)
        if first is None:
            continue
        page, line = first
        count = sum(c.font == font for each in pages for row in each.lines for c in row.chars)
        yield Finding(FONT_NOT_EMBEDDED, excerpt=line.text[:16],
                      measured=f"{official(typeface(font), font)} not embedded "
                               f"({count} characters)",
                      expected="every font embedded", hint="export the PDF with fonts embedded "
                      "(Word: 选项 › 保存 › 将字体嵌入文件; or convert it with gongwen)",
                      **where(file, page, line))


