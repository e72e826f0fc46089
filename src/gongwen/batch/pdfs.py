"""The PDF side of a batch run: converting the documents that changed (documents of one
template together) and making the phase's bundle from the manifest's records."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..convert.fallbacks import describe, fallback_characters, in_docx
from ..errors import ConversionError
from .activity import Activity, Phase
from .manifest import (
    BundleRecord,
    DocumentRecord,
    FileRecord,
    Manifest,
    canonical_json,
    code_digest,
    replace_into,
    sha256_bytes,
)
from .steps import BuiltDocument, safe_name

logger = logging.getLogger(__name__)

BUNDLE_SUFFIX = "材料汇编"
PHASE_SUFFIX = "阶段"


class EarlyPdfs:
    """Documents converted while the others still render.  A data file that makes one
    document (a plan, a 汇总表 of a thousand rows) is rendered first and need not wait
    for the members' forms: LibreOffice, idle until then, converts it at once.  Only
    with a converter that keeps LibreOffice running (a conversion is then a request on
    a pipe, not a process started while the run forks its workers)."""

    def __init__(self, converter: Any, folder: Path) -> None:
        self._converter, self._folder = converter, folder
        self._pool = ThreadPoolExecutor(max(1, converter.workers))
        self._futures: dict[str, Future] = {}
        #: the staged file's stem, by content: its messages name the document instead
        self.stems: dict[str, str] = {}

    def submit(self, docx: bytes, title: str, key: str) -> None:
        """Start converting ``docx`` (once per content: ``key`` is its
        :func:`~gongwen.batch.steps.content_digest`); ``title`` names its file."""
        if key in self._futures:
            return
        source = self._folder / f"early-{len(self._futures) + 1:04d}-{safe_name(title)}.docx"
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(docx)
        self.stems[key] = source.stem
        self._futures[key] = self._pool.submit(self._converter.convert_each, [source],
                                               self._folder / "pdf")

    def take(self, content: str) -> Future | None:
        """The conversion of the DOCX whose content digest is ``content``."""
        return self._futures.pop(content, None)

    def close(self) -> None:
        """Wait for what is still converting (nobody wants it any more)."""
        for future in self._futures.values():
            future.cancel()
        self._pool.shutdown(wait=True)
        self._futures.clear()


def convert_documents(
    built: list[BuiltDocument], staging: Path, get_converter: Callable[[], Any],
    early: EarlyPdfs | None = None,
) -> tuple[list[BuiltDocument], list[tuple[str, str]], list[str]]:
    """Convert ``built`` to PDFs in ``staging/pdf`` (documents of one template together);
    returns the converted ones, ``(job, reason)`` for jobs whose conversion failed, and
    warnings.  A failure of the whole conversion is retried job by job, so one job's
    broken document does not cost the others theirs.  The combined PDFs are kept: each
    document records the pages of one that are its own, for the bundle to copy.
    Documents that ``early`` converted already are taken from there."""
    from ..convert import convert_many, pdf_page_count

    out = staging / "pdf"
    names = {item.flat_name: item.id for item in built}
    if early is not None:
        names.update({early.stems[i.content]: i.id for i in built if i.content in early.stems})
    failed: list[tuple[str, str]] = []
    done: list[BuiltDocument] = []
    fonts: dict[Path, tuple[list[str], dict[str, str]]] = {}
    started = [(item, early.take(item.content) if early else None) for item in built]
    built = [item for item, future in started if future is None]
    for item, future in started:
        if future is None:
            continue
        try:
            outcome = future.result()[0]
        except ConversionError as exc:  # the converter itself failed
            outcome = exc
        if isinstance(outcome, ConversionError):
            failed.append((item.job, str(outcome)))
            continue
        item.staged_pdf, item.pages = outcome, pdf_page_count(outcome)
        _note_fonts(item, outcome, fonts)
        done.append(item)
    converter = get_converter()

    def convert(group: list[BuiltDocument]) -> Any:
        return convert_many([b.docx for b in group], out, names=[b.flat_name for b in group],
                            titles=[b.title for b in group], keep_combined=True,
                            converter=converter)

    results = []
    if built:
        try:
            results = [(built, convert(built))]
        except ConversionError as exc:
            logger.info("conversion failed (%s); converting job by job", exc)
            for group in _by_job(built):
                try:
                    results.append((group, convert(group)))
                except ConversionError as job_exc:
                    failed.append((group[0].job, str(job_exc)))
    warnings: list[str] = []
    for group, result in results:
        warnings += result.warnings
        sources = getattr(result, "page_sources", None) or [
            (pdf, range(n)) for pdf, n in zip(result.pdfs, result.page_counts, strict=True)]
        for item, pdf, pages, (source, span) in zip(group, result.pdfs, result.page_counts,
                                                     sources, strict=True):
            item.staged_pdf, item.pages = pdf, pages
            if source != pdf:
                item.source, item.source_pages = source, span
            _note_fonts(item, source, fonts)
            done.append(item)
    _even_end_blocks(done, staging / "even", converter)
    retried = getattr(converter, "retried", [])
    warnings += [f"{names.get(path.stem, path.stem)}: LibreOffice failed on it ({reason}); "
                 "it converted on a second try" for path, reason in retried]
    retried.clear()  # said once
    return (done, [(job, plain_message(text, staging, names)) for job, text in failed],
            [plain_message(text, staging, names) for text in warnings])


def plain_message(message: str, staging: Path, names: dict[str, str]) -> str:
    """``message`` with each path into the run's staging folder replaced by the document
    the file holds (``党员承诺书/吴静``): a user knows that, not the run's scratch files."""
    roots = {str(staging), str(staging.resolve())}
    pattern = "|".join(re.escape(root) for root in sorted(roots, key=len, reverse=True))

    def document(match: re.Match[str]) -> str:
        stem = match.group("stem")
        return names.get(stem, f"{stem}.{match.group('ext')}")

    message = re.sub(rf"(?:{pattern})/(?:[^:\n]*/)?(?P<stem>[^/:\n]+?)\.(?P<ext>docx|pdf)\b",
                     document, message)
    for stem in [stem for stem in names if stem in message]:  # bare file names
        message = re.sub(rf"(?<![\w/-]){re.escape(stem)}\.(?:docx|pdf)\b", names[stem], message)
    return message


def _even_end_blocks(done: list[BuiltDocument], folder: Path, converter: Any) -> None:
    """Move the 版记 of a document that ends on an odd page to the next page (see
    :mod:`gongwen.layout.endblock`): its DOCX and PDF change, what it was rendered as does not."""
    from ..convert import pdf_page_count
    from ..layout.endblock import even_end_block, has_end_block

    for item in done:
        if item.pages % 2 == 0 or not has_end_block(item.docx):
            continue
        item.content  # noqa: B018 - the rendered DOCX's digest, kept for the next run

        def convert(docx: bytes, name: str = item.flat_name) -> tuple[Path | None, int]:
            source = folder / "docx" / f"{name}.docx"
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_bytes(docx)
            pdf = converter.convert_each([source], folder)[0]
            if isinstance(pdf, ConversionError):
                logger.info("the 版记 stays where it is: %s", pdf)
                return None, 1  # an odd count: the first version is kept
            return pdf, pdf_page_count(pdf)

        moved = even_end_block(item.docx, item.pages, convert)
        if moved is None or moved[1] is None:
            continue
        item.docx, item.staged_pdf, item.pages = moved
        assert item.staged_docx is not None
        item.staged_docx.write_bytes(item.docx)
        item.source = item.source_pages = None
        item.fonts = _fonts_of(item.staged_pdf)[0]


def _note_fonts(item: BuiltDocument, pdf: Path,
                seen: dict[Path, tuple[list[str], dict[str, str]]]) -> None:
    """Record the faces ``item``'s PDF uses, and warn of the fallbacks that draw its
    characters.  Documents converted together share their fonts: read once per file."""
    if pdf not in seen:
        seen[pdf] = _fonts_of(pdf)
    item.fonts, fallbacks = seen[pdf]
    for face, chars in fallbacks.items():
        own = in_docx(chars, item.docx) if chars else chars
        if own or not chars:
            item.warnings.append(describe(face, own))


def _fonts_of(pdf: Path) -> tuple[list[str], dict[str, str]]:
    """The faces ``pdf`` uses, and the characters each fallback face among them draws."""
    from ..convert import fonts_in_pdf

    found = fonts_in_pdf(pdf)
    fallbacks = {font.name for font in found if not font.replaces}
    return [font.name for font in found], (fallback_characters(pdf, fallbacks)
                                           if fallbacks else {})


def _by_job(built: Iterable[BuiltDocument]) -> list[list[BuiltDocument]]:
    groups: dict[str, list[BuiltDocument]] = {}
    for item in built:
        groups.setdefault(item.job, []).append(item)
    return list(groups.values())


def _bundle_entry(record: DocumentRecord, folder: Path, intact: set[str]) -> Any:
    """The record's pages for the bundle: in the combined PDF it was converted in when
    that is still there (read once for all its documents), else its own PDF."""
    from ..bundle.assemble import BundleEntry

    title, group = record.member or record.title, record.group if record.member else None
    source, span = record.source, record.source_pages
    if (source is not None and span and source.path in intact
            and "pages" in BundleEntry.__dataclass_fields__):
        return BundleEntry(folder / source.path, title, group, pages=range(*span))
    assert record.pdf is not None
    return BundleEntry(folder / record.pdf.path, title, group)


def _intact_sources(records: list[DocumentRecord], folder: Path) -> set[str]:
    """The combined PDFs of ``records`` that are still the files converted then."""
    checked: dict[str, bool] = {}
    for record in records:
        if record.source is not None and record.source.path not in checked:
            checked[record.source.path] = record.source.intact(folder)
    return {path for path, ok in checked.items() if ok}


def bundle_title(activity: Activity, phase: Phase) -> str:
    """「创先争优活动发动部署阶段材料汇编」 unless the phase names its own."""
    if phase.bundle_title:
        return phase.bundle_title
    stage = phase.name if phase.name.endswith(PHASE_SUFFIX) else phase.name + PHASE_SUFFIX
    return f"{activity.name}{stage}{BUNDLE_SUFFIX}"


def bundle_phase(
    activity: Activity, phase: Phase, records: list[DocumentRecord], folder: Path,
    staging: Path, manifest: Manifest, get_converter: Callable[[], Any], force: bool,
) -> tuple[Path, int, str]:
    """Make (or keep) the phase's bundle from ``records`` in order; returns its path,
    page count and "built" or "unchanged"."""
    from ..bundle.assemble import build_bundle

    title = bundle_title(activity, phase)
    date = phase.bundle_date or phase.end
    pdfs = [(r, r.pdf) for r in records if r.pdf is not None]
    intact = _intact_sources(records, folder)
    entries = [_bundle_entry(r, folder, intact) for r, _ in pdfs]
    key = sha256_bytes(canonical_json({
        "entries": [(e.title, e.group, pdf.sha256) for e, (_, pdf) in zip(entries, pdfs,
                                                                          strict=True)],
        "title": title, "author": activity.organization, "date": date,
        "duplex": activity.model.duplex, "code": code_digest(),
    }).encode())
    name = f"{safe_name(title)}.pdf"
    old = manifest.bundle
    if (not force and old is not None and old.key == key and old.file.path == name
            and old.file.intact(folder)):
        return folder / name, old.pages, "unchanged"
    converter = get_converter()
    staged = staging / name
    result = build_bundle(entries, staged, title=title, author=activity.organization,
                          subject=f"{activity.name} · {phase.name}", date=date,
                          duplex=activity.model.duplex,
                          to_pdf=lambda docx: converter.convert_bytes(docx, name="bundle-front"))
    replace_into(staged, folder / name)
    if old is not None and old.file.path != name:
        (folder / old.file.path).unlink(missing_ok=True)
    manifest.bundle = BundleRecord(key, FileRecord.of(folder, name), result.page_count,
                                   len(result.entries))
    return folder / name, result.page_count, "built"
