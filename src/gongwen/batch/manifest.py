"""``manifest.json``: what a batch run made from what, so the next run redoes only the rest.

The manifest of a phase's output folder records, per data file (a *job*), a key hashed
from everything its documents are made from (the data with the shared values merged in,
the files the data names, the roster and tallies, gongwen's code and templates), and per
document the hashes, sizes and page counts of its DOCX and PDF.  A later run skips a job
whose key is unchanged and whose outputs are still the files the manifest describes; for
a job that changed it renders the DOCX again and converts only the documents whose DOCX
bytes differ (rendering is deterministic, converting is what costs).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..fileio import write_atomic

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
#: the folder (in a phase's output folder) that keeps the combined PDFs of conversions
COMBINED_DIR = ".combined"
#: bumped when the manifest's layout changes; an older manifest is ignored (full rebuild)
MANIFEST_FORMAT = 1
_HASH_CHUNK = 1 << 20
#: data values longer than this are text, not file names
_MAX_PATH_TEXT = 255


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def canonical_json(value: Any) -> str:
    """One spelling of ``value`` (sorted keys, dates as ISO text) for hashing."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str,
                      separators=(",", ":"))


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of gongwen's own code and committed templates: a new version (or an edited
    checkout) renders documents anew, and keeps the PDFs whose DOCX did not change."""
    from ..templating.registry import template_dir

    package = Path(__file__).resolve().parents[1]
    files = sorted(package.rglob("*.py")) + sorted(package.glob("data/**/*"))
    templates = template_dir()
    if templates.is_dir():
        files += sorted(templates.glob("*.docx"))
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def gongwen_version() -> str:
    """The package's version (read when needed: this module may be imported while the
    package itself is still being imported)."""
    from .. import __version__

    return __version__


def template_digests() -> dict[str, str]:
    """SHA-256 of each committed built-in template, for the manifest."""
    from ..templating.registry import template_dir

    folder = template_dir()
    return {p.name: sha256_file(p) for p in sorted(folder.glob("*.docx"))} \
        if folder.is_dir() else {}


def referenced_files(data: Any, base_dir: Path) -> list[Path]:
    """Files that string values of ``data`` name relative to ``base_dir`` (正文文件,
    图片, …): their content is part of what a document is made from."""
    found: set[Path] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)
        elif isinstance(node, str) and 0 < len(node) < _MAX_PATH_TEXT and "\n" not in node:
            candidate = base_dir / node
            try:
                if "." in node and candidate.is_file():
                    found.add(candidate.resolve())
            except (OSError, ValueError):
                pass  # not a usable path: a name with a NUL, too long, …

    walk(data)
    return sorted(found)


@dataclass
class FileRecord:
    """An output file as the manifest knows it (``path`` relative to the phase folder)."""

    path: str
    sha256: str
    size: int
    mtime_ns: int = 0

    @classmethod
    def of(cls, root: Path, relative: str, data: bytes | None = None) -> FileRecord:
        path = root / relative
        stat = path.stat()
        digest = sha256_bytes(data) if data is not None else sha256_file(path)
        return cls(relative, digest, stat.st_size, stat.st_mtime_ns)

    def intact(self, root: Path) -> bool:
        """Whether the file is still the one recorded (size and time, else its hash)."""
        path = root / self.path
        try:
            stat = path.stat()
        except OSError:
            return False
        if stat.st_size != self.size:
            return False
        return stat.st_mtime_ns == self.mtime_ns or sha256_file(path) == self.sha256


@dataclass
class DocumentRecord:
    """One produced document: where its DOCX and PDF are and what is in them."""

    id: str
    job: str
    kind: str
    title: str
    member: str | None
    group: str | None
    docx: FileRecord
    pdf: FileRecord | None
    pages: int
    fonts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: digest of the DOCX without its metadata: equal means the PDF need not be made again
    content: str = ""
    #: the combined PDF the document was converted in, and its pages there [start, stop)
    source: FileRecord | None = None
    source_pages: list[int] | None = None

    def intact(self, root: Path) -> bool:
        return self.docx.intact(root) and (self.pdf is None or self.pdf.intact(root))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DocumentRecord:
        values = dict(data)
        values["docx"] = FileRecord(**values["docx"])
        values["pdf"] = FileRecord(**values["pdf"]) if values.get("pdf") else None
        values["source"] = FileRecord(**values["source"]) if values.get("source") else None
        return cls(**values)


@dataclass
class JobRecord:
    """A data file's last complete build: its key, inputs and documents (in order)."""

    key: str
    inputs: dict[str, str]
    documents: list[str]
    #: per member of the roster (by label), a digest of their row: when only the roster
    #: changed, only the members whose digest changed are rendered again
    members: dict[str, str] = field(default_factory=dict)


@dataclass
class BundleRecord:
    key: str
    file: FileRecord
    pages: int
    entries: int


@dataclass
class Manifest:
    """The manifest of one phase's output folder."""

    activity: str = ""
    phase: str = ""
    gongwen: str = ""
    code: str = ""
    libreoffice: str = ""
    #: the built-in templates (file name → SHA-256) the documents were made with
    templates: dict[str, str] = field(default_factory=dict)
    jobs: dict[str, JobRecord] = field(default_factory=dict)
    documents: dict[str, DocumentRecord] = field(default_factory=dict)
    bundle: BundleRecord | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> tuple[Manifest, str | None]:
        """The folder's manifest, or an empty one and why the old one was not usable."""
        path = folder / MANIFEST_NAME
        if not path.is_file():
            return cls(), None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != MANIFEST_FORMAT:
                return cls(), f"{path}: written by another gongwen version; rebuilding all"
            bundle = data.get("bundle")
            return cls(
                activity=data["activity"], phase=data["phase"], gongwen=data["gongwen"],
                code=data["code"], libreoffice=data.get("libreoffice", ""),
                templates=dict(data.get("templates", {})),
                jobs={name: JobRecord(**job) for name, job in data["jobs"].items()},
                documents={d["id"]: DocumentRecord.from_json(d) for d in data["documents"]},
                bundle=BundleRecord(**{**bundle, "file": FileRecord(**bundle["file"])})
                if bundle else None,
                failures=list(data.get("failures", [])),
                summary=dict(data.get("summary", {})),
            ), None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return cls(), f"{path}: unreadable ({exc}); rebuilding all"

    def save(self, folder: Path, order: Iterable[str] | None = None) -> Path:
        """Write the manifest atomically; documents in ``order`` (the bundle's) first."""
        ids = list(dict.fromkeys(order or ()))
        listed = set(ids)
        ids += [i for i in self.documents if i not in listed]
        data = {
            "format": MANIFEST_FORMAT,
            "activity": self.activity,
            "phase": self.phase,
            "gongwen": self.gongwen,
            "code": self.code,
            "libreoffice": self.libreoffice,
            "templates": self.templates,
            "jobs": {name: _plain(job) for name, job in sorted(self.jobs.items())},
            "documents": [_plain(self.documents[i]) for i in ids if i in self.documents],
            "bundle": _plain(self.bundle) if self.bundle else None,
            "failures": self.failures,
            "summary": self.summary,
        }
        return write_atomic(folder / MANIFEST_NAME, _dumps(data).encode("utf-8"))


def _plain(record: Any) -> dict[str, Any]:
    """A record's fields (and its file records' fields) for JSON: what ``asdict`` gives,
    without its deep copies."""
    fields = dict(vars(record))
    for name, value in fields.items():
        if isinstance(value, FileRecord):
            fields[name] = dict(vars(value))
    return fields


def _dumps(data: Mapping[str, Any]) -> str:
    """The manifest as JSON: a line per top-level key, and a line per job and per
    document.  Readable, diffable, and written by json's C encoder (``indent`` would
    take the pure-Python one, ten times slower for a branch of a thousand)."""
    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            inner = ",\n  ".join(compact(item) for item in value)
            text = f"[\n  {inner}\n ]"
        elif isinstance(value, dict) and value and key != "summary":
            inner = ",\n  ".join(f"{compact(k)}: {compact(v)}" for k, v in value.items())
            text = f"{{\n  {inner}\n }}"
        else:
            text = compact(value)
        lines.append(f" {compact(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def replace_into(staged: Path, target: Path) -> None:
    """Move a finished file from the staging folder to its place, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)
