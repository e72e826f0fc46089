"""``gongwen check`` on what page breaks and line ends decide, measured on Word-made
drafts converted to PDF: a 附注 belongs on the line under the 成文日期 (GB/T 9704 7.3.6),
and one left alone at the top of the next page is a finding (GW306); a long 附件说明
name goes on under its first character (7.3.4), not at the margin or under 「1.」
(GW307); a heading that ends a page, its text on the next, is a warning (GW410)."""

from __future__ import annotations

import io

from docx import Document as DocxDocument
from docx.shared import Mm, Pt
from test_check import _a4_draft, pdf_of

from gongwen.checker import check_pdf_bytes

BODY = ("全体党员认真学习，按时完成各项任务。" * 3, "body")
CLOSING = [("中共测试县第二小学支部委员会", "right"), ("2025年3月5日", "right")]
NOTE = ("（联系人：陈秀英，联系电话：028-87654321）", "body")


def detached(findings) -> list[tuple[int, str]]:
    return [(f.page, f.excerpt) for f in findings if f.rule.id == "GW306"]


def test_a_note_alone_at_the_top_of_a_page_is_found() -> None:
    draft = _a4_draft([BODY, *CLOSING, ("", "break"), NOTE])
    findings = check_pdf_bytes(pdf_of(draft, "note-alone"), "note-alone.pdf")
    assert detached(findings) == [(2, NOTE[0][:16])]
    (finding,) = [f for f in findings if f.rule.id == "GW306"]
    assert "7.3.6" in finding.rule.source and finding.rule.severity == "error"
    assert "page 2" in finding.measured and "page 1" in finding.measured


def test_a_note_under_its_date_is_no_finding() -> None:
    draft = _a4_draft([BODY, *CLOSING, NOTE])
    assert detached(check_pdf_bytes(pdf_of(draft, "note-kept"), "note-kept.pdf")) == []


def test_body_text_in_brackets_after_a_page_break_is_no_finding() -> None:
    """A page that starts with a bracketed paragraph after a page ending in body text."""
    draft = _a4_draft([BODY, ("", "break"), NOTE, BODY])
    assert detached(check_pdf_bytes(pdf_of(draft, "brackets"), "brackets.pdf")) == []


LONG = "创先争优活动领导小组成员名单及各党小组组长联系方式和分工安排一览表"


def _note_draft(left_pt: float, first_pt: float) -> bytes:
    """A body paragraph, then 「附件：1.LONG」 and 「2.活动安排表」 with these indents."""
    doc = DocxDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    texts = [("全体党员认真学习，按时完成各项任务。" * 3, 0, 32), ("", 0, 0),
             ("附件：1." + LONG, left_pt, first_pt), ("2.活动安排表", left_pt, first_pt + 48)]
    for text, left, first in texts:
        paragraph = doc.add_paragraph(text)
        paragraph.paragraph_format.left_indent = Pt(left)
        paragraph.paragraph_format.first_line_indent = Pt(first)
        for run in paragraph.runs:
            run.font.size = Pt(16)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def wraps(findings) -> list[tuple[int, str]]:
    return [(f.page, f.excerpt) for f in findings if f.rule.id == "GW307"]


def test_a_long_attachment_name_wrapping_to_the_margin_is_found() -> None:
    findings = check_pdf_bytes(pdf_of(_note_draft(0, 32), "wrap-margin"), "wrap-margin.pdf")
    (found,) = [f for f in findings if f.rule.id == "GW307"]
    assert LONG.endswith(found.excerpt) or found.excerpt in LONG
    assert found.measured.startswith("starts at 0.") and "first character" in found.expected
    assert "7.3.4" in found.rule.source


def test_a_long_attachment_name_wrapping_under_its_number_is_found() -> None:
    """「2.」 under 「1.」 is right; the long name's next line there is not."""
    findings = check_pdf_bytes(pdf_of(_note_draft(80, -48), "wrap-number"), "wrap-number.pdf")
    found = wraps(findings)
    assert len(found) == 1 and found[0][1] in LONG


def test_a_heading_that_ends_a_page_is_a_warning() -> None:
    heading = ("一、总体要求", "body")
    alone = _a4_draft([BODY, heading, ("", "break"), BODY])
    found = [f for f in check_pdf_bytes(pdf_of(alone, "orphan"), "orphan.pdf")
             if f.rule.id == "GW410"]
    assert [(f.page, f.excerpt, f.rule.severity) for f in found] == [(1, "一、总体要求", "warning")]
    kept = _a4_draft([BODY, heading, BODY])
    assert [f for f in check_pdf_bytes(pdf_of(kept, "kept"), "kept.pdf")
            if f.rule.id == "GW410"] == []


def test_a_signature_set_close_under_the_attachment_note_is_not_a_wrapped_name() -> None:
    draft = _a4_draft([BODY, ("附件：活动安排表", "body"), *CLOSING])
    assert wraps(check_pdf_bytes(pdf_of(draft, "close"), "close.pdf")) == []
