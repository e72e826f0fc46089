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
        return [d for d in self.documents if d.status == "built"]

    @property
    def pages(self) -> int:
        return sum(d.pages for d in self.documents)

    def summary_rows(self) -> list[tuple[str, int, int, int, int, int]]:
        """Per kind (or member group): documents, built now, pages, warnings, failed."""
        rows: dict[str, list[int]] = {}
        for doc in self.documents:
            row = rows.setdefault(doc.group or kind_label_of(doc.kind), [0, 0, 0, 0, 0])
            row[0] += 1
            row[1] += doc.status == "built"
            row[2] += doc.pages
            row[3] += len(doc.warnings)
        for failure in self.failures:
            rows.setdefault(self.rows.get(failure.job, failure.job), [0, 0, 0, 0, 0])[4] += 1
        return [(name, *values) for name, values in rows.items()]  # type: ignore[misc]
