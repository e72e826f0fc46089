"""Bad input through the CLI: exit code 2, one line naming file, line and field, no output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PLAN_YAML, write

from gongwen.cli import main
from gongwen.templating.registry import template_dir


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def replace(old: str, new: str) -> str:
    assert old in PLAN_YAML
    return PLAN_YAML.replace(old, new)


CASES = [
    ("malformed yaml", replace("title: 关于", "title: [关于"), ":", "malformed YAML"),
    ("wrong type", replace("attachments: [活动安排表]", "attachments: {a: 1}"), ":17:",
     "attachments"),
    ("missing required", replace("title: 关于开展主题党日活动的实施方案\n", ""), ":1:",
     "标题 (title): is required but missing"),
    ("unknown field", replace("title:", "titel:"), ":5: titel: unknown field",
     "did you mean 'title'?"),
    ("unknown chinese field", replace("title:", "标提:"), ":5: 标提: unknown field",
     "did you mean '标题'?"),
    ("bad date", replace("date: 2025-03-05", "date: 2025-13-01"), ":18: date:",
     '"2025-13-01" is not a date'),
    ("bad doc number", replace("测二小党支〔2025〕7号", "测二小党支[2025]7号"), ":3: doc_number:",
     "〔〕"),
    ("skipped heading", replace("## 实践安排", "## （三）实践安排"), "plan.yaml:13:",
     "heading number skipped: expected （二）, found （三）"),
    ("zero-padded number", replace("〔2025〕7号", "〔2025〕07号"), ":3:", "leading zero"),
    ("unknown kind", replace("kind: plan", "kind: memo"), ":1: kind:", "unknown document kind"),
]


@pytest.mark.parametrize(("name", "text", "where", "what"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_2_with_a_located_message(tmp_path: Path, name, text, where, what):
    data = write(tmp_path, "plan.yaml", text)
    out = tmp_path / "out"
    result = run("render", str(data), "-o", str(out))
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert message.startswith(f"error: {data}"), message
    assert where in message and what in message, message
    assert "Traceback" not in message and len(message.splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def test_missing_body_file_names_it(tmp_path: Path):
    data = write(tmp_path, "plan.yaml", replace("body: |", "body_file: nothere.md\nx: |"))
    result = run("render", str(data), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "unknown field" in result.output or "nothere.md" in result.output


def test_body_file_not_found(tmp_path: Path):
    text = PLAN_YAML.split("body: |")[0] + "body_file: nothere.md\n" + \
        "attachments: [活动安排表]\ndate: 2025-03-05\n"
    data = write(tmp_path, "plan.yaml", text)
    result = run("render", str(data), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    # the data file's line and field, then the file and where it was looked for
    assert f"{data}:7: body_file: 'nothere.md': file not found (looked for " \
           f"{tmp_path / 'nothere.md'})" in result.output


def test_malformed_json_names_line(tmp_path: Path):
    data = write(tmp_path, "plan.json", '{\n  "kind": "plan",\n  "title": "x",,\n}\n')
    result = run("render", str(data))
    assert result.exit_code == 2
    assert f"{data}:3:" in result.output and "malformed JSON" in result.output


def test_template_with_undefined_variable(tmp_path: Path, plan_file: Path):
    from docx import Document

    template = tmp_path / "mine.docx"
    shutil.copy(template_dir() / "plan.docx", template)
    document = Document(str(template))
    document.add_paragraph("{{ branch_secretary }}")
    document.save(str(template))
    out = tmp_path / "out"
    result = run("render", str(plan_file), "--template", str(template), "-o", str(out))
    assert result.exit_code == 2
    assert "mine.docx" in result.output
    assert "{{ branch_secretary }}" in result.output and "does not provide" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_user_template_renders_in_the_sandbox(tmp_path: Path, plan_file: Path):
    from docx import Document

    template = tmp_path / "mine.docx"
    shutil.copy(template_dir() / "plan.docx", template)
    document = Document(str(template))
    document.add_paragraph("本单位：{{ organ }}，日期：{{ date | cn_date }}")
    document.save(str(template))
    out = tmp_path / "out"
    result = run("render", str(plan_file), "--template", str(template), "-o", str(out))
    assert result.exit_code == 0, result.output
    produced = Document(str(next(out.glob("*.docx"))))
    texts = [p.text for p in produced.paragraphs]
    assert "本单位：中共测试县第二小学支部委员会，日期：2025年3月5日" in texts

    unsafe = tmp_path / "unsafe.docx"
    document = Document(str(template))
    document.add_paragraph("{{ organ.__class__.__mro__[1].__subclasses__() }}")
    document.save(str(unsafe))
    result = run("render", str(plan_file), "--template", str(unsafe), "-o", str(tmp_path / "o2"))
    assert result.exit_code == 2 and "unsafe.docx" in result.output


def test_not_a_docx_template(tmp_path: Path, plan_file: Path):
    fake = write(tmp_path, "fake.docx", "plain text")
    result = run("render", str(plan_file), "--template", str(fake))
    assert result.exit_code == 2 and "is not a .docx file" in result.output


def test_render_writes_docx_named_after_title_and_is_deterministic(tmp_path: Path,
                                                                   plan_file: Path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("render", str(plan_file), "-o", str(first)).exit_code == 0
    assert run("render", str(plan_file), "-o", str(second)).exit_code == 0
    name = "关于开展主题党日活动的实施方案.docx"
    assert (first / name).read_bytes() == (second / name).read_bytes()
    assert [p.name for p in first.iterdir()] == [name]  # no temp files left


def test_templates_lists_builtin_plan():
    result = run("templates")
    assert result.exit_code == 0 and "plan" in result.output and "plan.docx" in result.output


def test_help_teaches():
    result = run("--help")
    assert "Exit codes" in result.output and "gongwen render" in result.output
    assert "kind:" in run("render", "--help").output


def test_an_unknown_profile_is_one_line(tmp_path) -> None:
    from click.testing import CliRunner

    from gongwen.cli import main

    sample = Path(__file__).resolve().parents[1] / "samples" / "chuangxian" / "plan.yaml"
    result = CliRunner().invoke(main, ["render", str(sample), "--profile", "nope", "-o",
                                       str(tmp_path), "--no-activity"])
    assert result.exit_code == 2, result.output
    assert "unknown profile 'nope'" in result.output and "strict" in result.output
    assert "Traceback" not in result.output and not list(tmp_path.iterdir())
