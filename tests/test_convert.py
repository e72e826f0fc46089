"""gongwen.convert: LibreOffice conversion, its checks, and the combined strategy.

These run the real LibreOffice (scripts/setup-system.sh installs it); nothing is skipped.
"""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from convert_samples import (
    FACE_LINES,
    RARE_CHARS,
    png_bytes,
    sample_docx,
    template_bytes,
    with_picture,
)
from docx import Document
from pypdf import PdfReader

from gongwen.convert import Converter, check_pdf, convert_many, libreoffice_version
from gongwen.convert.libreoffice import version_warnings
from gongwen.errors import ConversionError
from gongwen.layout import standard

A4_PT = (standard.mm_to_pt(standard.PAGE_WIDTH_MM), standard.mm_to_pt(standard.PAGE_HEIGHT_MM))
PT_TOLERANCE = 0.5


@pytest.fixture(scope="module")
def converter():
    with Converter() as conv:
        yield conv


@pytest.fixture(scope="module")
def template() -> bytes:
    return template_bytes()


def pdf_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]


def squeeze(text: str) -> str:
    return "".join(text.split())


def outline_titles(pdf: Path) -> list[str]:
    return [item.title for item in PdfReader(str(pdf)).outline if not isinstance(item, list)]


def no_temp_files(directory: Path) -> bool:
    return not [p for p in directory.iterdir() if p.name.startswith(".")]


# --- one document ----------------------------------------------------------------


def test_libreoffice_is_new_enough(converter):
    assert libreoffice_version() >= (24,)
    assert converter.warnings == []
    assert version_warnings((7, 4, 7)) and "28" in version_warnings((7, 4, 7))[0]


def test_convert_lays_out_a4_with_all_text(converter, template, tmp_path):
    source = tmp_path / "通知.docx"
    source.write_bytes(sample_docx(7, pages=2, template=template))
    (pdf,) = converter.convert([source], tmp_path / "out", expected_pages=[2])
    assert pdf == tmp_path / "out" / "通知.pdf"
    assert no_temp_files(pdf.parent)
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 2
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4_PT[0]) < PT_TOLERANCE
        assert abs(float(box.height) - A4_PT[1]) < PT_TOLERANCE
    text = squeeze(pdf_text(pdf))
    for _, line in FACE_LINES:
        assert squeeze(line) in text
    assert RARE_CHARS in text
    assert "第7号文件" in text and "TimesNewRoman2024No.7" in text


def test_page_numbers_alternate_sides(converter, template, tmp_path):
    source = tmp_path / "pages.docx"
    source.write_bytes(sample_docx(1, pages=2, template=template))
    (pdf,) = converter.convert([source], tmp_path)
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            digit = [c for c in page.chars if c["text"] == str(number) and c["top"] > 700]
            assert digit, f"no page number {number}"
            right_half = digit[0]["x0"] > page.width / 2
            assert right_half == (number % 2 == 1)  # odd right, even left


def test_convert_bytes(converter, template):
    pdf = converter.convert_bytes(sample_docx(3, template=template), name="a/b")
    assert pdf.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_parallel_batch_keeps_order(converter, template, tmp_path):
    sources = []
    for n in range(1, 6):
        path = tmp_path / f"doc{n}.docx"
        path.write_bytes(sample_docx(n, pages=n % 2 + 1, template=template, faces=False))
        sources.append(path)
    pdfs = converter.convert(sources, tmp_path / "out")
    assert [p.stem for p in pdfs] == [s.stem for s in sources]
    for n, pdf in enumerate(pdfs, start=1):
        assert len(PdfReader(str(pdf)).pages) == n % 2 + 1
        assert f"第{n}号文件" in squeeze(pdf_text(pdf))
    assert no_temp_files(tmp_path / "out")


# --- what must be refused --------------------------------------------------------


def test_text_file_named_docx_is_refused(converter, tmp_path):
    fake = tmp_path / "假文件.docx"
    fake.write_text("这不是 Word 文档", encoding="utf-8")
    with pytest.raises(ConversionError, match="假文件.docx: not a DOCX"):
        converter.convert([fake], tmp_path / "out")
    assert not (tmp_path / "out" / "假文件.pdf").exists()


def test_corrupt_zip_is_refused(converter, template, tmp_path):
    good = sample_docx(1, template=template)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(good[: len(good) // 2])  # the central directory is gone
    with pytest.raises(ConversionError, match="broken.docx"):
        converter.convert([broken], tmp_path)
    # a zip whose document part is damaged although its directory reads
    damaged = bytearray(good)
    start = good.index(b"word/document.xml") + 40
    damaged[start:start + 200] = b"\0" * 200
    with pytest.raises(ConversionError, match="damaged|not a DOCX"):
        converter.convert_bytes(bytes(damaged), name="damaged")


def test_zip_without_word_part_is_refused(converter, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(ConversionError, match="word/document.xml"):
        converter.convert_bytes(buffer.getvalue(), name="nodoc")


def test_unloadable_docx_reports_libreoffice(converter, tmp_path):
    bad = tmp_path / "unloadable.docx"
    with zipfile.ZipFile(bad, "w") as package:
        package.writestr("[Content_Types].xml", "garbage")
        package.writestr("word/document.xml", "<<< not xml")
    with pytest.raises(ConversionError, match=r"unloadable.docx: LibreOffice produced no PDF"):
        converter.convert([bad], tmp_path / "out")


def test_check_pdf_names_file_and_stderr(tmp_path):
    with pytest.raises(ConversionError, match=r"a.docx: .*no PDF.*could not be loaded"):
        check_pdf(tmp_path / "a.pdf", source="a.docx",
                  stderr=b"Warning: failed to launch javaldx\nError: source file could not be loaded")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\nnot really")
    with pytest.raises(ConversionError, match="junk.docx: LibreOffice produced an unreadable PDF"):
        check_pdf(junk, source="junk.docx")


def test_wrong_page_count_is_an_error(converter, template, tmp_path):
    source = tmp_path / "one.docx"
    source.write_bytes(sample_docx(1, template=template, faces=False))
    with pytest.raises(ConversionError, match="one.docx: the PDF has 1 pages, expected 3"):
        converter.convert([source], tmp_path / "out", expected_pages=[3])


def test_stuck_libreoffice_is_killed(template, tmp_path):
    source = tmp_path / "slow.docx"
    source.write_bytes(sample_docx(1, template=template, faces=False))
    with Converter(workers=1, timeout=0.05) as conv, pytest.raises(ConversionError, match="killed"):
        conv.convert([source], tmp_path / "out")
    root = str(conv._root)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        assert root not in cmdline, "a killed LibreOffice is still running"


# --- many documents ------------------------------------------------------------------


def check_documents(result, numbers_pages):
    assert len(result.pdfs) == len(numbers_pages)
    for pdf, pages, (number, expected) in zip(result.pdfs, result.page_counts, numbers_pages,
                                              strict=True):
        assert pages == expected
        texts = page_texts(pdf)
        assert len(texts) == expected
        first = squeeze(texts[0])
        assert f"第{number}号文件" in first
        for page, text in enumerate(texts, start=1):
            assert f"文{number}页{page}）" in squeeze(text)
            assert f"—{page}—" in squeeze(text)  # numbering restarts in every document
        assert f"文{number + 1}页1" not in squeeze("".join(texts))


def test_combined_strategy_splits_thirty_documents(converter, template, tmp_path):
    numbers_pages = [(n, n % 3 + 1) for n in range(1, 31)]
    docs = [sample_docx(n, pages, template=template, faces=False) for n, pages in numbers_pages]
    result = convert_many(docs, tmp_path, strategy="combined", converter=converter)
    assert result.strategy == "combined", result.warnings
    assert result.warnings == []
    check_documents(result, numbers_pages)
    assert result.pdfs[0].name == "document-0001.pdf"
    assert sum(len(PdfReader(str(p)).pages) for p in result.combined_pdfs) == sum(
        pages for _, pages in numbers_pages)
    titles = [title for pdf in result.combined_pdfs for title in outline_titles(pdf)]
    assert titles == [f"第{n}号文件" for n, _ in numbers_pages]  # one bookmark per document
    assert set(result.timings) >= {"merge", "convert", "split", "total"}
    assert no_temp_files(tmp_path)


def test_batch_strategy(converter, template, tmp_path):
    numbers_pages = [(n, n % 3 + 1) for n in range(1, 5)]
    paths = []
    for n, pages in numbers_pages:
        path = tmp_path / f"doc-{n}.docx"
        path.write_bytes(sample_docx(n, pages, template=template, faces=False))
        paths.append(path)
    result = convert_many(paths, tmp_path / "out", strategy="batch", converter=converter)
    assert result.strategy == "batch" and result.combined_pdfs == []
    check_documents(result, numbers_pages)
    assert [p.name for p in result.pdfs] == [f"doc-{n}.pdf" for n, _ in numbers_pages]


def test_auto_groups_templates_and_falls_back(converter, template, tmp_path):
    other = template_bytes(page_field="PAGE \\* ARABIC")  # another template
    counting = template_bytes(page_field="NUMPAGES")  # cannot be combined
    docs = [sample_docx(n, 1, template=template, faces=False) for n in range(1, 5)]
    docs += [sample_docx(n, 2, template=other, faces=False) for n in range(5, 9)]
    docs += [sample_docx(n, 1, template=counting, faces=False) for n in range(9, 12)]
    names = [f"n{n}" for n in range(1, 12)]
    result = convert_many(docs, tmp_path, names=names, converter=converter)
    assert result.strategy == "mixed"
    assert len(result.combined_pdfs) == 2
    assert result.page_counts == [1] * 4 + [2] * 4 + [1] * 3
    assert sum("NUMPAGES" in w for w in result.warnings) == 3
    for n, pdf in enumerate(result.pdfs, start=1):
        assert pdf.name == f"n{n}.pdf"
        assert f"第{n}号文件" in squeeze(pdf_text(pdf))


def test_combined_carries_images_and_titles(converter, template, tmp_path):
    red, blue = png_bytes(rgb=(220, 0, 0)), png_bytes(rgb=(0, 0, 220))
    docs = [with_picture(sample_docx(n, 1, template=template), picture)
            for n, picture in ((1, red), (2, blue), (3, red))]
    titles = ["关于开展专项检查的通知"] * 3
    result = convert_many(docs, tmp_path, strategy="combined", titles=titles,
                          converter=converter, keep_combined=True)
    assert result.strategy == "combined", result.warnings
    for pdf in result.pdfs:
        with pdfplumber.open(pdf) as doc:
            assert len(doc.pages[0].images) == 1
    assert outline_titles(result.combined_pdf) == [
        f"关于开展专项检查的通知（文{n}页1）" for n in (1, 2, 3)]


def test_combined_matches_batch_for_lists_and_tables(converter, template, tmp_path):
    docs = []
    for n in range(1, 4):
        doc = Document(io.BytesIO(template))
        doc.add_paragraph(f"文件{n}")
        for k in range(3):
            doc.add_paragraph(f"条目{n}-{k}", style="List Number")  # numbered by its style
        if n == 2:  # a body that ends with a table, not a paragraph
            doc.add_table(rows=1, cols=2).cell(0, 0).text = "表格结尾"
        buffer = io.BytesIO()
        doc.save(buffer)
        docs.append(buffer.getvalue())
    combined = convert_many(docs, tmp_path / "c", strategy="combined", converter=converter)
    batch = convert_many(docs, tmp_path / "b", strategy="batch", converter=converter)
    assert combined.strategy == "combined" and combined.page_counts == [1, 1, 1]
    for one, other in zip(combined.pdfs, batch.pdfs, strict=True):
        assert pdf_text(one) == pdf_text(other)
        assert "1. 条目" in pdf_text(one)  # every document's list counts from 1


def test_combined_sections_say_their_footers_once(template):
    """Later documents' sections inherit the first one's footers instead of naming them
    again (LibreOffice builds a page style per named set); the page numbers still restart,
    as test_combined_strategy_splits_thirty_documents reads on the PDF."""
    from gongwen.convert.merge import merge
    from gongwen.convert.package import Package

    packages = [Package(f"d{n}", sample_docx(n, 2, template=template, faces=False))
                for n in range(1, 5)]
    with zipfile.ZipFile(io.BytesIO(merge(packages))) as combined:
        body = combined.read("word/document.xml").decode()
    sections = body.split("<w:sectPr")[1:]
    assert len(sections) == 4
    assert "footerReference" in sections[0]
    assert all("footerReference" not in section for section in sections[1:])
    assert all('w:start="1"' in section for section in sections)
