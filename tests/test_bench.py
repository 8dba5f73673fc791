"""Smoke test of the benchmark script on the tiny fixture corpus, so it cannot rot.

The fake embedder stands in for the model (the benchmark's figures need the real one; this test
only checks that every part runs, that the hit rules count what they should and that the report
is written). The real Chroma, LangChain splitter, langchain-chroma and bm25s are used."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.bench.__main__ import main
from assistant.bench.systems import naive_hit, pasal_needles
from assistant.index import Record

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
QUESTIONS = [
    {
        "id": "t1",
        "question": "Berapa orang paling sedikit untuk membentuk Koperasi Contoh?",
        "kind": "regulation",
        "gold": [{"doc": "uu-99-2030", "pasal": "2"}],
        "evidence": "dibentuk paling sedikit oleh 7 (tujuh) orang",
    },
    {
        "id": "t2",
        "question": "Berapa kali rapat anggota diadakan dalam setahun?",
        "kind": "regulation",
        "gold": [{"doc": "uu-99-2030", "pasal": "3"}],
    },
    {"id": "t3", "question": "Berapa harga saham koperasi di bursa?", "kind": "unanswerable"},
]


def test_naive_hit_rule_needs_gold_document_and_pasal_heading_with_its_text():
    records = [
        Record(
            "uu-99-2030/pasal-2",
            "BAB I KETENTUAN UMUM\nPasal 2\n(1) Koperasi Contoh dibentuk paling sedikit oleh 7 "
            "(tujuh) orang.\n(2) Pembentukan dilakukan dengan akta pendirian.",
            {"doc_id": "uu-99-2030", "pasal": "2", "part": "batang_tubuh", "order": 2},
        )
    ]
    needles = pasal_needles(records)
    gold = {"doc": "uu-99-2030", "pasal": "2"}
    chunk = "x Pasal 2 (1) Koperasi Contoh dibentuk paling sedikit oleh 7 (tujuh) orang. (2) Pembentukan dilakukan dengan akta pendirian. Pasal 3 ..."
    norm = " ".join(chunk.lower().split())
    assert naive_hit(gold, {"doc_id": "uu-99-2030"}, norm, needles)
    assert not naive_hit(gold, {"doc_id": "uu-98-2031"}, norm, needles)
    assert not naive_hit(gold, {"doc_id": "uu-99-2030"}, "pasal 2 (1) lain", needles)
    assert not naive_hit(
        {"doc": "uu-99-2030", "pasal": "3"}, {"doc_id": "uu-99-2030"}, norm, needles
    )
    evidence = gold | {"pasal": "9", "evidence": "akta  Pendirian"}
    assert naive_hit(evidence, {"doc_id": "uu-99-2030"}, norm, needles)


def test_benchmark_script_runs_every_part_on_a_tiny_corpus(tmp_path, embed_demo):
    qa = tmp_path / "tiny.jsonl"
    qa.write_text("\n".join(json.dumps(q) for q in QUESTIONS), encoding="utf-8")
    out, md = tmp_path / "bench.json", tmp_path / "BENCHMARKS.md"
    argv = ["all", str(FIXTURES), "--qa", str(qa), "--json", str(out), "--markdown", str(md)]
    argv += ["--sample", "5", "--scales", "3"]
    assert main(argv, embedder=embed_demo) == 0

    result = json.loads(out.read_text(encoding="utf-8"))
    compared = result["compare"]["systems"]
    assert set(compared) == {"naive_langchain", "bm25", "ours_dense", "ours_retrieval", "ours_full"}
    for figures in compared.values():
        assert figures["tiny"]["n"] == 3 and figures["tiny"]["n_answerable"] == 2
        assert 0 <= figures["tiny"]["recall_at_5"] <= 1
    # the fixture's words are in the questions: BM25 and our pipeline find both Pasal
    assert compared["bm25"]["tiny"]["recall_at_5"] == 1.0
    assert compared["ours_full"]["tiny"]["recall_at_5"] == 1.0
    assert result["compare"]["builds"]["naive_langchain"]["gold_findable"]["tiny"] == 1.0
    assert result["compare"]["ratios"]["ours_full/naive_langchain"]["tiny"]["p50_ms"] > 0
    built = result["compare"]["builds"]["ours"]
    assert built["chunks"] > 0 and built["reingest_unchanged_embedded"] == 0
    assert built["reingest_one_changed_embedded"] >= 1
    assert result["encode"]["raw"]["sample"] == 5
    assert 0 < result["encode"]["ingest"]["over_raw_texts"]
    sizes = result["scale"]["sizes"]
    assert sizes["3"]["chunks"] == 3 * sizes["1"]["chunks"]
    assert sizes["3"]["embedded"]["latency"]["answer"]["n"] == 3
    text = md.read_text(encoding="utf-8")
    assert "make bench" in text and "naive LangChain" in text and "Scale" in text
    # parts rerun later are merged with notes saying when; the report command shows them
    result["note"] = "Rerun later: the comparison"
    result["compare"]["note"] = "Rerun at noon"
    out.write_text(json.dumps(result), encoding="utf-8")
    assert main(["report", "--json", str(out), "--markdown", str(md)]) == 0
    text = md.read_text(encoding="utf-8")
    assert "Rerun later: the comparison" in text and "Rerun at noon." in text
