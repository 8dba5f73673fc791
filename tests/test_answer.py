"""The answering layer: terms, follow-ups, citation checks, extractive answers, refusal, LLM mode."""

from __future__ import annotations

import json
import time

import pytest
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage

from assistant.answer import citations, compose, extractive, followup, llm, refusal, terms
from assistant.answer.types import Answer
from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.retrieval.types import Hit

# Made-up provisions in our own words (not regulation text), shaped like indexed chunks.
FOUNDING = (
    "Pasal 6\n"
    "(1) Koperasi Primer dibentuk oleh paling sedikit 20 (dua puluh) orang pendiri.\n"
    "(2) Koperasi Sekunder dibentuk oleh paling sedikit 3 (tiga) Koperasi."
)
BOARD = (
    "Pasal 30\n"
    "(1) Pengurus bertugas:\n"
    "a. mengelola usaha Koperasi;\n"
    "b. menyelenggarakan Rapat Anggota;\n"
    "c. menyusun laporan keuangan tahunan.\n"
    "(2) Pengurus mewakili Koperasi di dalam dan di luar pengadilan."
)
AUDIT = "Pasal 40\nKoperasi dapat meminta jasa audit kepada akuntan publik."
TERM_OLD = "Pasal 29\nMasa jabatan pengurus paling lama 5 (lima) tahun dan dapat dipilih kembali."
AMENDING = (
    "Pasal 86\nKetentuan Pasal 6 diubah sehingga berbunyi: (1) Koperasi Primer dibentuk "
    "paling sedikit oleh 9 (sembilan) orang."
)
WARN_6 = (
    "Pasal ini telah diubah oleh UU 11/2020 Pasal 86 angka 1: koperasi primer kini dibentuk "
    "paling sedikit 9 orang. Teks yang berlaku: UU 11/2020 (kutipan BAB V) Pasal 86."
)
WARN_ANNULLED = "UU 17/2012 dibatalkan seluruhnya oleh Putusan MK 28/PUU-XI/2013."


def hit(cid, text, citation, *, status="berlaku", warning="", current="", pasal="", **signals):
    meta = {
        "doc_id": cid.split("/")[0],
        "citation": citation,
        "label": citation.split(" ", 2)[-1],
        "judul": "Undang-Undang tentang Perkoperasian",
        "part": "batang_tubuh",
        "pasal": pasal,
        "status": status,
        "status_warning": warning,
        "current_rule": current,
        "context": "Perkoperasian",
    }
    return Hit(cid, text, meta, 1.0, dict(signals))


@pytest.fixture
def hits():
    return [
        hit("uu-a/pasal-30", BOARD, "UU A Pasal 30 ayat (1)–(2)", pasal="30"),
        hit("uu-a/pasal-6", FOUNDING, "UU A Pasal 6 ayat (1)–(2)", pasal="6"),
        hit("uu-a/pasal-40", AUDIT, "UU A Pasal 40", pasal="40"),
    ]


# --- terms and follow-ups -------------------------------------------------------------------


def test_content_terms_drop_function_words_and_match_affixed_forms():
    assert terms.content_terms("Siapa yang boleh minta audit koperasi?") == [
        "minta",
        "audit",
        "koperasi",
    ]
    assert terms.matches("diterima", terms.form_set("Rapat Anggota menerima laporan"))
    assert terms.coverage(["audit", "akuntan", "hibah"], AUDIT) == pytest.approx(2 / 3)


def test_followup_gets_previous_topic_without_the_replaced_word():
    history = [("Berapa jumlah minimal anggota untuk mendirikan koperasi primer?", "…")]
    resolved = followup.resolve("kalau koperasi sekunder?", history)
    assert resolved.startswith("kalau koperasi sekunder?")
    assert "anggota" in resolved and "mendirikan" in resolved
    assert "primer" not in resolved


def test_followup_with_cue_and_chained_turns():
    history = [
        ("Koperasi wajib diaudit akuntan publik?", "…"),
        ("lalu sanksinya apa?", "…"),
    ]
    resolved = followup.resolve("terus siapa yang memutuskan?", history)
    assert "akuntan" in resolved and "sanksinya" in resolved


def test_self_contained_questions_are_left_alone():
    history = [("Apa tugas pengurus koperasi?", "…")]
    question = "Berapa lama masa jabatan pengawas koperasi simpan pinjam menurut undang-undang?"
    assert followup.resolve(question, history) == question
    assert followup.resolve("kalau koperasi sekunder?", ()) == "kalau koperasi sekunder?"


def test_history_in_pairs_or_chat_messages():
    messages = [
        {"role": "user", "content": "Apa tugas pengurus?"},
        {"role": "assistant", "content": "…"},
    ]
    assert followup.pairs(messages) == [("Apa tugas pengurus?", "")]
    assert followup.pairs([["Apa tugas pengurus?", None], ("x", "y"), 3]) == [
        ("Apa tugas pengurus?", ""),
        ("x", "y"),
    ]


# --- citation checks ------------------------------------------------------------------------


def test_citation_check_separates_valid_and_invalid_markers():
    text = "Pengurus mengelola usaha [1]. Rapat diadakan tiap tahun [2, 7]. Lain lagi [3-4]."
    check = citations.check(text, range(1, 4))
    assert check.cited == (1, 2, 3)
    assert check.invalid == (7, 4)
    assert not check.ok
    cleaned = citations.strip_invalid(text, range(1, 4))
    assert citations.markers(cleaned) == [1, 2, 3]
    assert "[7]" not in cleaned and "[2]" in cleaned


def test_uncited_statements_and_renumbering():
    check = citations.check("Ini pernyataan tanpa sumber apa pun. Ini dengan sumber [2].", [2])
    assert check.uncited == ("Ini pernyataan tanpa sumber apa pun.",)
    assert citations.renumber("a [3] b [1][5]", {3: 1, 1: 2}) == "a [1] b [2]"


# --- extractive answers ---------------------------------------------------------------------


def test_abbreviations_and_particles():
    found = terms.question_terms("Bisakah KSP minta audit?")
    assert [t.word for t in found] == ["ksp", "minta", "audit"]
    assert terms.matches(found[0], terms.form_set("Koperasi Simpan Pinjam wajib diaudit"))
    assert not terms.matches(found[0], terms.form_set("Koperasi Simpan Primer"))


def test_wrapped_lines_are_joined_into_their_ayat():
    wrapped = (
        "Pasal 17\n(1) Klinik desa berfungsi menyelenggarakan\nlayanan kesehatan primer.\n"
        "(2) Klinik sebagaimana dimaksud pada ayat\n(1) harus memenuhi kriteria:\n"
        "a. memiliki paling sedikit 2 (dua)\norang tenaga kesehatan; dan\n"
        "b. bekerja sama dengan puskesmas.\nPENGAWAS\n"
    )
    units = extractive.split_units(wrapped)
    assert [u.ayat for u in units] == ["1", "2"]
    assert "menyelenggarakan layanan kesehatan primer." in units[0].text
    assert (
        units[1].text.splitlines()[1]
        == "a. memiliki paling sedikit 2 (dua) orang tenaga kesehatan; dan"
    )
    assert "PENGAWAS" not in units[1].text
    closing = extractive.split_units("Pasal 40\nKoperasi dapat meminta audit. BAB VII MODAL")
    assert [u.text for u in closing] == ["Koperasi dapat meminta audit."]


def test_split_units_keeps_list_items_with_their_ayat():
    units = extractive.split_units(BOARD)
    assert [u.ayat for u in units] == ["1", "2"]
    assert "menyusun laporan keuangan" in units[0].text
    assert not any(u.text.startswith("Pasal") for u in units)


def test_extractive_answer_quotes_the_matching_ayat_with_a_marker(hits):
    answer = compose.answer("Koperasi sekunder dibentuk oleh berapa koperasi?", hits)
    assert not answer.refused
    assert answer.sources[0].id == "uu-a/pasal-6"
    assert "UU A Pasal 6 ayat (2)" in answer.text
    assert "3 (tiga) Koperasi" in answer.sources[0].quote
    assert citations.markers(answer.text) == [s.marker for s in answer.sources]
    assert answer.warnings == ()
    assert "⚠" not in answer.text


def test_extractive_answer_is_short_and_deterministic(hits):
    q = "Apa tugas pengurus dan siapa yang mewakili koperasi di pengadilan?"
    first = compose.answer(q, hits)
    assert first == compose.answer(q, hits)
    assert 1 <= first.text.count("\n- ") <= extractive.MAX_STATEMENTS
    assert first.sources[0].id == "uu-a/pasal-30"


def test_in_force_provision_is_preferred_over_annulled_one():
    annulled = hit(
        "uu-b/pasal-29",
        TERM_OLD,
        "UU B Pasal 29",
        status="dibatalkan",
        warning=WARN_ANNULLED,
        pasal="29",
    )
    valid = hit("uu-a/pasal-29", TERM_OLD.replace("5 (lima)", "4 (empat)"), "UU A Pasal 29")
    answer = compose.answer("Masa jabatan pengurus berapa tahun?", [annulled, valid])
    assert answer.sources[0].id == "uu-a/pasal-29"
    # the annulled act was retrieved near the top, so the answer says it no longer holds
    assert any(WARN_ANNULLED in w for w in answer.warnings)
    assert "⚠ UU B Pasal 29" in answer.text


def test_cited_amended_provision_carries_warning_and_current_rule():
    changed = hit(
        "uu-a/pasal-6",
        FOUNDING,
        "UU A Pasal 6 ayat (1)–(2)",
        status="diubah",
        warning=WARN_6,
        current="koperasi primer kini dibentuk paling sedikit 9 orang",
        pasal="6",
    )
    answer = compose.answer("Berapa orang minimal untuk membentuk koperasi primer?", [changed])
    assert answer.sources[0].status == "diubah"
    assert answer.warnings == (f"UU A Pasal 6 ayat (1)–(2): {WARN_6}",)
    assert "⚠ UU A Pasal 6" in answer.text and "Teks yang berlaku" in answer.text


def test_unrelated_changed_hit_does_not_warn(hits):
    stray = hit(
        "uu-b/pasal-99",
        "Pasal 99\nKetentuan peralihan tentang gedung.",
        "UU B Pasal 99",
        status="dibatalkan",
        warning=WARN_ANNULLED,
    )
    answer = compose.answer("Apa tugas pengurus koperasi?", [hits[0], stray])
    assert answer.warnings == ()


# --- refusal --------------------------------------------------------------------------------


def test_weak_evidence_is_refused_with_related_provisions(hits):
    answer = compose.answer("Berapa besar dana hibah APBN yang diterima Dekopin tahun 2025?", hits)
    assert answer.refused
    assert answer.text == compose.REFUSAL_TEXT
    assert answer.sources == () and answer.warnings == ()
    assert [s.id for s in answer.related] == [h.id for h in hits]
    assert all(s.marker == 0 for s in answer.related)


def test_refusal_evidence_reads_signals_and_lookup(hits):
    ev = refusal.assess("Siapa yang boleh minta audit akuntan publik?", hits)
    assert ev.coverage == 1.0 and not refusal.should_refuse(ev)
    looked_up = [hit("uu-a/pasal-40", AUDIT, "UU A Pasal 40", lookup=1, dense_score=0.8)]
    ev = refusal.assess("isi pasal 40 uu a tentang hibah dekopin", looked_up)
    assert ev.lookup and ev.dense == 0.8
    assert not refusal.should_refuse(ev)
    assert refusal.should_refuse(refusal.assess("apa saja?", []))
    assert refusal.should_refuse(refusal.assess("??? apa ya", hits))


def test_words_no_passage_holds_and_absent_documents_lower_confidence(hits):
    question = "Berapa skor minimal predikat sehat untuk audit koperasi?"
    ev = refusal.assess(question, hits)
    assert ev.missing == 3  # skor, predikat, sehat
    assert refusal.should_refuse(ev)
    # with word counts of the whole index, only words the corpus hardly knows count as missing
    corpus = terms.Frequencies.of([BOARD, FOUNDING, AUDIT] + ["Koperasi sehat dinilai."] * 300)
    assert refusal.assess(question, hits, frequencies=corpus).missing == 2
    named = refusal.assess("Siapa yang boleh minta audit akuntan publik?", hits, named_missing=1)
    assert refusal.confidence(named) == pytest.approx(1.0 - refusal.NAMED_MISSING_WEIGHT)


def test_everyday_words_match_the_legal_wording_the_vocabulary_gives():
    question = "Kalau telat setor laporan gimana?"
    (late,) = [t for t in terms.question_terms(question) if t.word == "telat"]
    assert late.expansion == ("terlambat",)
    assert terms.matches(late, terms.form_set("Koperasi yang terlambat menyampaikan laporan"))
    (office,) = [t for t in terms.question_terms("Mau buka cabang") if t.word == "cabang"]
    assert terms.matches(office, terms.form_set("izin jaringan pelayanan koperasi"))
    assert not terms.matches(late, terms.form_set("laporan tahunan koperasi"))
    assert terms.matches("nanggung", terms.form_set("Pengurus menanggung kerugian"))


def test_figure_asked_but_stated_by_no_passage_lowers_confidence(hits):
    from assistant.answer import answer_types

    asked = "Berapa persen bunga pinjaman koperasi?"
    assert [t.name for t in answer_types.asked_types(asked)] == ["persentase"]
    assert answer_types.unstated(asked, ["Bunga pinjaman ditetapkan Rapat Anggota."]) == 1
    assert answer_types.unstated(asked, ["bunga paling tinggi 2% (dua persen) sebulan"]) == 0
    assert answer_types.unstated("Kapan paling lambat RAT?", ["paling lambat 6 (enam) bulan"]) == 0
    assert answer_types.asked_types("Siapa yang mengangkat pengurus?") == ()
    plain = refusal.assess("Siapa yang boleh minta audit akuntan publik?", hits)
    figure = refusal.assess("Siapa yang boleh minta audit akuntan publik, berapa rupiah?", hits)
    assert figure.unstated == 1 and plain.unstated == 0
    assert refusal.confidence(figure) <= refusal.confidence(plain) - refusal.UNSTATED_WEIGHT


def test_scene_setting_sentences_weigh_half():
    question = "Tahun buku kami tutup 31 Desember. Paling telat kapan RAT digelar?"
    assert refusal.context_words(question) == {"tahun", "buku", "kami", "tutup", "31", "desember"}
    assert refusal.context_words("Apa itu SHU?") == set()
    assert refusal.context_words("Koperasi kami kecil.") == set()  # nothing asked: all count


def test_further_warnings_come_first_once_also_on_a_refusal(hits):
    answer = compose.answer("Berapa besar dana hibah APBN yang diterima Dekopin tahun 2025?", hits)
    warned = compose.add_warnings(answer, ["UU X: dicabut.", "UU X: dicabut."])
    assert warned.refused and warned.warnings == ("UU X: dicabut.",)
    assert warned.text == compose.REFUSAL_TEXT + "\n\n⚠ UU X: dicabut."
    again = compose.add_warnings(warned, ["UU Y: dibatalkan.", "UU X: dicabut."])
    assert again.warnings == ("UU Y: dibatalkan.", "UU X: dicabut.")
    assert again.text.count("⚠") == 2
    assert compose.add_warnings(answer, []) is answer


def test_a_figure_the_question_quotes_from_changed_text_is_warned_about():
    from assistant.answer.sources import collect_warnings, figures

    assert figures("minimal 20 orang, Pasal 6 UU 25/1992 Nomor 25 Tahun 1992") == {("20", "orang")}
    assert figures("paling lama 5 (lima) tahun dan 2% setahun") == {("5", "tahun"), ("2", "%")}
    cited = hit("uu-b/pasal-9", "Koperasi ini berdiri dengan akta pendirian.", "UU B Pasal 9")
    old = hit(
        "uu-a/pasal-6",
        "Koperasi Primer dibentuk oleh sekurang-kurangnya 20 (dua puluh) orang.",
        "UU A Pasal 6",
        status="diubah",
        warning="Pasal ini telah diubah: kini 9 orang.",
    )
    hits = [cited, hit("x/1", "lain", "X 1"), hit("x/2", "lain", "X 2"), old]
    question = "Pendirinya minimal 20 orang, benar?"
    terms_ = terms.question_terms(question)
    assert collect_warnings([cited], hits, terms_) == ()  # rank 4: too far down by itself
    warned = collect_warnings([cited], hits, terms_, question_text=question)
    assert warned == ("UU A Pasal 6: Pasal ini telah diubah: kini 9 orang.",)
    other = "Pendirinya minimal 9 orang, benar?"
    assert collect_warnings([cited], hits, terms.question_terms(other), question_text=other) == ()


# --- generative mode with fake chat models --------------------------------------------------


def test_model_citing_a_passage_not_given_is_cleaned_and_flagged(hits):
    model = FakeListChatModel(
        responses=["Koperasi sekunder dibentuk paling sedikit 3 koperasi [2]. Sumber lain [7]."]
    )
    answer = compose.answer(
        "Koperasi sekunder dibentuk berapa koperasi?", hits, model=model, mode="openai/x"
    )
    assert "[7]" not in answer.text
    assert "[7]" in answer.notice
    assert [s.id for s in answer.sources] == ["uu-a/pasal-6"]
    assert answer.sources[0].marker == 1 and "[1]" in answer.text  # renumbered
    assert "3 (tiga) Koperasi" in answer.sources[0].quote
    assert answer.mode == "openai/x"


def test_good_model_answer_keeps_its_citations(hits):
    reply = "Pengurus mengelola usaha koperasi [1] dan koperasi dapat meminta audit akuntan [3]."
    model = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    answer = compose.answer(
        "Apa tugas pengurus dan bisakah minta audit akuntan?", hits, model=model, mode="ollama/m"
    )
    assert answer.notice == ""
    assert [s.id for s in answer.sources] == ["uu-a/pasal-30", "uu-a/pasal-40"]
    assert citations.markers(answer.text) == [1, 2]


class _Broken:
    def invoke(self, messages):
        raise RuntimeError("connection refused")


class _Slow:
    def invoke(self, messages):
        time.sleep(2)
        return AIMessage(content="terlambat [1]")


@pytest.mark.parametrize("model", [_Broken(), _Slow()])
def test_failing_or_slow_model_falls_back_to_extractive(hits, model):
    answer = compose.answer(
        "Koperasi sekunder dibentuk oleh berapa koperasi?", hits, model=model, timeout=0.3
    )
    assert "ekstraktif" in answer.notice
    assert answer.mode == "extractive"
    assert answer.sources[0].id == "uu-a/pasal-6"


def test_model_without_valid_citations_falls_back_or_refuses(hits):
    uncited = FakeListChatModel(responses=["Jawabannya tiga koperasi."])
    answer = compose.answer("Koperasi sekunder dibentuk berapa koperasi?", hits, model=uncited)
    assert "sumber yang valid" in answer.notice and answer.sources
    not_found = FakeListChatModel(responses=["Jawaban tidak ditemukan dalam kutipan."])
    answer = compose.answer("Koperasi sekunder dibentuk berapa koperasi?", hits, model=not_found)
    assert answer.refused and answer.related


def test_prompt_numbers_the_passages_with_status_notes(hits):
    changed = hit("uu-a/pasal-6", FOUNDING, "UU A Pasal 6", status="diubah", warning=WARN_6)
    msgs = llm.messages("Berapa pendiri?", [hits[0], changed])
    assert msgs[0][0] == "system" and "[n]" not in msgs[0][1] and "[1]" in msgs[0][1]
    user = msgs[1][1]
    assert "[1] UU A Pasal 30" in user and "[2] UU A Pasal 6 (status: diubah)" in user
    assert "Catatan status:" in user and "Pertanyaan: Berapa pendiri?" in user


def test_chat_model_factory():
    assert llm.chat_model(Settings(answer_mode="extractive")) is None
    with pytest.raises(ConfigError, match="extractive, ollama, openai, llamacpp"):
        llm.chat_model(Settings(answer_mode="gpt"))
    with pytest.raises(ConfigError, match="LLM_MODEL"):
        llm.chat_model(Settings(answer_mode="ollama"))
    local = Settings(answer_mode="openai", llm_model="m", llm_base_url="http://127.0.0.1:9/v1")
    assert type(llm.chat_model(local)).__name__ == "ChatOpenAI"
    assert type(llm.chat_model(Settings(answer_mode="ollama", llm_model="m"))).__name__ == (
        "ChatOllama"
    )
    with pytest.raises(ConfigError):
        llm.chat_model(Settings(answer_mode="llamacpp", llm_model="/nonexistent.gguf"))
    assert llm.mode_label(Settings(answer_mode="ollama", llm_model="qwen")) == "LLM: ollama/qwen"


# --- rendering ------------------------------------------------------------------------------


def test_markdown_and_dict_of_an_answer(hits):
    answer = compose.answer("Koperasi sekunder dibentuk oleh berapa koperasi?", hits)
    md = answer.to_markdown()
    assert "**Sumber:**" in md and "[1] **UU A Pasal 6 ayat (1)–(2)**" in md
    assert "_Mode: ekstraktif" in md
    data = json.loads(json.dumps(answer.to_dict(), ensure_ascii=False))
    assert data["citations"] == ["UU A Pasal 6 ayat (1)–(2)"]
    refused = compose.answer("Berapa dana hibah APBN untuk Dekopin 2025?", hits)
    assert "**Mungkin terkait:**" in refused.to_markdown()
    assert isinstance(refused, Answer) and refused.refused
