"""Benchmark: ``gongwen check`` on a 6-page DOCX and on a folder of 100 one-page DOCX.

    python benchmarks/bench_check.py              # 100 one-page forms, naive on 10
    python benchmarks/bench_check.py --folder 100 --naive 10

(a) the sample plan made 6 pages long (its body twice), checked with a warm converter
    (LibreOffice already running, as in ``gongwen serve`` or a second call in a script);
(b) a folder of N one-page DOCX (党员承诺书 of a generated roster): gongwen converts them
    together (one LibreOffice per core) and measures every page;
(c) the naive way for (b): one ``soffice --convert-to pdf`` per file (run on ``--naive``
    files, extrapolated to N), the same measuring.
Targets (issue #11, 2 cores): (a) ≤ 1.5 s, (b) ≤ 10 s.  A script, not a test.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from bench_convert import render_inputs

from gongwen.checker import check, check_pdf_bytes
from gongwen.convert import find_soffice, shared_converter
from gongwen.convert.fonts import soffice_environment
from gongwen.kinds import render_all

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "chuangxian"


def six_pages(work: Path) -> Path:
    plan = (SAMPLE / "plan.yaml").read_text(encoding="utf-8")
    body = (SAMPLE / "plan.md").read_text(encoding="utf-8")
    (work / "plan.md").write_text(body + "\n\n" + body.split("\n", 1)[1], encoding="utf-8")
    (work / "plan.yaml").write_text(plan, encoding="utf-8")
    (document,) = render_all(work / "plan.yaml")
    return Path(document.save(work / "six.docx"))


def forms(work: Path, count: int) -> Path:
    folder = work / "forms"
    folder.mkdir()
    for document in render_inputs(count, work):
        document.save(folder / f"{document.title}.docx")
    return folder


def naive(files: list[Path], work: Path) -> float:
    soffice = find_soffice()
    env = soffice_environment()
    start = time.perf_counter()
    for path in files:
        out = work / "naive"
        subprocess.run([str(soffice), "--headless", "--convert-to", "pdf", "--outdir", str(out),
                        str(path)], env=env, check=True, capture_output=True)
        check_pdf_bytes((out / f"{path.stem}.pdf").read_bytes(), path.name)
    return (time.perf_counter() - start) / len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=int, default=100)
    parser.add_argument("--naive", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docx = six_pages(work)
        folder = forms(work, args.folder)
        shared_converter().convert_bytes(docx.read_bytes(), name="warm")  # LibreOffice up
        times = []
        for _ in range(3):
            start = time.perf_counter()
            report = check(docx)
            times.append(time.perf_counter() - start)
        pages = len(__import__("pypdf").PdfReader(__import__("io").BytesIO(report.pdfs[str(docx)])).pages)
        print(f"(a) {pages}-page DOCX, warm converter: best {min(times):.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in times)}), {len(report.findings)} findings")
        start = time.perf_counter()
        report = check(folder)
        batch = time.perf_counter() - start
        print(f"(b) folder of {len(report.checked)} one-page DOCX: {batch:.2f} s "
              f"({batch / len(report.checked) * 1000:.0f} ms a file), "
              f"{len(report.findings)} findings, {len(report.unreadable)} unreadable")
        files = sorted(folder.glob("*.docx"))[: args.naive]
        per_file = naive(files, work)
        print(f"(c) naive, one soffice per file: {per_file * 1000:.0f} ms a file → "
              f"≈ {per_file * len(report.checked):.1f} s for {len(report.checked)} "
              f"({per_file * len(report.checked) / batch:.1f}× (b))")


if __name__ == "__main__":
    main()
