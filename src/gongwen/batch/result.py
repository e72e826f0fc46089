"""What a batch run did (:func:`gongwen.batch.run_phase`'s result): every document of
the phase, the failures, the bundle, and a summary by kind for a closing table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .steps import kind_label_of


@dataclass(frozen=True)
class DocumentOutcome:
    """A document of the phase after a run: built now, or unchanged since the manifest."""

    id: str
    job: str
    kind: str
    title: str
    member: str | None
    group: str | None
    docx: Path
    pdf: Path | None
    pages: int
    status: str  # "built" or "unchanged"
    reason: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure:
    """A data file or a member whose documents were not made, and why."""

    job: str
    member: str | None
    message: str
    #: how many documents the phase owes that were not made because of it
    documents: int = 1


@dataclass
class BatchResult:
    """What :func:`run_phase` did, for a summary table and an exit code."""

    activity: str
    phase: str
    out_dir: Path
    documents: list[DocumentOutcome]
    failures: list[Failure]
    removed: list[str]
    bundle: Path | None
    bundle_pages: int
    bundle_status: str  # "built", "unchanged" or "not made"
    warnings: list[str]
    seconds: float
    manifest: Path
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: data file → the row of :meth:`summary_rows` its documents and failures count in
    rows: dict[str, str] = field(default_factory=dict)
    #: documents rendered (to DOCX, in memory) this run; ``built`` are those that changed
    rendered: int = 0

    @property
    def exit_code(self) -> int:
        """1 when some documents failed, else 0 (the CLI's exit status)."""
        return 1 if self.failures else 0

    @property
    def built(self) -> list[DocumentOutcome]:
        return [d for d in self.current if d.status == "built"]

    @property
    def current(self) -> list[DocumentOutcome]:
        """The documents that are what the phase's data says now: not those a failed
        data file or member left from an earlier run."""
        jobs = {f.job for f in self.failures if f.member is None}
        members = {(f.job, f.member) for f in self.failures if f.member is not None}
        return [d for d in self.documents
                if d.job not in jobs and (d.job, d.member) not in members]

    @property
    def owed(self) -> int:
        """How many documents the phase owes: those made or unchanged, and those that
        failed (a data file that failed whole counts what it would make)."""
        return len(self.current) + sum(f.documents for f in self.failures)

    @property
    def failed(self) -> int:
        """How many owed documents were not made."""
        return sum(f.documents for f in self.failures)

    @property
    def pages(self) -> int:
        return sum(d.pages for d in self.current)

    def summary_rows(self) -> list[tuple[str, int, int, int, int, int]]:
        """Per kind (or member group): documents owed, built now, pages, warnings,
        failed — the failed ones counted among the owed, so the columns add up."""
        rows: dict[str, list[int]] = {}
        for doc in self.current:
            row = rows.setdefault(doc.group or kind_label_of(doc.kind), [0, 0, 0, 0, 0])
            row[0] += 1
            row[1] += doc.status == "built"
            row[2] += doc.pages
            row[3] += len(doc.warnings)
        for failure in self.failures:
            row = rows.setdefault(self.rows.get(failure.job, failure.job), [0, 0, 0, 0, 0])
            row[0] += failure.documents
            row[4] += failure.documents
        return [(name, *values) for name, values in rows.items()]  # type: ignore[misc]

    def summary_line(self) -> str:
        """The run's last line: 「13 of 15 documents made now, 1 unchanged, 1 failed」."""
        made = len(self.built)
        text = f"{made} of {self.owed} documents made now"
        unchanged = len(self.current) - made
        if unchanged:
            text += f", {unchanged} unchanged"
        if self.failed:
            text += f", {self.failed} failed"
        return text
