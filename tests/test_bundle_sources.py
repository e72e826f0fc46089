"""Bundles straight from combined conversions: ``ConversionResult.page_sources`` and
``BundleEntry.pages`` (one read and one copy of the fonts per chunk)."""

from __future__ import annotations

import pytest
from convert_samples import sample_docx, template_bytes
from pypdf import PdfReader

from gongwen.bundle.assemble import BundleEntry, build_bundle
from gongwen.convert import Converter, convert_many
from gongwen.errors import BundleError

PAGES = [n % 3 + 1 for n in range(1, 25)]  # 24 documents of 1–3 pages


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """24 documents in 3 chunks (split in parallel), combined PDFs kept."""
    template = template_bytes()
    docs = [sample_docx(n, pages, template=template, faces=False)
            for n, pages in enumerate(PAGES, start=1)]
    out = tmp_path_factory.mktemp("sources")
    with Converter() as converter:
        return convert_many(docs, out, strategy="combined", chunk_size=8, converter=converter)


def test_page_sources_point_into_the_kept_combined_pdfs(converted):
    assert converted.strategy == "combined", converted.warnings
    assert len(converted.combined_pdfs) == 3
    assert len(converted.page_sources) == len(PAGES)
    readers = {pdf: PdfReader(str(pdf)) for pdf in converted.combined_pdfs}
    for n, ((pdf, pages), own) in enumerate(zip(converted.page_sources, converted.pdfs,
                                                strict=True), start=1):
        assert pdf in readers
        assert len(pages) == PAGES[n - 1] == len(PdfReader(str(own)).pages)
        first = squeeze(readers[pdf].pages[pages.start].extract_text())
        assert f"第{n}号文件" in first
        assert f"文{n}页{len(pages)}）" in squeeze(readers[pdf].pages[pages[-1]].extract_text())


def test_bundle_from_sources_equals_bundle_from_split_pdfs(converted, tmp_path):
    titles = [f"文件{n}" for n in range(1, len(PAGES) + 1)]
    shared = [BundleEntry(pdf, title, group="组", pages=pages)
              for (pdf, pages), title in zip(converted.page_sources, titles, strict=True)]
    split = [BundleEntry(pdf, title, group="组") for pdf, title in zip(converted.pdfs, titles,
                                                                        strict=True)]
    one = build_bundle(shared, tmp_path / "shared.pdf", title="汇编", cover=False, toc=False)
    two = build_bundle(split, tmp_path / "split.pdf", title="汇编", cover=False, toc=False)
    assert one.page_count == two.page_count == sum(PAGES)
    assert one.start_pages == two.start_pages
    assert one.bookmarks == two.bookmarks
    texts = [squeeze(p.extract_text()) for p in PdfReader(str(tmp_path / "shared.pdf")).pages]
    assert texts == [squeeze(p.extract_text()) for p in PdfReader(str(tmp_path / "split.pdf")).pages]
    assert one.size_bytes <= two.size_bytes * 1.05
    marks = PdfReader(str(tmp_path / "shared.pdf")).named_destinations
    assert not [name for name in marks if "GwDoc" in name]  # the chunks' internal marks


def test_pages_outside_the_pdf_are_refused(converted, tmp_path):
    pdf, _ = converted.page_sources[0]
    total = len(PdfReader(str(pdf)).pages)
    for pages in (range(total, total + 1), range(0, 0), range(0, total, 2)):
        with pytest.raises(BundleError, match="pages"):
            build_bundle([BundleEntry(pdf, "甲", pages=pages)], tmp_path / "x.pdf", title="汇编",
                         cover=False, toc=False)
    assert not (tmp_path / "x.pdf").exists()


def test_without_kept_combined_pdfs_sources_are_the_documents_own(tmp_path):
    template = template_bytes()
    docs = [sample_docx(n, 2, template=template, faces=False) for n in range(1, 4)]
    result = convert_many(docs, tmp_path, strategy="combined", keep_combined=False)
    assert result.combined_pdfs == []
    assert result.page_sources == [(pdf, range(2)) for pdf in result.pdfs]
