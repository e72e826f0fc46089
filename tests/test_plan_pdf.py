"""The sample plan as a PDF: fonts embedded, every character printed, hostile data literal."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLE

import gongwen
from gongwen.convert import fonts_in_pdf


@pytest.fixture(scope="module")
def hostile_pdf(tmp_path_factory) -> Path:
    data = {"kind": "plan", "organ": "中共测试支部", "title": "关于<测试>&{{ x }}的方案",
            "body": "# 安排\n正文含有<b>、&amp;、{% if %}、{{ title }}、𠮷和㛃。\n", "date": "2025-01-02"}
    path = tmp_path_factory.mktemp("pdf") / "hostile.pdf"
    gongwen.render(data).to_pdf(path)
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_hostile_text_prints_literally(hostile_pdf: Path):
    text = pdf_text(hostile_pdf).replace("\n", "")
    assert "正文含有<b>、&amp;、{% if %}、{{ title }}、𠮷和㛃。" in text
    assert "关于<测试>&{{ x }}的方案" in text


def test_fonts_are_the_mapped_open_faces(hostile_pdf: Path):
    names = {font.name for font in fonts_in_pdf(hostile_pdf)}
    assert {"FandolFang-Regular", "FandolSong-Bold", "FandolHei-Regular"} <= names
    assert any(name.startswith("NotoSerifCJK") or name.startswith("NotoSansCJK") for name in names)


def test_sample_plan_pdf_has_every_paragraph(tmp_path: Path):
    document = gongwen.render(SAMPLE / "plan.yaml")
    path = tmp_path / "plan.pdf"
    document.to_pdf(path)
    text = pdf_text(path).replace("\n", "").replace(" ", "")
    for phrase in ("都实中党支〔2024〕3号", "一、统一思想", "（四）总结提高阶段", "2024年9月2日",
                   "抄送：都江市教育局党组", "（此件发至全体党员）"):
        assert phrase.replace(" ", "") in text, phrase
