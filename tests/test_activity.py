"""activity.yaml: loading, shared values merged into documents, consistency checks.

No LibreOffice here: these tests load and validate data only.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import SAMPLE

from gongwen.batch.activity import load_activity
from gongwen.batch.checks import ConsistencyError, check_activity
from gongwen.batch.isolate import member_names
from gongwen.batch.phase import plan_phase
from gongwen.batch.scaffold import init_activity
from gongwen.errors import InputError
from gongwen.models import validate

ACTIVITY = """\
活动名称: 主题党日活动
党组织: 中共测试县第二小学支部委员会
书记: 王五
文号:
  机关代字: 测二小党支
  年份: 2025
共用:
  署名: 测试县第二小学党支部
  简报名称: 主题党日简报
阶段:
  - 名称: 动员
    开始: 2025-03-01
    结束: 2025-03-31
    文件: [plan.yaml, b1.yaml]
  - 名称: 实施
    开始: 2025-04-01
    结束: 2025-06-30
    文件: [plan.yaml, b2.yaml]
"""

PLAN = """\
kind: plan
发文字号: 7
title: 关于开展主题党日活动的实施方案
body: 为落实上级要求，制定本方案。
date: 2025-03-05
"""


def briefing(issue: int, date: str) -> str:
    return textwrap.dedent(f"""\
        类型: 简报
        期号: {issue}
        编印单位: 测试县第二小学党支部编
        日期: {date}
        文章:
          - 标题: 第{issue}期的文章
            正文: 内容。
        """)


def make(tmp_path: Path, activity: str = ACTIVITY, **files: str) -> Path:
    contents = {"plan.yaml": PLAN, "b1.yaml": briefing(1, "2025-03-10"),
                "b2.yaml": briefing(2, "2025-04-10"), **files}
    (tmp_path / "activity.yaml").write_text(activity, encoding="utf-8")
    for name, text in contents.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_sample_activity_loads_and_plans_every_phase():
    activity = load_activity(SAMPLE)
    assert activity.name == "创先争优活动"
    names = [phase.name for phase in activity.phases]
    assert names == ["发动部署", "组织实施", "评选表彰", "总结提高"]
    first = activity.phase("发动部署")
    assert (first.start, first.end) == (dt.date(2024, 9, 1), dt.date(2024, 9, 30))
    for phase in activity.phases:
        plan = plan_phase(activity, phase)
        assert plan.documents, phase.name
        assert all(doc.error is None for doc in plan.documents), phase.name
    check_activity(activity, roster_names=member_names, tally_names=member_names)


def test_shared_values_fill_what_a_document_leaves_out(tmp_path):
    activity = load_activity(make(tmp_path))
    (plan_spec,) = [s for s in activity.phases[0].documents if s.path.name == "plan.yaml"]
    source = activity.document_source(plan_spec)
    plan = validate(type(plan_phase(activity, "动员").documents[0].loaded.model), source)
    assert plan.organ == "中共测试县第二小学支部委员会"  # 党组织 → 发文机关
    assert plan.signature == "测试县第二小学党支部"  # 共用.署名
    assert str(plan.doc_number) == "测二小党支〔2025〕7号"  # bare 序号 + 文号 parts
    brief = plan_phase(activity, "动员").documents[1].loaded.model
    assert brief.name == "主题党日简报"  # 共用.简报名称 for the kind that has it
    assert brief.editor == "测试县第二小学党支部编"  # the document's own value wins


def test_a_documents_own_value_wins_and_unknown_fields_are_not_added(tmp_path):
    plan = PLAN + "发文机关: 中共测试县第二小学委员会\n"
    activity = load_activity(make(tmp_path, **{"plan.yaml": plan}))
    model = plan_phase(activity, "动员").documents[0].loaded.model
    assert model.organ == "中共测试县第二小学委员会"
    # 简报名称 is no field of a plan: it is not merged in (no 'unknown field' error)
    assert plan_phase(activity, "动员").documents[0].error is None


def test_an_error_in_a_shared_value_names_activity_yaml(tmp_path):
    broken = ACTIVITY.replace("  署名: 测试县第二小学党支部", "  署名: [[a, b]]")  # no 署名
    activity = load_activity(make(tmp_path, broken))
    error = plan_phase(activity, "动员").documents[0].error
    assert error is not None
    assert error.location.file.endswith("activity.yaml")
    assert error.location.line == 8


def test_unknown_phase_suggests_the_closest(tmp_path):
    activity = load_activity(make(tmp_path))
    with pytest.raises(InputError, match="no phase called") as info:
        activity.phase("动圆")
    assert "动员" in str(info.value)
    assert activity.phase("2").name == "实施"


def test_missing_data_file_names_the_line_of_activity_yaml(tmp_path):
    make(tmp_path)
    (tmp_path / "b2.yaml").unlink()
    activity = load_activity(tmp_path)  # the other phase still runs
    assert [d.error for d in plan_phase(activity, "动员").documents] == [None, None]
    error = plan_phase(activity, "实施").documents[1].error
    assert "b2.yaml: file not found" in str(error) and error.location.line == 18


def test_overlapping_phases_are_an_error(tmp_path):
    text = ACTIVITY.replace("开始: 2025-04-01", "开始: 2025-03-20")
    with pytest.raises(InputError, match="starts 2025-03-20 before"):
        load_activity(make(tmp_path, text))


def test_no_activity_yaml_points_at_init(tmp_path):
    with pytest.raises(InputError, match="no activity.yaml") as info:
        load_activity(tmp_path)
    assert "gongwen init" in info.value.hint


def problems(tmp_path: Path, **files: str) -> list[str]:
    activity = load_activity(make(tmp_path, **files))
    with pytest.raises(ConsistencyError) as info:
        check_activity(activity, roster_names=member_names, tally_names=member_names)
    return [str(problem) for problem in info.value.problems]


def test_a_document_dated_outside_its_phase(tmp_path):
    (found,) = problems(tmp_path, **{"b1.yaml": briefing(1, "2025-04-02")})
    assert "b1.yaml:4" in found and "日期 (date)" in found
    assert "outside phase 动员 (2025-03-01 – 2025-03-31)" in found


def test_issue_numbers_must_not_skip(tmp_path):
    (found,) = problems(tmp_path, **{"b2.yaml": briefing(3, "2025-04-10")})
    assert "b2.yaml:2" in found and "期号 (issue)" in found and "skips 2" in found


def test_issue_numbers_must_not_repeat(tmp_path):
    (found,) = problems(tmp_path, **{"b2.yaml": briefing(1, "2025-04-10")})
    assert "repeats" in found and "b1.yaml" in found


def test_one_doc_number_is_never_used_twice(tmp_path):
    text = ACTIVITY.replace("文件: [plan.yaml, b2.yaml]", "文件: [plan.yaml, b2.yaml, p2.yaml]")
    other = PLAN.replace("实施方案", "补充通知").replace("2025-03-05", "2025-04-05")
    (tmp_path / "p2.yaml").write_text(other, encoding="utf-8")
    (found,) = _problems_with(tmp_path, text)
    assert "p2.yaml:2" in found and "测二小党支〔2025〕7号 is already" in found
    assert "plan.yaml:2" in found


def _problems_with(tmp_path: Path, activity_text: str) -> list[str]:
    activity = load_activity(make(tmp_path, activity_text))
    with pytest.raises(ConsistencyError) as info:
        check_activity(activity)
    return [str(problem) for problem in info.value.problems]


def test_every_problem_is_listed_at_once(tmp_path):
    found = problems(tmp_path, **{"b1.yaml": briefing(1, "2025-05-01"),
                                  "b2.yaml": briefing(4, "2025-04-10")})
    assert len(found) == 2
    with pytest.raises(ConsistencyError) as info:
        check_activity(load_activity(tmp_path))
    assert str(info.value).count("\n") == 1


def test_tally_members_must_be_in_the_roster(tmp_path):
    text = ACTIVITY.replace("共用:", "名册: members.csv\n评议数据: tallies.csv\n共用:")
    make(tmp_path, text)
    (tmp_path / "members.csv").write_text("姓名,性别\n张三,男\n李四,女\n", encoding="utf-8")
    (tmp_path / "tallies.csv").write_text("姓名,优秀,合格\n张三,3,1\n王二麻,1,3\n",
                                          encoding="utf-8")
    activity = load_activity(tmp_path)
    with pytest.raises(ConsistencyError) as info:
        check_activity(activity, roster_names=member_names, tally_names=member_names)
    (found,) = [str(p) for p in info.value.problems]
    assert "tallies.csv:row 3" in found and "王二麻 is not in the roster members.csv" in found


def test_init_copies_the_sample_and_refuses_to_overwrite(tmp_path):
    files = init_activity(tmp_path / "my-activity")
    assert Path("activity.yaml") in files and Path("plan.yaml") in files
    assert not any(part.startswith(".") for f in files for part in f.parts)
    assert load_activity(tmp_path / "my-activity").name == "创先争优活动"
    with pytest.raises(InputError, match="not empty"):
        init_activity(tmp_path / "my-activity")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert init_activity(empty)


def test_english_keys_work_too(tmp_path):
    english = """\
name: Theme day
organization: 中共测试县第二小学支部委员会
secretary: 王五
doc_number: {agency: 测二小党支, year: 2025}
shared: {简报名称: 主题党日简报}
phases:
  - name: 动员
    start: 2025-03-01
    end: 2025-03-31
    documents: [plan.yaml, {file: b1.yaml, label: 第一期简报}]
"""
    activity = load_activity(make(tmp_path, english))
    plan = plan_phase(activity, "动员")
    assert [d.label for d in plan.documents] == ["关于开展主题党日活动的实施方案", "第一期简报"]
    assert str(plan.documents[0].loaded.model.doc_number) == "测二小党支〔2025〕7号"


def test_a_shared_value_beats_a_derived_default_whatever_its_spelling(tmp_path):
    text = ACTIVITY.replace("共用:\n", "共用:\n  organ: 测试县第二小学党支部委员会\n")
    activity = load_activity(make(tmp_path, text))
    assert plan_phase(activity, "动员").documents[0].loaded.model.organ == "测试县第二小学党支部委员会"


def test_the_samples_ship_inside_the_package():
    """``gongwen init`` from an installed wheel needs the samples as package data
    (pyproject's ``data/**/*``): they sit under the package, a link to samples/ in a
    checkout, so there is one copy."""
    import gongwen
    from gongwen.batch.scaffold import samples_dir

    package = Path(gongwen.__file__).parent
    folder = samples_dir()
    assert folder == package / "data" / "samples"
    assert (folder / "chuangxian" / "activity.yaml").is_file()
    assert folder.resolve() == (package.parents[1] / "samples").resolve()
