"""The 民主评议 templates: 测评表 (ballot), 登记表 (register), 汇总表 (summary).

Each is a title over sub-documents, because the rows follow the roster.  The 汇总表 is
built landscape (its columns never fit the portrait text block); the 测评表 is built
portrait and turned landscape at render time when its columns need it.
"""

from __future__ import annotations

from ...layout.standard import Profile
from .base import new_document, tag_paragraph, to_bytes
from .forms import add_form_styles, set_landscape
from .pledge import add_title, build_titled_form


def _table_form(profile: Profile, *, landscape: bool) -> bytes:
    doc = new_document(profile)
    add_form_styles(doc, profile)
    if landscape:
        set_landscape(doc.sections[0], profile)
    add_title(doc)
    tag_paragraph(doc, "{{p info }}")
    tag_paragraph(doc, "{{p table }}")
    tag_paragraph(doc, "{{p notes }}")
    return to_bytes(doc)


def build_ballot(profile: Profile) -> bytes:
    return _table_form(profile, landscape=False)


def build_summary(profile: Profile) -> bytes:
    return _table_form(profile, landscape=True)


build_register = build_titled_form
