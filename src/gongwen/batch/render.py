"""Render a phase's data files: through the kinds registry, as :func:`gongwen.render_all`
does, several at a time, with one member's bad record failing only that member.

The kinds are pure Python, so rendering uses the machine's cores through processes, one
data file per worker (forked where the platform can, so the workers start at once; see
:func:`~gongwen.children.worker_processes`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..children import worker_processes
from ..errors import GongwenError
from ..kinds.document import Document, RenderOptions
from .activity import named_file
from .isolate import member_of, render_isolating_members
from .progress import NullProgress, Progress

if TYPE_CHECKING:
    from .checks import LoadedDocument

#: worker processes for rendering at most (each holds a copy of a kind's documents)
MAX_RENDER_WORKERS = 4
#: a data file is rendered in parts only when each part has at least this many members
SPLIT_MIN_MEMBERS = 10


@dataclass
class RenderOutcome:
    """One data file rendered: its documents, or why not (plain text, so that it crosses
    process boundaries whole), and the members left out with their reasons."""

    documents: list[Document] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None
    #: only the asked-for members' documents were made (the rest of the file was not)
    narrowed: bool = False


def render_loaded(loaded: LoadedDocument, members: Sequence[str] | None,
                  whole_otherwise: bool = True) -> RenderOutcome:
    """Render one validated data file; ``members`` narrows a kind that makes a document
    per member to those members.  A data file whose documents are not all members' (a
    plan, a 测评表 listing everyone) is rendered whole instead (unless not
    ``whole_otherwise``): narrowing it would drop or shorten documents of the whole
    branch (:attr:`RenderOutcome.narrowed` says which happened)."""
    from ..kinds import RENDERERS

    assert loaded.model is not None and loaded.source is not None
    spec, model, source = loaded.spec, loaded.model, loaded.source
    renderer = RENDERERS.get(type(model))
    if renderer is None:
        return RenderOutcome(error=f"{spec.path}: no renderer for {type(model).__name__}")
    roster = spec.roster or named_file(model, "roster", spec.path.parent)
    tallies = spec.tallies or named_file(model, "tallies", spec.path.parent)

    def attempt(wanted: tuple[str, ...]) -> RenderOutcome:
        def render(roster: Path | None, tallies: Path | None) -> list[Document]:
            options = RenderOptions(source=source, base_dir=spec.path.parent,
                                    template=spec.template, roster=roster, tallies=tallies,
                                    members=wanted)
            return renderer(model, options)

        try:
            result = render_isolating_members(render, roster, tallies)
        except GongwenError as exc:
            return RenderOutcome(error=str(exc))
        return RenderOutcome(result.documents,
                             [(f.member, f.message) for f in result.failures])

    if members is not None:
        wanted = tuple(m for m in members if spec.members is None or m in spec.members)
        outcome = attempt(wanted)
        if outcome.error is None and outcome.documents and \
                all(member_of(d) is not None for d in outcome.documents):
            outcome.narrowed = True
            return outcome
        if not whole_otherwise:
            return outcome
    return attempt(spec.members or ())



def render_jobs(loaded: Sequence[LoadedDocument],
                members: Sequence[str] | None | Sequence[Sequence[str] | None],
                *, workers: int | None = None,
                progress: Progress | None = None,
                on_whole: Callable[[int, RenderOutcome], None] | None = None,
                ) -> list[RenderOutcome]:
    """Render every data file of ``loaded``, in worker processes when the machine has
    more than one core: a data file per worker, and a data file that makes a document
    per member for many members in parts, one per worker.  ``members`` narrows every
    data file, or (a list per data file) each its own way; an empty selection renders
    nothing.  ``progress`` gets a stage counting the parts.  ``on_whole(index,
    outcome)`` hears of each data file rendered in one part as soon as it is, while
    the others still render."""
    from .. import kinds  # noqa: F401 - imported once here, not again in every worker

    progress = progress or NullProgress()
    selections = _selections(members, len(loaded))
    cores = min(workers or available_cores(), MAX_RENDER_WORKERS)
    tasks: list[tuple[int, Sequence[str] | None]] = []
    split: set[int] = set()
    outcomes: dict[int, RenderOutcome] = {}
    for index, (item, wanted) in enumerate(zip(loaded, selections, strict=True)):
        if wanted is not None and not wanted:
            outcomes[index] = RenderOutcome(narrowed=True)
            continue
        parts = _member_parts(item, cores) if cores > 1 and wanted is None else None
        if parts:
            split.add(index)
            tasks += [(index, part) for part in parts]
        else:
            tasks.append((index, wanted))
    progress.stage("排版", len(tasks))
    if cores < 2 or len(tasks) < 2:
        results = []
        for index, part in tasks:
            results.append(render_loaded(loaded[index], part))
            progress.advance()
            if on_whole is not None and index not in split:
                on_whole(index, results[-1])
    else:
        order = sorted(range(len(tasks)), key=lambda t: _rank(loaded[tasks[t][0]],
                                                              tasks[t][0] in split))
        with worker_processes(min(cores, len(tasks))) as pool:
            futures = {t: pool.submit(render_loaded, loaded[tasks[t][0]], tasks[t][1])
                       for t in order}
            task_of = {future: t for t, future in futures.items()}
            for future in as_completed(futures.values()):
                progress.advance()
                index = tasks[task_of[future]][0]
                if on_whole is not None and index not in split and future.exception() is None:
                    on_whole(index, future.result())
            results = [futures[t].result() for t in range(len(tasks))]
    for (index, _), result in zip(tasks, results, strict=True):
        if index not in outcomes:
            outcomes[index] = result
            if index in split:
                result.narrowed = False  # its parts make up the whole file
            continue
        joined = outcomes[index]
        joined.documents += result.documents
        joined.failures += [f for f in result.failures if f not in joined.failures]
        joined.error = joined.error or result.error
    return [outcomes[index] for index in range(len(loaded))]


def _rank(item: LoadedDocument, split: bool) -> int:
    """Which tasks go to the workers first: whole documents that read the roster (a
    汇总表 of a thousand rows is the longest single task), then the parts of the
    per-member files, then the rest, so that no long task is left for the end."""
    if split:
        return 1
    spec = item.spec
    has_roster = spec.roster or named_file(item.model, "roster", spec.path.parent)
    return 0 if has_roster else 2


def _selections(members: Sequence[str] | None | Sequence[Sequence[str] | None],
                count: int) -> list[Sequence[str] | None]:
    """``members`` as one selection per data file."""
    if members is None or all(isinstance(m, str) for m in members):
        return [members] * count  # type: ignore[list-item]
    return list(members)  # type: ignore[arg-type]


def _member_parts(item: LoadedDocument, cores: int) -> list[tuple[str, ...]] | None:
    """The roster split into one part per core, when ``item`` makes a document per
    member (its kind says so, or else a one-member trial render) for enough members
    to be worth it."""
    from ..kinds import per_member
    from .steps import cached_roster

    spec, model = item.spec, item.model
    roster_path = spec.roster or named_file(model, "roster", spec.path.parent)
    if model is None or roster_path is None:
        return None
    roster = cached_roster(roster_path)
    if roster is None:
        return None  # a bad row: rendered whole, which isolates it
    labels = [roster.label(m) for m in roster
              if spec.members is None or m.name in spec.members
              or roster.label(m) in spec.members]
    if len(labels) < SPLIT_MIN_MEMBERS * 2:
        return None
    known = per_member(model)
    if known is False:
        return None
    if known is None:
        trial = render_loaded(item, labels[:1], whole_otherwise=False)
        if not trial.narrowed or trial.failures or len(trial.documents) != 1:
            return None
    count = min(cores, len(labels) // SPLIT_MIN_MEMBERS)
    size = math.ceil(len(labels) / count)
    return [tuple(labels[k:k + size]) for k in range(0, len(labels), size)]


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
