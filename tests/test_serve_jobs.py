"""Phase jobs through the ASGI app: a real run, unsafe uploads, the file route, a restart
and expiry."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document as Docx
from pypdf import PdfReader
from serve_helpers import PLAN, assert_error, folder_zip, make_app, wait_for, zip_bomb, zip_bytes
from starlette.testclient import TestClient

from gongwen.serve import Settings, create_app
from gongwen.serve.store import DONE, FAILED, QUEUED, RUNNING, JobStore

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "chuangxian"
WAIT_S = 240



def submit(client: TestClient, archive: bytes, phase: str = "发动部署") -> object:
    return client.post("/v1/jobs", data={"phase": phase},
                       files={"activity": ("activity.zip", archive)})


def test_a_phase_job_runs_and_serves_its_files(tmp_path: Path, monkeypatch) -> None:
    import gongwen.convert
    from gongwen.convert import shared_converter

    shared_converter()  # the server's LibreOffice: a job must not start another

    def no_new_converter(*args: object, **kwargs: object) -> None:
        raise AssertionError("a job started its own LibreOffice")

    monkeypatch.setattr(gongwen.convert, "Converter", no_new_converter)
    with TestClient(make_app(tmp_path)) as client:
        response = submit(client, folder_zip(SAMPLE, prefix="chuangxian/"))
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]
        assert response.headers["location"] == f"/v1/jobs/{job_id}"
        # a render while the job converts: both on the one LibreOffice
        rendered = client.post("/v1/render?format=pdf", json=PLAN)
        assert rendered.status_code == 200 and rendered.content.startswith(b"%PDF")
        state = wait_for(client, job_id, WAIT_S)
        assert state["state"] == DONE, state
        assert state["failures"] == [] and state["progress"]["stage"] == "汇编"
        summary = state["summary"]
        assert summary["exit_code"] == 0 and summary["documents"] == 17  # plan, 通知, 请示, 简报, 13 承诺书
        bundle = client.get(f"/v1/jobs/{job_id}/files/{summary['bundle']}")
        assert bundle.status_code == 200
        assert len(PdfReader(io.BytesIO(bundle.content)).pages) > summary["documents"]
        pledge = next(f for f in state["files"] if f.endswith("吴静.docx"))
        text = Docx(io.BytesIO(client.get(f"/v1/jobs/{job_id}/files/{pledge}").content))
        cells = "".join(c.text for t in text.tables for r in t.rows for c in r.cells)
        assert "吴静" in cells + "".join(p.text for p in text.paragraphs)
        # every file in one zip, under the paths the job lists
        packed = client.get(f"/v1/jobs/{job_id}/files.zip")
        assert packed.status_code == 200 and packed.headers["content-type"] == "application/zip"
        assert "filename*=UTF-8''%E5%8F%91" in packed.headers["content-disposition"]  # 发动部署.zip
        with zipfile.ZipFile(io.BytesIO(packed.content)) as archive:
            assert sorted(archive.namelist()) == sorted(state["files"])
            assert archive.read(summary["bundle"]) == bundle.content
            assert archive.read(pledge) == client.get(f"/v1/jobs/{job_id}/files/{pledge}").content
        assert list((tmp_path / "data" / "requests").iterdir()) == []  # the zip is not kept
        assert_error(client.get(f"/v1/jobs/{job_id[:-1]}g/files.zip"), 404, "no such job")
        # the file route takes only the job's own listed files
        for bad in ("..%2Fstate.json", "%2E%2E/%2E%2E/state.json", "%2Fetc%2Fpasswd",
                    "manifest.json%00"):
            got = client.get(f"/v1/jobs/{job_id}/files/{bad}")
            assert got.status_code in (400, 404) and "error" in got.json(), bad
            assert '"phase"' not in got.text and "root:" not in got.text
        assert_error(client.get("/v1/jobs/..%2F..%2Fetc/files/x"), 404)
        assert_error(client.get(f"/v1/jobs/{job_id[:-1]}g/files/x"), 404, "no such job")


def test_a_job_that_fails_says_why(tmp_path: Path, sample_dir: Path) -> None:
    (sample_dir / "plan.yaml").write_text((sample_dir / "plan.yaml").read_text("utf-8")
                                          .replace("成文日期: 2024-09-02", "成文日期: 2024-13-02"),
                                          encoding="utf-8")
    with TestClient(make_app(tmp_path)) as client:
        unknown = wait_for(client, submit(client, folder_zip(SAMPLE), "没有这个阶段").json()["id"], WAIT_S)
        assert unknown["state"] == FAILED and "没有这个阶段" in unknown["error"]["message"]
        bad = wait_for(client, submit(client, folder_zip(sample_dir)).json()["id"], WAIT_S)
        # as in `gongwen batch`, a bad data file fails its own documents, not the run
        assert bad["state"] == DONE and bad["summary"]["exit_code"] == 1, bad
        assert bad["summary"]["bundle_status"] == "not made"
        (failure,) = bad["failures"]
        assert failure["job"] == "plan.yaml" and "no month 13" in failure["message"]
        assert failure["message"].startswith("plan.yaml:")
        assert "/jobs/" not in str(bad)  # no server paths


@pytest.mark.parametrize(("entries", "links", "status", "words"), [
    ({"../evil.yaml": b"x"}, (), 400, "relative path"),
    ({"/etc/cron.d/x": b"x"}, (), 400, "relative path"),
    ({"a\\..\\b.yaml": b"x"}, (), 400, "relative path"),
    ({"activity.yaml": b"x", "members.csv": b"/etc/passwd"}, ("members.csv",), 422, "link"),
    ({f"f{i}.txt": b"" for i in range(30)}, (), 413, "files"),
])
def test_unsafe_activity_zips_are_refused(tmp_path: Path, entries: dict, links: tuple,
                                          status: int, words: str) -> None:
    from gongwen.serve import Limits

    app = make_app(tmp_path, limits=Limits(max_files=20))
    with TestClient(app) as client:
        assert_error(submit(client, zip_bytes(entries, links=links)), status, words)
        assert JobStore(tmp_path / "data").ids() == []  # nothing left behind
        assert list((tmp_path / "data" / "jobs").iterdir()) == []


def test_bombs_and_hostile_data_in_an_activity_are_refused(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path)) as client:
        assert_error(submit(client, zip_bomb()), 413, "times its packed size")
        assert_error(submit(client, b"not a zip"), 422, "zip")
        assert_error(submit(client, zip_bytes({"plan.yaml": b"kind: plan"})), 422,
                     "no activity.yaml")
        evil = (SAMPLE / "activity.yaml").read_text("utf-8").replace("名册: members.csv",
                                                                     "名册: /etc/passwd")
        files = {p.name: p.read_bytes() for p in SAMPLE.iterdir() if p.is_file()}
        error = assert_error(submit(client, zip_bytes({**files, "activity.yaml": evil.encode()})),
                             400, "outside")
        assert error["file"] == "activity.yaml"
        alias = zip_bytes({"activity.yaml": b"a: &x [1]\nb: *x\n"})
        assert_error(submit(client, alias), 422, "aliases")
        assert_error(client.post("/v1/jobs", data={"phase": "x"}), 422, "activity")
        assert_error(client.post("/v1/jobs", files={"activity": ("a.zip", b"")}), 422, "phase")


def test_a_full_queue_answers_503(tmp_path: Path) -> None:
    from gongwen.serve.runner import EmbeddedRunner

    store = JobStore(tmp_path / "data")
    runner = EmbeddedRunner(store, workers=1, max_queued=0)
    app = create_app(Settings(data_dir=tmp_path / "data"), runner=runner)
    with TestClient(app) as client:
        response = submit(client, folder_zip(SAMPLE))
        assert_error(response, 503, "busy")
        assert response.headers["retry-after"] == "5"
        assert store.ids() == []


class Recording:
    """A runner that only records what it is handed."""

    def __init__(self) -> None:
        self.submitted: list[str] = []

    def submit(self, job_id: str) -> None:
        self.submitted.append(job_id)

    def recover(self, store: JobStore) -> None:
        self.failed, requeued = store.recover()
        for job_id in requeued:
            self.submit(job_id)

    def close(self) -> None:
        pass


def test_a_restart_fails_running_jobs_and_requeues_queued_ones(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "data")
    running, queued, done = (store.new_id() for _ in range(3))
    store.create(running, "发动部署")
    store.update(running, state=RUNNING, started=time.time())
    store.create(queued, "发动部署")
    store.create(done, "发动部署")
    store.update(done, state=DONE, finished=time.time())
    runner = Recording()
    app = create_app(Settings(data_dir=tmp_path / "data"), runner=runner)
    with TestClient(app) as client:
        state = client.get(f"/v1/jobs/{running}").json()
        assert state["state"] == FAILED and "stopped" in state["error"]["message"]
        assert runner.submitted == [queued]
        assert client.get(f"/v1/jobs/{queued}").json()["state"] == QUEUED
        assert_error(client.get(f"/v1/jobs/{queued}/files.zip"), 409, "no files yet")
        assert client.get(f"/v1/jobs/{done}").json()["state"] == DONE


def test_finished_jobs_expire(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "data")
    old, fresh, running = (store.new_id() for _ in range(3))
    for job_id in (old, fresh, running):
        store.create(job_id, "p")
    store.update(old, state=DONE, finished=time.time() - 7200)
    store.update(fresh, state=FAILED, finished=time.time())
    store.update(running, state=RUNNING)
    assert store.expire(3600) == [old]
    assert sorted(store.ids()) == sorted([fresh, running])
    assert not (store.root / old).exists()
    with pytest.raises(KeyError):
        store.folder("../" + old)


def test_the_server_removes_expired_jobs_when_it_starts(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "data")
    old = store.new_id()
    store.create(old, "p")
    store.update(old, state=DONE, finished=time.time() - 3 * 3600)
    with TestClient(make_app(tmp_path, keep_hours=2)) as client:
        deadline = time.monotonic() + 10
        while (store.root / old).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert_error(client.get(f"/v1/jobs/{old}"), 404, "no such job")


def test_a_running_server_removes_a_job_its_keeping_time_after_it_finished(
        tmp_path: Path) -> None:
    keep_seconds = 2.0  # --keep-hours 0.00056: the server looks every tenth of it
    store = JobStore(tmp_path / "data")
    with TestClient(make_app(tmp_path, keep_hours=keep_seconds / 3600)) as client:
        job_id, waiting = store.new_id(), store.new_id()
        store.create(job_id, "p")
        store.create(waiting, "p")
        finished = time.time()
        store.update(job_id, state=DONE, finished=finished)
        assert client.get(f"/v1/jobs/{job_id}").json()["state"] == DONE  # kept meanwhile
        deadline = time.monotonic() + 15
        while (store.root / job_id).exists():
            assert time.monotonic() < deadline, "a finished job outlived its keeping time"
            time.sleep(0.05)
        assert time.time() - finished >= keep_seconds  # not before its time
        assert_error(client.get(f"/v1/jobs/{job_id}"), 404, "no such job")
        assert client.get(f"/v1/jobs/{waiting}").json()["state"] == QUEUED  # unfinished: kept


def test_progress_is_written_to_the_state(tmp_path: Path) -> None:
    from gongwen.serve.runner import StoreProgress

    store = JobStore(tmp_path / "data")
    job_id = store.new_id()
    store.create(job_id, "p")
    progress = StoreProgress(store, job_id)
    progress.stage("转换", 3)
    assert store.get(job_id).progress == {"stage": "转换", "done": 0, "total": 3}
    progress.advance(3)  # the last step is always written
    assert store.get(job_id).progress == {"stage": "转换", "done": 3, "total": 3}


def test_request_folders_left_behind_are_swept(tmp_path: Path) -> None:
    """A files.zip whose download the client broke off never runs its clean-up: the
    sweeper removes request folders over an hour old, and leaves the fresh ones."""
    import os

    from gongwen.serve.app import REQUEST_FOLDER_S, expire_requests

    make_app(tmp_path)
    root = tmp_path / "data" / "requests"
    old, fresh = root / ("a" * 32), root / ("b" * 32)
    for folder in (old, fresh):
        folder.mkdir()
        (folder / "files.zip").write_bytes(b"PK")
    back = time.time() - REQUEST_FOLDER_S - 60
    os.utime(old, (back, back))
    assert expire_requests(tmp_path / "data") == [old.name]
    assert not old.exists() and (fresh / "files.zip").exists()
