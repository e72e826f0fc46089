"""The committed templates are exactly what the builder makes from standard.py."""

from __future__ import annotations

import io
import zipfile

import pytest

from gongwen.builder import BUILDERS, build_template
from gongwen.templates import template_dir


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_committed_template_matches_the_builder(name: str):
    committed = template_dir() / f"{name}.docx"
    assert committed.is_file(), f"run: python -m gongwen.builder templates ({name}.docx missing)"
    built = build_template(name)
    if committed.read_bytes() != built:
        old = zipfile.ZipFile(committed)
        new = zipfile.ZipFile(io.BytesIO(built))
        changed = [n for n in new.namelist()
                   if n not in old.namelist() or old.read(n) != new.read(n)]
        pytest.fail(f"templates/{name}.docx is stale in {changed}; "
                    "run: python -m gongwen.builder templates")


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_template_build_is_deterministic(name: str):
    assert build_template(name) == build_template(name)
