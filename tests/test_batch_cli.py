"""`gongwen batch` and `gongwen render` as a user meets them: a dry run that checks what
the real run checks, one rule for --member, counts, messages (issue #13, items 9–17)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongwen.batch.checks import ConsistencyError
from gongwen.batch.phase import check_phase, run_phase
from gongwen.cli import main

FIRST, LAST = "发动部署", "总结提高"


def cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


# --- item 9: --plan is a dry run of the real run's checks --------------------------------


def test_plan_reports_a_date_outside_its_phase_and_exits_as_the_run(sample_dir, tmp_path):
    edit(sample_dir / "briefing-1.yaml", "日期: 2024-09-10", "日期: 2024-10-10")
    dry = cli("batch", sample_dir, "--plan", "--phase", FIRST)
    assert dry.exit_code == 2
    (line,) = error_lines(dry.output)
    assert "briefing-1.yaml:" in line and "outside phase 发动部署" in line
    real = cli("batch", sample_dir, "--phase", FIRST, "-o", tmp_path / "out")
    assert real.exit_code == dry.exit_code == 2
    assert error_lines(real.output) == error_lines(dry.output)
    assert not (tmp_path / "out").exists()  # stopped before rendering


def test_plan_reports_a_tallies_name_not_on_the_roster(sample_dir):
    edit(sample_dir / "tallies.csv", "林明富,DJS001", "周文", )
    dry = cli("batch", sample_dir, "--plan", "--phase", LAST)
    assert dry.exit_code == 2
    (line,) = error_lines(dry.output)
    assert "tallies.csv:row 2" in line and "周文 is not in the roster" in line


def test_plan_reports_a_listed_member_not_on_the_roster(sample_dir):
    edit(sample_dir / "activity.yaml", "      - pledge.yaml ",
         "      - {文件: pledge.yaml, 成员: [张伟（DJS004）, 周文博]}")
    dry = cli("batch", sample_dir, "--plan", "--phase", FIRST)
    assert dry.exit_code == 2
    (line,) = error_lines(dry.output)
    assert "activity.yaml:" in line and "周文博 is not in the roster members.csv" in line


def test_plan_exits_1_for_a_document_the_run_would_fail(sample_dir):
    edit(sample_dir / "briefing-1.yaml", "期号: 1", "期号: 1\ntitel: 第一期")
    dry = cli("batch", sample_dir, "--plan", "--phase", FIRST)
    assert dry.exit_code == 1
    (line,) = error_lines(dry.output)
    assert "briefing-1.yaml:" in line and "titel: unknown field" in line
    assert re.search(r"briefing-1\.yaml\s+briefing\s", dry.output)  # its kind, not 简报


def test_plan_of_a_sound_phase_exits_0(sample_dir):
    dry = cli("batch", sample_dir, "--plan", "--phase", FIRST)
    assert dry.exit_code == 0, dry.output
    assert not error_lines(dry.output) and "pledge.yaml" in dry.output


# --- item 13: one phase's error does not block another; every line is an error: line ---


def test_a_problem_in_one_phase_does_not_block_another(sample_dir):
    edit(sample_dir / "tallies.csv", "林明富,DJS001", "周文")
    edit(sample_dir / "briefing-3.yaml", "期号: 3", "期号: 5")
    assert check_phase(sample_dir, FIRST).problems == ()
    assert check_phase(sample_dir, "组织实施").problems == ()
    later = check_phase(sample_dir, LAST)
    assert [p.field for p in later.problems] == ["姓名"]
    skipped = check_phase(sample_dir, "评选表彰")
    assert ["skips 3、4" in p.message for p in skipped.problems] == [True]


def test_every_line_of_a_many_problem_error_says_error(sample_dir, tmp_path):
    edit(sample_dir / "briefing-1.yaml", "日期: 2024-09-10", "日期: 2024-10-10")
    edit(sample_dir / "plan.yaml", "成文日期: 2024-09-02", "成文日期: 2024-08-02")
    result = cli("batch", sample_dir, "--phase", FIRST, "-o", tmp_path / "out")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if "outside phase" in line]
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)


# --- item 10: an ambiguous --member is refused by batch as by render ---------------------


def test_an_ambiguous_member_is_refused_by_batch_as_by_render(sample_dir, tmp_path):
    rendered = cli("render", sample_dir / "pledge.yaml", "--member", "张伟",
                   "-o", tmp_path / "r", "--no-activity")
    assert rendered.exit_code == 2
    (expected,) = error_lines(rendered.output)
    assert "'张伟' names 2 members" in expected
    with pytest.raises(ConsistencyError, match="'张伟' names 2 members: 张伟（DJS004）、张伟"):
        run_phase(sample_dir, FIRST, tmp_path / "out", members=["张伟"])
    batch = cli("batch", sample_dir, "--phase", FIRST, "--member", "张伟", "-o", tmp_path / "o")
    assert batch.exit_code == 2
    assert error_lines(batch.output) == [expected]
    assert not (tmp_path / "out").exists() and not (tmp_path / "o").exists()
    dry = cli("batch", sample_dir, "--plan", "--phase", FIRST, "--member", "张伟")
    assert dry.exit_code == 2 and error_lines(dry.output) == [expected]
    named = check_phase(sample_dir, FIRST, members=["张伟（DJS005）"])
    assert named.problems == ()
