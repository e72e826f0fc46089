"""Builds the built-in ``.docx`` templates from :mod:`gongwen.standard`.

``python -m gongwen.builder templates/`` rewrites the committed templates; a test
fails when a committed template differs from what this builds.
"""

from __future__ import annotations

from collections.abc import Callable

from ..standard import STRICT, Profile
from .plan import build_plan

#: template name → builder; every builder is a pure function of the profile
BUILDERS: dict[str, Callable[[Profile], bytes]] = {
    "plan": build_plan,
}


def build_template(name: str, profile: Profile = STRICT) -> bytes:
    """The bytes of built-in template ``name`` for ``profile``."""
    return BUILDERS[name](profile)
