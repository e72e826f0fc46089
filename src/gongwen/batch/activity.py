"""An activity folder: ``activity.yaml`` says once what every document of an activity shares.

A branch runs an activity (创先争优活动) for months in phases; at the end of each phase it
hands its superior the phase's documents.  ``activity.yaml`` names the branch, its
书记 and leading group, the activity, the 文号 parts and the phases with their date
ranges and documents; the roster, the tallies and one data file per document sit beside
it.  Shared values reach a document by one simple rule, applied before validation:

* every key under ``共用`` (``shared``) is a default for every document whose kind has
  a field of that name (in any of its spellings); a document's own value always wins;
* the activity's ``党组织`` is the default 发文机关/编印单位/所在支部 of the kinds that
  have those fields, and its ``书记`` the default 书记/支部书记 — unless ``共用`` says
  otherwise;
* a 发文字号 written as a bare number (``发文字号: 5``) or without 机关代字/年份 takes
  the missing parts from the activity's ``文号``.

A defaulted value keeps its place in ``activity.yaml``, so an error in it names that
file and line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Location
from ..inputs import SourceData, load_data
from ..inputs.loader import KeyPath
from ..models import KINDS, GongwenModel, validate
from ..models.activity import (
    ACTIVITY_FILE,
    ActivityModel,
    DocNumberParts,
    PhaseEntry,
)

#: the document field spellings each activity-level value is the default for
ORGANIZATION_FIELDS = ("发文机关", "编印单位", "所在支部", "党组织")
SECRETARY_FIELDS = ("书记", "支部书记")
DOC_NUMBER_FIELD = "doc_number"


@dataclass(frozen=True)
class DocumentSpec:
    """A document entry of a phase with its paths resolved."""

    path: Path
    label: str | None
    members: tuple[str, ...] | None
    roster: Path | None
    tallies: Path | None
    location: Location
    template: Path | None = None
    #: a file the entry names that is not there: the entry's documents fail with it, and
    #: the other entries and phases run
    error: InputError | None = None


@dataclass(frozen=True)
class Phase:
    name: str
    start: dt.date
    end: dt.date
    documents: tuple[DocumentSpec, ...]
    index: int
    bundle_title: str | None = None
    bundle_date: dt.date | None = None
    location: Location = field(default_factory=Location)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass
class Activity:
    """A loaded activity: its shared values, phases and files (paths as written in
    ``activity.yaml``, joined to the folder it is in, so that errors name them so)."""

    folder: Path
    file: Path
    model: ActivityModel
    phases: tuple[Phase, ...]
    source: SourceData
    #: the activity's 名册 and 评议数据 (an entry of a phase may name its own)
    roster: Path | None = None
    tallies: Path | None = None

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def organization(self) -> str:
        return self.model.organization

    def phase(self, name: str) -> Phase:
        """The phase called ``name`` (or its 1-based number); an InputError names the rest."""
        for phase in self.phases:
            if phase.name == name or str(phase.index + 1) == name.strip():
                return phase
        names = [phase.name for phase in self.phases]
        guess = difflib.get_close_matches(name, names, n=1, cutoff=0.3)
        hint = f"did you mean {guess[0]!r}?" if guess else "phases: " + "、".join(names)
        raise InputError(f"no phase called {name!r}", location=self._where("phases"),
                         field="阶段 (phases)", hint=hint)

    def shared_values(self) -> dict[str, tuple[Any, Location]]:
        """Default values for documents, each with where ``activity.yaml`` gives it."""
        shared_key = self._key_of("shared")
        # 共用 first: the first value for a field wins, whatever spelling names it
        values = {key: (value, self.source.where((shared_key, key)))
                  for key, value in self.model.shared.items()}
        for name in ORGANIZATION_FIELDS:
            values.setdefault(name, (self.model.organization, self._where("organization")))
        if self.model.secretary:
            for name in SECRETARY_FIELDS:
                values.setdefault(name, (self.model.secretary, self._where("secretary")))
        return values

    def document_source(self, spec: DocumentSpec) -> SourceData:
        """The document's data with the activity's shared values merged in."""
        return merge_shared(load_data(spec.path), self.shared_values(), self.model.doc_number,
                            self._where("doc_number"))

    def _key_of(self, name: str) -> str:
        """The spelling ``activity.yaml`` used for field ``name``."""
        names = ActivityModel.field_names()
        for key in self.source.data:
            if names.get(key) == name:
                return key
        return name

    def _where(self, name: str) -> Location:
        return self.source.where((self._key_of(name),))


def load_activity(path: str | Path) -> Activity:
    """Load ``activity.yaml`` (``path`` is the file or the folder holding it).

    Raises InputError for a malformed file, a missing data file, roster or tallies (at
    the line that names it), and for phases whose names repeat or whose dates overlap.
    """
    path = Path(path)
    file = path / ACTIVITY_FILE if path.is_dir() else path
    if not file.is_file():
        raise InputError("no activity.yaml here", location=Location(str(file)),
                         hint="run `gongwen init DIR` to start from the sample activity")
    source = load_data(file)
    model = validate(ActivityModel, source)
    folder = file.parent  # paths stay as the user wrote them: errors name them so
    keys = _spellings(source)
    roster = _existing(folder, model.roster, source, (keys.get("roster", "名册"),))
    tallies = _existing(folder, model.tallies, source, (keys.get("tallies", "评议数据"),))
    phases_key = keys.get("phases", "阶段")
    phases = []
    for index, entry in enumerate(model.phases):
        where: KeyPath = (phases_key, index)
        docs_key = _entry_key(source, where, PhaseEntry, "documents")
        specs = []
        for number, doc in enumerate(entry.documents):
            at: KeyPath = (*where, docs_key, number)
            found = _EntryFiles(folder, source, at)  # a missing file fails its entry only
            specs.append(DocumentSpec(
                path=found.path(doc.file),
                label=doc.label,
                members=tuple(doc.members) if doc.members is not None else None,
                roster=found.file(doc.roster) or roster,
                tallies=found.file(doc.tallies) or tallies,
                location=source.where(at),
                template=found.file(doc.template),
                error=found.error,
            ))
        phases.append(Phase(entry.name, entry.start, entry.end, tuple(specs), index,
                            entry.bundle_title, entry.bundle_date, source.where(where)))
    _check_phases(phases, str(file))
    return Activity(folder, file, model, tuple(phases), source, roster, tallies)


@dataclass(frozen=True)
class ActivityDocument:
    """A data file inside an activity folder, read as a batch run reads it: with the
    activity's shared values merged in, and its entry's roster, tallies, template and
    members as defaults (``gongwen render`` of a file the activity lists)."""

    activity: Activity
    spec: DocumentSpec
    source: SourceData

    def render_options(self, *, template: str | Path | None = None,
                       roster: str | Path | None = None, tallies: str | Path | None = None,
                       members: tuple[str, ...] = ()) -> dict[str, Any]:
        """:func:`gongwen.render_all`'s options: what the caller gives wins, the rest
        comes from the activity's entry for the file."""
        spec = self.spec
        return {"template": template or spec.template, "roster": roster or spec.roster,
                "tallies": tallies or spec.tallies, "members": members or spec.members or ()}


def find_activity_document(data: str | Path) -> ActivityDocument | None:
    """The data file ``data`` as the activity whose ``activity.yaml`` is in its folder
    or a folder above would read it; None when no folder above it has one."""
    data = Path(data)
    here = data.resolve()
    for folder in here.parents:
        if (folder / ACTIVITY_FILE).is_file():
            break
    else:
        return None
    shown = Path(os.path.relpath(folder)) if folder.is_relative_to(Path.cwd()) else folder
    activity = load_activity(shown)
    spec = next((s for phase in activity.phases for s in phase.documents
                 if s.path.resolve() == here), None)
    if spec is None:  # a file the phases do not list: the activity's roster and tallies
        spec = DocumentSpec(data, None, None, activity.roster, activity.tallies,
                            Location(str(activity.file)))
    if spec.error is not None:
        raise spec.error
    return ActivityDocument(activity, spec, activity.document_source(spec))


def merge_shared(
    source: SourceData,
    shared: Mapping[str, tuple[Any, Location]],
    doc_number: DocNumberParts | None = None,
    doc_number_where: Location | None = None,
) -> SourceData:
    """``source`` with every shared value its kind has a field for and does not set.

    Keys are matched through the kind's field spellings, so ``发文机关`` in ``共用``
    fills a document that would write ``organ``.  Unknown kinds are left alone (their
    own validation reports them).
    """
    model = KINDS.get(str(source.data.get("kind", source.data.get("类型", "plan"))))
    if model is None:
        return source
    names = model.field_names()
    data = dict(source.data)
    locations = dict(source.locations)
    present = {names[key] for key in data if key in names}
    for key, (value, where) in shared.items():
        target = names.get(key)
        if target is None or target in present:
            continue
        data[key] = value
        present.add(target)
        locations[(key,)] = where
    if doc_number is not None and DOC_NUMBER_FIELD in model.model_fields:
        _fill_doc_number(data, locations, names, doc_number, doc_number_where)
    return SourceData(data=data, file=source.file, locations=locations)


def _fill_doc_number(data: dict[str, Any], locations: dict[KeyPath, Location],
                     names: dict[str, str], parts: DocNumberParts,
                     where: Location | None) -> None:
    key = next((k for k in data if names.get(k) == DOC_NUMBER_FIELD), None)
    if key is None:
        return
    value = data[key]
    if isinstance(value, int) and not isinstance(value, bool):
        data[key] = {"agency": parts.agency, "year": parts.year, "serial": value}
    elif isinstance(value, dict):
        from ..models.plan import DocNumber

        given = {DocNumber.field_names().get(k) for k in value}
        filled = dict(value)
        if "agency" not in given:
            filled["agency"] = parts.agency
            if where is not None:
                locations[(key, "agency")] = where
        if "year" not in given:
            filled["year"] = parts.year
            if where is not None:
                locations[(key, "year")] = where
        data[key] = filled


def _spellings(source: SourceData) -> dict[str, str]:
    """Python field name → the key ``activity.yaml`` used for it."""
    names = ActivityModel.field_names()
    return {names[key]: key for key in source.data if key in names}


def _entry_key(source: SourceData, where: KeyPath, model: type[GongwenModel], name: str) -> str:
    node: Any = source.data
    for part in where:
        node = node[part]
    names = model.field_names()
    return next((key for key in node if names.get(key) == name), name)


def _existing(folder: Path, name: str | None, source: SourceData, at: KeyPath) -> Path | None:
    """``folder/name`` when it is a file; an InputError at ``at`` when it is not."""
    if name is None:
        return None
    path = Path(os.path.normpath(folder / name))
    if not path.is_file():
        raise InputError(f"{name}: file not found", location=source.where(at),
                         hint=f"paths are relative to the activity folder {folder}")
    return path


class _EntryFiles:
    """The files one 文件 entry names; the first that is missing is its error."""

    def __init__(self, folder: Path, source: SourceData, at: KeyPath) -> None:
        self.folder, self.source, self.at = folder, source, at
        self.error: InputError | None = None

    def file(self, name: str | None) -> Path | None:
        try:
            return _existing(self.folder, name, self.source, self.at)
        except InputError as exc:
            self.error = self.error or exc
            return None

    def path(self, name: str) -> Path:
        """The data file's path, there or not (it names the entry's documents)."""
        return self.file(name) or Path(os.path.normpath(self.folder / name))


def _check_phases(phases: list[Phase], file: str) -> None:
    seen: dict[str, Phase] = {}
    for phase in phases:
        if phase.name in seen:
            raise InputError(f"phase {phase.name!r} is listed twice", location=phase.location,
                             field="阶段.名称", hint=f"first at line {seen[phase.name].location.line}")
        seen[phase.name] = phase
    for before, after in zip(phases, phases[1:], strict=False):
        if after.start <= before.end:
            raise InputError(
                f"phase {after.name!r} starts {after.start} before {before.name!r} ends "
                f"{before.end}", location=after.location, field="阶段.开始",
                hint="phases run one after the other, in order")
    if not phases:
        raise InputError("an activity needs at least one phase", location=Location(file),
                         field="阶段 (phases)")

def named_file(model: object, field_name: str, folder: Path) -> Path | None:
    """The roster or tallies file a data file names itself (花名册: members.csv), which
    the kind would read: passing it on lets a bad row fail only its member."""
    value = getattr(model, field_name, None)
    if not isinstance(value, str) or not value.strip():
        return None
    path = folder / value
    return path if path.is_file() else None
