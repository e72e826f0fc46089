"""Peak memory and CPU time of a process's descendants, sampled from /proc.

``getrusage(RUSAGE_CHILDREN)`` counts only children the process has waited for; the
LibreOffice that gongwen keeps running is a grandchild (under the UNO worker script) and
is killed, not waited for, so it would not show.  This samples every descendant's VmHWM
(its own high-water mark, so short sampling gaps lose nothing but processes that live
less than one interval), and every descendant's CPU time (user + system, up to the last
sample: a process that ends loses at most one interval of it), LibreOffice's apart.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

INTERVAL_S = 0.1


TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def _children_map() -> tuple[dict[int, int], dict[int, float]]:
    """Every process's parent, and its CPU seconds so far."""
    parents, cpu = {}, {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / TICKS_PER_S
    return parents, cpu


def _is_office(pid: int) -> bool:
    try:
        return b"soffice" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


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
        self.cpu: dict[int, float] = {}
        self.office: set[int] = set()
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

    @property
    def cpu_s(self) -> float:
        """CPU seconds of every descendant seen."""
        return sum(self.cpu.values())

    @property
    def office_cpu_s(self) -> float:
        """CPU seconds of the LibreOffice processes among them."""
        return sum(t for pid, t in self.cpu.items() if pid in self.office)

    def _run(self) -> None:
        while not self._stop.wait(INTERVAL_S):
            self._sample()

    def _sample(self) -> None:
        parents, cpu = _children_map()
        frontier, me = {os.getpid()}, os.getpid()
        while frontier:
            frontier = {c for c, p in parents.items() if p in frontier and c != me}
            for pid in frontier:
                self.peaks[pid] = max(self.peaks.get(pid, 0), _hwm_kib(pid))
                if pid not in self.cpu and _is_office(pid):
                    self.office.add(pid)
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu.get(pid, 0.0))
