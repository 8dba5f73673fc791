"""A very large regulation: a synthetic act of N Pasal (BAB, Bagian, several ayat each, in-text
references, a Penjelasan), then the cost of parsing and chunking it at a few sizes (time and peak
memory, so linearity shows) and of ingesting it with the real embedder (or an estimate from a
sample when that would take too long).

    python -m assistant.bench bigdoc [--sizes 2000 5000 20000] [--json out.json]
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from pathlib import Path

ORDINALS = ("Kesatu", "Kedua", "Ketiga", "Keempat", "Kelima")
PASAL_PER_BAB = 100
PASAL_PER_BAGIAN = 20
SIZES = (2_000, 5_000, 20_000)
SAMPLE_PASAL = 500  # ingested with the real model to get its rate on these chunks
BUDGET_S = 900.0  # the whole ingestion with the real model runs only when estimated below this
_ROMAN = ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"))
_ROMAN += ((4, "IV"), (1, "I"))

SUBJECTS = (
    "Pengurus",
    "Pengawas",
    "Rapat Anggota",
    "Anggota",
    "Koperasi Sekunder",
    "Dewan Pengawas Syariah",
)
DUTIES = (
    "menyusun rencana kerja dan rencana anggaran pendapatan dan belanja",
    "menyampaikan laporan pertanggungjawaban kepada Rapat Anggota",
    "menyelenggarakan pembukuan keuangan dan inventaris secara tertib",
    "mengajukan rancangan perubahan Anggaran Dasar",
    "menetapkan pembagian sisa hasil usaha sesuai jasa usaha anggota",
    "memelihara daftar anggota, pengurus dan pengawas",
)


def roman(n: int) -> str:
    out = ""
    for value, sign in _ROMAN:
        while n >= value:
            out += sign
            n -= value
    return out


def _pasal(n: int) -> str:
    """The text of Pasal n: two to four ayat (one in seven has none but a numbered list)."""
    subject = SUBJECTS[n % len(SUBJECTS)]
    duty = DUTIES[n % len(DUTIES)]
    if n % 7 == 0:
        return (
            f"Pasal {n}\n{subject} berwenang:\n"
            f"a. {duty};\nb. {DUTIES[(n + 1) % len(DUTIES)]}; dan\n"
            f"c. melaksanakan ketentuan sebagaimana dimaksud dalam Pasal {max(1, n - 1)}.\n"
        )
    lines = [f"Pasal {n}", f"(1) {subject} wajib {duty} paling lambat {n % 12 + 1} bulan."]
    lines.append(
        f"(2) Kewajiban sebagaimana dimaksud pada ayat (1) dilaksanakan sesuai dengan "
        f"ketentuan dalam Pasal {max(1, n - 2)} ayat (1)."
    )
    if n % 3:
        lines.append(
            f"(3) {subject} yang tidak melaksanakan kewajiban sebagaimana dimaksud pada ayat (1) "
            "dikenai sanksi administratif berupa teguran tertulis."
        )
    if n % 5 == 1:
        lines.append(
            "(4) Ketentuan lebih lanjut mengenai tata cara pengenaan sanksi sebagaimana "
            "dimaksud pada ayat (3) diatur dengan Peraturan Menteri."
        )
    return "\n".join(lines) + "\n"


def regulation_markdown(
    pasal: int,
    doc_id: str = "uu-90-2099",
    per_bab: int = PASAL_PER_BAB,
    per_bagian: int = PASAL_PER_BAGIAN,
) -> str:
    """A Markdown act of `pasal` Pasal with front matter like the test fixtures': a BAB every
    `per_bab` Pasal (at most 399 BAB: Roman numerals without D), a Bagian every `per_bagian`
    (at most five per BAB), two to four ayat per Pasal, then a Penjelasan of every Pasal."""
    if (pasal + per_bab - 1) // per_bab > 399 or per_bab > 5 * per_bagian:
        raise ValueError("too many BAB or Bagian for their numbering")
    nomor, tahun = doc_id.split("-")[1:3]
    parts = [
        "---\n"
        f'id: "{doc_id}"\njenis: "UU"\nnomor: "{nomor}"\ntahun: {tahun}\n'
        f'judul: "Undang-Undang Nomor {nomor} Tahun {tahun} tentang Koperasi Raksasa"\n'
        'status: "berlaku"\n---\n'
        f"UNDANG-UNDANG REPUBLIK INDONESIA NOMOR {nomor} TAHUN {tahun} TENTANG KOPERASI RAKSASA\n"
        "Menimbang : bahwa undang-undang ini disusun untuk pengujian beban;\n"
        "MEMUTUSKAN:\n"
    ]
    for n in range(1, pasal + 1):
        if (n - 1) % per_bab == 0:
            bab = (n - 1) // per_bab + 1
            parts.append(f"BAB {roman(bab)}\nKETENTUAN BAGIAN {bab}\n")
        if (n - 1) % per_bagian == 0:
            bagian = ((n - 1) % per_bab) // per_bagian
            parts.append(f"Bagian {ORDINALS[bagian]}\nTugas dan Wewenang {n}\n")
        parts.append(_pasal(n))
    parts.append(
        "Agar setiap orang mengetahuinya, memerintahkan pengundangan Undang-Undang ini.\n"
        f"Disahkan di Jakarta\npada tanggal 1 Januari {tahun}\n"
        f"PENJELASAN ATAS UNDANG-UNDANG NOMOR {nomor} TAHUN {tahun}\n"
        "I. UMUM\nUndang-undang ini menata koperasi yang sangat besar.\n"
        "II. PASAL DEMI PASAL\n"
    )
    parts.extend(f"Pasal {n}\nCukup jelas.\n" for n in range(1, pasal + 1))
    return "".join(parts)


def parse_and_chunk(path: Path, max_chars: int = 1800):
    """(document, parsed, chunks) of one file, the way ingestion reads it."""
    from ..documents.loader import load_document
    from ..legal.chunking import chunk_document
    from ..legal.parser import parse_document

    doc = load_document(path, None, 0)
    parsed = parse_document(doc.text, doc.meta.jenis)
    return doc, parsed, chunk_document(doc, parsed, max_chars)


def write_regulation(folder: Path, pasal: int, **kwargs) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"uu-90-2099-{pasal}-pasal.md"
    path.write_text(regulation_markdown(pasal, **kwargs), encoding="utf-8")
    return path


def _peak_rss_of_parse(path: str) -> dict:
    """In a fresh process: resident memory before and at peak of one parse + chunk."""
    from ..documents import loader  # noqa: F401  (imports counted in the baseline)
    from ..legal import chunking, parser  # noqa: F401
    from .common import peak_rss_mb, rss_mb

    before = rss_mb()
    parse_and_chunk(Path(path))
    return {"rss_before_mb": before, "peak_rss_mb": peak_rss_mb()}


def parse_figures(sizes, scratch: Path, isolate: bool = True) -> dict:
    """Parse + chunk time (best of two), traced peak of Python allocations, and (isolated)
    peak resident memory, per size; every Pasal must come out once, in order."""
    from .common import isolated

    rows = []
    for n in sizes:
        path = write_regulation(scratch / "bigdoc", n)
        times = []
        for _ in range(2):
            gc.collect()
            started = time.perf_counter()
            doc, parsed, chunks = parse_and_chunk(path)
            times.append(time.perf_counter() - started)
        body = [b.pasal for b in parsed.blocks if b.part == "batang_tubuh" and b.pasal]
        del doc, parsed
        gc.collect()
        tracemalloc.start()
        parse_and_chunk(path)
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        row = {
            "pasal": n,
            "file_mb": round(path.stat().st_size / 1e6, 2),
            "chunks": len(chunks),
            "pasal_found": len(body),
            "every_pasal_once_in_order": body == [str(i) for i in range(1, n + 1)],
            "parse_chunk_s": round(min(times), 3),
            "traced_peak_mb": round(traced / 2**20, 1),
        }
        if isolate:
            row.update(isolated(_peak_rss_of_parse, str(path)))
        rows.append(row)
        path.unlink()
    first, last = rows[0], rows[-1]
    return {
        "rows": rows,
        "size_ratio": round(last["pasal"] / first["pasal"], 1),
        "time_ratio": round(last["parse_chunk_s"] / first["parse_chunk_s"], 2),
    }


class TimedEmbedder:
    """Wraps an embedder and adds up the time spent in `embed_documents`."""

    def __init__(self, inner):
        self.inner = inner
        self.name = getattr(inner, "name", "unknown")
        self.seconds = 0.0
        self.texts = 0

    def embed_documents(self, texts):
        started = time.perf_counter()
        out = self.inner.embed_documents(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return out

    def embed_query(self, text):
        return self.inner.embed_query(text)


class StandIn:
    """No model: seeded random unit vectors of the real model's width (384), so Chroma's
    insertion costs what it costs with real vectors. Used to time everything but the model."""

    name = "bigdoc-stand-in"

    def __init__(self, dim: int = 384):
        import numpy as np

        self.dim, self._rng = dim, np.random.default_rng(12)

    def embed_documents(self, texts):
        v = self._rng.standard_normal((len(texts), self.dim)).astype("float32")
        v /= (v**2).sum(axis=1, keepdims=True) ** 0.5
        return v.tolist()

    def embed_query(self, text):
        return self.embed_documents([text])[0]


def _ingest_once(settings, path: Path, data_dir: Path, embedder) -> dict:
    from dataclasses import replace

    from .. import pipeline
    from .common import peak_rss_mb

    timed = TimedEmbedder(embedder)
    started = time.perf_counter()
    summary = pipeline.ingest(
        [path], replace(settings, data_dir=data_dir), progress=False, embedder=timed
    )
    total = time.perf_counter() - started
    return {
        "chunks": summary.chunks,
        "failures": len(summary.failures),
        "ingest_s": round(total, 1),
        "embed_s": round(timed.seconds, 1),
        "other_s": round(total - timed.seconds, 1),
        "embed_texts_per_s": round(timed.texts / timed.seconds, 1) if timed.seconds else None,
        "peak_rss_mb": peak_rss_mb(),
    }


def _ingest_real(settings, path: str, data_dir: str, embedder=None) -> dict:
    if embedder is None:
        from ..embedding import load_embedder

        embedder = load_embedder(settings)
    return _ingest_once(settings, Path(path), Path(data_dir), embedder)


def _ingest_stand_in(settings, path: str, data_dir: str) -> dict:
    return _ingest_once(settings, Path(path), Path(data_dir), StandIn())


def ingest_figures(
    settings,
    scratch: Path,
    pasal: int = SIZES[-1],
    sample: int = SAMPLE_PASAL,
    budget_s: float = BUDGET_S,
    embedder=None,
    isolate: bool = True,
) -> dict:
    """The whole ingestion of the `pasal` act into fresh data folders: with the real model when
    the estimate (the sample act's model rate over this act's chunks, plus the rest timed with
    a stand-in embedder) is under `budget_s`; otherwise that estimate, marked as one."""
    from .common import run_maybe_isolated

    small = write_regulation(scratch / "sample", sample)
    big = write_regulation(scratch / "big", pasal)
    args = (settings, str(small), str(scratch / "data-sample"))
    if embedder is None:
        measured = run_maybe_isolated(isolate, _ingest_real, *args)
    else:
        measured = _ingest_real(*args, embedder)
    stand_in = run_maybe_isolated(
        isolate, _ingest_stand_in, settings, str(big), str(scratch / "d0")
    )
    rate = measured["embed_texts_per_s"] or 1.0
    estimate = stand_in["other_s"] + stand_in["chunks"] / rate
    out = {
        "sample_pasal": sample,
        "sample_real_model": measured,
        "pasal": pasal,
        "without_model": stand_in,
        "estimated_real_ingest_s": round(estimate, 0),
        "budget_s": budget_s,
    }
    if estimate <= budget_s:
        args = (settings, str(big), str(scratch / "data-big"))
        real = (
            run_maybe_isolated(isolate, _ingest_real, *args)
            if embedder is None
            else _ingest_real(*args, embedder)
        )
        out["real_model"] = real
    return out
