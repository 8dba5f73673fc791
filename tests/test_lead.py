"""The opening sentence of an answer (assistant/answer/lead.py, pure)."""

from assistant.answer.lead import Quoted, lead_sentence


def test_a_figure_asked_opens_with_the_clause_that_states_it():
    st = Quoted(
        1,
        "UU 25/1992 Pasal 6 ayat (1)",
        "Koperasi Primer dibentuk oleh paling sedikit 20 (dua puluh) orang.",
    )
    lead = lead_sentence("Berapa orang minimal pendiri koperasi primer?", [st])
    assert lead.startswith("Menurut UU 25/1992 Pasal 6 ayat (1): Koperasi Primer dibentuk")
    assert "20 (dua puluh) orang [1]." in lead


def test_a_list_introduction_does_not_answer_who_alone():
    st = Quoted(
        3,
        "UU 25/1992 Pasal 30 ayat (2)",
        "Pengurus berwenang:\na. mewakili Koperasi di dalam dan di luar pengadilan;",
    )
    lead = lead_sentence("Siapa yang mewakili koperasi di pengadilan?", [st])
    assert "Pengurus berwenang [3]" not in lead
    assert "mewakili Koperasi di dalam dan di luar pengadilan" in lead


def test_a_list_introduction_that_states_the_deadline_asked_may_lead():
    text = "Paling lambat 1 (satu) bulan sebelum rapat anggota tahunan, Pengurus menyusun laporan:"
    lead = lead_sentence("Kapan laporan tahunan disusun?", [Quoted(1, "UU 25/1992 Pasal 35", text)])
    assert "Paling lambat 1 (satu) bulan" in lead


def test_no_lead_when_nothing_states_what_is_asked():
    st = Quoted(1, "UU 25/1992 Pasal 3", "Koperasi bertujuan memajukan kesejahteraan anggota.")
    assert lead_sentence("Berapa persen cadangan koperasi?", [st]) == ""
