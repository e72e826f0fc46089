"""The phase batch end to end: real LibreOffice, a small activity written per test.

Each test keeps LibreOffice work small (a one-page plan, a one-page briefing and a few
members), so a run takes a second or two.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import subprocess
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from processes import processes_with
from pypdf import PdfReader

from gongwen import convert
from gongwen.batch import run as batch_run
from gongwen.batch.checks import ConsistencyError
from gongwen.batch.isolate import render_isolating_members
from gongwen.batch.manifest import MANIFEST_NAME, Manifest
from gongwen.batch.phase import OutputError, plan_phase, run_phase
from gongwen.batch.progress import LineProgress, progress_for
from gongwen.batch.render import _member_parts, render_jobs
from gongwen.batch.steps import content_digest, safe_name
from gongwen.errors import ConversionError, InputError
from gongwen.inputs.roster import load_roster
from gongwen.inputs.tallies import load_tallies
from gongwen.kinds.document import Document
from gongwen.text import BIDI_CONTROLS, chinese_numeral

PHASE = "动员部署"
ACTIVITY = """\
活动名称: 主题党日活动
党组织: 中共测试县第二小学支部委员会
书记: 王五
文号: {机关代字: 测二小党支, 年份: 2025}
名册: members.csv
共用:
  简报名称: 主题党日简报
阶段:
  - 名称: 动员部署
    开始: 2025-03-01
    结束: 2025-03-31
    文件:
      - plan.yaml
      - b1.yaml
      - pledge.yaml
  - 名称: 组织实施
    开始: 2025-04-01
    结束: 2025-06-30
    文件: [plan.yaml]
"""
PLAN = """\
kind: plan
发文字号: 7
title: 关于开展主题党日活动的实施方案
body: |
  为落实上级要求，制定本方案。
  # 工作目标
  全体党员参加主题党日。
date: 2025-03-05
"""
BRIEFING = """\
类型: 简报
期号: 1
编印单位: 测试县第二小学党支部编
日期: 2025-03-10
文章:
  - 标题: 支部召开动员会
    正文: 3月8日，支部召开主题党日活动动员会。
"""
PLEDGE = """\
类型: 承诺书
承诺事项:
  学习钻研: [认真学习党的理论]
  爱岗敬业: [上好每一节课]
"""
MEMBERS = """\
姓名,性别,出生年月,入党时间,职务
张三,男,1980.05,2005.07,教师
李四,女,1985.03,2010.06,教研组长
王芳,女,1990.11,2015.07,班主任
"""


@pytest.fixture
def activity_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "activity"
    folder.mkdir()
    for name, text in {"activity.yaml": ACTIVITY, "plan.yaml": PLAN, "b1.yaml": BRIEFING,
                       "pledge.yaml": PLEDGE, "members.csv": MEMBERS}.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def pdf_pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def outline_tree(reader: PdfReader) -> list:
    """The bundle's bookmarks as [title, [children…]] pairs."""
    def walk(items: list) -> list:
        tree: list = []
        for item in items:
            if isinstance(item, list):
                tree[-1][1] = walk(item)
            else:
                tree.append([item.title, []])
        return tree
    return walk(reader.outline)


def mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns
            for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_NAME}


def test_plan_lists_what_the_phase_owes(activity_dir):
    plan = plan_phase(activity_dir, PHASE)
    assert [(d.name, d.kind) for d in plan.documents] == [
        ("plan.yaml", "plan"), ("b1.yaml", "briefing"), ("pledge.yaml", "pledge")]
    assert plan.documents[0].label == "关于开展主题党日活动的实施方案"
    assert plan.documents[1].label == "主题党日简报第1期"  # 简报名称 from 共用
    only = plan_phase(activity_dir, PHASE, only_kinds=["承诺书"])
    assert [d.name for d in only.documents] == ["pledge.yaml"]


def test_a_phase_run_makes_documents_pdfs_and_the_bundle(activity_dir, tmp_path):
    out = tmp_path / "out"
    result = run_phase(activity_dir, PHASE, out)
    folder = out / PHASE
    assert result.exit_code == 0 and not result.failures
    assert [d.member for d in result.documents] == [None, None, "张三", "李四", "王芳"]
    for doc in result.documents:
        assert doc.docx.is_file() and doc.pdf.is_file() and doc.status == "built"
        assert folder in doc.pdf.parents
        assert doc.pages == pdf_pages(doc.pdf) >= 1
    assert (folder / "党员承诺书" / "李四.pdf").is_file()

    bundle = PdfReader(result.bundle)
    labels = bundle.page_labels
    front = sum(1 for label in labels if not label.isdigit())
    assert front >= 2  # cover and 目录, labelled i, ii …
    assert len(bundle.pages) == result.bundle_pages == front + sum(d.pages for d in
                                                                    result.documents)
    tree = outline_tree(bundle)
    titles = [title for title, _ in tree]
    assert titles[-3:] == ["关于开展主题党日活动的实施方案", "主题党日简报第1期", "党员承诺书"]
    assert tree[-1][1] == [["张三", []], ["李四", []], ["王芳", []]]
    toc = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", str(front), result.bundle,
                          "-"], capture_output=True, text=True, check=True).stdout
    for text in ("目", "关于开展主题党日活动的实施方案", "党员承诺书", "张三", "王芳"):
        assert text in toc
    # the 目录 gives each document the page label it starts on
    first_pledge = front + sum(d.pages for d in result.documents[:2])
    assert labels[first_pledge] == str(1 + sum(d.pages for d in result.documents[:2]))

    manifest, note = Manifest.load(folder)
    assert note is None and manifest.bundle.pages == len(bundle.pages)
    assert set(manifest.documents) == {d.id for d in result.documents}
    assert all(record.fonts for record in manifest.documents.values())
    # one line per document, in bundle order, each a whole JSON object
    lines = (folder / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line.strip().rstrip(",")) for line in lines
               if line.startswith('  {"id": ')]
    assert [r["id"] for r in records] == [d.id for d in result.documents]
    assert json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))["documents"] \
        == records


def test_a_rerun_rebuilds_nothing_and_an_edit_only_what_it_touches(activity_dir, tmp_path):
    out = tmp_path / "out"
    run_phase(activity_dir, PHASE, out)
    before = mtimes(out / PHASE)
    again = run_phase(activity_dir, PHASE, out)
    assert not again.built and again.bundle_status == "unchanged"
    assert mtimes(out / PHASE) == before

    roster = activity_dir / "members.csv"
    roster.write_text(MEMBERS.replace("李四,女,1985.03,2010.06,教研组长",
                                      "李四,女,1985.03,2010.06,副校长"), encoding="utf-8")
    edited = run_phase(activity_dir, PHASE, out)
    assert [d.id for d in edited.built] == ["党员承诺书/李四"]
    assert edited.rendered == 3  # the plan and the briefing (cheap), and 李四 alone
    assert "members.csv" in edited.built[0].reason
    assert edited.bundle_status == "built"
    after = mtimes(out / PHASE)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"党员承诺书/李四.docx", "党员承诺书/李四.pdf", edited.bundle.name}

    forced = run_phase(activity_dir, PHASE, out, force=True)
    assert len(forced.built) == len(forced.documents) == 5


def test_a_plan_whose_table_reads_the_activity_is_made_again_when_it_changes(activity_dir,
                                                                            tmp_path):
    """表格: 领导小组 reads activity.yaml: editing the group rebuilds the plan, and only it."""
    (activity_dir / "activity.yaml").write_text(
        textwrap.dedent(ACTIVITY) + "领导小组: {组长: 王五, 成员: [张三]}\n", encoding="utf-8")
    (activity_dir / "plan.yaml").write_text(
        textwrap.dedent(PLAN) + "附件:\n  - 名称: 领导小组成员名单\n    表格: 领导小组\n",
        encoding="utf-8")
    out = tmp_path / "out"
    first = run_phase(activity_dir, PHASE, out, only_kinds=["plan.yaml"])
    assert first.exit_code == 0 and len(first.built) == 1
    path = activity_dir / "activity.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("[张三]", "[张三, 李四]"),
                    encoding="utf-8")
    again = run_phase(activity_dir, PHASE, out, only_kinds=["plan.yaml"])
    (built,) = again.built
    assert built.id == first.built[0].id and "activity.yaml (表格)" in built.reason
    pdf = next((out / PHASE).glob("*实施方案.pdf"))
    assert "李四" in "".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_a_broken_member_record_fails_only_that_member(activity_dir, tmp_path):
    out = tmp_path / "out"
    (activity_dir / "members.csv").write_text(
        MEMBERS.replace("李四,女,1985.03", "李四,女,1985.13"), encoding="utf-8")
    result = run_phase(activity_dir, PHASE, out)
    assert result.exit_code == 1
    (failure,) = result.failures
    assert failure.member == "李四" and failure.job == "pledge.yaml"
    assert "members.csv:row 3" in failure.message and "出生年月" in failure.message
    assert str(activity_dir / "members.csv") in failure.message  # the user's file, not a copy
    assert [d.member for d in result.documents] == [None, None, "张三", "王芳"]
    assert result.bundle is None and result.bundle_status == "not made"
    assert not list((out / PHASE).glob("*汇编.pdf"))

    partial = run_phase(activity_dir, PHASE, out, partial=True)
    assert partial.exit_code == 1 and partial.bundle is not None
    tree = outline_tree(PdfReader(partial.bundle))
    assert tree[-1] == ["党员承诺书", [["张三", []], ["王芳", []]]]
    assert not partial.built  # the others were made by the first run


def test_consistency_errors_stop_the_run_before_rendering(activity_dir, tmp_path):
    (activity_dir / "b1.yaml").write_text(BRIEFING.replace("2025-03-10", "2025-04-10"),
                                          encoding="utf-8")
    with pytest.raises(ConsistencyError, match="outside phase 动员部署") as info:
        run_phase(activity_dir, PHASE, tmp_path / "out")
    assert "b1.yaml:4" in str(info.value)
    assert not (tmp_path / "out").exists()


def test_untrusted_names_never_leave_the_output_folder(activity_dir, tmp_path):
    for bad in ("../../etc/passwd", "a/b", "..\\..\\x", 'x:*?"<>|y', "\x00\n", "..", " . "):
        name = safe_name(bad)
        assert name and not name.startswith(".") and ".." not in name
        assert not set(name) & set('/\\:*?"<>|\x00\n')
    assert safe_name("CON") == "_CON" and safe_name("lpt1.txt") == "_lpt1.txt"
    assert len(safe_name("长" * 300).encode()) < 200
    (activity_dir / "members.csv").write_text(
        MEMBERS + "..张强,男,1992.01,2016.07,教师\nCON,男,1988.01,2012.07,教师\n",
        encoding="utf-8")
    (activity_dir / "plan.yaml").write_text(PLAN.replace(
        "关于开展主题党日活动的实施方案", "../../关于/开展\\方案"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_phase(activity_dir, PHASE, out)
    folder = (out / PHASE).resolve()
    made = [p.resolve() for p in tmp_path.rglob("*") if p.is_file()
            and activity_dir not in p.parents]
    assert all(folder in p.parents for p in made)
    names = {d.pdf.name for d in result.documents}
    assert {"___关于_开展_方案.pdf", "_CON.pdf"} <= names
    assert all(".." not in str(d.pdf.relative_to(folder)) for d in result.documents)


def test_an_interrupted_run_leaves_the_previous_outputs(activity_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = run_phase(activity_dir, PHASE, out)
    before = {p: p.read_bytes() for p in (out / PHASE).rglob("*") if p.is_file()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(convert, "convert_many", interrupted)
    (activity_dir / "pledge.yaml").write_text(PLEDGE.replace("上好每一节课", "上好每一堂课"),
                                              encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        run_phase(activity_dir, PHASE, out)
    after = {p: p.read_bytes() for p in (out / PHASE).rglob("*") if p.is_file()}
    assert after == before  # nothing half-written, no staging folder left
    monkeypatch.undo()
    resumed = run_phase(activity_dir, PHASE, out)
    assert {d.id for d in resumed.built} == {d.id for d in first.documents if d.member}


def test_members_and_kinds_narrow_a_run(activity_dir, tmp_path):
    out = tmp_path / "out"
    only = run_phase(activity_dir, PHASE, out, only_kinds=["pledge"], members=["王芳"])
    assert [d.id for d in only.documents] == ["党员承诺书/王芳"]
    assert only.bundle is None  # the phase is not complete yet
    full = run_phase(activity_dir, PHASE, out)
    assert "党员承诺书/王芳" not in {d.id for d in full.built}
    assert full.bundle is not None

    (activity_dir / "members.csv").write_text(MEMBERS.replace("王芳,女,1990.11", "王芳,女,1990.12"),
                                              encoding="utf-8")
    one = run_phase(activity_dir, PHASE, out, members=["王芳"])
    assert [d.id for d in one.built] == ["党员承诺书/王芳"]
    assert len(one.documents) == 5
    # the others' documents were not rendered again: the bundle waits for a full run
    assert one.bundle is None and "not up to date in full: pledge.yaml" in one.warnings[0]
    full = run_phase(activity_dir, PHASE, out)
    assert not full.built and full.bundle_status == "built"


def test_a_member_left_off_the_roster_is_removed(activity_dir, tmp_path):
    out = tmp_path / "out"
    run_phase(activity_dir, PHASE, out)
    (activity_dir / "members.csv").write_text(MEMBERS.replace("王芳,女,1990.11,2015.07,班主任\n",
                                                              ""), encoding="utf-8")
    result = run_phase(activity_dir, PHASE, out)
    assert result.removed == ["党员承诺书/王芳"]
    assert not (out / PHASE / "党员承诺书" / "王芳.pdf").exists()
    assert [title for title, _ in outline_tree(PdfReader(result.bundle))[-1][1]] == [
        "张三", "李四"]


def test_progress_is_plain_lines_off_a_terminal(activity_dir, tmp_path):
    stream = io.StringIO()
    progress = progress_for(stream)
    assert isinstance(progress, LineProgress)
    run_phase(activity_dir, PHASE, tmp_path / "out", only_kinds=["plan"], progress=progress)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("检查: 1/1") and any(line.startswith("汇编") for line in lines)
    assert os.linesep not in "".join(lines)


def test_an_unknown_member_fails_before_any_work(activity_dir, tmp_path):
    with pytest.raises(InputError, match="'李斯' is in none of the phase's rosters") as info:
        run_phase(activity_dir, PHASE, tmp_path / "out", members=["李斯"])
    assert "李四" in info.value.hint
    assert not (tmp_path / "out").exists()


# --- isolating bad member records (no LibreOffice) -----------------------------------


def names_of(roster: Path, tallies: Path | None = None) -> list[Document]:
    """A stand-in renderer: one document per member, reading tables as a kind does."""
    members = load_roster(roster)
    if tallies is not None:
        load_tallies(tallies, members)
    model = SimpleNamespace(title="承诺书")  # a member's document: 「承诺书（张三）」
    return [Document("pledge", f"承诺书（{members.label(m)}）", b"", model) for m in members]


def test_every_bad_row_fails_only_its_member(tmp_path):
    roster = tmp_path / "members.csv"
    roster.write_text(MEMBERS.replace("张三,男,1980.05", "张三,男,1980.15")
                      .replace("王芳,女,1990.11,2015.07", "王芳,女,1990.11,1995.07"),
                      encoding="utf-8")
    result = render_isolating_members(names_of, roster, None)
    assert [d.title for d in result.documents] == ["承诺书（李四）"]
    assert [f.member for f in result.failures] == ["张三", "王芳"]
    assert result.failures[0].message.startswith(f"{roster}:row 2, column C: 出生年月")
    assert "row 4" in result.failures[1].message and "入党时间" in result.failures[1].message
    assert roster.read_text(encoding="utf-8").count("\n") == 4  # the user's file untouched


def test_a_repeated_name_fails_the_second_row_only(tmp_path):
    roster = tmp_path / "members.csv"
    roster.write_text(MEMBERS + "李四,男,1979.01,2001.07,教师\n", encoding="utf-8")
    result = render_isolating_members(names_of, roster, None)
    assert [d.title for d in result.documents] == ["承诺书（张三）", "承诺书（李四）",
                                                   "承诺书（王芳）"]
    (failure,) = result.failures
    assert failure.member == "李四" and "row 5" in failure.message


def test_a_bad_header_fails_the_whole_file(tmp_path):
    roster = tmp_path / "members.csv"
    roster.write_text(MEMBERS.replace("姓名", "名单"), encoding="utf-8")
    with pytest.raises(InputError, match="no 姓名 column"):
        render_isolating_members(names_of, roster, None)


def test_xlsx_rows_and_tallies_rows_are_isolated_too(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for line in MEMBERS.replace("李四,女,1985.03", "李四,女,1985.30").splitlines():
        book.active.append(line.split(","))
    roster = tmp_path / "members.xlsx"
    book.save(roster)
    tallies = tmp_path / "tallies.csv"
    tallies.write_text("姓名,优秀,合格,基本合格,不合格\n张三,1,1,0,0\n李四,2,0,0,0\n"
                       "王芳,x,1,0,0\n", encoding="utf-8")
    result = render_isolating_members(names_of, roster, tallies)
    assert [d.title for d in result.documents] == ["承诺书（张三）"]
    assert [(f.member, f.error.location.file, f.error.location.row)
            for f in result.failures] == [("李四", str(roster), 3), ("王芳", str(tallies), 4)]


def test_a_big_per_member_file_renders_in_parts_the_same(activity_dir):
    many = "姓名,性别\n" + "".join(f"成员{chinese_numeral(n)},男\n" for n in range(1, 23))
    (activity_dir / "members.csv").write_text(many, encoding="utf-8")
    (entry,) = plan_phase(activity_dir, PHASE, only_kinds=["pledge"]).documents
    assert _member_parts(entry.loaded, 2) is not None  # 22 members: two parts of 11
    (together,) = render_jobs([entry.loaded], None, workers=1)
    (in_parts,) = render_jobs([entry.loaded], None, workers=2)
    assert not in_parts.narrowed and not in_parts.failures
    assert [d.title for d in in_parts.documents] == [d.title for d in together.documents]
    assert [content_digest(d.docx) for d in in_parts.documents] == [
        content_digest(d.docx) for d in together.documents]


def test_a_full_disk_keeps_the_previous_outputs(activity_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_phase(activity_dir, PHASE, out, only_kinds=["plan"])
    before = {p: p.read_bytes() for p in (out / PHASE).rglob("*") if p.is_file()}

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(batch_run, "replace_into", full)
    (activity_dir / "plan.yaml").write_text(PLAN.replace("全体党员参加", "全体党员积极参加"),
                                            encoding="utf-8")
    with pytest.raises(OutputError, match="No space left on device") as info:
        run_phase(activity_dir, PHASE, out, only_kinds=["plan"])
    assert info.value.exit_code == 3
    assert {p: p.read_bytes() for p in (out / PHASE).rglob("*") if p.is_file()} == before


def test_whole_documents_convert_while_the_members_render(activity_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("GONGWEN_UNO_PYTHON", raising=False)  # early needs the office
    handed: list[str] = []
    real = convert.convert_many

    def spy(docs, *args, **kwargs):
        handed.extend(kwargs["names"])
        return real(docs, *args, **kwargs)

    monkeypatch.setattr(convert, "convert_many", spy)
    result = run_phase(activity_dir, PHASE, tmp_path / "out")
    assert result.exit_code == 0 and result.bundle is not None
    # the plan and the briefing were converted as soon as they were rendered
    assert sorted(handed) == ["党员承诺书-张三", "党员承诺书-李四", "党员承诺书-王芳"]
    plan, briefing = result.documents[:2]
    plan_text = subprocess.run(["pdftotext", str(plan.pdf), "-"], capture_output=True,
                               text=True, check=True).stdout
    assert "关于开展主题党日活动的实施方案" in plan_text.replace(" ", "")
    assert plan.pages == pdf_pages(plan.pdf) and briefing.pages == pdf_pages(briefing.pdf)
    assert not list((tmp_path / "out" / PHASE).glob("early-*"))  # staging stayed staging


def test_an_early_conversion_that_fails_fails_only_its_job(activity_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("GONGWEN_UNO_PYTHON", raising=False)  # early needs the office
    real = convert.Converter.convert_each

    def failing(self, paths, out_dir, **kwargs):
        if any(Path(p).name.startswith("early-") for p in paths):
            return [ConversionError(f"{Path(p).name}: LibreOffice gave up")
                    for p in paths]
        return real(self, paths, out_dir, **kwargs)

    monkeypatch.setattr(convert.Converter, "convert_each", failing)
    result = run_phase(activity_dir, PHASE, tmp_path / "out")
    assert result.exit_code == 1 and result.bundle is None
    assert {f.job for f in result.failures} == {"plan.yaml", "b1.yaml"}
    assert all("LibreOffice gave up" in f.message for f in result.failures)
    pledges = [d for d in result.documents if d.member]
    assert len(pledges) == 3 and all(d.pdf.is_file() for d in pledges)


def test_ctrl_c_while_converting_early_stops_libreoffice_and_keeps_outputs(
        activity_dir, tmp_path, monkeypatch):
    import time

    monkeypatch.delenv("GONGWEN_UNO_PYTHON", raising=False)  # early needs the office

    out = tmp_path / "out"
    run_phase(activity_dir, PHASE, out)
    before = {p: p.read_bytes() for p in (out / PHASE).rglob("*") if p.is_file()}
    real = batch_run.render_jobs
    seen = {}

    def interrupted(*args, **kwargs):
        real(*args, **kwargs)  # the plan and the briefing start converting
        seen["pid_marker"] = f"gongwen-lo-{os.getpid()}-"
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_run, "render_jobs", interrupted)
    (activity_dir / "plan.yaml").write_text(PLAN.replace("全体党员参加", "全体党员积极参加"),
                                            encoding="utf-8")
    marker = f"gongwen-lo-{os.getpid()}-"
    others = set(processes_with(marker, "soffice"))  # a converter an earlier test left running
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_phase(activity_dir, PHASE, out, force=True)
    assert time.monotonic() - started < 30
    assert {p: p.read_bytes() for p in (out / PHASE).rglob("*") if p.is_file()} == before
    assert seen["pid_marker"] == marker
    leftover = [pid for pid in processes_with(marker, "soffice") if pid not in others]
    assert not leftover, "LibreOffice outlived the interrupted run"



RLO, RLI, PDI, RLM = "\u202e", "\u2067", "\u2069", "\u200f"


def test_bidi_controls_in_data_reach_neither_the_pages_nor_a_file_name(activity_dir, tmp_path):
    """A name with an override (李<U+202E>强) would print its 目录 number backwards
    (15 as 51) and put the control into its file name; so would any other field."""
    extra = "".join(f"党员{chinese_numeral(n)},男,1980.05,2005.07,教师\n" for n in range(1, 10))
    (activity_dir / "members.csv").write_text(
        MEMBERS + extra + f"李{RLO}强,男,1982.04,2008.07,{RLM}教师\n", encoding="utf-8")
    (activity_dir / "plan.yaml").write_text(PLAN.replace(
        "关于开展主题党日活动的实施方案", f"关于开展{RLI}主题党日活动{PDI}的实施方案{RLO}"),
        encoding="utf-8")
    (activity_dir / "pledge.yaml").write_text(PLEDGE.replace(
        "上好每一节课", f"上好每一节课{RLO}（共120节）"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_phase(activity_dir, PHASE, out)
    assert result.exit_code == 0 and not result.failures
    controls = set(BIDI_CONTROLS)
    assert not any(controls & set(p.name) for p in out.rglob("*"))
    assert (out / PHASE / "党员承诺书" / "李强.pdf").is_file()
    assert (out / PHASE / "关于开展主题党日活动的实施方案.pdf").is_file()

    bundle = PdfReader(result.bundle)
    labels = bundle.page_labels
    front = sum(1 for label in labels if not label.isdigit())
    pledges = outline_tree(bundle)[-1]
    assert [title for title, _ in pledges[1]][-1] == "李强"
    starts = {item.title: bundle.get_destination_page_number(item)
              for item in bundle.outline[-1] if not isinstance(item, list)}
    text = subprocess.run(["pdftotext", "-layout", result.bundle, "-"],
                          capture_output=True, text=True, check=True).stdout
    assert not controls & set(text)
    toc = text.split("\f")[1:front]
    line = next(x for page in toc for x in page.splitlines() if "李强" in x)
    printed = re.fullmatch(r"\s*李强\s*(?:\.\s*){3,}(\d+)\s*", line)
    assert printed, line
    assert int(labels[starts["李强"]]) >= 10  # a two-digit number shows a reversal
    assert printed.group(1) == labels[starts["李强"]]
    # the fields are printed as written, without their controls
    assert "关于开展主题党日活动的实施方案" in "".join(text.split())
    assert "上好每一节课（共120节）" in "".join(text.split())
