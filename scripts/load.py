"""Bounded load test of the JSON API: N clients x M questions through `POST /api/ask`.

    python scripts/load.py --start               # starts `python app.py` on a free port, then loads it
    python scripts/load.py --url http://127.0.0.1:7860/ [--clients 20] [--questions 25] [--hostile]
    python scripts/load.py --start --during-ingest [--rebuild]

Prints errors, p50/p95/max latency and throughput (and writes them as JSON with --json FILE).
`--hostile` adds one client that keeps sending oversized input (a 300 KB history turn, a 1.5 MB
question, a 3 MB body): it must get 422/200/413 at once while the others' latency holds.
`--during-ingest` (with `--start`) runs the app over a temporary copy of the data folder and, while
the clients run, an ingestion into that copy of the default corpus plus one small generated act
(`ingest_during.py`): the app must keep answering and switch to the new index without a restart.
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


def call(url: str, body: bytes | None, timeout: float = 120) -> tuple[int, float, bytes]:
    """(status, seconds, response body) of `POST /api/ask` with `body`, or `GET url` without."""
    target = url + "api/ask" if body is not None else url
    req = urllib.request.Request(target, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    data = b""
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data = resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except Exception:
        status = 0  # connection error or timeout
    return status, time.perf_counter() - started, data


def post(url: str, body: bytes, timeout: float = 120) -> tuple[int, float]:
    status, seconds, _ = call(url, body, timeout)
    return status, seconds


def client(url: str, questions: list[str], out: list, offset: int, busy=None) -> None:
    """Ask the questions once; then, while `busy()` (an ingestion running), go on cycling."""
    i = 0
    while i < len(questions) or (busy is not None and busy()):
        q = questions[(offset + i) % len(questions)]
        started = time.perf_counter()
        out.append((*post(url, json.dumps({"question": q}).encode()), started))
        i += 1


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


def latency(rows: list[tuple[int, float, float]], wall: float) -> dict:
    """Errors, p50/p95/max of the successful requests and throughput over `wall` seconds."""
    ok = [s for status, s, _ in rows if status == 200]
    return {
        "requests": len(rows),
        "errors": sum(1 for status, _, _ in rows if status != 200),
        "p50_s": round(statistics.median(ok), 3) if ok else None,
        "p95_s": round(percentile(ok, 0.95), 3) if ok else None,
        "max_s": round(max(ok), 3) if ok else None,
        "throughput_rps": round(len(rows) / wall, 2) if wall > 0 else None,
    }


def run(url: str, clients: int, per_client: int, with_hostile: bool, during=None) -> dict:
    """The load; `during` (ingest_during.During) is started with the clients and reported."""
    questions = [json.loads(ln)["question"] for ln in QUESTIONS.read_text().splitlines() if ln]
    questions = questions[:per_client] if per_client <= len(questions) else questions
    results: list[tuple[int, float, float]] = []
    stop = threading.Event()
    seen: dict = {}
    threads = [
        threading.Thread(
            target=client,
            args=(url, questions[:per_client], results, i, during.busy if during else None),
        )
        for i in range(clients)
    ]
    bad = threading.Thread(target=hostile, args=(url, stop, seen), daemon=True)
    started = time.perf_counter()
    if with_hostile:
        bad.start()
    if during is not None:
        during.start(url)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    stop.set()
    if with_hostile:
        bad.join(180)
    report = {
        "clients": clients,
        "questions_per_client": per_client,
        **latency(results, wall),
        "wall_s": round(wall, 1),
        "cpus": os.cpu_count(),
    }
    if during is not None:
        report["during_ingest"] = during.finish(results, started, latency)
        report["during_ingest"]["app_log"] = APP_LOG[-10:]
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


def start_app(extra_env: dict | None = None) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ASSISTANT_PORT": str(port), "ASSISTANT_HOST": "127.0.0.1"}
    env.update(extra_env or {})
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
            threading.Thread(target=_drain, args=(proc,), daemon=True).start()
            return proc, m.group(1)
    raise SystemExit("app.py did not start")


def failed(report: dict) -> bool:
    during = report.get("during_ingest") or {}
    return bool(report["errors"] or during.get("problems"))


APP_LOG: list[str] = []  # the app's log lines about index generations (assistant/reload.py)


def _drain(proc: subprocess.Popen) -> None:
    for line in proc.stdout:
        if "generation" in line or "Traceback" in line:
            APP_LOG.append(line.rstrip()[-300:])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:7860/")
    p.add_argument("--start", action="store_true", help="start python app.py on a free port first")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--questions", type=int, default=25)
    p.add_argument("--hostile", action="store_true")
    p.add_argument(
        "--during-ingest",
        action="store_true",
        help="with --start: ingest into (a copy of) the app's data folder while the clients run",
    )
    p.add_argument("--rebuild", action="store_true", help="--during-ingest: ingest with --rebuild")
    p.add_argument(
        "--ingest-delay", type=float, default=3.0, help="seconds of load before the ingestion"
    )
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    if args.during_ingest and not args.start:
        p.error("--during-ingest needs --start (the app must run over a copy of the data folder)")
    proc = during = None
    url = args.url if args.url.endswith("/") else args.url + "/"
    try:
        if args.during_ingest:
            from ingest_during import During

            during = During(call, rebuild=args.rebuild, delay=args.ingest_delay)
        if args.start:
            proc, url = start_app(during.app_env() if during else None)
        report = run(url, args.clients, args.questions, args.hostile, during)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(20)
        if during is not None:
            during.cleanup()
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 1 if failed(report) else 0


if __name__ == "__main__":
    sys.exit(main())
