"""GB/T 9704 7.3.5: the 署名 and 成文日期 stay with the body, measured on the PDF.

Plans whose body (with or without a 附件说明) ends on the last lines of page 1, exactly
at its end, or just past it: without care LibreOffice starts page 2 with the 署名, or
with the 附件说明, or leaves the 成文日期 alone there.  On every one of them the page
holding the 署名 starts with body text, and the date is on the 署名's page.  With a 附注
(7.3.6: the line under the date) it stays there too, never alone on a page of its own.
"""

from __future__ import annotations

import pytest
from pdfgeom import lines_of, open_pdf

import gongwen
from gongwen.convert import Converter

ORGAN = "中共青川县第三中学支部委员会"
LAST = "这是最后一段正文，它有两行长，" * 3  # two lines
#: one-line paragraphs before the last: the body then ends from line 17 of page 1 to
#: line 1 of page 2 (page 1 holds 20 body lines under the title and 主送)
COUNTS = range(13, 18)


def plan(count: int, attachments: bool) -> dict:
    data = {"kind": "plan", "organ": ORGAN, "title": "关于开展读书活动的实施方案",
            "addressee": "各党小组", "date": "2025-11-30",
            "body": "\n\n".join(["为弘扬志愿精神，制定本方案。"] * count + [LAST]) + "\n"}
    if attachments:
        data["attachments"] = ["党员名单", "活动安排表"]
    return data


#: a body that ends with a table: the 署名 keeps with its last row
TABLE = "| 职务 | 姓名 |\n|---|---|\n" + "".join(f"| 成员 | 党员{i} |\n" for i in range(6))
TABLE_COUNTS = range(10, 14)  # the table ends on page 1, at its end, and past it
NOTE = "（联系人：陈秀英，联系电话：028-87654321）"
#: with a 附注 one line longer: the date ends page 1 (the 附注 would start page 2) at 15
NOTE_COUNTS = range(13, 18)


def table_plan(count: int) -> dict:
    return {**plan(count, False),
            "body": "\n\n".join(["为弘扬志愿精神，制定本方案。"] * count + [TABLE]) + "\n"}


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, list[list[tuple[float, str]]]]:
    """Each plan's pages as the (size, text) of their lines."""
    folder = tmp_path_factory.mktemp("signature")
    plans = {f"n{count}{'-attachments' if attachments else ''}": plan(count, attachments)
             for count in COUNTS for attachments in (False, True)}
    plans.update({f"table{count}": table_plan(count) for count in TABLE_COUNTS})
    plans.update({f"note{count}": {**plan(count, False), "note": NOTE} for count in NOTE_COUNTS})
    paths = [gongwen.render(data).save(folder / f"{name}.docx") for name, data in plans.items()]
    with Converter() as converter:
        pdfs = converter.convert(paths, folder / "pdf")
    found = {}
    for name, pdf in zip(plans, pdfs, strict=True):
        with open_pdf(pdf) as document:
            found[name] = [[(line.size, line.text) for line in lines_of(page)]
                           for page in document.pages]
    return found


@pytest.fixture
def pages(converted) -> dict[str, list[list[str]]]:
    """The plans without a table, their pages as the text of their 三号 lines."""
    return {name: [[text for size, text in page if size == 16.0] for page in found]
            for name, found in converted.items() if name.startswith("n")}


def test_signature_and_date_stay_with_the_body(pages):
    assert any(len(texts) == 2 for texts in pages.values())  # some did reach page 2
    for name, texts in pages.items():
        (index,) = [i for i, lines in enumerate(texts) if ORGAN in lines]
        lines = texts[index]
        at = lines.index(ORGAN)
        assert lines[at + 1] == "2025年11月30日", f"{name}: the date left its 署名"
        first = lines[0]
        assert LAST.startswith(first) or first in LAST or first == "各党小组：", (
            f"{name}: page {index + 1} starts with {first!r}, not with body text")
        above = lines[:at]
        assert any(text in LAST for text in above), f"{name}: no body text above the 署名"
        if index:  # what moved is the last paragraph and the closing: page 1 is else full
            closing = 1 + 2 + 1 + 2 if "attachments" in name else 1 + 2  # blanks included
            moved = 2 + closing
            assert len(texts[index - 1]) >= 20 - moved, f"{name}: page {index} left too empty"


def test_signature_stays_with_a_closing_table(converted):
    tables = {name: found for name, found in converted.items() if name.startswith("table")}
    assert any(len(found) == 2 for found in tables.values())
    for name, found in tables.items():
        (page,) = [[text for size, text in page if size >= 14.0] for page in found
                   if (16.0, ORGAN) in page]
        at = page.index(ORGAN)
        assert "成员党员5" in page[:at], f"{name}: the 署名 left the table: {page}"


def test_a_note_stays_on_the_line_under_the_date(converted):
    notes = {name: [[text for size, text in page if size == 16.0] for page in found]
             for name, found in converted.items() if name.startswith("note")}
    assert any(len(texts) == 2 for texts in notes.values())
    for name, texts in notes.items():
        (page,) = [lines for lines in texts if ORGAN in lines]
        at = page.index(ORGAN)
        assert page[at + 1:at + 3] == ["2025年11月30日", NOTE], (
            f"{name}: the 附注 left the line under the date: {texts}")
        assert any(text in LAST for text in page[:at]), f"{name}: no body text above the 署名"
