"""Output paths that cannot be written: a read-only folder, an ``-o`` naming a file, a
path through a file.  ``render`` and ``batch`` say so in one line naming the path, exit
with code 3 (as ``bundle`` does) and write nothing."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PLAN_YAML
from pypdf import PdfReader
from test_batch import ACTIVITY, BRIEFING, PHASE, PLAN, PLEDGE

from gongwen.cli import main


@contextlib.contextmanager
def made_read_only(folder: Path) -> Iterator[Path]:
    """``folder`` as nobody may write in it, root included (immutable, as on a
    read-only mount: permission bits do not stop root)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot make a folder read-only for root here: {made.stderr!r}")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """An empty folder nobody may write in."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    with made_read_only(folder):
        yield folder


PLACES = ["read-only folder", "new folder in a read-only one", "an existing file",
          "a path through a file"]


def bad_output(place: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, str]:
    """The ``-o`` of ``place``, and what the message must say of it."""
    if "read-only" in place:
        read_only = request.getfixturevalue("read_only")
        output = read_only if place == "read-only folder" else read_only / "sub"
        return output, f"{output}: cannot write there"
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder", encoding="utf-8")
    return (a_file if place == "an existing file" else a_file / "sub",
            f"{a_file} is a file, not a folder")


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def one_error_line(result) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ") and "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("place", PLACES)
def test_render_names_an_output_path_it_cannot_write(tmp_path, request, place, fmt):
    data = tmp_path / "plan.yaml"
    data.write_text(PLAN_YAML, encoding="utf-8")
    output, says = bad_output(place, tmp_path, request)
    before = files_under(tmp_path)
    result = CliRunner().invoke(main, ["render", str(data), "-o", str(output), "-f", fmt])
    assert result.exit_code == 3, result.output
    line = one_error_line(result)
    assert says in line and "(hint: " in line
    assert files_under(tmp_path) == before  # nothing written, not even a temporary file


def test_render_names_a_single_file_target_in_a_read_only_folder(tmp_path, read_only):
    data = tmp_path / "plan.yaml"
    data.write_text(PLAN_YAML, encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(data), "-o", str(read_only / "方案.docx")])
    assert result.exit_code == 3
    assert f"{read_only}: cannot write there" in one_error_line(result)


def test_a_bundle_in_a_read_only_folder_fails_before_any_conversion(tmp_path, read_only):
    data = tmp_path / "plan.yaml"
    data.write_text(PLAN_YAML, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(data), "-o", str(out),
                                       "--bundle", str(read_only / "汇编.pdf")])
    assert result.exit_code == 3
    assert str(read_only) in one_error_line(result)
    assert not list(out.iterdir())  # it failed before writing a document


@pytest.fixture
def activity(tmp_path: Path) -> Path:
    folder = tmp_path / "activity"
    folder.mkdir()
    for name, text in {"activity.yaml": ACTIVITY, "plan.yaml": PLAN, "b1.yaml": BRIEFING,
                       "pledge.yaml": PLEDGE,
                       "members.csv": "姓名,性别\n张三,男\n李四,女\n"}.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.mark.parametrize("place", PLACES)
def test_batch_names_an_output_path_it_cannot_write(activity, tmp_path, request, place):
    output, says = bad_output(place, tmp_path, request)
    before = files_under(tmp_path)
    result = CliRunner().invoke(main, ["batch", str(activity), "--phase", PHASE,
                                       "-o", str(output)])
    assert result.exit_code == 3, result.output
    line = one_error_line(result)
    assert says.replace(": cannot", f"/{PHASE}: cannot") in line  # -o's folder for the phase
    assert files_under(tmp_path) == before


def test_batch_names_a_phase_folder_made_read_only(activity, tmp_path):
    # the phase's folder is there from an earlier run, but may not be written now
    out = tmp_path / "out"
    (out / PHASE).mkdir(parents=True)
    with made_read_only(out / PHASE):
        result = CliRunner().invoke(main, ["batch", str(activity), "--phase", PHASE,
                                           "-o", str(out)])
        assert result.exit_code == 3
        assert f"{out / PHASE}: cannot write there" in one_error_line(result)
        assert not list((out / PHASE).iterdir())


#: folder and file names LibreOffice's command line would read as parts of a URL
URL_LIKE_NAMES = ["a#b", "a?b", "a;b", "a%25b", "a b", "党员 材料"]


def test_the_soffice_fallback_writes_into_folders_with_url_like_names(tmp_path, monkeypatch):
    from docx import Document as new_docx

    from gongwen.convert import Converter

    monkeypatch.setenv("GONGWEN_UNO_PYTHON", "none")  # soffice --convert-to, not UNO
    with Converter(workers=1) as converter:
        assert converter.engine == "cli"
        for name in URL_LIKE_NAMES:
            folder = tmp_path / name
            folder.mkdir()
            source = folder / f"{name} 通知.docx"
            doc = new_docx()
            doc.add_paragraph(f"路径测试 {name}")
            doc.save(str(source))
            (pdf,) = converter.convert([source], folder / "pdf")
            assert pdf == folder / "pdf" / f"{name} 通知.pdf" and pdf.is_file()
            text = PdfReader(pdf).pages[0].extract_text().replace(" ", "")
            assert f"路径测试{name.replace(' ', '')}" in text
    made = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf"))
    assert made == sorted(f"{n}/pdf/{n} 通知.pdf" for n in URL_LIKE_NAMES)  # none elsewhere


def test_render_with_the_soffice_fallback_into_a_folder_named_with_a_hash(tmp_path):
    data = tmp_path / "plan.yaml"
    data.write_text(PLAN_YAML, encoding="utf-8")
    out = tmp_path / "材料 #1;?%25"
    env = dict(os.environ, GONGWEN_UNO_PYTHON="none", PYTHONPATH=os.pathsep.join(
        [str(Path(__file__).parents[1] / "src"), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "gongwen.cli", "render", str(data), "-o",
                           str(out), "-f", "pdf"], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    (pdf,) = out.glob("*.pdf")
    assert pdf.name == "关于开展主题党日活动的实施方案.pdf"
    assert len(PdfReader(pdf).pages) >= 1


@pytest.mark.parametrize("place", ["read-only folder", "an existing file"])
def test_init_names_a_folder_it_cannot_write(tmp_path, request, place):
    parent, says = bad_output(place, tmp_path, request)
    before = files_under(tmp_path)
    result = CliRunner().invoke(main, ["init", str(parent / "我的活动")])
    assert result.exit_code == 3, result.output
    assert says in one_error_line(result)
    assert files_under(tmp_path) == before


def test_a_batch_with_the_soffice_fallback_into_a_folder_with_url_like_names(
        activity, tmp_path, monkeypatch):
    from gongwen.batch import run_phase

    monkeypatch.setenv("GONGWEN_UNO_PYTHON", "none")
    out = tmp_path / "材料 #1;?%25"
    result = run_phase(activity, PHASE, out)
    assert result.exit_code == 0 and result.bundle is not None
    folder = out / PHASE
    assert {d.pdf for d in result.documents} == {
        folder / "关于开展主题党日活动的实施方案.pdf", folder / "主题党日简报第1期.pdf",
        folder / "党员承诺书" / "张三.pdf", folder / "党员承诺书" / "李四.pdf"}
    assert all(len(PdfReader(d.pdf).pages) == d.pages for d in result.documents)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("材料")] == [out.name]


@pytest.mark.parametrize("place", PLACES)
def test_format_names_an_output_path_it_cannot_write(tmp_path, request, place):
    draft = tmp_path / "通知.txt"
    draft.write_text("关于开展主题党日活动的通知\n\n各党小组：\n    请按时参加。\n", encoding="utf-8")
    output, says = bad_output(place, tmp_path, request)
    before = files_under(tmp_path)
    result = CliRunner().invoke(main, ["format", str(draft), "-o", str(output)])
    assert result.exit_code == 3, result.output
    assert says in one_error_line(result)
    assert files_under(tmp_path) == before
