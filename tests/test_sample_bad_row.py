"""The README's example of one bad roster row, on the sample activity itself: only that
member's 承诺书 fails; the plan, whose 附件 lists the 领导小组 with their 现任职务 from
the same roster, is still made."""

from __future__ import annotations

import shutil

from click.testing import CliRunner
from conftest import SAMPLE
from pypdf import PdfReader

from gongwen.batch import run_phase
from gongwen.cli import main

BAD_ROW = ('members.csv:row 5, column E: 出生年月 (birth): "1985.13" is not a year and month: '
           "there is no month 13 (hint: expected YYYY.MM, e.g. 1985.03)")


def spoiled_sample(tmp_path):
    """The sample activity with 张伟（DJS004）'s 出生年月 1985.13 (row 5 of members.csv)."""
    folder = tmp_path / "activity"
    shutil.copytree(SAMPLE, folder)
    roster = folder / "members.csv"
    lines = roster.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[4].startswith("4,张伟,男,汉族,1985.03,")
    lines[4] = lines[4].replace("1985.03", "1985.13", 1)
    roster.write_text("".join(lines), encoding="utf-8")
    return folder


def test_one_bad_row_fails_only_that_members_documents(tmp_path):
    folder = spoiled_sample(tmp_path)
    result = run_phase(folder, "发动部署", tmp_path / "out")
    assert result.exit_code == 1
    (failure,) = result.failures
    assert (failure.job, failure.member) == ("pledge.yaml", "张伟（DJS004）")
    assert failure.message.endswith(BAD_ROW)
    assert result.bundle is None
    plan = next((tmp_path / "out" / "发动部署").glob("*实施方案.pdf"))
    text = "".join(page.extract_text() for page in PdfReader(plan).pages)
    assert "创先争优活动领导小组成员名单" in text and "党支部书记、副校长" in text


def test_the_dry_run_lists_the_bad_row_and_exits_as_the_run_would(tmp_path):
    folder = spoiled_sample(tmp_path)
    result = CliRunner().invoke(main, ["batch", str(folder), "--plan", "--phase", "发动部署"])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].endswith(BAD_ROW)
    later = CliRunner().invoke(main, ["batch", str(folder), "--plan", "--phase", "组织实施"])
    assert later.exit_code == 0 and "error" not in later.output  # it reads no roster
