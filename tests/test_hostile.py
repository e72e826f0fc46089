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
    seconds: float  # CPU time of the child: what the machine's load does not change


def _limit_memory() -> None:
    limit = MEMORY_MB << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def gongwen(*args: str | Path, env: dict[str, str] | None = None) -> Outcome:
    """Run ``gongwen args`` in a child limited to MEMORY_MB of address space."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run([sys.executable, "-c", "from gongwen.cli import main; main()",
                               *map(str, args)], capture_output=True, text=True,
                              timeout=SECONDS, env=environ, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"gongwen {' '.join(map(str, args))} ran more than {SECONDS} s")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Outcome(done.returncode, done.stderr, done.stdout, cpu)


def assert_refused(outcome: Outcome, file: Path, *words: str) -> str:
    """Exit 2, one line naming ``file`` and containing ``words``, no traceback (a
    ``note:`` line saying that an activity folder's values apply may come first)."""
    message = "\n".join(line for line in outcome.stderr.strip().splitlines()
                        if not line.startswith("note: "))
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
    assert outcome.seconds < 3, message
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
    ("braces.yaml", "kind: plan\nx: " + "{a: " * 200_000 + "1" + "}" * 200_000 + "\n"),
    ("deep.json", '{"kind": "plan", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n"),
    ("block.yaml", "kind: plan\nx:\n" + "".join("  " * k + "- \n" for k in range(1, 200))),
])
def test_deep_nesting_is_refused(tmp_path: Path, name: str, text: str):
    data = tmp_path / name
    data.write_text(text, encoding="utf-8")
    outcome = gongwen("render", data, "-o", tmp_path / "out")
    message = assert_refused(outcome, data, "nested too deeply", "32 levels")
    assert outcome.seconds < 3, message


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
    assert outcome.seconds < 3


def test_a_huge_title_is_refused_naming_its_field(tmp_path: Path):
    data = write(tmp_path, "plan.yaml", PLAN_YAML.replace(
        "title: 关于开展主题党日活动的实施方案", "title: 关于" + "测" * 100_000 + "的实施方案"))
    outcome = gongwen("render", data, "-o", tmp_path / "out")
    assert_refused(outcome, data, ":5: title: is 100,007 characters long", "hint:")
    assert outcome.seconds < 8 and not (tmp_path / "out").exists()


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


# --- 21. user templates ------------------------------------------------------------------


def user_template(folder: Path, code: str, kind: str = "plan", name: str = "mine.docx"
                  ) -> Path:
    """The built-in ``kind`` template with a paragraph 「附注：<code>」 of its own."""
    from docx import Document

    from gongwen.templating.registry import builtin_template

    document = Document(io.BytesIO(builtin_template(kind)))
    anchor = next(p for p in document.paragraphs if p.text.startswith("{{p "))
    anchor.insert_paragraph_before("附注：" + code)
    path = folder / name
    document.save(str(path))
    return path


TEMPLATE_CASES = [
    ("include", "{% include 'other.docx' %}", "templates cannot include files"),
    ("extends", "{% extends 'base.docx' %}", "templates cannot include files"),
    ("import", "{% import 'macros' as m %}{{ m.x }}", "templates cannot include files"),
    ("huge range", "{{ range(10**9)|list }}", "range() of 1,000,000,000 numbers"),
    ("string times", "{{ 'A' * 2000000000 }}", "'*' would make a value of 2,000,000,000"),
    ("list times", "{{ ['x' * 1000] * 100000 }}", "'*' would make a value of"),
    ("padding", "{{ 'x'.center(2000000000) }}", "center() would make"),
    ("filter width", "{{ 'x'|indent(2000000000) }}", "indent() would make"),
    ("printf width", "{{ '%2000000000d' % 1 }}", "a width in '%'"),
    ("format width", "{{ '{:>2000000000}'.format(1) }}", "a width in format()"),
    ("replace", "{{ ('x' * 100000).replace('x', 'y' * 1000) }}", "replace() would make"),
    ("power", "{{ 2 ** 100000000 }}", "'**' would make a number"),
    ("doubling", "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
     "{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "it made a value of 16,777,216"),
    ("output", "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "rendered more than"),
    ("mutation", "{% set _ = title_lines.append('x') %}", "'append' of 'list' object is unsafe"),
    ("division", "{{ 1 / 0 }}", "ZeroDivisionError"),
    ("recursion", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "too deeply"),
]


@pytest.mark.parametrize(("name", "code", "what"), TEMPLATE_CASES,
                         ids=[case[0] for case in TEMPLATE_CASES])
def test_a_hostile_template_is_one_line_naming_its_paragraph(tmp_path: Path, name: str,
                                                              code: str, what: str):
    template = user_template(tmp_path, code)
    data = write(tmp_path, "plan.yaml", PLAN_YAML)
    outcome = gongwen("render", data, "--template", template, "-o", tmp_path / "out")
    message = assert_refused(outcome, template, what)
    assert "in the paragraph 「附注：" in message, message
    assert outcome.seconds < 8, message
    assert not (tmp_path / "out").exists()


def test_endless_loops_stop_at_the_cpu_limit(tmp_path: Path):
    template = user_template(tmp_path, "{% for i in range(100000) %}"
                             "{% for j in range(100000) %}{% endfor %}{% endfor %}")
    data = write(tmp_path, "plan.yaml", PLAN_YAML)
    from gongwen.templating import sandbox

    assert sandbox.MAX_RENDER_SECONDS <= 10
    start = time.thread_time()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sandbox, "MAX_RENDER_SECONDS", 0.5)
        with pytest.raises(Exception) as caught:
            import gongwen

            gongwen.render(data, template=template)
    from gongwen.errors import TemplateError

    assert caught.type is TemplateError
    assert "took more than 0.5 s of CPU time" in str(caught.value)
    assert "附注：{% for i in range(100000) %}" in str(caught.value)
    assert time.thread_time() - start < 5


def test_memory_growth_stops_the_template(tmp_path: Path, monkeypatch):
    from gongwen import render
    from gongwen.errors import TemplateError
    from gongwen.templating import sandbox

    monkeypatch.setattr(sandbox, "MAX_RENDER_MEMORY", 8 << 20)
    template = user_template(tmp_path, "{{ range(100000)|map('string')|map('center', 300)"
                             "|list|length }}")
    data = write(tmp_path, "plan.yaml", PLAN_YAML)
    with pytest.raises(TemplateError, match="used more than 8 MB of memory"):
        render(data, template=template)


def test_a_fair_template_renders_its_code(tmp_path: Path):
    from docx import Document

    from gongwen import render

    template = user_template(tmp_path, "共{{ title_lines|length }}行：{{ title_lines|join('、') }}"
                             "{% for i in range(3) %}{{ i * 2 }}{% endfor %}"
                             "{{ '%05d' % 42 }}{{ '{:>4}'.format(7) }}")
    data = write(tmp_path, "plan.yaml", PLAN_YAML)
    document = Document(io.BytesIO(render(data, template=template).docx))
    texts = [p.text for p in document.paragraphs]
    assert "附注：共1行：关于开展主题党日活动的实施方案02400042   7" in texts, texts


def _zip_bomb(template: Path, inflated: int) -> bytes:
    """``template`` with its document.xml padded (in an XML comment) to ``inflated``
    bytes: a zip bomb of about a thousandth of that size."""
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != "word/document.xml":
                bomb.writestr(info.filename, data)
                continue
            head, tail = data.split(b"</w:body>")
            with bomb.open("word/document.xml", "w") as part:
                part.write(head + b"<!--")
                chunk = b" " * (1 << 20)
                for _ in range((inflated - len(data)) >> 20):
                    part.write(chunk)
                part.write(b"--></w:body>" + tail)
    return out.getvalue()


def test_a_zip_bomb_template_is_refused_before_parsing(tmp_path: Path):
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(_zip_bomb(user_template(tmp_path, "x"), 1 << 30))
    assert bomb.stat().st_size < 2 << 20
    data = write(tmp_path, "plan.yaml", PLAN_YAML)
    outcome = gongwen("render", data, "--template", bomb, "-o", tmp_path / "out")
    assert_refused(outcome, bomb, "zip bomb", "declare 1,023 MB inflated, more than 64 MB")


def test_a_part_that_lies_about_its_size_is_refused(tmp_path: Path):
    from gongwen.errors import TemplateError
    from gongwen.templating.engine import check_docx

    data = bytearray(_zip_bomb(user_template(tmp_path, "x"), 32 << 20))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    name = b"word/document.xml"  # its size in the local header and the central directory
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_at:start + name_at + len(name)] == name:
                data[start + size_at:start + size_at + 4] = (4096).to_bytes(4, "little")
            start += 4
    assert info.file_size > 30 << 20
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml").file_size \
        == 4096
    with pytest.raises(TemplateError, match="not a readable template"):
        check_docx(bytes(data), "liar.docx")


def test_in_a_batch_a_hostile_template_fails_only_its_documents(tmp_path: Path):
    from test_batch import ACTIVITY, BRIEFING, MEMBERS, PHASE, PLAN, PLEDGE

    from gongwen.batch import run_phase

    folder = tmp_path / "activity"  # test_batch's small activity, its pledge on evil.docx
    folder.mkdir()

    for name, text in {"plan.yaml": PLAN, "b1.yaml": BRIEFING, "pledge.yaml": PLEDGE,
                       "members.csv": MEMBERS}.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (folder / "activity.yaml").write_text(textwrap.dedent(ACTIVITY).replace(
        "      - pledge.yaml", "      - {文件: pledge.yaml, 模板: evil.docx}"), encoding="utf-8")
    user_template(folder, "{% include 'secret.docx' %}", kind="pledge", name="evil.docx")
    result = run_phase(folder, PHASE, tmp_path / "out")
    assert result.exit_code == 1
    assert [f.job for f in result.failures] == ["pledge.yaml"], result.failures
    (failure,) = result.failures
    assert "evil.docx" in failure.message and "templates cannot include files" in failure.message
    assert "Traceback" not in failure.message
    assert [d.member for d in result.documents] == [None, None]  # the plan and the 简报
    made = sorted(p.suffix for p in (tmp_path / "out" / PHASE).glob("*.*") if p.is_file())
    assert made.count(".pdf") == 2 and made.count(".docx") == 2, made


def test_the_limits_never_bite_on_a_big_branch(tmp_path: Path):
    """A 1,000-member roster and tallies, and the 1,000-row 汇总表 rendered through the
    committed template as a user template (so in the sandbox), well inside every limit."""
    from docx import Document

    from gongwen import render
    from gongwen.templating.registry import template_dir

    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏"
    names = [f"{surnames[i % 30]}{chr(0x4E00 + 0x100 + i)}{chr(0x4E00 + 0x300 + i % 97)}"
             for i in range(1000)]
    roster = tmp_path / "members.csv"
    roster.write_text("序号,姓名,性别,出生年月,入党时间,职务,编号\n" + "".join(
        f"{i + 1},{name},{'男女'[i % 2]},1980.05,2005.07,教师,N{i:04d}\n"
        for i, name in enumerate(names)), encoding="utf-8")
    tallies = tmp_path / "tallies.csv"
    tallies.write_text("姓名,编号,互评优秀,互评合格,互评基本合格,互评不合格,群众优秀,群众合格,"
                       "群众基本合格,群众不合格\n" + "".join(
                           f"{name},N{i:04d},{i % 7},{60 - i % 7},0,0,{i % 5},{30 - i % 5},0,0\n"
                           for i, name in enumerate(names)), encoding="utf-8")
    data = write(tmp_path, "summary.yaml", """\
        类型: evaluation
        表式: 汇总表
        标题: 民主评议党员结果汇总表
        党支部: 中共测试县第二小学支部委员会
        评议日期: 2026-05-28
        花名册: members.csv
        计票: tallies.csv
        参评人数: {互评: 60, 群众: 30}
        """)
    start = time.thread_time()
    document = render(data, template=template_dir() / "evaluation-summary.docx")
    assert time.thread_time() - start < 30
    rows = [row for table in Document(io.BytesIO(document.docx)).tables for row in table.rows]
    cells = {row.cells[1].text for row in rows if len(row.cells) > 1}
    assert set(names) <= cells


def _cut_part(data: bytes, prefix: str) -> bytes:
    """A package whose part starting with ``prefix`` is cut in half (malformed XML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as cut:
        for info in source.infolist():
            part = source.read(info)
            cut.writestr(info.filename, part[:len(part) // 2]
                         if info.filename.startswith(prefix) else part)
    return out.getvalue()


def test_malformed_xml_in_a_template_or_workbook_is_one_line(tmp_path: Path, sample_dir: Path):
    template = tmp_path / "cut.docx"
    template.write_bytes(_cut_part(user_template(tmp_path, "x").read_bytes(),
                                   "word/document.xml"))
    data = write(tmp_path, "plan.yaml", PLAN_YAML)
    outcome = gongwen("render", data, "--template", template, "-o", tmp_path / "out")
    assert_refused(outcome, template, "is not a readable .docx file")
    workbook = tmp_path / "cut.xlsx"
    workbook.write_bytes(_cut_part((sample_dir / "members.xlsx").read_bytes(),
                                   "xl/worksheets/sheet"))
    outcome = gongwen("render", sample_dir / "pledge.yaml", "--roster", workbook,
                      "-o", tmp_path / "out")
    assert_refused(outcome, workbook, "is not a readable .xlsx workbook")
