"""The package's shape: no import circle between its modules, and a built wheel works
on its own (the CLI, ``import gongwen``, the sample activity, the built-in templates)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "gongwen"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, module: str) -> set[str]:
    """Modules ``path`` imports, lazily or not; ``if TYPE_CHECKING:`` blocks excepted."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(node) for block in ast.walk(tree)
                   if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
                   for node in ast.walk(block)}
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_import_circle() -> None:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: {m for m in _imported(path, name) if m in modules and m != name}
             for name, path in modules.items()}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_one() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_stages_live_in_their_folders() -> None:
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "children.py", "errors.py", "fileio.py"]


@pytest.fixture(scope="module")
def wheel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources, unpacked."""
    tree = tmp_path_factory.mktemp("tree")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(ROOT / "src", tree / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--disable-pip-version-check", "-w", str(dist), str(tree)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("gongwen-*.whl")
    unpacked = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    return unpacked


def _run_from(wheel_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(wheel_dir)}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_wheel_imports_and_renders(wheel_dir: Path, tmp_path: Path) -> None:
    probe = _run_from(wheel_dir, tmp_path, "-c",
                      "import gongwen, gongwen.batch, gongwen.bundle; "
                      "print(gongwen.__file__); print(gongwen.render.__module__)")
    assert probe.returncode == 0, probe.stderr
    where, module = probe.stdout.split()
    assert Path(where).is_relative_to(wheel_dir)
    assert module == "gongwen.kinds"

    cli = ("from gongwen.cli import main; main()",)
    made = _run_from(wheel_dir, tmp_path, "-c", *cli, "init", "act")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "act" / "activity.yaml").is_file()
    rendered = _run_from(wheel_dir, tmp_path, "-c", *cli, "render", "act/plan.yaml", "-o", "out")
    assert rendered.returncode == 0, rendered.stderr
    (docx,) = (tmp_path / "out").glob("*.docx")
    from docx import Document

    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "实施方案" in text and "创先争优" in text


def test_wheel_ships_the_web_pages(wheel_dir: Path) -> None:
    serve = wheel_dir / "gongwen" / "serve"
    for name in ("templates/base.html", "templates/check.html", "templates/plan.html",
                 "templates/jobs.html", "templates/job.html", "templates/home.html",
                 "static/web.js", "static/web.css"):
        assert (serve / name).is_file(), name
