"""What the member-based kinds share: finding the roster and the tallies a document
uses, and checking the per-member parts of the data against the roster."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from ..errors import InputError
from ..inputs.roster import Roster, load_roster
from ..inputs.tallies import Tallies, load_tallies, tallies_from_data
from .document import RenderOptions

T = TypeVar("T")
ROSTER_KEYS = ("roster", "花名册")
TALLY_KEYS = ("tallies", "计票")
MEMBER_KEYS = ("members", "成员")


def _key(options: RenderOptions, keys: tuple[str, ...]) -> str:
    """The spelling of a field the user's data file uses (for error locations)."""
    data = options.source.data if isinstance(options.source.data, Mapping) else {}
    return next((k for k in keys if k in data), keys[-1])


def _data_path(options: RenderOptions, text: str) -> Path:
    """A path written in the data file is relative to the data file's folder."""
    path = Path(text)
    return path if path.is_absolute() else options.base_dir / path


def roster_for(options: RenderOptions, written: str | None) -> Roster:
    """The roster: ``--roster`` when given, else the data's 花名册 (relative to it)."""
    if options.roster is not None:
        return load_roster(options.roster)
    if written:
        return load_roster(_data_path(options, written))
    raise InputError("needs a roster of members", location=options.source.where(()),
                     field="花名册 (roster)",
                     hint="pass --roster members.xlsx, or write 花名册: members.csv in the data")


def tallies_for(options: RenderOptions, written: str | dict[str, Any] | None, roster: Roster,
                voters: Mapping[str, int] | None, *, required: bool) -> Tallies | None:
    """The tallies: ``--tallies`` when given, else the data's 计票 (a file or inline)."""
    if options.tallies is not None:
        return load_tallies(options.tallies, roster, voters=voters)
    if isinstance(written, str):
        return load_tallies(_data_path(options, written), roster, voters=voters)
    if isinstance(written, Mapping):
        return tallies_from_data(written, roster, source=options.source,
                                 prefix=(_key(options, TALLY_KEYS),), voters=voters)
    if required:
        raise InputError("needs the tallies of the votes", location=options.source.where(()),
                         field="计票 (tallies)",
                         hint="pass --tallies tallies.csv, or write 计票: tallies.csv in the data")
    return None


def by_label(options: RenderOptions, per_member: Mapping[str, T], roster: Roster) -> dict[str, T]:
    """The data's ``members:`` mapping keyed by roster label; unknown names are errors."""
    key = _key(options, MEMBER_KEYS)
    result: dict[str, T] = {}
    for name, value in per_member.items():
        member = roster.resolve(name, location=options.source.where((key, name)),
                                field=f"{key}.{name}")
        result[roster.label(member)] = value
    return result
