"""``init`` and ``batch``: an activity folder and its phases."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .common import print_error, reports_errors


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@reports_errors
def init(folder: Path) -> None:
    """Start an activity in FOLDER from the sample activity (创先争优活动).

    FOLDER must not exist or be empty.  Edit activity.yaml, members.csv and the data
    files, then run `gongwen batch FOLDER --phase <名称>`.
    """
    from ..batch.scaffold import init_activity

    for name in init_activity(folder):
        click.echo(folder / name)
    click.echo(f"\nnext: edit {folder / 'activity.yaml'}, then\n"
               f"  gongwen batch {folder} --plan --phase 发动部署\n"
               f"  gongwen batch {folder} --phase 发动部署 -o {folder / 'out'}")


@click.command()
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
    from ..batch.phase import check_phase, roster_problems, run_phase
    from ..batch.progress import progress_for

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
        bad_rows = roster_problems(plan)
        for problem in bad_rows:  # the run fails these members' documents
            print_error(problem)
        sys.exit(plan.exit_code or (1 if bad_rows else 0))
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
