"""A real Redis and real ``gongwen worker`` processes for the queue tests and the
queue benchmark: started on a free port and a temporary data dir, always stopped."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_redis(url: str, timeout: float = 10.0) -> None:
    import redis

    deadline = time.monotonic() + timeout
    while True:
        try:
            if redis.Redis.from_url(url, socket_connect_timeout=1).ping():
                return
        except redis.RedisError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)


def start_redis(port: int) -> subprocess.Popen:
    """``redis-server`` on 127.0.0.1:``port``, nothing saved to disk."""
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--daemonize", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_redis(f"redis://127.0.0.1:{port}/0")
    except BaseException:
        stop(proc)
        raise
    return proc


def start_worker(url: str, data_dir: Path, log: Path, *, concurrency: int = 1,
                 extra: tuple[str, ...] = ()) -> subprocess.Popen:
    """``gongwen worker`` as a user starts it, its output in ``log``."""
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-W", "ignore", "-m", "gongwen.cli", "worker", "--queue", url,
             "--data-dir", str(data_dir), "--concurrency", str(concurrency), *extra],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(proc: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT_S) -> None:
    """Until Celery says the worker is ready (its LibreOffice starts in the background)."""
    deadline = time.monotonic() + timeout
    while b" ready." not in log.read_bytes():
        if proc.poll() is not None:
            raise RuntimeError(f"the worker ended ({proc.returncode}): "
                               f"{log.read_text(errors='replace')[-2000:]}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the worker is not ready: {log.read_text(errors='replace')}")
        time.sleep(0.1)


def wait_for_workers(url: str, count: int, timeout: float = START_TIMEOUT_S) -> None:
    """Until ``count`` workers answer a ping on the queue at ``url``."""
    from gongwen.serve.queue.config import celery_app

    app = celery_app(url)
    deadline = time.monotonic() + timeout
    try:
        while len(app.control.ping(timeout=1.0) or []) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"fewer than {count} workers answer on {url}")
    finally:
        app.close()


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM (a worker finishes its job and stops its pool), SIGKILL to the whole
    process group if that takes too long."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@dataclass
class Services:
    """Redis at ``url`` and the workers on ``data_dir``."""

    url: str
    data_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)


@contextlib.contextmanager
def queue_services(folder: Path, workers: int = 2) -> Iterator[Services]:
    """A Redis on a free port and ``workers`` workers on ``folder/data``, all stopped
    at the end."""
    if shutil.which("redis-server") is None:
        raise FileNotFoundError("redis-server")
    port = free_port()
    services = Services(f"redis://127.0.0.1:{port}/0", folder / "data")
    services.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        services.processes.append(start_redis(port))
        started = [(start_worker(services.url, services.data_dir, folder / f"worker-{n}.log"),
                    folder / f"worker-{n}.log") for n in range(workers)]
        services.processes[:0] = [proc for proc, _ in started]
        for proc, log in started:
            wait_ready(proc, log)
        yield services
    finally:
        for proc in services.processes:  # the workers first, Redis last
            stop(proc)


SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "chuangxian"
#: the phase of :func:`plan_only_activity`
PLAN_PHASE = "发动部署"


def plan_only_activity(folder: Path) -> Path:
    """The sample activity with one phase that makes only the 实施方案 (and its
    bundle): a job of a second or two, whatever documents the sample grows."""
    from ruamel.yaml import YAML

    shutil.copytree(SAMPLE, folder)
    yaml = YAML()
    path = folder / "activity.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"))
    phase = next(p for p in data["阶段"] if p["名称"] == PLAN_PHASE)
    phase["文件"] = ["plan.yaml"]
    data["阶段"] = [phase]
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    return folder
