"""联合行文 with seals (GB/T 9704 7.3.5.1) measured on the PDF, in mm: each seal at its
size, side by side and evenly spaced inside the 版心, each organ's name centred under
its seal, the 成文日期 right-aligned four characters in under the last one, its line in
the seals' lower part (the glyphs' bottom 1–4 mm above the seal's edge), the seals' top
within one line of the body.  Seal positions are pdfplumber's image boxes."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from conftest import write
from pdfgeom import LEFT, RIGHT, Line, dark_ink, line_ink, lines_of, open_pdf
from test_seal import seal_png

import gongwen
from gongwen.errors import InputError
from gongwen.layout import standard

TOL = standard.POSITION_TOLERANCE_MM
CELL = standard.CHAR_PITCH_MM
MM = 25.4 / 72
BODY = ("为深入开展创先争优活动，经研究，决定联合开展志愿服务活动。请各党小组、各工会小组认真组织，"
        "确保活动取得实效。")
DATE = "2024年9月10日"
VARIANTS = {
    # names that fit between the seals: one line, each under its seal
    "side": ("发文机关: [都江市教育工会, 都江市妇联]\n印章: [a.png, b.png]\n",
             ["都江市教育工会", "都江市妇联"]),
    # long names: one under the other, each centred under its seal
    "stacked": ("发文机关: [中共都江市实验中学支部委员会, 都江市实验中学工会委员会]\n署名:\n"
                "  - {机关: 中共都江市实验中学支部委员会, 印章: a.png}\n"
                "  - {机关: 都江市实验中学工会委员会, 印章: b.png}\n",
                ["中共都江市实验中学支部委员会", "都江市实验中学工会委员会"]),
    "three": ("发文机关: [甲党支部, 乙工会, 丙团委]\n印章: [a.png, b.png, c.png]\n",
              ["甲党支部", "乙工会", "丙团委"]),
}


def joint(folder: Path, extra: str, name: str = "j.yaml") -> Path:
    for seal in ("a.png", "b.png", "c.png"):
        if not (folder / seal).exists():
            seal_png(folder / seal)
    return write(folder, name, "类型: 公文\n标题: 关于联合开展志愿服务活动的通知\n"
                 f"主送机关: 各党小组、各工会小组\n正文: {BODY}\n成文日期: 2024-09-10\n" + extra)


@dataclass
class Seal:
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Sealed:
    path: Path
    names: list[str]

    def measure(self) -> tuple[list[Seal], list[Line], object]:
        page = open_pdf(self.path).pages[0]
        seals = sorted((Seal(*(image[k] * MM for k in ("x0", "x1", "top", "bottom")))
                        for image in page.images), key=lambda s: s.x0)
        return seals, lines_of(page), page


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Sealed]:
    folder = tmp_path_factory.mktemp("joint")
    done = {}
    for name, (extra, names) in VARIANTS.items():
        path = folder / f"{name}.pdf"
        gongwen.render(joint(folder, extra, f"{name}.yaml")).to_pdf(path)
        done[name] = Sealed(path, names)
    return done


@pytest.fixture(params=list(VARIANTS))
def sealed(request, rendered) -> Sealed:
    return rendered[request.param]


def char_span(line: Line, text: str) -> tuple[float, float]:
    """(left, right) of ``text``'s characters on ``line``."""
    start = line.text.index(text)
    chars = line.chars[start:start + len(text)]
    return chars[0].x0, chars[-1].x1


def test_seals_at_their_size_side_by_side_evenly_inside_the_text_block(sealed):
    seals, _, _ = sealed.measure()
    assert len(seals) == len(sealed.names)
    for seal in seals:
        assert seal.x1 - seal.x0 == pytest.approx(40, abs=0.3)
        assert seal.bottom - seal.top == pytest.approx(40, abs=0.3)
        assert seal.top == pytest.approx(seals[0].top, abs=0.1)  # one row
        assert seal.x0 >= LEFT - 0.3 and seal.x1 <= RIGHT + 0.3
    for a, b in zip(seals, seals[1:], strict=False):
        assert b.x0 - a.x1 == pytest.approx(standard.JOINT_SEAL_GAP_MM, abs=0.3)


def test_the_date_is_four_characters_in_under_the_last_seal_its_line_in_the_lower_part(sealed):
    seals, lines, page = sealed.measure()
    date = next(line for line in lines if line.text.replace(" ", "") == DATE)
    assert date.x1 == pytest.approx(RIGHT - standard.SEALED_DATE_RIGHT_INDENT_CHARS * CELL,
                                    abs=TOL)
    last = seals[-1]
    assert (date.x0 + date.x1) / 2 == pytest.approx(last.centre, abs=TOL)
    _, _, _, ink_bottom = line_ink(page, date, dark_ink)
    low, high = standard.SEAL_BELOW_DATE_RANGE_MM
    assert low <= last.bottom - ink_bottom <= high  # measured 2.66 mm
    body = max((line for line in lines if line.baseline < last.top + 1 and line.size == 16),
               key=lambda line: line.baseline)
    assert body.text.endswith("确保活动取得实效。")
    assert 0 <= last.top - body.bottom <= standard.LINE_PITCH_MM  # within a line of the body
    assert date.baseline > (last.top + last.bottom) / 2  # below the centre


def test_each_name_is_centred_under_its_seal(sealed):
    seals, lines, _ = sealed.measure()
    for name, seal in zip(sealed.names, seals, strict=True):
        line = next(line for line in lines if name in line.text and not line.is_red)
        left, right = char_span(line, name)
        assert (left + right) / 2 == pytest.approx(seal.centre, abs=TOL), name
        assert seal.top < line.baseline < seal.bottom  # the seal presses on its name
        assert left >= LEFT - 0.3 and right <= RIGHT + 0.3


def test_names_share_a_line_when_they_fit_else_stack_in_order(rendered):
    for key, one_line in (("side", True), ("three", True), ("stacked", False)):
        _, lines, _ = rendered[key].measure()
        names = rendered[key].names
        found = [next(line for line in lines if name in line.text) for name in names]
        baselines = [line.baseline for line in found]
        if one_line:
            assert len(set(baselines)) == 1, key
        else:
            assert baselines == sorted(baselines)
            assert baselines[1] - baselines[0] == pytest.approx(standard.LINE_PITCH_MM, abs=0.3)


def test_the_check_finds_nothing(sealed):
    assert [f.describe() for f in gongwen.check(sealed.path).findings] == []


def test_the_check_measures_joint_names_side_by_side(tmp_path, monkeypatch):
    """A date two characters in under joint seals is found, as under a lone seal."""
    monkeypatch.setattr(standard, "SEALED_DATE_RIGHT_INDENT_CHARS", 2)
    path = tmp_path / "wrong.pdf"
    gongwen.render(joint(tmp_path, VARIANTS["side"][0])).to_pdf(path)
    monkeypatch.undo()  # laid out two characters in, measured against the standard's four
    (finding,) = gongwen.check(path).findings
    assert finding.rule.id == "GW304" and "sealed" in finding.measured


@pytest.mark.parametrize(("extra", "line", "words"), [
    ("发文机关: [甲党支部, 乙工会]\n印章: a.png\n", 7, ["2 署名 and 1 印章", "joint"]),
    ("发文机关: [甲党支部, 乙工会]\n署名:\n  - {机关: 甲党支部, 印章: a.png}\n  - 乙工会\n", 7,
     ["2 署名 and 1 印章"]),
    ("发文机关: [甲党支部, 乙工会, 丙团委]\n印章: [a.png, b.png, c.png]\n印章尺寸: 55\n", 7,
     ["3 seals of 55 mm", "版心"]),
    ("发文机关: [甲党支部, 乙工会]\n印章: [a.png, nowhere.png]\n", 7, ["nowhere.png"]),
    # one organ, two seals: the item's own line and field, never a traceback
    ("发文机关: [甲党支部, 乙工会]\n署名:\n  - {机关: 甲党支部, 印章: [a.png, b.png]}\n"
     "  - {机关: 乙工会, 印章: b.png}\n", 8, ["署名[1].印章", "valid string"]),
])
def test_joint_seal_errors_name_the_file_and_line(tmp_path, extra, line, words):
    with pytest.raises(InputError) as caught:
        gongwen.render(joint(tmp_path, extra))
    text = str(caught.value)
    assert f"j.yaml:{line}" in text and "印章" in text, text
    for word in words:
        assert word in text, text


def test_a_signed_item_without_its_name_is_said_of_the_item(tmp_path):
    """署名 is a name or a list of them: an error in the list is the list's, not
    「should be a valid string」 about 署名 as a whole."""
    extra = "发文机关: [甲党支部, 乙工会]\n署名:\n  - {印章: a.png}\n  - {机关: 乙工会, 印章: b.png}\n"
    with pytest.raises(InputError) as caught:
        gongwen.render(joint(tmp_path, extra))
    text = str(caught.value)
    assert "j.yaml:8" in text and "署名[1].机关" in text and "missing" in text, text


def test_a_list_of_names_without_seals_is_the_unsealed_joint_layout(tmp_path):
    document = gongwen.render(joint(tmp_path, "发文机关: 甲党支部\n署名: [甲党支部, 乙工会]\n"))
    paragraphs = docx.Document(io.BytesIO(document.docx)).paragraphs
    assert [p.text for p in paragraphs if p.style.style_id == "GwSignature"] == ["甲党支部",
                                                                                  "乙工会"]
    with zipfile.ZipFile(io.BytesIO(document.docx)) as package:
        assert not [name for name in package.namelist() if name.startswith("word/media/")]
