"""Helpers of the serve tests: an app on a temporary data dir, zips, a plan as data."""

from __future__ import annotations

import io
import stat
import time
import zipfile
from pathlib import Path

from gongwen.serve import Settings, create_app
from gongwen.serve.store import DONE, FAILED

PLAN = {
    "kind": "plan",
    "organ": "中共测试县第二小学支部委员会",
    "doc_number": "测二小党支〔2025〕7号",
    "title": "关于开展主题党日活动的实施方案",
    "addressee": "各党小组",
    "body": "为落实上级要求，制定本方案。\n# 工作目标\n全体党员参加主题党日。\n# 工作要求\n各党小组认真组织。",
    "date": "2025-03-05",
}


def make_app(tmp_path: Path, **settings: object) -> object:
    return create_app(Settings(data_dir=tmp_path / "data", **settings))  # type: ignore[arg-type]


def zip_bytes(entries: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    """A zip of ``entries``; names in ``links`` are stored as symbolic links."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def folder_zip(folder: Path, prefix: str = "") -> bytes:
    return zip_bytes({prefix + p.relative_to(folder).as_posix(): p.read_bytes()
                      for p in sorted(folder.rglob("*")) if p.is_file()})


def zip_bomb() -> bytes:
    """50 MiB of zeros in a ~50 KiB zip (a ratio near 1000)."""
    return zip_bytes({"word/document.xml": b"\0" * (50 * 1024 * 1024)})


def assert_error(response: object, status: int, *words: str) -> dict:
    """The response is ``status`` with the API's error shape, its message naming ``words``."""
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert set(error) >= {"message", "file", "line", "field", "hint"}
    for word in words:
        assert word in error["message"], error
    return error


def wait_for(client: object, job_id: str, timeout: float) -> dict:
    """Poll the job until it is done or failed, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    state: dict = {}
    while time.monotonic() < deadline:
        state = client.get(f"/v1/jobs/{job_id}").json()  # type: ignore[attr-defined]
        if state["state"] in (DONE, FAILED):
            return state
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {state.get('state')} after {timeout} s")
