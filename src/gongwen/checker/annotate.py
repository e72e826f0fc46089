"""``--annotate``: the checked PDF with each finding drawn where it is.

A reviewer would rather look than read: each finding gets a red box around what it is
about and its rule id above it, drawn into the page so every viewer and printer shows
them, and a note on the box holding the whole finding for a PDF viewer to open.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from ..fileio import write_atomic
from .measure import PT_TO_MM
from .report import Finding, Report

#: where a finding about the whole page is drawn: the top margin's left corner (mm)
PAGE_NOTE_BOX = (10.0, 8.0, 120.0, 14.0)
LABEL_PT = 7
FONT = NameObject("/GwCheckFont")


def annotate(report: Report, target: str | Path) -> Path:
    """Write every checked document of ``report``, one after the other, with its
    findings drawn on its pages, to ``target`` (atomically)."""
    writer = PdfWriter()
    for label, pdf in report.pdfs.items():
        first = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(pdf)))
        mine = [f for f in report.findings if f.file == label]
        _draw(writer, first, mine)
    buffer = io.BytesIO()
    writer.write(buffer)
    return write_atomic(Path(target), buffer.getvalue())


def _draw(writer: PdfWriter, first: int, findings: Sequence[Finding]) -> None:
    by_page: dict[int, list[Finding]] = {}
    for finding in findings:
        by_page.setdefault(finding.page or 1, []).append(finding)
    for number, mine in by_page.items():
        if not 1 <= number <= len(writer.pages) - first:
            continue
        page = writer.pages[first + number - 1]
        height = float(page.mediabox.height)
        ops = ["q 1 0 0 RG 1 0 0 rg 0.8 w"]
        stacked: dict[tuple, int] = {}
        for finding in mine:
            x0, top, x1, bottom = finding.box or PAGE_NOTE_BOX
            rect = _rect(x0, top, x1, bottom, height)
            left, low, right, high = rect
            ops.append(f"{left:.2f} {low:.2f} {right - left:.2f} {high - low:.2f} re S")
            shift = stacked.get(rect, 0)
            stacked[rect] = shift + 1
            label = f"{finding.rule.id} {finding.rule.name}".encode("ascii", "replace").decode()
            ops.append(f"BT {FONT} {LABEL_PT} Tf {left:.2f} {high + 1.5 + shift * 8:.2f} Td "
                       f"({label}) Tj ET")
            writer.add_annotation(first + number - 1, _note(rect, finding))
        ops.append("Q")
        _draw_over(writer, page, "\n".join(ops))


def _rect(x0: float, top: float, x1: float, bottom: float, height: float) -> tuple:
    pad = 0.8
    return (round((x0 - pad) / PT_TO_MM, 2), round(height - (bottom + pad) / PT_TO_MM, 2),
            round((x1 + pad) / PT_TO_MM, 2), round(height - (top - pad) / PT_TO_MM, 2))


def _note(rect: tuple, finding: Finding) -> DictionaryObject:
    """A square annotation on ``rect`` whose note is the whole finding."""
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Square"),
        NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect),
        NameObject("/C"): ArrayObject([FloatObject(1), FloatObject(0), FloatObject(0)]),
        NameObject("/Border"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(0)]),
        NameObject("/T"): TextStringObject(finding.rule.id),
        NameObject("/Contents"): TextStringObject(finding.describe()),
        NameObject("/F"): NumberObject(4),
    })


def _draw_over(writer: PdfWriter, page, drawing: str) -> None:
    """Append ``drawing`` to the page's content, the page's own content in a saved
    graphics state so that none of its settings leak into the drawing; the labels' font
    (Helvetica, one of the 14 every reader has) joins the page's resources."""
    contents = page.get_contents()
    own = contents.get_data() if contents is not None else b""
    stream = DecodedStreamObject()
    stream.set_data(b"q\n" + own + b"\nQ\n" + drawing.encode("ascii"))
    page.replace_contents(ArrayObject([stream]))  # an array: the writer registers the stream
    resources = page["/Resources"].get_object() if "/Resources" in page else DictionaryObject()
    fonts = resources["/Font"].get_object() if "/Font" in resources else DictionaryObject()
    # an indirect object: readers such as poppler expect fonts to be ones
    # (pypdf has no public call that adds one)
    fonts[FONT] = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }))
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
