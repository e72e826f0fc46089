"""The office engine: LibreOffice kept running between conversions, driven over UNO.

These run the real LibreOffice with the Python bridge that scripts/setup installs
(python3-uno); the fall-back to ``soffice --convert-to`` is exercised by hiding it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from convert_samples import sample_docx, template_bytes
from processes import processes_with
from pypdf import PdfReader

from gongwen.bundle.assemble import BundleEntry, build_bundle
from gongwen.convert import Converter, convert_many, shared_converter
from gongwen.convert.office import UNO_PYTHON_ENV


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("office-docs")
    template = template_bytes()
    paths = []
    for number in range(1, 5):
        path = folder / f"文件{number}.docx"
        path.write_bytes(sample_docx(number, pages=1 + number % 2, template=template,
                                     faces=False))
        paths.append(path)
    return paths


def text_of(pdf: Path) -> str:
    return "".join("".join((page.extract_text() or "").split())
                   for page in PdfReader(str(pdf)).pages)


def office_pids(conv: Converter) -> set[int]:
    return {w.office.proc.pid for w in conv._all if w.office is not None}


def test_setup_gives_the_office_engine(docs, tmp_path):
    with Converter(workers=1) as conv:
        assert conv.engine == "office"
        (pdf,) = conv.convert(docs[:1], tmp_path)
        assert conv.version >= (24,)
    assert "第1号文件" in text_of(pdf)


def test_one_office_serves_many_calls(docs, tmp_path):
    with Converter(workers=1) as conv:
        before = office_pids(conv)
        for round_ in range(3):
            pdfs = conv.convert(docs, tmp_path / f"round-{round_}")
            assert [len(PdfReader(str(p)).pages) for p in pdfs] == [2, 1, 2, 1]
        assert office_pids(conv) == before, "LibreOffice was restarted between calls"
        root = str(conv._root)
        assert processes_with(root)
    assert not processes_with(root), "closing the converter left LibreOffice running"


def test_office_and_cli_engines_agree(docs, tmp_path):
    with Converter(workers=1, engine="cli") as cli, Converter(workers=1) as office:
        assert cli.engine == "cli"
        by_cli = cli.convert(docs, tmp_path / "cli")
        by_office = office.convert(docs, tmp_path / "office")
    for a, b in zip(by_cli, by_office, strict=True):
        assert len(PdfReader(str(a)).pages) == len(PdfReader(str(b)).pages)
        assert text_of(a) == text_of(b)


def test_a_killed_office_is_replaced(docs, tmp_path):
    with Converter(workers=1) as conv:
        conv.convert(docs[:1], tmp_path / "first")
        worker = conv._all[0]
        office_bin = [pid for pid in processes_with(str(worker.profile)) if pid !=
                      worker.office.proc.pid]
        assert office_bin, "no LibreOffice process found for the worker's profile"
        for pid in office_bin:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        pdfs = conv.convert(docs, tmp_path / "after")
        assert [text_of(p).count("第") >= 1 for p in pdfs] == [True] * len(docs)
        assert conv._all[0] is not worker


@pytest.mark.parametrize("python", ["none", sys.executable])
def test_without_the_bridge_the_cli_does_the_work(docs, tmp_path, monkeypatch, python):
    """``none`` switches the bridge off; a Python without ``uno`` (the test's own
    virtualenv) fails at start-up and the converter carries on with the CLI."""
    monkeypatch.setenv(UNO_PYTHON_ENV, python)
    with Converter(workers=1) as conv:
        pdfs = conv.convert(docs[:2], tmp_path)
        assert conv.engine == "cli"
    assert "第2号文件" in text_of(pdfs[1])


def test_documents_and_bundle_share_one_office(docs, tmp_path):
    shared = shared_converter()
    before = office_pids(shared)
    result = convert_many(docs, tmp_path / "pdf", strategy="batch")
    entries = [BundleEntry(pdf, pdf.stem) for pdf in result.pdfs]
    bundle = build_bundle(entries, tmp_path / "bundle.pdf", title="材料汇编")
    assert shared_converter() is shared
    assert office_pids(shared) == before
    assert bundle.page_count == 2 + sum(result.page_counts)  # cover, 目录, the documents


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (from /proc's parent links)."""
    parents: dict[int, int] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_killed_run_leaves_no_libreoffice_behind(tmp_path):
    """``kill -9`` of a batch run while LibreOffice and the render workers are up: the
    workers die with it, and LibreOffice quits once it sees gongwen gone."""
    root = Path(__file__).resolve().parents[1]
    code = ("import sys; from gongwen.batch import run_phase; "
            f"run_phase({str(root / 'samples' / 'chuangxian')!r}, '发动部署', sys.argv[1])")
    run = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "out")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    below: set[int] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and run.poll() is None:
        below = descendants(run.pid)
        if any(b"soffice.bin" in Path(f"/proc/{pid}/cmdline").read_bytes()
               for pid in below if Path(f"/proc/{pid}/cmdline").exists()):
            break
        time.sleep(0.05)
    assert run.poll() is None, "the run ended before LibreOffice was seen"
    below = descendants(run.pid)
    run.kill()
    run.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(pid) for pid in below):
        time.sleep(0.1)
    assert not [pid for pid in below if alive(pid)], "processes outlived the killed run"


def test_folders_of_dead_runs_are_swept(tmp_path, monkeypatch):
    """A killed run cannot delete its LibreOffice profiles; the next converter does."""
    import tempfile

    from gongwen.convert.profiles import ROOT_PREFIX, new_root

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{ROOT_PREFIX}{dead.pid}-abc" / "profile-1"
    stale.mkdir(parents=True)
    mine = tmp_path / f"{ROOT_PREFIX}{os.getpid()}-live"
    mine.mkdir()
    root = new_root()
    assert root.parent == tmp_path and root.name.startswith(f"{ROOT_PREFIX}{os.getpid()}-")
    assert not stale.parent.exists() and mine.exists()


def test_relative_folders(docs, tmp_path, monkeypatch):
    """``gongwen batch … -o out/``: the office runs elsewhere, so paths must be absolute."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    source = Path("in") / "相对.docx"
    source.write_bytes(docs[0].read_bytes())
    with Converter(workers=1) as conv:
        (pdf,) = conv.convert([source], Path("out") / "pdf")
        result = convert_many([source.read_bytes()] * 3, "many", names=["甲", "乙", "丙"],
                              converter=conv)
    assert (tmp_path / "out" / "pdf" / "相对.pdf").is_file() and pdf.is_file()
    assert [p.name for p in result.pdfs] == ["甲.pdf", "乙.pdf", "丙.pdf"]
    assert all((tmp_path / "many" / p.name).is_file() for p in result.pdfs)


def test_a_phase_without_the_bridge(tmp_path):
    """The whole batch on ``soffice --convert-to``: merging workers fork while other
    threads start LibreOffice, which once left a start waiting forever on a pipe that a
    forked worker had inherited.  Run in a child with a time limit, so a hang fails."""
    root = Path(__file__).resolve().parents[1]
    code = ("import sys; from gongwen.batch import run_phase; "
            f"r = run_phase({str(root / 'samples' / 'chuangxian')!r}, '发动部署', sys.argv[1]); "
            "sys.exit(r.exit_code)")
    env = dict(os.environ, **{UNO_PYTHON_ENV: "none"})
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    (bundle,) = (tmp_path / "发动部署").glob("*材料汇编.pdf")
    assert len(PdfReader(str(bundle)).pages) > 10


def test_convert_each_keeps_one_failure_to_its_file(docs, tmp_path):
    import zipfile

    from gongwen.errors import ConversionError

    bad = tmp_path / "坏文件.docx"
    with zipfile.ZipFile(bad, "w") as package:
        package.writestr("[Content_Types].xml", "garbage")
        package.writestr("word/document.xml", "<<< not xml")
    with Converter(workers=1) as conv:
        good, failed = conv.convert_each([docs[0], bad], tmp_path / "out")
    assert isinstance(failed, ConversionError) and "坏文件.docx" in str(failed)
    assert good == tmp_path / "out" / f"{docs[0].stem}.pdf"
    assert "第1号文件" in text_of(good)
    assert not (tmp_path / "out" / "坏文件.pdf").exists()


def test_libreoffice_version_is_cached_per_installation(tmp_path, monkeypatch):
    from gongwen.convert import find_soffice
    from gongwen.convert import libreoffice as lo

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lo._version_of.cache_clear()
    soffice = find_soffice()
    try:
        asked = lo.libreoffice_version(soffice)
        (cached,) = (tmp_path / "gongwen").glob("lo-version-*")
        assert cached.read_text() == ".".join(map(str, asked))
        cached.write_text("99.1")  # what is cached is what a new process believes
        lo._version_of.cache_clear()
        assert lo.libreoffice_version(soffice) == (99, 1)
    finally:
        lo._version_of.cache_clear()
