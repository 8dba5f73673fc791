"""An ingestion while `scripts/load.py --during-ingest` loads the app (not a test module).

The app runs over a temporary copy of the data folder (`$ASSISTANT_DATA_DIR`, default `.data`:
its `chroma` folder and state files are copied, the model folder is used in place and never
written). A few seconds into the load, `ingest.py --fetch --mirror ... EXTRA` runs into that copy:
the default corpus again plus one small generated act, so the index changes (with `--rebuild` it
is built anew beside the one in use). A probe asks, every half second, `/api/stats` and a question
only that act answers: the app must keep answering and switch once, without a restart, from the
old index (old chunk count, act not found) to the new one, never back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIRROR = ROOT.parent / "shared" / "corpus" / "mirror"
EXTRA_ID = "uu-91-2098"
EXTRA = f"""---
id: "{EXTRA_ID}"
jenis: "UU"
nomor: "91"
tahun: 2098
judul: "Undang-Undang Nomor 91 Tahun 2098 tentang Koperasi Zamrud"
status: "berlaku"
---
UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 91 TAHUN 2098 TENTANG KOPERASI ZAMRUD
BAB I KETENTUAN UMUM
Pasal 1
(1) Koperasi Zamrud wajib menyisihkan cadangan zamrud sebesar 7 (tujuh) persen dari sisa hasil usaha.
(2) Cadangan zamrud sebagaimana dimaksud pada ayat (1) disimpan pada bank zamrud.
Pasal 2
Pengurus Koperasi Zamrud melaporkan cadangan zamrud kepada Rapat Anggota setiap triwulan.
"""
PROBE = "Berapa cadangan zamrud yang wajib disisihkan Koperasi Zamrud?"
STATE_FILES = ("ingest_state.json", "index_generation")
SWITCH_WAIT_S = 120.0  # how long after the ingestion the probe waits for the new index


def source_data_dir() -> Path:
    path = Path(os.environ.get("ASSISTANT_DATA_DIR") or ".data").expanduser()
    return path if path.is_absolute() else ROOT / path


class During:
    """Copies the data folder, then (from `start`) runs the ingestion and the probe."""

    def __init__(self, call, rebuild: bool = False, delay: float = 3.0, mirror: Path = MIRROR):
        self.call = call  # load.call: (url, body or None for GET, timeout) -> status, s, data
        source = source_data_dir()
        if not (source / "chroma").is_dir():
            raise SystemExit(f"no index in {source}: set ASSISTANT_DATA_DIR to a built data folder")
        self.models = Path(os.environ.get("ASSISTANT_MODEL_CACHE") or source / "models")
        self.tmp = Path(tempfile.mkdtemp(prefix="load-ingest-"))
        self.data = self.tmp / "data"
        shutil.copytree(source / "chroma", self.data / "chroma")
        for name in STATE_FILES:
            if (source / name).exists():
                shutil.copy2(source / name, self.data / name)
        self.extra = self.tmp / "extra"
        self.extra.mkdir()
        (self.extra / f"{EXTRA_ID}-koperasi-zamrud.md").write_text(EXTRA, encoding="utf-8")
        self.command = [
            sys.executable,
            str(ROOT / "ingest.py"),
            "--fetch",
            "--mirror",
            str(mirror),
            str(self.extra),
            "--no-progress",
            "--json",
            *(["--rebuild"] if rebuild else []),
        ]
        self.delay, self.rebuild = delay, rebuild
        self.done = threading.Event()
        self.settled = threading.Event()  # the probe has seen the switch, or given up
        self.probes: list[dict] = []
        self.settled_at: float | None = None
        self.ingest: dict = {}

    def app_env(self) -> dict:
        return {"ASSISTANT_DATA_DIR": str(self.data), "ASSISTANT_MODEL_CACHE": str(self.models)}

    def start(self, url: str) -> None:
        self.t0 = time.perf_counter()
        self._ingest_thread = threading.Thread(target=self._ingest, daemon=True)
        self._probe_thread = threading.Thread(target=self._probe, args=(url,), daemon=True)
        self._ingest_thread.start()
        self._probe_thread.start()

    def _ingest(self) -> None:
        time.sleep(self.delay)
        env = {**os.environ, **self.app_env()}
        self.ingest["start_s"] = round(time.perf_counter() - self.t0, 2)
        proc = subprocess.run(self.command, cwd=ROOT, env=env, capture_output=True, text=True)
        self.ingest["end_s"] = round(time.perf_counter() - self.t0, 2)
        self.ingest["exit"] = proc.returncode
        try:
            summary = json.loads(proc.stdout)
            keys = ("documents", "chunks", "added", "updated", "deleted", "metadata_updated")
            self.ingest["summary"] = {k: summary.get(k) for k in keys}
            self.ingest["failures"] = [f["file"] for f in summary.get("failures", [])]
        except ValueError:
            self.ingest["output"] = (proc.stdout + proc.stderr)[-2000:]
        self.done.set()

    def _probe(self, url: str) -> None:
        call = self.call
        after, deadline = 0, None
        while after < 4:  # until the new index answers (or SWITCH_WAIT_S passed), then 3 more
            if self.done.is_set():
                deadline = deadline or time.perf_counter() + SWITCH_WAIT_S
                if after or (self.probes and self.probes[-1]["found"]):
                    after += 1
                elif time.perf_counter() > deadline:
                    break
            at = round(time.perf_counter() - self.t0, 2)
            status, _, data = call(url + "api/stats", None, timeout=60)
            chunks = json.loads(data).get("chunks") if status == 200 else None
            body = json.dumps({"question": PROBE}).encode()
            a_status, a_seconds, a_data = call(url, body, timeout=120)
            found = None
            if a_status == 200:
                answer = json.loads(a_data)
                ids = [s["doc_id"] for s in answer["sources"] + answer["related"]]
                ids += [r["id"].split("/")[0] for r in answer["retrieved"]]
                found = EXTRA_ID in ids
            self.probes.append(
                {
                    "at_s": at,
                    "stats": status,
                    "chunks": chunks,
                    "ask": a_status,
                    "ask_s": round(a_seconds, 3),
                    "found": found,
                }
            )
            time.sleep(0.5)
        self.settled_at = time.perf_counter()
        self.settled.set()

    def busy(self) -> bool:
        """True until the ingestion ended and the probe saw the new index (the clients keep on)."""
        return not self.settled.is_set()

    def finish(self, results: list, started: float, latency) -> dict:
        """The figures: the ingestion, the load while it ran, and the probe's view of the swap."""
        self.done.wait(3600)
        self._probe_thread.join(600)
        t_in = self.t0 + self.ingest["start_s"]
        t_out = self.t0 + self.ingest["end_s"]
        window = [r for r in results if t_in <= r[2] <= t_out]
        last_end = max((r[2] + r[1] for r in results), default=t_out)
        out = {
            "command": " ".join(Path(c).name if c == sys.executable else c for c in self.command),
            "ingest": self.ingest,
            "ingest_s": round(t_out - t_in, 1),
            "clients_ran_past_the_ingest": t_out <= last_end,
            "load_while_ingesting": latency(window, t_out - t_in),
            "slowest": [  # when they started (seconds from the start) and how long they took
                {"at_s": round(r[2] - self.t0, 2), "s": round(r[1], 2)}
                for r in sorted(results, key=lambda r: -r[1])[:3]
            ],
            "probe": self._probe_report(),
        }
        out["problems"] = self._problems(out)
        return out

    def _probe_report(self) -> dict:
        rows = self.probes
        chunks = [r["chunks"] for r in rows]
        found = [r["found"] for r in rows]
        end = self.ingest["end_s"]
        return {
            "probes": len(rows),
            "errors": sum(1 for r in rows if r["stats"] != 200 or r["ask"] != 200),
            "chunks_seen": _runs(chunks),
            "found_seen": _runs(found),
            "first_new_count_s": next(
                (r["at_s"] for r in rows if chunks and r["chunks"] != chunks[0]), None
            ),
            "first_found_s": next((r["at_s"] for r in rows if r["found"]), None),
            "settled_s": round(self.settled_at - self.t0, 2) if self.settled_at else None,
            "ingest_end_s": end,
            "max_ask_s": max((r["ask_s"] for r in rows), default=None),
        }

    def _problems(self, out: dict) -> list[str]:
        problems = []
        if self.ingest.get("exit") != 0:
            problems.append(f"ingest exited {self.ingest.get('exit')}")
        if out["load_while_ingesting"]["errors"]:
            problems.append("requests failed while ingesting")
        probe = out["probe"]
        if probe["errors"]:
            problems.append("probe requests failed")
        if [v for v, _ in probe["found_seen"]] != [False, True]:
            problems.append(f"not one switch from not found to found: {probe['found_seen']}")
        if len(probe["chunks_seen"]) > 2:
            problems.append(f"the chunk count changed more than once: {probe['chunks_seen']}")
        if not self.probes or not self.probes[-1]["found"]:
            problems.append("no switch to the new index without a restart")
        return problems

    def cleanup(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _runs(values: list) -> list[tuple]:
    """[(value, how many in a row), ...]: [1,1,2,2,2] -> [(1, 2), (2, 3)]."""
    out: list[list] = []
    for v in values:
        if out and out[-1][0] == v:
            out[-1][1] += 1
        else:
            out.append([v, 1])
    return [tuple(x) for x in out]
