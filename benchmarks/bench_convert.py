"""Benchmark: N one-page 党员承诺书 → one PDF each plus a bundle, three ways, in one run.

    python benchmarks/bench_convert.py                     # N = 20, 100, 1000
    python benchmarks/bench_convert.py --sizes 20,100 --naive 10

(i)   naive: one ``soffice --convert-to pdf`` per document (run for ``--naive`` documents
      only; the per-document time is extrapolated to N), PDFs merged with pypdf;
(ii)  batch: one ``soffice --convert-to pdf`` with all N files, merged with pypdf;
(iii) gongwen: :func:`gongwen.convert.convert_many` (documents of one template combined,
      converted once per worker, split by bookmark) + :func:`gongwen.build_bundle`
      (cover, 目录, bookmarks, shared fonts).

Inputs are 党员承诺书 rendered once with gongwen for a generated roster of N members
(plans when this gongwen has no pledge kind), cached in the work directory; rendering
is timed apart.  Each
way runs in a fresh Python process, so its peak RSS (``getrusage`` of the process plus
the largest LibreOffice child) is its own.  Both LibreOffice profiles are warmed first.
This is a script, not a test: it prints a table and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from peakrss import DescendantPeaks
from pypdf import PdfWriter

import gongwen
import gongwen.models
from gongwen.bundle.assemble import BundleEntry, build_bundle
from gongwen.convert import convert_many, find_soffice
from gongwen.convert.fonts import soffice_environment

DEFAULT_SIZES = (20, 100, 1000)
DEFAULT_NAIVE = 20
#: the targets of issue 3 (2 cores): seconds for N documents, and speed-up over (i)
TARGET_SECONDS = {100: 2.5, 1000: 10.0}
TARGET_SPEEDUP = 30
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "明华建国志强秀英丽敏静伟芳军洋勇艳杰娟涛超霞平刚桂"


# --- inputs ------------------------------------------------------------------------

def member(i: int) -> str:
    """A distinct three-character name for every i below 13 520."""
    return (SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
            + GIVEN[(i // (len(SURNAMES) * len(GIVEN))) % len(GIVEN)])


ROSTER_HEADER = "序号,姓名,性别,民族,出生年月,入党时间,学历,职务（岗位）,所在支部,编号,备注\n"
PLEDGE = {
    "kind": "pledge",
    "标题": "党员承诺书",
    "党支部": "都江市实验中学党支部",
    "引言": "为深入开展创先争优活动，围绕“五带五争”要求，争当优秀共产党员，",
    "承诺事项": {
        "学习钻研": ["认真学习党的理论和教育教学新理念，每学期精读一本教育专著。"],
        "为人师表": ["加强师德修养，严于律己，言传身教，不从事有偿家教。"],
        "服务群众": ["结对帮扶一名学习困难或家庭困难学生，每月至少家访一次。"],
        "爱岗敬业": ["立足本职岗位，认真备课上课，所教学科成绩争先进位。"],
        "遵纪守法": ["自觉遵守党的纪律和国家法律法规，按时足额交纳党费。"],
    },
    "承诺日期": "2024-09-20",
}


def roster_csv(count: int) -> str:
    rows = [f"{i + 1},{member(i)},{'男女'[i % 2]},汉族,19{50 + i % 30}.0{1 + i % 9},"
            f"20{i % 20:02d}.07,本科,教师,都江市实验中学党支部,DJS{i + 1:05d},"
            for i in range(count)]
    return ROSTER_HEADER + "\n".join(rows) + "\n"


def plan_data(i: int) -> dict:
    """A one-page plan (used when this gongwen has no pledge kind)."""
    name = member(i)
    return {"kind": "plan", "organ": "中共都江市实验中学支部委员会",
            "title": f"{name}同志创先争优公开承诺事项实施方案",
            "body": f"为深入开展创先争优活动，{name}同志结合岗位实际，作出如下承诺。\n",
            "date": "2024-09-20"}


def render_inputs(count: int, folder: Path) -> list:
    """``count`` one-page documents: 党员承诺书 for a roster of ``count`` members."""
    if "pledge" not in gongwen.models.KINDS:
        return [gongwen.render(plan_data(i)) for i in range(count)]
    (folder / "members.csv").write_text(roster_csv(count), encoding="utf-8")
    return gongwen.render_all(PLEDGE, roster=folder / "members.csv")


def ensure_inputs(workdir: Path, count: int) -> tuple[list[Path], float]:
    """``count`` rendered DOCX files and their titles (cached in ``workdir``); returns
    the files and the seconds one render took (NaN when all were cached)."""
    folder = workdir / "docx"
    index = folder / "titles.json"
    if index.exists() and len(json.loads(index.read_text(encoding="utf-8"))) >= count:
        return [folder / f"doc-{i + 1:04d}.docx" for i in range(count)], float("nan")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    documents = render_inputs(count, folder)
    per_doc = (time.perf_counter() - started) / count
    paths = []
    for i, document in enumerate(documents):
        paths.append(folder / f"doc-{i + 1:04d}.docx")
        paths[-1].write_bytes(document.to_bytes())
    index.write_text(json.dumps([d.title for d in documents], ensure_ascii=False),
                     encoding="utf-8")
    return paths, per_doc


def titles(workdir: Path, count: int) -> list[str]:
    return json.loads((workdir / "docx" / "titles.json").read_text(encoding="utf-8"))[:count]


# --- the three ways (each run in its own process by main) ---------------------------------

def soffice_cmd(profile: Path, out: Path, files: list[Path]) -> list[str]:
    return [str(find_soffice()), f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--norestore", "--convert-to", "pdf", "--outdir", str(out), *map(str, files)]


def naive_merge(pdfs: list[Path], target: Path) -> int:
    """A bundle the plain way: pypdf appends every PDF (each brings its own fonts)."""
    writer = PdfWriter()
    for pdf in pdfs:
        if pdf.is_file():
            writer.append(str(pdf))
    with open(target, "wb") as handle:
        writer.write(handle)
    return target.stat().st_size


def way_naive(files: list[Path], out: Path, profile: Path, names: list[str]) -> dict:
    for path in files:
        subprocess.run(soffice_cmd(profile, out, [path]), env=soffice_environment(),
                       capture_output=True, check=True)
    pdfs = [out / f"{path.stem}.pdf" for path in files]
    return {"bundle_bytes": naive_merge(pdfs, out / "bundle.pdf"), "missing": _missing(pdfs)}


def way_batch(files: list[Path], out: Path, profile: Path, names: list[str]) -> dict:
    # soffice exits 0 even when it skipped files: the missing PDFs are counted, not fatal
    subprocess.run(soffice_cmd(profile, out, files), env=soffice_environment(),
                   capture_output=True, check=False)
    pdfs = [out / f"{path.stem}.pdf" for path in files]
    return {"bundle_bytes": naive_merge(pdfs, out / "bundle.pdf"), "missing": _missing(pdfs)}


def way_gongwen(files: list[Path], out: Path, profile: Path, names: list[str]) -> dict:
    mark = time.perf_counter()
    result = convert_many(files, out, titles=names)
    converted = time.perf_counter() - mark
    # pages from the combined PDFs the per-document ones were split from: one read and
    # one copy of the fonts per chunk instead of one per document
    entries = [BundleEntry(pdf, name, group="承诺书", pages=pages)
               for name, (pdf, pages) in zip(names, result.page_sources, strict=True)]
    mark = time.perf_counter()
    bundle = build_bundle(entries, out / "bundle.pdf", title="创先争优活动材料汇编",
                          author="中共都江市实验中学支部委员会")
    timings = {key: round(value, 3) for key, value in result.timings.items()}
    timings["bundle"] = round(time.perf_counter() - mark, 3)
    timings["convert_many"] = round(converted, 3)
    return {"bundle_bytes": bundle.size_bytes, "missing": _missing(result.pdfs),
            "strategy": result.strategy, "timings": timings}


def _missing(pdfs: list[Path]) -> list[str]:
    return [pdf.name for pdf in pdfs if not pdf.is_file()]


WAYS: dict[str, Callable[[list[Path], Path, Path, list[str]], dict]] = {
    "naive": way_naive, "batch": way_batch, "gongwen": way_gongwen,
}


def run_way(way: str, count: int, workdir: Path) -> dict:
    """Child-process entry: run one way on the first ``count`` inputs; JSON to stdout."""
    files = [workdir / "docx" / f"doc-{i + 1:04d}.docx" for i in range(count)]
    out = Path(tempfile.mkdtemp(prefix=f"{way}-{count}-", dir=workdir))
    started = time.perf_counter()
    with DescendantPeaks() as peaks:
        report = WAYS[way](files, out, workdir / "profile", titles(workdir, count))
    report["wall"] = time.perf_counter() - started
    kb_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kb_children = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                      peaks.largest_mb * 1024)
    report["rss_mb"] = (kb_self + kb_children) / 1024
    report["rss_self_mb"], report["rss_children_mb"] = kb_self / 1024, kb_children / 1024
    shutil.rmtree(out, ignore_errors=True)
    return report


def spawn(way: str, count: int, workdir: Path, repeat: int = 1) -> dict:
    """Run ``way`` in fresh processes ``repeat`` times; the fastest complete run counts
    (the others only had more interference).  ``load`` is the 1-minute load average before."""
    best = None
    for _ in range(repeat):
        load = os.getloadavg()[0]
        done = subprocess.run([sys.executable, __file__, "--run", way, "--n", str(count),
                               "--workdir", str(workdir)], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{way} N={count} failed:\n{done.stderr[-2000:]}")
        report = json.loads(done.stdout.strip().splitlines()[-1])
        report["load"] = load
        rank = (len(report.get("missing", [])), report["wall"])  # a complete run first
        if best is None or rank < (len(best.get("missing", [])), best["wall"]):
            best = report
    return best


def warm(workdir: Path, sample: Path) -> None:
    """Warm both LibreOffice profiles (naive/batch's and gongwen's cached template)."""
    out = workdir / "warm"
    subprocess.run(soffice_cmd(workdir / "profile", out, [sample]), env=soffice_environment(),
                   capture_output=True, check=True)
    convert_many([sample], out / "gongwen")
    shutil.rmtree(out, ignore_errors=True)


# --- report ----------------------------------------------------------------------------

def table(rows: list[dict]) -> str:
    head = (f"{'N':>5}  {'way':<20} {'wall s':>8} {'ms/doc':>7} {'peak RSS MB':>11} "
            f"{'bundle':>9} {'vs (i)':>7} {'vs (ii)':>7} {'load':>5}  note")
    lines = [head, "-" * (len(head) + 20)]
    for row in rows:
        size = f"{row['bundle_bytes'] / 1024:,.0f}K" if row.get("bundle_bytes") else "-"
        ratios = [f"{row[k]:.1f}×" if row.get(k) else "-" for k in ("vs_naive", "vs_batch")]
        wall = ("≈" if row.get("extrapolated") else "") + f"{row['wall']:.2f}"
        load = f"{row['load']:.1f}" if "load" in row else "-"
        note = row.get("note", "")
        if row.get("missing"):
            note += f"{len(row['missing'])} PDFs MISSING (e.g. {row['missing'][0]})"
        lines.append(f"{row['n']:>5}  {row['way']:<20} {wall:>8} {row['wall'] / row['n'] * 1000:>7.1f} "
                     f"{row['rss_mb']:>11.0f} {size:>9} {ratios[0]:>7} {ratios[1]:>7} {load:>5}  "
                     f"{note}")
    return "\n".join(lines)


def verdict(n: int, wall: float, speedup: float | None) -> str:
    limit = TARGET_SECONDS.get(n)
    parts = []
    if limit is not None:
        parts.append(f"{'ok' if wall <= limit else 'MISS'} ≤{limit:g} s")
    if n == 100 and speedup is not None:
        parts.append(f"{'ok' if speedup >= TARGET_SPEEDUP else 'MISS'} ≥{TARGET_SPEEDUP}×")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated N values (default 20,100,1000)")
    parser.add_argument("--naive", type=int, default=DEFAULT_NAIVE,
                        help="documents converted one soffice each (default 20)")
    parser.add_argument("--batch-max", type=int, default=1000,
                        help="skip the batch way above this N (default 1000)")
    parser.add_argument("--ways", default="naive,batch,gongwen",
                        help="which ways to run (default naive,batch,gongwen)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of (ii) and (iii) per N; the fastest counts (default 1)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keeps rendered inputs between runs (default: a temp dir)")
    parser.add_argument("--run", choices=sorted(WAYS), help=argparse.SUPPRESS)
    parser.add_argument("--render", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        print(json.dumps(run_way(args.run, args.n, args.workdir)))
        return 0
    if args.render:
        print(json.dumps(ensure_inputs(args.workdir, args.render)[1]))
        return 0

    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gongwen-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"LibreOffice: {find_soffice()}; cores: {os.cpu_count()}; work dir: {workdir}")
    # rendered in a child process: Linux keeps a process's peak RSS across fork and exec,
    # so a big parent would inflate every measured child
    count = max(sizes + [args.naive])
    done = subprocess.run([sys.executable, __file__, "--render", str(count), "--workdir",
                           str(workdir)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"rendering the inputs failed:\n{done.stderr[-2000:]}")
    render_s = json.loads(done.stdout.strip().splitlines()[-1])
    files = [workdir / "docx" / f"doc-{i + 1:04d}.docx" for i in range(count)]
    if render_s is not None and render_s == render_s:  # not NaN: something was rendered
        print(f"rendered {len(files)} DOCX with gongwen: {render_s * 1000:.1f} ms per document "
              "(not counted below)")
    print(f"inputs: {titles(workdir, 1)[0]} … ({len(files)} one-page documents)")
    warm(workdir, files[0])

    ways = set(args.ways.split(","))
    naive = spawn("naive", args.naive, workdir) if "naive" in ways else None
    per_doc = naive["wall"] / args.naive if naive else None
    rows = []
    for n in sizes:
        if naive:
            naive_row = {"n": n, "way": "(i) soffice per doc", **naive}
            if n != args.naive:
                naive_row.update(wall=per_doc * n, extrapolated=True, bundle_bytes=None,
                                 note=f"extrapolated from N={args.naive}")
            rows.append(naive_row)
        batch_wall = None
        if "batch" in ways and n <= args.batch_max:
            batch = spawn("batch", n, workdir, args.repeat)
            batch_wall = batch["wall"]
            rows.append({"n": n, "way": "(ii) batch soffice", **batch,
                         "vs_naive": per_doc * n / batch_wall if naive else None})
        if "gongwen" in ways:
            ours = spawn("gongwen", n, workdir, args.repeat)
            speed = per_doc * n / ours["wall"] if naive else None
            rows.append({"n": n, "way": "(iii) gongwen", **ours, "vs_naive": speed,
                         "vs_batch": batch_wall / ours["wall"] if batch_wall else None,
                         "note": verdict(n, ours["wall"], speed)})
    print()
    print(table(rows))
    print("\ngongwen steps (s):")
    for row in rows:
        if row["way"].startswith("(iii)"):
            print(f"  N={row['n']:>5}: {row['timings']}  strategy={row['strategy']}")
    print("  (read/merge/convert/split are inside convert_many; total = convert_many)")
    print("\npeak RSS = getrusage max RSS of the Python process + of its largest child "
          "(LibreOffice); (i) beyond its own N is extrapolated (≈), its RSS is the measured "
          "one; load = 1-minute load average before the run (2 cores).")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
