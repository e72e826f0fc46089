"""The 简报 (briefing) template: a red 报头, articles with photos, and the 报尾.

The 报头, the 按语, the 目录 and each article's title, author, photos and captions are
template paragraphs a user can restyle or move in Word; the article bodies (blocks
parsed from the data) and the 报尾 (a table floated to the page bottom) are
sub-documents because their shape depends on the data.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph

from ...layout import conventions, standard
from ...layout.ooxml import child, set_fonts
from ...layout.standard import Profile, mm_to_twips
from .base import (
    SINGLE_SPACING,
    add_paragraph,
    add_style,
    new_document,
    rule_paragraph_border,
    set_style_spacing,
    tag_paragraph,
    to_bytes,
)


def _blank(doc: DocxDocument) -> None:
    add_paragraph(doc, "", "GwBody")


def add_masthead(doc: DocxDocument) -> None:
    """报头: optional 内部资料 mark, the red name, 「第X期（总第Y期）」, 编印单位 left
    and date right on one line over a red rule as wide as the text block."""
    tag_paragraph(doc, "{%p if secrecy %}")
    add_paragraph(doc, "{{ secrecy }}", "GwSecret")
    tag_paragraph(doc, "{%p endif %}")
    add_paragraph(doc, "{{r name }}", "GwBriefingName")
    issue = add_paragraph(doc, "{{ issue }}", "GwBriefingIssue")
    issue.add_run("{{ total_issue }}")
    meta = add_paragraph(doc, "{{ editor }}", "GwBriefingMeta")
    child(meta.add_run()._r, "w:tab")
    meta.add_run("{{ date }}")
    rule_paragraph_border(  # w:pBdr before w:tabs, as the schema orders them
        meta,
        side="bottom",
        width_mm=standard.pt_to_mm(standard.RED_RULE_WIDTH_PT),
        color=standard.RED,
        space_mm=conventions.BRIEFING_RULE_BELOW_META_MM,
    )
    _right_tab_stop(meta)


def briefing_styles(doc: DocxDocument, profile: Profile) -> None:
    """Add the briefing's styles; the 报头's air and the photo line's height live in
    them, so a Word user sees and edits them there."""
    for element in conventions.BRIEFING_STYLES.values():
        add_style(doc, element, profile)
    for style_id, mm in (("GwBriefingName", conventions.BRIEFING_NAME_SPACE_BEFORE_MM),
                         ("GwBriefingIssue", conventions.BRIEFING_ISSUE_SPACE_BEFORE_MM),
                         ("GwBriefingMeta", conventions.BRIEFING_META_SPACE_BEFORE_MM)):
        set_style_spacing(doc, style_id, before=mm_to_twips(mm))
    # a photo sets its own line's height; an exact line would clip it
    set_style_spacing(doc, "GwBriefingPicture", line=SINGLE_SPACING, rule="auto")


def _right_tab_stop(paragraph: Paragraph) -> None:
    """A right-aligned tab at the text block's right edge: the date ends flush right."""
    tabs = child(paragraph._p.get_or_add_pPr(), "w:tabs")
    child(tabs, "w:tab", val="right", pos=mm_to_twips(standard.TEXT_BLOCK_WIDTH_MM))


def add_note(doc: DocxDocument) -> None:
    """按语: 「编者按：」 in 黑体, then the note in 楷体; further paragraphs follow it."""
    tag_paragraph(doc, "{%p if note %}")
    _blank(doc)
    paragraph = add_paragraph(doc, "", "GwBriefingNote")
    label = paragraph.add_run(conventions.BRIEFING_NOTE_LABEL)
    set_fonts(label._r.get_or_add_rPr(), standard.HEITI)
    paragraph.add_run("{{ note }}")
    tag_paragraph(doc, "{%p for text in note_more %}")
    add_paragraph(doc, "{{ text }}", "GwBriefingNote")
    tag_paragraph(doc, "{%p endfor %}")
    tag_paragraph(doc, "{%p endif %}")


def add_contents(doc: DocxDocument) -> None:
    """目录: the articles' titles, when the issue has several."""
    tag_paragraph(doc, "{%p if toc %}")
    _blank(doc)
    add_paragraph(doc, conventions.BRIEFING_TOC_LABEL, "GwBriefingTocLabel")
    tag_paragraph(doc, "{%p for title in toc %}")
    add_paragraph(doc, "{{ title }}", "GwBriefingTocItem")
    tag_paragraph(doc, "{%p endfor %}")
    tag_paragraph(doc, "{%p endif %}")


def add_articles(doc: DocxDocument) -> None:
    """Each article: a blank line, title, author, body, then its photos with captions."""
    tag_paragraph(doc, "{%p for article in articles %}")
    _blank(doc)
    tag_paragraph(doc, "{%p for line in article.title_lines %}")
    add_paragraph(doc, "{{ line }}", "GwBriefingTitle")
    tag_paragraph(doc, "{%p endfor %}")
    tag_paragraph(doc, "{%p if article.author %}")
    add_paragraph(doc, "{{ article.author }}", "GwBriefingAuthor")
    tag_paragraph(doc, "{%p endif %}")
    tag_paragraph(doc, "{{p article.body }}")
    tag_paragraph(doc, "{%p for picture in article.pictures %}")
    add_paragraph(doc, "{{ picture.image }}", "GwBriefingPicture")
    tag_paragraph(doc, "{%p if picture.caption %}")
    add_paragraph(doc, "{{ picture.caption }}", "GwBriefingCaption")
    tag_paragraph(doc, "{%p endif %}")
    tag_paragraph(doc, "{%p endfor %}")
    tag_paragraph(doc, "{%p endfor %}")


def build_briefing(profile: Profile) -> bytes:
    doc = new_document(profile)
    briefing_styles(doc, profile)
    add_masthead(doc)
    add_note(doc)
    add_contents(doc)
    add_articles(doc)
    tag_paragraph(doc, "{{p tail }}")
    return to_bytes(doc)
