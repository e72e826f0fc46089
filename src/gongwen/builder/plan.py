"""The 实施方案 (implementation plan) template: a GB/T 9704 document of the 文件 format.

Fixed elements (版头, title, 主送) are template paragraphs a user can restyle in Word;
the body, the closing block (附件说明, 署名, 成文日期, 附注) and the 版记 are sub-documents
because their geometry depends on the data (hanging indents, right-aligned names).
"""

from __future__ import annotations

from docx.document import Document as DocxDocument

from .. import standard
from ..standard import Profile
from .base import add_paragraph, new_document, rule_paragraph_border, to_bytes


def _tag(doc: DocxDocument, tag: str) -> None:
    """A paragraph that holds only a docxtpl ``{%p … %}`` tag (removed on render)."""
    add_paragraph(doc, tag, "GwBody")


def add_header_block(doc: DocxDocument) -> None:
    """版头: 份号, 密级, 紧急程度, red 发文机关标志, 发文字号 and the red rule under it."""
    _tag(doc, "{%p if header %}")
    add_paragraph(doc, "{{ header.copy_number }}", "GwCopyNumber")
    add_paragraph(doc, "{{ header.secrecy }}", "GwSecret")
    add_paragraph(doc, "{{ header.urgency }}", "GwUrgency")
    add_paragraph(doc, "{{r header.mark }}", "GwMark")
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
    _tag(doc, "{%p endif %}")


def add_title(doc: DocxDocument) -> None:
    _tag(doc, "{%p for line in title_lines %}")
    add_paragraph(doc, "{{ line }}", "GwTitle")
    _tag(doc, "{%p endfor %}")


def add_addressee(doc: DocxDocument) -> None:
    _tag(doc, "{%p if addressee %}")
    for _ in range(standard.ADDRESSEE_LINES_BELOW_TITLE):
        add_paragraph(doc, "", "GwBody")
    add_paragraph(doc, "{{ addressee }}", "GwAddressee")
    _tag(doc, "{%p endif %}")


def build_plan(profile: Profile) -> bytes:
    doc = new_document(profile)
    add_header_block(doc)
    add_title(doc)
    add_addressee(doc)
    _tag(doc, "{{p body }}")
    _tag(doc, "{{p closing }}")
    _tag(doc, "{{p end_block }}")
    return to_bytes(doc)
