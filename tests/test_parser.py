"""Legal-structure parser: the whole corpus plus hand-written snippets."""

from __future__ import annotations

import re

import pytest
from legal_corpus import body, document, entry, manifest

from assistant.legal.parser import parse_document, split_ayat
from assistant.legal.types import PART_BODY, PART_CLOSING, PART_PENJELASAN, PART_PREAMBLE


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def _check_cover(text: str, blocks) -> None:
    assert "".join(b.text for b in blocks) == text
    pos = 0
    for b in blocks:
        assert b.start == pos and text[b.start : b.end] == b.text
        pos = b.end
    assert pos == len(text)


def _body_pasal(parsed) -> list[str]:
    return [b.pasal for b in parsed.blocks if b.part == PART_BODY and b.pasal]


CLEAN = [
    e
    for e in manifest()
    if e["pasal_stats"]["gaps"] == []
    and e["pasal_stats"]["duplicates"] == []
    and e["pasal_stats"]["pasal_headings_found"] > 0
]


@pytest.mark.parametrize("e", manifest(), ids=lambda e: e["id"])
def test_blocks_cover_every_document_exactly(e):
    text = body(e)
    parsed = parse_document(text, e["jenis"])
    _check_cover(text, parsed.blocks)


@pytest.mark.parametrize("e", CLEAN, ids=lambda e: e["id"])
def test_clean_documents_have_exactly_their_pasal(e):
    parsed = parse_document(body(e), e["jenis"])
    expected = [str(i) for i in range(1, e["pasal_stats"]["max_pasal"] + 1)]
    assert parsed.shape == "pasal"
    assert _body_pasal(parsed) == expected
    assert all(b.label == f"Pasal {b.pasal}" for b in parsed.blocks if b.part == PART_BODY)
    assert parsed.blocks[0].part == PART_PREAMBLE and parsed.blocks[0].label == "Pembukaan"
    pen = [b for b in parsed.blocks if b.part == PART_PENJELASAN]
    if e["pasal_stats"]["has_penjelasan"]:
        assert len([b for b in pen if b.pasal]) >= len(expected) - 2
        first_pen = min(b.start for b in pen)
        assert all(b.end <= first_pen for b in parsed.blocks if b.part == PART_BODY)
        assert all("PENJELASAN ATAS" not in b.text for b in parsed.blocks if b.part == PART_BODY)
    else:
        assert pen == []


def test_uu_25_1992_structure():
    parsed = parse_document(body(entry("uu-25-1992")), "UU")
    by_label = {b.label: b for b in parsed.blocks}
    p6 = by_label["Pasal 6"]
    assert p6.path == ("BAB IV PEMBENTUKAN", "Bagian Pertama Syarat Pembentukan")
    assert [a.number for a in p6.ayat] == [None, "1", "2"]
    assert p6.ayat[1].text.startswith("(1) Koperasi Primer")
    assert "Penjelasan Umum" in by_label
    assert by_label["Penjelasan Pasal 57"].part == PART_PENJELASAN
    assert "Pasal 57" not in {b.label for b in parsed.blocks if b.part == PART_PENJELASAN}
    last = by_label["Pasal 67"]
    assert "mulai berlaku sejak tanggal diundangkan" in last.text
    assert by_label["Penutup"].text.startswith("Agar setiap orang mengetahuinya")
    assert by_label["Penutup"].part == PART_CLOSING


def test_omnibus_excerpt_keeps_amended_pasal_nested():
    parsed = parse_document(body(entry("uu-11-2020-bab-v")), "UU (kutipan)")
    body_blocks = [b for b in parsed.blocks if b.part == PART_BODY]
    top = {b.label.split()[1] for b in body_blocks}
    assert top == {str(n) for n in range(85, 105)}
    labels = [b.label for b in body_blocks]
    assert "Pasal 6" not in labels and "Pasal 43" not in labels
    angka3 = next(b for b in body_blocks if b.label == "Pasal 87 angka 3")
    assert angka3.pasal == "21"
    assert "badan usaha milik negara menyediakan pembiayaan dari penyisihan" in _norm(angka3.text)
    merged = next(b for b in body_blocks if b.label.startswith("Pasal 87 angka 4"))
    assert "pasal 25 dihapus 5 ketentuan pasal 26 diubah sehingga berbunyi" in _norm(merged.text)
    p90 = next(b for b in body_blocks if b.label == "Pasal 90")
    assert p90.text.startswith("Bagian Keenam Kemitraan Pasal 90")
    assert [a.number for a in p90.ayat][1:] == ["1", "2", "3", "4", "5", "6"]
    pen = {b.pasal for b in parsed.blocks if b.part == PART_PENJELASAN}
    assert {"85", "86", "87", "104"} <= pen


def test_pmk_81_nested_pasal_29b_is_findable():
    parsed = parse_document(body(entry("pmk-81-2025")), "Permen")
    body_blocks = [b for b in parsed.blocks if b.part == PART_BODY]
    assert [b.pasal for b in body_blocks] == ["24", "25", "29A", "29B", "II"]
    b29 = body_blocks[3]
    assert b29.label == "Pasal I angka 3 (Pasal 29B)"
    assert b29.text.startswith("Pasal 29B") and "17 September 2025" in b29.text
    assert body_blocks[0].text.startswith("Pasal I\n")
    assert [a.number for a in b29.ayat][1:] == [str(i) for i in range(1, 8)]


def test_ocr_pp_55_2022_floor():
    parsed = parse_document(body(entry("pp-55-2022")), "PP")
    found = _body_pasal(parsed)
    assert len(found) == len(set(found))
    numbers = [int(x) for x in found]
    assert numbers == sorted(numbers)
    assert len(set(numbers) & set(range(1, 73))) >= 65
    assert max(numbers) <= 75


def test_juklak_sections_and_annex_pasal():
    parsed = parse_document(body(entry("juklak-menkop-1-2025")), "other (Petunjuk Pelaksanaan)")
    assert parsed.shape == "sections"
    by_label = {}
    for b in parsed.blocks:
        by_label.setdefault(b.label, b)
    pengawas = by_label["BAB III angka 2"]
    assert "ex-officio pengawas koperasi" in _norm(pengawas.text)
    assert pengawas.path[0].startswith("BAB III PENGURUS, PENGAWAS")
    assert "paling sedikit 5 (lima) orang" in _norm(by_label["BAB III angka 1"].text)
    annex8 = [b for b in parsed.blocks if b.path and b.path[0].startswith("Lampiran Nomor 8")]
    assert [b.label for b in annex8 if b.label.startswith("Pasal")] == [
        f"Pasal {i}" for i in range(1, 29)
    ]
    assert all(b.pasal is None for b in parsed.blocks)


def test_inpres_diktum():
    parsed = parse_document(body(entry("inpres-9-2025")), "Inpres")
    assert parsed.shape == "diktum"
    words = [b.label for b in parsed.blocks if b.part == PART_BODY]
    assert words == [
        "KESATU",
        "KEDUA",
        "KETIGA",
        "KEEMPAT",
        "KELIMA",
        "KEENAM",
        "KETUJUH",
        "KEDELAPAN",
        "KESEMBILAN",
    ]
    assert parsed.blocks[-1].part == PART_CLOSING


def test_circular_numbered_items():
    parsed = parse_document(body(entry("se-menkopangan-b235-2025")), "other (Surat)")
    labels = [b.label for b in parsed.blocks if b.part == PART_BODY]
    assert labels == ["angka 1", "angka 2", "angka 3", "angka 4"]
    a3 = next(b for b in parsed.blocks if b.label == "angka 3")
    assert "ditargetkan pada tanggal 30 juni 2025 seluruh koperasi" in _norm(a3.text)
    assert "Tembusan" not in "".join(b.text for b in parsed.blocks if b.part == PART_BODY)


def test_document_shape_is_chosen_without_hint():
    assert parse_document(body(entry("inpres-17-2025"))).shape == "diktum"
    assert parse_document(document("juklak-menkop-1-2025").text).shape == "sections"
    assert parse_document(body(entry("permenkop-1-2025"))).shape == "pasal"


# ---- hand-written snippets ------------------------------------------------------------------

SNIPPET = """PERATURAN CONTOH
Mengingat : Pasal 5 ayat (1) dan Pasal 20 Undang-Undang Dasar;
MEMUTUSKAN:
BAB I KETENTUAN UMUM
Pasal 1
Koperasi adalah badan usaha sebagaimana dimaksud dalam
Pasal 2 ayat (1) dan dalam Pasal 3 dan Pasal 4.
Pasal 2
(1) Anggota wajib membayar simpanan sebagaimana dimaksud dalam
Pasal 3
huruf a.
(2) Simpanan terdiri atas:
a. simpanan pokok; dan
b. simpanan wajib, yang meliputi:
1. iuran bulanan; dan
2. iuran tahunan.
(3) Ketentuan sebagaimana dimaksud pada ayat
(2) diatur lebih lanjut.
BAB II PENUTUP
Bagian Kesatu Lain-lain
Pasal 3
Ketentuan lain diatur dalam Pasal 3A.
Pasal 3A
Pasal sisipan.
Pasal 4
Peraturan ini mulai berlaku pada tanggal diundangkan.
Agar setiap orang mengetahuinya, memerintahkan pengundangan.
Ditetapkan di Jakarta
"""


def test_snippet_rejects_references_and_wrapped_lines():
    parsed = parse_document(SNIPPET)
    _check_cover(SNIPPET, parsed.blocks)
    assert _body_pasal(parsed) == ["1", "2", "3", "3A", "4"]
    p2 = next(b for b in parsed.blocks if b.label == "Pasal 2")
    assert "Pasal 3\nhuruf a." in p2.text


def test_snippet_ayat_keep_huruf_and_angka_inside():
    parsed = parse_document(SNIPPET)
    p2 = next(b for b in parsed.blocks if b.label == "Pasal 2")
    assert [a.number for a in p2.ayat] == [None, "1", "2", "3"]
    assert "a. simpanan pokok" in p2.ayat[2].text and "2. iuran tahunan." in p2.ayat[2].text
    assert p2.ayat[3].text.startswith("(3)") and p2.ayat[3].text.endswith("lebih lanjut.\n")
    assert split_ayat("Tanpa ayat, hanya teks.") == ()


def test_snippet_paths_headings_and_closing():
    parsed = parse_document(SNIPPET)
    p3 = next(b for b in parsed.blocks if b.label == "Pasal 3")
    assert p3.path == ("BAB II PENUTUP", "Bagian Kesatu Lain-lain")
    assert p3.text.startswith("BAB II PENUTUP\nBagian Kesatu")
    last = next(b for b in parsed.blocks if b.label == "Pasal 4")
    assert last.text.rstrip().endswith("mulai berlaku pada tanggal diundangkan.")
    closing = parsed.blocks[-1]
    assert closing.part == PART_CLOSING and closing.label == "Penutup"
    assert closing.text.startswith("Agar setiap orang")


AMENDING = """PERATURAN PERUBAHAN
Pasal I
Beberapa ketentuan dalam Peraturan Nomor 1 Tahun 2020 diubah sebagai berikut:
1. Ketentuan Pasal 6 diubah sehingga berbunyi sebagai berikut:
Pasal 6
(1) Koperasi Primer dibentuk oleh paling sedikit 9 (sembilan) orang anggota.
(2) Koperasi Sekunder dibentuk oleh paling sedikit 3 (tiga) Koperasi.
2. Pasal 7 dihapus.
3. Di antara Pasal 8 dan Pasal 9 disisipkan 2 (dua) pasal, yakni Pasal 8A dan Pasal 8B
sehingga berbunyi sebagai berikut:
Pasal 8A
Koperasi dapat membentuk unit usaha syariah sesuai ketentuan yang berlaku.
Pasal 8B
Unit usaha syariah diawasi oleh dewan pengawas syariah yang ditetapkan Rapat Anggota.
Pasal II
Peraturan ini mulai berlaku pada tanggal diundangkan.
"""


def test_amending_act_items_and_roman_pasal():
    parsed = parse_document(AMENDING)
    _check_cover(AMENDING, parsed.blocks)
    got = [(b.label, b.pasal) for b in parsed.blocks if b.part == PART_BODY]
    assert got == [("Pasal I angka 1", "6"), ("Pasal I angka 2–3", "I"), ("Pasal II", "II")]
    first = parsed.blocks[1]
    assert first.text.startswith("Pasal I\nBeberapa ketentuan")
    assert [a.number for a in first.ayat] == [None, "1", "2"]


def test_penjelasan_mid_line_and_per_pasal():
    text = (
        "UNDANG-UNDANG CONTOH\nPasal 1\nIsi pasal satu.\nPasal 2\nIsi pasal dua.\n"
        "Disahkan di Jakarta ttd PRESIDEN PENJELASAN ATAS UNDANG-UNDANG CONTOH I. UMUM "
        "Penjelasan umum merujuk Pasal 2 dan Pasal 1. II. PASAL DEMI PASAL Pasal 1 Cukup jelas. "
        "Pasal 2 Yang dimaksud dengan isi adalah muatan sebagaimana dimaksud dalam Pasal 1."
    )
    parsed = parse_document(text)
    _check_cover(text, parsed.blocks)
    pen = [b for b in parsed.blocks if b.part == PART_PENJELASAN]
    assert [b.label for b in pen] == ["Penjelasan Umum", "Penjelasan Pasal 1", "Penjelasan Pasal 2"]
    assert pen[0].text.startswith("PENJELASAN ATAS")
    assert pen[2].text.endswith("dalam Pasal 1.")
    closing = next(b for b in parsed.blocks if b.part == PART_CLOSING)
    assert closing.text == "Disahkan di Jakarta ttd PRESIDEN "
    assert _body_pasal(parsed) == ["1", "2"]


def test_diktum_snippet():
    text = (
        "INSTRUKSI PRESIDEN\nMenginstruksikan:\nKepada 1. Menteri;\n2. Gubernur.\n"
        "Untuk:\nKESATU : Melaksanakan langkah sebagaimana dimaksud\ndalam Diktum KEDUA.\n"
        "KEDUA\nMembentuk koperasi.\nKETIGA Melapor.\nDikeluarkan di Jakarta\n"
    )
    parsed = parse_document(text, "Inpres")
    _check_cover(text, parsed.blocks)
    assert parsed.shape == "diktum"
    assert [b.label for b in parsed.blocks] == ["Pembukaan", "KESATU", "KEDUA", "KETIGA", "Penutup"]


def test_sections_snippet():
    long = "Kalimat penjelas yang cukup panjang untuk satu butir. " * 4
    text = (
        "SURAT EDARAN\nYth. 1. Gubernur;\n2. Bupati.\nBAB I\nPENDAHULUAN\n"
        f"1. Latar Belakang\n{long}\n2. Tujuan\n{long}\na. sub butir tetap di dalam.\n"
        f"BAB II\nPELAKSANAAN\nPengantar bab yang cukup panjang. {long}\n1. Langkah\n{long}\n"
        "Demikian disampaikan.\nTembusan:\n1. Menteri;\n2. Sekretaris.\n"
    )
    parsed = parse_document(text, "other (Surat Edaran)")
    _check_cover(text, parsed.blocks)
    labels = [b.label for b in parsed.blocks]
    assert labels == [
        "Pembukaan",
        "BAB I angka 1",
        "BAB I angka 2",
        "BAB II",
        "BAB II angka 1",
        "Penutup",
    ]
    assert parsed.blocks[2].path == ("BAB I PENDAHULUAN",)
    assert "a. sub butir" in parsed.blocks[2].text


def test_paragraphs_fallback():
    text = "Catatan Program\n\nParagraf pertama berisi uraian.\n\n" + ("Kalimat. " * 300)
    parsed = parse_document(text, "program")
    assert parsed.shape == "paragraphs"
    _check_cover(text, parsed.blocks)
    assert len(parsed.blocks) >= 2
    assert re.fullmatch(r"Teks \d+|Catatan Program", parsed.blocks[0].label)


def test_programme_documents_split_at_markdown_headings():
    body = "# Judul\n\nPengantar singkat.\n\n## Bagian satu\n\nIsi satu.\n\n### Rincian\n\nIsi rinci.\n"
    parsed = parse_document(body, "program")
    assert parsed.shape == "markdown"
    assert [b.label for b in parsed.blocks] == ["Pengantar", "Bagian satu", "Rincian"]
    assert "".join(b.text for b in parsed.blocks) == body
    assert all(b.path == ("Judul",) for b in parsed.blocks)
