"""The 公文 template (实施方案, 通知, 报告, 请示 …): a GB/T 9704 document of the 文件 format.

Fixed elements (版头, title, 主送) are template paragraphs a user can restyle in Word;
the body, the closing block (附件说明, 署名, 成文日期, 附注) and the 版记 are sub-documents
because their geometry depends on the data (hanging indents, right-aligned names).
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Twips

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
    for style_id in ("GwDocNumber", "GwDocNumberUp"):
        number_size = profile.style(style_id).size
        set_style_spacing(doc, style_id, line=round(number_size * standard.TWIPS_PER_PT))
    signer_style = doc.styles.get_by_id("GwDocNumberUp", WD_STYLE_TYPE.PARAGRAPH)
    left, right = signer_tab_twips()
    signer_style.paragraph_format.tab_stops.add_tab_stop(Twips(left), WD_TAB_ALIGNMENT.LEFT)
    signer_style.paragraph_format.tab_stops.add_tab_stop(Twips(right), WD_TAB_ALIGNMENT.RIGHT)


def signer_tab_twips() -> tuple[int, int]:
    """The 签发人 line's tab stops, one character in from the text block's left and right
    edges (measured from its left edge, as Word and LibreOffice do).  Tabs, not indents:
    the red rule is the line's border, and an indent would shorten it.  (Not taken from
    layout.official: that imports docxtpl, whose docxcompose remaps python-docx's core
    properties namespace and would spoil the templates built here.)"""
    indent = standard.chars_to_twips(standard.SIGNER_LINE_INDENT_CHARS)
    return indent, mm_to_twips(standard.TEXT_BLOCK_WIDTH_MM) - indent


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
    tag_paragraph(doc, "{%p if signer_line %}")  # 上行文: 发文字号 left, 签发人 right
    numbers = [add_paragraph(doc, "{{r signer_line }}", "GwDocNumberUp")]
    tag_paragraph(doc, "{%p else %}")
    numbers.append(add_paragraph(doc, "{{ doc_number }}", "GwDocNumber"))
    tag_paragraph(doc, "{%p endif %}")
    for number in numbers:
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


def add_attachment_pages(doc: DocxDocument) -> None:
    """附件 pages after the closing: each starts a page with its label top left, its title
    centred on the text block's ATTACHMENT_TITLE_LINE-th line, a blank line, its body."""
    tag_paragraph(doc, "{%p for page in attachment_pages %}")
    label = add_paragraph(doc, "{{ page.label }}", "GwAttachmentLabel")
    label.paragraph_format.page_break_before = True
    for _ in range(standard.ATTACHMENT_TITLE_LINE - 2):
        add_paragraph(doc, "", "GwBody")
    tag_paragraph(doc, "{%p for line in page.title_lines %}")
    add_paragraph(doc, "{{ line }}", "GwAttachmentTitle")
    tag_paragraph(doc, "{%p endfor %}")
    add_paragraph(doc, "", "GwBody")
    tag_paragraph(doc, "{{p page.body }}")
    tag_paragraph(doc, "{%p endfor %}")


def add_body_to_end(doc: DocxDocument) -> None:
    """What every format (文件, 信函, 命令) lays out after its head: the body, the
    closing (署名, 成文日期, 印章), the 附件 pages and the 版记."""
    tag_paragraph(doc, "{{p body }}")
    tag_paragraph(doc, "{{p closing }}")
    add_attachment_pages(doc)
    tag_paragraph(doc, "{{p end_block }}")


def build_plan(profile: Profile) -> bytes:
    doc = new_document(profile)
    header_styles(doc, profile)
    add_header_block(doc)
    add_title(doc)
    add_addressee(doc)
    add_body_to_end(doc)
    return to_bytes(doc)
