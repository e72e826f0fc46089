"""The seal (印章, GB/T 9704 7.3.5.1) measured on the PDF: at its true size, red, centred
on the 成文日期 (right-aligned four characters in) with the 署名 centred over it, its top
within one line of the body, the 署名 and date below its centre, the date's line in its
lower part (1–4 mm above its edge).  Joint seals: test_joint_seal.py."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import write
from pdfgeom import dark_ink, line_ink, lines_of, open_pdf, page_number
from PIL import Image, ImageDraw

import gongwen
from gongwen.errors import InputError
from gongwen.layout import standard

TOL = standard.POSITION_TOLERANCE_MM
RIGHT = standard.MARGIN_LEFT_MM + standard.TEXT_BLOCK_WIDTH_MM
CELL = standard.CHAR_PITCH_MM
ORGAN = "中共测试县第二小学支部委员会"


def seal_png(path: Path, pixels: int = 472) -> Path:
    """A red ring with a star on a transparent ground (40 mm at 300 dpi)."""
    image = Image.new("RGBA", (pixels, pixels), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, pixels - 6, pixels - 6), outline=(230, 0, 0, 255), width=14)
    centre, big = pixels / 2, pixels * 0.16
    draw.polygon([(centre + (big if i % 2 == 0 else big * 0.38) * math.cos(-math.pi / 2 + i * math.pi / 5),
                   centre + (big if i % 2 == 0 else big * 0.38) * math.sin(-math.pi / 2 + i * math.pi / 5))
                  for i in range(10)], fill=(230, 0, 0, 255))
    image.save(path)
    return path


def notice(tmp_path: Path, extra: str) -> Path:
    seal_png(tmp_path / "seal.png")
    return write(tmp_path, "n.yaml", f"""\
        类型: 公文
        发文机关: {ORGAN}
        标题: 关于召开动员大会的通知
        主送机关: 各党小组
        正文: 定于9月6日下午召开创先争优活动动员大会，请全体党员准时参加。
        成文日期: 2025-03-05
        {extra}
        """)


@pytest.fixture(scope="module")
def sealed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seal")
    path = folder / "n.pdf"
    gongwen.render(notice(folder, "印章: seal.png\n        印章尺寸: 42")).to_pdf(path)
    return path


def test_seal_is_printed_at_its_size_centred_on_the_date(sealed):
    page = open_pdf(sealed).pages[0]
    (image,) = page.images
    mm = 25.4 / 72
    x0, x1, top, bottom = (image[k] * mm for k in ("x0", "x1", "top", "bottom"))
    assert x1 - x0 == pytest.approx(42, abs=0.3) and bottom - top == pytest.approx(42, abs=0.3)
    lines = lines_of(page)
    date = next(line for line in lines if line.text.replace(" ", "") == "2025年3月5日")
    name = next(line for line in lines if line.text == ORGAN)
    body = next(line for line in lines if line.text.startswith("定于"))
    last_body = max((line for line in lines if line.baseline < name.baseline
                     and line is not name and line.size == standard.SANHAO),
                    key=lambda line: line.baseline)
    assert date.x1 == pytest.approx(RIGHT - standard.SEALED_DATE_RIGHT_INDENT_CHARS * CELL,
                                    abs=TOL)
    centre = (date.x0 + date.x1) / 2
    assert (name.x0 + name.x1) / 2 == pytest.approx(centre, abs=TOL)  # 署名 over the date
    assert (x0 + x1) / 2 == pytest.approx(centre, abs=TOL)  # the seal over both
    assert 0 <= top - last_body.bottom <= standard.LINE_PITCH_MM  # within a line of the body
    assert body.baseline < top
    middle = (top + bottom) / 2
    assert date.baseline > middle and name.baseline > top  # 署名 and date 居中心偏下
    assert date.baseline < bottom
    # 下压成文日期: the date's glyphs end 1–4 mm above the seal's lower edge (2.66 measured)
    _, _, _, ink_bottom = line_ink(page, date, dark_ink)
    low, high = standard.SEAL_BELOW_DATE_RANGE_MM
    assert low <= bottom - ink_bottom <= high
    assert page_number(lines) is not None
    assert gongwen.check(sealed).findings == []


def test_seal_is_red_behind_the_text(sealed):
    page = open_pdf(sealed).pages[0]
    crop = page.crop(tuple(page.images[0][k] for k in ("x0", "top", "x1", "bottom")))
    image = crop.to_image(resolution=100).original.convert("RGB")
    pixels, (width, height) = image.load(), image.size
    red = sum(1 for x in range(width) for y in range(height)
              if pixels[x, y][0] > 150 and pixels[x, y][1] < 90 and pixels[x, y][2] < 90)
    assert red > 200
    text = page.extract_text().replace(" ", "")
    assert ORGAN in text and "2025年3月5日" in text  # the text stays readable above it


def test_a_missing_seal_names_the_line(tmp_path):
    path = notice(tmp_path, "印章: nowhere.png")
    with pytest.raises(InputError) as caught:
        gongwen.render(path)
    assert "n.yaml:7" in str(caught.value) and "印章" in str(caught.value)


def test_without_a_seal_no_picture_and_the_date_is_placed_by_the_name(tmp_path):
    document = gongwen.render(notice(tmp_path, ""))
    with zipfile.ZipFile(io.BytesIO(document.docx)) as package:
        assert not [name for name in package.namelist() if name.startswith("word/media/")]
    date = next(p for p in docx.Document(io.BytesIO(document.docx)).paragraphs
                if p.text == "2025年3月5日")
    assert date.paragraph_format.left_indent  # 7.3.5.2: two cells right of the 署名


def test_the_check_measures_a_sealed_closing_by_7_3_5_1(tmp_path, monkeypatch):
    """Under a seal the date belongs four characters in: one two characters in is found."""
    monkeypatch.setattr(standard, "SEALED_DATE_RIGHT_INDENT_CHARS", 2)
    path = tmp_path / "wrong.pdf"
    gongwen.render(notice(tmp_path, "印章: seal.png")).to_pdf(path)
    (finding,) = gongwen.check(path).findings
    assert finding.rule.id == "GW304" and "sealed" in finding.measured
