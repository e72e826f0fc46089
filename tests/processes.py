"""Finding the processes a test started, by what their command line says."""

from __future__ import annotations

import os
from pathlib import Path


def processes_with(*markers: str) -> list[int]:
    """PIDs whose command line mentions every one of ``markers`` (a converter's profile
    folder, "soffice" …)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if all(marker in cmdline for marker in markers):
            found.append(int(pid))
    return found
