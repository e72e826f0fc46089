"""gongwen: Chinese official documents (公文) from structured data, to GB/T 9704-2012.

    >>> import gongwen
    >>> doc = gongwen.render("plan.yaml")            # 实施方案, 简报, 承诺书, 民主评议
    >>> doc.save("out/"); doc.to_pdf("out/")
    >>> docs = gongwen.render_all("pledge.yaml", roster="members.xlsx")
"""

from __future__ import annotations

import contextlib as _contextlib
import os as _os
import signal as _signal
import sys as _sys

#: what a command ended by Ctrl-C prints, its one line (exit code 130)
INTERRUPTED_MESSAGE = "interrupted: stopped, no file left half-written (run again to finish)"


def _end_on_ctrl_c(signum: int, frame: object) -> None:
    """Ctrl-C while the ``gongwen`` command is still starting (its imports take a
    tenth of a second or more): nothing is running or written yet, so end at once,
    as a command ends on Ctrl-C (see :mod:`gongwen.children`), not with a traceback."""
    _os.write(2, INTERRUPTED_MESSAGE.encode() + b"\n")
    _os._exit(130)


if _os.path.basename(_sys.argv[0] if _sys.argv else "") in ("gongwen", "gongwen.exe"):
    # the console script: until the command handles Ctrl-C itself (ValueError: not
    # imported in the main thread)
    with _contextlib.suppress(ValueError):
        _signal.signal(_signal.SIGINT, _end_on_ctrl_c)

import importlib  # noqa: E402 - after the Ctrl-C handler, which must come first
from typing import TYPE_CHECKING, Any  # noqa: E402

from .errors import (  # noqa: E402
    BundleError,
    ConversionError,
    GongwenError,
    InputError,
    Location,
    TemplateError,
)

if TYPE_CHECKING:
    from .batch import Activity, BatchResult, load_activity, plan_phase, run_phase
    from .bundle import BundleEntry, BundleResult, build_bundle
    from .checker import Finding, Report, check
    from .convert import Converter, convert_many, doctor_report
    from .inputs.roster import Roster, load_roster
    from .inputs.tallies import Tallies, load_tallies
    from .kinds import Document, render, render_all
    from .layout.standard import PROFILES, Profile, get_profile
    from .models import Briefing, Evaluation, Member, Plan, Pledge

#: where each public name lives.  They are imported on first use, so that ``gongwen
#: --help`` or a script that only renders does not pay for PDF, batch and bundle code.
_LAZY = {
    "batch": ("Activity", "BatchResult", "load_activity", "plan_phase", "run_phase"),
    "bundle": ("BundleEntry", "BundleResult", "build_bundle"),
    "checker": ("Finding", "Report", "check"),
    "convert": ("Converter", "convert_many", "doctor_report"),
    "kinds": ("Document", "render", "render_all"),
    "inputs.roster": ("Roster", "load_roster"),
    "inputs.tallies": ("Tallies", "load_tallies"),
    "models": ("Briefing", "Evaluation", "Member", "Plan", "Pledge"),
    "layout.standard": ("PROFILES", "Profile", "get_profile"),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'gongwen' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__version__ = "0.1.0"

__all__ = [
    "PROFILES",
    "Activity",
    "BatchResult",
    "Briefing",
    "BundleEntry",
    "BundleError",
    "BundleResult",
    "ConversionError",
    "Finding",
    "Converter",
    "Document",
    "Evaluation",
    "GongwenError",
    "InputError",
    "Location",
    "Member",
    "Plan",
    "Pledge",
    "Profile",
    "Report",
    "Roster",
    "Tallies",
    "TemplateError",
    "build_bundle",
    "check",
    "convert_many",
    "doctor_report",
    "get_profile",
    "plan_phase",
    "load_activity",
    "load_roster",
    "load_tallies",
    "render",
    "render_all",
    "run_phase",
]
