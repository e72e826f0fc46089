"""Benchmark: one phase of a synthetic branch, end to end (DOCX + PDFs + bundle).

    python benchmarks/bench_batch.py                    # 60 and 1000 members
    python benchmarks/bench_batch.py --members 60 --naive-sample 12

For each size, a synthetic activity is written (the sample plan, two briefings, a 承诺书
per member, the 测评表, a 登记表 per member, the 汇总表 — every kind that is registered;
missing ones are reported) and ``gongwen.batch.run_phase`` runs in a fresh process: wall
time, the run's own timings, its CPU time (LibreOffice's apart), and peak RSS of that
process and of its largest child (LibreOffice, or a render worker).  Then a re-run
(nothing to do) and a run after editing one member.  The naive way — one ``soffice`` per document, then a pypdf merge —
is timed on ``--naive-sample`` documents and extrapolated to all of them (plus the same
rendering time, plus the measured merge), for the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peakrss import DescendantPeaks

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "chuangxian"
PHASE = "总结提高"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海燕春晓东"
POSITIONS = ("语文教师", "数学教师", "英语教师", "物理教师", "班主任", "教研组长", "后勤职工")
ALL_KINDS = {"plan": "plan.yaml", "briefing": "briefing-1.yaml, briefing-2.yaml",
             "pledge": "pledge.yaml", "evaluation": "evaluation-*.yaml"}


def names(count: int, seed: int = 9704) -> list[str]:
    rnd = random.Random(seed)
    found: dict[str, None] = {}
    while len(found) < count:
        given = rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.7 else "")
        found.setdefault(rnd.choice(SURNAMES) + given, None)
    return list(found)


def briefing(issue: int, date: str, articles: int) -> str:
    body = "\n".join(
        f"  - 标题: 第{issue}期第{n}篇：党员教师立足岗位创先争优\n"
        "    正文: |\n"
        + "      " + "支部组织党员教师开展示范课、结对帮扶和志愿服务活动，"
        "党员教师立足岗位、发挥作用，群众反映良好。" * 4 + "\n"
        for n in range(1, articles + 1))
    return (f"类型: 简报\n期号: {issue}\n编印单位: 中共都江市实验中学支部委员会编\n"
            f"日期: {date}\n报: [都江市教育局党组]\n发: [各党小组]\n印数: 60\n文章:\n{body}")


def write_activity(folder: Path, count: int) -> list[str]:
    """The synthetic activity; returns the kinds it could not include."""
    from gongwen.models import KINDS

    folder.mkdir(parents=True)
    members = names(count)
    rnd = random.Random(count)
    lines = ["序号,姓名,性别,出生年月,入党时间,职务,编号"]
    tallies = ["姓名,互评优秀,互评合格,互评基本合格,互评不合格,群众优秀,群众合格,群众基本合格,群众不合格"]
    public = 3 * count
    for i, name in enumerate(members, 1):
        born = rnd.randint(1965, 1998)
        lines.append(f"{i},{name},{rnd.choice('男女')},{born}.{rnd.randint(1, 12):02d},"
                     f"{rnd.randint(born + 19, 2024)}.07,{rnd.choice(POSITIONS)},B{i:04d}")
        peer = [rnd.randint(0, count // 3)]
        peer.append(count - 1 - peer[0])
        crowd = [rnd.randint(0, public // 3)]
        crowd.append(public - crowd[0])
        tallies.append(f"{name},{peer[0]},{peer[1]},0,0,{crowd[0]},{crowd[1]},0,0")
    (folder / "members.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "tallies.csv").write_text("\n".join(tallies) + "\n", encoding="utf-8")
    shutil.copy(SAMPLE / "plan.md", folder / "plan.md")
    plan = (SAMPLE / "plan.yaml").read_text(encoding="utf-8").replace("2024-09-02", "2026-04-02")
    (folder / "plan.yaml").write_text(plan, encoding="utf-8")
    (folder / "briefing-1.yaml").write_text(briefing(1, "2026-04-20", 1), encoding="utf-8")
    (folder / "briefing-2.yaml").write_text(briefing(2, "2026-05-20", 3), encoding="utf-8")
    pledge = (SAMPLE / "pledge.yaml").read_text(encoding="utf-8")
    pledge = pledge[:pledge.index("成员:")].replace("2024-09-20", "2026-04-10")
    (folder / "pledge.yaml").write_text(pledge, encoding="utf-8")
    for form in ("ballot", "register", "summary"):
        text = (SAMPLE / f"evaluation-{form}.yaml").read_text(encoding="utf-8")
        if "成员:" in text:
            text = text[:text.index("成员:")]
        text = text.replace("互评: 13", f"互评: {count}").replace("群众: 40", f"群众: {public}")
        (folder / f"evaluation-{form}.yaml").write_text(text, encoding="utf-8")
    files = {"plan": ["plan.yaml"], "briefing": ["briefing-1.yaml", "briefing-2.yaml"],
             "pledge": ["pledge.yaml"],
             "evaluation": ["evaluation-ballot.yaml", "evaluation-register.yaml",
                            "evaluation-summary.yaml"]}
    listed = [f for kind, fs in files.items() if kind in KINDS for f in fs]
    missing = [kind for kind in files if kind not in KINDS]
    (folder / "activity.yaml").write_text(
        "活动名称: 创先争优活动\n党组织: 中共都江市实验中学支部委员会\n书记: 林明富\n"
        "名册: members.csv\n评议数据: tallies.csv\n共用: {简报名称: 创先争优活动简报}\n"
        f"阶段:\n  - 名称: {PHASE}\n    开始: 2026-04-01\n    结束: 2026-07-31\n"
        "    文件: [" + ", ".join(listed) + "]\n", encoding="utf-8")
    return missing


def child(folder: str, out: str, edit: bool) -> None:
    """Run the phase in this (fresh) process and print its figures as JSON."""
    from gongwen.batch.phase import run_phase

    if edit:
        roster = Path(folder) / "members.csv"
        rows = roster.read_text(encoding="utf-8").splitlines()
        rows[1] = rows[1].replace("教师", "教研组长", 1) if "教师" in rows[1] else \
            rows[1].replace(rows[1].split(",")[5], "副校长")
        roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    started = time.perf_counter()
    cpu_before = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    with DescendantPeaks() as peaks:
        result = run_phase(folder, PHASE, out)
    wall = time.perf_counter() - started
    print(json.dumps({
        "wall": wall, "timings": result.timings, "documents": len(result.documents),
        "built": len(result.built), "pages": result.pages, "bundle_pages": result.bundle_pages,
        "failures": len(result.failures), "warnings": len(result.warnings),
        "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_child_mb": max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                            peaks.largest_mb),
        "cpu_s": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - cpu_before + peaks.cpu_s,
        "office_cpu_s": peaks.office_cpu_s,
    }))


def run_child(folder: Path, out: Path, edit: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--child", str(folder), str(out)] + (["--edit"] if edit
                                                                          else [])
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process_wall"] = time.perf_counter() - started
    return figures


def naive(out: Path, sample: int) -> dict:
    """One soffice per document on ``sample`` of the batch's DOCX files; pypdf merge of
    all the batch's PDFs."""
    from pypdf import PdfWriter

    from gongwen.convert.fonts import soffice_environment
    from gongwen.convert.libreoffice import find_soffice

    folder = out / PHASE
    docx = sorted(folder.rglob("*.docx"))
    pdfs = sorted(p for p in folder.rglob("*.pdf") if "汇编" not in p.name)
    chosen = docx[:: max(1, len(docx) // sample)][:sample]
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        env = soffice_environment()
        base = [str(find_soffice()), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                "--convert-to", "pdf", "--outdir", str(Path(tmp) / "pdf")]
        subprocess.run(base + [str(chosen[0])], env=env, capture_output=True, check=True)  # warm
        started = time.perf_counter()
        for path in chosen:
            subprocess.run(base + [str(path)], env=env, capture_output=True, check=True)
        per_doc = (time.perf_counter() - started) / len(chosen)
        started = time.perf_counter()
        writer = PdfWriter()
        for pdf in pdfs:
            writer.append(str(pdf))
        writer.write(Path(tmp) / "merged.pdf")
        merge = time.perf_counter() - started
    return {"per_doc": per_doc, "documents": len(docx), "merge": merge,
            "convert_all": per_doc * len(docx)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[60, 1000])
    parser.add_argument("--naive-sample", type=int, default=12)
    parser.add_argument("--keep", type=Path, help="write the activities and outputs here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--edit", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.edit)
        return
    root = args.keep or Path(tempfile.mkdtemp(prefix="gongwen-bench-"))
    print(f"machine: {os.cpu_count()} cores; outputs in {root}")
    for count in args.members:
        folder, out = root / f"branch-{count}", root / f"out-{count}"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        missing = write_activity(folder, count)
        first = run_child(folder, out)
        again = run_child(folder, out)
        edited = run_child(folder, out, edit=True)
        slow = naive(out, args.naive_sample)
        render = first["timings"].get("render", 0.0)
        naive_total = render + slow["convert_all"] + slow["merge"]
        print(f"\n== {count} members: {first['documents']} documents, {first['pages']} pages, "
              f"bundle {first['bundle_pages']} pages"
              + (f"; kinds missing: {', '.join(missing)}" if missing else ""))
        print(f"first run   {first['wall']:7.2f} s wall  (render {render:.2f}, convert "
              f"{first['timings'].get('convert', 0):.2f}, bundle "
              f"{first['timings'].get('bundle', 0):.2f}); peak RSS {first['rss_self_mb']:.0f} "
              f"MiB (python) / {first['rss_child_mb']:.0f} MiB (largest child)")
        print(f"            CPU {first['cpu_s']:.1f} s on {os.cpu_count()} cores, of which "
              f"LibreOffice {first['office_cpu_s']:.1f} s")
        print(f"re-run      {again['wall']:7.2f} s wall  ({again['built']} rebuilt)")
        print(f"one edited  {edited['wall']:7.2f} s wall  ({edited['built']} rebuilt)")
        print(f"naive       {naive_total:7.2f} s (extrapolated: {slow['per_doc']:.2f} s/document "
              f"× {slow['documents']} + render {render:.2f} + merge {slow['merge']:.2f}); "
              f"ratio {naive_total / first['wall']:.1f}×")
        print(json.dumps({"members": count, "first": first, "rerun": again, "edited": edited,
                          "naive": slow}, ensure_ascii=False))


if __name__ == "__main__":
    main()
