"""Benchmark: a burst of phase jobs through the queue (Redis + ``gongwen worker``s),
beside the same jobs as ``gongwen batch`` runs one after another.

    python benchmarks/queue_burst.py                  # 20 jobs, 2 workers
    python benchmarks/queue_burst.py --jobs 40 --workers 3

The phase-end afternoon: every branch of a county submits its phase at once.  A Redis
on a free port and ``--workers`` workers (one process each, LibreOffice started and
warm) on a temporary data dir; ``--jobs`` uploads of the sample activity cut to a
phase that makes the 实施方案 and its bundle are sent through ``POST /v1/jobs`` (the
server in this process, in queue mode) as fast as they go, then polled until each is
done.  Beside it, ``gongwen batch`` runs the same phase ``--jobs`` times, one process
after another, each into a fresh folder (nothing reused), as a script without a server
would.  Prints jobs/min of each and the ratio.  Everything started is stopped at the
end; every wait is bounded.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the services the queue tests start

from queue_services import (  # noqa: E402
    PLAN_PHASE,
    plan_only_activity,
    queue_services,
)

GONGWEN = str(Path(sys.executable).parent / "gongwen")
JOB_TIMEOUT_S = 600


def burst(activity: Path, folder: Path, jobs: int, workers: int) -> tuple[float, list[float]]:
    """Seconds from the first upload to the last job done, and each job's latency."""
    from serve_helpers import folder_zip
    from starlette.testclient import TestClient

    from gongwen.serve import Settings, create_app

    archive = folder_zip(activity, prefix="activity/")
    with queue_services(folder, workers=workers) as services, \
            TestClient(create_app(Settings(data_dir=services.data_dir,
                                           queue=services.url))) as client:
        started = time.monotonic()
        ids = []
        for _ in range(jobs):
            response = client.post("/v1/jobs", data={"phase": PLAN_PHASE},
                                   files={"activity": ("activity.zip", archive)})
            response.raise_for_status()
            ids.append(response.json()["id"])
        latencies: dict[str, float] = {}
        deadline = started + JOB_TIMEOUT_S
        while len(latencies) < jobs:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{jobs - len(latencies)} jobs not done in time")
            for job_id in ids:
                if job_id in latencies:
                    continue
                state = client.get(f"/v1/jobs/{job_id}").json()
                if state["state"] == "failed":
                    raise RuntimeError(f"job {job_id} failed: {state['error']}")
                if state["state"] == "done":
                    latencies[job_id] = state["finished"] - state["created"]
            time.sleep(0.1)
        return time.monotonic() - started, list(latencies.values())


def sequential(activity: Path, folder: Path, jobs: int) -> float:
    """Seconds for ``jobs`` runs of ``gongwen batch``, one after another."""
    started = time.monotonic()
    for number in range(jobs):
        subprocess.run([GONGWEN, "batch", str(activity), "--phase", PLAN_PHASE, "-o",
                        str(folder / f"out-{number}")], check=True, timeout=JOB_TIMEOUT_S,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongwen-burst-") as tmp:
        folder = Path(tmp)
        activity = plan_only_activity(folder / "activity")
        queued, latencies = burst(activity, folder / "queue", args.jobs, args.workers)
        (folder / "cli").mkdir()
        alone = sequential(activity, folder / "cli", args.jobs)
    rate_queue, rate_cli = args.jobs * 60 / queued, args.jobs * 60 / alone
    print(f"{args.jobs} jobs of phase {PLAN_PHASE} (the 实施方案 + bundle)")
    print(f"queue, {args.workers} workers: {queued:6.1f} s  {rate_queue:6.1f} jobs/min  "
          f"(latency p50 {statistics.median(latencies):.1f} s, max {max(latencies):.1f} s)")
    print(f"gongwen batch, one at a time: {alone:6.1f} s  {rate_cli:6.1f} jobs/min")
    print(f"ratio: {rate_queue / rate_cli:.1f}×")


if __name__ == "__main__":
    main()
