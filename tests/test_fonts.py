"""gongwen.convert.fonts: official names come out in the right open faces.

The PDF is made by the real LibreOffice with gongwen's fontconfig file, and each line's
characters are traced to the font that drew them.
"""

from __future__ import annotations

import os
import subprocess
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest
from convert_samples import FACE_LINES, RARE_CHARS, sample_docx

from gongwen.convert import (
    FONT_SUBSTITUTES,
    Converter,
    doctor_report,
    find_font_dir,
    font_config_path,
    fonts_in_pdf,
    replaced_names,
)
from gongwen.convert.fonts import FANDOL_FILES, FONT_DIR_ENV, render_font_config
from gongwen.layout import standard

NOTO_PREFIX = "NotoSerifCJKsc-"


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fonts")
    source = out / "faces.docx"
    source.write_bytes(sample_docx(1, pages=1))
    with Converter(workers=1) as conv:
        (pdf,) = conv.convert([source], out)
    return pdf


def fonts_by_text(pdf: Path) -> dict[str, set[str]]:
    """Each character drawn → the PostScript names (subset prefix dropped) drawing it."""
    found: dict[str, set[str]] = defaultdict(set)
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for char in page.chars:
                found[char["text"]].add(char["fontname"].split("+", 1)[-1])
    return found


def line_fonts(pdf: Path, text: str) -> set[str]:
    with pdfplumber.open(pdf) as doc:
        lines = doc.pages[0].extract_text_lines()
    (line,) = [ln for ln in lines if text in "".join(ln["text"].split())]
    return {c["fontname"].split("+", 1)[-1] for c in line["chars"] if not c["text"].isspace()}


@pytest.mark.parametrize(("face", "text"), FACE_LINES)
def test_each_official_face_maps_to_its_open_face(sample_pdf, face, text):
    drawn = line_fonts(sample_pdf, text)
    expected = FONT_SUBSTITUTES[face]
    if RARE_CHARS in text:  # only what Fandol lacks falls back to Noto
        assert drawn - {expected} and all(f.startswith(NOTO_PREFIX) for f in drawn - {expected})
        drawn = {expected}
    assert drawn == {expected}


def test_songti_is_not_bold_and_xiaobiaosong_is(sample_pdf):
    assert FONT_SUBSTITUTES[standard.SONGTI] == "FandolSong-Regular"
    assert FONT_SUBSTITUTES[standard.XIAOBIAOSONG] == "FandolSong-Bold"
    assert line_fonts(sample_pdf, "宋体页码文字") == {"FandolSong-Regular"}


def test_rare_characters_print_in_noto(sample_pdf):
    by_char = fonts_by_text(sample_pdf)
    for char in RARE_CHARS:
        assert by_char[char] and all(f.startswith(NOTO_PREFIX) for f in by_char[char])


def test_times_new_roman_is_liberation_serif(sample_pdf):
    assert line_fonts(sample_pdf, "TimesNewRoman2024No.1") == {"LiberationSerif"}


def test_fonts_in_pdf_lists_embedded_subsets(sample_pdf):
    fonts = {font.name: font for font in fonts_in_pdf(sample_pdf)}
    assert set(FONT_SUBSTITUTES.values()) <= set(fonts)
    assert all(font.embedded and font.subset for font in fonts.values())
    assert fonts["FandolSong-Bold"].replaces == (standard.XIAOBIAOSONG,)
    assert fonts["FandolFang-Regular"].replaces == (standard.FANGSONG,)
    assert replaced_names("ABCDEF+FandolHei-Regular") == (standard.HEITI,)
    assert [f.replaces for f in fonts.values() if f.name.startswith("Noto")] == [()]


def test_font_config_is_written_once_and_complete():
    path = font_config_path()
    assert path == font_config_path()
    assert path.name == "fonts.conf" and path.parent.name.startswith("fontconfig-")
    text = path.read_text(encoding="utf-8")
    assert '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>' in text
    assert f">{find_font_dir()}</dir>" in text
    assert '<match target="scan">' in text
    for name in FONT_SUBSTITUTES:
        assert f"<string>{name}</string>" in text
    assert "FONTCONFIG_FILE" not in os.environ or os.environ["FONTCONFIG_FILE"] != str(path)


def test_bold_weight_is_fixed_at_scan_time():
    listed = subprocess.run(
        ["fc-list", "-f", "%{postscriptname} %{weight}\n", "FandolSong"],
        capture_output=True, text=True, check=True,
        env={**os.environ, "FONTCONFIG_FILE": str(font_config_path())},
    ).stdout.split("\n")
    weights = dict(line.split() for line in listed if line)
    assert weights == {"FandolSong-Regular": "80", "FandolSong-Bold": "200"}


def test_config_follows_the_font_dir(tmp_path, monkeypatch):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for name in FANDOL_FILES:
        (fonts / name).symlink_to(find_font_dir() / name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    before = font_config_path()
    monkeypatch.setenv(FONT_DIR_ENV, str(fonts))
    assert find_font_dir() == fonts
    moved = font_config_path()
    assert moved != before and f">{fonts}</dir>" in moved.read_text(encoding="utf-8")
    assert moved.is_relative_to(tmp_path / "cache")


def test_config_without_fandol_still_includes_system_fonts():
    text = render_font_config(None, "/tmp/cache", "salt")
    assert "<dir salt" not in text and "/etc/fonts/fonts.conf" in text


def test_doctor_report_on_this_machine(monkeypatch):
    monkeypatch.delenv("GONGWEN_UNO_PYTHON", raising=False)  # the machine as set up
    report = doctor_report()
    assert report.ok, report.warnings + report.missing
    assert report.soffice is not None and report.grid_ok
    faces = {face.official: face.postscript for face in report.faces}
    assert faces[standard.SONGTI] == "FandolSong-Regular"
    assert faces[standard.XIAOBIAOSONG] == "FandolSong-Bold"
    assert faces[standard.FANGSONG] == "FandolFang-Regular"
    assert faces[standard.KAITI] == "FandolKai-Regular"
    assert faces[standard.HEITI] == "FandolHei-Regular"
    assert faces[standard.LATIN_FONT] == "LiberationSerif"
    text = "\n".join(report.lines())
    assert f"{standard.SONGTI} → FandolSong-Regular" in text and "[!!]" not in text
    assert report.as_dict()["ok"] is True
    assert report.as_dict()["engine"] == "office" and report.uno_python  # python3-uno
