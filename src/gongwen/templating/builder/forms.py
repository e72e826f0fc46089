"""What the form templates (承诺书, 民主评议) share: their styles and the landscape page.

A landscape table page follows GB/T 9704 §10.1: the paper is turned so that the table
head faces the binding edge, its margins turn with it, and the page number stays where
portrait pages print it — so on the landscape page it stands in the left margin, turned
a quarter to read with the paper upright: at the bottom on odd pages (the portrait
page's bottom right), at the top on even pages (its bottom left).  It is a text box
anchored to the page in each footer, with the PAGE field inside.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Length, Twips

from ...layout import conventions, standard
from ...layout.ooxml import child
from ...layout.standard import EMU_PER_MM, Profile, chars_to_twips, mm_to_twips
from .base import _page_field, add_style

#: drawing ids of the two page-number boxes (the body's drawings are renumbered by docxtpl)
_BOX_IDS = {"odd": 9001, "even": 9002}
_NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)


def add_form_styles(doc: DocxDocument, profile: Profile) -> None:
    """Add the form styles with their exact line heights (a multiple of the type size)."""
    for element in conventions.FORM_STYLES.values():
        add_style(doc, element, profile)
        factor = (conventions.FORM_DENSE_LINE_SPACING if element.size < conventions.FORM_SIZE
                  else conventions.FORM_LINE_SPACING)
        style = next(s for s in doc.styles if s.style_id == element.style_id)
        spacing = child(style.element.get_or_add_pPr(), "w:spacing")
        spacing.set(qn("w:line"), str(round(element.size * factor * standard.TWIPS_PER_PT)))
        spacing.set(qn("w:lineRule"), "exact")


def text_width_mm(section: Section) -> float:
    """Width of the text block of ``section`` (156 mm portrait, 225 mm landscape)."""
    width = Length(section.page_width - section.left_margin - section.right_margin)
    return width.mm


def set_landscape(section: Section, profile: Profile) -> None:
    """Turn ``section`` into a landscape table page with turned page numbers."""
    section.orientation = WD_ORIENT.LANDSCAPE
    for name, mm in (("page_width", conventions.LANDSCAPE_PAGE_WIDTH_MM),
                     ("page_height", conventions.LANDSCAPE_PAGE_HEIGHT_MM),
                     ("top_margin", conventions.LANDSCAPE_MARGIN_TOP_MM),
                     ("bottom_margin", conventions.LANDSCAPE_MARGIN_BOTTOM_MM),
                     ("left_margin", conventions.LANDSCAPE_MARGIN_LEFT_MM),
                     ("right_margin", conventions.LANDSCAPE_MARGIN_RIGHT_MM)):
        setattr(section, name, Twips(mm_to_twips(mm)))
    section.different_first_page_header_footer = False
    settings = section.part.document.settings.element
    child(settings, "w:evenAndOddHeaders")
    for footer, parity in ((section.footer, "odd"), (section.even_page_footer, "even")):
        footer.is_linked_to_previous = False
        body = footer._element
        for paragraph in list(body):
            body.remove(paragraph)
        anchor = body.makeelement(qn("w:p"), {})
        body.append(anchor)
        child(anchor, "w:pPr")
        child(anchor.find(qn("w:pPr")), "w:pStyle", val="GwPageNumber")
        anchor.append(_page_number_box(parity, profile))


def _page_number_box(parity: str, profile: Profile):
    """A run holding a page-anchored text box with 「— N —」 turned a quarter clockwise.

    Across the page the box spans the page-number line as portrait pages place it
    (FOOTER_DISTANCE_MM up from the paper's bottom edge, one 四号 line high); along it,
    the text block's height, with the number pushed to the end one character in.
    """
    line_mm = standard.pt_to_mm(standard.PAGE_NUMBER_SIZE)
    top = conventions.LANDSCAPE_MARGIN_TOP_MM
    length = conventions.LANDSCAPE_PAGE_HEIGHT_MM - top - conventions.LANDSCAPE_MARGIN_BOTTOM_MM
    if profile.page_number_align == "center":
        align, start, end = "center", 0, 0
    elif parity == "odd":  # the portrait page's right end is the landscape page's bottom
        align, start, end = "right", 0, chars_to_twips(standard.PAGE_NUMBER_INDENT_CHARS)
    else:
        align, start, end = "left", chars_to_twips(standard.PAGE_NUMBER_INDENT_CHARS), 0
    paragraph = parse_xml(
        f'<w:p {_NAMESPACES}><w:pPr><w:pStyle w:val="GwPageNumber"/>'
        f'<w:spacing w:before="0" w:after="0" '
        f'w:line="{round(standard.PAGE_NUMBER_SIZE * standard.TWIPS_PER_PT)}" '
        f'w:lineRule="exact"/><w:ind w:left="{start}" w:right="{end}" w:firstLine="0"/>'
        f'<w:jc w:val="{align}"/></w:pPr></w:p>')
    from docx.text.paragraph import Paragraph

    _page_field(Paragraph(paragraph, None))
    emu = lambda mm: round(mm * EMU_PER_MM)  # noqa: E731
    width, height = emu(line_mm), emu(length)
    ident = _BOX_IDS[parity]
    run = parse_xml(
        f'<w:r {_NAMESPACES}><w:drawing>'
        f'<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
        f'behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
        f'<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>'
        f'{emu(standard.FOOTER_DISTANCE_MM)}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{emu(top)}</wp:posOffset>'
        f'</wp:positionV>'
        f'<wp:extent cx="{width}" cy="{height}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapNone/><wp:docPr id="{ident}" name="PageNumber{parity.title()}"/>'
        f'<wp:cNvGraphicFramePr/><a:graphic>'
        f'<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
        f'</wps:spPr><wps:txbx><w:txbxContent/></wps:txbx>'
        f'<wps:bodyPr rot="0" vert="vert" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
        f'anchor="t" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
        f'</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')
    content = run.find(".//" + qn("w:txbxContent"))
    content.append(paragraph)
    return run
