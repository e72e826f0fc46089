"""``check`` and ``format``: documents gongwen did not write."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InputError
from .common import FORMATS, reports_errors


@click.command("check")
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
    .json: rendered first) or folders (every .docx and .pdf in them and their
    subfolders; a folder with none is an error).  Each finding
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
    from ..checker import check
    from ..checker.house import is_house_style_file
    from ..layout.standard import PROFILES

    if profile not in PROFILES and not is_house_style_file(profile):
        raise click.BadParameter(f"unknown profile {profile!r} (known: {', '.join(PROFILES)}, "
                                 "or a house style's .yaml)", param_hint="--profile")
    if fix:
        _fix(files, profile, output, in_place)
        files = (output or files[0],)
    report = check(files, profile=profile)
    click.echo({"json": report.to_json, "sarif": report.to_sarif}.get(fmt, report.to_text)())
    if annotate is not None and report.pdfs:
        from ..checker.annotate import annotate as draw

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
    from ..checker.fix import fix_docx
    from ..fileio import write_atomic
    from ..layout.standard import get_profile

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
    from ..checker.house import is_house_style_file, load_house_style

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


@click.command("format")
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
    from ..drafts import format_draft

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
    for warning in result.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)


@click.command("roster")
@click.argument("file", type=click.Path(path_type=Path))
@reports_errors
def roster_command(file: Path) -> None:
    """Check a roster (花名册, .xlsx or .csv) and list every bad row, not just the first.

    FILE may name a worksheet: members.xlsx#第一支部.  Prints which column each field
    was found in, how many rows are good and bad, then one line per problem with its
    row, column and field, as `gongwen render --roster` would report it.

    \b
      gongwen roster members.xlsx
      gongwen roster members.xlsx#第一支部

    Exit codes: 0 every row is good, 2 a row is bad or the file cannot be read.
    """
    from ..inputs.roster_check import check_roster

    checked = check_roster(file)
    sheet = f"#{checked.sheet}" if checked.sheet else ""
    click.echo(f"{checked.file}{sheet}: {checked.summary()}")
    for usual, header, letter in checked.mapped():
        shown = usual if header == usual else f"{usual} ← {header}"
        click.echo(f"  {letter:>3}  {shown}")
    for row in checked.bad_rows:
        for problem in row.problems:
            column = f", column {problem.column}" if problem.column else ""
            click.secho(f"error: {checked.file}:row {row.number}{column}: {problem}",
                        fg="red", err=True)
    if checked.bad_rows:
        sys.exit(InputError.exit_code)
