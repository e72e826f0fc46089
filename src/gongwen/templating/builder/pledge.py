"""The 党员承诺书 template: the title, then the form (a sub-document: its rows depend
on the member and the number of pledge categories)."""

from __future__ import annotations

from docx.document import Document as DocxDocument

from ...layout.standard import Profile
from .base import add_paragraph, new_document, tag_paragraph, to_bytes
from .forms import add_form_styles


def add_title(doc: DocxDocument) -> None:
    """The title in 二号 小标宋, one line per ``title_lines`` entry, then a blank line."""
    tag_paragraph(doc, "{%p for line in title_lines %}")
    add_paragraph(doc, "{{ line }}", "GwTitle")
    tag_paragraph(doc, "{%p endfor %}")
    add_paragraph(doc, "", "GwFormInfo")


def build_titled_form(profile: Profile) -> bytes:
    """A title over one ``{{p form }}`` sub-document: the 承诺书 and the 登记表."""
    doc = new_document(profile)
    add_form_styles(doc, profile)
    add_title(doc)
    tag_paragraph(doc, "{{p form }}")
    return to_bytes(doc)


build_pledge = build_titled_form
