"""The steps of a batch run over one job (one data file) and over the phase's documents:
key, render, name, convert, bundle.  :mod:`gongwen.batch` strings them together."""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from ..errors import GongwenError, InputError
from ..inputs.roster import Roster, load_roster
from ..kinds.document import Document, safe_filename
from ..models import KINDS, GongwenModel
from .activity import Activity, named_file
from .checks import LoadedDocument
from .isolate import member_of, model_title
from .manifest import (
    DocumentRecord,
    FileRecord,
    JobRecord,
    canonical_json,
    code_digest,
    gongwen_version,
    referenced_files,
    sha256_bytes,
    sha256_file,
)

logger = logging.getLogger(__name__)

#: file names are cut to this many characters (a CJK character is 3 bytes in UTF-8, and
#: the atomic writer's temporary name adds about 20 bytes to the 255 a name may have)
NAME_LIMIT = 60
#: device names Windows will not open as files, whatever the extension
RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                            *(f"LPT{i}" for i in range(1, 10))})
#: DOCX parts left out of :func:`content_digest`
METADATA_PARTS = ("docProps/",)


def safe_name(text: str) -> str:
    """A file or folder name from untrusted text (a member's name, a title): no path
    separators, no ``..``, no reserved characters or device names, not too long."""
    name = safe_filename(str(text), limit=NAME_LIMIT)
    if name.split(".")[0].upper() in RESERVED_NAMES:
        name = "_" + name
    return name


def kind_label(model: type[GongwenModel]) -> str:
    """A kind's Chinese name from the registry (承诺书 for pledge), else its class name."""
    return next((k for k, m in KINDS.items() if m is model and not k.isascii()), model.__name__)


def content_digest(docx: bytes) -> str:
    """A digest of a DOCX's content without its metadata (docProps: dates that a kind may
    take from the clock), so a document rendered again on another day is unchanged.
    Taken from each part's CRC-32 and size in the zip's directory, so nothing is
    inflated; an edit that keeps both for every part is vanishingly unlikely."""
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            for info in sorted(package.infolist(), key=lambda info: info.filename):
                if info.filename.startswith(METADATA_PARTS):
                    continue
                digest.update(f"{info.filename}\0{info.CRC:08x}\0{info.file_size}\0".encode())
    except zipfile.BadZipFile:
        return sha256_bytes(docx)
    return digest.hexdigest()


@dataclass
class BuiltDocument:
    """A rendered document on its way to the output folder."""

    id: str
    job: str
    kind: str
    title: str
    member: str | None
    group: str | None
    docx: bytes
    warnings: list[str]
    reason: str | None = None
    unchanged: DocumentRecord | None = None
    staged_docx: Path | None = None
    staged_pdf: Path | None = None
    pages: int = 0
    fonts: list[str] = field(default_factory=list)
    #: the combined PDF the document was converted in, and its pages there
    source: Path | None = None
    source_pages: range | None = None

    @cached_property
    def content(self) -> str:
        return content_digest(self.docx)

    @property
    def docx_name(self) -> str:
        return f"{self.id}.docx"

    @property
    def pdf_name(self) -> str:
        return f"{self.id}.pdf"

    @property
    def flat_name(self) -> str:
        return self.id.replace("/", "-")

    def stage(self, staging: Path) -> None:
        self.staged_docx = staging / "docx" / f"{self.flat_name}.docx"
        self.staged_docx.parent.mkdir(parents=True, exist_ok=True)
        self.staged_docx.write_bytes(self.docx)

    def record(self, folder: Path, sources: dict[Path, FileRecord]) -> DocumentRecord:
        """The manifest's record, once the files are in place in ``folder`` (``sources``:
        the combined PDFs moved there, by their staged path)."""
        source = sources.get(self.source) if self.source is not None else None
        span = self.source_pages
        return DocumentRecord(
            id=self.id, job=self.job, kind=self.kind, title=self.title, member=self.member,
            group=self.group, docx=FileRecord.of(folder, self.docx_name, self.docx),
            pdf=FileRecord.of(folder, self.pdf_name), pages=self.pages, fonts=self.fonts,
            warnings=self.warnings, content=self.content, source=source,
            source_pages=[span.start, span.stop] if source is not None and span else None)


@dataclass
class Job:
    """One data file of the phase and what became of it in this run."""

    name: str
    kind: str
    label: str
    loaded: LoadedDocument
    key: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    built: list[BuiltDocument] = field(default_factory=list)
    rendered: bool = False
    narrowed: bool = False
    complete: bool = False
    #: the roster's members now (label → digest of their row), when the job has a roster
    roster_members: dict[str, str] | None = None
    #: when only the roster changed: the members to render again (the rest are kept)
    delta: tuple[str, ...] | None = None
    #: the job's documents in order once committed
    final_ids: list[str] = field(default_factory=list)
    reason: str | None = None
    failed_members: set[str] = field(default_factory=set)

    @property
    def ids(self) -> list[str]:
        return [b.id for b in self.built]

    def failed_member(self, doc_id: str) -> bool:
        return any(doc_id.endswith("/" + safe_name(m)) for m in self.failed_members)

    def assign_ids(self, taken: set[str]) -> list[BuiltDocument]:
        """Name each document: ``<label>`` for a document of the branch, and
        ``<label>/<member>`` for a member's (a repeat gets ``-2``, ``-3``…)."""
        self.built = []
        for document, base in zip(self.documents, document_stems(self.documents, self.label),
                                  strict=True):
            member = member_of(document)
            group = self.label if member is not None else None
            doc_id, number = base, 1
            while doc_id in taken:
                number += 1
                doc_id = f"{base}-{number}"
            taken.add(doc_id)
            title = self.label if member is None and len(self.documents) == 1 else document.title
            self.built.append(BuiltDocument(doc_id, self.name, self.kind, title, member, group,
                                            document.docx, list(document.warnings)))
        return self.built


def document_stems(documents: Sequence[Document], label: str | None = None) -> list[str]:
    """Where each of a data file's documents is written, without the suffix — one rule
    for ``gongwen render`` and ``gongwen batch``: ``<label>/<member>`` for a member's
    document, ``<label>`` for a file's one document, else the document's title.
    ``label`` is the activity entry's 名称, else the data's title."""
    stems = []
    for document in documents:
        name = label or model_title(document.model) or document.title
        member = member_of(document)
        if member is not None:
            stems.append(f"{safe_name(name)}/{safe_name(member)}")
        else:
            stems.append(safe_name(name if len(documents) == 1 else document.title))
    return stems


def roster_of(loaded: LoadedDocument) -> Path | None:
    """The roster a data file's documents are made from, if any."""
    spec = loaded.spec
    return spec.roster or named_file(loaded.model, "roster", spec.path.parent)


def member_digests(roster_path: Path | None) -> dict[str, str] | None:
    """Label → digest of each member's row (and of the roster's size, which counts such
    as the number of voters depend on); None when there is no readable roster."""
    if roster_path is None:
        return None
    try:
        stat = roster_path.stat()
    except OSError:
        return None
    return _member_digests(str(roster_path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _member_digests(path: str, mtime_ns: int, size: int) -> dict[str, str] | None:
    """:func:`member_digests` once per version of a file (every data file of a phase
    usually shares one roster, and reading a long one takes a while)."""
    roster = cached_roster(Path(path))
    if roster is None:
        return None
    count = len(roster)
    return {roster.label(m): sha256_bytes(canonical_json(
        [count, roster.label(m), m.model_dump(mode="json")]).encode()) for m in roster}


def cached_roster(path: Path) -> Roster | None:
    """The roster at ``path``, read once per version of the file; None if it is bad."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read_roster(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_roster(path: str, mtime_ns: int, size: int) -> Roster | None:
    try:
        return load_roster(path)
    except InputError:
        return None


def job_key(job: Job, activity: Activity) -> tuple[str, dict[str, str]]:
    """The digest of everything ``job``'s documents are made from, and each input's:
    gongwen's code, the activity's shared values, the data file and the files it names,
    the roster, tallies and template, and the entry's own settings."""
    loaded = job.loaded
    spec = loaded.spec
    assert loaded.source is not None
    folder = activity.folder
    shared = {key: value for key, (value, _) in activity.shared_values().items()}
    shared["文号"] = activity.model.doc_number.model_dump() if activity.model.doc_number else None
    inputs: dict[str, str] = {
        "gongwen": f"{gongwen_version()} {code_digest()[:16]}",
        f"{activity.file.name} (共用)": sha256_bytes(canonical_json(shared).encode()),
    }
    files = [spec.path, *referenced_files(loaded.source.data, spec.path.parent)]
    files += [p for p in (spec.roster, spec.tallies, spec.template) if p is not None]
    for path in files:
        inputs[relative(path, folder)] = sha256_file(path)
    entry = {"members": spec.members, "label": job.label}
    inputs[f"{activity.file.name} (文件)"] = sha256_bytes(canonical_json(entry).encode())
    if _activity_tables(loaded.model):  # 附件 tables built from activity.yaml
        model = activity.model
        tables = {"领导小组": model.leading_group.model_dump() if model.leading_group else None,
                  "阶段": [(p.name, p.start, p.end, p.tasks) for p in model.phases]}
        inputs[f"{activity.file.name} (表格)"] = sha256_bytes(canonical_json(tables).encode())
        if activity.roster is not None:
            inputs[relative(activity.roster, folder)] = sha256_file(activity.roster)
    return sha256_bytes(canonical_json(inputs).encode()), inputs


def _activity_tables(model: object) -> bool:
    """Whether a document's 附件 builds a table from the activity (``表格: 领导小组``):
    read from its model, which has resolved the keys' spellings and shorthands."""
    return any(isinstance(attachment.table, str)
               for attachment in getattr(model, "attachments", ()))


def relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


def kind_label_of(kind: str) -> str:
    """:func:`kind_label` for a kind's registered name."""
    from ..models import KINDS

    model = KINDS.get(kind)
    return kind_label(model) if model else kind


def libreoffice_text() -> str:
    from ..convert import libreoffice_version

    try:
        return ".".join(map(str, libreoffice_version()))
    except GongwenError:
        return ""


def why_changed(previous: JobRecord | None, inputs: dict[str, str]) -> str:
    """Which inputs changed since ``previous``, for the run's report."""
    if previous is None:
        return "new"
    changed = [name for name, digest in inputs.items() if previous.inputs.get(name) != digest]
    changed += [name for name in previous.inputs if name not in inputs]
    return ("changed: " + ", ".join(changed)) if changed else "outputs missing or edited"
