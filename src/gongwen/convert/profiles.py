"""LibreOffice profiles: one per worker, started as copies of a warm one.

LibreOffice spends most of a second setting up a new profile on its first start; a copy
of a profile it has already used starts in a fraction of that.  The warm copy is kept
in gongwen's cache, keyed by the installation, so that an upgrade starts afresh.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .fonts import cache_root
from .libreoffice import installation_key


def template_dir(soffice: Path) -> Path:
    """Where the warm profile for this LibreOffice installation is cached."""
    return cache_root() / f"lo-profile-{installation_key(soffice)}"


def new_profile(profile: Path, soffice: Path) -> Path:
    """``profile``, a copy of the warm profile when there is one (else absent, and
    LibreOffice creates it on its first start)."""
    template = template_dir(soffice)
    if template.is_dir():
        try:
            shutil.copytree(template, profile)
        except OSError:
            shutil.rmtree(profile, ignore_errors=True)
    return profile


def save_profile(profile: Path, soffice: Path) -> None:
    """Keep ``profile``, used by a LibreOffice that quit cleanly, as the warm one."""
    template = template_dir(soffice)
    if template.exists() or not profile.is_dir():
        return
    staging = Path(tempfile.mkdtemp(prefix=".lo-profile-", dir=template.parent))
    try:
        shutil.copytree(profile, staging / "p")
        os.replace(staging / "p", template)
    except OSError:
        pass  # another process won the race, or the cache is not writable
    finally:
        shutil.rmtree(staging, ignore_errors=True)


#: converters' working folders in the temp dir: ``gongwen-lo-<pid>-…``
ROOT_PREFIX = "gongwen-lo-"


def new_root() -> Path:
    """A working folder for one converter's profiles, named after this process; folders
    left by processes that no longer exist (killed runs) are removed first."""
    sweep_stale_roots()
    return Path(tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{os.getpid()}-"))


def sweep_stale_roots() -> None:
    for folder in Path(tempfile.gettempdir()).glob(f"{ROOT_PREFIX}*-*"):
        pid = folder.name[len(ROOT_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or _running(int(pid)):
            continue
        try:
            if folder.stat().st_uid == os.getuid():
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
