"""Ctrl-C in a terminal: SIGINT to the whole process group of a running ``gongwen batch``.

A 300-member phase is run once to the end, then again with ``--force`` and interrupted
at several moments (the pool starting, rendering, converting, bundling); every time the
run must end within seconds with exit code 130 and one line, leave no process behind
and leave the first run's outputs whole.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from processes import processes_with
from pypdf import PdfReader
from test_batch import ACTIVITY, BRIEFING, PHASE, PLAN, PLEDGE

from gongwen.batch.manifest import Manifest
from gongwen.text import chinese_numeral

SRC = Path(__file__).resolve().parents[1] / "src"

MEMBERS = 300
#: seconds from SIGINT to the end of the run at most
ENDS_WITHIN_S = 3.0
#: a progress line of a run whose stderr is not a terminal
PROGRESS_LINE = re.compile(r"^\S+: \d+/\d+ \(\d+\.\d s\)$")


def group_alive(pgid: int) -> list[int]:
    """Processes of process group ``pgid`` that still run (zombies are gone already)."""
    alive = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(pid))
    return alive


class Batch:
    """``gongwen batch`` started in a session of its own, as a shell starts a job."""

    def __init__(self, activity: Path, out: Path, *extra: str) -> None:
        env = {k: v for k, v in os.environ.items() if k != "GONGWEN_UNO_PYTHON"}
        env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[1] / "src"),
                                             env.get("PYTHONPATH", "")])
        script = Path(sys.executable).with_name("gongwen")  # the command as installed
        command = [str(script)] if script.is_file() else [sys.executable, "-m", "gongwen.cli"]
        self.proc = subprocess.Popen(
            [*command, "batch", str(activity), "--phase", PHASE, "-o", str(out), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            with self._seen:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._seen.notify_all()

    def wait_for_line(self, prefix: str, timeout: float = 60) -> None:
        with self._seen:
            assert self._seen.wait_for(
                lambda: any(line.startswith(prefix) for line in self.lines), timeout), \
                f"no {prefix!r} line: {self.lines}"

    def interrupt(self) -> float:
        """SIGINT to the whole group, as a terminal's Ctrl-C; seconds until it ended."""
        os.killpg(self.proc.pid, signal.SIGINT)
        started = time.monotonic()
        try:
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self._reader.join(5)
        self.proc.communicate()
        return time.monotonic() - started


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def assert_whole(folder: Path, names: set[str]) -> None:
    """The phase folder holds the complete run's files, each the one its manifest
    records, and no staging folder."""
    def own(names: set[str]) -> set[str]:  # combined PDFs are named after their content
        return {name for name in names if not name.startswith(".combined/")}

    assert own({str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}) == \
        own(names)
    assert not [p for p in folder.iterdir() if p.name.startswith(".gongwen")]
    manifest, note = Manifest.load(folder)
    assert note is None and len(manifest.documents) == MEMBERS + 2
    assert all(record.intact(folder) for record in manifest.documents.values())
    assert manifest.bundle is not None
    assert manifest.bundle.file.intact(folder)
    assert len(PdfReader(folder / manifest.bundle.file.path).pages) == manifest.bundle.pages


@pytest.fixture(scope="module")
def big_phase(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A phase of 300 pledges, run once to the end."""
    root = tmp_path_factory.mktemp("interrupt")
    activity = root / "activity"
    activity.mkdir()
    roster = "姓名,性别\n" + "".join(f"成员{chinese_numeral(n)},男\n"
                                    for n in range(1, MEMBERS + 1))
    for name, text in {"activity.yaml": ACTIVITY, "plan.yaml": PLAN, "b1.yaml": BRIEFING,
                       "pledge.yaml": PLEDGE, "members.csv": roster}.items():
        (activity / name).write_text(textwrap.dedent(text), encoding="utf-8")
    out = root / "out"
    first = Batch(activity, out)
    first.proc.wait(timeout=300)
    first._reader.join(5)
    assert first.proc.returncode == 0, first.lines
    return activity, out


# the pool just starting, rendering, and what the progress lines announce: converting
# (the render stage's line), bundling (the write stage's line)
MOMENTS = [0.3, 0.6, 1.0, 2.0, "排版:", "写入:"]


@pytest.mark.parametrize("moment", MOMENTS, ids=[str(m) for m in MOMENTS])
def test_ctrl_c_ends_a_batch_at_once_with_130_and_one_line(big_phase, moment):
    activity, out = big_phase
    folder = out / PHASE
    before = outputs(folder)
    run = Batch(activity, out, "--force")
    if isinstance(moment, str):
        run.wait_for_line(moment)
    else:
        time.sleep(moment)
    assert run.proc.poll() is None, "the run ended before it could be interrupted"
    seconds = run.interrupt()
    said = [line for line in run.lines if line and not PROGRESS_LINE.match(line)]

    assert run.proc.returncode == 130, run.lines
    assert seconds < ENDS_WITHIN_S
    assert len(said) == 1 and said[0].startswith("interrupted: "), "\n".join(run.lines)
    assert not group_alive(run.proc.pid)
    assert not processes_with(f"gongwen-lo-{run.proc.pid}-"), "LibreOffice outlived the run"
    if moment != "写入:":  # before the commit: not a byte changed
        assert outputs(folder) == before
    assert_whole(folder, set(before))


DROPPED = """\
import os, signal, time
from gongwen.children import handling_interrupts
from gongwen.errors import Interrupted

class Finalized:
    def __del__(self):  # Ctrl-C lands in a finalizer, where Python drops exceptions
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)

with handling_interrupts():
    try:
        Finalized()
        for _ in range(50):  # the run going on
            time.sleep(0.01)
        print("went on")
    except Interrupted:
        print("interrupted")
"""


def test_a_ctrl_c_python_drops_in_a_finalizer_still_stops_the_run(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(Path(__file__).parents[1] / "src"), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", DROPPED], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.stdout.strip() == "interrupted"
    assert "Exception ignored" not in done.stderr and not done.stderr.strip()


STUCK = """\
import os, signal, time
from gongwen.children import handling_interrupts

with handling_interrupts():
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)
    finally:  # a cleanup that never ends (a pool waiting for a worker that hangs)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        time.sleep(60)
"""


def test_an_interrupted_run_that_does_not_unwind_is_ended_in_time():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(Path(__file__).parents[1] / "src"), os.environ.get("PYTHONPATH", "")]))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", STUCK], capture_output=True, text=True,
                          env=env, timeout=20)
    assert time.monotonic() - started < ENDS_WITHIN_S + 1  # the interpreter's start too
    assert done.returncode == 130
    assert done.stderr.startswith("interrupted: ") and len(done.stderr.splitlines()) == 1


def test_an_interrupt_in_a_finalizer_after_the_message_prints_nothing(tmp_path: Path) -> None:
    script = tmp_path / "late.py"
    script.write_text(textwrap.dedent("""
        import os, signal, time
        from gongwen.children import handling_interrupts

        class Late:
            def __del__(self):
                raise KeyboardInterrupt  # as a Ctrl-C landing in ZipFile.__del__ would

        class Closed:
            def __del__(self):
                raise ValueError("I/O operation on closed file")  # torn down by Ctrl-C

        try:
            with handling_interrupts():
                try:
                    os.kill(os.getpid(), signal.SIGINT)
                    time.sleep(1)
                finally:  # still inside the block, after the interrupt
                    closed = Closed()
                    del closed
        except KeyboardInterrupt:
            pass
        late = Late()
        del late
        print("ended")
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=30, env={**os.environ, "PYTHONPATH": str(SRC)})
    assert done.stdout.strip() == "ended"
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr
