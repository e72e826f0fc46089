"""``render``, ``bundle``, ``templates`` and ``doctor``: documents one at a time."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import InputError, Location
from .common import FORMATS, reports_errors


@click.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("."),
              show_default=True, help="Folder to write into (or a .docx/.pdf file name).")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS),
              help="Write DOCX, PDF, or both.  [default: as -o's suffix says, else docx]")
@click.option("-t", "--template", type=click.Path(path_type=Path),
              help="Your own .docx template (e.g. a built-in one edited in Word/WPS).")
@click.option("--profile", help="Layout profile: strict (GB/T 9704) or a named house style.")
@click.option("--roster", type=click.Path(path_type=Path),
              help="Members (CSV/XLSX) for pledges and evaluation records.")
@click.option("--tallies", type=click.Path(path_type=Path),
              help="Evaluation ballots or tallies (CSV/XLSX/YAML).")
@click.option("--member", "members", multiple=True, help="Only this member (repeatable).")
@click.option("--bundle", "bundle_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also merge all the PDFs into this one file (e.g. 承诺书汇编.pdf).")
@click.option("--no-activity", is_flag=True,
              help="Ignore the activity.yaml of DATA's folder (its 共用, 名册, 评议数据).")
@reports_errors
def render(data: Path, output: Path, fmt: str | None, template: Path | None,
           profile: str | None, roster: Path | None, tallies: Path | None,
           members: tuple[str, ...], bundle_path: Path | None, no_activity: bool) -> None:
    """Render DATA (a YAML or JSON file) into documents.

    \b
    With --bundle the PDFs are also merged into one file with a cover and 目录
    (PDFs are made even when --format is docx).  A DOCX with a 版记 is laid out
    with LibreOffice even without its PDF, to put the 版记 on an even page.

    The file's `kind:` (类型) says what it is: plan (实施方案), official (公文:
    通知, 请示, 报告, 纪要, 函 …), briefing (简报), pledge (承诺书) or evaluation
    (民主评议).  Field names may be English or Chinese (title/标题, date/成文日期, …).  Output files are named after the
    title (or the member) and written atomically: a failed run leaves nothing.

    In an activity folder (activity.yaml in DATA's folder or above) DATA is read
    as `gongwen batch` reads it: its 共用 values, 名册 and 评议数据 fill what DATA
    leaves out (the options and DATA's own values win); --no-activity ignores it.
    """
    from ..batch.activity import find_activity_document
    from ..batch.steps import document_stems
    from ..fileio import output_error
    from ..kinds import render_all

    fmt = output_format(output, fmt)
    found = None if no_activity else find_activity_document(data)
    if found is not None:
        click.echo(f"note: {data} is read with {found.activity.file} (共用, 名册, 评议数据; "
                   "--no-activity ignores it)", err=True)
        documents = render_all(found.source, profile=profile, **found.render_options(
            template=template, roster=roster, tallies=tallies, members=members))
    else:
        documents = render_all(data, template=template, profile=profile, roster=roster,
                               tallies=tallies, members=members)
    stems = document_stems(documents, found.spec.label if found is not None else None)
    single_file = len(documents) == 1 and output.suffix.lower() in (".docx", ".pdf")
    for document in documents:
        for warning in document.warnings:
            click.secho(f"warning: {warning}", fg="yellow", err=True)
    try:
        _write(documents, stems, output, fmt, single_file, bundle_path)
    except OSError as exc:  # a full disk; a folder that is not one is found before
        raise output_error(Path(exc.filename or output), exc) from None


def _write(documents: list[Any], stems: list[str], output: Path, fmt: str,
           single_file: bool, bundle_path: Path | None) -> None:
    from ..fileio import writable_folder

    for folder in [output.parent if single_file else output] + (
            [bundle_path.parent] if bundle_path else []):
        writable_folder(folder)  # before any work, naming the path to blame
    pdfs = []
    if fmt in ("pdf", "both") or bundle_path:  # first: a 版记 moved to an even page
        pdfs = _write_pdfs(documents, stems, output, single_file)  # changes the DOCX too
    else:  # a DOCX alone: laid out all the same, its 版记 on an even page
        for document in documents:
            warning = document.place_end_block()
            if warning:
                click.secho(f"warning: {warning}", fg="yellow", err=True)
    if fmt in ("docx", "both"):
        for document, stem in zip(documents, stems, strict=True):
            target = output.with_suffix(".docx") if single_file else output / f"{stem}.docx"
            click.echo(document.save(target))
    if fmt in ("pdf", "both") or bundle_path:
        for path in pdfs:
            click.echo(path)
        if bundle_path:
            _bundle(documents, pdfs, bundle_path)
        _warn_of_retries()


def _warn_of_retries() -> None:
    """A file LibreOffice converted only on a second try (after a crash) is a warning."""
    from ..convert import shared_converter

    converter = shared_converter()
    for path, reason in converter.retried:
        click.secho(f"warning: {path.stem}: LibreOffice failed on it "
                    f"({reason.replace(str(path), path.name)}); it converted on a second try",
                    fg="yellow", err=True)
    converter.retried.clear()


def output_format(output: Path, fmt: str | None) -> str:
    """The format to write: ``-o out.pdf`` means PDF unless --format says otherwise, and
    a --format that contradicts the file name is refused (never a silent out.docx)."""
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in ("docx", "pdf"):
        return fmt or "docx"
    if fmt is None:
        return suffix
    if fmt not in (suffix, "both"):
        raise InputError(f"the file name says {suffix.upper()}, but --format is {fmt}",
                         location=Location(str(output)), field="-o",
                         hint=f"drop --format, or name the file {output.with_suffix('.' + fmt)}")
    return fmt


def _bundle(documents: list[Any], pdfs: list[Path], target: Path) -> None:
    """One PDF of all the rendered documents, titled after what they share."""
    import os

    from ..bundle.assemble import BundleEntry, build_bundle

    titles = [d.title for d in documents]
    common = os.path.commonprefix(titles).rstrip("（(") if len(titles) > 1 else titles[0]
    entries = [BundleEntry(p, t) for p, t in zip(pdfs, titles, strict=True)]
    result = build_bundle(entries, target, title=f"{common or '材料'}汇编",
                          author=getattr(documents[0].model, "organ", None))
    click.echo(f"{result.out_path}: {result.page_count} pages, {len(entries)} documents")


def _write_pdfs(documents: list[Any], stems: list[str], output: Path,
                single_file: bool) -> list[Path]:
    """Each document's PDF at ``output/<stem>.pdf`` (see :func:`document_stems`)."""
    import os
    import tempfile

    from ..convert import convert_many
    from ..fileio import write_atomic

    if single_file:
        pdf = documents[0].to_pdf()
        return [write_atomic(output.with_suffix(".pdf"), pdf)]
    output.mkdir(parents=True, exist_ok=True)
    targets = []
    with tempfile.TemporaryDirectory(prefix=".gongwen-render-", dir=output) as staging:
        result = convert_many([d.docx for d in documents], staging,
                              names=[stem.replace("/", "-") for stem in stems],
                              titles=[d.title for d in documents], keep_combined=False)
        for warning in result.warnings:
            click.secho(f"warning: {warning}", fg="yellow", err=True)
        for document, pdf, pages, stem in zip(documents, result.pdfs, result.page_counts,
                                              stems, strict=True):
            moved = document.move_end_block(pages)  # the 版记 to an even page
            target = output / f"{stem}.pdf"
            target.parent.mkdir(parents=True, exist_ok=True)
            if moved is not None:
                write_atomic(target, moved)
            else:
                os.replace(pdf, target)
            targets.append(target)
    return targets


@click.command()
@click.option("--fields", is_flag=True, help="Also list the data fields each kind accepts.")
def templates(fields: bool) -> None:
    """List the built-in templates (copy one, edit it in Word, pass it with --template)."""
    from ..models import KINDS
    from ..templating.registry import list_templates

    for info in list_templates():
        where = str(info.path) if info.path else "(built in memory)"
        click.echo(f"{info.name:12} {info.description}\n{'':12} {where}")
        if fields and info.kind in KINDS:
            for name, python_name in KINDS[info.kind].field_names().items():
                if name != python_name:
                    click.echo(f"{'':14}{python_name:14} {name}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def doctor(as_json: bool) -> None:
    """Check LibreOffice and the open fonts that stand in for the official ones.

    Exits 1 when something PDF output needs is missing.
    """
    import json

    from ..convert import doctor_report

    report = doctor_report()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
    if not report.ok:
        sys.exit(1)


@click.command("bundle")
@click.argument("pdfs", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The bundle PDF to write.")
@click.option("--title", required=True, help="Bundle title, on the cover and in the metadata.")
@click.option("--author", help="Issuing organ, on the cover and in the metadata.")
@click.option("--subject", help="PDF subject metadata.")
@click.option("--date", "date_text", help="Cover date (2024-09-01 or 2024年9月1日); default today.")
@click.option("--no-cover", is_flag=True, help="No cover page.")
@click.option("--no-toc", is_flag=True, help="No 目录 pages.")
@click.option("--duplex", is_flag=True, help="Start every document on a right-hand page.")
@click.option("--numbering", type=click.Choice(["body", "physical"]), default="body",
              show_default=True,
              help="body: cover/目录 i, ii…, documents from 1; physical: every page from 1.")
@click.option("--group-by-dir", is_flag=True,
              help="Nest each PDF under its folder's name (承诺书/张三.pdf → 承诺书 › 张三).")
@reports_errors
def bundle_command(pdfs: tuple[Path, ...], output: Path, title: str, author: str | None,
                   subject: str | None, date_text: str | None, no_cover: bool, no_toc: bool,
                   duplex: bool, numbering: str, group_by_dir: bool) -> None:
    """Merge PDFS, in order, into one bundle with a cover, 目录, bookmarks and page labels.

    Each document is listed under its file name without ".pdf".
    """
    from ..bundle.assemble import BundleEntry, build_bundle
    from ..text import parse_date

    date = parse_date(date_text, field="--date") if date_text else None
    entries = [BundleEntry(p, p.stem, (p.parent.name or None) if group_by_dir else None)
               for p in pdfs]
    result = build_bundle(entries, output, title=title, author=author, subject=subject,
                          date=date, cover=not no_cover, toc=not no_toc, duplex=duplex,
                          numbering=numbering)
    click.echo(f"{result.out_path}: {result.page_count} pages, {len(result.entries)} documents, "
               f"{result.size_bytes / 1024:.0f} KiB")
