"""``gongwen check`` on the closing's last element: a 附注 belongs on the line under the
成文日期 (GB/T 9704 7.3.6), and one that a page break left alone at the top of the next
page is a finding (GW306), measured on Word-made drafts converted to PDF."""

from __future__ import annotations

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
