"""Where every page of a bundle goes, and the pages gongwen makes itself: cover and 目录.

The cover and 目录 are a DOCX laid out with python-docx on the GB/T 9704 page (A4, the
standard's margins, the 22-line pitch) and turned into PDF by the converter every other
document goes through, so that they share its fonts.  The numbers the 目录 prints
depend on how many pages the cover and 目录 themselves take, which only the rendered
PDF tells: :func:`render_front` renders, measures, and renders again until they agree.
"""

from __future__ import annotations

import io
import logging
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.styles.style import ParagraphStyle
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ..errors import BundleError
from ..layout import standard
from ..layout.ooxml import child, half_points, make_deterministic, prune_styles, set_fonts
from ..layout.rules import title_lines

log = logging.getLogger(__name__)

ToPdf = Callable[[bytes], bytes]
Numbering = Literal["body", "physical"]

#: the heading of the contents pages; an ideographic space spreads the two characters
TOC_HEADING = "目\u3000录"
COVER_BOOKMARK = "封面"
TOC_BOOKMARK = "目录"
LANGUAGE = "zh-CN"

COVER_TITLE_SIZE = standard.YIHAO
COVER_TITLE_LINE_PT = COVER_TITLE_SIZE * 1.5
#: the cover title's 一号 characters that fit one line of the text block
COVER_TITLE_CELLS_PER_LINE = math.floor(
    standard.mm_to_pt(standard.TEXT_BLOCK_WIDTH_MM) / COVER_TITLE_SIZE
)
#: words a bundle title is made of (「<活动><阶段>材料汇编」, an organ's 委员会): a cover
#: line may end after the first kind or before the second, as well as where a plan
#: title may break
_COVER_WORD_ENDS = re.compile(r"活动|阶段|委员会")
_COVER_WORD_STARTS = re.compile(r"材料汇编")
#: from the top of the text block to the cover title, and from the title to the organ:
#: room for three title lines and the organ and date on one page
COVER_TITLE_TOP_MM = 60.0
COVER_ORGAN_GAP_MM = 80.0
TOC_HEADING_SIZE = standard.ERHAO
#: one line of the 22-line grid, rounded down to whole twips so that 22 of them fit
LINE_PITCH_TWIPS = math.floor(standard.mm_to_pt(standard.LINE_PITCH_MM) * standard.TWIPS_PER_PT)
#: indent of an entry inside a group, in 一字
NESTED_INDENT_CHARS = standard.BODY_INDENT_CHARS
#: room a 目录 title leaves at the line's end for the dot leader and the number, in 一字:
#: a four-digit number (two 一字 of the Latin face) and at least one 一字 of dots
NUMBER_ROOM_CHARS = 3
#: renderings of the front before giving up on numbers that keep moving
MAX_RENDERS = 4

_TITLE_STYLE = "GwBundleTitle"
_ORGAN_STYLE = "GwBundleOrgan"
_TOC_HEADING_STYLE = "GwBundleTocHeading"
_TOC_GROUP_STYLE = "GwBundleTocGroup"
_TOC_ENTRY_STYLE = "GwBundleTocEntry"
_TOC_NESTED_STYLE = "GwBundleTocNested"
#: exceptions pypdf lets escape on malformed files besides its own
MALFORMED_PDF_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError)


@dataclass(frozen=True)
class TocLine:
    """One line of the 目录: a group heading (``page`` is ``None``) or an entry."""

    text: str
    page: int | None = None
    nested: bool = False


@dataclass(frozen=True)
class PagePlan:
    """0-based positions of every part of a bundle, for given cover and 目录 lengths."""

    cover_pages: int
    toc_start: int | None
    toc_pages: int
    starts: tuple[int, ...]  # first page of each entry
    blanks: frozenset[int]  # padding pages (duplex)
    total: int
    numbering: Numbering

    @property
    def body_start(self) -> int:
        return self.starts[0]

    def label(self, index: int) -> int:
        """The Arabic page label of page ``index``: the number the 目录 prints."""
        return index + 1 if self.numbering == "physical" else index - self.body_start + 1


def plan_pages(
    cover_pages: int, toc_pages: int, counts: Sequence[int], *, duplex: bool, numbering: Numbering
) -> PagePlan:
    """Lay out cover, 目录 and entries of ``counts`` pages; with ``duplex`` the 目录 and
    each entry start on an odd physical page, after a blank page where needed."""
    position = 0
    blanks: set[int] = set()

    def to_right_hand_page() -> None:
        nonlocal position
        if duplex and position % 2:
            blanks.add(position)
            position += 1

    position += cover_pages
    toc_start = None
    if toc_pages:
        to_right_hand_page()
        toc_start = position
        position += toc_pages
    starts = []
    for count in counts:
        to_right_hand_page()
        starts.append(position)
        position += count
    return PagePlan(cover_pages, toc_start, toc_pages, tuple(starts), frozenset(blanks),
                    position, numbering)


def toc_lines(entries: Sequence[tuple[str, str | None]], plan: PagePlan) -> list[TocLine]:
    """The 目录 for ``(title, group)`` pairs: a heading line where a group begins."""
    lines: list[TocLine] = []
    current: str | None = None
    for (title, group), start in zip(entries, plan.starts, strict=True):
        if group is not None and group != current:
            lines.append(TocLine(group))
        current = group
        lines.append(TocLine(title, plan.label(start), nested=group is not None))
    return lines


def render_front(
    render: ToPdf,
    entries: Sequence[tuple[str, str | None]],
    counts: Sequence[int],
    *,
    title: str,
    author: str | None,
    date_text: str,
    cover: bool,
    toc: bool,
    duplex: bool,
    numbering: Numbering,
) -> tuple[PdfReader, PagePlan]:
    """The rendered cover/目录 and the plan its measured length gives, rendered again
    while the 目录 it printed differs from the one that plan asks for."""
    cover_pages = 1 if cover else 0
    toc_pages = 0
    if toc:
        guess = plan_pages(cover_pages, 1, counts, duplex=duplex, numbering=numbering)
        toc_pages = estimate_toc_pages(toc_lines(entries, guess))
    for _ in range(MAX_RENDERS):
        plan = plan_pages(cover_pages, toc_pages, counts, duplex=duplex, numbering=numbering)
        lines = toc_lines(entries, plan) if toc else None
        docx = front_matter_docx(
            title=title if cover else None, author=author, date_text=date_text, toc=lines
        )
        front = _read_front(render(docx))
        cover_pages, toc_pages = _measure_front(front, cover=cover, toc=toc)
        actual = plan_pages(cover_pages, toc_pages, counts, duplex=duplex, numbering=numbering)
        if not toc or toc_lines(entries, actual) == lines:
            return front, actual
        log.debug("目录 numbers moved (front: %d + %d pages); rendering again",
                  cover_pages, toc_pages)
    raise BundleError(f"the 目录 page numbers did not settle after {MAX_RENDERS} renderings")


def front_matter_docx(
    *,
    title: str | None,
    author: str | None = None,
    date_text: str | None = None,
    toc: Sequence[TocLine] | None = None,
) -> bytes:
    """A DOCX with the cover (when ``title`` is given) and then the 目录 (when ``toc``
    is given), the 目录 starting on a new page."""
    doc = Document()
    _set_up_page(doc)
    _set_defaults(doc)
    _add_styles(doc)
    prune_styles(doc)
    if title is not None:
        run = doc.add_paragraph(style=_TITLE_STYLE).add_run()
        for index, line in enumerate(cover_title_lines(title)):
            if index:
                run.add_break()
            run.add_text(line)
        organ = doc.add_paragraph(author or "", style=_ORGAN_STYLE)
        organ.paragraph_format.space_before = Mm(COVER_ORGAN_GAP_MM)
        if date_text:
            doc.add_paragraph(date_text, style=_ORGAN_STYLE)
    if toc is not None:
        heading = doc.add_paragraph(TOC_HEADING, style=_TOC_HEADING_STYLE)
        heading.paragraph_format.page_break_before = title is not None
        # style ids resolved once: python-docx looks a style name up in every style
        style_ids = {name: doc.styles[name].style_id for name in
                     (_TOC_GROUP_STYLE, _TOC_NESTED_STYLE, _TOC_ENTRY_STYLE)}
        for line in toc:
            if line.page is None:
                name, text = _TOC_GROUP_STYLE, line.text
            else:
                name = _TOC_NESTED_STYLE if line.nested else _TOC_ENTRY_STYLE
                text = "\n".join(toc_title_lines(line)) + f"\t{line.page}"  # \n: w:br
            paragraph = doc.add_paragraph(text)
            paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_ids[name]
    out = io.BytesIO()
    doc.save(out)
    return make_deterministic(out.getvalue())  # equal bundles ask for equal front pages


def cover_title_lines(title: str) -> list[str]:
    """The cover title in balanced 一号 lines that end where a word does (LibreOffice
    would fill each line and cut 「材料汇编」 anywhere)."""
    breaks = [m.end() for m in _COVER_WORD_ENDS.finditer(title)]
    breaks += [m.start() for m in _COVER_WORD_STARTS.finditer(title)]
    return _whole_word_lines(title, COVER_TITLE_CELLS_PER_LINE, breaks)


def toc_title_lines(line: TocLine) -> list[str]:
    """An entry's title in the lines it takes beside the number's column: balanced, and
    broken where a word ends, as a plan's title is (not 「…的实/施方案」)."""
    cells = (standard.TEXT_BLOCK_WIDTH_MM / standard.ONE_CHAR_MM - NUMBER_ROOM_CHARS
             - (NESTED_INDENT_CHARS if line.nested else 0))
    return _whole_word_lines(line.text, math.floor(cells), [])


def _whole_word_lines(title: str, cells_per_line: int, breaks: list[int]) -> list[str]:
    """:func:`title_lines` with a space as a word boundary too; a title in Latin letters
    that no whole-word break fits (title_lines then cuts mid-line) is left on one line
    for LibreOffice to wrap at a space."""
    breaks = breaks + [m.end() for m in re.finditer(r"\s+", title)]
    lines = title_lines(title, cells_per_line, breaks)
    cut = 0
    for line in lines[:-1]:
        cut += len(line)
        if _latin_word_char(title[cut - 1]) and _latin_word_char(title[cut]):
            return [title]
    return [line.strip() for line in lines]


def _latin_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def estimate_toc_pages(toc: Sequence[TocLine]) -> int:
    """How many pages the 目录 takes, counted in grid lines: a first guess only."""
    per_line = standard.TEXT_BLOCK_WIDTH_MM / standard.ONE_CHAR_MM
    lines = 2  # the heading and the blank line under it
    for line in toc:
        if line.page is not None:
            lines += len(toc_title_lines(line))
        else:
            lines += max(1, math.ceil(_width_in_chars(line.text) / per_line))
    return max(1, math.ceil(lines / standard.LINES_PER_PAGE))


def is_toc_heading(page_text: str) -> bool:
    """Whether a rendered page's text starts with the 目录 heading."""
    return "".join(page_text.split()).startswith("".join(TOC_HEADING.split()))


def _width_in_chars(text: str) -> float:
    """Width of ``text`` in 一字: wide (CJK) characters count one, others half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _read_front(pdf: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages = len(reader.pages)
    except MALFORMED_PDF_ERRORS as exc:
        raise BundleError(f"the converter returned no readable PDF for the cover/目录: {exc}") from exc
    if pages == 0:
        raise BundleError("the converter returned a PDF without pages for the cover/目录")
    return reader


def _measure_front(front: PdfReader, *, cover: bool, toc: bool) -> tuple[int, int]:
    """(cover pages, 目录 pages) of the rendered front: the 目录 starts on the first
    page after the first whose text begins with its heading."""
    total = len(front.pages)
    if not (cover and toc):
        return (total, 0) if cover else (0, total)
    for index in range(1, total):
        if is_toc_heading(front.pages[index].extract_text() or ""):
            return index, total - index
    log.warning("no 目录 heading found in the rendered front; assuming a one-page cover")
    return 1, total - 1


def _set_up_page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width = Mm(standard.PAGE_WIDTH_MM)
    section.page_height = Mm(standard.PAGE_HEIGHT_MM)
    section.top_margin = Mm(standard.MARGIN_TOP_MM)
    section.bottom_margin = Mm(standard.MARGIN_BOTTOM_MM)
    section.left_margin = Mm(standard.MARGIN_LEFT_MM)
    section.right_margin = Mm(standard.MARGIN_RIGHT_MM)


def _set_defaults(doc: DocxDocument) -> None:
    """Name the faces in the document defaults instead of the template's theme fonts:
    an inherited ``w:eastAsiaTheme`` would win over the ``w:eastAsia`` styles set."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = child(child(defaults, "w:rPrDefault"), "w:rPr")
    fonts = child(rpr, "w:rFonts")
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    set_fonts(rpr, standard.FANGSONG, standard.LATIN_FONT)
    child(rpr, "w:lang", eastAsia=LANGUAGE)


def _add_styles(doc: DocxDocument) -> None:
    one_char = Mm(standard.ONE_CHAR_MM)

    title = _paragraph_style(doc, _TITLE_STYLE, standard.XIAOBIAOSONG, COVER_TITLE_SIZE)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Mm(COVER_TITLE_TOP_MM)
    title.paragraph_format.line_spacing = Pt(COVER_TITLE_LINE_PT)

    organ = _paragraph_style(doc, _ORGAN_STYLE, standard.FANGSONG, standard.SANHAO)
    organ.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    heading = _paragraph_style(doc, _TOC_HEADING_STYLE, standard.XIAOBIAOSONG, TOC_HEADING_SIZE)
    heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_after = Twips(LINE_PITCH_TWIPS)
    heading.paragraph_format.keep_with_next = True

    group = _paragraph_style(doc, _TOC_GROUP_STYLE, standard.HEITI, standard.SANHAO)
    group.paragraph_format.keep_with_next = True

    for name, indent in ((_TOC_ENTRY_STYLE, 0), (_TOC_NESTED_STYLE, NESTED_INDENT_CHARS)):
        fmt = _paragraph_style(doc, name, standard.FANGSONG, standard.SANHAO).paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        # no hanging indent: its implicit tab stop would catch the tab after a title
        # narrower than one 一字 (「..」, 「1」) and leave the number without a leader
        fmt.left_indent = one_char * indent
        fmt.first_line_indent = 0
        # a title wraps short of the number's column; the tab stop lies beyond the right
        # indent, at the margin, so the dots run out there to a right-aligned number
        fmt.right_indent = one_char * NUMBER_ROOM_CHARS
        fmt.tab_stops.add_tab_stop(
            Mm(standard.TEXT_BLOCK_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )


def _paragraph_style(doc: DocxDocument, name: str, east_asia: str, size: float) -> ParagraphStyle:
    """A paragraph style on the 22-line pitch, CJK text in ``east_asia`` and digits in
    the standard's Latin face (python-docx's ``font.name`` would miss ``w:eastAsia``)."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(size)
    fmt = style.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE_PITCH_TWIPS)
    fmt.widow_control = False
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts()  # in schema position, before w:sz; set_fonts fills it
    set_fonts(rpr, east_asia, standard.LATIN_FONT)
    # the size of complex-script text too: the page number after a name in Arabic
    # script (a Uyghur member's) is set as such, and would shrink to the default
    child(rpr, "w:szCs", val=half_points(size))
    return style
