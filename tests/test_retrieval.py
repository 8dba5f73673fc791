"""Pure parts of retrieval: tokens, vocabulary, BM25, fusion, lookup, filters; a small real index."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieval.fusion import rrf
from assistant.retrieval.lexical import BM25
from assistant.retrieval.lookup import (
    build_catalog,
    find_references,
    lookup,
    mentioned_types,
    with_documents,
)
from assistant.retrieval.options import RetrievalOptions, lexical_fields, matches, pasal_texts
from assistant.retrieval.retriever import HybridRetriever
from assistant.retrieval.text import Analyzer, normalise
from assistant.retrieval.types import Filters, RetrievalMode
from assistant.retrieval.vocabulary import (
    alias_spans,
    default_vocabulary,
    expand_abbreviations,
    expand_query,
    lay_terms,
    parse_vocabulary,
)

# --- text -----------------------------------------------------------------------------------


def test_normalise_folds_case_and_whitespace():
    assert normalise("  Pasal\t6\n\nAYAT (1) ") == "pasal 6 ayat (1)"


def test_tokens_keep_legal_words_numbers_and_references():
    tokens = Analyzer().tokens(
        "Koperasi tidak dapat dibentuk paling sedikit 20 orang, Pasal 44A ayat (2)"
    )
    for t in ("tidak", "dapat", "paling", "sedikit", "20", "44a", "pasal:44a", "ayat:2"):
        assert t in tokens
    assert "yang" not in Analyzer().tokens("koperasi yang didirikan")


def test_single_letters_only_after_huruf():
    tokens = Analyzer().tokens("huruf b dan a. rapat")
    assert "b" in tokens and "huruf:b" in tokens
    assert "a" not in tokens


def test_analyzer_emits_surface_and_root():
    assert Analyzer().tokens("pembubaran") == ["pembubaran", "bubar"]
    assert Analyzer(stemming=False).tokens("pembubaran") == ["pembubaran"]


# --- vocabulary -----------------------------------------------------------------------------


def test_abbreviations_are_spelled_out_once():
    vocab = default_vocabulary()
    out = expand_abbreviations("Pembagian SHU diputuskan di RAT? SHU lagi", vocab)
    assert out.count("sisa hasil usaha") == 1
    assert "rapat anggota tahunan" in out


def test_exact_abbreviations_respect_case():
    vocab = default_vocabulary()
    assert "anggaran dasar" in expand_abbreviations("mengubah AD koperasi", vocab)
    assert "anggaran dasar" not in expand_abbreviations("ad hoc", vocab)
    assert "anggaran rumah tangga" in expand_abbreviations("ad/art koperasi", vocab)


def test_lay_phrases_add_legal_wording():
    vocab = default_vocabulary()
    assert "diberhentikan pemberhentian" in lay_terms("pengurus dipecat anggota", vocab)
    assert "pembubaran dibubarkan" in lay_terms("kalau koperasi bubar", vocab)
    assert "sisa hasil usaha" in lay_terms("untung dibagi ke anggota", vocab)
    assert lay_terms("kegiatan usaha koperasi", vocab) == []
    q = expand_query("Kopdes modal awal berapa", vocab)
    assert "simpanan pokok" in q and "merah putih" in q


def test_parse_vocabulary_and_aliases():
    vocab = parse_vocabulary(
        '[abbreviations]\nXYZ = "ekspansi"\n[[lay]]\nphrases=["a b"]\nlegal="c"\n'
        '[[alias]]\nphrases=["uu koperasi"]\ndocs=["uu-25-1992"]\n'
    )
    assert expand_abbreviations("xyz", vocab) == "xyz (ekspansi)"
    assert alias_spans("menurut UU Koperasi pasal 6", vocab) == [(8, 19, ("uu-25-1992",))]


# --- fusion ---------------------------------------------------------------------------------


def test_rrf_rewards_agreement_and_respects_weights():
    fused = rrf([["a", "b", "c"], ["b", "a", "d"]], k=60)
    assert [i for i, _ in fused][:2] in (["a", "b"], ["b", "a"])
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    assert [i for i, _ in rrf([["a", "b"], ["b"]], k=1)][0] == "b"
    assert [i for i, _ in rrf([["a"], ["b"]], weights=[1.0, 2.0])][0] == "b"
    assert rrf([["a", "a", "b"]], k=0) == [("a", 1.0), ("b", 1 / 3)]
    with pytest.raises(ValueError):
        rrf([["a"]], weights=[1.0, 2.0])


# --- BM25 -----------------------------------------------------------------------------------


def test_bm25_ranks_matching_documents_and_applies_mask():
    docs = [
        [("Pembubaran koperasi oleh pemerintah", 1.0)],
        [("Simpanan pokok dan simpanan wajib anggota", 1.0)],
        [("Rapat anggota memutuskan pembubaran", 1.0), ("konteks", 0.5)],
    ]
    bm = BM25(docs, Analyzer())
    top = bm.search("koperasi dibubarkan", 3)
    assert top[0][0] == 0 and {i for i, _ in top} == {0, 2}
    assert bm.search("simpanan", 3)[0][0] == 1
    assert bm.search("pembubaran", 3, mask=np.array([False, True, True]))[0][0] == 2
    assert bm.search("tidakada", 3) == []


# --- lookup ---------------------------------------------------------------------------------


def _meta(doc, nomor, tahun, pasal="", part="batang_tubuh", order=0, a="", b="", label=""):
    return {
        "doc_id": doc,
        "nomor": nomor,
        "tahun": tahun,
        "pasal": pasal,
        "part": part,
        "order": order,
        "ayat_start": a,
        "ayat_end": b,
        "label": label or (f"Pasal {pasal}" if pasal else "Pembukaan"),
    }


CATALOG_ROWS = [
    ("uu-25-1992/pasal-6", _meta("uu-25-1992", "25", 1992, "6", order=6)),
    ("uu-25-1992/pasal-43/1-2", _meta("uu-25-1992", "25", 1992, "43", order=43, a="1", b="2")),
    ("uu-25-1992/pasal-43/3", _meta("uu-25-1992", "25", 1992, "43", order=44, a="3", b="3")),
    ("uu-25-1992/penjelasan/pasal-43", _meta("uu-25-1992", "25", 1992, "43", "penjelasan", 90)),
    ("uu-17-2012/pasal-6", _meta("uu-17-2012", "17", 2012, "6", order=6)),
    ("pp-9-1995/pasal-19", _meta("pp-9-1995", "9", 1995, "19", order=19)),
    ("pmk-81-2025/pasal-29B", _meta("pmk-81-2025", "81", 2025, "29B", order=5)),
    ("uu-11-2020-bab-v/pasal-86-angka-1", _meta("uu-11-2020-bab-v", "11", 2020, "6", order=2)),
]


@pytest.fixture
def catalog():
    return build_catalog(CATALOG_ROWS)


def _lookup(query, catalog, default=()):
    return lookup(find_references(query, catalog, default_vocabulary(), default), catalog)


def test_lookup_pasal_then_document(catalog):
    assert _lookup("Pasal 43 UU 25/1992", catalog)[:2] == [
        "uu-25-1992/pasal-43/1-2",
        "uu-25-1992/pasal-43/3",
    ]


def test_lookup_ayat_group_first(catalog):
    assert _lookup("pasal 43 ayat 3 uu koperasi", catalog)[0] == "uu-25-1992/pasal-43/3"
    assert (
        _lookup("Pasal 43 ayat (1) UU No. 25 Tahun 1992", catalog)[0] == "uu-25-1992/pasal-43/1-2"
    )


def test_lookup_document_then_pasal_and_penjelasan(catalog):
    assert _lookup("PP 9/1995 pasal 19", catalog) == ["pp-9-1995/pasal-19"]
    assert _lookup("penjelasan pasal 43 uu 25/1992", catalog)[0] == "uu-25-1992/penjelasan/pasal-43"
    assert _lookup("PMK 81/2025 Pasal 29B", catalog) == ["pmk-81-2025/pasal-29B"]


def test_alias_means_the_valid_law_not_the_annulled_one(catalog):
    assert _lookup("pasal 6 uu perkoperasian", catalog) == ["uu-25-1992/pasal-6"]


def test_unbound_pasal_uses_default_docs_only(catalog):
    assert _lookup("isi pasal 6 apa?", catalog) == []
    assert _lookup("isi pasal 6 apa?", catalog, ("uu-17-2012",)) == ["uu-17-2012/pasal-6"]


def test_reference_to_a_document_not_in_the_index_is_missing(catalog):
    refs = find_references("plafon menurut Permenkop UKM 4/2020", catalog, default_vocabulary())
    assert len(refs) == 1 and refs[0].missing and refs[0].doc_ids == ()
    refs = find_references("UU UMKM dan PP 9/1995", catalog, default_vocabulary())
    # an alias of a document this index lacks is no reference at all
    assert [r.doc_ids for r in refs] == [("pp-9-1995",)]
    # an act known only to the amendment registry is named, not missing, and has no provisions
    known = with_documents(catalog, {"pmk-108-2024", "pp-9-1995", "se-x"})
    (ref,) = find_references("Pasal 24 PMK Nomor 108 Tahun 2024", known, default_vocabulary())
    assert ref.doc_ids == ("pmk-108-2024",) and not ref.missing
    assert lookup([ref], known) == []
    assert len(known.docs) == len(catalog.docs) + 1 and known.slots == catalog.slots


def test_a_chunk_is_also_found_by_the_words_of_the_pasal_it_refers_to():
    metas = [
        {"doc_id": "pk", "pasal": "16", "part": "batang_tubuh"},
        {"doc_id": "pk", "pasal": "24", "part": "batang_tubuh"},
        {"doc_id": "pk", "pasal": "24", "part": "penjelasan"},
    ]
    texts = [
        "Perubahan nama, bidang usaha dan tempat kedudukan memerlukan persetujuan Menteri.",
        "Perubahan selain sebagaimana dimaksud dalam Pasal 16 ayat (1) dilaporkan kepada Menteri.",
        "Cukup jelas.",
    ]
    table = pasal_texts(texts, metas)
    assert set(table) == {("pk", "16"), ("pk", "24")}
    fields = lexical_fields(texts[1], metas[1], RetrievalOptions(), table[("pk", "16")])
    assert (texts[0], RetrievalOptions().references_in_lexical) in fields
    docs = [
        lexical_fields(t, m, RetrievalOptions(), table[("pk", "16")] if i == 1 else "")
        for i, (t, m) in enumerate(zip(texts, metas))
    ]
    found = BM25(docs, Analyzer()).search("bidang usaha dilaporkan", 2)
    assert [i for i, _ in found] == [1, 0]


# --- filters --------------------------------------------------------------------------------


def test_filters_match_metadata():
    meta = {"doc_id": "uu-17-2012", "jenis": "UU", "kind": "regulation", "tahun": 2012}
    assert matches(meta | {"status": "dibatalkan"}, Filters(jenis=("UU",)))
    assert not matches(meta | {"status": "dibatalkan"}, Filters(in_force_only=True))
    assert not matches(meta, Filters(year_min=2013))
    assert matches(meta, Filters(year_max=2012, doc_ids=("uu-17-2012",)))


# --- the retriever over a small real Chroma index ----------------------------------------------


class _Record:
    def __init__(self, i, text, meta):
        self.id, self.text, self.meta = i, text, meta


def _small_index(settings, embedder):
    from assistant.index import Index

    rows = [
        (
            "uu-25-1992/pasal-6",
            "Koperasi Primer dibentuk oleh sekurang-kurangnya 20 (dua puluh) orang.",
            _meta("uu-25-1992", "25", 1992, "6", order=6) | {"status": "diubah"},
        ),
        (
            "uu-17-2012/pasal-7",
            "Koperasi Primer didirikan oleh paling sedikit 20 (dua puluh) orang.",
            _meta("uu-17-2012", "17", 2012, "7", order=7) | {"status": "dibatalkan"},
        ),
        (
            "uu-25-1992/pasal-46",
            "Koperasi dapat dibubarkan berdasarkan keputusan Rapat Anggota.",
            _meta("uu-25-1992", "25", 1992, "46", order=46) | {"status": "berlaku"},
        ),
        (
            "uu-25-1992/pasal-41",
            "Modal sendiri berasal dari simpanan pokok, simpanan wajib, dana cadangan.",
            _meta("uu-25-1992", "25", 1992, "41", order=41) | {"status": "berlaku"},
        ),
        (
            "uu-11-2020-bab-v/pasal-86-angka-1",
            "Pasal 6 (1) Koperasi Primer dibentuk paling sedikit oleh 9 (sembilan) orang.",
            _meta("uu-11-2020-bab-v", "11", 2020, "6", order=2, label="Pasal 86 angka 1")
            | {"status": "berlaku"},
        ),
    ]
    rows.append(
        (
            "uu-11-2020-bab-v/pasal-86-angka-6",
            "Pasal 44A (1) Koperasi dapat menjalankan kegiatan usaha berdasarkan prinsip syariah.",
            _meta("uu-11-2020-bab-v", "11", 2020, "44A", order=7, label="Pasal 86 angka 6")
            | {"status": "berlaku"},
        )
    )
    index = Index(settings, embedder)
    metas = []
    for _cid, _text, m in rows:
        metas.append(
            m | {"context": f"{m['doc_id']} | {m['label']}", "kind": "regulation", "jenis": "UU"}
        )
    texts = [r[1] for r in rows]
    index.upsert([r[0] for r in rows], texts, metas, embedder.embed_documents(texts))
    return index


# UU 25/1992 Pasal 6 amended by UU 11/2020 Pasal 86, as the registry file states it
PASAL_6_AMENDED = (
    '[[entry]]\ndoc = "uu-25-1992"\npasal = "6"\nchange = "diubah"\nby = "UU 11/2020"\n'
    'current_doc = "uu-11-2020-bab-v"\ncurrent_pasal = "86"\nsummary = "9 orang"\nsource = "t"\n'
)


def _with_registry(settings, embedder, entries: str) -> HybridRetriever:
    """A retriever over the small index with Pasal 6 amended plus the given registry entries."""
    from assistant.legal.registry import parse_registry

    registry = parse_registry(PASAL_6_AMENDED + entries)
    return HybridRetriever(_small_index(settings, embedder), embedder, registry=registry)


def test_retriever_fuses_looks_up_and_down_ranks(settings, embed_demo):
    r = _with_registry(
        settings,
        embed_demo,
        '[[entry]]\ndoc = "uu-25-1992"\npasal = "44A"\nchange = "disisipkan"\nby = "UU 11/2020"\n'
        'current_doc = "uu-11-2020-bab-v"\ncurrent_pasal = "86"\nsummary = "syariah"\nsource = "t"\n',
    )
    hits = r.retrieve("Pasal 6 UU 25/1992", k=3)
    assert hits[0].id == "uu-25-1992/pasal-6" and hits[0].signals["lookup"] == 1
    # the amended provision pulls in the text that amended it, right after it
    assert hits[1].id == "uu-11-2020-bab-v/pasal-86-angka-1"
    # a Pasal that a later act inserted resolves to the inserting text
    hits = r.retrieve("Pasal 44A UU Perkoperasian", k=2)
    assert hits[0].id == "uu-11-2020-bab-v/pasal-86-angka-6" and hits[0].signals["lookup"] == 1
    # found by search (not asked for by reference): the text in force comes before the amended one
    ids = [h.id for h in r.retrieve("koperasi primer dibentuk sekurang-kurangnya orang", k=5)]
    assert ids.index("uu-11-2020-bab-v/pasal-86-angka-1") < ids.index("uu-25-1992/pasal-6")
    hits = r.retrieve("koperasi bubar", k=2, mode=RetrievalMode.TEXT)
    assert hits[0].id == "uu-25-1992/pasal-46" and "dense" not in hits[0].signals
    assert hits[0].signals["lexical"] == 1 and hits[0].signals["bm25"] > 0
    # the annulled UU 17/2012 is down-ranked below the valid text that says the same
    hits = r.retrieve("koperasi primer paling sedikit 20 orang", k=5)
    ids = [h.id for h in hits]
    assert ids.index("uu-17-2012/pasal-7") > ids.index("uu-25-1992/pasal-6")
    assert hits[ids.index("uu-17-2012/pasal-7")].signals["status_penalty"] == 0.5
    off = RetrievalOptions(status_ranking=False, follow_amendments=False, lookup=False)
    assert "status_penalty" not in r.retrieve("koperasi primer 20 orang", 5, options=off)[0].signals
    # filters restrict both signals
    only = r.retrieve("koperasi", k=5, filters=Filters(in_force_only=True))
    assert "uu-17-2012/pasal-7" not in [h.id for h in only] and only
    assert {
        h.meta["doc_id"] for h in r.retrieve("koperasi", 5, Filters(doc_ids=("uu-17-2012",)))
    } == {"uu-17-2012"}


def test_annulled_pasal_leads_to_its_counterpart_and_on_to_the_amendment(settings, embed_demo):
    r = _with_registry(
        settings,
        embed_demo,
        '[[entry]]\ndoc = "uu-17-2012"\npasal = "7"\nchange = "dibatalkan"\nby = "MK"\n'
        'current_doc = "uu-25-1992"\ncurrent_pasal = "6"\nsummary = "9 orang"\nsource = "t"\n',
    )
    hits = r.retrieve("Pasal 7 UU 17/2012", k=4)
    assert [h.id for h in hits[:3]] == [
        "uu-17-2012/pasal-7",
        "uu-25-1992/pasal-6",
        "uu-11-2020-bab-v/pasal-86-angka-1",
    ]
    assert [h.signals.get("amends") for h in hits[1:3]] == ["uu-17-2012/pasal-7"] * 2
    plain = HybridRetriever(r.index, embed_demo, registry=None)
    assert all("amends" not in h.signals for h in plain.retrieve("Pasal 7 UU 17/2012", k=4))
    # found by search: the annulled text's wording wins before its penalty, so the rule in force
    # on the same matter (and the text that amended that) take the top ranks
    question = "didirikan oleh paling sedikit dua puluh orang"
    assert plain.retrieve(question, k=1, options=RetrievalOptions(status_ranking=False))[0].id == (
        "uu-17-2012/pasal-7"
    )
    hits = r.retrieve(question, k=4)
    assert [h.id for h in hits[:2]] == [
        "uu-11-2020-bab-v/pasal-86-angka-1",
        "uu-25-1992/pasal-6",
    ]
    assert hits[1].signals["amends"] == "uu-17-2012/pasal-7"


def test_langchain_adapter_returns_documents(settings, embed_demo):
    from assistant.retrieval.lc import LegalRetriever

    r = HybridRetriever(_small_index(settings, embed_demo), embed_demo)
    docs = LegalRetriever(retriever=r, k=2).invoke("simpanan pokok modal sendiri")
    assert docs[0].metadata["id"] == "uu-25-1992/pasal-41"
    assert docs[0].page_content.startswith("Modal sendiri") and "signals" in docs[0].metadata


def test_empty_tables_match_nothing():
    vocab = parse_vocabulary('[abbreviations]\nSHU = "sisa hasil usaha"\n')
    assert expand_abbreviations("SHU dan AD", vocab) == "SHU (sisa hasil usaha) dan AD"
    assert lay_terms("koperasi bubar", vocab) == [] and alias_spans("uu koperasi", vocab) == []


def test_bare_type_mentions_name_every_document_of_that_kind(catalog):
    vocab = default_vocabulary()
    assert mentioned_types("maksudnya apa menurut UU?", catalog, vocab) == {
        "uu-25-1992",
        "uu-17-2012",
        "uu-11-2020-bab-v",
    }
    assert mentioned_types("menurut UU 25/1992", catalog, vocab) == set()
    assert mentioned_types("menurut UU Perkoperasian", catalog, vocab) == set()  # an alias
    assert mentioned_types("apa kata PP soal ini", catalog, vocab) == {"pp-9-1995"}


def test_section_cap_lets_other_sections_in(settings, embed_demo):
    from assistant.index import Index

    index = Index(settings, embed_demo)
    texts = [f"lampiran standar simpan pinjam bagian {i}" for i in range(4)]
    texts.append("pinjaman kepada anggota simpan pinjam")
    ids = [f"permenkop-4-2025/lampiran/p{i}" for i in range(4)] + ["pp-9-1995/pasal-19"]
    metas = [
        _meta(i.split("/")[0], "4", 2025, "", "batang_tubuh", n, label="Lampiran")
        | {"context": "", "status": "berlaku", "kind": "regulation"}
        for n, i in enumerate(ids)
    ]
    metas[-1] |= {"label": "Pasal 19", "pasal": "19", "doc_id": "pp-9-1995"}
    index.upsert(ids, texts, metas, embed_demo.embed_documents(texts))
    r = HybridRetriever(index, embed_demo)
    capped = [
        h.id for h in r.retrieve("lampiran standar simpan pinjam", 5, mode=RetrievalMode.TEXT)
    ]
    assert capped.index("pp-9-1995/pasal-19") == 3  # after three chunks of the same Lampiran
    off = RetrievalOptions(section_cap=0)
    plain = [
        h.id
        for h in r.retrieve(
            "lampiran standar simpan pinjam", 5, mode=RetrievalMode.TEXT, options=off
        )
    ]
    assert plain.index("pp-9-1995/pasal-19") == 4


def test_document_cap_lets_other_documents_in_unless_the_question_names_one(settings, embed_demo):
    from assistant.index import Index

    index = Index(settings, embed_demo)
    texts = [f"modal pinjaman simpan pinjam ketentuan {i}" for i in range(6)]
    texts.append("pinjaman kepada anggota simpan pinjam")
    ids = [f"pp-9-1995/pasal-{i}" for i in range(1, 7)] + ["uu-25-1992/pasal-44"]
    metas = [
        _meta(i.split("/")[0], "9", 1995, i.split("-")[-1], order=n)
        | {"context": "", "status": "berlaku", "kind": "regulation"}
        for n, i in enumerate(ids)
    ]
    metas[-1] |= {"doc_id": "uu-25-1992", "nomor": "25", "tahun": 1992}
    index.upsert(ids, texts, metas, embed_demo.embed_documents(texts))
    r = HybridRetriever(index, embed_demo)

    def order(question: str, cap: int) -> list[str]:
        o = RetrievalOptions(doc_cap=cap)
        return [h.id for h in r.retrieve(question, 7, mode=RetrievalMode.TEXT, options=o)]

    question = "modal pinjaman simpan pinjam ketentuan"
    assert order(question, 0).index("uu-25-1992/pasal-44") == 6
    assert order(question, 4).index("uu-25-1992/pasal-44") == 4  # after four of PP 9/1995
    named = order(question + " menurut PP 9/1995", 4)
    assert named.index("uu-25-1992/pasal-44") == 6  # the document asked for is not capped


def test_questions_asking_what_terms_mean():
    from assistant.retrieval.glossary import asked_term, asked_terms

    assert asked_term("Apa pengertian koperasi?") == "koperasi"
    assert asked_term("Yang dimaksud dengan koperasi primer adalah …") == "koperasi primer"
    assert asked_term("Koperasi sekunder adalah:") == "koperasi sekunder"
    assert asked_term("KSP itu apa?") == "ksp"
    assert asked_term("Berapa orang pendiri koperasi?") is None
    assert asked_terms("Apa bedanya koperasi primer sama koperasi sekunder?") == (
        "koperasi primer",
        "koperasi sekunder",
    )
    assert asked_terms("Jelaskan perbedaan antara simpanan pokok dan simpanan wajib.") == (
        "simpanan pokok",
        "simpanan wajib",
    )
    assert asked_terms("apa bedanya koperasi primer dan sekunder") == (
        "koperasi primer",
        "koperasi sekunder",
    )
    # chat forms: particles after "apa", the asking word before the term, "maksudnya apa ya"
    assert asked_term("apa sih artinya usaha mikro") == "usaha mikro"
    assert asked_term("koperasi sekunder itu maksudnya apa ya") == "koperasi sekunder"
    assert asked_term("KDMP itu apa sih") == "kdmp"
    assert asked_term("Apa yang dimaksud dengan pengertian koperasi primer?") == "koperasi primer"
    assert asked_term("maksudnya apa ya?") is None  # no term is named


def test_consolidated_pasal_goes_first_with_its_amending_text_behind(settings, embed_demo):
    registry_text = PASAL_6_AMENDED
    from assistant.legal.registry import parse_registry

    index = _small_index(settings, embed_demo)
    text = "Pasal 6\n(1) Koperasi Primer dibentuk paling sedikit oleh 9 (sembilan) orang."
    meta = _meta("uu-25-1992", "25", 1992, "6", part="teks_berlaku", order=100_600)
    meta |= {"status": "berlaku", "context": "uu-25-1992 | Pasal 6 | teks berlaku"}
    meta |= {"kind": "regulation", "jenis": "UU"}
    index.upsert(
        ["uu-25-1992/teks-berlaku/pasal-6"], [text], [meta], embed_demo.embed_documents([text])
    )
    r = HybridRetriever(index, embed_demo, registry=parse_registry(registry_text))
    order = [
        "uu-25-1992/teks-berlaku/pasal-6",
        "uu-11-2020-bab-v/pasal-86-angka-1",
        "uu-25-1992/pasal-6",
    ]
    # asked by reference: the text in force, the text it was read from, then the original
    assert [h.id for h in r.retrieve("pasal 6 uu 25/1992", k=3)] == order
    # found by search: the amending text stays right behind the consolidated wording
    ids = [h.id for h in r.retrieve("koperasi primer dibentuk paling sedikit 9 orang", k=6)]
    at = ids.index(order[0])
    assert ids[at + 1] == order[1] and ids.index(order[2]) > at
    off = RetrievalOptions(source_after_current=False)
    ids = [h.id for h in r.retrieve("pasal 6 uu 25/1992", k=3, options=off)]
    assert ids[:2] == [order[0], order[2]]
