"""The public API: every name in ``gongwen.__all__`` resolves, lazily but to the real thing."""

from __future__ import annotations

import subprocess
import sys

import pytest

import gongwen


@pytest.mark.parametrize("name", gongwen.__all__)
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(gongwen, name)
    assert value is not None
    assert name in dir(gongwen)


def test_public_names_are_the_modules_objects() -> None:
    from gongwen.convert import Converter
    from gongwen.kinds import render

    assert gongwen.render is render and gongwen.Converter is Converter


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        gongwen.nothing_here  # noqa: B018


def test_importing_gongwen_leaves_the_heavy_parts_unloaded() -> None:
    """``gongwen --help`` must not wait for PDF, bundle and batch code to import."""
    code = ("import sys, gongwen, gongwen.cli; "
            "print(','.join(m for m in ('docx', 'docxtpl', 'pypdf', 'gongwen.batch') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""
