"""No glyph leaves the 版心, on every page of every kind, measured on the PDF.

LibreOffice lets a line-final 、，。 hang past the right margin unless told not to (and
reads Word's 「允许标点溢出边界」 switch inverted): the plan's glyphs ended at 189.7 mm
where the 版心 ends at 184 mm.  Every document the sample activity makes in its four
phases (the plan, the three 简报, the 承诺书, the 测评表, 登记表 and 汇总表), and those of
a 12-member branch whose plan lists its 领导小组 in a table, are made by ``run_phase``
and measured with ``pdfgeom.outside_text_block``.  The ``hanging-punctuation`` profile
is the named way to let punctuation hang.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLE
from pdfgeom import open_pdf, outside_text_block

import gongwen
from gongwen.batch import run_phase
from gongwen.convert.punctuation import swap_overflow_punct

#: each phase with the files it makes here (None: all); the plan is made once
PHASES = (("发动部署", None), ("组织实施", ["briefing-2.yaml"]), ("评选表彰", ["briefing-3.yaml"]),
          ("总结提高", ["evaluation-ballot.yaml", "evaluation-register.yaml",
                       "evaluation-summary.yaml"]))
BRANCH_PHASES = (PHASES[0], PHASES[3])
LEADERS = "\n\n".join([
    "领导小组成员及分工如下：",
    "| 职务 | 姓名 | 分工 |",
    "|---|---|---|",
]) + "\n" + "".join(
    f"| {role} | {name} | 负责{task}工作，做到精心组织、周密部署，确保活动扎实开展、取得实效。 |\n"
    for role, name, task in [("组长", "林明富", "全面统筹"), ("副组长", "陈秀英", "组织实施"),
                             ("成员", "王建国", "宣传发动"), ("成员", "吴静", "简报编写")])


#: the sample member no data file names: the 12-member branch is the sample without her
LEFT_OUT = "欧阳晓"


def twelve_member_branch(folder: Path) -> Path:
    """The sample activity with 12 members on its roster and in its tallies, and a plan
    that lists its 领导小组 in a table."""
    target = folder / "branch12"
    shutil.copytree(SAMPLE, target)
    for name in ("members.csv", "tallies.csv"):
        path = target / name
        text = path.read_text(encoding="utf-8-sig")
        rows = [row for row in csv.reader(io.StringIO(text)) if LEFT_OUT not in row]
        assert len(rows) == 1 + 12, name
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    plan_md = target / "plan.md"
    plan_md.write_text(plan_md.read_text(encoding="utf-8") + "\n" + LEADERS, encoding="utf-8")
    (target / "members.xlsx").unlink(missing_ok=True)
    return target


def made_pdfs(activity: Path, phases: tuple[tuple[str, list[str] | None], ...], out: Path
              ) -> list[Path]:
    pdfs = []
    for phase, only in phases:
        result = run_phase(activity, phase, out, only_kinds=only)
        assert result.exit_code == 0, result.summary_rows()
        pdfs += [pdf for pdf in sorted((out / phase).rglob("*.pdf"))
                 if "汇编" not in pdf.name  # the bundle: the same pages behind a cover
                 and not any(part.startswith(".") for part in pdf.relative_to(out).parts)]
    return pdfs


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, list[Path]]:
    folder = tmp_path_factory.mktemp("textblock")
    return {
        "sample": made_pdfs(SAMPLE, PHASES, folder / "sample"),
        "branch12": made_pdfs(twelve_member_branch(folder), BRANCH_PHASES, folder / "branch12"),
    }


def overflow(pdf: Path) -> list[str]:
    with open_pdf(pdf) as document:
        return [f"{pdf.name} p{index + 1}: {char.text} ends at {char.x1:.1f} mm"
                for index, page in enumerate(document.pages)
                for char in outside_text_block(page)]


@pytest.mark.parametrize("activity", ["sample", "branch12"])
def test_no_glyph_outside_the_text_block_in_any_kind(documents, activity):
    pdfs = documents[activity]
    names = " ".join(f"{pdf.parent.name}/{pdf.name}" for pdf in pdfs)
    for kind in ("实施方案", "简报第1期", "测评表", "登记表", "汇总表"):
        assert kind in names, kind
    assert sum("承诺书" in str(pdf.parent) for pdf in pdfs) == (13 if activity == "sample" else 12)
    if activity == "sample":
        assert "简报第2期" in names and "简报第三期" in names
    problems = [problem for pdf in pdfs for problem in overflow(pdf)]
    assert not problems, problems


def test_the_docx_says_it_the_way_word_reads_it():
    """允许标点溢出边界 off in the DOCX (w:overflowPunct 0); on in the named profile."""
    for profile, value in (("strict", b'w:overflowPunct w:val="0"'),
                           ("hanging-punctuation", b'w:overflowPunct w:val="1"')):
        data = gongwen.render(SAMPLE / "plan.yaml", profile=profile).to_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert value in archive.read("word/styles.xml"), profile


def test_the_hanging_punctuation_profile_lets_it_hang(tmp_path):
    pdf = tmp_path / "plan.pdf"
    gongwen.render(SAMPLE / "plan.yaml", profile="hanging-punctuation").to_pdf(pdf)
    hanging = overflow(pdf)
    assert hanging and all(line.split(": ")[1][0] in "、，。；：" for line in hanging), hanging


def test_libreoffice_gets_the_switch_its_way_round():
    """LibreOffice's import reads w:overflowPunct inverted; its copy is swapped."""
    cases = {b'<w:overflowPunct w:val="0"/>': b'<w:overflowPunct w:val="1"/>',
             b'<w:overflowPunct w:val="false"/>': b'<w:overflowPunct w:val="1"/>',
             b'<w:overflowPunct w:val="1"/>': b'<w:overflowPunct w:val="0"/>',
             b"<w:overflowPunct/>": b'<w:overflowPunct w:val="0"/>',
             b"<w:jc/>": b"<w:jc/>"}
    for given, handed in cases.items():
        assert swap_overflow_punct(b"<w:pPr>" + given + b"</w:pPr>") == (
            b"<w:pPr>" + handed + b"</w:pPr>")
