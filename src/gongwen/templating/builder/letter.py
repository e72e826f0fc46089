"""The 信函格式 template (GB/T 9704 10.1): a 函 on letter paper.

Page 1 differs from the others (Word's 「首页不同」, LibreOffice's first-page header):
its header holds the red 发文机关标志 30 mm from the paper's top with the thick-over-
thin double line 4 mm under it, and the thin-over-thick double line 20 mm above the
paper's bottom; its footer is empty (no page number on page 1).  The body of page 1
starts under the header, with the 份号 (or 密级, 紧急程度) left and the 发文字号 right
on its first line; pages 2 on have the ordinary 版心 and page numbers.  The rest —
title, 主送, body, closing, 附件 pages — is the 公文 template's; the 版记 holds only
the 抄送, at the bottom of the last page, without rules.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.section import Section
from docx.shared import Twips
from docx.text.paragraph import Paragraph

from ...layout import standard
from ...layout.ooxml import border, child
from ...layout.standard import EMU_PER_MM, EMU_PER_PT, ElementStyle, Profile, mm_to_twips
from .base import (
    SINGLE_SPACING,
    add_paragraph,
    add_style,
    exact_line_twips,
    new_document,
    set_style_spacing,
    tag_paragraph,
    to_bytes,
)
from .plan import add_addressee, add_body_to_end, add_title

#: how far the 170 mm double lines reach past each side of the 156 mm 版心
RULE_OVERHANG_MM = (standard.LETTER_RULE_LENGTH_MM - standard.TEXT_BLOCK_WIDTH_MM) / 2
#: the header and footer paragraphs of the pages that print nothing there: as low as
#: Word and LibreOffice allow, so that the 版心 of page 2 on starts at 37 mm
_TINY_LINE_TWIPS = 20
#: the body of page 1 starts where the header ends; a 三号 glyph's top then sits this far
#: down its exactly spaced first line (LibreOffice 25.2: baseline at 4/5 of the 10.23 mm
#: line, FandolFang's ink 4.46 mm above it), so the header ends this much short of
#: LETTER_BELOW_RULE_MM under the double line
_GLYPH_TOP_IN_FIRST_LINE_MM = 3.72


def letter_styles() -> dict[str, ElementStyle]:
    """The letter's own styles: the mark (as wide as the double lines, centred on the
    版心) and the line of 份号 and 发文字号."""
    overhang = -RULE_OVERHANG_MM / standard.CHAR_PITCH_MM
    s = ElementStyle
    styles = [
        s("GwLetterMark", "信函发文机关标志", font=standard.XIAOBIAOSONG, size=standard.MARK_SIZE,
          color=standard.RED, align="center", left_chars=overhang, right_chars=overhang,
          snap_to_grid=False),
        s("GwLetterNumber", "信函份号和发文字号", align="left", snap_to_grid=False),
        s("GwLetterCc", "信函抄送", size=standard.SIHAO, align="left",
          left_chars=standard.END_BLOCK_INDENT_CHARS, right_chars=standard.END_BLOCK_INDENT_CHARS,
          snap_to_grid=False),
    ]
    return {style.style_id: style for style in styles}


def _line_xml(x_mm: float, y_mm: float, width_pt: float, shape_id: int) -> str:
    """A red horizontal line LETTER_RULE_LENGTH_MM long, its centre line ``y_mm`` below the
    paper's top, starting ``x_mm`` right of its left edge, floating in front of the text."""
    length = round(standard.LETTER_RULE_LENGTH_MM * EMU_PER_MM)
    return (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        f'relativeHeight="{shape_id}" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{round(x_mm * EMU_PER_MM)}'
        '</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{round(y_mm * EMU_PER_MM)}'
        '</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{length}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapNone/><wp:docPr id="{shape_id}" name="信函红色双线 {shape_id}"/>'
        '<wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvCnPr/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{length}" cy="0"/></a:xfrm>'
        '<a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
        f'<a:ln w="{round(width_pt * EMU_PER_PT)}" cap="flat">'
        f'<a:solidFill><a:srgbClr val="{standard.RED}"/></a:solidFill></a:ln>'
        '</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>'
        '</wp:anchor></w:drawing></w:r>'
    )


def bottom_rule_centres() -> tuple[float, float]:
    """The centre lines (mm from the paper's top) of the lower double line's thin and
    thick strokes: the thick one's bottom edge LETTER_RULE_ABOVE_PAGE_BOTTOM_MM up."""
    pt = standard.pt_to_mm
    bottom = standard.PAGE_HEIGHT_MM - standard.LETTER_RULE_ABOVE_PAGE_BOTTOM_MM
    thick = bottom - pt(standard.LETTER_RULE_THICK_PT) / 2
    thin = (bottom - pt(standard.LETTER_RULE_THICK_PT) - pt(standard.LETTER_RULE_GAP_PT)
            - pt(standard.LETTER_RULE_THIN_PT) / 2)
    return thin, thick


def _tiny(paragraph: Paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    child(ppr, "w:spacing", before=0, after=0, line=_TINY_LINE_TWIPS, lineRule="exact")
    rpr = child(ppr, "w:rPr")
    child(rpr, "w:sz", val=2)


def add_letterhead(section: Section) -> None:
    """The first page's header (mark, upper double line, lower double line) and empty
    footer; the other pages' headers empty and as low as possible."""
    section.different_first_page_header_footer = True
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        _tiny(header.paragraphs[0])
    footer = section.first_page_footer
    footer.is_linked_to_previous = False
    _tiny(footer.paragraphs[0])
    head = section.first_page_header
    head.is_linked_to_previous = False
    mark = head.paragraphs[0]
    child(mark._p.get_or_add_pPr(), "w:pStyle", val="GwLetterMark")
    mark.add_run("{{r letterhead.mark }}")
    pbdr = child(mark._p.get_or_add_pPr(), "w:pBdr")
    border(pbdr, "bottom", width_pt=standard.LETTER_RULE_THICK_PT, color=standard.RED,
           space_pt=standard.mm_to_pt(standard.LETTER_RULE_BELOW_MARK_MM))
    # the thin stroke: the bottom border of a paragraph as tall as the gap
    thin = head.add_paragraph()
    child(thin._p.get_or_add_pPr(), "w:pStyle", val="GwLetterMark")
    ppr = thin._p.get_or_add_pPr()
    gap = round(standard.LETTER_RULE_GAP_PT * standard.TWIPS_PER_PT)
    after = mm_to_twips(standard.LETTER_BELOW_RULE_MM - _GLYPH_TOP_IN_FIRST_LINE_MM)
    child(ppr, "w:spacing", before=0, after=after, line=gap, lineRule="exact")
    child(child(ppr, "w:rPr"), "w:sz", val=2)
    border(child(ppr, "w:pBdr"), "bottom", width_pt=standard.LETTER_RULE_THIN_PT,
           color=standard.RED)
    x = standard.MARGIN_LEFT_MM - RULE_OVERHANG_MM
    thin_y, thick_y = bottom_rule_centres()
    for shape_id, (y, width) in enumerate(((thin_y, standard.LETTER_RULE_THIN_PT),
                                           (thick_y, standard.LETTER_RULE_THICK_PT)), 1):
        thin._p.append(parse_xml(_line_xml(x, y, width, shape_id)))


def letter_number_style(doc: DocxDocument, profile: Profile) -> None:
    """The 份号 / 发文字号 line: a right tab stop on the 版心's right edge."""
    style = doc.styles.get_by_id("GwLetterNumber", 1)
    style.paragraph_format.tab_stops.add_tab_stop(
        Twips(mm_to_twips(standard.TEXT_BLOCK_WIDTH_MM)), WD_TAB_ALIGNMENT.RIGHT)
    set_style_spacing(doc, "GwLetterNumber", line=exact_line_twips(profile))
    set_style_spacing(doc, "GwLetterMark",
                      line=round(SINGLE_SPACING * standard.MARK_LINE_SHARE), rule="auto")


def add_letter_lines(doc: DocxDocument) -> None:
    """Under the upper double line: 份号 (密级, 紧急程度) left, the 发文字号 right on the
    first line, the other left elements under it; then two blank lines to the title
    (under the double line itself when there is nothing to print there)."""
    tag_paragraph(doc, "{%p for left, right in letterhead.lines %}")
    line = add_paragraph(doc, "{{r left }}", "GwLetterNumber")
    child(line.add_run()._r, "w:tab")
    line.add_run("{{ right }}")
    tag_paragraph(doc, "{%p endfor %}")
    for _ in range(standard.LETTER_TITLE_LINES_BELOW):  # under them, or under the line
        add_paragraph(doc, "", "GwBody")


def build_letter(profile: Profile) -> bytes:
    doc = new_document(profile)
    for element in letter_styles().values():
        add_style(doc, element, profile)
    letter_number_style(doc, profile)
    section = doc.sections[0]
    section.header_distance = Twips(mm_to_twips(standard.LETTER_MARK_TOP_MM))
    add_letterhead(section)
    add_letter_lines(doc)
    add_title(doc)
    add_addressee(doc)
    add_body_to_end(doc)
    return to_bytes(doc)


__all__ = ["build_letter", "letter_styles"]
