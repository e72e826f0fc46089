"""简报 PDFs measured with the geometry instrument: the red 报头 in the top third of
page 1, the 报尾 at the bottom of the last page, pictures inside the text block.

Every PDF of this module comes from one LibreOffice run (module fixture ``pdfs``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from briefing_samples import HOSTILE, make_workdir, pdf_text, render_documents
from pdfgeom import PT_TO_MM, black_rules, lines_of, open_pdf, page_number, red_rules

import gongwen
from gongwen.convert import convert_many
from gongwen.layout import conventions, standard

TOP_THIRD_MM = standard.PAGE_HEIGHT_MM / 3
BLOCK_LEFT = standard.MARGIN_LEFT_MM
BLOCK_RIGHT = standard.MARGIN_LEFT_MM + standard.TEXT_BLOCK_WIDTH_MM
BLOCK_BOTTOM = standard.MARGIN_TOP_MM + standard.TEXT_BLOCK_HEIGHT_MM
MM_TOLERANCE = 1.0


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    folder = make_workdir(tmp_path_factory.mktemp("briefing"))
    documents: dict[str, gongwen.Document] = render_documents(folder)
    names = list(documents)
    result = convert_many([documents[n].docx for n in names], folder / "pdf", names=names)
    return dict(zip(names, result.pdfs, strict=True))


def line_with(lines, text: str):
    return next(line for line in lines if text in line.text)


def pdf_pictures(path: Path) -> list[tuple[float, float, float, float, int, int]]:
    """Every placed image: (x0, top, x1, bottom) in mm and its pixel size."""
    found = []
    with open_pdf(path) as pdf:
        for page in pdf.pages:
            for image in page.images:
                mm = [v * PT_TO_MM for v in (image["x0"], image["top"], image["x1"],
                                              image["bottom"])]
                found.append((*mm, *image["srcsize"]))
    return found


# --- measurements ----------------------------------------------------------------


def test_red_name_in_the_top_third_of_page_one(pdfs):
    for key in ("briefing-1", "briefing-2", "briefing-3", "shapes"):
        with open_pdf(pdfs[key]) as pdf:
            page = pdf.pages[0]
            lines = lines_of(page)
            name = next(line for line in lines if line.is_red)
            assert "简报" in name.text
            assert name.bottom < TOP_THIRD_MM
            assert (name.x0 + name.x1) / 2 == pytest.approx((BLOCK_LEFT + BLOCK_RIGHT) / 2,
                                                          abs=MM_TOLERANCE)
            assert name.x0 >= BLOCK_LEFT - MM_TOLERANCE and name.x1 <= BLOCK_RIGHT + MM_TOLERANCE
            (rule,) = red_rules(page)
            assert name.bottom < rule.y < TOP_THIRD_MM
            assert rule.x0 == pytest.approx(BLOCK_LEFT, abs=0.5)
            assert rule.x1 == pytest.approx(BLOCK_RIGHT, abs=0.5)
            issue = next(line for line in lines if "期" in line.text and not line.is_red)
            assert name.bottom < issue.top and issue.bottom < rule.y


def test_editor_left_and_date_right_on_one_line(pdfs):
    with open_pdf(pdfs["briefing-1"]) as pdf:
        lines = lines_of(pdf.pages[0])
        meta = line_with(lines, "支部委员会编")
        assert meta.text.endswith("2024年9月10日")
        assert meta.x0 == pytest.approx(BLOCK_LEFT, abs=MM_TOLERANCE)
        assert meta.x1 == pytest.approx(BLOCK_RIGHT, abs=MM_TOLERANCE)
        (rule,) = red_rules(pdf.pages[0])
        assert 0 < rule.y - meta.bottom < conventions.BRIEFING_RULE_BELOW_META_MM + 2


def test_tail_at_the_bottom_of_the_last_page(pdfs):
    for key, expected in (("briefing-1", "报送发共"), ("briefing-2", "报送发共"),
                          ("briefing-3", "报发共"), ("shapes", "发共")):
        with open_pdf(pdfs[key]) as pdf:
            page = pdf.pages[-1]
            lines = lines_of(page)
            tail = [line for line in lines if line.text[:2] in ("报：", "送：", "发：")
                    or line.text.startswith("（共印")]
            assert "".join(line.text[0] if line.text[0] != "（" else "共" for line in tail) \
                == expected
            top, bottom = black_rules(page)[-2:]
            assert bottom.y == pytest.approx(BLOCK_BOTTOM, abs=MM_TOLERANCE)
            assert top.x0 == pytest.approx(BLOCK_LEFT, abs=0.5)
            assert bottom.x1 == pytest.approx(BLOCK_RIGHT, abs=0.5)
            for line in tail:
                assert top.y < line.top and line.bottom < bottom.y
            copies = tail[-1]
            assert copies.x1 > (BLOCK_LEFT + BLOCK_RIGHT) / 2  # right-aligned
            assert copies.x1 <= BLOCK_RIGHT + 0.5
            for other in pdf.pages[:-1]:
                assert not any(line.text.startswith("（共印") for line in lines_of(other))


def test_pages_are_numbered_and_the_sample_runs_to_several(pdfs):
    with open_pdf(pdfs["briefing-2"]) as pdf:
        assert len(pdf.pages) >= 3
        for index, page in enumerate(pdf.pages, start=1):
            found = page_number(lines_of(page))
            assert found and found[0] == index





def test_pictures_in_the_pdf_stay_inside_the_text_block(pdfs):
    top_edge = standard.MARGIN_TOP_MM
    for key, count in (("briefing-1", 1), ("briefing-2", 1), ("shapes", 2), ("hostile", 1)):
        pictures = pdf_pictures(pdfs[key])
        assert len(pictures) == count, key
        for x0, top, x1, bottom, px_w, px_h in pictures:
            assert x0 >= BLOCK_LEFT - 0.1 and x1 <= BLOCK_RIGHT + 0.1
            assert top >= top_edge - 0.1 and bottom <= BLOCK_BOTTOM + 0.1
            assert (bottom - top) / (x1 - x0) == pytest.approx(px_h / px_w, rel=0.01)
    ((x0, _, x1, *_),) = pdf_pictures(pdfs["briefing-1"])
    assert (x0, x1) == pytest.approx((BLOCK_LEFT, BLOCK_RIGHT), abs=0.2)  # full width


def test_caption_centred_under_its_picture(pdfs):
    ((x0, _, x1, bottom, *_),) = pdf_pictures(pdfs["briefing-1"])
    with open_pdf(pdfs["briefing-1"]) as pdf:
        caption = line_with(lines_of(pdf.pages[-1]), "我校召开深入开展")
        assert caption.size == conventions.BRIEFING_CAPTION_SIZE
        assert 0 < caption.top - bottom < 8
        assert (caption.x0 + caption.x1) / 2 == pytest.approx((x0 + x1) / 2, abs=MM_TOLERANCE)


def test_hostile_text_prints_literally(pdfs):
    text = pdf_text(pdfs["hostile"])
    for value in HOSTILE.values():
        assert "".join(value.split()) in text, value


def test_sample_names_beyond_the_bmp_print(pdfs):
    text = pdf_text(pdfs["briefing-2"])
    assert "数学教师周𠮷安同志" in text and "周𠮷安同志上示范课" in text
