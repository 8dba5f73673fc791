"""The evaluation command: the README's matching rule, the figures, and a real-model run."""

from __future__ import annotations

import json

import pytest

from assistant.eval import Result, hit_rank, is_hit, load_questions, main, summarise

BODY = {"doc_id": "uu-25-1992", "pasal": "37", "part": "batang_tubuh"}
PJ = {"doc_id": "uu-25-1992", "pasal": "37", "part": "penjelasan"}


def test_pasal_rule_needs_same_doc_pasal_and_part():
    gold = {"doc": "uu-25-1992", "pasal": "37"}
    assert is_hit(gold, BODY, "")
    assert not is_hit(gold, PJ, "")
    assert is_hit(gold | {"part": "penjelasan"}, PJ, "")
    assert not is_hit(gold | {"part": "penjelasan"}, BODY, "")
    assert not is_hit(gold, BODY | {"doc_id": "uu-17-2012"}, "")
    assert not is_hit(gold, BODY | {"pasal": "3"}, "")
    assert is_hit(
        {"doc": "pmk-81-2025", "pasal": "29b"}, {"doc_id": "pmk-81-2025", "pasal": "29B"}, ""
    )


def test_consolidated_pasal_is_the_wording_of_the_act_it_was_read_from():
    gold = {
        "doc": "uu-11-2020-bab-v",
        "section": "Pasal 86 angka 1",
        "evidence": "paling sedikit 9",
    }
    current = {"doc_id": "uu-25-1992", "pasal": "6", "part": "teks_berlaku"}
    text = "Pasal 6 (1) Koperasi Primer dibentuk paling sedikit 9 (sembilan) orang."
    assert not is_hit(gold, current, text)
    assert is_hit(gold, current | {"text_from": "uu-11-2020-bab-v"}, text)
    assert not is_hit(gold, current | {"text_from": "uu-11-2020-bab-v"}, "Pasal 6 dihapus.")
    # an original Pasal never counts for the amending act
    assert not is_hit(
        gold, current | {"part": "batang_tubuh", "text_from": "uu-11-2020-bab-v"}, text
    )


def test_evidence_rule_normalises_case_and_whitespace():
    gold = {
        "doc": "juklak-menkop-1-2025",
        "section": "BAB III",
        "evidence": "Kepala Desa  menjadi\nketua pengawas",
    }
    meta = {"doc_id": "juklak-menkop-1-2025", "pasal": ""}
    assert is_hit(gold, meta, "… kepala desa menjadi   Ketua Pengawas secara ex officio")
    assert not is_hit(gold, meta, "kepala desa menjadi anggota pengawas")
    assert not is_hit(
        gold, meta | {"doc_id": "se-menkop-1-2025"}, "kepala desa menjadi ketua pengawas"
    )
    assert not is_hit(gold | {"evidence": ""}, meta, "anything")


def test_hit_rank_is_the_first_matching_position():
    golds = [
        {"doc": "uu-25-1992", "pasal": "37", "part": "penjelasan"},
        {"doc": "uu-25-1992", "pasal": "37"},
    ]
    retrieved = [
        ({"doc_id": "uu-25-1992", "pasal": "1", "part": "batang_tubuh"}, ""),
        (BODY, ""),
        (PJ, ""),
    ]
    assert hit_rank(golds, retrieved) == 2
    assert hit_rank(golds, retrieved[:1]) is None


def test_summary_figures():
    rows = [
        Result("a", "regulation", 1, latency_ms=10),
        Result("b", "status", 3, warned=True, latency_ms=20),
        Result("c", "status", None, refused=True, latency_ms=30),
        Result("d", "unanswerable", None, refused=True, latency_ms=40),
        Result("e", "unanswerable", None, latency_ms=50),
    ]
    s = summarise(rows)
    assert (s["n"], s["n_answerable"]) == (5, 3)
    assert s["recall_at_1"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["recall_at_5"] == pytest.approx(2 / 3, abs=1e-4)
    assert s["mrr_at_10"] == pytest.approx((1 + 1 / 3) / 3, abs=1e-4)
    assert s["refusal_precision"] == 0.5 and s["refusal_recall"] == 0.5
    assert s["false_refusal_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert s["status_warning_rate"] == 0.5
    assert s["latency_ms_p50"] == 30 and s["latency_ms_p95"] == 50
    q = s["per_question"][0]
    assert set(q) >= {"id", "hit_rank", "refused", "warned", "citations", "latency_ms"}


# --- real model, real Chroma --------------------------------------------------------------------

SUBSET = [
    "uu-25-1992-perkoperasian.md",
    "uu-17-2012-perkoperasian-DIBATALKAN-putusan-mk-28-puu-xi-2013.md",
    "pp-17-1994-pembubaran-koperasi-oleh-pemerintah.md",
]


@pytest.fixture(scope="module")
def subset_env(tmp_path_factory, shared_dir, real_embedder, model_cache):
    """A real index of three regulations (the valid law, the annulled one, a PP)."""
    from assistant import pipeline
    from assistant.config import Settings

    data = tmp_path_factory.mktemp("evaldata")
    settings = Settings(data_dir=data, model_cache=model_cache)
    paths = [shared_dir / "corpus" / "regulations" / name for name in SUBSET]
    summary = pipeline.ingest(paths, settings, embedder=real_embedder, progress=False)
    assert not summary.failures
    return settings


@pytest.mark.slow
def test_eval_command_on_a_real_index(subset_env, shared_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(subset_env.data_dir))
    monkeypatch.setenv("ASSISTANT_MODEL_CACHE", str(subset_env.model_cache))
    docs = {"uu-25-1992", "pp-17-1994"}
    questions = [
        q
        for q in load_questions(shared_dir / "eval" / "dev.jsonl")
        if q["gold"] and all(g["doc"] in docs for g in q["gold"])
    ]
    assert len(questions) >= 10
    qa = tmp_path / "qa.jsonl"
    qa.write_text("\n".join(json.dumps(q) for q in questions), encoding="utf-8")
    out = tmp_path / "out.json"
    assert main([str(qa), "--json", str(out), "--retrieval-only"]) == 0
    s = json.loads(out.read_text())
    for key in ("recall_at_1", "recall_at_10", "refusal_precision", "latency_ms_p95"):
        assert key in s
    assert s["n"] == len(questions) and len(s["per_question"]) == len(questions)
    assert s["recall_at_5"] >= 0.8 and s["mrr_at_10"] >= 0.6
    assert s["through"].startswith("retriever only")
    # through the answer layer: an unanswerable question (a document the index lacks) counts
    unanswerable = [q for q in load_questions(shared_dir / "eval" / "dev.jsonl") if not q["gold"]]
    qa.write_text("\n".join(json.dumps(q) for q in questions[:3] + unanswerable[:2]))
    assert main([str(qa), "--json", str(out)]) == 0
    s = json.loads(out.read_text())
    assert s["through"] == "Assistant.ask" and s["n"] == 5 and s["n_answerable"] == 3
    assert all(isinstance(q["refused"], bool) for q in s["per_question"])
    assert all(q["citations"] for q in s["per_question"] if not q["refused"])


@pytest.mark.slow
def test_real_retrieval_lookup_and_status(subset_env, real_embedder):
    from assistant.pipeline import open_index
    from assistant.retrieval.retriever import build_retriever

    index = open_index(subset_env, real_embedder, create=False)
    r = build_retriever(subset_env, index, real_embedder)
    hits = r.retrieve("penjelasan pasal 37 uu 25/1992", k=5)
    assert hits[0].meta["part"] == "penjelasan" and hits[0].meta["pasal"] == "37"
    hits = r.retrieve("pasal 30 ayat 2 uu koperasi", k=5)
    assert hits[0].meta["doc_id"] == "uu-25-1992" and hits[0].meta["pasal"] == "30"
    # the same topic exists in the annulled UU 17/2012: the valid law comes first
    hits = r.retrieve("masa jabatan pengurus koperasi paling lama berapa tahun", k=10)
    docs = [h.meta["doc_id"] for h in hits]
    assert docs[0] == "uu-25-1992"
    assert all(h.signals.get("status_penalty") for h in hits if h.meta["doc_id"] == "uu-17-2012")
    assert hits[0].signals.get("dense_score", 0) > 0.5


def test_expected_point_needs_its_numbers_and_most_content_words():
    from assistant.eval import point_stated, points_share

    answer = "Koperasi Primer dibentuk oleh paling sedikit 9 (sembilan) orang [1]."
    assert point_stated("koperasi primer dibentuk paling sedikit 9 orang", answer)
    assert not point_stated("koperasi primer dibentuk paling sedikit 20 orang", answer)
    # 'koperasi', 'primer' found; 'anggota', 'pendiri', 'perorangan' not: 2 of 5 < 60%
    assert not point_stated("koperasi primer anggota pendiri perorangan", answer)
    q = {"kind": "regulation", "expected_points": ["paling sedikit 9 orang", "akta notaris"]}
    assert points_share(q, answer, "jawaban") == 0.5
    unanswerable = {"kind": "unanswerable", "expected_points": ["tidak ditemukan"]}
    assert points_share(unanswerable, "…", "kurang_yakin") == 1.0
    assert points_share(unanswerable, "…", "jawaban") == 0.0
