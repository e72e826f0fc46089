"""Benchmark: ``gongwen serve`` under 10 clients × 50 render requests, beside the CLI.

    python benchmarks/bench_serve.py                        # 10 × 50 PDFs, CLI on 10
    python benchmarks/bench_serve.py --clients 4 --requests 20 --format docx

A server is started on 127.0.0.1 (a free port, a temporary data dir) and waited for
until ``/healthz`` says its LibreOffice answers.  Then ``--clients`` threads each send
``--requests`` ``POST /v1/render`` of a one-page 实施方案 (a different title each, so
nothing is reused), one at a time: every answer is counted (a request that is not
answered 200 with a PDF, or not at all, is *lost*), with its latency.  Beside it,
``gongwen render`` renders the same documents one process at a time (``--cli``), as a
script would without a server.  The server is stopped at the end; every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
GONGWEN = str(Path(sys.executable).parent / "gongwen")
START_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 120


def plan(number: int) -> dict:
    return {
        "kind": "plan", "organ": "中共测试县第二小学支部委员会",
        "doc_number": f"测二小党支〔2025〕{number + 1}号",
        "title": f"关于开展第{number + 1}次主题党日活动的实施方案", "addressee": "各党小组",
        "body": "为落实上级要求，制定本方案。\n# 工作目标\n全体党员参加主题党日。\n"
                "# 工作要求\n各党小组认真组织，按时报送材料。",
        "date": "2025-03-05",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([GONGWEN, "serve", "--port", str(port), "--data-dir",
                               str(data_dir)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=30).json().get("ok"):
                return server, url
        except (httpx.TransportError, ValueError):
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not become healthy in time")


def client(url: str, first: int, count: int, fmt: str, out: list) -> None:
    magic = b"%PDF" if fmt == "pdf" else b"PK"
    with httpx.Client(timeout=REQUEST_TIMEOUT_S) as http:
        for number in range(first, first + count):
            started = time.perf_counter()
            try:
                response = http.post(f"{url}/v1/render?format={fmt}", json=plan(number))
                ok = response.status_code == 200 and response.content.startswith(magic)
            except httpx.HTTPError:
                ok = False
            out.append((ok, time.perf_counter() - started))


def run_server(clients: int, requests: int, fmt: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        server, url = start_server(Path(tmp))
        try:
            client(url, 10_000, 3, fmt, [])  # warm: templates, fonts, first conversions
            results: list[tuple[bool, float]] = []
            threads = [threading.Thread(target=client, args=(url, k * requests, requests, fmt,
                                                             results)) for k in range(clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    latencies = sorted(seconds for ok, seconds in results if ok)
    answered = len(latencies)
    return {"sent": clients * requests, "answered": answered,
            "lost": clients * requests - answered, "wall_s": round(wall, 2),
            "throughput_per_s": round(answered / wall, 2),
            "p50_s": round(statistics.median(latencies), 3) if latencies else None,
            "p95_s": round(latencies[int(0.95 * (answered - 1))], 3) if latencies else None,
            "max_s": round(latencies[-1], 3) if latencies else None}


def run_cli(count: int, fmt: str) -> dict:
    """``gongwen render`` one process per document, one after the other."""
    times = []
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        for number in range(count):
            data = Path(tmp) / f"plan-{number}.json"
            data.write_text(json.dumps(plan(number), ensure_ascii=False), encoding="utf-8")
            started = time.perf_counter()
            subprocess.run([GONGWEN, "render", str(data), "--no-activity", "-o",
                            str(Path(tmp) / f"out-{number}.{fmt}")], env=env, check=True,
                           capture_output=True, timeout=REQUEST_TIMEOUT_S)
            times.append(time.perf_counter() - started)
    return {"documents": count, "wall_s": round(sum(times), 2),
            "per_document_s": round(statistics.median(times), 3),
            "throughput_per_s": round(count / sum(times), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=50, help="per client")
    parser.add_argument("--format", choices=("pdf", "docx"), default="pdf")
    parser.add_argument("--cli", type=int, default=10, help="documents the CLI renders")
    args = parser.parse_args()
    server = run_server(args.clients, args.requests, args.format)
    print(f"server, {args.clients} clients × {args.requests} {args.format.upper()} renders:")
    print(json.dumps(server, indent=1))
    cli = run_cli(args.cli, args.format)
    print(f"CLI (gongwen render, one process per document), {args.cli} documents:")
    print(json.dumps(cli, indent=1))
    print(f"throughput: server {server['throughput_per_s']}/s, CLI {cli['throughput_per_s']}/s "
          f"({server['throughput_per_s'] / cli['throughput_per_s']:.1f}×)")
    if server["lost"]:
        raise SystemExit(f"{server['lost']} requests were lost")


if __name__ == "__main__":
    main()
