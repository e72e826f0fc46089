"""The 命令（令）格式 (GB/T 9704 10.2) measured on its PDF page, in mm, with and without a
签名章 picture; and its data (the key that chooses it, 令号, the 签发人 it needs).

What 10.2 and 7.3.5.3 fix: 「××令」 red, its top 20 mm below the 版心's top; the 令号
centred two lines under it; the body two lines under the 令号; two lines under the body
the 签名章 right-aligned four characters in, the 职务 two characters left of it and centred
on it top to bottom; one line under it the 成文日期, right-aligned four characters in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from pdfgeom import (
    CENTRE,
    PT_TO_MM,
    RIGHT,
    TEXT_TOP,
    Line,
    body_lines,
    dark_ink,
    line_box_top,
    line_ink,
    lines_of,
    open_pdf,
    outside_text_block,
    page_number,
    pitch,
    red_ink,
)
from PIL import Image, ImageDraw
from test_seal import seal_png

import gongwen
from gongwen.convert import Converter
from gongwen.errors import InputError
from gongwen.layout import standard
from gongwen.models import Official

PITCH = standard.LINE_PITCH_MM
CELL = standard.CHAR_PITCH_MM
SIGNED_RIGHT = RIGHT - standard.ORDER_SIGNATURE_RIGHT_CHARS * CELL
SENTENCE = ("为加强城市绿化管理，改善生态环境，根据有关法律法规，结合本市实际，制定本办法，"
            "现予公布，自2025年1月1日起施行。")
ORDER = {"类型": "公文", "格式": "命令", "发文机关": "都江市人民政府", "令号": 12,
         "标题": "公布都江市城市绿化管理办法的命令", "正文": SENTENCE + "\n\n" + SENTENCE + "\n",
         "签发人": "林明富", "签发人职务": "市长", "成文日期": "2024-10-08"}


@dataclass
class Rendered:
    path: Path

    @cached_property
    def pdf(self):
        return open_pdf(self.path)

    @cached_property
    def lines(self) -> list[Line]:
        return lines_of(self.pdf.pages[0])

    def line(self, start: str) -> Line:
        return next(line for line in self.lines if line.text.startswith(start))

    @property
    def stamp(self) -> tuple[float, float, float, float] | None:
        images = self.pdf.pages[0].images
        return tuple(images[0][k] * PT_TO_MM for k in ("x0", "top", "x1", "bottom")) \
            if images else None


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Rendered]:
    folder = tmp_path_factory.mktemp("order")
    stamp = Image.new("RGBA", (300, 140), (255, 255, 255, 0))
    ImageDraw.Draw(stamp).rectangle((4, 4, 295, 135), outline=(220, 0, 0, 255), width=8)
    stamp.save(folder / "stamp.png")
    documents = {"named": gongwen.render(ORDER),
                 "stamped": gongwen.render({**ORDER, "签名章": str(folder / "stamp.png")})}
    paths = [document.save(folder / f"{name}.docx") for name, document in documents.items()]
    with Converter() as converter:
        pdfs = converter.convert(paths, folder / "pdf")
    return {name: Rendered(pdf) for name, pdf in zip(documents, pdfs, strict=True)}


@pytest.fixture(params=["named", "stamped"])
def doc(request, rendered) -> Rendered:
    return rendered[request.param]


def approx(value: float, tol: float = 0.5):
    return pytest.approx(value, abs=tol)


def test_mark_red_its_top_20_mm_below_the_text_block(doc):
    page = doc.pdf.pages[0]
    mark = doc.lines[0]
    assert mark.text == "都江市人民政府令" and mark.is_red and mark.fonts == {"FandolSong-Bold"}
    _, top, _, _ = line_ink(page, mark, red_ink)
    assert top == approx(TEXT_TOP + standard.ORDER_MARK_TOP_BELOW_TEXT_BLOCK_MM,
                         standard.POSITION_TOLERANCE_MM)
    assert (mark.x0 + mark.x1) / 2 == approx(CENTRE, 1.0)


def test_order_number_two_lines_under_the_mark_and_the_body_two_under_it(doc):
    page = doc.pdf.pages[0]
    mark, number = doc.lines[0], doc.lines[1]
    assert number.text == "第12号" and not number.is_red
    assert (number.x0 + number.x1) / 2 == approx(CENTRE)
    _, _, _, mark_bottom = line_ink(page, mark, red_ink)
    _, number_top, _, number_bottom = line_ink(page, number, dark_ink)
    assert number_top - mark_bottom == approx(
        standard.ORDER_NUMBER_LINES_BELOW_MARK * PITCH, 0.75)
    first = doc.lines[2]
    assert first.text.startswith("为加强城市绿化管理")
    assert line_box_top(first, PITCH) - number_bottom == approx(
        standard.ORDER_BODY_LINES_BELOW_NUMBER * PITCH, 0.75)
    assert not [line for line in doc.lines if line.size == standard.ERHAO]  # no title


def test_signer_two_lines_under_the_body_four_characters_in(doc):
    last_body = [line for line in doc.lines if line.text.endswith("施行。")][-1]
    title = doc.line("市长")
    assert title.baseline > last_body.baseline
    if doc.stamp is None:
        assert title.text == "市长林明富"
        assert title.x1 == approx(SIGNED_RIGHT)
        assert title.char_x0("林") - next(c.x1 for c in title.chars if c.text == "长") == approx(
            standard.ORDER_TITLE_GAP_CHARS * CELL, 0.8)
        assert title.baseline - last_body.baseline == approx(
            (standard.ORDER_SIGNATURE_LINES_BELOW_BODY + 1) * PITCH, 0.3)
    else:
        x0, top, x1, bottom = doc.stamp
        assert x1 == approx(SIGNED_RIGHT)
        assert x1 - x0 == approx(30.0, 0.1)  # 签名章宽度's default, never scaled
        assert x0 - title.x1 == approx(standard.ORDER_TITLE_GAP_CHARS * CELL, 0.8)
        _, ink_top, _, ink_bottom = line_ink(doc.pdf.pages[0], title, dark_ink)
        assert (ink_top + ink_bottom) / 2 == approx((top + bottom) / 2, 2.0)  # centred on it
        assert top - (last_body.baseline + 0.2 * PITCH) == approx(
            standard.ORDER_SIGNATURE_LINES_BELOW_BODY * PITCH, 1.5)


def test_date_one_line_under_the_signer_four_characters_in(doc):
    date = doc.line("2024年")
    assert date.text.replace(" ", "") == "2024年10月8日"
    assert date.x1 == approx(SIGNED_RIGHT)
    above = doc.stamp[3] if doc.stamp else doc.line("市长").baseline + 0.2 * PITCH
    assert line_box_top(date, PITCH) - above == approx(
        standard.ORDER_DATE_LINES_BELOW_SIGNATURE * PITCH, 1.0)


def test_the_page_is_the_ordinary_one_and_the_check_finds_nothing(doc):
    page = doc.pdf.pages[0]
    assert outside_text_block(page) == []
    body = [line for line in body_lines(doc.lines) if line.text[:1] in "为结施"]
    assert len(body) == 6
    assert pitch(body) == approx(PITCH, 0.3)
    number, line = page_number(doc.lines)
    assert number == 1 and line.x1 == approx(RIGHT - standard.ONE_CHAR_MM, 1.0)
    report = gongwen.check(doc.path)
    assert [f.describe() for f in report.findings] == []


# --- data -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "number"), [(3, "第3号"), ("第3号", "第3号"), (None, None)])
def test_order_number_is_written_as_di_n_hao(value, number):
    model = Official(**{**ORDER, "格式": "order", "令号": value})
    assert model.order and model.order_number == number


@pytest.mark.parametrize("value", ["第03号", "3号", 0])
def test_a_malformed_order_number_is_refused(value):
    with pytest.raises(InputError, match="令号"):
        gongwen.render({**ORDER, "令号": value})


def test_an_order_without_its_signer_names_the_field():
    with pytest.raises(InputError) as caught:
        gongwen.render({key: value for key, value in ORDER.items() if key != "签发人"})
    assert "签发人" in str(caught.value) and "hint" in str(caught.value)


def test_a_seal_or_signature_an_order_does_not_print_is_a_warning(tmp_path):
    """10.2 signs a 命令 with the 签发人's 职务 and 签名章: an 印章 or a 署名 given is
    said to be left out, with its line, not dropped in silence."""
    seal_png(tmp_path / "a.png")
    path = tmp_path / "order.json"
    path.write_text(json.dumps({**ORDER, "印章": "a.png", "署名": "都江市人民政府"},
                               ensure_ascii=False), encoding="utf-8")
    (document,) = [gongwen.render(path)]
    found = [w for w in document.warnings if "not printed" in w]
    assert len(found) == 2 and "印章 (seal)" in found[0] and "署名 (signature)" in found[1]
    assert all("order.json" in w and "签名章" in w for w in found), found
    assert [w for w in gongwen.render(ORDER).warnings if "not printed" in w] == []
