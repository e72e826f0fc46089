"""Rules on the elements the standard places: title, 版头, 署名 and 成文日期, 版记,
附件说明 and the attachment pages."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..layout import standard
from .closing_rules import ATTACHMENT_LABEL, ATTACHMENT_NOTE, closing_findings
from .fonts import is_han, official, typeface
from .measure import PT_TO_MM, Char, Line, is_red
from .page import (
    BOTTOM,
    DATE_LINE,
    EDGE_TOLERANCE_MM,
    END_BLOCK_LINE,
    LEFT,
    RIGHT,
    SIZE_TOLERANCE_PT,
    TOP,
    Page,
    closing_date,
    where,
)
from .report import Finding
from .rules import (
    ATTACHMENTS_AGREE,
    END_BLOCK_ODD_PAGE,
    END_BLOCK_RULES,
    HEADER_MARK,
    HEADER_RULE,
    SIGNATURE_ALONE,
    SIGNATURE_PLACE,
    TITLE_STYLE,
)


def element_findings(file: str, pages: Sequence[Page], *, letter: bool = False
                     ) -> Iterator[Finding]:
    """``letter``: a letter (10.1) has no 文件 版头, and its 版记 (the 抄送 alone, no rules)
    stands on its last page, odd or even."""
    if pages:
        yield from _title(file, pages[0])
        if not letter:
            yield from _header(file, pages[0])
    yield from _end_block_and_signature(file, pages, letter)
    yield from closing_findings(file, pages)
    yield from _attachments(file, pages)


def _end_block_and_signature(file: str, pages: Sequence[Page], letter: bool = False
                             ) -> Iterator[Finding]:
    for page in pages:
        text = page.text_lines()
        ends = [] if letter else [line for line in text if END_BLOCK_LINE.search(line.text)]
        if ends and page.number % 2 and len(pages) >= 1 and not page.landscape:
            yield Finding(END_BLOCK_ODD_PAGE, excerpt=ends[0].text[:16],
                          measured=f"版记 on page {page.number}", expected="on an even page",
                          hint="the 版记 sits at the bottom of the last even page",
                          **where(file, page, ends[0]))
        if ends and not page.landscape:
            yield from _end_block_rules(file, page, ends)
        for index, line in enumerate(text):
            if not closing_date(line):
                continue
            if index and (_organ_signature(page, text[index - 1])
                          or _joint_seals_over(page, text[index - 1])):
                yield from _signature_place(file, page, text[index - 1], line)
            above = [other for other in text[:index]
                     if not other.is_red and other.x0 < LEFT + 3 * standard.ONE_CHAR_MM]
            if not above:
                yield Finding(SIGNATURE_ALONE, excerpt=line.text,
                              measured="署名 and 成文日期 with no body text above them",
                              expected="at least one line of the body on their page",
                              hint="adjust line or character spacing so they stay with "
                                   "the body", **where(file, page, line))


def _title(file: str, page: Page) -> Iterator[Finding]:
    """The title: the centred lines above the 主送机关 (a line flush left ending in
    「：」), 二号小标宋.  A page with no 主送机关 (a 简报, a form) has no title to check."""
    lines = [line for line in page.text_lines() if not page.in_table(line)]
    left = min((line.x0 for line in lines), default=LEFT)
    addressee = next((i for i, line in enumerate(lines)
                      if line.text.endswith(("：", ":")) and abs(line.x0 - left) < 1.0), None)
    if addressee is None:
        return
    title: list[Line] = []
    for line in reversed(lines[:addressee]):
        centred = abs((line.x0 + line.x1) / 2 - standard.PAGE_WIDTH_MM / 2) < 4.0
        if line.is_red or not centred or "〔" in line.text or line.text.endswith("号"):
            break
        title.insert(0, line)
    if not title:
        return
    size = max(line.size for line in title)
    fonts = [c.font for line in title for c in line.chars if is_han(c.text)]
    face = typeface(max(set(fonts), key=fonts.count)) if fonts else None
    problems = []
    if abs(size - standard.ERHAO) > SIZE_TOLERANCE_PT:
        problems.append(f"{size:g} pt")
    if face is not None and face != "xiaobiaosong":
        problems.append(official(face, fonts[0]))
    if problems:
        yield Finding(TITLE_STYLE, excerpt="".join(line.text for line in title)[:20],
                      measured="title in " + ", ".join(problems),
                      expected=f"二号 ({standard.ERHAO:g} pt) 小标宋", hint="标题用二号小标宋体字",
                      **where(file, page, title[0]))


def _end_block_rules(file: str, page: Page, ends: list[Line]) -> Iterator[Finding]:
    """The 版记 between two thick rules as wide as the 版心, the last on its bottom edge."""
    thick = [r for r in page.rules if r.width >= (standard.END_RULE_THICK_MM
                                                   + standard.END_RULE_THIN_MM) / 2
             and not is_red(r.color)]
    problems = []
    if not any(r.y < ends[0].top for r in thick):
        problems.append("no thick rule above it")
    below = [r for r in thick if r.y > ends[-1].bottom]
    if not below:
        problems.append("no thick rule below it")
    elif abs(below[-1].y - BOTTOM) > 1.5:
        problems.append(f"its last rule at {below[-1].y:.1f} mm, not on the 版心's bottom edge")
    short = [r for r in thick if r.x1 - r.x0 < standard.TEXT_BLOCK_WIDTH_MM - 2]
    if short:
        problems.append(f"a rule {short[0].x1 - short[0].x0:.0f} mm long")
    if problems:
        yield Finding(END_BLOCK_RULES, excerpt=ends[0].text[:16], measured="版记 with "
                      + "; ".join(problems),
                      expected=f"between two {standard.END_RULE_THICK_MM} mm rules of "
                               f"{standard.TEXT_BLOCK_WIDTH_MM:.0f} mm, the last at "
                               f"{BOTTOM:.0f} mm", **where(file, page, ends[0]))


def _signature_place(file: str, page: Page, name: Line, date: Line) -> Iterator[Finding]:
    """无印章 (7.3.5.2): the 署名 right-aligned two characters in, the 成文日期's first
    character two characters right of the 署名's first (or, when the date is the longer,
    the date right-aligned two characters in); under a seal (a picture over both),
    加盖印章 (7.3.5.1): the date right-aligned four characters in, the 署名 centred on it."""
    if date.baseline - name.baseline > 1.6 * standard.LINE_PITCH_MM:  # a blank line between
        yield from _signed_place(file, page, name, date)
        return
    two = standard.SIGNATURE_RIGHT_INDENT_CHARS * standard.CHAR_PITCH_MM
    tolerance = 1.5
    name_start, date_start = name.chars[0].origin, date.chars[0].origin
    name_end, date_end = _cell_end(name.chars), _cell_end(date.chars)
    hint = "署名右空二字; 成文日期首字比署名首字右移二字"
    if _sealed(page, name, date):  # 加盖印章 (7.3.5.1): date 4 characters in, name over it
        four = standard.SEALED_DATE_RIGHT_INDENT_CHARS * standard.CHAR_PITCH_MM
        # 联合行文: names side by side under their seals; the last is over the date
        last = _name_nearest(name, (date_start + date_end) / 2)
        name_start, name_end = last[0].origin, _cell_end(last)
        if abs(date_end - (RIGHT - four)) > tolerance:
            measured, expected, what = date_end, RIGHT - four, "成文日期's right edge (sealed)"
        else:
            measured = (name_start + name_end) / 2 - (date_start + date_end) / 2
            expected, what = 0.0, "署名's centre off the 成文日期's (sealed)"
        hint = "加盖印章: 成文日期右空四字, 署名以成文日期为准居中"
    elif date_end - date_start > name_end - name_start + tolerance:  # the date is the longer
        measured, expected = date_end, RIGHT - two
        what = "成文日期's right edge"
    elif abs(name_end - (RIGHT - two)) > tolerance:
        measured, expected, what = name_end, RIGHT - two, "署名's right edge"
    else:
        measured, expected = date_start - name_start, two
        what = "成文日期's first character right of the 署名's by"
    if abs(measured - expected) > tolerance:
        yield Finding(SIGNATURE_PLACE, excerpt=f"{name.text[:10]} / {date.text}",
                      measured=f"{what} {measured:.1f} mm", expected=f"{expected:.1f} mm",
                      hint=hint, **where(file, page, date))


def _signed_place(file: str, page: Page, name: Line, date: Line) -> Iterator[Finding]:
    """签发人签名章 (7.3.5.3, the 命令（令）格式's closing): the 签名章 (a picture, or the
    name) right-aligned four characters in, the 职务 left of it, a blank line, then the
    成文日期 right-aligned four characters in."""
    want = RIGHT - standard.ORDER_SIGNATURE_RIGHT_CHARS * standard.CHAR_PITCH_MM
    stamps = [x1 for x0, top, x1, bottom in page.pictures
              if top < name.bottom and bottom > name.top and x0 >= name.x0]
    for what, measured in (("签名章's right edge", max([_cell_end(name.chars), *stamps])),
                           ("成文日期's right edge", _cell_end(date.chars))):
        if abs(measured - want) > 1.5:
            yield Finding(SIGNATURE_PLACE, excerpt=f"{name.text[:10]} / {date.text}",
                          measured=f"{what} {measured:.1f} mm", expected=f"{want:.1f} mm",
                          hint="加盖签发人签名章: 签名章右空四字, 成文日期在其下空一行右空四字",
                          **where(file, page, date))
            return


def _sealed(page: Page, name: Line, date: Line) -> bool:
    """Whether a picture (the seal) lies over both the 署名 and the 成文日期."""
    return any(x0 < date.chars[-1].x1 and x1 > date.chars[0].x0 and top < name.bottom
               and bottom > date.top for x0, top, x1, bottom in page.pictures)


def _joint_seals_over(page: Page, line: Line) -> bool:
    """Whether ``line`` is the names of a joint document side by side, under two or more
    seals (pictures over the line)."""
    over = [p for p in page.pictures if p[1] < line.top and p[3] > line.bottom]
    return len(over) >= 2 and not page.in_table(line) and not any(c in line.text for c in "：:")


def _name_nearest(line: Line, centre: float) -> list[Char]:
    """The run of ``line``'s characters (names side by side are apart by a cell or more)
    whose middle is nearest ``centre``."""
    groups: list[list[Char]] = [[line.chars[0]]]
    for char in line.chars[1:]:
        if char.x0 - groups[-1][-1].x1 > standard.CHAR_PITCH_MM:
            groups.append([char])
        else:
            groups[-1].append(char)
    return min(groups, key=lambda g: abs((g[0].x0 + g[-1].x1) / 2 - centre))


def _cell_end(chars: Sequence[Char]) -> float:
    """Where the last character's cell ends (its glyph may be narrower than the cell)."""
    last = chars[-1]
    return max(last.x1, last.origin + last.size * PT_TO_MM)


def _organ_signature(page: Page, line: Line) -> bool:
    """Whether ``line`` is an organ's 署名 (right of centre, running text), not a form's
    signing line (「承诺人（签名）：」, 「支部书记：」) or a table's cell."""
    return (line.x0 > LEFT + standard.TEXT_BLOCK_WIDTH_MM / 3 and not page.landscape
            and not page.in_table(line) and not any(c in line.text for c in "：:")
            and "签名" not in line.text and "盖章" not in line.text)


_DOC_NUMBER_LINE = re.compile(r"^[\u4e00-\u9fff]+[〔\[【（(［]\d{4}[〕\]】）)］]\S*号")


def _header(file: str, page: Page) -> Iterator[Finding]:
    """The 版头 when there is one (a 发文字号 under large centred lines): the 发文机关标志
    red, its top 35 mm below the 版心's top; a red rule 4 mm under the 发文字号, as wide as
    the 版心."""
    lines = page.text_lines()
    number = next((i for i, line in enumerate(lines[:8]) if _DOC_NUMBER_LINE.match(line.text)),
                  None)
    if number is None:
        return
    marks = [line for line in lines[:number] if line.size > standard.SANHAO + SIZE_TOLERANCE_PT
             and abs((line.x0 + line.x1) / 2 - standard.PAGE_WIDTH_MM / 2) < 4.0]
    if marks:
        mark = marks[0]
        top = TOP + standard.MARK_TOP_BELOW_TEXT_BLOCK_MM
        problems = []
        if not all(line.is_red for line in marks):
            problems.append("not red")
        if abs(mark.top - top) > standard.POSITION_TOLERANCE_MM + EDGE_TOLERANCE_MM:
            problems.append(f"its top at {mark.top:.1f} mm")
        if problems:
            yield Finding(HEADER_MARK, excerpt=mark.text[:16], measured="发文机关标志 "
                          + ", ".join(problems), expected=f"red, its top at {top:.0f} mm "
                          f"({standard.MARK_TOP_BELOW_TEXT_BLOCK_MM:.0f} mm below the 版心's top)",
                          **where(file, page, mark))
    doc_number = lines[number]
    red = [r for r in page.rules if is_red(r.color) and r.y > doc_number.bottom]
    want = doc_number.bottom + standard.RED_RULE_BELOW_DOC_NUMBER_MM
    if not marks:
        return  # a 发文字号 without a 版头 (an upward or plain document): no rule to expect
    if not red:
        problem = "no red rule under the 发文字号"
    elif abs(red[0].y - want) > 1.5:
        problem = f"the red rule {red[0].y - doc_number.bottom:.1f} mm under the 发文字号"
    elif abs((red[0].x1 - red[0].x0) - standard.TEXT_BLOCK_WIDTH_MM) > 2.0:
        problem = f"the red rule {red[0].x1 - red[0].x0:.0f} mm long"
    else:
        return
    yield Finding(HEADER_RULE, excerpt=doc_number.text, measured=problem,
                  expected=f"a red rule {standard.RED_RULE_BELOW_DOC_NUMBER_MM:g} mm under the "
                           f"发文字号, {standard.TEXT_BLOCK_WIDTH_MM:.0f} mm long",
                  **where(file, page, doc_number))


def _attachments(file: str, pages: Sequence[Page]) -> Iterator[Finding]:
    """附件说明 and the attachment pages agree (7.3.4, 7.3.7): a page labelled 附件N (附件
    alone when one is listed) is the N-th name listed and titled so, the pages in order.
    A name without a page travels apart (另发); a document whose attachments all do has
    no pages to compare and no finding."""
    attached: list[tuple[Page, Line, str, str]] = []  # page, label line, number, title
    for page in pages:
        text = [line for line in page.text_lines() if not page.in_table(line)]
        if text and ATTACHMENT_LABEL.match(text[0].text):
            titles = [line.text for line in text[1:3] if line.size > standard.SANHAO]
            attached.append((page, text[0], ATTACHMENT_LABEL.match(text[0].text)[1],
                             "".join(titles)))
    if not attached:
        return
    listed: list[str] = []
    note_line, note_page = None, None
    for page in pages:
        if page is attached[0][0]:
            break
        for line in page.text_lines():
            if note_line is None and ATTACHMENT_NOTE.match(line.text):
                note_line, note_page = line, page
                listed.append(line.text[3:])
            elif note_line is not None and line.x0 > note_line.x0 + standard.ONE_CHAR_MM \
                    and not DATE_LINE.match(line.text) and line.x0 < LEFT + 6 * standard.ONE_CHAR_MM:
                listed.append(line.text)  # a later name, or a long name's next line
            elif note_line is not None:
                break
        if note_line is not None:
            break
    names = [re.sub(r"^\d+[.．]", "", part).strip()
             for part in re.split(r"(?=(?:^|(?<=[^\d]))\d+[.．])", "".join(listed)) if part.strip()]
    first = attached[0]
    # a page labelled 附件N is the N-th name listed; names without pages travel apart (另发)
    numbers = [int(number) if number else 1 for _, _, number, _ in attached]
    if len(attached) > len(names) or numbers != sorted(set(numbers)) or numbers[-1] > len(names):
        yield Finding(ATTACHMENTS_AGREE, excerpt=note_line.text[:20] if note_line else first[1].text,
                      measured=f"附件说明 lists {len(names)}, attachment pages labelled "
                               + "、".join(label.text for _, label, _, _ in attached),
                      expected="a page for a name listed is labelled by its place, in order",
                      **where(file, note_page or first[0], note_line or first[1]))
        return
    for (page, label, number, title), wanted in zip(attached, numbers, strict=True):
        name = names[wanted - 1]
        want_number = str(wanted) if len(names) > 1 else ""
        problems = []
        if number != want_number:
            problems.append(f"labelled 附件{number}")
        if title.replace(" ", "") != name.replace(" ", ""):
            problems.append(f"titled 「{title}」")
        if problems:
            yield Finding(ATTACHMENTS_AGREE, excerpt=label.text,
                          measured=", ".join(problems),
                          expected=f"附件{want_number} titled 「{name}」 as the 附件说明 lists it",
                          **where(file, page, label))
