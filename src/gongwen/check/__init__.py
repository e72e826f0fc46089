"""``gongwen check``: what is wrong with a 公文's format, measured on the rendered page.

A PDF is measured as it is; a DOCX (from Word, WPS, LibreOffice or gongwen) is first
converted through gongwen's own LibreOffice path; gongwen data (YAML/JSON) is rendered
first.  Every finding names its rule, the clause it comes from, the page and line, what
was measured and what was expected.

    >>> report = gongwen.check("通知.docx")
    >>> for finding in report.findings: print(finding.describe())
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from ..errors import GongwenError
from ..layout import standard
from .measure import PT_TO_MM, lines_of
from .page_rules import Page, page_findings
from .report import Finding, Report, Rule
from .rules import ALL_RULES
from .text_rules import text_findings

#: the files ``check`` reads in a folder, and the data it renders first
DOCUMENT_SUFFIXES = (".pdf", ".docx")
DATA_SUFFIXES = (".yaml", ".yml", ".json")
#: a file larger than this is refused unread
MAX_INPUT_BYTES = 50 * 1024 * 1024


def check(paths: str | Path | Iterable[str | Path], *, profile: str = "strict") -> Report:
    """Check each file (a folder: every .docx and .pdf in it) against ``profile``.

    A file that cannot be read is listed in :attr:`Report.unreadable` with the reason;
    the others are still checked.
    """
    chosen = standard.get_profile(profile)
    report = Report(profile=chosen.name)
    for path in _expand(paths):
        name = str(path)
        try:
            for label, pdf in _pdfs_of(path):
                report.checked.append(label)
                report.extend(check_pdf_bytes(pdf, label, profile=chosen))
        except FileNotFoundError:
            report.unreadable.append((name, "no such file"))
        except (GongwenError, OSError, ValueError) as error:
            reason = str(error).removeprefix(f"{name}: ") or type(error).__name__
            report.unreadable.append((name, reason))
    return report


def check_pdf_bytes(pdf: bytes, label: str, *, profile: standard.Profile = standard.STRICT,
                    ) -> list[Finding]:
    """Findings of every rule on one PDF's pages."""
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            pages = [Page(number, float(page.width) * PT_TO_MM, float(page.height) * PT_TO_MM,
                          lines_of(page), _tables(page))
                     for number, page in enumerate(document.pages, 1)]
    except Exception as error:  # noqa: BLE001 - any fault of an untrusted PDF is "unreadable"
        raise ValueError(f"not a readable PDF ({error})") from None
    findings = list(page_findings(label, pages, profile))
    findings += text_findings(label, pages)
    return findings


def _tables(page) -> list[tuple[float, float, float, float]]:
    return [tuple(v * PT_TO_MM for v in table.bbox) for table in page.find_tables()]


def _expand(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    found: list[Path] = []
    for item in map(Path, items):
        if item.is_dir():
            found += sorted(p for p in item.iterdir()
                            if p.suffix.lower() in DOCUMENT_SUFFIXES and not p.name.startswith("."))
        else:
            found.append(item)
    return found


def _pdfs_of(path: Path) -> list[tuple[str, bytes]]:
    """(label, PDF bytes) of each document ``path`` holds."""
    suffix = path.suffix.lower()
    if suffix in DATA_SUFFIXES:
        from ..kinds import render_all

        return [(f"{path}#{doc.title}", doc.to_pdf()) for doc in render_all(path)]
    if suffix not in DOCUMENT_SUFFIXES:
        raise ValueError("not a .docx, .pdf or gongwen data file "
                         f"(hint: check takes {', '.join(DOCUMENT_SUFFIXES + DATA_SUFFIXES)})")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise ValueError(f"{size // 2**20} MiB is over the {MAX_INPUT_BYTES // 2**20} MiB limit")
    data = path.read_bytes()
    if suffix == ".pdf":
        return [(str(path), data)]
    from ..convert import check_docx, shared_converter

    check_docx(data, str(path))
    return [(str(path), shared_converter().convert_bytes(data, name=path.stem))]


__all__ = ["ALL_RULES", "Finding", "Report", "Rule", "check", "check_pdf_bytes"]
