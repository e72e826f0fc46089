"""A phase's documents in one run: plan, render, convert, bundle — safe to re-run.

:func:`plan_phase` says what a phase owes; :func:`run_phase` makes it in
``out/<phase>/``: each document's DOCX and PDF, one bundle PDF with cover, 目录,
bookmarks (kind › member) and page labels, and ``manifest.json``.

* Generic over the kinds: every data file goes through the kinds registry, as
  :func:`gongwen.render_all` does; a kind that makes one document per member gets
  its members nested in the bundle.
* Repeatable: a run redoes only what changed since the manifest (see
  :mod:`gongwen.batch.manifest`) and says why; ``force=True`` redoes all.
* Safe: outputs are made in a staging folder inside the output folder and moved into
  place one by one with :func:`os.replace`; an interrupted run leaves the previous files.
* Partial failure: a bad member record fails only that member's documents, a bad data
  file only its own; the rest is made, the bundle only with ``partial=True``, and
  :attr:`BatchResult.exit_code` is 1.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Location, OutputError
from ..fileio import writable_folder
from ..inputs.roster import clean_name
from .activity import Activity, Phase, load_activity, named_file
from .checks import ConsistencyError, LoadedDocument, find_problems, load_all, load_document
from .isolate import member_names, model_title
from .manifest import Manifest
from .progress import NullProgress, Progress
from .result import BatchResult, DocumentOutcome, Failure
from .run import Run
from .steps import cached_roster, relative, safe_name

#: staging folders are named ``.gongwen-batch-<pid>-…`` so a later run can tell a dead
#: run's leftovers from a live one's
STAGING_PREFIX = ".gongwen-batch-"
_STAGING_RE = re.compile(rf"^{re.escape(STAGING_PREFIX)}(\d+)-")
#: ``--only 登记表`` picks a document whose label contains it (at least this long)
MIN_LABEL_MATCH = 2


@dataclass(frozen=True)
class PlannedDocument:
    """A data file a phase owes: its kind, its label, and its error if it has one."""

    name: str
    kind: str
    label: str
    loaded: LoadedDocument

    @property
    def error(self) -> InputError | None:
        return self.loaded.error


@dataclass(frozen=True)
class PhasePlan:
    """What a phase owes at its end, in bundle order (see :func:`plan_phase`)."""

    activity: Activity
    phase: Phase
    documents: tuple[PlannedDocument, ...]
    #: what stops a run before it renders anything (see :func:`check_phase`)
    problems: tuple[InputError, ...] = ()

    @property
    def exit_code(self) -> int:
        """The exit status a run would end with for its input: 2 when it would stop
        before rendering, 1 when some document's data is wrong, else 0."""
        if self.problems:
            return 2
        return 1 if any(doc.error is not None for doc in self.documents) else 0


def plan_phase(activity: Activity | str | Path, phase: Phase | str, *,
               only_kinds: Sequence[str] | None = None,
               loaded: Sequence[LoadedDocument] | None = None) -> PhasePlan:
    """The documents ``phase`` owes, in bundle order, each data file loaded and
    validated (its error kept, not raised); ``only_kinds`` keeps the entries whose kind
    (``pledge``, ``承诺书``), label or file name is listed."""
    activity = activity if isinstance(activity, Activity) else load_activity(activity)
    phase = phase if isinstance(phase, Phase) else activity.phase(phase)
    by_path = {doc.spec.path: doc for doc in (load_all(activity) if loaded is None else loaded)}
    planned = []
    for spec in phase.documents:
        doc = by_path.get(spec.path)
        if doc is None or doc.phase is not phase:
            doc = load_document(activity, spec, phase)
        name = relative(spec.path, activity.folder)
        kind = _kind_name(doc)
        label = spec.label or model_title(doc.model) or Path(name).stem
        entry = PlannedDocument(name, kind, label, doc)
        if only_kinds and not _selected(entry, only_kinds):
            continue
        planned.append(entry)
    if only_kinds and not planned:
        raise InputError(f"phase {phase.name} has no documents of {', '.join(only_kinds)}",
                         location=phase.location, field="--only",
                         hint="kinds here: " + ", ".join(sorted({_kind_name(load_document(
                             activity, s, phase)) for s in phase.documents})))
    return PhasePlan(activity, phase, tuple(planned))


def check_phase(activity: Activity | str | Path, phase: Phase | str, *,
                only_kinds: Sequence[str] | None = None,
                members: Sequence[str] | None = None,
                loaded: Sequence[LoadedDocument] | None = None) -> PhasePlan:
    """:func:`plan_phase` and every check a run makes before rendering: the phase's
    documents against each other and the rosters (:func:`~gongwen.checks.find_problems`)
    and each ``members`` entry against the phase's rosters.  The problems are kept in
    :attr:`PhasePlan.problems`, not raised, so a dry run can list them all."""
    activity = activity if isinstance(activity, Activity) else load_activity(activity)
    phase = phase if isinstance(phase, Phase) else activity.phase(phase)
    loaded = load_all(activity) if loaded is None else list(loaded)
    problems = find_problems(activity, loaded, phase=phase, roster_names=member_names,
                             tally_names=member_names)
    plan = plan_phase(activity, phase, only_kinds=only_kinds, loaded=loaded)
    if members:
        problems += _member_problems(plan, members)
    return PhasePlan(plan.activity, plan.phase, plan.documents, tuple(problems))


def roster_problems(plan: PhasePlan) -> list[InputError]:
    """Every bad row of the rosters the phase's 承诺书 and 民主评议 documents read, each
    naming its file, row and column: a run fails those members' documents (exit 1), so
    ``batch --plan`` lists them."""
    from ..inputs.roster_check import check_roster
    from ..models.evaluation import Evaluation
    from ..models.pledge import Pledge

    rosters = sorted({doc.loaded.spec.roster for doc in plan.documents
                      if isinstance(doc.loaded.model, Pledge | Evaluation)
                      and doc.loaded.spec.roster is not None})
    problems: list[InputError] = []
    for roster in rosters:
        try:
            checked = check_roster(roster)
        except InputError as error:
            problems.append(error)
            continue
        problems += [p.error(checked.file) for row in checked.bad_rows for p in row.problems]
    return problems


def run_phase(
    activity: Activity | str | Path,
    phase: Phase | str,
    out_dir: str | Path,
    *,
    only_kinds: Sequence[str] | None = None,
    members: Sequence[str] | None = None,
    force: bool = False,
    partial: bool = False,
    progress: Progress | None = None,
    converter: Any = None,
) -> BatchResult:
    """Make every document ``phase`` owes and its bundle in ``out_dir/<phase>/``.

    ``only_kinds`` and ``members`` narrow the run (``members`` limits it to those
    members' own documents); the rest of the folder stays as the last run left it, and
    the bundle is remade from all of it when it is complete.  ``converter``: a running
    :class:`~gongwen.convert.Converter` to use and leave running (a server's shared one);
    by default the run starts its own and stops it at the end.  Raises
    :class:`~gongwen.batch.checks.ConsistencyError` before rendering anything when the
    activity's documents disagree; a failing document or member is reported in the
    result instead.
    """
    started = time.perf_counter()
    progress = progress or NullProgress()
    activity = activity if isinstance(activity, Activity) else load_activity(activity)
    phase = phase if isinstance(phase, Phase) else activity.phase(phase)
    progress.stage("检查", 1)
    loaded = load_all(activity)
    plan = check_phase(activity, phase, only_kinds=only_kinds, members=members, loaded=loaded)
    if plan.problems:
        progress.close()
        raise ConsistencyError(list(plan.problems))
    progress.advance()

    folder = Path(out_dir) / safe_name(phase.name)
    writable_folder(folder)
    _remove_dead_staging(folder)
    manifest, note = Manifest.load(folder)
    whole = plan_phase(activity, phase, loaded=loaded) if only_kinds else plan
    run = Run(activity, plan, whole, folder, manifest, force, partial,
              tuple(members) if members else None, progress)
    if note:
        run.notes.append(note)
    run.converter = converter
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=folder))
    try:
        result = run.execute(staging)
    except OSError as exc:  # a full disk, a folder made read-only under us
        raise OutputError(f"{folder}: cannot write the outputs ({exc.strerror or exc}); "
                          "the previous ones are left as they were") from exc
    finally:
        if converter is not None:
            run.converter = None  # the caller's: it stays up
        run.close()  # before the staging folder goes: conversions may still write there
        shutil.rmtree(staging, ignore_errors=True)
        progress.close()
    result.seconds = time.perf_counter() - started
    return result


def _kind_name(doc: LoadedDocument) -> str:
    """The kind's English name (``pledge``), or what the file says when it is unknown."""
    from ..models import KINDS

    model = doc.kind
    if model is not None:
        return next((k for k, m in KINDS.items() if m is model and k.isascii()), model.__name__)
    if doc.source is not None:
        return str(doc.source.data.get("kind", doc.source.data.get("类型", "?")))
    return "?"


def _selected(entry: PlannedDocument, wanted: Sequence[str]) -> bool:
    from ..models import KINDS

    model = KINDS.get(entry.kind)
    for name in wanted:
        if KINDS.get(name) is not None and KINDS.get(name) is model:
            return True
        if name in (entry.kind, entry.label, entry.name, Path(entry.name).stem):
            return True
        if len(name) >= MIN_LABEL_MATCH and not name.isascii() and name in entry.label:
            return True  # 登记表 for 民主评议党员登记表
    return False


def _member_problems(plan: PhasePlan, members: Sequence[str]) -> list[InputError]:
    """Each ``--member`` names one member of a roster the phase uses: a typo, or a name
    two members share (张伟 for 张伟（0107） and 张伟（0112）), fails before any work,
    with the error ``gongwen render --member`` gives."""
    problems: list[InputError] = []
    known: dict[str, None] = {}
    rosters: dict[Path, Any] = {}
    for entry in plan.documents:
        spec, model = entry.loaded.spec, entry.loaded.model
        roster = spec.roster or named_file(model, "roster", spec.path.parent)
        names = member_names(roster) if roster is not None else None
        known.update(dict.fromkeys(names or {}))
        if roster is not None and roster not in rosters:
            rosters[roster] = cached_roster(roster)
    if not known:
        return problems
    where = Location(str(plan.activity.file))
    for member in members:
        name = clean_name(member.split("（")[0].split("(")[0].split("#")[0])
        if name not in known:
            guess = difflib.get_close_matches(name, list(known), n=1, cutoff=0.3)
            problems.append(InputError(
                f"{member!r} is in none of the phase's rosters", field="--member",
                location=where, hint=f"did you mean {guess[0]!r}?" if guess else
                "check the name against the roster"))
            continue
        for roster in rosters.values():
            if roster is None or len(roster.find(member)) < 2:
                continue
            try:
                roster.resolve(member, field="--member")
            except InputError as exc:
                problems.append(exc)
                break
    return problems


def _remove_dead_staging(folder: Path) -> None:
    """Delete staging folders of runs that were killed (their process is gone)."""
    for child in folder.iterdir():
        match = _STAGING_RE.match(child.name)
        if not match or not child.is_dir():
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
            alive = pid != os.getpid()
        except ProcessLookupError:
            alive = False
        except PermissionError:
            alive = True
        if not alive:
            shutil.rmtree(child, ignore_errors=True)


__all__ = [
    "BatchResult", "DocumentOutcome", "Failure", "OutputError", "PhasePlan", "PlannedDocument",
    "check_phase", "plan_phase", "run_phase",
]
