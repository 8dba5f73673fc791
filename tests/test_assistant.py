"""The Assistant facade over a real Chroma index of a few real documents and the real model."""

from __future__ import annotations

import json

import pytest

from assistant import cli
from assistant.answer import citations
from assistant.config import Settings
from assistant.pipeline import MAX_QUESTION_CHARS, Assistant, ingest

pytestmark = pytest.mark.slow

DOCS = (
    "uu-25-1992-perkoperasian.md",
    "uu-17-2012-perkoperasian-DIBATALKAN-putusan-mk-28-puu-xi-2013.md",
    "pp-9-1995-pelaksanaan-kegiatan-usaha-simpan-pinjam-oleh-koperasi.md",
    "excerpts/uu-11-2020-bab-v-koperasi-umkm.md",
)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, shared_dir, model_cache, real_embedder) -> Assistant:
    settings = Settings(data_dir=tmp_path_factory.mktemp("assistant"), model_cache=model_cache)
    paths = [shared_dir / "corpus" / "regulations" / name for name in DOCS]
    summary = ingest(paths, settings, embedder=real_embedder, progress=False)
    assert summary.failures == [] and summary.documents == len(DOCS)
    return Assistant.from_settings(settings, embedder=real_embedder)


def _pasals(answer) -> set[tuple[str, str]]:
    return {(s.doc_id, s.pasal) for s in answer.sources}


def test_answer_cites_the_provision_with_markers(assistant):
    answer = assistant.ask("Apa saja tugas pengurus koperasi?")
    assert not answer.refused
    assert ("uu-25-1992", "30") in _pasals(answer)
    assert citations.markers(answer.text) == [s.marker for s in answer.sources]
    assert all(s.quote and s.quote.split()[0] in s.text for s in answer.sources)
    assert answer.latency_ms > 0 and answer.mode == "extractive"
    assert assistant.mode == "ekstraktif"
    assert "## Sumber" in answer.to_markdown()


def test_amended_rule_carries_a_status_warning(assistant):
    answer = assistant.ask("Berapa jumlah orang minimal untuk membentuk koperasi primer?")
    assert not answer.refused
    docs = {s.doc_id for s in answer.sources}
    assert docs & {"uu-25-1992", "uu-11-2020-bab-v"}
    assert answer.warnings, answer.text
    assert any("UU 11/2020" in w or "UU 6/2023" in w for w in answer.warnings)
    assert "⚠" in answer.text


def test_in_force_answer_has_no_warning(assistant):
    answer = assistant.ask("Siapa yang menandatangani laporan tahunan koperasi?")
    assert not answer.refused
    assert ("uu-25-1992", "36") in _pasals(answer)
    assert all(s.status == "berlaku" for s in answer.sources)
    # at most a note on how the annulled UU 17/2012 differed, never a warning on the rule itself
    notes = [s.status_warning for s in answer.sources if s.status_warning]
    assert all(n.startswith("Catatan: UU 17/2012") for n in notes)
    assert len(answer.warnings) == len(notes)


def test_amended_text_is_preferred_and_the_old_one_flagged(assistant):
    answer = assistant.ask("Berapa jumlah orang minimal untuk membentuk koperasi primer?")
    first = answer.sources[0]  # the consolidated wording, cited with the amending act
    assert (first.doc_id, first.part) == ("uu-25-1992", "teks_berlaku")
    assert "sebagaimana diubah UU 11/2020 Pasal 86 angka 1" in first.citation
    assert "9 (sembilan) orang" in first.quote
    assert any(w.startswith("UU 25/1992 Pasal 6") for w in answer.warnings)
    assert any("diubah 2020: 20 orang → 9 orang" in w for w in answer.warnings)


def test_a_named_act_no_longer_in_force_is_warned_about(assistant):
    answer = assistant.ask("Menurut UU 17/2012, siapa yang menandatangani laporan tahunan?")
    assert answer.warnings[0].startswith(
        "UU 17/2012: UU 17/2012 dibatalkan seluruhnya oleh Putusan MK 28/PUU-XI/2013"
    )
    assert "⚠ UU 17/2012: " in answer.text
    plain = assistant.ask("Menurut UU 25/1992, siapa yang menandatangani laporan tahunan?")
    assert not any(w.startswith("UU 17/2012:") for w in plain.warnings)


def test_an_act_known_only_as_amended_is_named_not_missing(assistant):
    question = "Pasal 24 PMK 108/2024 soal syarat Dana Desa tahap II masih berlaku?"
    assert assistant._named_missing(question, None) == 0
    answer = assistant.ask(question)
    assert any(w.startswith("PMK 108/2024: PMK 108/2024 telah diubah") for w in answer.warnings)
    assert assistant._named_missing("Plafon KSP menurut Permenkop UKM 4/2020?", None) == 1


def test_unanswerable_question_is_refused(assistant):
    answer = assistant.ask("Berapa besar dana hibah APBN yang diterima Dekopin tahun 2025?")
    assert answer.refused and answer.sources == ()
    assert "tidak ditemukan" in answer.text and answer.related


def test_followup_is_resolved_against_history(assistant):
    history = [("Berapa jumlah orang minimal untuk membentuk koperasi primer?", "…")]
    answer = assistant.ask("kalau koperasi sekunder?", history=history)
    assert "membentuk" in answer.resolved_question
    assert not answer.refused
    assert any("Sekunder" in s.quote or "sekunder" in s.quote for s in answer.sources)


@pytest.mark.parametrize("question", ["", "   \n", "x" * (MAX_QUESTION_CHARS + 1)])
def test_bad_input_gets_a_friendly_message(assistant, question):
    answer = assistant.ask(question)
    assert not answer.refused and answer.sources == () and answer.notice
    assert answer.text == answer.notice


def test_provision_and_neighbours(assistant):
    groups: dict[tuple, list] = {}
    for r in assistant.index.records():
        if r.meta["pasal"] and not r.meta.get("term"):  # definition units repeat Pasal 1
            key = (r.meta["doc_id"], r.meta["part"], r.meta["pasal"])
            groups.setdefault(key, []).append(r)
    long_key = ("uu-17-2012", "batang_tubuh", "1")  # a long Pasal split into several chunks
    assert len(groups[long_key]) > 1
    last = max(groups[long_key], key=lambda r: r.meta["order"])
    chunks = assistant.provision(last.id)
    assert [c.id for c in chunks] == [
        r.id for r in sorted(groups[long_key], key=lambda r: r.meta["order"])
    ]

    pasal_6 = groups[("uu-25-1992", "batang_tubuh", "6")][0].id
    nxt = assistant.neighbour(pasal_6, +1)
    assert assistant.index.get([nxt])[0].meta["pasal"] == "7"
    assert assistant.neighbour(nxt, -1) == pasal_6
    after_long = assistant.neighbour(last.id, +1)
    assert after_long and assistant.neighbour(after_long, -1) == chunks[0].id
    body = [r for k, rs in groups.items() if k[:2] == ("uu-25-1992", "batang_tubuh") for r in rs]
    first = min(body, key=lambda r: r.meta["order"])
    assert assistant.neighbour(first.id, -1) is None
    assert assistant.provision("tidak-ada/pasal-1") == []
    # a definition unit opens the whole Pasal it belongs to
    assert [c.id for c in assistant.provision("uu-17-2012/pasal-1/angka-3")] == [
        c.id for c in chunks
    ]
    # an amending act changes two different "Pasal 6" (of two laws): they are not one provision
    change = assistant.provision("uu-11-2020-bab-v/pasal-86-angka-1")
    assert [c.id for c in change] == ["uu-11-2020-bab-v/pasal-86-angka-1"]


def test_stats(assistant):
    data = assistant.stats()
    assert data["documents"] == len(DOCS)
    assert data["by_document"]["uu-25-1992"]["pasal"] > 60


def test_cli_ask_prints_json(assistant, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(assistant.settings.data_dir))
    monkeypatch.setenv("ASSISTANT_MODEL_CACHE", str(assistant.settings.model_cache))
    assert cli.main(["ask", "Apa saja tugas pengurus koperasi?", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["refused"] is False
    assert any("Pasal 30" in c for c in data["citations"])
