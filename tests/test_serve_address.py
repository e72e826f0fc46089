"""``gongwen serve`` on an address it cannot listen on: one line naming the option, with a
hint, exit code 2, before the server starts (not uvicorn's log after start-up)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def serve(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    gongwen = str(Path(sys.executable).parent / "gongwen")
    return subprocess.run([gongwen, "serve", *args], capture_output=True, text=True,
                          check=False, timeout=60, cwd=cwd,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})


def test_a_port_in_use_is_one_line_with_a_hint(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = serve("--port", str(port), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (f"error: gongwen serve: --port: 127.0.0.1:{port} is in use by "
                                   f"another program (hint: stop that program, or pass another "
                                   f"port (--port {port + 1}))")
    assert not (tmp_path / "gongwen-data").exists()  # nothing started, nothing made


def test_a_host_that_is_not_this_machine_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "token.txt").write_text("t" * 32, encoding="utf-8")
    done = serve("--host", "192.0.2.1", "--port", "8123", "--token-file", "token.txt",
                 cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: gongwen serve: --host: cannot listen on 192.0.2.1:8123")
    assert "INFO" not in done.stderr
