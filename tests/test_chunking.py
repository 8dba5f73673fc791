"""Chunker ids, sizes, stability and citation labels."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from legal_corpus import document, manifest

from assistant.legal.chunking import chunk_document, split_text
from assistant.legal.citation import citation_label, short_name
from assistant.legal.parser import parse_document
from assistant.legal.types import (
    KIND_PROGRAM,
    PART_BODY,
    PART_PENJELASAN,
    DocMeta,
    Document,
)

ID_RE = re.compile(r"[a-z0-9./-]+")


def _chunks(doc: Document, max_chars: int = 1800):
    return chunk_document(doc, parse_document(doc.text, doc.meta.jenis), max_chars)


@pytest.mark.parametrize("e", manifest(), ids=lambda e: e["id"])
def test_corpus_chunks_are_complete_unique_and_bounded(e):
    doc = document(e["id"])
    chunks = [c for c in _chunks(doc) if not c.term]
    assert "".join(c.text for c in chunks) == doc.text
    units = [c for c in _chunks(doc) if c.term]  # definitions repeat their Pasal's text
    pasal_text = {c.pasal: "" for c in units}
    for c in chunks:
        if c.pasal in pasal_text and c.part == PART_BODY:
            pasal_text[c.pasal] += c.text
    assert all(u.text in pasal_text[u.pasal] for u in units)
    chunks = _chunks(doc)
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids))
    assert all(ID_RE.fullmatch(i) and i.startswith(f"{e['id']}/") for i in ids)
    assert all(len(c.text) <= 1800 for c in chunks)
    assert [c.order for c in chunks] == list(range(len(chunks)))
    assert all(len(c.content_hash) == 16 for c in chunks)


def test_uu_25_1992_ids_context_citation_and_penjelasan():
    chunks = {c.id: c for c in _chunks(document("uu-25-1992"))}
    p6 = chunks["uu-25-1992/pasal-6/1-2"]
    assert p6.ayat_start == "1" and p6.ayat_end == "2" and p6.pasal == "6"
    assert p6.citation == "UU 25/1992 Pasal 6 ayat (1)–(2)"
    assert p6.context == (
        "UU 25/1992 tentang Perkoperasian | BAB IV PEMBENTUKAN > "
        "Bagian Pertama Syarat Pembentukan | Pasal 6"
    )
    pen6 = chunks["uu-25-1992/penjelasan/pasal-6"]
    assert pen6.part == PART_PENJELASAN and pen6.citation == "UU 25/1992 Penjelasan Pasal 6"
    assert p6.penjelasan == pen6.text.strip()
    assert "uu-25-1992/penjelasan/umum" in chunks or "uu-25-1992/penjelasan/umum/p1" in chunks
    assert chunks["uu-25-1992/pembukaan"].citation == "UU 25/1992 Pembukaan"
    assert chunks["uu-25-1992/pasal-9"].ayat_start is None


def test_program_document_ids():
    inpres = {c.id: c for c in _chunks(document("inpres-9-2025"))}
    assert inpres["inpres-9-2025/kedua"].citation == "Inpres 9/2025 Diktum KEDUA"
    juklak = {c.id: c for c in _chunks(document("juklak-menkop-1-2025"))}
    assert juklak["juklak-menkop-1-2025/bab-iii-angka-1"].citation == (
        "Juklak Menkop 1/2025 BAB III angka 1"
    )
    annex = [c for c in juklak.values() if c.label == "Lampiran Nomor 8 Pasal 28"]
    assert annex and annex[0].id.startswith("juklak-menkop-1-2025/lampiran-nomor-8-pasal-28")
    pmk = {c.pasal: c for c in _chunks(document("pmk-81-2025")) if c.part == PART_BODY}
    assert pmk["29B"].citation.startswith("PMK 81/2025 Pasal I angka 3 (Pasal 29B) ayat (1)")


def test_duplicate_labels_get_numbered_suffixes():
    text = "Pasal 1\nSatu.\n"
    doc = Document(DocMeta(doc_id="x-1-2025"), text)
    blocks = parse_document(text).blocks
    dup = replace(parse_document(text), blocks=blocks + blocks)
    ids = [c.id for c in chunk_document(doc, dup)]
    assert ids == ["x-1-2025/pasal-1", "x-1-2025/pasal-1-2"]


def test_editing_one_pasal_changes_only_its_own_chunks():
    doc = document("uu-25-1992")
    before = {c.id: c.content_hash for c in _chunks(doc)}
    target = "Anggaran Dasar sebagaimana dimaksud dalam Pasal 7 ayat (1) memuat"
    assert doc.text.count(target) == 1
    edited = replace(doc, text=doc.text.replace(target, target + " paling sedikit dan" * 120))
    after = {c.id: c.content_hash for c in _chunks(edited)}
    changed = {i for i in before if before.get(i) != after.get(i)}
    added = set(after) - set(before)
    assert changed and all(i.startswith("uu-25-1992/pasal-8") for i in changed | added)
    assert len(added) >= 1  # the longer Pasal 8 now spans several chunks


def test_long_ayat_is_split_without_cutting_words():
    ayat2 = "(2) " + " ".join(f"kata{i} berikutnya;" for i in range(400)) + "\n"
    text = "Pasal 1\n(1) Pendek.\n" + ayat2 + "(3) Penutup ayat.\n"
    doc = Document(DocMeta(doc_id="pp-1-2000", jenis="PP", nomor="1", tahun=2000), text)
    chunks = _chunks(doc, max_chars=500)
    assert "".join(c.text for c in chunks) == text
    ids = [c.id for c in chunks]
    assert ids[0] == "pp-1-2000/pasal-1/1"
    assert all(i.startswith("pp-1-2000/pasal-1/2/p") for i in ids[1:-1])
    assert ids[-1] == "pp-1-2000/pasal-1/3"
    for c in chunks:
        assert len(c.text) <= 500
        assert c.text[-1].isspace() or c is chunks[-1] or c.text.endswith(";")
    assert chunks[1].citation == "PP 1/2000 Pasal 1 ayat (2)"


def test_ayat_groups_pack_consecutive_ayat():
    text = "Pasal 2\n" + "".join(f"({i}) " + "isi ayat panjang " * 10 + "\n" for i in range(1, 7))
    doc = Document(DocMeta(doc_id="pp-1-2000", jenis="PP", nomor="1", tahun=2000), text)
    chunks = _chunks(doc, max_chars=400)
    ranges = [(c.ayat_start, c.ayat_end) for c in chunks]
    assert ranges == [("1", "2"), ("3", "4"), ("5", "6")]
    assert chunks[0].text.startswith("Pasal 2\n(1)")


def test_split_text_prefers_list_items():
    text = "Pengantar:\n" + "".join(f"{c}. butir {c} berisi uraian.\n" for c in "abcdefghij")
    spans = split_text(text, 120)
    assert all(text[s:e] and e - s <= 120 for s, e in spans)
    assert all(re.match(r"[a-j]\. ", text[s:]) for s, _ in spans[1:])


def test_short_names():
    def meta(doc_id, jenis, nomor, tahun, **kw):
        return DocMeta(doc_id=doc_id, jenis=jenis, nomor=nomor, tahun=tahun, **kw)

    assert short_name(meta("uu-25-1992", "UU", "25", 1992)) == "UU 25/1992"
    assert short_name(meta("pp-9-1995", "PP", "9", 1995)) == "PP 9/1995"
    assert short_name(meta("permenkop-1-2025", "Permen", "1", 2025)) == "Permenkop 1/2025"
    assert short_name(meta("pmk-49-2025", "Permen", "49", 2025)) == "PMK 49/2025"
    assert short_name(meta("permendesa-10-2025", "Permen", "10", 2025)) == "Permendesa 10/2025"
    assert short_name(meta("inpres-9-2025", "Inpres", "9", 2025)) == "Inpres 9/2025"
    juklak = meta("juklak-menkop-1-2025", "other (Petunjuk Pelaksanaan Menteri)", "1", 2025)
    assert short_name(juklak) == "Juklak Menkop 1/2025"
    assert short_name(meta("se-menkop-1-2025", "other (Surat Edaran)", "1", 2025)) == (
        "SE Menkop 1/2025"
    )
    se = meta("se-mendagri-500.3-2438-2025", "other (Surat Edaran)", "500.3/2438/SJ", 2025)
    assert short_name(se) == "SE Mendagri 500.3/2438/SJ/2025"
    assert short_name(meta("uu-11-2020-bab-v", "UU (kutipan)", "11", 2020)) == "UU 11/2020"
    prog = DocMeta(doc_id="kdmp-faq", kind=KIND_PROGRAM, judul="Tanya Jawab KDMP")
    assert short_name(prog) == "Tanya Jawab KDMP"


def test_citation_labels():
    uu = DocMeta(doc_id="uu-25-1992", jenis="UU", nomor="25", tahun=1992)
    assert citation_label(uu, "Pasal 6", "1") == "UU 25/1992 Pasal 6 ayat (1)"
    assert citation_label(uu, "Pasal 6", "1", "2") == "UU 25/1992 Pasal 6 ayat (1)–(2)"
    assert citation_label(uu, "Pasal 6", part=PART_PENJELASAN) == "UU 25/1992 Penjelasan Pasal 6"
    assert citation_label(uu, "Penjelasan Umum", part=PART_PENJELASAN) == (
        "UU 25/1992 Penjelasan Umum"
    )
    inpres = DocMeta(doc_id="inpres-9-2025", jenis="Inpres", nomor="9", tahun=2025)
    assert citation_label(inpres, "KEDUA") == "Inpres 9/2025 Diktum KEDUA"


def test_each_definition_of_a_ketentuan_umum_is_a_unit():
    chunks = {c.id: c for c in _chunks(document("uu-25-1992"))}
    primer = chunks["uu-25-1992/pasal-1/angka-3"]
    assert primer.term == "Koperasi Primer" and primer.pasal == "1"
    assert primer.citation == "UU 25/1992 Pasal 1 angka 3"
    assert primer.text.startswith("3. Koperasi Primer adalah Koperasi yang didirikan")
    # the items of UU 17/2012 are partly run together on one line; PP 17/1994 uses letters
    uu17 = [c for c in _chunks(document("uu-17-2012")) if c.term]
    assert [c.term for c in uu17[:2]] == ["Koperasi", "Perkoperasian"]
    pp17 = [c for c in _chunks(document("pp-17-1994")) if c.term]
    assert pp17[1].label == "Pasal 1 huruf b" and pp17[1].term == "Tim Penyelesai"


def test_definition_terms_and_short_forms():
    from assistant.legal.definitions import defined_terms, definitions

    assert defined_terms("Sisa Hasil Usaha yang selanjutnya disingkat SHU adalah ...") == (
        "Sisa Hasil Usaha",
        "SHU",
    )
    assert defined_terms("Musyawarah Desa atau yang disebut dengan nama lain adalah ...") == (
        "Musyawarah Desa",
    )
    text = "Dalam Undang-Undang ini yang dimaksud dengan:\n1. A adalah x.\n2. B adalah y.\n"
    assert definitions(text) == ()  # two items are a list, not a glossary
    text += "3. C adalah z.\n"
    assert [d.terms for d in definitions(text)] == [("A",), ("B",), ("C",)]
    assert definitions(text.replace("yang dimaksud dengan", "berlaku")) == ()
