"""BENCHMARKS.md from the figures of one run (`--markdown`): tables only, no commentary."""

from __future__ import annotations

from .compare import LABELS, ORDER, targets
from .systems import FIGURES

LOADED = 1.5  # a 1-minute load average above this on 2 cores: the machine was shared


METHOD = [
    "How: every system is built in the same run from the same documents with the same "
    "multilingual-e5-small model, each in its own process (its peak memory is its own); the "
    "figures of quality come from that process. Latency is then measured again with all systems "
    "in one process, each question asked of each system in turn (the order rotating), so that "
    "load from elsewhere falls on all of them alike: those are the p50/p95 shown.",
    "",
    "- **naive LangChain**: `RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)` "
    "over the documents as our loader reads them, our e5 embedder behind LangChain's "
    "`Embeddings`, `langchain_chroma.Chroma.similarity_search(k=10)`. A chunk is a hit when it "
    "belongs to a gold document and contains the gold evidence, or, for a gold Pasal, that "
    "Pasal's heading line followed by the first 80 characters of its text (taken from our own "
    "chunk of it; whitespace and case normalised). *gold findable* checks that rule can be met.",
    "- **BM25 only**: `bm25s` (default tokenizer, no stopwords, no stemming) over our chunks "
    "(context header + text), the raw question.",
    "- **ours: dense only**: our chunks, exact cosine search over the e5 vectors, raw question.",
    "- **ours: hybrid retrieval**: `HybridRetriever.retrieve` as the app configures it.",
    "- **ours: full pipeline**: `Assistant.ask` (retrieval and the extractive answer); hits are "
    "the answer's. Ours are scored by the eval command's rule (`assistant.eval.run`).",
    "- Times include embedding the question wherever a system embeds it.",
]


def _row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(head, rows) -> list[str]:
    return [_row(head), _row(["---"] * len(head)), *(_row(r) for r in rows), ""]


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Regenerate with `make bench` (= `python -m assistant.bench all --mirror "
        "../shared/corpus/mirror --server --json BENCHMARKS.json --markdown BENCHMARKS.md`; "
        "about 45 minutes on a loaded 2-core machine). The same figures, and each question's hit "
        "rank, are in `BENCHMARKS.json`.",
        "",
        f"Taken {m['date']} on {m['cores']} cores, {m['ram_gib']} GiB RAM, CPU only, Python "
        f"{m['python']}; 1-minute load average {m['load_avg_1m']} at the start.",
    ]
    if m["load_avg_1m"] > LOADED:
        lines.append(
            "**The machine was shared with other work while these figures were taken**: absolute "
            "times are noisy and slower than on a quiet machine; compare the ratios, each taken "
            "against a baseline measured in the same run."
        )
    if result.get("note"):  # parts rerun later than the run above, merged in by hand
        lines += ["", result["note"]]
    lines += ["", *METHOD, ""]
    if "compare" in result:
        lines += _compare(result["compare"])
    if "encode" in result:
        lines += _encode(result["encode"])
    if "ingest" in result:
        lines += ["## Our pipeline's costs", ""]
        lines += _table(["figure", "value"], list(result["ingest"].items()))
    if "scale" in result:
        lines += _scale(result["scale"])
    return "\n".join(lines)


def _compare(c: dict) -> list[str]:
    out = ["## Side by side (same corpus, machine and e5 model, one run)", ""]
    if c.get("note"):
        out += [c["note"] + ".", ""]
    rows = []
    for name in ORDER:
        for qa, f in c["systems"].get(name, {}).items():
            rows.append(
                [
                    LABELS[name],
                    qa,
                    *(f"{f[k]:.3f}" for k in FIGURES),
                    f["p50_ms"],
                    f["p95_ms"],
                ]
            )
    out += _table(["system", "questions", "R@1", "R@5", "R@10", "MRR@10", "p50 ms", "p95 ms"], rows)
    rows = [
        [pair, qa, *(r[k] for k in ("recall_at_5", "mrr_at_10", "p50_ms", "p95_ms"))]
        for pair, per in c["ratios"].items()
        for qa, r in per.items()
    ]
    out += ["Ratios ours / baseline:", ""]
    out += _table(["ours / baseline", "questions", "R@5", "MRR@10", "p50", "p95"], rows)
    rows = [[n, b.get("build_s", ""), b.get("peak_rss_mb", "")] for n, b in c["builds"].items()]
    out += ["Build (index from the documents) and peak memory of each system's process:", ""]
    out += _table(["system", "build s", "peak RSS MB"], rows)
    if "naive_langchain" in c["builds"]:
        f = c["builds"]["naive_langchain"]
        out += [
            f"The naive recipe made {f['chunks']} chunks; share of answerable questions that some "
            "naive chunk can hit at all: "
            + ", ".join(f"{qa} {v}" for qa, v in f["gold_findable"].items())
            + ".",
            "",
        ]
    rows = [[what, figure, "met" if met else "**not met**"] for what, met, figure in targets(c)]
    if rows:
        out += _table(["target", "figure", ""], rows)
    return out


def _encode(e: dict) -> list[str]:
    raw = e["raw"]
    out = ["## Ingestion against the encoder's raw rate", ""]
    out += _table(
        ["batch size", "texts/s", "tokens/s"],
        [[r["batch_size"], r["texts_per_s"], r["tokens_per_s"]] for r in raw["by_batch_size"]],
    )
    out.append(
        f"Raw rate: the default backend's ({raw.get('backend', 'OpenVinoModel')}) `encode` alone "
        f"on {raw['sample']} random chunks of ours, in groups of 64 texts, batch sizes interleaved "
        f"(mean {raw['mean_tokens']} tokens). Chunks over the {raw['cap']}-token cap: "
        f"{raw['over_cap']} of {raw['chunks']} ({raw['over_cap_tokens_lost']} tokens cut off)."
    )
    if "ingest" in e:
        i = e["ingest"]
        out.append(
            f"Whole first ingestion: {i['texts_per_s']} chunks/s, {i['tokens_per_s']} tokens/s = "
            f"{i['over_raw_texts']} of the raw rate in chunks, {i['over_raw_tokens']} in tokens "
            "(target ≥ 0.8)."
        )
    out.append("")
    if "runtimes" in e:
        rt = e["runtimes"]
        rows = []
        for name, r in rt.items():
            if not isinstance(r, dict):
                continue
            if "error" in r:
                rows.append([name, "-", "-", "-", r["error"][:120]])
            else:
                rows.append(
                    [
                        name,
                        r["texts_per_s"],
                        r.get("speedup", 1.0),
                        r.get("cosine_to_torch_min", 1.0),
                        "",
                    ]
                )
        out += [f"Runtimes on the same {rt['sample']} texts, batch size {rt['batch_size']}:", ""]
        out += _table(["runtime", "texts/s", "× torch", "min cosine to torch", "note"], rows)
    if e.get("quality"):
        rows = []
        for name, q in e["quality"].items():
            for qa, f in q.get("quality", {}).items():
                rows.append([name, q.get("ingest_s", ""), qa, f["recall_at_5"], f["mrr_at_10"]])
        out += [
            "First ingestion with each runtime (one after the other, not interleaved: on a "
            "loaded machine these times carry the load of their moment), then our full pipeline "
            "on the index it built:",
            "",
        ]
        out += _table(["runtime", "first ingestion s", "questions", "R@5", "MRR@10"], rows)
    return out


def _scale(s: dict) -> list[str]:
    out = [
        "## Scale (synthetic copies of the corpus, perturbed vectors)",
        "",
        f"Copies: new ids and numbers, {s['drop']:.0%} of words dropped, vector noise σ={s['noise']}"
        f" per dimension; {s['questions']} dev2 questions timed per size; dev R@5 through the"
        " whole answer shows whether copies crowd out the real provisions.",
        "",
    ]
    if s.get("note"):
        out += [s["note"] + ".", ""]
    rows = []
    for factor, row in s["sizes"].items():
        for client in ("embedded", "server"):
            m = row.get(client)
            if not m:
                continue
            lat = [
                f"{m['latency'][k]['p50_ms']:.0f} / {m['latency'][k]['p95_ms']:.0f}"
                for k in ("dense", "lexical", "fused", "answer")
            ]
            rows.append(
                [
                    f"{factor}×",
                    client,
                    row["chunks"],
                    row["index_mb"],
                    row["write_s"],
                    row.get("embed_s_extrapolated", ""),
                    m["startup_s"],
                    m["rss_at_rest_mb"],
                    *lat,
                    m["dev_recall_at_5"],
                ]
            )
    head = [
        "size",
        "client",
        "chunks",
        "disk MB",
        "write s",
        "embed s (extrap.)",
        "start-up s",
        "RSS MB",
        "dense p50/p95",
        "BM25 p50/p95",
        "fused p50/p95",
        "answer p50/p95",
        "dev R@5",
    ]
    out += _table(head, rows)
    return out
