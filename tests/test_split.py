"""gongwen.convert.split: per-document PDFs cut from a combined one.

The fast writer is held to pypdf's writer (the fallback) on real LibreOffice output, and
to hand-made PDFs for what LibreOffice does not write: links, object streams, page
attributes inherited from the page tree, encryption.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import warnings
from pathlib import Path

import pdfplumber
import pytest
from convert_samples import png_bytes, sample_docx, template_bytes, with_picture
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from pypdf import PdfReader, PdfWriter

from gongwen.convert import Converter, convert_many, split
from gongwen.convert.split import split_pdf

HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
URL = "https://example.org/"


def with_link(docx: bytes) -> bytes:
    """``docx`` with a paragraph linking to :data:`URL` (a /Link annotation in the PDF)."""
    doc = Document(io.BytesIO(docx))
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), doc.part.relate_to(URL, HYPERLINK, is_external=True))
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "外部链接"
    run.append(text)
    link.append(run)
    doc.add_paragraph()._p.append(link)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def combined(tmp_path_factory) -> tuple[Path, list[tuple[str, range]]]:
    """A LibreOffice combined PDF of 4 documents (a picture, a link, 1–3 pages) and
    each document's pages in it."""
    template = template_bytes()
    docs = [with_picture(sample_docx(1, 1, template=template), png_bytes()),
            with_link(sample_docx(2, 2, template=template)),
            sample_docx(3, 3, template=template), sample_docx(4, 1, template=template)]
    with Converter() as converter:
        result = convert_many(docs, tmp_path_factory.mktemp("combined"), strategy="combined",
                              converter=converter)
    assert result.strategy == "combined" and len(result.combined_pdfs) == 1, result.warnings
    parts = [(pdf.stem, pages) for pdf, (_, pages) in zip(result.pdfs, result.page_sources,
                                                          strict=True)]
    return result.combined_pdf, parts


def run(*command: str) -> str:
    """``command``'s output, asserting poppler had nothing to complain about."""
    done = subprocess.run(command, capture_output=True, check=True)
    assert done.stderr == b"", done.stderr
    return done.stdout.decode("utf-8")


def fonts(pdf: Path) -> list[str]:
    """pdffonts' table without the object ID column (numbers differ by writer)."""
    return [re.sub(r"\s+\d+\s+\d+$", "", line) for line in run("pdffonts", str(pdf)).splitlines()]


def check_file(pdf: Path) -> PdfReader:
    """Read ``pdf`` strictly, warnings as errors, and check its xref table entry by entry."""
    data = pdf.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reader = PdfReader(io.BytesIO(data), strict=True)
        for page in reader.pages:
            page.extract_text()
    start = int(data.rsplit(b"startxref", 1)[1].split()[0])
    head, table = data[start:].split(b"\n", 2)[1:]
    entries = re.findall(rb"(\d{10}) (\d{5}) ([nf]) \n", table[:int(head.split()[1]) * 20])
    free = [n for n, (_, _, kind) in enumerate(entries) if kind == b"f"]
    assert [int(entries[n][0]) for n in free] == [*free[1:], 0]  # one chain from 0
    for n, (offset, generation, kind) in enumerate(entries):
        if kind == b"n":
            assert data.startswith(b"%d %d obj" % (n, int(generation)), int(offset))
    run("pdfinfo", str(pdf))
    return reader


def test_matches_pypdf_on_libreoffice_output(combined, tmp_path):
    source, parts = combined
    fast = split_pdf(source, parts, tmp_path / "fast")
    reader = PdfReader(str(source))
    slow = [split._write_with_pypdf(reader, stem, pages, tmp_path / "slow")
            for stem, pages in parts]
    assert [pdf.name for pdf in fast] == [pdf.name for pdf in slow] == [
        f"document-000{n}.pdf" for n in range(1, 5)]
    for one, other, (stem, pages) in zip(fast, slow, parts, strict=True):
        new, old = check_file(one), PdfReader(str(other))
        assert len(new.pages) == len(old.pages) == len(pages)
        assert new.metadata == old.metadata == {"/Producer": "pypdf", "/Title": stem}
        assert new.pdf_header == reader.pdf_header
        assert run("pdftotext", "-layout", str(one), "-") == run(
            "pdftotext", "-layout", str(other), "-")
        assert fonts(one) == fonts(other)
        links = [[a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
                 for page in new.pages]
        assert links == [[a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
                         for page in old.pages]
        with pdfplumber.open(one) as doc:
            pictures = [len(page.images) for page in doc.pages]
        assert pictures == [1 if stem == "document-0001" else 0] + [0] * (len(pages) - 1)
    assert "外部链接" in run("pdftotext", str(fast[1]), "-")
    assert [len(page.get("/Annots", [])) for page in PdfReader(str(fast[1])).pages] == [0, 1]


def test_output_is_deterministic(combined, tmp_path):
    source, parts = combined
    first = split_pdf(source, parts, tmp_path / "a")
    second = split_pdf(PdfReader(str(source)), parts, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]


# --- hand-made PDFs --------------------------------------------------------------

#: four pages of 200 pt inheriting MediaBox and Resources from the page tree; page 1
#: links to a URL, to page 2, to page 3 (another document), to a named destination
#: (twice) and by a GoTo action to page 4
OBJECTS = {
    1: b"<< /Type /Catalog /Pages 2 0 R /Dests 20 0 R >>",
    2: b"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R 6 0 R] /Count 4 /MediaBox [0 0 200 200]"
       b" /Resources << /Font << /F1 7 0 R >> >> >>",
    3: b"<< /Type /Page /Parent 2 0 R /Contents 11 0 R /Annots [21 0 R 22 0 R 23 0 R 24 0 R"
       b" 25 0 R << /Subtype /Link /Rect [0 0 9 9] /A << /S /GoTo /D (target) >> >>] >>",
    4: b"<< /Type /Page /Parent 2 0 R /Contents 12 0 R >>",
    5: b"<< /Type /Page /Parent 2 0 R /Contents 13 0 R >>",
    6: b"<< /Type /Page /Parent 2 0 R /Contents 14 0 R >>",
    7: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    **{10 + n: b"<< /Length %d >>\nstream\nBT /F1 12 Tf 20 100 Td (page %d) Tj ET\nendstream"
       % (len(b"BT /F1 12 Tf 20 100 Td (page 1) Tj ET"), n) for n in range(1, 5)},
    20: b"<< /target [5 0 R /Fit] >>",
    21: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (%s) >> >>"
        % URL.encode(),
    22: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /Dest [4 0 R /Fit] /P 3 0 R >>",
    23: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /Dest [5 0 R /Fit] >>",
    24: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /Dest /target >>",
    25: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /GoTo /D [6 0 R /Fit] >> >>",
}
STREAMS = {11, 12, 13, 14}


def build_pdf(objects: dict[int, bytes], packed: bool) -> bytes:
    """A PDF of ``objects`` (1 is the catalog) with a classic xref table, or with all
    but the streams in an object stream and a cross-reference stream."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    inside = sorted(set(objects) - STREAMS) if packed else []
    size = max(objects) + 1
    where: dict[int, tuple[int, int, int]] = {}  # number → xref stream row
    for number, body in sorted(objects.items()):
        if number not in inside:
            where[number] = (1, len(out), 0)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if not packed:
        start = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += (b"%010d 00000 n \n" % where[number][1] if number in where
                    else b"0000000000 00000 f \n")
        return bytes(out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                     % (size, start))
    offsets, bodies = [], b""
    for index, number in enumerate(inside):
        offsets.append(b"%d %d" % (number, len(bodies)))
        bodies += objects[number] + b"\n"
        where[number] = (2, size, index)
    data = b" ".join(offsets) + b"\n" + bodies
    where[size] = (1, len(out), 0)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d >>\nstream\n%s\nendstream" \
           b"\nendobj\n" % (size, len(inside), len(data) - len(bodies), len(data), data)
    where[size + 1] = (1, len(out), 0)
    rows = b"".join(struct.pack(">BIH", *where.get(n, (0, 0, 0))) for n in range(size + 2))
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" \
           b"%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % (
               size + 1, size + 2, len(rows), rows, where[size + 1][1])
    return bytes(out)


@pytest.mark.parametrize("packed", [False, True], ids=["xref-table", "object-stream"])
def test_links_out_of_a_document_are_dropped(tmp_path, packed):
    source = tmp_path / "in.pdf"
    source.write_bytes(build_pdf(OBJECTS, packed))
    one, two = split_pdf(source, [("one", range(2)), ("two", range(2, 4))], tmp_path / "out")
    for pdf, numbers in ((one, (1, 2)), (two, (3, 4))):
        reader = check_file(pdf)
        assert run("pdftotext", str(pdf), "-").split() == [
            word for n in numbers for word in ("page", str(n))]
        assert [page.mediabox for page in reader.pages] == [[0, 0, 200, 200]] * 2
        assert [page["/Resources"]["/Font"]["/F1"]["/BaseFont"] for page in reader.pages] == [
            "/Helvetica"] * 2
        assert [len(page.get("/Annots", [])) for page in reader.pages] == [
            2 if pdf == one else 0, 0]
    reader = PdfReader(str(one))
    annots = [a.get_object() for a in reader.pages[0]["/Annots"]]
    assert annots[0]["/A"]["/URI"] == URL
    assert annots[1]["/Dest"][0] == reader.pages[1].indirect_reference  # its own page
    assert b"page 3" not in one.read_bytes()  # the other document's page is not dragged in


def test_encrypted_source_falls_back_to_pypdf(tmp_path, monkeypatch):
    writer = PdfWriter(clone_from=io.BytesIO(build_pdf(OBJECTS, packed=False)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    source = tmp_path / "locked.pdf"
    writer.write(source)
    calls = []

    def spy(*args):
        calls.append(args[1])
        return slow(*args)

    slow = split._write_with_pypdf
    monkeypatch.setattr(split, "_write_with_pypdf", spy)
    one, two = split_pdf(source, [("one", range(2)), ("two", range(2, 4))], tmp_path)
    assert calls == ["one", "two"]
    assert run("pdftotext", str(two), "-").split() == ["page", "3", "page", "4"]
    assert PdfReader(str(one)).metadata.title == "one"


def test_pages_outside_the_pdf_are_refused(tmp_path):
    source = tmp_path / "in.pdf"
    source.write_bytes(build_pdf(OBJECTS, packed=False))
    with pytest.raises(ValueError, match="not within the 4"):
        split_pdf(source, [("one", range(3, 5))], tmp_path)
    with pytest.raises(ValueError):
        split_pdf(source, [("none", range(0))], tmp_path)
