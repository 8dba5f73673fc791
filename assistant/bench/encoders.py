"""Ingestion against its physical limit, and other runtimes for the encoder.

- raw rate: the default backend's `encode` alone on a sample of our own chunks, per batch size;
- whole ingestion / raw rate (from the ingestion timed by `compare`, same run);
- token-length cap: chunks over the model's 512 tokens (truncated when embedded);
- ONNX Runtime fp32 / int8 and OpenVINO on the same sample texts (speed, agreement with torch),
  and with quality on: a first ingestion with each, then our full pipeline on the question files.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from .common import bench_settings, peak_rss_mb, run_maybe_isolated

BATCH_SIZES = (8, 16, 32, 64)
# runtimes whose first ingestion and answers are measured; onnx-fp32 computes the same vectors
# as openvino (cosine to torch ≥ 0.9999) more slowly, so its quality run is left out
QUALITY_RUNTIMES = ("torch", "openvino", "onnx-int8", "openvino-int8")
GROUP = 64  # texts per encode call in the timed loops (ingestion hands the model 32)
SEED = 10


def all_texts(settings, embedder=None) -> list[str]:
    """Every chunk of the index as the embedder sees it (context header, then text)."""
    from ..pipeline import LazyEmbedder, open_index

    named = embedder or LazyEmbedder(settings)  # only its name is checked: nothing is embedded
    records = open_index(settings, named, create=False).records()
    return [f"{r.meta.get('context', '')}\n{r.text}" for r in records]


def sample_texts(settings, n: int, embedder=None) -> list[str]:
    """`n` chunks of the index, drawn at random (seeded), as the embedder sees them."""
    texts = all_texts(settings, embedder)
    return random.Random(SEED).sample(texts, min(n, len(texts)))


def _interleaved(texts: list[str], variants: dict, group: int = GROUP):
    """Seconds and outputs per variant: the texts in groups, each group encoded by every
    variant in turn (the order rotating), so load from elsewhere falls on all alike."""
    names = list(variants)
    seconds = dict.fromkeys(names, 0.0)
    outputs: dict[str, list] = {n: [] for n in names}
    for g, start in enumerate(range(0, len(texts), group)):
        part = texts[start : start + group]
        for name in names[g % len(names) :] + names[: g % len(names)]:
            t0 = time.perf_counter()
            outputs[name].append(variants[name](part))
            seconds[name] += time.perf_counter() - t0
    return seconds, outputs


def raw_rates(settings, sample: int, embedder=None) -> dict:
    """Texts/s and tokens/s of the default backend's encode alone, per batch size; token cap."""
    from ..embedding import load_embedder

    embedder = embedder or load_embedder(settings)
    texts = sample_texts(settings, sample, embedder)
    cap = getattr(embedder, "max_tokens", 512)
    count = getattr(embedder, "token_count", None)
    tokens = [min(count(t), cap) for t in texts] if count else [0] * len(texts)
    model = getattr(embedder, "model", None)

    def encoder(size: int):
        if model is None or not hasattr(model, "encode"):
            return embedder.embed_documents
        prompt = embedder.document_prompt or None
        return lambda part: model.encode(
            part, prompt=prompt, batch_size=size, normalize_embeddings=True, convert_to_numpy=True
        )

    encoder(16)(texts[:4])  # warm-up
    seconds, _ = _interleaved(texts, {size: encoder(size) for size in BATCH_SIZES})
    rows = [
        {
            "batch_size": size,
            "texts_per_s": round(len(texts) / s, 2),
            "tokens_per_s": round(sum(tokens) / s, 1),
        }
        for size, s in seconds.items()
    ]
    best = max(rows, key=lambda r: r["texts_per_s"])
    everything = all_texts(settings, embedder)
    lengths = [count(t) for t in everything] if count else []
    return {
        "sample": len(texts),
        "backend": type(model).__name__,
        "group": GROUP,
        "mean_tokens": round(sum(tokens) / len(tokens), 1) if tokens else 0,
        "by_batch_size": rows,
        "best_batch_size": best["batch_size"],
        "best_texts_per_s": best["texts_per_s"],
        "best_tokens_per_s": best["tokens_per_s"],
        "corpus_tokens": sum(min(n, cap) for n in lengths),
        "chunks": len(everything),
        "over_cap": sum(n > cap for n in lengths),
        "over_cap_tokens_lost": sum(max(0, n - cap) for n in lengths),
        "cap": cap,
        "peak_rss_mb": peak_rss_mb(),
    }


def runtime_speed(settings, runtimes: Sequence[str], sample: int, work: Path) -> dict:
    """Each runtime against torch on the same sample texts, interleaved: texts/s, cosine."""
    from .onnx_models import load_runtime

    texts = sample_texts(settings, sample)
    variants: dict = {}
    out: dict = {}
    for runtime in ["torch", *(r for r in runtimes if r != "torch")]:
        try:
            started = time.perf_counter()
            _, encode = load_runtime(runtime, settings, work)
            encode(texts[:4])  # warm-up
            out[runtime] = {"load_s": round(time.perf_counter() - started, 1)}
        except Exception as exc:  # a runtime that does not run here is reported, not fatal
            out[runtime] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            continue
        variants[runtime] = encode
    seconds, outputs = _interleaved(texts, variants)
    reference = np.concatenate(outputs["torch"])
    for name in variants:
        cos = (np.concatenate(outputs[name]) * reference).sum(1)
        out[name] |= {
            "texts_per_s": round(len(texts) / seconds[name], 2),
            "speedup": round(seconds["torch"] / seconds[name], 2),
            "cosine_to_torch_min": round(float(cos.min()), 5),
            "cosine_to_torch_mean": round(float(cos.mean()), 5),
        }
    out["batch_size"] = settings.embed_batch_size
    out["sample"] = len(texts)
    return out


def runtime_quality(args: tuple) -> dict:
    """A first ingestion with one runtime into its own data dir, then our full pipeline's
    figures on the question files (run in its own process)."""
    settings, runtime, qa, paths, mirror, work = args
    from .. import pipeline
    from .onnx_models import load_runtime
    from .systems import Job, _score

    model, _ = load_runtime(runtime, settings, work)
    own = replace(settings, data_dir=work / f"data-{runtime}")
    started = time.perf_counter()
    summary = pipeline.ingest(paths, own, mirror=mirror, progress=False, embedder=model)
    ingest_s = time.perf_counter() - started
    from .. import eval as ev

    assistant = pipeline.Assistant.from_settings(own, embedder=model)
    figures = _score(Job(own, qa), ev.assistant_runner(assistant))
    return {
        "ingest_s": round(ingest_s, 1),
        "chunks": summary.chunks,
        "quality": {
            f: {k: v[k] for k in ("recall_at_5", "mrr_at_10", "p50_ms")} for f, v in figures.items()
        },
        "peak_rss_mb": peak_rss_mb(),
    }


def encode_bench(
    settings,
    qa: Sequence[Path],
    *,
    sample: int = 300,
    ingest: dict | None = None,
    quality: bool = True,
    scratch: Path,
    embedder=None,
    isolate: bool = True,
    runtimes: Sequence[str] | None = None,
    paths: Sequence[Path] = (),
    mirror: Path | None = None,
    baseline: dict | None = None,
) -> dict:
    """Raw rate and ingestion ratio; with the real model, the other runtimes too."""
    from .onnx_models import RUNTIMES

    out: dict = {"raw": run_maybe_isolated(isolate, raw_rates, settings, sample, embedder)}
    raw = out["raw"]
    if ingest and ingest.get("build_s"):
        rate = ingest["chunks"] / ingest["build_s"]
        tok_rate = raw["corpus_tokens"] / ingest["build_s"]
        out["ingest"] = {
            "texts_per_s": round(rate, 2),
            "tokens_per_s": round(tok_rate, 1),
            "over_raw_texts": _ratio(rate, raw["best_texts_per_s"]),
            "over_raw_tokens": _ratio(tok_rate, raw["best_tokens_per_s"]),
        }
    if embedder is not None:  # a stand-in model: no other runtime to compare
        return out
    runtimes = list(RUNTIMES if runtimes is None else runtimes)
    work = scratch / "runtimes"
    out["runtimes"] = run_maybe_isolated(
        isolate, runtime_speed, settings, runtimes, min(sample, 200), work
    )
    if quality:
        out["quality"] = {}
        if baseline:  # the comparison's figures, taken with the default backend
            out["quality"]["openvino"] = baseline
        for runtime in runtimes:
            if "error" in out["runtimes"].get(runtime, {}) or runtime in out["quality"]:
                continue
            if runtime not in QUALITY_RUNTIMES:
                continue
            args = (bench_settings(settings, work), runtime, list(qa), paths, mirror, work)
            out["quality"][runtime] = run_maybe_isolated(isolate, runtime_quality, args)
    return out


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def encode_table(result: dict) -> str:
    raw = result["raw"]
    lines = [
        f"raw encode ({raw.get('backend', 'default backend')}, sample {raw['sample']},"
        f" mean {raw['mean_tokens']} tokens):"
    ]
    for r in raw["by_batch_size"]:
        lines.append(
            f"  batch {r['batch_size']:>3}: {r['texts_per_s']:>7} texts/s {r['tokens_per_s']:>9} tok/s"
        )
    lines.append(
        f"chunks over {raw['cap']} tokens: {raw['over_cap']} of {raw['chunks']}"
        f" ({raw['over_cap_tokens_lost']} tokens cut off)"
    )
    if "ingest" in result:
        i = result["ingest"]
        lines.append(
            f"whole ingestion: {i['texts_per_s']} texts/s, {i['tokens_per_s']} tok/s;"
            f" / raw = {i['over_raw_texts']} (texts) {i['over_raw_tokens']} (tokens)  (target >= 0.8)"
        )
    for name, r in result.get("runtimes", {}).items():
        if isinstance(r, dict):
            lines.append(f"runtime {name:<14}{r}")
    for name, r in result.get("quality", {}).items():
        lines.append(f"quality {name:<14}{r}")
    return "\n".join(lines)
