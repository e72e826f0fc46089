"""The 党员承诺书 template: the title, then the form (a sub-document: its rows depend
on the member and the number of pledge categories)."""

from __future__ import annotations

from docx.document import Document as DocxDocument

from ..standard import Profile
from .base import add_paragraph, new_document, to_bytes
from .forms import add_form_styles


def tag(doc: DocxDocument, text: str) -> None:
    """A paragraph that holds only a docxtpl tag (removed on render)."""
    add_paragraph(doc, text, "GwBody")


def add_title(doc: DocxDocument) -> None:
    """The title in 二号 小标宋, one line per ``title_lines`` entry, then a blank line."""
    tag(doc, "{%p for line in title_lines %}")
    add_paragraph(doc, "{{ line }}", "GwTitle")
    tag(doc, "{%p endfor %}")
    add_paragraph(doc, "", "GwFormInfo")


def build_pledge(profile: Profile) -> bytes:
    doc = new_document(profile)
    add_form_styles(doc, profile)
    add_title(doc)
    tag(doc, "{{p form }}")
    return to_bytes(doc)
