"""Consistency of an activity's documents with each other, checked before rendering.

Each document validates on its own; these checks catch what only shows across
documents: a document dated outside its phase, 简报 期号 that skip or repeat across
phases, one 发文字号 used twice, members of the tallies or of a phase's member list who
are not in the roster.  Every problem is an :class:`InputError` naming the file, line
and field; :func:`check_activity` raises them together as one :class:`ConsistencyError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Location
from ..inputs import SourceData
from ..models import KINDS, GongwenModel, validate
from .activity import Activity, DocumentSpec, Phase

#: names of the model fields the checks read (the Python names every kind shares)
DATE_FIELD = "date"
ISSUE_FIELD = "issue"
TOTAL_ISSUE_FIELD = "total_issue"
DOC_NUMBER_FIELD = "doc_number"
TALLIES_FIELD = "tallies"
#: names the member tables' lookups return: name → where it is written
NameIndex = dict[str, Location]
#: a problem and the document it is about
Problem = tuple["LoadedDocument", InputError]


class ConsistencyError(InputError):
    """Several documents of an activity disagree; ``problems`` lists each one."""

    def __init__(self, problems: list[InputError]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more, listed below)" if len(problems) > 1 else ""
        first = problems[0]
        super().__init__(first.message + more, location=first.location, field=first.field,
                         hint=first.hint)

    def __str__(self) -> str:
        if not getattr(self, "problems", None) or len(self.problems) == 1:
            return super().__str__()
        return "\n".join(str(problem) for problem in self.problems)


@dataclass
class LoadedDocument:
    """A phase's document entry, its data (shared values merged) and model or error."""

    spec: DocumentSpec
    phase: Phase
    source: SourceData | None
    model: GongwenModel | None
    error: InputError | None

    @property
    def file(self) -> str:
        return str(self.spec.path)

    @property
    def kind(self) -> type[GongwenModel] | None:
        """The model class of the document's kind, also when its data is wrong."""
        if self.model is not None:
            return type(self.model)
        if self.source is None:
            return None
        return KINDS.get(str(self.source.data.get("kind", self.source.data.get("类型", "plan"))))

    def where(self, field: str) -> Location:
        """The line of Python field ``field`` as this file spells it."""
        if self.source is None or self.model is None:
            return Location(self.file)
        names = type(self.model).field_names()
        key = next((k for k in self.source.data if names.get(k) == field), field)
        return self.source.where((key,))

    def spelled(self, field: str) -> str:
        """``期号 (issue)``: the field as errors name it."""
        if self.model is None:
            return field
        info = type(self.model).model_fields.get(field)
        choices = getattr(info.validation_alias, "choices", ()) if info else ()
        return f"{choices[0]} ({field})" if choices else field


def load_document(activity: Activity, spec: DocumentSpec, phase: Phase) -> LoadedDocument:
    """Load and validate one entry; a user's error is kept, not raised."""
    if spec.error is not None:
        return LoadedDocument(spec, phase, None, None, spec.error)
    try:
        source = activity.document_source(spec)
    except InputError as exc:
        return LoadedDocument(spec, phase, None, None, exc)
    kind = str(source.data.get("kind", source.data.get("类型", "plan")))
    model_class = KINDS.get(kind)
    if model_class is None:
        where = source.where(("kind",) if "kind" in source.data else ("类型",))
        error = InputError(f"unknown document kind {kind!r}", location=where, field="kind",
                           hint="one of: " + ", ".join(k for k in KINDS if k.isascii()))
        return LoadedDocument(spec, phase, source, None, error)
    try:
        return LoadedDocument(spec, phase, source, validate(model_class, source), None)
    except InputError as exc:
        return LoadedDocument(spec, phase, source, None, exc)


def load_all(activity: Activity) -> list[LoadedDocument]:
    """Every document entry of every phase, in phase order; each file once, under the
    phase that lists it first (a plan carried into later phases is checked there)."""
    loaded, seen = [], set()
    for phase in activity.phases:
        for spec in phase.documents:
            if spec.path in seen:
                continue
            seen.add(spec.path)
            loaded.append(load_document(activity, spec, phase))
    return loaded


def check_activity(
    activity: Activity,
    documents: list[LoadedDocument] | None = None,
    *,
    phase: Phase | None = None,
    roster_names: Callable[[Path], NameIndex | None] | None = None,
    tally_names: Callable[[Path], NameIndex | None] | None = None,
) -> None:
    """Raise :class:`ConsistencyError` listing every disagreement between documents.

    ``roster_names``/``tally_names`` read a roster or tallies file into its member names
    (None when the file cannot be read: its own errors come when rendering).  With
    ``phase``, only the problems of the documents that phase hands in count: a wrong
    date in a later phase's 简报 does not stop this phase's run.
    """
    problems = find_problems(activity, documents, phase=phase, roster_names=roster_names,
                             tally_names=tally_names)
    if problems:
        raise ConsistencyError(problems)


def find_problems(
    activity: Activity,
    documents: list[LoadedDocument] | None = None,
    *,
    phase: Phase | None = None,
    roster_names: Callable[[Path], NameIndex | None] | None = None,
    tally_names: Callable[[Path], NameIndex | None] | None = None,
) -> list[InputError]:
    """:func:`check_activity`'s problems, returned rather than raised (a dry run lists
    them next to the documents)."""
    documents = load_all(activity) if documents is None else documents
    valid = [doc for doc in documents if doc.model is not None]
    keep = _of_phase(phase)
    problems = [*check_dates(activity, valid, phase=phase),
                *(e for doc, e in _issue_problems(valid) if keep(doc)),
                *(e for doc, e in _doc_number_problems(valid) if keep(doc))]
    if roster_names is not None:
        problems += check_members(activity, roster_names, tally_names, phase=phase,
                                  documents=documents)
    return problems


def _of_phase(phase: Phase | None) -> Callable[[LoadedDocument], bool]:
    """Whether a document is one ``phase`` hands in (every document without a phase)."""
    if phase is None:
        return lambda doc: True
    paths = {spec.path for spec in phase.documents}
    return lambda doc: doc.spec.path in paths


def check_dates(activity: Activity, documents: Iterable[LoadedDocument], *,
                phase: Phase | None = None) -> list[InputError]:
    """A document lies in the phase that first lists it, and no later phase lists a
    document dated after that phase's end (with ``phase``: only that phase's documents)."""
    problems = []
    keep = _of_phase(phase)
    for doc in documents:
        day = getattr(doc.model, DATE_FIELD, None)
        if not isinstance(day, dt.date) or not keep(doc):
            continue
        if not doc.phase.contains(day):
            problems.append(InputError(
                f"dated {day}, outside phase {doc.phase.name} ({doc.phase.start} – "
                f"{doc.phase.end})", location=doc.where(DATE_FIELD),
                field=doc.spelled(DATE_FIELD),
                hint="correct the date, or list the file under the phase it belongs to"))
        for later in activity.phases[doc.phase.index + 1:]:
            if phase not in (None, later):
                continue
            if doc.spec.path in {s.path for s in later.documents} and day > later.end:
                problems.append(InputError(
                    f"listed in phase {later.name}, which ends {later.end} before its date "
                    f"{day}", location=doc.where(DATE_FIELD), field=doc.spelled(DATE_FIELD)))
    return problems


def check_issues(documents: Iterable[LoadedDocument]) -> list[InputError]:
    """期号 of each briefing series (same name and 年度) go 1, 2, 3 … in the order the
    phases list them: no gaps, no repeats; 总期号 likewise across years."""
    return [error for _, error in _issue_problems(documents)]


def _issue_problems(documents: Iterable[LoadedDocument]) -> list[Problem]:
    problems: list[Problem] = []
    series: dict[tuple[str, ...], LoadedDocument] = {}
    totals: dict[tuple[str, ...], LoadedDocument] = {}
    for doc in documents:
        issue = getattr(doc.model, ISSUE_FIELD, None)
        if not isinstance(issue, int):
            continue
        name = str(getattr(doc.model, "name", type(doc.model).__name__))
        year = str(getattr(doc.model, "year", None) or "")
        _next_in(series, (name, year), doc, ISSUE_FIELD, problems)
        if isinstance(getattr(doc.model, TOTAL_ISSUE_FIELD, None), int):
            _next_in(totals, (name,), doc, TOTAL_ISSUE_FIELD, problems)
    return problems


def _next_in(last: dict[tuple[str, ...], LoadedDocument], key: tuple[str, ...],
             doc: LoadedDocument, field: str, problems: list[Problem]) -> None:
    number = getattr(doc.model, field)
    before = last.get(key)
    last[key] = doc
    if before is None:
        return
    previous = getattr(before.model, field)
    if number == previous + 1:
        return
    if number <= previous:
        what = f"repeats or goes back: {number} after {previous} in {before.spec.path.name}"
    else:
        missing = "、".join(str(n) for n in range(previous + 1, number))
        what = f"skips {missing}: {number} follows {previous} of {before.spec.path.name}"
    problems.append((doc, InputError(
        what, location=doc.where(field), field=doc.spelled(field),
        hint=f"{key[0]}: numbers go up by one across phases, in the order activity.yaml "
             f"lists the issues ({before.phase.name} → {doc.phase.name})")))


def check_doc_numbers(documents: Iterable[LoadedDocument]) -> list[InputError]:
    """No two documents of the activity carry the same 发文字号."""
    return [error for _, error in _doc_number_problems(documents)]


def _doc_number_problems(documents: Iterable[LoadedDocument]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, LoadedDocument] = {}
    for doc in documents:
        number = getattr(doc.model, DOC_NUMBER_FIELD, None)
        if number is None:
            continue
        text = str(number)
        other = first.setdefault(text, doc)
        if other is not doc:
            problems.append((doc, InputError(
                f"{text} is already the 发文字号 of {other.where(DOC_NUMBER_FIELD)}",
                location=doc.where(DOC_NUMBER_FIELD), field=doc.spelled(DOC_NUMBER_FIELD),
                hint="each document gets its own 序号")))
    return problems


def check_members(
    activity: Activity,
    roster_names: Callable[[Path], NameIndex | None],
    tally_names: Callable[[Path], NameIndex | None] | None,
    *,
    phase: Phase | None = None,
    documents: Iterable[LoadedDocument] = (),
) -> list[InputError]:
    """Everyone in a tallies file and in a phase's ``成员`` list is in the roster (with
    ``phase``: that phase's lists, and the tallies of its documents that read them)."""
    problems = []
    checked: set[tuple[Path, Path | None]] = set()
    kinds = {doc.spec.path: doc.kind for doc in documents}
    for each in activity.phases if phase is None else (phase,):
        for spec in each.documents:
            if spec.roster is None:
                continue
            roster = roster_names(spec.roster)
            if roster is None:
                continue
            if spec.members:
                problems += [
                    InputError(f"{name} is not in the roster {spec.roster.name}",
                               location=spec.location, field="成员 (members)",
                               hint=_closest(name, roster))
                    for name in spec.members if _bare(name) not in roster]
                problems += _ambiguous(spec, [n for n in spec.members if _bare(n) in roster])
            if spec.tallies is None or tally_names is None or \
                    (spec.roster, spec.tallies) in checked:
                continue
            kind = kinds.get(spec.path)
            if phase is not None and kind is not None and \
                    TALLIES_FIELD not in kind.model_fields:
                continue  # a plan or 简报 does not read the activity's tallies
            checked.add((spec.roster, spec.tallies))
            tallied = tally_names(spec.tallies) or {}
            problems += [
                InputError(f"{name} is not in the roster {spec.roster.name}", location=where,
                           field="姓名", hint=_closest(name, roster))
                for name, where in tallied.items() if name not in roster]
    return problems


def _ambiguous(spec: DocumentSpec, names: list[str]) -> list[InputError]:
    """A ``成员`` entry that two members of the roster answer to (张伟 for 张伟（DJS004）
    and 张伟（DJS005））: refused as ``--member`` refuses it, before rendering."""
    from ..inputs.roster import load_roster

    if not names or spec.roster is None:
        return []
    try:
        roster = load_roster(spec.roster)
    except InputError:
        return []  # its own error comes when rendering
    problems = []
    for name in names:
        if len(roster.find(name)) > 1:
            try:
                roster.resolve(name, location=spec.location, field="成员 (members)")
            except InputError as exc:
                problems.append(exc)
    return problems


def _bare(reference: str) -> str:
    """The name of 「张伟（0107）」 or 「张伟#0107」 (the roster's name index has names)."""
    return reference.split("（")[0].split("(")[0].split("#")[0].strip()


def _closest(name: str, known: Iterable[str]) -> str:
    import difflib

    guess = difflib.get_close_matches(name, list(known), n=1, cutoff=0.3)
    return f"did you mean {guess[0]!r}?" if guess else "add the member to the roster first"
