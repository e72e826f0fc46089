"""``gongwen``: the command line, a thin layer over the library.

Exit codes: 0 success; 1 some documents failed (batch); 2 bad input or template;
3 conversion, bundling or writing an output failed; 130 interrupted (Ctrl-C).  Errors
print one line, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .errors import GongwenError, InputError, Interrupted, Location

FORMATS = ("docx", "pdf", "both")


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a GongwenError into its one-line message and exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except GongwenError as exc:
            if _was_interrupted():  # LibreOffice killed by Ctrl-C, say: not the error
                raise Interrupted from exc
            print_error(exc)
            sys.exit(exc.exit_code)

    return wrapper


def print_error(error: GongwenError) -> None:
    """``error: …`` on every line (an error listing several problems has one a line)."""
    for line in str(error).splitlines() or [""]:
        click.secho(f"error: {line}", fg="red", err=True)


class _Commands(click.Group):
    """The command group, with Ctrl-C ending any command at once with exit code 130
    and one line (:func:`gongwen.children.handling_interrupts`), never click's
    "Aborted!" with exit code 1, which means "some documents failed" here."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from .children import handling_interrupts

        with handling_interrupts():
            try:
                return super().main(*args, **kwargs)
            except KeyboardInterrupt:
                _exit_interrupted()
            except SystemExit as exc:
                if _was_interrupted() and exc.code != Interrupted.exit_code:
                    _exit_interrupted()  # click's own "Aborted!", or a run that went on
                raise

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:  # while the arguments are read
            _exit_interrupted()

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _exit_interrupted()
        except Exception:
            if _was_interrupted():  # a cleanup cut short by Ctrl-C failed in turn
                _exit_interrupted()
            raise


def _was_interrupted() -> bool:
    from .children import interrupted

    return interrupted()


def _exit_interrupted() -> NoReturn:
    from .children import report_interrupted

    newline = "\n" if sys.stderr.isatty() else ""  # after the terminal's ^C
    report_interrupted(lambda line: click.echo(newline + line, err=True))
    sys.exit(Interrupted.exit_code)


@click.group(cls=_Commands,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gongwen")
def main() -> None:
    """Make Chinese official documents (公文) from data, laid out to GB/T 9704-2012.

    \b
    Typical use:
      gongwen init my-activity/                        # start from the sample activity
      gongwen batch my-activity/ --phase 发动部署 -o out/   # a phase's documents + bundle
      gongwen render plan.yaml -o out/                 # 实施方案 → out/<标题>.docx
      gongwen render plan.yaml --format both -o out/   # … and its PDF
      gongwen render pledge.yaml --roster members.xlsx -o out/   # one per member
      gongwen bundle out/*.pdf -o 汇编.pdf --title "创先争优活动材料汇编"
      gongwen templates                                # built-in templates
      gongwen check 通知.docx                           # what is wrong with its format
      gongwen format 通知.txt -o out/                   # lay out a pasted or Word draft
      gongwen doctor                                   # LibreOffice and fonts

    Exit codes: 0 ok, 1 some documents failed, 2 bad input/template, 3 conversion or
    output failed, 130 interrupted.
    """


@main.command()
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
    (PDFs are made even when --format is docx).

    The file's `kind:` (类型) says what it is: plan (实施方案), briefing (简报),
    pledge (承诺书) or evaluation (民主评议).  Field names may be English or
    Chinese (title/标题, date/成文日期, …).  Output files are named after the
    title (or the member) and written atomically: a failed run leaves nothing.

    In an activity folder (activity.yaml in DATA's folder or above) DATA is read
    as `gongwen batch` reads it: its 共用 values, 名册 and 评议数据 fill what DATA
    leaves out (the options and DATA's own values win); --no-activity ignores it.
    """
    from .batch.activity import find_activity_document
    from .batch.steps import document_stems
    from .fileio import output_error
    from .kinds import render_all

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
    from .fileio import writable_folder

    for folder in [output.parent if single_file else output] + (
            [bundle_path.parent] if bundle_path else []):
        writable_folder(folder)  # before any work, naming the path to blame
    pdfs = []
    if fmt in ("pdf", "both") or bundle_path:  # first: a 版记 moved to an even page
        pdfs = _write_pdfs(documents, stems, output, single_file)  # changes the DOCX too
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
    from .convert import shared_converter

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

    from .bundle.assemble import BundleEntry, build_bundle

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

    from .convert import convert_many
    from .fileio import write_atomic

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


@main.command()
@click.option("--fields", is_flag=True, help="Also list the data fields each kind accepts.")
def templates(fields: bool) -> None:
    """List the built-in templates (copy one, edit it in Word, pass it with --template)."""
    from .models import KINDS
    from .templating.registry import list_templates

    for info in list_templates():
        where = str(info.path) if info.path else "(built in memory)"
        click.echo(f"{info.name:12} {info.description}\n{'':12} {where}")
        if fields and info.kind in KINDS:
            for name, python_name in KINDS[info.kind].field_names().items():
                if name != python_name:
                    click.echo(f"{'':14}{python_name:14} {name}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def doctor(as_json: bool) -> None:
    """Check LibreOffice and the open fonts that stand in for the official ones.

    Exits 1 when something PDF output needs is missing.
    """
    import json

    from .convert import doctor_report

    report = doctor_report()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
    if not report.ok:
        sys.exit(1)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@reports_errors
def init(folder: Path) -> None:
    """Start an activity in FOLDER from the sample activity (创先争优活动).

    FOLDER must not exist or be empty.  Edit activity.yaml, members.csv and the data
    files, then run `gongwen batch FOLDER --phase <名称>`.
    """
    from .batch.scaffold import init_activity

    for name in init_activity(folder):
        click.echo(folder / name)
    click.echo(f"\nnext: edit {folder / 'activity.yaml'}, then\n"
               f"  gongwen batch {folder} --plan --phase 发动部署\n"
               f"  gongwen batch {folder} --phase 发动部署 -o {folder / 'out'}")


@main.command()
@click.argument("activity", type=click.Path(path_type=Path), default=Path("."))
@click.option("-p", "--phase", required=True,
              help="The phase (its 名称 in activity.yaml, or its number).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              default=Path("out"), show_default=True,
              help="Output folder; the phase's files go to OUTPUT/<phase>/.")
@click.option("--only", "only_kinds", multiple=True,
              help="Only this kind (pledge, 承诺书 …) or data file (repeatable).")
@click.option("--member", "members", multiple=True,
              help="Only this member's own documents (repeatable).")
@click.option("--force", is_flag=True, help="Rebuild everything, even what is unchanged.")
@click.option("--partial", is_flag=True,
              help="Make the bundle even when documents failed (without them).")
@click.option("--plan", "plan_only", is_flag=True, help="List what the phase owes, make nothing.")
@reports_errors
def batch(activity: Path, phase: str, output: Path, only_kinds: tuple[str, ...],
          members: tuple[str, ...], force: bool, partial: bool, plan_only: bool) -> None:
    """Make every document a phase owes, their PDFs and the phase's bundle.

    \b
    ACTIVITY is a folder with activity.yaml (default: the current folder).
    Writes OUTPUT/<phase>/: each document as DOCX and PDF (members' in a
    folder per kind), <活动><阶段>材料汇编.pdf and manifest.json.  A re-run
    redoes only what changed.  Exit code 1 when some documents failed (the
    others are made; the bundle only with --partial).
    """
    from .batch.phase import check_phase, run_phase
    from .batch.progress import progress_for

    if plan_only:  # a dry run: the checks of a real run, nothing rendered
        plan = check_phase(activity, phase, only_kinds=only_kinds or None,
                           members=members or None)
        click.echo(f"{plan.phase.name}: {plan.phase.start} – {plan.phase.end}")
        for doc in plan.documents:
            state = click.style("  (error, below)", fg="red") if doc.error else ""
            click.echo(f"  {doc.name:28} {doc.kind:12} {doc.label}{state}")
        for doc in plan.documents:
            if doc.error is not None:
                print_error(doc.error)
        for problem in plan.problems:
            print_error(problem)
        sys.exit(plan.exit_code)
    result = run_phase(activity, phase, output, only_kinds=only_kinds or None,
                       members=members or None, force=force, partial=partial,
                       progress=progress_for())
    _print_batch_summary(result)
    sys.exit(result.exit_code)


#: warnings printed at most (all of them are in manifest.json)
MAX_WARNINGS_SHOWN = 12


def _print_batch_summary(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"{result.activity} · {result.phase}", title_justify="left")
    for header in ("材料", "文档", "本次生成", "页数", "警告", "失败"):
        table.add_column(header, justify="left" if header == "材料" else "right")
    for name, documents, built, pages, warnings, failed in result.summary_rows():
        table.add_row(name, str(documents), str(built), str(pages), str(warnings),
                      f"[red]{failed}[/red]" if failed else "0")
    table.add_row("合计", str(result.owed), str(len(result.built)),
                  str(result.pages), str(len(result.warnings)), str(result.failed),
                  style="bold")
    console.print(table)
    for failure in result.failures:
        who = f" ({failure.member})" if failure.member else ""
        click.secho(f"failed: {failure.job}{who}: {failure.message}", fg="red", err=True)
    for warning in result.warnings[:MAX_WARNINGS_SHOWN]:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    if len(result.warnings) > MAX_WARNINGS_SHOWN:
        click.secho(f"warning: … {len(result.warnings) - MAX_WARNINGS_SHOWN} more in "
                    f"{result.manifest}", fg="yellow", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if result.bundle is not None:
        click.echo(f"bundle: {result.bundle} ({result.bundle_pages} pages, "
                   f"{result.bundle_status})")
    else:
        click.echo("bundle: not made")
    if result.current and not result.built and not result.failures:
        click.echo("nothing changed since the last run (--force makes everything anew)")
    click.echo(f"{result.summary_line()} in {result.seconds:.1f} s; "
               f"manifest: {result.manifest}")


@main.command("bundle")
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
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
    from .bundle.assemble import BundleEntry, build_bundle
    from .text import parse_date

    date = parse_date(date_text, field="--date") if date_text else None
    entries = [BundleEntry(p, p.stem, (p.parent.name or None) if group_by_dir else None)
               for p in pdfs]
    result = build_bundle(entries, output, title=title, author=author, subject=subject,
                          date=date, cover=not no_cover, toc=not no_toc, duplex=duplex,
                          numbering=numbering)
    click.echo(f"{result.out_path}: {result.page_count} pages, {len(result.entries)} documents, "
               f"{result.size_bytes / 1024:.0f} KiB")


if __name__ == "__main__":
    main()


@main.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="A readable list, JSON, or SARIF for review tools.")
@click.option("--profile", default="strict", show_default=True,
              help="What counts as right: strict (GB/T 9704), a named profile, or your "
                   "house style's .yaml.")
@click.option("--fail-on", type=click.Choice(["warning", "error"]), default="warning",
              show_default=True, help="Exit 1 only for findings this serious or worse.")
@click.option("--annotate", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the checked pages with each finding boxed on them (a PDF).")
@click.option("--fix", is_flag=True,
              help="Write a copy of the one DOCX with the safe fixes (-o FILE or --in-place).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where --fix writes the fixed copy.")
@click.option("--in-place", is_flag=True, help="With --fix: overwrite the DOCX itself.")
@reports_errors
def check_command(files: tuple[Path, ...], fmt: str, profile: str, fail_on: str,
                  annotate: Path | None, fix: bool, output: Path | None, in_place: bool) -> None:
    """Say what is wrong with the format of each 公文, measured on the rendered page.

    FILES are .docx (Word, WPS, LibreOffice or gongwen), .pdf, gongwen data (.yaml,
    .json: rendered first) or folders (every .docx and .pdf in them).  Each finding
    names the page and line, what was measured and what GB/T 9704-2012 asks, the rule
    id and the clause.

    \b
      gongwen check 通知.docx
      gongwen check out/ --format json
      gongwen check plan.yaml --profile centred-page-numbers
      gongwen check draft.docx --annotate marked.pdf   # each finding boxed on its page
      gongwen check draft.docx --fix -o fixed.docx     # the safe fixes, then check the copy

    --fix changes only what cannot change the words: page setup, line pitch, fonts
    and sizes by role, 〔〕 and padding in 发文字号 and dates, page numbers; then the
    fixed copy is checked and what is left is listed.

    Exit codes: 0 no findings, 1 findings, 2 a file could not be read (the others
    are still checked), 3 the fixed copy could not be written.
    """
    from .checker import check
    from .checker.house import is_house_style_file
    from .layout.standard import PROFILES

    if profile not in PROFILES and not is_house_style_file(profile):
        raise click.BadParameter(f"unknown profile {profile!r} (known: {', '.join(PROFILES)}, "
                                 "or a house style's .yaml)", param_hint="--profile")
    if fix:
        _fix(files, profile, output, in_place)
        files = (output or files[0],)
    report = check(files, profile=profile)
    click.echo({"json": report.to_json, "sarif": report.to_sarif}.get(fmt, report.to_text)())
    if annotate is not None and report.pdfs:
        from .checker.annotate import annotate as draw

        try:
            draw(report, annotate)
        except OSError as error:
            click.secho(f"error: {annotate}: cannot write ({error.strerror})", fg="red", err=True)
            sys.exit(3)
        click.echo(f"annotated: {annotate}", err=True)
    sys.exit(report.exit_code(fail_on))


@reports_errors
def _fix(files: tuple[Path, ...], profile: str, output: Path | None, in_place: bool) -> None:
    """--fix: the safe fixes written to ``output`` (or over the one DOCX)."""
    from .checker.fix import fix_docx
    from .errors import InputError
    from .fileio import write_atomic
    from .layout.standard import get_profile

    if len(files) != 1 or files[0].suffix.lower() != ".docx":
        raise InputError("--fix takes exactly one .docx", hint="check the others without --fix")
    if (output is None) == (not in_place):
        raise InputError("--fix needs -o FIXED.docx or --in-place (not both)",
                         hint="gongwen check draft.docx --fix -o fixed.docx")
    source = files[0]
    try:
        data = source.read_bytes()
    except OSError as error:
        raise InputError(f"{source}: cannot read ({error.strerror})") from None
    from .checker.house import is_house_style_file, load_house_style

    chosen = (load_house_style(profile).profile if is_house_style_file(profile)
              else get_profile(profile))
    result = fix_docx(data, chosen, name=str(source))
    target = source if in_place else output
    try:
        write_atomic(target, result.docx)
    except OSError as error:
        click.secho(f"error: {target}: cannot write ({error.strerror})", fg="red", err=True)
        sys.exit(3)
    for line in result.fixes:
        click.echo(f"fixed: {line}", err=True)
    click.echo(f"wrote {target}; checking it:", err=True)


@main.command("format")
@click.argument("draft", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              default=Path("."), show_default=True, help="Folder to write into.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="docx",
              show_default=True, help="Render the result as DOCX, PDF, or both.")
@reports_errors
def format_command(draft: Path, output: Path, fmt: str) -> None:
    """Lay out a draft as a 公文: pasted text (UTF-8/GBK) or a Word/WPS .docx.

    Writes DRAFT's parts as gongwen data — OUTPUT/<name>.yaml and the body in
    OUTPUT/<name>.md, to edit and render again — and the rendered document.  Page-number
    lines, a web site's footer and running headers are removed and listed; 〔〕 in
    发文字号, dates in Arabic digits and heading numbers are put right and listed; what
    could not be placed is listed with its line.

    \b
      gongwen format 通知.txt -o out/
      gongwen format 总结（初稿）.docx -o out/ --format both
    """
    from .drafts import format_draft

    result = format_draft(draft, output, docx=fmt in ("docx", "both"),
                          pdf=fmt in ("pdf", "both"))
    for line, reason in result.removed:
        click.echo(f"removed: {draft}:{line.number}: {reason}: {line.text.strip()[:40]!r}")
    for number, change in result.draft.changes:
        click.echo(f"changed: {draft}:{number}: {change}" if number else f"changed: {change}")
    for number, note in result.draft.unsure:
        click.echo(f"unsure:  {draft}:{number}: {note}" if number else f"unsure:  {note}")
    for path in (result.data_file, result.body_file, *result.documents):
        click.echo(f"wrote {path}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any but a loopback address needs --token-file.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path),
              help="A file holding the secret every request must send (Bearer token).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("gongwen-data"), show_default=True,
              help="Where jobs (uploads, results, state) are kept.")
@click.option("--keep-hours", type=float, default=24.0, show_default=True,
              help="Remove a job's files this long after it finished.")
@click.option("--jobs", "job_workers", type=click.IntRange(1, 16), default=2,
              show_default=True, help="Phase jobs run at once.")
@reports_errors
def serve(host: str, port: int, token_file: Path | None, data_dir: Path, keep_hours: float,
          job_workers: int) -> None:
    """Serve the HTTP API: /v1/render, /v1/check, /v1/jobs, /healthz (OpenAPI at /docs).

    \b
      gongwen serve                                       # http://127.0.0.1:8000/docs
      gongwen serve --host 0.0.0.0 --token-file token.txt
    """
    from .serve import Settings
    from .serve import serve as run
    from .serve.settings import read_token

    token = read_token(token_file) if token_file else None
    run(Settings(data_dir=data_dir.resolve(), host=host, port=port, token=token,
                 keep_hours=keep_hours, job_workers=job_workers))
