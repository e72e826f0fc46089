"""gongwen: Chinese official documents (公文) from structured data, to GB/T 9704-2012.

    >>> import gongwen
    >>> doc = gongwen.render("plan.yaml")            # 实施方案, 简报, 承诺书, 民主评议
    >>> doc.save("out/"); doc.to_pdf("out/")
    >>> docs = gongwen.render_all("pledge.yaml", roster="members.xlsx")
"""

from .activity import Activity, load_activity
from .batch import BatchResult, plan_phase, run_phase
from .bundle import BundleEntry, BundleResult, build_bundle
from .convert import Converter, convert_many, doctor_report
from .documents import Document, render, render_all
from .errors import (
    BundleError,
    ConversionError,
    GongwenError,
    InputError,
    Location,
    TemplateError,
)
from .inputs.roster import Roster, load_roster
from .inputs.tallies import Tallies, load_tallies
from .models import Briefing, Evaluation, Member, Plan, Pledge
from .standard import PROFILES, Profile, get_profile

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
    "Roster",
    "Tallies",
    "TemplateError",
    "build_bundle",
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
