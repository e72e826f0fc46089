"""README's first command, run as a new user would: relative paths, from a fresh folder."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
from pypdf import PdfReader
from test_seal import seal_png

import gongwen

ROOT = Path(__file__).resolve().parents[1]


def readme_batch_command() -> list[str]:
    """The arguments after ``gongwen`` in README's first set-up-and-run command."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^\./scripts/setup && \.venv/bin/gongwen (.+)$", text, re.MULTILINE)
    assert match, "README's first screen lost its render command"
    return match.group(1).split()


def test_readme_first_command_makes_the_bundle(tmp_path):
    args = readme_batch_command()
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    done = subprocess.run(
        [sys.executable, "-c", "import sys, gongwen.cli; sys.exit(gongwen.cli.main())", *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = tmp_path / args[args.index("-o") + 1] / args[args.index("--phase") + 1]
    bundles = list(out.glob("*材料汇编.pdf"))
    assert len(bundles) == 1
    reader = PdfReader(str(bundles[0]))
    assert len(reader.pages) > 10 and reader.outline
    assert len(list(out.rglob("*.pdf"))) > 10 and list(out.rglob("*.docx"))


def readme_yaml_blocks() -> list[str]:
    """Every ```yaml block of README, its indentation (inside a list item) removed."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^( *)```yaml\n(.*?)^\1```$", text, re.MULTILINE | re.DOTALL)
    return [re.sub(rf"^{indent}", "", body, flags=re.MULTILINE) for indent, body in blocks]


def test_readme_order_example_renders_as_written(tmp_path):
    """The 命令 snippet is a whole document: copied into a file beside its 签名章, it renders."""
    (block,) = [b for b in readme_yaml_blocks() if "格式: 命令" in b]
    (tmp_path / "order.yaml").write_text(block, encoding="utf-8")
    seal_png(tmp_path / "stamp.png")
    document = gongwen.render(tmp_path / "order.yaml")
    text = [p.text for p in docx.Document(io.BytesIO(document.docx)).paragraphs]
    assert "第12号" in text and any(t.startswith("《都江市城市绿化管理办法》") for t in text)
