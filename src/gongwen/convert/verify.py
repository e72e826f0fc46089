"""Checks on both sides of LibreOffice, because ``soffice --convert-to`` exits 0 even
when it converted nothing: reject what is not a DOCX before starting it, and accept a
PDF only when pypdf can read it and it has pages."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ..errors import ConversionError

#: the parts every WordprocessingML package has (ECMA-376 Part 2 and Part 1, 11.3.10)
REQUIRED_DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")
#: how much of LibreOffice's stderr an error message quotes
STDERR_TAIL_CHARS = 600
#: lines LibreOffice prints on every run that say nothing about the failure
_NOISE = ("failed to launch javaldx", "java may not function correctly")


def stderr_tail(stderr: str | bytes | None, limit: int = STDERR_TAIL_CHARS) -> str:
    """The end of LibreOffice's stderr without its routine noise, on one line."""
    if not stderr:
        return ""
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    lines = [ln.strip() for ln in stderr.splitlines()]
    text = " | ".join(ln for ln in lines if ln and not any(n in ln for n in _NOISE))
    return text[-limit:]


def check_docx(source: Path | bytes, name: str | None = None) -> None:
    """Raise :class:`ConversionError` unless ``source`` is a readable OOXML word-processing
    package; ``name`` is what the message calls it (default: the path)."""
    label = name or str(source)
    try:
        handle = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except FileNotFoundError:
        raise ConversionError(f"{label}: no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ConversionError(
            f"{label}: not a DOCX file (not a zip package: {exc})",
        ) from None
    with handle:
        names = set(handle.namelist())
        missing = [part for part in REQUIRED_DOCX_PARTS if part not in names]
        if missing:
            raise ConversionError(
                f"{label}: not a DOCX file (the package has no {', '.join(missing)})"
            )
        try:
            handle.read("word/document.xml")  # decompresses and checks the CRC
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise ConversionError(f"{label}: the DOCX is damaged ({exc})") from None


def marked_pages(reader: PdfReader, mark: re.Pattern[str]) -> dict[int, int]:
    """Number → 0-based page of each named destination that ``mark`` finds (its last
    group is the number): the bookmarks gongwen put in a DOCX, as the PDF placed them."""
    pages = {}
    for name, destination in reader.named_destinations.items():
        found = mark.search(name)
        if found:
            pages[int(found.group(found.lastindex or 0))] = \
                reader.get_destination_page_number(destination)
    return pages


def pdf_page_count(pdf: Path | bytes, name: str | None = None) -> int:
    """The number of pages pypdf reads in ``pdf``; :class:`ConversionError` if it cannot."""
    label = name or str(pdf)
    try:
        reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
        return len(reader.pages)
    except (OSError, ValueError, PyPdfError) as exc:
        raise ConversionError(f"{label}: the PDF is unreadable ({exc})") from None


def check_pdf(
    pdf: Path,
    *,
    source: str,
    expected_pages: int | None = None,
    stderr: str | bytes | None = None,
) -> int:
    """Raise :class:`ConversionError` unless ``pdf`` exists, reads and has the pages it
    should; returns its page count.  ``source`` names the DOCX in the message."""
    tail = stderr_tail(stderr)
    detail = f" (LibreOffice said: {tail})" if tail else ""
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise ConversionError(f"{source}: LibreOffice produced no PDF{detail}")
    try:
        pages = pdf_page_count(pdf)
    except ConversionError:
        raise ConversionError(f"{source}: LibreOffice produced an unreadable PDF{detail}") from None
    if pages < 1:
        raise ConversionError(f"{source}: LibreOffice produced a PDF without pages{detail}")
    if expected_pages is not None and pages != expected_pages:
        raise ConversionError(
            f"{source}: the PDF has {pages} pages, expected {expected_pages}{detail}"
        )
    return pages
