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
    edit(sample_dir / "tallies.csv", "林明富,DJS001", "周文,DJS001")
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
    edit(sample_dir / "tallies.csv", "林明富,DJS001", "周文,DJS001")
    edit(sample_dir / "briefing-3.yaml", "期号: 3", "期号: 5")
    assert check_phase(sample_dir, FIRST).problems == ()
    assert check_phase(sample_dir, "组织实施").problems == ()
    later = check_phase(sample_dir, LAST)
    assert [p.field for p in later.problems] == ["姓名"]
    skipped = check_phase(sample_dir, "评选表彰")
    assert ["skips 3、4" in p.message for p in skipped.problems] == [True]


def test_a_later_phases_missing_file_fails_only_that_phase(sample_dir):
    (sample_dir / "evaluation-summary.yaml").unlink()  # not written yet
    assert cli("batch", sample_dir, "--plan", "--phase", FIRST).exit_code == 0
    later = cli("batch", sample_dir, "--plan", "--phase", LAST)
    assert later.exit_code == 1
    (line,) = error_lines(later.output)
    assert "activity.yaml:" in line and "evaluation-summary.yaml: file not found" in line


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


def test_an_ambiguous_name_in_a_phases_member_list_is_refused_before_rendering(sample_dir):
    edit(sample_dir / "activity.yaml", "      - pledge.yaml ",
         "      - {文件: pledge.yaml, 成员: [张伟, 吴静]}")
    (problem,) = check_phase(sample_dir, FIRST).problems
    assert "'张伟' names 2 members: 张伟（DJS004）、张伟（DJS005）" in str(problem)
    assert "activity.yaml:" in str(problem) and "成员 (members)" in str(problem)
    edit(sample_dir / "activity.yaml", "成员: [张伟, 吴静]", "成员: [张伟（DJS005）, 吴静]")
    assert check_phase(sample_dir, FIRST).problems == ()


# --- item 12: render inside an activity folder reads activity.yaml as batch does --------


def docx_text(path: Path) -> str:
    from docx import Document as Docx

    return "\n".join(p.text for p in Docx(str(path)).paragraphs)


def test_render_in_an_activity_folder_uses_its_shared_values(sample_dir, tmp_path):
    edit(sample_dir / "briefing-2.yaml", "简报名称: 创先争优活动简报\n", "")
    result = cli("render", sample_dir / "briefing-2.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "activity.yaml" in notes[0] and "--no-activity" in notes[0]
    (made,) = (tmp_path / "out").glob("*.docx")
    assert made.name == "创先争优活动简报第2期.docx"
    assert "创先争优活动简报" in docx_text(made)  # 简报名称 from 共用

    alone = cli("render", sample_dir / "briefing-2.yaml", "-o", tmp_path / "alone",
                "--no-activity")
    assert alone.exit_code == 2 and "简报名称 (name): is required" in alone.output
    assert "note: " not in alone.output and not (tmp_path / "alone").exists()


def test_render_in_an_activity_folder_takes_its_roster_and_the_files_own_values_win(
        sample_dir, tmp_path):
    edit(sample_dir / "pledge.yaml", "花名册: members.csv\n", "")
    edit(sample_dir / "activity.yaml", "  署名: 中共都江市实验中学支部委员会",
         "  署名: 中共都江市实验中学支部委员会\n  标题: 共用的标题")
    result = cli("render", sample_dir / "pledge.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    made = sorted(p.relative_to(tmp_path / "out").as_posix()
                  for p in (tmp_path / "out").rglob("*.docx"))
    assert len(made) == 13 and "党员承诺书/吴静.docx" in made  # the activity's 名册
    assert all(name.startswith("党员承诺书/") for name in made)  # pledge.yaml's 标题 wins


def test_render_of_a_file_no_phase_lists_takes_the_activitys_roster(sample_dir, tmp_path):
    text = (sample_dir / "pledge.yaml").read_text(encoding="utf-8")
    (sample_dir / "drafts").mkdir()
    (sample_dir / "drafts" / "pledge-draft.yaml").write_text(
        text.replace("花名册: members.csv\n", ""), encoding="utf-8")
    result = cli("render", sample_dir / "drafts" / "pledge-draft.yaml", "--member", "吴静",
                 "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "党员承诺书" / "吴静.docx").is_file()


# --- items 11 and 14: counts of what the phase owes; one naming rule; no hidden files ----


def test_a_run_counts_what_the_phase_owes_and_names_files_as_render_does(sample_dir, tmp_path):
    edit(sample_dir / "members.csv", "吴静,女,汉族,1988.04", "吴静,女,汉族,1988.13")
    edit(sample_dir / "plan.yaml", "主送机关:", "titel: 多余\n主送机关:")
    out = tmp_path / "out"
    result = cli("batch", sample_dir, "--phase", FIRST, "-o", out)
    assert result.exit_code == 1, result.output
    # the plan (1) and 吴静's pledge failed; the 通知, 请示, 简报 and 12 pledges were
    # made: 17 owed
    assert "15 of 17 documents made now, 2 failed" in result.output
    total = next(line for line in result.output.splitlines() if "合计" in line)
    documents, made, pages, _, failed = re.findall(r"\d+", total)
    assert (documents, made, pages, failed) == ("17", "15", str(_pages(out / FIRST)), "2")
    pledges = next(line for line in result.output.splitlines() if "党员承诺书" in line)
    assert re.findall(r"│\s*(\d+)", pledges)[0] == "13"  # 12 made + 1 failed

    hidden = [p for p in (out / FIRST).rglob(".*")]
    assert hidden == []  # no .combined/, no staging folder left behind

    edit(sample_dir / "members.csv", "1988.13", "1988.04")
    rendered = cli("render", sample_dir / "pledge.yaml", "--member", "张伟（DJS004）",
                   "--format", "both", "-o", tmp_path / "r")
    assert rendered.exit_code == 0, rendered.output
    assert sorted(p.relative_to(tmp_path / "r").as_posix()
                  for p in (tmp_path / "r").rglob("*") if p.is_file()) == [
        "党员承诺书/张伟（DJS004）.docx", "党员承诺书/张伟（DJS004）.pdf"]
    assert (out / FIRST / "党员承诺书" / "张伟（DJS004）.pdf").is_file()


def _pages(folder: Path) -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(p).pages) for p in folder.rglob("*.pdf"))


# --- items 13 and 16: failures name documents; a retried crash is said -------------------


def test_a_failed_conversion_names_the_document_not_a_staging_file(sample_dir, tmp_path,
                                                                   monkeypatch):
    from gongwen import convert
    from gongwen.errors import ConversionError

    monkeypatch.delenv("GONGWEN_UNO_PYTHON", raising=False)  # early conversions
    real = convert.Converter.convert_each

    def failing(self, paths, out_dir, **kwargs):
        if any(Path(p).name.startswith("early-") for p in paths):
            return [ConversionError(f"{Path(p).resolve()}: LibreOffice produced no PDF "
                                    f"(LibreOffice said: Error: {Path(p).name}: LibreOffice "
                                    "stopped (it was killed by SIGKILL))") for p in paths]
        return real(self, paths, out_dir, **kwargs)

    monkeypatch.setattr(convert.Converter, "convert_each", failing)
    result = run_phase(sample_dir, FIRST, tmp_path / "out", only_kinds=["plan"])
    (failure,) = result.failures
    label = "都江市实验中学党支部关于深入开展创先争优活动的实施方案"
    assert failure.message == (f"{label}: LibreOffice produced no PDF (LibreOffice said: "
                               f"Error: {label}: LibreOffice stopped (it was killed by SIGKILL))")


def test_a_crash_that_a_retry_mended_is_a_warning_of_the_run(sample_dir, tmp_path, monkeypatch):
    from gongwen.convert.converter import Converter

    monkeypatch.delenv("GONGWEN_UNO_PYTHON", raising=False)
    real, crashed = Converter._run, []

    def crash_once(self, inputs, out_dir, options, timeout):
        if not crashed:
            crashed.extend(inputs)
            return f"Error: {inputs[0].name}: LibreOffice stopped (it was killed by SIGKILL)"
        return real(self, inputs, out_dir, options, timeout)

    monkeypatch.setattr(Converter, "_run", crash_once)
    result = cli("batch", sample_dir, "--phase", FIRST, "--only", "plan", "-o", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert crashed
    (line,) = [line for line in result.output.splitlines() if "second try" in line]
    assert line.startswith("warning: 都江市实验中学党支部关于深入开展创先争优活动的实施方案: "
                           "LibreOffice failed on it (")
    assert "killed by SIGKILL" in line and ".gongwen-batch-" not in line


def test_a_killed_libreoffice_is_retried_and_said_how_it_ended(tmp_path):
    import os
    import signal
    import time

    from convert_samples import sample_docx, template_bytes
    from processes import processes_with

    from gongwen.convert import Converter

    docx = tmp_path / "文件1.docx"
    docx.write_bytes(sample_docx(1, pages=1, template=template_bytes(), faces=False))
    with Converter(workers=1) as conv:
        if conv.engine != "office":
            pytest.skip("needs LibreOffice's Python bridge")
        conv.convert([docx], tmp_path / "first")
        worker = conv._all[0]
        for pid in processes_with(str(worker.profile)):
            if pid != worker.office.proc.pid:
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        (pdf,) = conv.convert([docx], tmp_path / "after")
        assert pdf.is_file()
        ((path, reason),) = conv.retried
    assert path.name == "文件1.docx" and "LibreOffice" in reason
    assert "LibreOffice stopped (it was killed by SIGKILL)" in reason  # not "exit status"


# --- item 17: messages that say what is wrong ------------------------------------------


PLAN = """\
kind: plan
标题: 关于开展主题党日活动的实施方案
发文机关: 中共测试县第二小学支部委员会
成文日期: 2025-03-05
正文: 为落实上级要求，制定本方案。
"""


def test_an_empty_date_says_it_is_empty(tmp_path):
    data = tmp_path / "plan.yaml"
    data.write_text(PLAN.replace("成文日期: 2025-03-05", "成文日期:"), encoding="utf-8")
    result = cli("render", data, "-o", tmp_path / "out")
    assert result.exit_code == 2
    (line,) = error_lines(result.output)
    assert line.startswith(f"error: {data}:4: 成文日期 (date): is empty (hint: ")
    assert "None" not in line


def test_a_field_given_twice_says_so(tmp_path):
    data = tmp_path / "plan.yaml"
    data.write_text(PLAN + "title: 另一个标题\n", encoding="utf-8")
    result = cli("render", data, "-o", tmp_path / "out")
    assert result.exit_code == 2
    (line,) = error_lines(result.output)
    assert line == (f"error: {data}:6: title: given twice: as 标题 and as title "
                    "(hint: keep one of them)")


def test_yaml_tallies_trim_grades_as_csv_does(tmp_path):
    from gongwen.inputs.roster import load_roster
    from gongwen.inputs.tallies import tallies_from_data

    roster_file = tmp_path / "members.csv"
    roster_file.write_text("姓名,性别\n张三,男\n李四,女\n", encoding="utf-8")
    roster = load_roster(roster_file)
    tallies = tallies_from_data({"张三": {"互评": {"优秀": 1, "合格 ": 1}, "群众": {" 合　格": 3}}},
                                roster)
    assert tallies.counts["张三"] == {"peer": (1, 1, 0, 0), "public": (0, 3, 0, 0)}


def test_a_two_row_merged_roster_header_is_read_as_one(tmp_path):
    import openpyxl

    from gongwen.inputs.roster import load_roster

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "姓名", "性别", "时间", None, "职务"])
    sheet.append([None, None, None, "出生年月", "入党时间", None])
    sheet.append([1, "张三", "男", "1980.05", "2005.07", "教师"])
    sheet.append([2, "李四", "女", "1985.03", "2010.06", "班主任"])
    for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2"):
        sheet.merge_cells(cells)
    book.save(tmp_path / "members.xlsx")
    (tmp_path / "members.csv").write_text(
        "序号,姓名,性别,出生,,职务\n,,,年月,入党时间,\n1,张三,男,1980.05,2005.07,教师\n"
        "2,李四,女,1985.03,2010.06,班主任\n", encoding="utf-8")
    for name in ("members.xlsx", "members.csv"):
        roster = load_roster(tmp_path / name)
        assert [(m.name, str(m.birth), str(m.joined)) for m in roster] == [
            ("张三", "1980.05", "2005.07"), ("李四", "1985.03", "2010.06")], name


def test_a_two_row_header_that_cannot_be_read_says_the_header_must_be_one_row(tmp_path):
    from gongwen.errors import InputError
    from gongwen.inputs.roster import load_roster

    (tmp_path / "members.csv").write_text(
        "姓名,性别,备注\n姓名,性别,其他说明\n张三,男,\n", encoding="utf-8")
    with pytest.raises(InputError, match="the header takes two rows") as info:
        load_roster(tmp_path / "members.csv")
    assert "row 2" in str(info.value) and "make the header one row" in info.value.hint


def test_a_doc_number_without_a_header_is_a_warning(tmp_path):
    data = tmp_path / "plan.yaml"
    data.write_text(PLAN + "发文字号: 测二小党支〔2025〕7号\n", encoding="utf-8")
    result = cli("render", data, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert line.startswith(f"warning: {data}:6: 发文字号 (doc_number): 测二小党支〔2025〕7号 "
                           "is not printed")
    assert "测二小党支" not in docx_text(tmp_path / "out" / "关于开展主题党日活动的实施方案.docx")
    with_header = tmp_path / "header.yaml"
    with_header.write_text(PLAN + "发文字号: 测二小党支〔2025〕7号\n版头: true\n", encoding="utf-8")
    quiet = cli("render", with_header, "-o", tmp_path / "h")
    assert quiet.exit_code == 0 and "warning" not in quiet.output


def test_render_to_a_pdf_name_writes_a_pdf(tmp_path):
    from pypdf import PdfReader

    data = tmp_path / "plan.yaml"
    data.write_text(PLAN, encoding="utf-8")
    result = cli("render", data, "-o", tmp_path / "out" / "方案.pdf")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["方案.pdf"]
    assert "主题党日" in PdfReader(tmp_path / "out" / "方案.pdf").pages[0].extract_text()
    refused = cli("render", data, "-o", tmp_path / "x" / "方案.pdf", "--format", "docx")
    assert refused.exit_code == 2 and not (tmp_path / "x").exists()
    (line,) = error_lines(refused.output)
    assert "the file name says PDF, but --format is docx" in line and "方案.docx" in line


def test_render_warns_of_a_crash_that_a_retry_mended(tmp_path, monkeypatch):
    from gongwen.convert.converter import Converter

    real, crashed = Converter._run, []

    def crash_once(self, inputs, out_dir, options, timeout):
        if not crashed:
            crashed.extend(inputs)
            return f"Error: {inputs[0].name}: LibreOffice stopped (it was killed by SIGKILL)"
        return real(self, inputs, out_dir, options, timeout)

    monkeypatch.setattr(Converter, "_run", crash_once)
    data = tmp_path / "plan.yaml"
    data.write_text(PLAN, encoding="utf-8")
    result = cli("render", data, "--format", "pdf", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if "second try" in line]
    assert line.startswith("warning: ") and "killed by SIGKILL" in line
