"""The base of every built-in template: page, grid, styles and page-number footers.

Everything is derived from a :class:`~gongwen.layout.standard.Profile`, so the committed
``templates/*.docx`` are reproducible from ``standard.py`` alone.
"""

from __future__ import annotations

import io
import math

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Twips
from docx.text.paragraph import Paragraph

from ...layout import standard
from ...layout.ooxml import (
    border,
    child,
    half_points,
    make_deterministic,
    order_document,
    prune_styles,
    set_fonts,
)
from ...layout.standard import (
    ElementStyle,
    Profile,
    chars_to_twips,
    line_pitch_twips,
    mm_to_twips,
)

#: w:docGrid w:charSpace unit: 1/4096 of a point added to each character cell
CHAR_SPACE_UNITS_PER_PT = 4096
#: the CJK faces that draw Latin letters and digits themselves (no Times New Roman)
_CJK_ONLY_FACES = {standard.HEITI, standard.KAITI, standard.XIAOBIAOSONG, standard.SONGTI}
#: w:rFonts attributes that name theme fonts; python-docx's default template sets them
_THEME_FONT_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
#: OOXML "auto" line spacing is in 240ths of a single line
SINGLE_SPACING = 240


def exact_line_twips(profile: Profile) -> int:
    """The profile's exact line spacing in twips, rounded down like
    :func:`~gongwen.layout.standard.line_pitch_twips`."""
    return math.floor(profile.exact_line_pt * standard.TWIPS_PER_PT + 1e-9)


def char_space_units() -> int:
    """w:charSpace that makes 28 三号 cells fill the 156 mm text block."""
    cell_pt = standard.mm_to_pt(standard.CHAR_PITCH_MM)
    return round((cell_pt - standard.SANHAO) * CHAR_SPACE_UNITS_PER_PT)


def new_document(profile: Profile) -> DocxDocument:
    """An empty document with the profile's page setup, styles and footers."""
    doc = Document()
    _clear_body(doc)
    _set_doc_defaults(doc, profile)
    for element in profile.styles.values():
        add_style(doc, element, profile)
    set_page(doc.sections[0], profile)
    add_page_number_footers(doc.sections[0], profile)
    settings = doc.settings.element
    child(settings, "w:evenAndOddHeaders")
    _set_core_properties(doc)
    prune_styles(doc)
    return doc


def to_bytes(doc: DocxDocument) -> bytes:
    order_document(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return make_deterministic(buffer.getvalue())


def tag_paragraph(doc: DocxDocument, tag: str) -> None:
    """A paragraph that holds only a docxtpl ``{%p … %}`` tag (removed on render)."""
    add_paragraph(doc, tag, "GwBody")


def add_paragraph(doc: DocxDocument, text: str, style_id: str) -> Paragraph:
    """Append a paragraph in the style ``style_id`` (looked up by id, not by name)."""
    paragraph = doc.add_paragraph(text)
    child(paragraph._p.get_or_add_pPr(), "w:pStyle", val=style_id)
    return paragraph


def set_style_spacing(
    doc: DocxDocument,
    style_id: str,
    *,
    before: int | None = None,
    line: int | None = None,
    rule: str = "exact",
) -> None:
    """Set a paragraph style's space before (twips) and line spacing (twips for an
    "exact" ``rule``, 240ths of a line for "auto"): geometry a Word user sees in the
    style, not in frames or direct formatting."""
    style = next(s for s in doc.styles if s.style_id == style_id)
    spacing = child(style.element.get_or_add_pPr(), "w:spacing")
    if before is not None:
        spacing.set(qn("w:before"), str(before))
    if line is not None:
        spacing.set(qn("w:line"), str(line))
        spacing.set(qn("w:lineRule"), rule)


def _clear_body(doc: DocxDocument) -> None:
    body = doc.element.body
    for element in list(body):
        if element.tag != qn("w:sectPr"):
            body.remove(element)


def _set_doc_defaults(doc: DocxDocument, profile: Profile) -> None:
    styles = doc.styles.element
    defaults = child(styles, "w:docDefaults")
    rpr = child(child(defaults, "w:rPrDefault"), "w:rPr")
    set_fonts(rpr, standard.FANGSONG, standard.LATIN_FONT)
    fonts = rpr.find(qn("w:rFonts"))
    for theme in _THEME_FONT_ATTRS:  # Word prefers a theme font over the named one
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    child(rpr, "w:sz", val=half_points(standard.SANHAO))
    child(rpr, "w:szCs", val=half_points(standard.SANHAO))
    child(rpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    ppr = child(child(defaults, "w:pPrDefault"), "w:pPr")
    # no widow/orphan control, so that every full page has its 22 lines; said
    # explicitly because Word reads a missing element as off and LibreOffice as on
    ppr.insert(0, OxmlElement("w:widowControl", {qn("w:val"): "0"}))
    # 「允许标点溢出边界」: off keeps a line-final 、，。 inside the text block
    child(ppr, "w:overflowPunct", val=int(profile.hanging_punctuation))
    spacing = child(ppr, "w:spacing", before=0, after=0)
    _line_spacing(spacing, profile)
    normal = doc.styles["Normal"].element
    normal_rpr = normal.get_or_add_rPr()
    set_fonts(normal_rpr, standard.FANGSONG, standard.LATIN_FONT)
    child(normal_rpr, "w:sz", val=half_points(standard.SANHAO))


def _line_spacing(spacing: OxmlElement, profile: Profile, snap: bool = True) -> None:
    if profile.line_spacing == "grid" and snap:
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
    else:
        spacing.set(qn("w:line"), str(exact_line_twips(profile)))
        spacing.set(qn("w:lineRule"), "exact")


def add_style(doc: DocxDocument, element: ElementStyle, profile: Profile) -> None:
    style = doc.styles.add_style(element.name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = element.style_id
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    ppr = style.element.get_or_add_pPr()
    if element.keep_with_next:
        child(ppr, "w:keepNext")
    if not element.snap_to_grid:
        child(ppr, "w:snapToGrid", val=0)
    spacing = child(ppr, "w:spacing", before=0, after=0)
    _line_spacing(spacing, profile, snap=element.snap_to_grid)
    if not element.snap_to_grid:
        # header-block elements take a line of their own size, not the body grid
        spacing.set(qn("w:line"), str(round(element.size * 1.2 * standard.TWIPS_PER_PT)))
    ind = child(ppr, "w:ind")
    left, right = chars_to_twips(element.left_chars), chars_to_twips(element.right_chars)
    ind.set(qn("w:left"), str(left))
    ind.set(qn("w:right"), str(right))
    first = chars_to_twips(element.first_line_chars)
    if first >= 0:
        ind.set(qn("w:firstLine"), str(first))
    else:
        ind.set(qn("w:hanging"), str(-first))
    child(ppr, "w:jc", val=element.align)
    rpr = style.element.get_or_add_rPr()
    latin = element.font if element.font in _CJK_ONLY_FACES else standard.LATIN_FONT
    set_fonts(rpr, element.font, latin)
    if element.bold:
        child(rpr, "w:b")
        child(rpr, "w:bCs")
    child(rpr, "w:color", val=element.color)
    child(rpr, "w:sz", val=half_points(element.size))
    child(rpr, "w:szCs", val=half_points(element.size))
    if profile.tracking_pt:
        child(rpr, "w:spacing", val=round(profile.tracking_pt * standard.TWIPS_PER_PT))


def set_page(section: Section, profile: Profile) -> None:
    """A4 portrait, the standard's margins, and the body's line pitch on ``section``."""
    section.page_width = Twips(mm_to_twips(standard.PAGE_WIDTH_MM))
    section.page_height = Twips(mm_to_twips(standard.PAGE_HEIGHT_MM))
    section.top_margin = Twips(mm_to_twips(standard.MARGIN_TOP_MM))
    section.bottom_margin = Twips(mm_to_twips(standard.MARGIN_BOTTOM_MM))
    section.left_margin = Twips(mm_to_twips(standard.MARGIN_LEFT_MM))
    section.right_margin = Twips(mm_to_twips(standard.MARGIN_RIGHT_MM))
    section.header_distance = Twips(mm_to_twips(standard.HEADER_DISTANCE_MM))
    section.footer_distance = Twips(mm_to_twips(standard.FOOTER_DISTANCE_MM))
    section.gutter = Twips(0)
    sect_pr = section._sectPr
    grid = child(sect_pr, "w:docGrid")
    if profile.line_spacing == "grid":
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(line_pitch_twips()))
        grid.set(qn("w:charSpace"), str(char_space_units()))
    else:
        grid.set(qn("w:type"), "default")
        grid.set(qn("w:linePitch"), str(exact_line_twips(profile)))


def add_page_number_footers(section: Section, profile: Profile) -> None:
    """「— N —」 footers, odd pages right and even pages left one character in (or
    centred), in the style GwPageNumber; the document needs w:evenAndOddHeaders."""
    section.different_first_page_header_footer = False
    odd, even = section.footer, section.even_page_footer
    odd.is_linked_to_previous = False
    even.is_linked_to_previous = False
    indent = chars_to_twips(standard.PAGE_NUMBER_INDENT_CHARS)
    for footer, side in ((odd, "right"), (even, "left")):
        paragraph = footer.paragraphs[0]
        ppr = paragraph._p.get_or_add_pPr()
        child(ppr, "w:pStyle", val="GwPageNumber")
        # a line exactly as tall as the type: FOOTER_DISTANCE_MM counts on it
        child(ppr, "w:spacing", before=0, after=0,
              line=round(standard.PAGE_NUMBER_SIZE * standard.TWIPS_PER_PT), lineRule="exact")
        if profile.page_number_align == "center":
            child(ppr, "w:jc", val="center")
        else:
            child(ppr, "w:ind", **{side: indent})
            child(ppr, "w:jc", val=side)
        _page_field(paragraph)


def _page_field(paragraph: Paragraph) -> None:
    """「— N —」: a PAGE field between two 一字线, as a complex field Word and LO keep."""
    dash = standard.PAGE_NUMBER_DASH
    paragraph.add_run(f"{dash} ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        run = paragraph.add_run()
        if kind:
            child(run._r, "w:fldChar", fldCharType=kind)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(f" {dash}")


def rule_paragraph_border(paragraph: Paragraph, *, side: str, width_mm: float, color: str,
                          space_mm: float = 0) -> None:
    """Draw a rule as a paragraph border: it spans the text block and survives editing."""
    pbdr = child(paragraph._p.get_or_add_pPr(), "w:pBdr")
    border(pbdr, side, width_pt=standard.mm_to_pt(width_mm), color=color,
           space_pt=standard.mm_to_pt(space_mm))


def _set_core_properties(doc: DocxDocument) -> None:
    props = doc.core_properties
    props.author = "gongwen"
    props.last_modified_by = "gongwen"
    props.title = ""
    props.comments = ""
    props.revision = 1
    from datetime import datetime

    fixed = datetime(2000, 1, 1)
    props.created = fixed
    props.modified = fixed
    props.last_printed = fixed
