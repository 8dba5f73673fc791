"""Consolidation of amended acts (legal/consolidate.py) on the corpus texts, and its OCR repairs."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import pipeline
from assistant.legal.consolidate import (
    KEPT,
    amended_documents,
    consolidate,
    current_chunks,
    history,
    what_changed,
)
from assistant.legal.parser import parse_document
from assistant.legal.registry import parse_registry
from assistant.legal.repair import repair
from assistant.legal.statuses import StatusHooks
from assistant.legal.types import PART_BODY, PART_CURRENT
from tests.legal_corpus import CORPUS, document, manifest

REGISTRY = parse_registry(
    (Path(__file__).resolve().parents[1] / "corpus" / "amendments.toml").read_text("utf-8")
)
EXCERPT = "uu-11-2020-bab-v"


def _docs(ids):
    out = {}
    for doc_id in ids:
        doc = document(doc_id)
        out[doc_id] = (doc, parse_document(doc.text, doc.meta.jenis))
    return out


@pytest.fixture(scope="module")
def docs():
    return _docs(["uu-25-1992", "uu-20-2008", EXCERPT])


@pytest.fixture(scope="module")
def koperasi(docs):
    return consolidate("uu-25-1992", docs, REGISTRY)


@pytest.fixture(scope="module")
def umkm(docs):
    return consolidate("uu-20-2008", docs, REGISTRY)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _amending(start: str, end: str) -> str:
    """The excerpt's wording from `start` to the end of `end` (the first one after start)."""
    text = document(EXCERPT).text
    s = text.index(start)
    return _flat(text[s : text.index(end, s) + len(end)])


def _body(provision) -> str:
    return _flat(provision.text.split("\n", 1)[1])


def test_every_registry_change_with_amending_text_in_the_corpus_is_consolidated():
    ids = [e["id"] for e in manifest()]
    docs = _docs(ids)
    wanted = {
        (e.doc, e.pasal)
        for e in REGISTRY.entries
        if e.pasal
        and e.part == PART_BODY
        and e.change in ("diubah", "disisipkan", "dihapus")
        and e.current_doc in docs
        and e.current_doc != e.doc
    }
    assert {d for d, _ in wanted} == {"uu-25-1992", "uu-20-2008", "pmk-108-2024"}
    assert sorted(amended_documents(REGISTRY, docs)) == ["uu-20-2008", "uu-25-1992"]
    got = set()
    for doc_id in amended_documents(REGISTRY, docs, absent=True):
        c = consolidate(doc_id, docs, REGISTRY)
        assert c.problems == ()
        got |= {(doc_id, p.pasal) for p in c.changed()}
    assert got == wanted
    # PMK 108/2024 is held only through PMK 81/2025: its changed Pasal alone, in number order
    pmk = consolidate("pmk-108-2024", docs, REGISTRY)
    assert [(p.pasal, p.change) for p in pmk.provisions] == [
        ("24", "diubah"),
        ("25", "diubah"),
        ("29A", "disisipkan"),
        ("29B", "disisipkan"),
    ]
    assert pmk.get("29B").text.startswith("Pasal 29B\n(1) Dana Desa tahap II")
    assert "Pasal 29B" not in pmk.get("29A").text


def test_consolidated_uu_25_1992_has_every_pasal_in_order(koperasi):
    numbers = [p.pasal for p in koperasi.provisions]
    assert numbers == [str(n) for n in range(1, 45)] + ["44A"] + [str(n) for n in range(45, 68)]
    assert [p.pasal for p in koperasi.changed()] == ["6", "21", "22", "43", "44A"]
    assert koperasi.get("7").change == KEPT
    assert koperasi.get("7").text.startswith("Pasal 7\n")
    assert koperasi.get("44A").path == koperasi.get("44").path  # placed in BAB VIII


# (start, end) of each Pasal's new wording in the excerpt, and the repairs the structure makes
# unambiguous: (kind, OCR text) pairs, in order
WORDING = {
    "6": ("(1) Koperasi Primer dibentuk", "3 (tiga) Koperasi.", [("penanda ayat", "(21")]),
    "21": ("(1) Perangkat organisasi", "wajib memiliki dewan pengawas syariah.", []),
    "22": (
        "(1) Rapat Anggota mempakan",
        "dan ayat (3) diatur dalam Anggaran Dasar/Anggaran Rumah Tangga.",
        [("penanda ayat", "(21")] * 3,
    ),
    "43": (
        "(1) Usaha Koperasi adalah",
        "kegiatan usaha Koperasi diatur dalam Peraturan Pemerintah.",
        [("penanda ayat", "(21")],
    ),
    "44A": (
        "(1) Koperasi dapat menjalankan",
        "berdasarkan prinsip syariah diatur dalam Peraturan Pemerintah.",
        [("penanda ayat", "(21")] * 3
        + [("huruf untuk angka ayat", "(Z)"), ("awal ayat berulang", "(5) Dewan (5) Dewan")],
    ),
}
FIXES = {"(21": "(2)", "(Z)": "(2)", "(5) Dewan (5) Dewan": "(5) Dewan", "(41": "(4)"}


@pytest.mark.parametrize("pasal", list(WORDING))
def test_changed_pasal_equals_the_amending_wording_after_the_listed_repairs(koperasi, pasal):
    start, end, repairs = WORDING[pasal]
    provision = koperasi.get(pasal)
    expected = _amending(start, end)
    for before, after in FIXES.items():
        expected = expected.replace(before, after)
    assert _body(provision) == expected
    assert [(r.kind, r.before) for r in provision.repairs] == repairs
    assert provision.text.startswith(f"Pasal {pasal}\n(1) ")
    assert provision.by.startswith("UU 11/2020 Pasal 86 angka ")
    assert provision.kept_by == "UU 6/2023"


def test_repairs_are_counted_per_document(koperasi, umkm):
    assert koperasi.repair_counts() == {
        "penanda ayat": 8,
        "huruf untuk angka ayat": 1,
        "awal ayat berulang": 1,
    }
    assert umkm.repair_counts() == {"penanda ayat": 3, "tanda ^ dibuang": 1, "nomor lepas": 1}


def test_uu_20_2008_changed_pasal(umkm):
    assert [(p.pasal, p.change) for p in umkm.changed()] == [
        ("6", "diubah"),
        ("12", "diubah"),
        ("21", "diubah"),
        ("25", "dihapus"),
        ("26", "diubah"),
        ("30", "diubah"),
        ("32A", "disisipkan"),
    ]
    assert umkm.get("25").text == "Pasal 25\nDihapus."
    assert "f. rantai pasok" in umkm.get("26").text
    thirty = umkm.get("30")
    assert "secara terbuka.\n(2) Pemenuhan" in thirty.text  # the stray "7" is gone
    assert ("nomor lepas", " 7 ") in [(r.kind, r.before) for r in thirty.repairs]
    assert _body(umkm.get("21")).startswith("(1) Pemerintah Pusat dan Pemerintah Daerah")
    assert "(4) Pemerintah Pusat, Pemerintah Daerah, dan Dunia Usaha" in umkm.get("21").text
    assert [p.pasal for p in umkm.provisions][31:34] == ["32", "32A", "33"]


def test_repairs_never_change_a_word():
    text = document(EXCERPT).text
    fixed = repair(text)
    words = re.compile(r"[A-Za-z]{3,}").findall
    for r in fixed.repairs:
        if r.kind == "awal ayat berulang":  # "(5) Dewan (5) Dewan": the repeat goes, once
            assert words(r.before) == words(r.after) * 2
        else:
            assert words(r.before) == words(r.after), r
    assert len(words(fixed.text)) == len(words(text)) - fixed.counts()["awal ayat berulang"]
    assert "paling sedikit 40% (empat puluh persen)" in fixed.text
    assert "Tahun 2004 Nomor 132" in fixed.text
    assert "Jalan To1" in fixed.text  # a word read with a digit stays as it is


def test_what_changed_and_history(koperasi):
    six = koperasi.get("6")
    assert six.what_changed == "20 orang → 9 orang"
    assert (
        what_changed("paling sedikit 3 (tiga) Koperasi", "paling sedikit 3 (tiga) Koperasi") == ""
    )
    assert history(six, 1992) == (
        "Riwayat: 1992 teks asli · 2020 diubah UU 11/2020 Pasal 86 angka 1 · "
        "2023 dipertahankan UU 6/2023"
    )
    assert history(koperasi.get("44A"), 1992).startswith("Riwayat: 2020 disisipkan")
    assert history(koperasi.get("7"), 1992) == ""


def test_consolidated_chunks_carry_both_citations(docs, koperasi):
    chunks = current_chunks(docs["uu-25-1992"][0], koperasi)
    by_id = {c.id: c for c in chunks}
    six = by_id["uu-25-1992/teks-berlaku/pasal-6/1-2"]
    assert six.part == PART_CURRENT and six.pasal == "6"
    assert six.citation == (
        "UU 25/1992 Pasal 6 ayat (1)–(2), sebagaimana diubah UU 11/2020 Pasal 86 angka 1, "
        "dipertahankan UU 6/2023"
    )
    assert "teks berlaku" in six.context
    assert {c.pasal for c in chunks} == {"6", "21", "22", "43", "44A"}
    orders = [c.order for c in chunks]
    assert orders == sorted(orders)


def test_status_of_original_points_to_the_consolidated_pasal(docs):
    hooks = StatusHooks(REGISTRY)
    extra = hooks.consolidate(docs)
    assert set(extra) == {"uu-25-1992", "uu-20-2008"}
    current = next(c for c in extra["uu-25-1992"] if c.pasal == "6")
    st = hooks.status_of(current)
    assert st["status"] == "berlaku"
    assert "20 orang → 9 orang" in st["status_warning"]
    assert st["history"].startswith("Riwayat: 1992 teks asli")
    original = next(
        c
        for c in pipeline_chunks(docs["uu-25-1992"])
        if c.pasal == "6" and c.part == PART_BODY and not c.term
    )
    st = hooks.status_of(original)
    assert st["status"] == "diubah"
    assert "Teks yang berlaku: UU 25/1992 Pasal 6 (teks berlaku)." in st["status_warning"]
    deleted = next(c for c in extra["uu-20-2008"] if c.pasal == "25")
    assert hooks.status_of(deleted)["status"] == "dihapus"


def pipeline_chunks(pair):
    from assistant.legal.chunking import chunk_document

    return chunk_document(*pair)


def test_changed_amendment_text_reconsolidates_incrementally(tmp_path, settings, embed_demo):
    corpus = tmp_path / "corpus"
    (corpus / "excerpts").mkdir(parents=True)
    for name in ("uu-25-1992-perkoperasian.md", "uu-20-2008-usaha-mikro-kecil-menengah.md"):
        shutil.copy(CORPUS / "regulations" / name, corpus / name)
    excerpt = corpus / "excerpts" / "bab-v.md"
    shutil.copy(CORPUS / "regulations" / "excerpts" / "uu-11-2020-bab-v-koperasi-umkm.md", excerpt)
    demo = replace(settings, model="embed-demo")
    first = pipeline.ingest([corpus], demo, embedder=embed_demo, progress=False)
    assert not first.failures
    index = pipeline.open_index(demo, embed_demo)
    got = index.get(["uu-25-1992/teks-berlaku/pasal-6/1-2"])
    assert got and "9 (sembilan) orang" in got[0].text
    excerpt.write_text(
        excerpt.read_text("utf-8").replace("oleh 9 (sembilan) orang", "oleh 7 (tujuh) orang"),
        "utf-8",
    )
    second = pipeline.ingest([corpus], demo, embedder=embed_demo, progress=False)
    assert (second.added, second.deleted) == (0, 0)
    # the amending item and the consolidated Pasal 6 are re-embedded, nothing else
    assert second.updated == 2
    got = index.get(["uu-25-1992/teks-berlaku/pasal-6/1-2"])
    assert "7 (tujuh) orang" in got[0].text
    assert "20 orang → 7 orang" in got[0].meta["status_warning"]


def test_registry_points_each_consolidated_pasal_to_its_consolidated_wording(docs):
    from assistant.legal.registry import chunk_status

    hooks = StatusHooks(REGISTRY)
    hooks.consolidate(docs)
    six = chunk_status("uu-25-1992", "6", "berlaku", hooks.registry)
    assert six.code == "diubah" and six.current == (("uu-25-1992", "6"),)
    # entries of Pasal without a consolidated wording are left as the registry file states them
    annulled = chunk_status("uu-17-2012", "7", "dibatalkan", hooks.registry)
    assert ("uu-25-1992", "6") in annulled.current
    pen = chunk_status("uu-25-1992", "17", "berlaku", hooks.registry, part="penjelasan")
    assert pen.current == (("uu-11-2020-bab-v", "86"),)
    # without the amending text nothing is consolidated and nothing is rewritten
    alone = StatusHooks(REGISTRY)
    assert alone.consolidate({"uu-25-1992": docs["uu-25-1992"]}) == {}
    assert chunk_status("uu-25-1992", "6", "", alone.registry).current == (
        ("uu-11-2020-bab-v", "86"),
    )


def test_a_failing_amending_text_keeps_the_consolidated_chunks(tmp_path, settings, embed_demo):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "regulations" / "uu-25-1992-perkoperasian.md", corpus / "uu.md")
    excerpt = corpus / "bab-v.md"
    shutil.copy(CORPUS / "regulations" / "excerpts" / "uu-11-2020-bab-v-koperasi-umkm.md", excerpt)
    demo = replace(settings, model="embed-demo")
    pipeline.ingest([corpus], demo, embedder=embed_demo, progress=False)
    index = pipeline.open_index(demo, embed_demo)
    current = {c for c in index.snapshot() if "/teks-berlaku/" in c}
    assert len(current) == 5
    excerpt.write_text('---\nid: "uu-11-2020-bab-v"\ntahun: [oops\n---\nPasal 1\nteks\n')
    summary = pipeline.ingest([corpus], demo, embedder=embed_demo, progress=False)
    assert len(summary.failures) == 1 and summary.deleted == 0
    assert current <= set(index.snapshot())
    excerpt.unlink()  # a clean run without the amending text: nothing left to consolidate
    summary = pipeline.ingest([corpus], demo, embedder=embed_demo, progress=False)
    assert not summary.failures
    assert not {c for c in index.snapshot() if "/teks-berlaku/" in c}
