"""The one stemmer (Sastrawi with a colloquial pre-pass), chat spellings and the speller."""

from __future__ import annotations

from assistant.language import Speller, spell_chat, stem
from assistant.retrieval.text import Analyzer


def test_affixed_forms_share_their_root():
    for word, root in [
        ("dibubarkan", "bubar"),
        ("pembubaran", "bubar"),
        ("diberhentikan", "henti"),
        ("pemberhentian", "henti"),
        ("menyimpan", "simpan"),
        ("perkoperasian", "koperasi"),
        ("keanggotaan", "anggota"),
    ]:
        assert stem(word) == root, word


def test_false_dictionary_roots_do_not_swallow_legal_words():
    # Sastrawi's own dictionary would give "kesah", "paja" and "pakat"
    assert stem("pengesahan") == stem("disahkan") == "sah"
    assert stem("perpajakan") == "pajak"
    assert stem("disepakati") == stem("kesepakatan") == "sepakat"


def test_colloquial_forms_reach_the_root():
    for word, root in [
        ("nanggung", "tanggung"),  # n- for men- on a t- root
        ("motong", "potong"),  # m- for mem- on a p- root
        ("nyusun", "susun"),
        ("nyicil", "cicil"),
        ("ngurus", "urus"),
        ("beresin", "beres"),  # -in for -kan
        ("nerbitin", "terbit"),
        ("dibayarin", "bayar"),
        ("ngebayar", "bayar"),
    ]:
        assert stem(word) == root, word
    for word in ("nasional", "mesin", "ingin", "lain", "makan"):
        assert stem(word) == word  # roots and unknown words stay


def test_retrieval_and_answering_use_the_same_stemmer():
    from assistant.answer.terms import forms

    for word in ("pengesahan", "nanggung", "pembubaran"):
        assert stem(word) in Analyzer().tokens(word)
        assert stem(word) in forms(word)


def test_chat_spellings_are_written_out():
    assert spell_chat("brp org yg hrs ada utk bikin kop?") == (
        "berapa orang yang harus ada untuk bikin koperasi?"
    )
    assert spell_chat("Gmn klo tdk RAT") == "bagaimana kalau tidak RAT"
    assert (
        spell_chat("RAT hrs diadain kpn sih, mksd aku") == "RAT harus diadain kapan sih, maksud aku"
    )
    assert spell_chat("kdmp tuh apaan") == "kdmp itu apa"
    assert spell_chat("Boleh gak? Sah ga?") == "Boleh nggak? Sah nggak?"  # a tag, not "tidak"
    assert spell_chat("organisasi") == "organisasi"  # whole words only


def test_speller_corrects_unknown_words_to_corpus_words():
    speller = Speller.of(["Koperasi primer dibentuk oleh pengurus dan anggota koperasi"] * 25)
    assert speller.correct("koperais") == "koperasi"  # two letters swapped
    assert speller.correct("pengurs") == "pengurus"  # a letter missing
    assert speller.correct("pengirus") == "pengurus"  # a letter mistyped
    assert speller.correct("dibentuk") == "dibentuk"  # known words stay
    assert speller.correct("rumah") == "rumah"  # a dictionary root is no typo
    assert speller.text("Syarat Koperais primer") == "Syarat koperasi primer"


def test_real_words_the_corpus_lacks_are_no_typos():
    speller = Speller.of(["tanaman pangan", "Pengurus memutuskan"] * 3)
    assert speller.correct("ancaman") == "ancaman"  # a word of its own, not "tanaman"
    assert speller.correct("memutus") == "memutus"  # shares its root with "memutuskan"
