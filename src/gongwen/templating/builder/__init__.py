"""Builds the built-in ``.docx`` templates from :mod:`gongwen.layout.standard`.

``python -m gongwen.templating.builder templates/`` rewrites the committed templates; a test
fails when a committed template differs from what this builds.
"""

from __future__ import annotations

from collections.abc import Callable

from ...layout.standard import STRICT, Profile
from .briefing import build_briefing
from .evaluation import build_ballot, build_register, build_summary
from .letter import build_letter
from .order import build_order
from .plan import build_plan
from .pledge import build_pledge

#: template name → builder; every builder is a pure function of the profile
BUILDERS: dict[str, Callable[[Profile], bytes]] = {
    "plan": build_plan,
    "letter": build_letter,
    "order": build_order,
    "briefing": build_briefing,
    "pledge": build_pledge,
    "evaluation-ballot": build_ballot,
    "evaluation-register": build_register,
    "evaluation-summary": build_summary,
}


def build_template(name: str, profile: Profile = STRICT) -> bytes:
    """The bytes of built-in template ``name`` for ``profile``."""
    return BUILDERS[name](profile)
