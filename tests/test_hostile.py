"""Hostile input: every case is refused with one line and exit 2, in bounded time and
memory.  Each case runs the CLI in a child process under a memory limit and a timeout,
so that a regression fails the test instead of taking the machine down."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import textwrap
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PLAN_YAML, ROOT, write

#: the limits every hostile case must stay under
SECONDS = 20
MEMORY_MB = 1024


@dataclass
class Outcome:
    code: int
    stderr: str
    stdout: str
    seconds: float


def _limit_memory() -> None:
    limit = MEMORY_MB << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def gongwen(*args: str | Path, env: dict[str, str] | None = None) -> Outcome:
    """Run ``gongwen args`` in a child limited to MEMORY_MB of address space."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", "from gongwen.cli import main; main()",
                               *map(str, args)], capture_output=True, text=True,
                              timeout=SECONDS, env=environ, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"gongwen {' '.join(map(str, args))} ran more than {SECONDS} s")
    return Outcome(done.returncode, done.stderr, done.stdout, time.monotonic() - start)


def assert_refused(outcome: Outcome, file: Path, *words: str) -> str:
    """Exit 2, one line naming ``file`` and containing ``words``, no traceback."""
    message = outcome.stderr.strip()
    assert outcome.code == 2, message[-2000:]
    assert "Traceback" not in message and len(message.splitlines()) == 1, message[-2000:]
    assert message.startswith(f"error: {file}"), message
    for word in words:
        assert word in message, message
    return message


def plan_with(tmp_path: Path, extra: str, name: str = "plan.yaml") -> Path:
    return write(tmp_path, name, PLAN_YAML + textwrap.dedent(extra))


# --- 18. YAML alias bombs -----------------------------------------------------------------


def _laughs(item: str) -> str:
    """A "billion laughs": ten anchors, each a list of ten aliases of the one before
    (``item`` starts each line: ``a{n}: `` for a mapping, ``- `` for a list)."""
    lines = [item.format(n=0) + "&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(item.format(n=level) + f"&a{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("where", ["top level", "under an unknown key", "under a known key"])
def test_alias_bomb_is_refused_at_once(tmp_path: Path, where: str):
    lines = PLAN_YAML.count("\n")
    if where == "top level":
        data = plan_with(tmp_path, _laughs("a{n}: "))
        where_ = f"{data}:{lines + 5}: a4:"  # a4 brings the repeated values over 100,000
    elif where == "under an unknown key":
        data = plan_with(tmp_path, "lols:\n" + _laughs("  a{n}: "))
        where_ = f"{data}:{lines + 1}: lols:"
    else:
        data = write(tmp_path, "plan.yaml", PLAN_YAML.replace(
            "attachments: [活动安排表]\n", "attachments:\n" + _laughs("  - ")))
        line = PLAN_YAML.splitlines().index("attachments: [活动安排表]") + 1
        where_ = f"{data}:{line}: attachments:"
    outcome = gongwen("render", data, "-o", tmp_path / "out")
    message = assert_refused(outcome, data, where_, "aliases", "100,000")
    assert outcome.seconds < 10, message
    assert not (tmp_path / "out").exists()


def test_a_few_aliases_still_work(tmp_path: Path):
    data = write(tmp_path, "plan.yaml", PLAN_YAML.replace(
        "attachments: [活动安排表]", "attachments: &what [活动安排表]").replace(
        "cc: [县教育局党组]", "cc: *what"))
    outcome = gongwen("render", data, "-o", tmp_path / "out")
    assert outcome.code == 0, outcome.stderr
    from docx import Document

    (written,) = (tmp_path / "out").glob("*.docx")
    document = Document(str(written))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "附件：活动安排表" in text and "抄送：活动安排表" in text, text


# --- 19. deep nesting -----------------------------------------------------------------


@pytest.mark.parametrize(("name", "text"), [
    ("deep.yaml", "kind: plan\ntitle: t\nx: " + "[" * 20_000 + "]" * 20_000 + "\n"),
    ("deep.json", '{"kind": "plan", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n"),
    ("block.yaml", "kind: plan\nx:\n" + "".join("  " * k + "- \n" for k in range(1, 200))),
])
def test_deep_nesting_is_refused(tmp_path: Path, name: str, text: str):
    data = tmp_path / name
    data.write_text(text, encoding="utf-8")
    outcome = gongwen("render", data, "-o", tmp_path / "out")
    assert_refused(outcome, data, "nested too deeply", "32 levels")


def test_real_nesting_depth_still_loads(tmp_path: Path):
    from gongwen.inputs import load_data

    data = write(tmp_path, "deep.yaml", "x: " + "[" * 30 + "1" + "]" * 30 + "\n")
    value = load_data(data).data["x"]
    for _ in range(30):
        (value,) = value
    assert value == 1


# --- 20. very large files -----------------------------------------------------------


def test_huge_data_file_is_refused_before_it_is_parsed(tmp_path: Path):
    data = tmp_path / "plan.yaml"
    filler = "  - 这一行只是为了让文件变大，其中没有任何别的错误。\n" * 700_000
    data.write_text(PLAN_YAML + "unknwon:\n" + filler, encoding="utf-8")
    assert data.stat().st_size > 50 << 20
    outcome = gongwen("render", data, "-o", tmp_path / "out")
    assert_refused(outcome, data, "too large", "GONGWEN_MAX_INPUT_MB")
    assert outcome.seconds < 5


def test_size_limit_is_overridable(tmp_path: Path):
    text = PLAN_YAML.replace("开展志愿服务。", "开展志愿服务。" + "志愿服务。" * 100_000)
    data = write(tmp_path, "plan.yaml", text)
    assert 1 << 20 < data.stat().st_size < 2 << 20
    refused = gongwen("render", data, "-o", tmp_path / "out")
    assert_refused(refused, data, "1.43 MB", "the limit is 1 MB")
    allowed = gongwen("render", data, "-o", tmp_path / "out",
                      env={"GONGWEN_MAX_INPUT_MB": "2"})
    assert allowed.code == 0, allowed.stderr
    assert len(list((tmp_path / "out").glob("*.docx"))) == 1


def test_oversized_roster_names_itself(tmp_path: Path, sample_dir: Path):
    roster = sample_dir / "members.csv"
    rows = roster.read_text(encoding="utf-8").splitlines()
    block = "\n".join(rows[1:]) + "\n"
    with roster.open("a", encoding="utf-8") as out:
        out.write(block * ((17 << 20) // len(block.encode()) + 1))
    assert roster.stat().st_size > 16 << 20
    outcome = gongwen("render", sample_dir / "pledge.yaml", "-o", tmp_path / "out")
    assert_refused(outcome, roster, "too large for a spreadsheet", "16 MB")


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_xlsx_zip_bomb_is_refused_before_parsing(tmp_path: Path, sample_dir: Path):
    with zipfile.ZipFile(sample_dir / "members.xlsx") as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/sheet"))
    parts[sheet] = parts[sheet].replace(b"</sheetData>",
                                        b"<!--" + b" " * (100 << 20) + b"--></sheetData>")
    bomb = sample_dir / "bomb.xlsx"
    bomb.write_bytes(_zip(parts))
    assert bomb.stat().st_size < 2 << 20
    outcome = gongwen("render", sample_dir / "pledge.yaml", "--roster", bomb,
                      "-o", tmp_path / "out")
    assert_refused(outcome, bomb, "zip bomb")
