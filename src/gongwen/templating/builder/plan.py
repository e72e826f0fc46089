"""The 实施方案 (implementation plan) template: a GB/T 9704 document of the 文件 format.

Fixed elements (版头, title, 主送) are template paragraphs a user can restyle in Word;
the body, the closing block (附件说明, 署名, 成文日期, 附注) and the 版记 are sub-documents
because their geometry depends on the data (hanging indents, right-aligned names).
"""

from __future__ import annotations

from docx.document import Document as DocxDocument

from ...layout import standard
from ...layout.standard import Profile, mm_to_twips
from .base import (
    SINGLE_SPACING,
    add_paragraph,
    exact_line_twips,
    new_document,
    rule_paragraph_border,
    set_style_spacing,
    tag_paragraph,
    to_bytes,
)


def header_styles(doc: DocxDocument, profile: Profile) -> None:
    """The 版头's vertical geometry, kept in its styles so that Word shows and edits it.

    份号, 密级 and 紧急程度 each take one body line; the mark's space before puts its top
    edge MARK_TOP_BELOW_TEXT_BLOCK_MM below the text block (its line is as tall as its
    type, see MARK_LINE_SHARE); the 发文字号's line is as tall as its type too, so the
    red rule's 4 mm are measured from the characters.
    """
    pitch = exact_line_twips(profile)
    for style_id in ("GwCopyNumber", "GwSecret", "GwUrgency"):
        set_style_spacing(doc, style_id, line=pitch)
    mark_before = (mm_to_twips(standard.MARK_TOP_BELOW_TEXT_BLOCK_MM)
                   - standard.HEADER_LINES_ABOVE_MARK * pitch)
    set_style_spacing(doc, "GwMark", before=mark_before,
                      line=round(SINGLE_SPACING * standard.MARK_LINE_SHARE), rule="auto")
    number_size = profile.style("GwDocNumber").size
    set_style_spacing(doc, "GwDocNumber", line=round(number_size * standard.TWIPS_PER_PT))


def add_header_block(doc: DocxDocument) -> None:
    """版头: 份号, 密级, 紧急程度, red 发文机关标志, 发文字号 and the red rule under it.

    The three lines above the mark stay when empty (the mark's place counts on them);
    the blank lines are body lines, as the standard counts them.
    """
    tag_paragraph(doc, "{%p if header %}")
    add_paragraph(doc, "{{ header.copy_number }}", "GwCopyNumber")
    add_paragraph(doc, "{{ header.secrecy }}", "GwSecret")
    add_paragraph(doc, "{{ header.urgency }}", "GwUrgency")
    add_paragraph(doc, "{{r header.mark }}", "GwMark")
    for _ in range(standard.DOC_NUMBER_LINES_BELOW_MARK):
        add_paragraph(doc, "", "GwBody")
    number = add_paragraph(doc, "{{ doc_number }}", "GwDocNumber")
    rule_paragraph_border(
        number,
        side="bottom",
        width_mm=standard.pt_to_mm(standard.RED_RULE_WIDTH_PT),
        color=standard.RED,
        space_mm=standard.RED_RULE_BELOW_DOC_NUMBER_MM,
    )
    for _ in range(standard.TITLE_LINES_BELOW_RULE):
        add_paragraph(doc, "", "GwBody")
    tag_paragraph(doc, "{%p endif %}")


def add_title(doc: DocxDocument) -> None:
    tag_paragraph(doc, "{%p for line in title_lines %}")
    add_paragraph(doc, "{{ line }}", "GwTitle")
    tag_paragraph(doc, "{%p endfor %}")


def add_addressee(doc: DocxDocument) -> None:
    tag_paragraph(doc, "{%p if addressee %}")
    for _ in range(standard.ADDRESSEE_LINES_BELOW_TITLE):
        add_paragraph(doc, "", "GwBody")
    add_paragraph(doc, "{{ addressee }}", "GwAddressee")
    tag_paragraph(doc, "{%p endif %}")


def build_plan(profile: Profile) -> bytes:
    doc = new_document(profile)
    header_styles(doc, profile)
    add_header_block(doc)
    add_title(doc)
    add_addressee(doc)
    tag_paragraph(doc, "{{p body }}")
    tag_paragraph(doc, "{{p closing }}")
    tag_paragraph(doc, "{{p end_block }}")
    return to_bytes(doc)
