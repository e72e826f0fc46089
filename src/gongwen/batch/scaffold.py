"""``gongwen init DIR``: start an activity folder from the sample activity.

The sample (samples/chuangxian: activity.yaml, the roster, one data file per document)
runs as it is, so a new user edits a working activity instead of writing one from
nothing.  The folder is made whole or not at all: the files are copied into a hidden
folder beside it, which is then renamed into place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import InputError, Location
from ..fileio import output_error, writable_folder

SAMPLE = "chuangxian"
#: what is not copied: outputs of earlier runs, caches, editor and OS litter
IGNORED = (".*", "__pycache__", "out", "*.pyc", "~$*", "Thumbs.db")


def samples_dir() -> Path:
    """The folder holding the sample activities: package data (in a checkout, a link to
    the repository's ``samples/``), so that ``gongwen init`` works from a wheel too."""
    return Path(__file__).resolve().parents[1] / "data" / "samples"


def list_samples() -> list[str]:
    folder = samples_dir()
    return sorted(p.name for p in folder.iterdir() if (p / "activity.yaml").is_file()) \
        if folder.is_dir() else []


def init_activity(target: str | Path, *, sample: str = SAMPLE) -> list[Path]:
    """Copy sample activity ``sample`` to ``target`` (which must not exist, or be an
    empty folder); returns the files made, relative to ``target``."""
    target = Path(target)
    source = samples_dir() / sample
    if not (source / "activity.yaml").is_file():
        known = "、".join(list_samples()) or "none installed"
        raise InputError(f"no sample activity {sample!r}", location=Location(str(source)),
                         hint=f"samples: {known}")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError("already exists and is not empty", location=Location(str(target)),
                         hint="choose a new folder name; gongwen init never overwrites files")
    parent = writable_folder(target.parent)  # or an error naming what is in the way
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
        try:
            built = staging / "activity"
            shutil.copytree(source, built, ignore=shutil.ignore_patterns(*IGNORED))
            if target.exists():
                target.rmdir()  # empty, checked above
            os.replace(built, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:  # a full disk
        raise output_error(target, exc) from None
    return sorted(p.relative_to(target) for p in target.rglob("*") if p.is_file())
