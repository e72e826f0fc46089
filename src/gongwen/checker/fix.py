"""``check --fix``: the safe fixes, applied to a copy of a DOCX.

Safe means the words stay as they are: page setup (A4, margins), the line pitch, body,
title and heading fonts and sizes (each paragraph gets gongwen's style for its role and
loses the direct formatting that overrode it), 〔〕 and the serial of a 发文字号, dates
in Arabic digits without padding, and 「— N —」 page-number footers.  Numbering slips,
a 署名 alone on its page and the like are reported by ``check``, never touched.

Before the copy is written, its text is compared with the original's: anything but the
characters the fixes changed differs → nothing is written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph

from ..errors import GongwenError
from ..inputs.docx import auto_numbered, letterhead_mark, open_docx
from ..layout import standard
from ..layout.rules import place_date, right_indent, signature_indents
from ..layout.standard import Profile
from ..templating.builder.base import add_page_number_footers, add_style, set_page
from ..templating.builder.letter import letter_number_style, letter_styles
from ..text import parse_chinese_numeral

#: direct formatting that overrides a style's font, size, spacing or indent
_RUN_OVERRIDES = ("w:rFonts", "w:sz", "w:szCs", "w:spacing", "w:kern", "w:w", "w:position")
_PARAGRAPH_OVERRIDES = ("w:spacing", "w:ind", "w:jc", "w:snapToGrid", "w:numPr")
_HEADINGS = (
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^（[一二三四五六七八九十]+）"),
    re.compile(r"^\d+\.(?!\d)"),
    re.compile(r"^（\d+）"),
)
_END_BLOCK = re.compile(r"^(抄送|印发|分送)[:：]|印发$")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]+[\[【（(［〔]\s*\d{4}\s*[\]】）)］〕]\s*第?\d+号")
_DATE = re.compile(r"^\s*(\d{4}|[〇○零一二三四五六七八九]{4})年\S{1,3}月\S{1,3}日\s*$")
_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}


class FixRefused(GongwenError):
    """The fixed copy's text would differ from the original's beyond the fixes."""

    exit_code = 3


@dataclass
class FixResult:
    docx: bytes
    #: what was done, one line each
    fixes: list[str] = field(default_factory=list)


def fix_docx(data: bytes, profile: Profile = standard.STRICT, *,
             name: str = "document.docx") -> FixResult:
    """The safe fixes applied to a copy of the DOCX ``data`` (the file ``name``)."""
    doc = open_docx(data, name)
    before = _texts(doc)
    result = FixResult(b"")
    letter = is_letter(doc)
    _ensure_styles(doc, profile, letter)
    for section in doc.sections:
        landscape = section.page_width > section.page_height
        header_distance = section.header_distance
        set_page(section, profile)
        if letter:  # the letterhead hangs from the header's top: gongwen's is put back
            section.header_distance = _letterhead_distance(section, header_distance)
        if landscape:
            section.page_width, section.page_height = section.page_height, section.page_width
    result.fixes.append("page: A4, margins 37/35/28/26 mm, 22 lines a page")
    _page_numbers(doc, profile, letter)
    result.fixes.append("page numbers: 「— N —」 四号, odd right / even left, one character in"
                        + ("; none on page 1 of the letter" if letter else ""))
    expected = list(before)
    for index, (paragraph, role) in enumerate(_roles(doc, letter)):
        if not _gongwen_role(paragraph):  # one gongwen styled keeps its role, others guessed
            if role is None:
                if paragraph.text.strip() and auto_numbered(paragraph):
                    result.fixes.append(f"paragraph {index + 1}: left as it is (Word's "
                                        "automatic numbering; type its number to have it "
                                        "styled)")
                continue
            paragraph.style = doc.styles.get_by_id(role, 1)
            if role != "GwLetterNumber":  # its 密级 and 紧急程度 keep their 黑体
                _strip(paragraph)
        for rewrite in (_doc_number, _date):
            for old, new in rewrite(paragraph):
                result.fixes.append(f"paragraph {index + 1}: {old} → {new}")
                expected[index] = expected[index].replace(old, new, 1)
    _place_signature(doc)
    result.fixes.append("styles: body 三号仿宋, title 二号小标宋, headings 黑体/楷体/仿宋")
    after = _texts(doc)
    if after != expected:
        changed = next(i for i, (a, b) in enumerate(zip(after, expected, strict=True)) if a != b)
        raise FixRefused(f"paragraph {changed + 1}: the fixed text would read "
                         f"{after[changed][:30]!r}, not {expected[changed][:30]!r}; nothing "
                         "written (hint: fix this document by hand)")
    buffer = io.BytesIO()
    doc.save(buffer)
    result.docx = buffer.getvalue()
    return result


def _place_signature(doc) -> None:
    """The 署名 and 成文日期 as 7.3.5.2 lays them (no seal), as gongwen's own layout does."""
    roles = _roles(doc)
    for (name, name_role), (date, date_role) in zip(roles, roles[1:], strict=False):
        if name_role == "GwSignature" and date_role == "GwDate":
            name_right, start = signature_indents(name.text.strip(), date.text.strip())
            right_indent(name, name_right)
            place_date(date, start)


def _texts(doc) -> list[str]:
    return [paragraph.text for paragraph in doc.paragraphs]


def is_letter(doc) -> bool:
    """Whether ``doc`` is laid out as a letter (10.1): page 1 has a header of its own
    with red text in it, the letterhead."""
    return letterhead_mark(doc) is not None


def _letterhead_distance(section, distance):
    """Where page 1's header starts: LETTER_MARK_TOP_MM for gongwen's letterhead (its mark
    on the header's first line), else as it was (a letterhead of another make)."""
    first = section.first_page_header.paragraphs
    if first and first[0].style is not None and first[0].style.style_id == "GwLetterMark":
        return Mm(standard.LETTER_MARK_TOP_MM)
    return distance


def _ensure_styles(doc, profile: Profile, letter: bool = False) -> None:
    present = {style.style_id for style in doc.styles}
    wanted = list(profile.styles.values()) + (list(letter_styles().values()) if letter else [])
    for element in wanted:
        if element.style_id not in present and element.name not in doc.styles:
            add_style(doc, element, profile)
            if element.style_id == "GwLetterNumber":
                letter_number_style(doc, profile)


def _page_numbers(doc, profile: Profile, letter: bool = False) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    first = doc.sections[0]
    # a letter's page 1 footer too: empty (首页不显示页码); its header, the letterhead, kept
    footers = [first.first_page_footer] if letter else []
    for footer in (*footers, first.footer, first.even_page_footer):
        footer.is_linked_to_previous = False
        body = footer._element
        for element in list(body):
            body.remove(element)
        footer.add_paragraph()
    add_page_number_footers(first, profile)
    first.different_first_page_header_footer = letter
    for section in doc.sections[1:]:
        section.footer.is_linked_to_previous = True
        section.even_page_footer.is_linked_to_previous = True


def _roles(doc, letter: bool = False) -> list[tuple[Paragraph, str | None]]:
    """Each body paragraph and the style id of its role (None: leave it alone).  In a
    letter the lines above the title (份号, 密级, 紧急程度, 发文字号) stay flush left,
    the 发文字号 at the right edge."""
    paragraphs = doc.paragraphs
    texts = [p.text.strip() for p in paragraphs]
    addressee = next((i for i, text in enumerate(texts)
                      if text.endswith(("：", ":")) and len(text) <= 40
                      and not any(h.match(text) for h in _HEADINGS)), None)
    title_end = addressee
    if addressee is None:  # no 主送: the title is the centred lines at the top
        title_end = next((i for i, (p, text) in enumerate(zip(paragraphs, texts, strict=True))
                          if text and not _centred(p) and not _DOC_NUMBER.search(text)), None)
    roles: list[tuple[Paragraph, str | None]] = []
    for index, (paragraph, text) in enumerate(zip(paragraphs, texts, strict=True)):
        role: str | None = "GwBody"
        if not text or _is_red(paragraph) or auto_numbered(paragraph):
            role = None  # Word's own numbering lives in the style: restyling would drop it
        elif letter and title_end is not None and index < title_end and not _centred(paragraph):
            role = "GwLetterNumber"
        elif _DOC_NUMBER.search(text) and len(text) <= 30 and (title_end is None
                                                               or index < title_end):
            role = "GwDocNumber"
        elif title_end is not None and index < title_end:
            role = "GwTitle"
        elif index == addressee:
            role = "GwAddressee"
        elif _END_BLOCK.search(text):
            role = "GwEndBlock"
        elif _DATE.match(text):
            role = "GwDate"
        elif index + 1 < len(texts) and _DATE.match(texts[index + 1]) and len(text) <= 30:
            role = "GwSignature"
        elif _is_phrase(text):  # a paragraph that runs on after its number stays body
            for level, pattern in enumerate(_HEADINGS, 1):
                if pattern.match(text):
                    role = f"GwHeading{level}"
                    break
        roles.append((paragraph, role))
    return roles


def _gongwen_role(paragraph: Paragraph) -> bool:
    """A paragraph in one of gongwen's role styles other than the body's keeps it and its
    own formatting (a mark shrunk to one line, an 附件's title): guessing its role again
    could only lose what the renderer knew.  Body paragraphs are still looked at, since
    a heading typed into a gongwen document in Word takes the body's style."""
    style = paragraph.style
    style_id = style.style_id if style is not None else ""
    return style_id.startswith("Gw") and style_id != "GwBody"


def _is_phrase(text: str) -> bool:
    """A heading's words: short, no sentence ending inside."""
    return len(text) <= 50 and not re.search(r"[。；;！？]", text[:-1])


def _centred(paragraph: Paragraph) -> bool:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    align = paragraph.alignment
    if align is None and paragraph.style is not None:
        align = paragraph.style.paragraph_format.alignment
    return align == WD_ALIGN_PARAGRAPH.CENTER


def _is_red(paragraph: Paragraph) -> bool:
    return any(run.font.color is not None and run.font.color.rgb is not None
               and str(run.font.color.rgb).upper() == standard.RED for run in paragraph.runs)


def _strip(paragraph: Paragraph) -> None:
    ppr = paragraph._p.pPr
    if ppr is not None:
        for tag in _PARAGRAPH_OVERRIDES:
            for element in ppr.findall(qn(tag)):
                ppr.remove(element)
    for run in paragraph.runs:
        rpr = run._r.rPr
        if rpr is None:
            continue
        for tag in _RUN_OVERRIDES:
            for element in rpr.findall(qn(tag)):
                rpr.remove(element)


def _rewrite_runs(paragraph: Paragraph, pattern: re.Pattern[str],
                  replace: Callable[[re.Match[str]], str]) -> list[tuple[str, str]]:
    """Rewrite each match of ``pattern`` that lies inside one run (one split across runs
    is left to ``check`` to report); the (old, new) text of each run changed."""
    changes = []
    for run in paragraph.runs:
        text = run.text
        changed = pattern.sub(replace, text)
        if changed != text:
            run.text = changed
            changes.append((text, changed))
    return changes


def _doc_number(paragraph: Paragraph) -> list[tuple[str, str]]:
    pattern = re.compile(r"(?P<code>[\u4e00-\u9fff]+)[\[【（(［〔]\s*(?P<year>\d{4})\s*"
                         r"[\]】）)］〕]\s*第?0*(?P<serial>\d+)号")
    return _rewrite_runs(paragraph, pattern, lambda m: f"{m['code']}〔{m['year']}〕{m['serial']}号")


def _date(paragraph: Paragraph) -> list[tuple[str, str]]:
    pattern = re.compile(r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})年(?P<m>[0-9一二三四五六七八九十]{1,3})月"
                         r"(?P<d>[0-9一二三四五六七八九十]{1,3})日")

    def arabic(match: re.Match[str]) -> str:
        year = "".join(_DIGITS.get(c, c) for c in match["y"])
        try:
            month, day = (int(v) if v.isdigit() else parse_chinese_numeral(v)
                          for v in (match["m"], match["d"]))
        except ValueError:
            return match[0]  # not a date after all: left as written
        return f"{year}年{month}月{day}日"

    return _rewrite_runs(paragraph, pattern, arabic)
