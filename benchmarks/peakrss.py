"""Peak memory of a process's descendants, sampled from /proc.

``getrusage(RUSAGE_CHILDREN)`` counts only children the process has waited for; the
LibreOffice that gongwen keeps running is a grandchild (under the UNO worker script) and
is killed, not waited for, so it would not show.  This samples every descendant's VmHWM
(its own high-water mark, so short sampling gaps lose nothing but processes that live
less than one interval).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

INTERVAL_S = 0.1


def _children_map() -> dict[int, int]:
    parents = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class DescendantPeaks:
    """``with DescendantPeaks() as peaks: …``; then ``peaks.largest_mb`` is the largest
    peak RSS any single descendant reached."""

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> DescendantPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sample()
        self._stop.set()
        self._thread.join()

    @property
    def largest_mb(self) -> float:
        return max(self.peaks.values(), default=0) / 1024

    def _run(self) -> None:
        while not self._stop.wait(INTERVAL_S):
            self._sample()

    def _sample(self) -> None:
        parents = _children_map()
        frontier, me = {os.getpid()}, os.getpid()
        while frontier:
            frontier = {c for c, p in parents.items() if p in frontier and c != me}
            for pid in frontier:
                self.peaks[pid] = max(self.peaks.get(pid, 0), _hwm_kib(pid))
