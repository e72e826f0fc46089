"""Jobs on the queue with a real Redis and real ``gongwen worker`` processes.

``.ci/run`` starts Redis and two workers and names them in ``GONGWEN_TEST_QUEUE`` (the
Redis URL) and ``GONGWEN_TEST_QUEUE_DIR`` (their data dir); without those, the tests start
their own (and skip only when ``redis-server`` is missing and ``CI`` is unset).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from queue_services import (
    PLAN_PHASE,
    Services,
    free_port,
    plan_only_activity,
    queue_services,
    start_worker,
    stop,
    wait_for_workers,
    wait_ready,
)
from serve_helpers import assert_error, folder_zip, wait_for
from starlette.testclient import TestClient

from gongwen.errors import InputError
from gongwen.serve import Settings, create_app
from gongwen.serve.queue import QueueRunner, mask_url
from gongwen.serve.queue.attempts import STALE_S, attempts, claim
from gongwen.serve.queue.worker import run_queued
from gongwen.serve.store import DONE, FAILED, QUEUED, RUNNING, JobStore

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "chuangxian"
WAIT_S = 90


@pytest.fixture(scope="module")
def queue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    url, folder = os.environ.get("GONGWEN_TEST_QUEUE"), os.environ.get("GONGWEN_TEST_QUEUE_DIR")
    if url and folder:  # started by .ci/run
        wait_for_workers(url, 2)
        yield Services(url, Path(folder))
        return
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: scripts/setup-system.sh installs it")
        pytest.skip("redis-server is not installed")
    with queue_services(tmp_path_factory.mktemp("queue")) as services:
        yield services


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A zipped activity whose phase makes only the plan: a job of a second or two."""
    return folder_zip(plan_only_activity(tmp_path_factory.mktemp("small") / "activity"))


@pytest.fixture(scope="module")
def whole() -> bytes:
    """The sample activity: its first phase makes over ten documents."""
    return folder_zip(SAMPLE)


@pytest.fixture
def client(queue: Services) -> Iterator[TestClient]:
    """A server in queue mode on the workers' data dir."""
    with TestClient(create_app(Settings(data_dir=queue.data_dir, queue=queue.url))) as client:
        yield client


def submit(client: TestClient, activity: bytes) -> str:
    response = client.post("/v1/jobs", data={"phase": PLAN_PHASE},
                           files={"activity": ("activity.zip", activity)})
    assert response.status_code == 202, response.text
    assert response.json()["state"] == QUEUED
    return response.json()["id"]



def tries(data_dir: Path, job_id: str) -> list[dict]:
    folder = data_dir / "jobs" / job_id / "attempts"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def test_a_job_runs_on_a_worker_and_the_server_serves_its_bundle(
        client: TestClient, queue: Services, small: bytes) -> None:
    job_id = submit(client, small)
    state = wait_for(client, job_id, WAIT_S)
    assert state["state"] == DONE, state
    assert state["attempts"] == 1 and state["failures"] == []
    summary = state["summary"]
    assert summary["documents"] == 1 and summary["bundle_status"] == "built"
    # run by a worker process, not by the server
    [attempt] = tries(queue.data_dir, job_id)
    assert attempt["pid"] != os.getpid() and attempt["worker"].startswith("gongwen-")
    bundle = client.get(f"/v1/jobs/{job_id}/files/{summary['bundle']}")
    assert bundle.status_code == 200
    pdf = PdfReader(io.BytesIO(bundle.content))
    assert len(pdf.pages) == summary["pages"] + 2  # the cover and the 目录 before them
    assert "发动部署阶段材料汇编" in pdf.pages[0].extract_text()
    assert [item.title for item in pdf.outline][2:] == [
        "都江市实验中学党支部关于深入开展创先争优活动的实施方案"]
    assert "实施方案" in pdf.pages[2].extract_text()
    width, height = (float(v) * 25.4 / 72 for v in pdf.pages[3].mediabox[2:])
    assert (round(width), round(height)) == (210, 297)
    health = client.get("/healthz").json()
    assert health["queue"]["ok"] and health["queue"]["workers"] >= 2, health["queue"]


def test_two_workers_share_a_burst(client: TestClient, queue: Services, small: bytes) -> None:
    ids = [submit(client, small) for _ in range(4)]
    states = [wait_for(client, job_id, WAIT_S) for job_id in ids]
    assert [s["state"] for s in states] == [DONE] * 4, states
    workers = {tries(queue.data_dir, job_id)[0]["worker"].split("/")[0] for job_id in ids}
    assert len(workers) == 2, workers


def test_a_job_whose_worker_process_is_killed_runs_again(
        client: TestClient, queue: Services, whole: bytes) -> None:
    job_id = submit(client, whole)  # long enough to be killed mid-way
    first = queue.data_dir / "jobs" / job_id / "attempts" / "1.json"
    deadline = time.monotonic() + WAIT_S
    while not (first.exists() and first.stat().st_size):
        assert time.monotonic() < deadline, "no worker took the job"
        time.sleep(0.01)
    while client.get(f"/v1/jobs/{job_id}").json()["state"] != RUNNING:
        assert time.monotonic() < deadline, "the job did not start"
        time.sleep(0.01)
    victim = json.loads(first.read_text())["pid"]
    os.kill(victim, signal.SIGKILL)  # as the OOM killer would
    state = wait_for(client, job_id, WAIT_S)
    assert state["state"] == DONE, state
    assert state["attempts"] == 2 and state["summary"]["documents"] > 10
    assert state["summary"]["exit_code"] == 0 and state["failures"] == []
    assert tries(queue.data_dir, job_id)[1]["pid"] != victim


def _running_job(store: JobStore, *, dead_tries: int) -> str:
    """A job as a worker leaves it when killed: running, its tries' heartbeats old."""
    job_id = store.new_id()
    plan_only_activity(store.input_dir(job_id) / "activity")
    store.create(job_id, PLAN_PHASE)
    store.update(job_id, state=RUNNING, started=time.time() - 60, attempts=dead_tries)
    folder = store.folder(job_id) / "attempts"
    folder.mkdir()
    for number in range(1, dead_tries + 1):
        path = folder / f"{number}.json"
        path.write_text(json.dumps({"worker": "gone@elsewhere/1", "host": "elsewhere",
                                    "pid": 1, "started": time.time() - 60}))
        old = time.time() - STALE_S - 5
        os.utime(path, (old, old))
    return job_id


def test_a_job_whose_worker_stopped_beating_is_sent_again(queue: Services) -> None:
    # the server's watch, called here rather than from a server's thread (no race)
    store = JobStore(queue.data_dir)
    runner = QueueRunner(store, queue.url)
    try:
        job_id = _running_job(store, dead_tries=1)
        assert runner.check() == [job_id]
        deadline = time.monotonic() + WAIT_S
        while (job := store.get(job_id)).state not in (DONE, FAILED):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
        assert job.state == DONE and job.attempts == 2, job
    finally:
        runner.close()


def test_a_job_whose_worker_died_twice_fails_with_a_message(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "data")
    runner = QueueRunner(store, f"redis://127.0.0.1:{free_port()}/0")  # a Redis that is away
    job_id = _running_job(store, dead_tries=2)
    assert runner.check() == [job_id]
    with TestClient(create_app(Settings(data_dir=tmp_path / "data"))) as client:
        state = client.get(f"/v1/jobs/{job_id}").json()
    assert state["state"] == FAILED
    assert "stopped" in state["error"]["message"] and "2 tries" in state["error"]["message"]
    assert state["error"]["hint"]
    # a late delivery of its message changes nothing
    assert run_queued(store, job_id, worker="late") == "finished"
    assert len(attempts(store, job_id)) == 2
    # a job with a try left, while Redis is away: kept for the next look, not failed
    once = _running_job(store, dead_tries=1)
    assert runner.check() == [once]
    assert store.get(once).state == RUNNING and store.get(once).error is None


def test_a_message_delivered_while_its_job_runs_elsewhere_is_dropped(tmp_path: Path) -> None:
    """Redis hands a job's message out again when the job outlives the visibility
    timeout; the second worker sees the first one's fresh heartbeat and leaves it."""
    store = JobStore(tmp_path / "data")
    job_id = store.new_id()
    plan_only_activity(store.input_dir(job_id) / "activity")
    store.create(job_id, PLAN_PHASE)
    assert claim(store, job_id, 1, "first") is not None  # this live process, beating now
    assert claim(store, job_id, 1, "twin") is None  # a delivery at the same moment
    assert run_queued(store, job_id, worker="second") == "running"
    assert store.get(job_id).state == QUEUED and len(attempts(store, job_id)) == 1


def test_a_restarted_server_still_knows_queued_jobs(queue: Services, tmp_path: Path,
                                                    small: bytes, whole: bytes) -> None:
    url = queue.url.rsplit("/", 1)[0] + "/9"  # a queue no running worker reads
    settings = Settings(data_dir=tmp_path / "data", queue=url)
    with TestClient(create_app(settings)) as first:
        job_id = submit(first, small)
    import redis

    waiting = redis.Redis.from_url(url)
    assert waiting.llen("gongwen") == 1
    with TestClient(create_app(settings)) as second:
        state = second.get(f"/v1/jobs/{job_id}").json()
        assert state["state"] == QUEUED and state["phase"] == PLAN_PHASE
        assert waiting.llen("gongwen") == 2  # sent again: a Redis that lost it loses nothing
        log = tmp_path / "worker.log"
        worker = start_worker(url, settings.data_dir, log)
        try:
            wait_ready(worker, log)
            state = wait_for(second, job_id, WAIT_S)
            assert state["state"] == DONE and state["attempts"] == 1, state  # sent twice, run once
            deadline = time.monotonic() + 10  # the second message: taken, and dropped
            while waiting.llen("gongwen") and time.monotonic() < deadline:
                time.sleep(0.1)
            assert waiting.llen("gongwen") == 0
            time.sleep(0.5)
            assert second.get(f"/v1/jobs/{job_id}").json()["attempts"] == 1
            # the worker killed outright mid-job: its pool process stops the job at once,
            # and its LibreOffice goes too
            job_id = submit(second, whole)
            first_try = settings.data_dir / "jobs" / job_id / "attempts" / "1.json"
            deadline = time.monotonic() + WAIT_S
            while not (first_try.exists() and first_try.stat().st_size
                       and second.get(f"/v1/jobs/{job_id}").json()["state"] == RUNNING):
                assert time.monotonic() < deadline, "the worker did not take the job"
                time.sleep(0.01)
            family = descendants(worker.pid)
            assert len(family) >= 2, family  # a pool process, its LibreOffice
            worker.kill()
            worker.wait(10)
            deadline = time.monotonic() + 10
            while (alive := [pid for pid in family if _state(pid) not in "ZX"]) \
                    and time.monotonic() < deadline:
                time.sleep(0.1)
            assert alive == [], alive
            assert second.get(f"/v1/jobs/{job_id}").json()["state"] == RUNNING  # not finished
        finally:
            stop(worker)


def descendants(pid: int) -> list[int]:
    """The processes under ``pid`` (Linux)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            with contextlib.suppress(OSError):
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                todo += children
    return found


def _state(pid: int) -> str:
    """The process's state letter; "X" when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "X"


def test_an_unreachable_queue_is_a_503_with_a_hint(tmp_path: Path, small: bytes) -> None:
    url = f"redis://:s3cret@127.0.0.1:{free_port()}/0"
    with TestClient(create_app(Settings(data_dir=tmp_path / "data", queue=url))) as client:
        started = time.monotonic()
        response = client.post("/v1/jobs", data={"phase": PLAN_PHASE},
                               files={"activity": ("activity.zip", small)})
        assert time.monotonic() - started < 10
        error = assert_error(response, 503, "cannot be reached")
        assert "redis://:***@127.0.0.1" in error["message"] and "redis-server" in error["hint"]
        assert "s3cret" not in response.text and response.headers["retry-after"]
        assert JobStore(tmp_path / "data").ids() == []  # nothing left half-made
        health = client.get("/healthz")
        assert health.status_code == 503 and not health.json()["queue"]["ok"]
        assert "cannot be reached" in health.json()["queue"]["error"]
        assert "s3cret" not in health.text


def test_a_password_that_breaks_the_url_is_still_masked(tmp_path: Path) -> None:
    """A base64 password holds / + =; one not percent-encoded ends the URL's host part
    early: it must be hidden in the refusal all the same."""
    for url in ("redis://:ab/cd+ef=@10.0.0.5:6379/0", "redis://:ab#cd@h:6379/0",
                "redis://:12?cd@h/0", "redis://:78/9@h/0"):
        assert "***" in mask_url(url) and "cd" not in mask_url(url).replace("redis", "")
        with pytest.raises(InputError) as refused:
            Settings(data_dir=tmp_path, queue=url).validate()
        shown = f"{refused.value} {refused.value.hint}"
        secret = url.split("://:")[1].rsplit("@", 1)[0]
        assert secret not in shown and "%2F" in shown, shown
    assert mask_url("redis://secret@h/0") == "redis://***@h/0"  # no colon: all of it
    assert mask_url(":secret@h:6379/0") == ":***@h:6379/0"  # redis:// left out
    with pytest.raises(InputError) as refused:
        Settings(data_dir=tmp_path, queue=":secret@h:6379/0").validate()
    assert "secret" not in str(refused.value) and "not a Redis URL" in str(refused.value)


def test_bad_queue_urls_are_refused_with_the_option_named(tmp_path: Path) -> None:
    assert mask_url("redis://:pw@host:6379/0") == "redis://:***@host:6379/0"
    assert mask_url("redis://user:pw@[::1]:6380/2") == "redis://user:***@[::1]:6380/2"
    assert mask_url("redis://host:6379/0") == "redis://host:6379/0"
    with pytest.raises(InputError, match="at least 30 seconds") as refused:
        Settings(data_dir=tmp_path, queue="redis://h/0", visibility_timeout=10).validate()
    assert refused.value.field == "--visibility-timeout"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    serve = subprocess.run([sys.executable, "-m", "gongwen.cli", "serve", "--queue",
                            "http://:pw@example.org/", "--data-dir", str(tmp_path / "d")],
                           capture_output=True, text=True, env=env, timeout=60)
    assert serve.returncode == 2, serve.stderr
    assert "--queue" in serve.stderr and "not a Redis URL" in serve.stderr
    assert ":pw@" not in serve.stderr and "Traceback" not in serve.stderr
    from_env = subprocess.run([sys.executable, "-m", "gongwen.cli", "serve", "--data-dir",
                               str(tmp_path / "d")], capture_output=True, text=True,
                              env={**env, "GONGWEN_QUEUE": "amqp://h//"}, timeout=60)
    assert from_env.returncode == 2 and "amqp://h// is not a Redis URL" in from_env.stderr
    worker = subprocess.run([sys.executable, "-m", "gongwen.cli", "worker", "--queue",
                             f"redis://:pw@127.0.0.1:{free_port()}/0", "--data-dir",
                             str(tmp_path)], capture_output=True, text=True, env=env,
                            timeout=60)
    assert worker.returncode == 3, worker.stderr
    assert "cannot reach the queue at redis://:***@127.0.0.1" in worker.stderr
    assert ":pw@" not in worker.stderr and "Traceback" not in worker.stderr
