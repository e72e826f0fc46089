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
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import GongwenError
from ..layout import standard
from .docx_rules import docx_findings
from .element_rules import element_findings
from .house import HouseStyle, is_house_style_file, load_house_style
from .letter_rules import letter_findings, letterhead
from .lost_text import lost_text_findings
from .measure import measure_pdf
from .page import Page
from .page_rules import font_findings, page_findings
from .report import Finding, Report, Rule
from .rules import ALL_RULES
from .text_rules import text_findings

#: the files ``check`` reads in a folder, and the data it renders first
DOCUMENT_SUFFIXES = (".pdf", ".docx")
DATA_SUFFIXES = (".yaml", ".yml", ".json")
#: a file larger than this is refused unread
MAX_INPUT_BYTES = 50 * 1024 * 1024
#: a document longer than this is refused unmeasured (a 公文 is a few pages; a bundle
#: is checked document by document)
MAX_PAGES = 300


def check(paths: str | Path | Iterable[str | Path], *, profile: str | Path = "strict",
          ) -> Report:
    """Check each file (a folder: every .docx and .pdf in it and its subfolders) against
    ``profile``: a named profile, or a house style's YAML file (:mod:`.house`).

    DOCX files are converted together, on every core, by the process's LibreOffice.  A
    file that cannot be read is listed in :attr:`Report.unreadable` with the reason; the
    others are still checked.
    """
    house = (load_house_style(profile) if is_house_style_file(str(profile))
             else HouseStyle(standard.get_profile(str(profile))))
    chosen = house.profile
    report = Report(profile=chosen.name)
    files, empty = _expand(paths)
    report.unreadable += [(str(folder), "no .docx or .pdf in this folder or below it "
                                        "(hint: check takes the folder batch wrote, e.g. out/)")
                          for folder in empty]
    pdfs: dict[Path, list[tuple[str, bytes]] | str | None] = {}
    for path in files:
        try:
            pdfs[path] = _read(path)
        except Skipped as skipped:
            report.skipped.append((str(path), str(skipped)))
            pdfs[path] = []
        except FileNotFoundError:
            pdfs[path] = "no such file"
        except (GongwenError, OSError, ValueError) as error:
            pdfs[path] = str(error).removeprefix(f"{path}: ") or type(error).__name__
    pdfs.update(_convert([p for p, got in pdfs.items() if got is None]))
    for path in files:
        got = pdfs[path] or []
        if isinstance(got, str):
            report.unreadable.append((str(path), got))
            continue
        for label, pdf in got:
            report.checked.append(label)
            report.pdfs[label] = pdf
            try:
                found = check_pdf_bytes(pdf, label, profile=chosen)
                if path.suffix.lower() == ".docx":  # its XML tells causes the page cannot
                    data = path.read_bytes()
                    found += docx_findings(data, label)
                    found += lost_text_findings(data, pdf, label)
                report.extend(f for f in found if f.rule.id not in house.allowed)
            except ValueError as error:
                report.checked.remove(label)
                del report.pdfs[label]
                report.unreadable.append((label, str(error)))
    return report


def check_pdf_bytes(pdf: bytes, label: str, *, profile: standard.Profile = standard.STRICT,
                    ) -> list[Finding]:
    """Findings of every rule on one PDF's pages."""
    import pypdfium2

    fonts: dict[str, bool] = {}
    try:
        count = len(pypdfium2.PdfDocument(pdf))
        if count > MAX_PAGES:
            raise ValueError(f"{count} pages is over the {MAX_PAGES}-page limit of one check "
                             "(hint: check the documents of a bundle one by one)")
        pages = []
        for number, page in enumerate(measure_pdf(pdf), 1):
            pages.append(Page(number, page.width, page.height, page.lines, page.verticals,
                              page.rules, page.pictures))
            fonts.update(page.embedded)
    except pypdfium2.PdfiumError as error:
        raise ValueError(f"not a readable PDF ({error})") from None
    head = letterhead(pages)  # a letter (10.1): its page 1 is measured by its own rules
    findings = _collapse([*page_findings(label, pages, profile, letter=head),
                          *element_findings(label, pages, letter=head is not None),
                          *(letter_findings(label, pages, head) if head else ())])
    findings += font_findings(label, pages, fonts)
    findings += text_findings(label, pages)
    return findings


def _collapse(findings: list[Finding]) -> list[Finding]:
    """A finding about a whole page that repeats page after page (the paper size, no page
    number) once, saying on which pages."""
    from dataclasses import replace

    groups: dict[tuple, list[Finding]] = {}
    for finding in findings:
        if finding.line is None:
            groups.setdefault((finding.rule.id, finding.measured), []).append(finding)
    out = []
    for finding in findings:
        group = groups.get((finding.rule.id, finding.measured)) if finding.line is None else None
        if group is None or len(group) == 1:
            out.append(finding)
        elif finding is group[0]:
            pages = [str(f.page) for f in group]
            out.append(replace(finding, measured=f"{finding.measured} (pages {', '.join(pages)})"))
    return out


class Skipped(Exception):
    """A file that is not one document to check; the message says what it is."""


def _is_bundle(pdf: bytes) -> bool:
    """Whether ``pdf`` is a bundle gongwen made (its writer signs the metadata)."""
    import pypdf

    try:
        info = pypdf.PdfReader(io.BytesIO(pdf)).metadata or {}
    except Exception:  # noqa: BLE001 - the measuring says what is wrong with the file
        return False
    return info.get("/Creator") == "gongwen" and info.get("/Producer") == "pypdf"


def _expand(paths: str | Path | Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """The files to check, and the folders named that hold none.

    A folder is searched with its subfolders (a batch's ``out/`` keeps each member's
    documents one level down), hidden ones left out."""
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    found: list[Path] = []
    empty: list[Path] = []
    for item in map(Path, items):
        if item.is_dir():
            files = sorted(p for p in item.rglob("*")
                           if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file()
                           and not any(part.startswith(".")
                                       for part in p.relative_to(item).parts))
            docx = {p.with_suffix("") for p in files if p.suffix.lower() == ".docx"}
            # a document's PDF beside its DOCX is the same document: the DOCX is checked
            files = [p for p in files
                     if p.suffix.lower() == ".docx" or p.with_suffix("") not in docx]
            found += files
            if not files:
                empty.append(item)
        else:
            found.append(item)
    return found, empty


def _read(path: Path) -> list[tuple[str, bytes]] | None:
    """(label, PDF) of each document ``path`` holds; None for a DOCX still to convert."""
    if not path.exists():  # a mistyped folder is not "not a .docx"
        raise FileNotFoundError(path)
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
    if suffix == ".pdf":
        data = path.read_bytes()
        if _is_bundle(data):
            raise Skipped("a gongwen bundle (cover, 目录, many documents): check its documents")
        return [(str(path), data)]
    from ..convert import check_docx
    from ..inputs.limits import check_zip

    check_zip(path.read_bytes(), str(path), "document")
    check_docx(path, str(path))
    return None


def _convert(docx_paths: list[Path]) -> dict[Path, list[tuple[str, bytes]] | str]:
    """Each DOCX's PDF, or the reason it could not be made.  All are converted in one
    call: documents made from one template are combined and converted together (the
    converter's batch path), the others one by one, on every core.  When that call
    fails, each file is converted on its own so that one bad file fails only itself."""
    if not docx_paths:
        return {}
    from ..convert import convert_many, shared_converter
    from ..errors import ConversionError

    with tempfile.TemporaryDirectory(prefix="gongwen-check-") as staging:
        folder = Path(staging)
        # neutral names: two drafts may share a stem, and LibreOffice misreads some names
        copies = []
        for index, path in enumerate(docx_paths):
            copy = folder / f"{index:05d}.docx"
            shutil.copyfile(path, copy)
            copies.append(copy)
        try:
            results: list[Path | ConversionError] = list(
                convert_many(copies, folder / "pdf", keep_combined=False).pdfs)
        except ConversionError:
            results = shared_converter().convert_each(copies, folder / "each")
        return {path: [(str(path), result.read_bytes())] if isinstance(result, Path)
                else str(result).replace(str(copy), str(path))
                for path, copy, result in zip(docx_paths, copies, results, strict=True)}


__all__ = ["ALL_RULES", "Finding", "Report", "Rule", "check", "check_pdf_bytes"]
