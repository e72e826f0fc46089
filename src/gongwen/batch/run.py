"""One run of a phase (see :func:`gongwen.batch.run_phase`): decide, render, convert,
commit, bundle — and what the run did, as a :class:`BatchResult`."""

from __future__ import annotations

import shutil
import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..children import check_interrupted
from .activity import Activity
from .manifest import (
    COMBINED_DIR,
    MANIFEST_NAME,
    FileRecord,
    JobRecord,
    Manifest,
    code_digest,
    gongwen_version,
    replace_into,
    template_digests,
)
from .pdfs import EarlyPdfs, bundle_phase, convert_documents
from .progress import Progress
from .render import RenderOutcome, render_jobs
from .result import BatchResult, DocumentOutcome, Failure
from .steps import (
    BuiltDocument,
    Job,
    content_digest,
    job_key,
    kind_label_of,
    libreoffice_text,
    member_digests,
    relative,
    roster_of,
    why_changed,
)

if TYPE_CHECKING:
    from .phase import PhasePlan


class Run:
    """The state of one :func:`run_phase` call."""

    def __init__(self, activity: Activity, plan: PhasePlan, whole: PhasePlan, folder: Path,
                 manifest: Manifest, force: bool, partial: bool,
                 members: tuple[str, ...] | None, progress: Progress) -> None:
        self.activity, self.plan, self.whole, self.folder = activity, plan, whole, folder
        self.keys: dict[str, str] = {}
        self.manifest, self.force, self.partial = manifest, force, partial
        self.members, self.progress = members, progress
        self.failures: list[Failure] = []
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.timings: dict[str, float] = {}
        self.converter: Any = None
        self.early: EarlyPdfs | None = None
        self.libreoffice = libreoffice_text()
        if manifest.code and manifest.code != code_digest():
            self.notes.append("gongwen changed since the last run: documents are rendered "
                              "anew; PDFs whose DOCX is unchanged are kept")
        if manifest.libreoffice and manifest.libreoffice != self.libreoffice:
            self.notes.append(f"LibreOffice changed ({manifest.libreoffice} → "
                              f"{self.libreoffice}): every PDF is made anew")
            self.force = True
        manifest.activity, manifest.phase = activity.name, plan.phase.name
        manifest.gongwen, manifest.code = gongwen_version(), code_digest()
        manifest.libreoffice = self.libreoffice
        manifest.templates = template_digests()

    def close(self) -> None:
        if self.converter is not None:
            self.converter.close()  # first: what still converts early then ends at once
        if self.early is not None:
            self.early.close()

    def get_converter(self) -> Any:
        """The run's one Converter (LibreOffice kept running), made on demand."""
        if self.converter is None:
            from ..convert import Converter

            self.converter = Converter()
        return self.converter

    def execute(self, staging: Path) -> BatchResult:
        jobs = [Job(entry.name, entry.kind, entry.label, entry.loaded)
                for entry in self.plan.documents]
        to_build = self._render_stage(jobs, staging)
        converted = self._convert_stage(jobs, to_build, staging)

        check_interrupted()  # Ctrl-C pressed: the outputs stay as they were
        self.progress.stage("写入", 1)
        removed = self._commit(jobs, converted)
        order = self._order(jobs)
        self.manifest.failures = [vars(f) for f in self.failures]
        self.manifest.save(self.folder, order)  # the documents are in place: say so now
        self.progress.advance()

        check_interrupted()
        mark = time.perf_counter()
        self.progress.stage("汇编", 1)
        bundle, bundle_pages, bundle_status = self._bundle(order, staging)
        self.progress.advance()
        self.timings["bundle"] = time.perf_counter() - mark
        self._drop_sources()
        outcomes = self._outcomes(order, {d.id: d for d in converted})
        self.manifest.summary = {
            "documents": len(outcomes), "built": sum(o.status == "built" for o in outcomes),
            "pages": sum(o.pages for o in outcomes), "failures": len(self.failures),
            "bundle": bundle.name if bundle else None, "bundle_pages": bundle_pages,
        }
        self.manifest.save(self.folder, order)
        warnings = self.warnings + [f"{o.id}: {w}" for o in outcomes for w in o.warnings]
        per_member = {o.job for o in outcomes if o.member} | {
            f.job for f in self.failures if f.member}
        rows = {e.name: e.label if e.name in per_member else kind_label_of(e.kind)
                for e in self.plan.documents}
        return BatchResult(self.activity.name, self.plan.phase.name, self.folder, outcomes,
                           self.failures, removed, bundle, bundle_pages, bundle_status,
                           warnings, 0.0, self.folder / MANIFEST_NAME, self.timings,
                           self.notes, rows, sum(len(job.documents) for job in jobs))

    def _render_stage(self, jobs: list[Job], staging: Path) -> list[BuiltDocument]:
        """Render the jobs that need it; returns the documents to convert."""
        mark = time.perf_counter()
        to_render = self._decide(jobs)
        on_whole = None
        if to_render:
            converter = self.get_converter()  # LibreOffice starts now, while they render
            if converter.engine == "office":
                self.early = EarlyPdfs(converter, staging / "early")
                on_whole = self._convert_early
        rendered = render_jobs([job.loaded for job in to_render],
                               [job.delta if job.delta is not None else self.members
                                for job in to_render], progress=self.progress,
                               on_whole=on_whole)
        names = {job.name for job in to_render}
        taken = {i for i, r in self.manifest.documents.items() if r.job not in names}
        to_build: list[BuiltDocument] = []
        for job, outcome in zip(to_render, rendered, strict=True):
            to_build += self._accept(job, outcome, staging, taken)
        self.timings["render"] = time.perf_counter() - mark
        return to_build

    def _convert_early(self, index: int, outcome: RenderOutcome) -> None:
        """Start converting a data file's one document while the rest render, unless
        the last run made the same one (it is most likely kept)."""
        if self.early is None or outcome.error is not None or len(outcome.documents) != 1:
            return
        document = outcome.documents[0]
        key = content_digest(document.docx)
        if not self.force and key in self._previous_contents:
            return
        self.early.submit(document.docx, document.title, key)

    @cached_property
    def _previous_contents(self) -> set[str]:
        return {record.content for record in self.manifest.documents.values()}

    def _convert_stage(self, jobs: list[Job], to_build: list[BuiltDocument],
                       staging: Path) -> list[BuiltDocument]:
        """Convert ``to_build``; a job whose conversion fails is a failure, kept out."""
        mark = time.perf_counter()
        self.progress.stage("转换", len(to_build))
        converted: list[BuiltDocument] = []
        if to_build:
            converted, failed, warnings = convert_documents(to_build, staging,
                                                            self.get_converter, self.early)
            self.warnings += warnings
            for job_name, message in failed:
                owed = [job for job in jobs if job.name == job_name]
                for job in owed:
                    job.rendered = job.complete = False
                count = sum(len(job.documents) for job in owed)
                self.failures.append(Failure(job_name, None, message, max(1, count)))
        if self.early is not None:
            self.early.close()  # what is left was not wanted after all
        self.progress.advance(len(to_build))
        self.timings["convert"] = time.perf_counter() - mark
        return converted

    # --- rendering ------------------------------------------------------------------

    def _decide(self, jobs: list[Job]) -> list[Job]:
        """The jobs to render: those whose inputs or outputs changed (all with force)."""
        chosen = []
        for job in jobs:
            if job.loaded.error is not None:
                self.failures.append(Failure(job.name, None, str(job.loaded.error),
                                             self._owed(job)))
                continue
            spec = job.loaded.spec
            if self.members and spec.members is not None and \
                    not set(self.members) & set(spec.members):
                continue
            job.key, job.inputs = job_key(job, self.activity)
            self.keys[job.name] = job.key
            previous = self.manifest.jobs.get(job.name)
            if (not self.force and previous is not None and previous.key == job.key
                    and self._intact(previous)):
                continue
            job.reason = "--force" if self.force else why_changed(previous, job.inputs)
            job.roster_members = member_digests(roster_of(job.loaded))
            job.delta = self._delta(job, previous)
            chosen.append(job)
        return chosen

    def _delta(self, job: Job, previous: JobRecord | None) -> tuple[str, ...] | None:
        """The members to render again when the roster is all that changed for a job
        that makes a document per member; None when the whole job is to be rendered."""
        roster = roster_of(job.loaded)
        if (self.force or self.members is not None or previous is None or roster is None
                or not previous.members or job.roster_members is None
                or not self._intact(previous)):
            return None
        changed = {n for n, d in job.inputs.items() if previous.inputs.get(n) != d}
        changed |= previous.inputs.keys() - job.inputs.keys()
        if changed != {relative(roster, self.activity.folder)}:
            return None
        if not all(self.manifest.documents[i].member for i in previous.documents):
            return None
        return tuple(label for label, digest in job.roster_members.items()
                     if previous.members.get(label) != digest)

    def _accept(self, job: Job, outcome: RenderOutcome, staging: Path,
                taken: set[str]) -> list[BuiltDocument]:
        """Take ``job``'s rendered documents; returns those whose DOCX content differs
        from the last run's (the ones to convert)."""
        if outcome.error is not None:
            self.failures.append(Failure(job.name, None, outcome.error, self._owed(job)))
            return []
        for member, message in outcome.failures:
            self.failures.append(Failure(job.name, member, message))
        job.failed_members = {member for member, _ in outcome.failures}
        job.documents = outcome.documents
        job.rendered = True
        if job.delta is not None and outcome.narrowed:
            outcome.narrowed = False  # the members not rendered again are kept as they are
        else:
            job.delta = None
        job.narrowed = outcome.narrowed
        job.complete = not outcome.failures and not outcome.narrowed
        changed = []
        for built in job.assign_ids(taken):
            old = self.manifest.documents.get(built.id)
            if (not self.force and old is not None and old.content == built.content
                    and old.intact(self.folder)):
                built.unchanged = old
                continue
            built.reason = job.reason if old is not None else "new"
            built.stage(staging)
            changed.append(built)
        return changed

    def _owed(self, job: Job) -> int:
        """How many documents a data file that failed whole would have made: one per
        member (of its 成员, or of the roster) for a kind made per member, else as
        many as its last complete build, else one."""
        from ..kinds import per_member

        loaded = job.loaded
        if loaded.model is not None and per_member(loaded.model):
            if loaded.spec.members is not None:
                return max(1, len(loaded.spec.members))
            roster = roster_of(loaded)
            members = member_digests(roster) if roster is not None else None
            if members:
                return len(members)
        previous = self.manifest.jobs.get(job.name)
        return max(1, len(previous.documents)) if previous is not None else 1

    def _intact(self, job: JobRecord) -> bool:
        records = [self.manifest.documents.get(i) for i in job.documents]
        return all(r is not None and r.intact(self.folder) for r in records)

    # --- committing -----------------------------------------------------------------

    def _commit(self, jobs: list[Job], converted: list[BuiltDocument]) -> list[str]:
        """Move built files into place, forget what is gone, update the manifest."""
        sources: dict[Path, FileRecord] = {}
        for staged in {b.source for b in converted if b.source is not None}:
            # left in the staging folder: the bundle of this run copies pages from it,
            # and it goes with the staging folder (see _drop_sources)
            sources[staged] = FileRecord.of(self.folder, relative(staged, self.folder))
        for built in converted:
            replace_into(built.staged_docx, self.folder / built.docx_name)
            replace_into(built.staged_pdf, self.folder / built.pdf_name)
            self.manifest.documents[built.id] = built.record(self.folder, sources)
        removed: list[str] = []
        for job in jobs:
            if not job.rendered:
                continue
            previous = self.manifest.jobs.get(job.name)
            job.final_ids = self._final_ids(job, previous)
            if not job.narrowed:
                kept = set(job.final_ids)
                for gone in (previous.documents if previous else []):
                    if gone not in kept and not job.failed_member(gone):
                        removed += self._delete(gone)
            if job.complete:
                self.manifest.jobs[job.name] = JobRecord(job.key, job.inputs, job.final_ids,
                                                         job.roster_members or {})
        if not self.plan_filtered:
            listed = {entry.name for entry in self.plan.documents}
            for name in [n for n in self.manifest.jobs if n not in listed]:
                for gone in self.manifest.jobs.pop(name).documents:
                    removed += self._delete(gone)
            for doc_id in [i for i, r in self.manifest.documents.items() if r.job not in listed]:
                removed += self._delete(doc_id)
        self._forget_sources()
        return removed

    def _forget_sources(self) -> None:
        """Delete the combined PDFs an earlier version kept in the output folder: only
        the user's documents, the bundle and the manifest stay there."""
        shutil.rmtree(self.folder / COMBINED_DIR, ignore_errors=True)

    def _drop_sources(self) -> None:
        """Forget the combined PDFs of this run's conversions once the bundle is made
        from them: they stay in the staging folder, which the run deletes; a later
        bundle copies each document's own PDF."""
        for record in self.manifest.documents.values():
            record.source, record.source_pages = None, None

    def _final_ids(self, job: Job, previous: JobRecord | None) -> list[str]:
        """The job's documents in roster order: those made now and, for a job rendered
        only for the members whose rows changed, the others' from before."""
        if job.delta is None or previous is None or job.roster_members is None:
            return job.ids
        made = {b.member: b.id for b in job.built}
        kept = {self.manifest.documents[i].member: i for i in previous.documents
                if i in self.manifest.documents}
        ids = [made.get(label) or kept.get(label) for label in job.roster_members]
        return [i for i in ids if i is not None]

    @property
    def plan_filtered(self) -> bool:
        return len(self.plan.documents) != len(self.plan.phase.documents)

    def _delete(self, doc_id: str) -> list[str]:
        record = self.manifest.documents.pop(doc_id, None)
        if record is None:
            return []
        for file in (record.docx, record.pdf):
            if file is not None:
                (self.folder / file.path).unlink(missing_ok=True)
        return [doc_id]

    def _order(self, jobs: list[Job]) -> list[str]:
        """Document ids in bundle order: the phase's entries, members in roster order."""
        by_name = {job.name: job for job in jobs}
        order: dict[str, None] = {}  # ordered, and a cheap "already in"
        for entry in self.plan.phase.documents:
            name = relative(entry.path, self.activity.folder)
            record = self.manifest.jobs.get(name)
            job = by_name.get(name)
            if job is not None and job.rendered and job.complete:
                ids = job.final_ids
            else:
                ids = list(record.documents) if record else []
                known = set(ids)
                ids += [i for i in (job.ids if job and job.rendered else []) if i not in known]
            order.update((i, None) for i in ids if i in self.manifest.documents)
        return list(order)

    # --- bundle and result ------------------------------------------------------------

    def _bundle(self, order: list[str],
                staging: Path) -> tuple[Path | None, int, str]:
        failed_jobs = {f.job for f in self.failures if f.member is None}
        failed_members = {(f.job, f.member) for f in self.failures if f.member is not None}
        unbuilt = [name for name in self._outdated() if name not in failed_jobs]
        if self.failures and not self.partial:
            self.warnings.append(f"bundle not made: {len(self.failures)} failure(s) "
                                 "(fix them, or pass --partial for a bundle without them)")
            return None, 0, "not made"
        if unbuilt and not self.partial:
            self.warnings.append("bundle not made: not up to date in full: "
                                 + ", ".join(unbuilt) + " (run without --only/--member)")
            return None, 0, "not made"
        records = [r for r in (self.manifest.documents[i] for i in order)
                   if r.job not in failed_jobs and (r.job, r.member) not in failed_members]
        if not records:
            self.warnings.append("bundle not made: no documents")
            return None, 0, "not made"
        if self.failures or unbuilt:
            self.warnings.append("partial bundle: made without the failed documents")
        return bundle_phase(self.activity, self.plan.phase, records, self.folder, staging,
                            self.manifest, self.get_converter, self.force)

    def _outdated(self) -> list[str]:
        """The phase's data files whose last complete build is not of their current
        inputs (a run narrowed by ``--only``/``--member`` leaves some so)."""
        outdated = []
        for entry in self.whole.documents:
            record = self.manifest.jobs.get(entry.name)
            if record is None or entry.error is not None:
                outdated.append(entry.name)
                continue
            key = self.keys.get(entry.name)
            if key is None:
                key = job_key(Job(entry.name, entry.kind, entry.label, entry.loaded),
                              self.activity)[0]
            if key != record.key:
                outdated.append(entry.name)
        return outdated

    def _outcomes(self, order: list[str], built: dict[str, BuiltDocument]
                  ) -> list[DocumentOutcome]:
        outcomes = []
        for doc_id in order:
            record = self.manifest.documents[doc_id]
            made = built.get(doc_id)
            outcomes.append(DocumentOutcome(
                record.id, record.job, record.kind, record.title, record.member, record.group,
                self.folder / record.docx.path,
                self.folder / record.pdf.path if record.pdf else None, record.pages,
                "built" if made else "unchanged", made.reason if made else None,
                tuple(record.warnings)))
        return outcomes
