"""Bounded load test of the JSON API: N clients x M questions through `POST /api/ask`.

    python scripts/load.py --start               # starts `python app.py` on a free port, then loads it
    python scripts/load.py --url http://127.0.0.1:7860/ [--clients 20] [--questions 25] [--hostile]

Prints errors, p50/p95/max latency and throughput (and writes them as JSON with --json FILE).
`--hostile` adds one client that keeps sending oversized input (a 300 KB history turn, a 1.5 MB
question, a 3 MB body): it must get 422/200/413 at once while the others' latency holds.
Not a unit test: figures depend on the machine; see RELIABILITY.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def post(url: str, body: bytes, timeout: float = 120) -> tuple[int, float]:
    req = urllib.request.Request(
        url + "api/ask", data=body, headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except Exception:
        status = 0  # connection error or timeout
    return status, time.perf_counter() - started


def client(url: str, questions: list[str], out: list, offset: int) -> None:
    for i in range(len(questions)):
        q = questions[(offset + i) % len(questions)]
        out.append(post(url, json.dumps({"question": q}).encode()))


HOSTILE = (
    (
        "history of one 300 KB turn",
        {"question": "kalau sekunder?", "history": [["a " * 150_000, ""]]},
    ),
    ("1.5 MB question", {"question": "koperasi " * 170_000}),
    ("3 MB body", {"question": "x", "history": [["b" * 3_000_000, ""]]}),
)


def hostile(url: str, stop: threading.Event, seen: dict) -> None:
    while not stop.is_set():
        for name, body in HOSTILE:
            status, seconds = post(url, json.dumps(body).encode())
            seen.setdefault(name, []).append((status, seconds))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def run(url: str, clients: int, per_client: int, with_hostile: bool) -> dict:
    questions = [json.loads(ln)["question"] for ln in QUESTIONS.read_text().splitlines() if ln]
    questions = questions[:per_client] if per_client <= len(questions) else questions
    results: list[tuple[int, float]] = []
    stop = threading.Event()
    seen: dict = {}
    threads = [
        threading.Thread(target=client, args=(url, questions[:per_client], results, i))
        for i in range(clients)
    ]
    bad = threading.Thread(target=hostile, args=(url, stop, seen), daemon=True)
    started = time.perf_counter()
    if with_hostile:
        bad.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    stop.set()
    if with_hostile:
        bad.join(180)
    latencies = [s for status, s in results if status == 200]
    report = {
        "clients": clients,
        "questions_per_client": per_client,
        "requests": len(results),
        "errors": sum(1 for status, _ in results if status != 200),
        "p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "p95_s": round(percentile(latencies, 0.95), 3) if latencies else None,
        "max_s": round(max(latencies), 3) if latencies else None,
        "throughput_rps": round(len(results) / wall, 2),
        "wall_s": round(wall, 1),
        "cpus": os.cpu_count(),
    }
    if with_hostile:
        report["hostile"] = {
            name: {
                "statuses": sorted({status for status, _ in rows}),
                "count": len(rows),
                "max_s": round(max(s for _, s in rows), 3),
            }
            for name, rows in seen.items()
        }
    return report


def start_app() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ASSISTANT_PORT": str(port), "ASSISTANT_HOST": "127.0.0.1"}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in proc.stdout:
        m = re.match(r"Siap dalam [\d.]+ detik: (\S+)", line)
        if m:
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc, m.group(1)
    raise SystemExit("app.py did not start")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:7860/")
    p.add_argument("--start", action="store_true", help="start python app.py on a free port first")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--questions", type=int, default=25)
    p.add_argument("--hostile", action="store_true")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    proc = None
    url = args.url if args.url.endswith("/") else args.url + "/"
    if args.start:
        proc, url = start_app()
    try:
        report = run(url, args.clients, args.questions, args.hostile)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(20)
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
