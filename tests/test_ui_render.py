"""Pure rendering of answers and sources: escaping, markers, highlighting, exports."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from assistant import ui_render as render
from assistant.answer.render import safe_url
from assistant.answer.types import Answer, Outcome, Source
from assistant.ui import _user_bubble

EVIL = "<script>alert(1)</script> dan <img src=x onerror=alert(2)>"


def source(marker: int = 1, **kw) -> Source:
    base = dict(
        marker=marker,
        id=f"uu-99-2030/pasal-{marker}",
        citation=f"UU 99/2030 Pasal {marker} ayat (1)",
        doc_id="uu-99-2030",
        judul="Undang-Undang Contoh tentang Koperasi",
        label=f"Pasal {marker}",
        part="batang_tubuh",
        status="berlaku",
        status_warning="",
        current_rule="",
        text="(1) Koperasi Primer dibentuk oleh sekurang-kurangnya 20 (dua puluh) orang.\n"
        "(2) Koperasi Sekunder dibentuk oleh sekurang-kurangnya 3 (tiga) Koperasi.",
        quote="(1) Koperasi Primer dibentuk oleh sekurang-kurangnya 20 (dua puluh) orang.",
        penjelasan="",
        official_url="",
    )
    base.update(kw)
    return Source(**base)


class _Tags(HTMLParser):
    """Collects start tags and attributes of an HTML fragment."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    p = _Tags()
    p.feed(html)
    return p.tags


def test_document_markup_is_escaped_everywhere():
    evil = source(
        text=EVIL,
        quote="alert(1)",
        penjelasan=EVIL,
        judul=EVIL,
        citation=EVIL,
        status_warning=EVIL,
        current_rule=EVIL,
        official_url='javascript:alert(3) "x"',
    )
    html = render.sources_panel(Answer(question=EVIL, text=f"Jawab {EVIL} [1]", sources=(evil,)))
    found = {t for t, _ in tags(html)}
    assert "script" not in found and "img" not in found
    assert all(not k.startswith("on") for _, attrs in tags(html) for k in attrs)
    assert "javascript:" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    chat = render.chat_message(Answer(question="q", text=f"Jawab {EVIL} [1]", sources=(evil,)))
    assert "<script" not in chat and "<img" not in chat


def test_cards_have_anchors_status_badge_penjelasan_and_link():
    s = source(
        status="diubah",
        status_warning="Pasal ini telah diubah oleh UU 11/2020.",
        penjelasan="Cukup jelas.",
        official_url="https://peraturan.example.go.id/uu-99 (belum diverifikasi)",
    )
    html = render.sources_panel(Answer(question="q", text="a [1]", sources=(s,)))
    attrs = tags(html)
    assert ("div", {"class": "source-card", "id": "sumber-1"}) in attrs
    assert 'class="badge badge-diubah">diubah<' in html
    assert "telah diubah oleh UU 11/2020" in html
    assert "<details" in html and "Cukup jelas." in html
    links = [a for t, a in attrs if t == "a"]
    assert links == [
        {
            "class": "official",
            "href": "https://peraturan.example.go.id/uu-99",
            "target": "_blank",
            "rel": "noopener noreferrer",
        }
    ]


def test_note_on_an_in_force_provision_is_not_a_warning():
    note = "Catatan: UU 17/2012 pernah mengatur hal ini secara lain."
    html = render.sources_panel(
        Answer(question="q", text="a [1]", sources=(source(status="berlaku", status_warning=note),))
    )
    assert 'class="status-note">ℹ️ Catatan: UU 17/2012' in html and "status-warning" not in html


def test_related_sources_shown_when_refused():
    rel = source(marker=0)
    html = render.sources_panel(
        Answer(question="q", text="Tidak ditemukan.", related=(rel,), outcome=Outcome.NOT_FOUND)
    )
    assert "Mungkin terkait" in html and rel.citation in html and 'id="sumber-' not in html


def test_quote_is_emphasised_and_rest_is_not():
    s = source()
    html = render.highlight(s.text, s.quote)
    assert html.count("<mark>") == 1
    assert "<mark>(1) Koperasi Primer dibentuk" in html
    assert "(2) Koperasi Sekunder" in html.split("</mark>")[1]


def test_quote_split_over_sentences_still_marks_each_found_part():
    text = "Kalimat pertama yang cukup panjang. Kalimat kedua yang tidak dikutip. Kalimat ketiga dikutip di sini."
    quote = "Kalimat pertama yang cukup panjang. … Kalimat ketiga dikutip di sini."
    html = render.highlight(text, quote)
    assert html.count("<mark>") == 2
    assert "Kalimat kedua" not in "".join(
        part.split("</mark>")[0] for part in html.split("<mark>")[1:]
    )


def test_highlight_escapes_marked_text():
    assert render.highlight("a <b> c", "<b>") == "a <mark>&lt;b&gt;</mark> c"


def test_markers_become_links_only_for_known_sources():
    out = render.link_markers("Minimal 20 orang [1], lihat juga [2] dan [7].", [1, 2])
    assert "[\\[1\\]](#sumber-1)" in out and "[\\[2\\]](#sumber-2)" in out
    assert "\\[7\\]" in out and "#sumber-7" not in out


@pytest.mark.parametrize(
    "text",
    [
        "Lihat [klik](javascript:alert(1)) sekarang",
        "Foto ![x](http://192.0.2.1/lacak.png) stok",
        "Acuan [a][r]\n\n[r]: javascript:alert(2)",
        "<img src=x onerror=alert(3)> dan <http://192.0.2.1/x>",
        "Tautan [\\[1\\]](javascript:alert(4)) palsu",
    ],
)
def test_document_or_model_markdown_forms_no_link_or_image(text):
    import markdown_it

    a = Answer(question=text, text=f"{text} [1]", sources=(source(),), notice=text)
    html = markdown_it.MarkdownIt("commonmark").render(render.chat_message(a))
    assert "<img" not in html and "javascript:" not in html.split('href="')[-1][:12]
    assert [h.split('"')[0] for h in html.split('href="')[1:]] == ["#sumber-1"]
    bubble = markdown_it.MarkdownIt("commonmark").render(_user_bubble(text))
    assert "<img" not in bubble and "href=" not in bubble
    exported = markdown_it.MarkdownIt("commonmark").render(a.to_markdown())
    assert "<img" not in exported and "href=" not in exported


def test_emphasis_and_lists_of_our_own_answers_still_render():
    import markdown_it

    md = render.chat_message(Answer(question="q", text="Ketentuan:\n- **UU 25/1992** [1]"))
    html = markdown_it.MarkdownIt("commonmark").render(md)
    assert "<li><strong>UU 25/1992</strong>" in html


def test_chat_message_carries_warnings_and_notice_once():
    a = Answer(
        question="q",
        text="Jawaban [1]",
        sources=(source(),),
        warnings=("Pasal 6 telah diubah.",),
        notice="Model tidak menjawab; jawaban ekstraktif ditampilkan.",
    )
    msg = render.chat_message(a)
    assert "⚠️ Pasal 6 telah diubah." in msg and "Model tidak menjawab" in msg
    same = Answer(question="", text="Silakan tulis pertanyaan.", notice="Silakan tulis pertanyaan.")
    assert render.chat_message(same).count("Silakan") == 1


def test_markdown_export_lists_question_answer_and_quoted_sources():
    s = source(
        penjelasan="Cukup jelas.", status="dicabut", status_warning="Dicabut oleh UU 1/2031."
    )
    md = Answer(question="Berapa pendiri?", text="Dua puluh [1].", sources=(s,)).to_markdown()
    assert md.startswith("# Berapa pendiri?\n")
    assert "### [1] UU 99/2030 Pasal 1 ayat (1) (dicabut)" in md
    assert "> (1) Koperasi Primer dibentuk" in md and "> (2) Koperasi Sekunder" in md
    assert "**Penjelasan:** Cukup jelas." in md and "⚠️ Dicabut oleh UU 1/2031." in md


class Rec:
    def __init__(self, text: str, **meta):
        self.text, self.meta = text, meta


def test_provision_panel_joins_chunks_in_order_with_status_and_penjelasan():
    meta = dict(jenis="UU", nomor="99", tahun=2030, label="Pasal 6", status="dibatalkan")
    recs = [
        Rec("(3) ayat tiga", order=2, **meta),
        Rec("(1) ayat satu <b>", order=1, penjelasan="Penjelasan <i>x</i>", **meta),
    ]
    html = render.provision_panel(recs)
    assert html.index("ayat satu") < html.index("ayat tiga")
    assert "UU 99/2030 · Pasal 6" in html and "badge-dibatalkan" in html
    assert "&lt;b&gt;" in html and "Penjelasan &lt;i&gt;x&lt;/i&gt;" in html
    assert "tidak ditemukan" in render.provision_panel([])
    assert "src-history" not in html


def test_provision_panel_of_a_consolidated_pasal_shows_its_history():
    meta = dict(jenis="UU", nomor="25", tahun=1992, label="Pasal 6", status="berlaku")
    recs = [Rec("Pasal 6 (1) sembilan orang", part="teks_berlaku", history="Riwayat: 1992", **meta)]
    html = render.provision_panel(recs)
    assert "UU 25/1992 · Pasal 6 (teks berlaku)" in html
    assert '<div class="src-history">Riwayat: 1992</div>' in html


def test_footer_and_filter_choices_from_stats():
    stats = {
        "documents": 2,
        "chunks": 30,
        "by_document": {
            "program-x": {"jenis": "Program", "kind": "program", "judul": "Program X", "pasal": 0},
            "uu-99-2030": {"jenis": "UU", "kind": "regulation", "judul": "UU Contoh", "pasal": 12},
        },
        "last_ingest": {"finished_at": "2026-11-27T20:00:00+00:00"},
    }
    foot = render.footer(stats, "ekstraktif")
    assert "2 dokumen" in foot and "12 pasal" in foot and "30 potongan" in foot
    assert "2026-11-27T20:00:00+00:00" in foot and "ekstraktif" in foot
    assert "LLM: ollama/qwen" in render.footer(stats, "LLM: ollama/qwen")
    assert [v for _, v in render.document_choices(stats)] == ["uu-99-2030", "program-x"]
    assert render.jenis_choices(stats) == ["Program", "UU"]
    assert "belum pernah" in render.footer({}, "extractive")


def test_safe_url_accepts_only_http():
    assert safe_url("https://a.example/x y") == "https://a.example/x"
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url('https://a.example/"onmouseover=x') == ""


def test_quote_with_collapsed_whitespace_is_found_in_multiline_text():
    text = "(1) Pengurus wajib:\na. menyelenggarakan rapat;\nb. membuat laporan.\n(2) Lain."
    quote = "(1) Pengurus wajib: a. menyelenggarakan rapat; b. membuat laporan."
    html = render.highlight(text, quote)
    assert html.startswith("<mark>(1) Pengurus wajib:\na. menyelenggarakan")
    assert html.endswith("</mark>\n(2) Lain.")


def test_warnings_already_in_the_answer_text_are_not_repeated():
    w = "Pasal 6 telah diubah oleh UU 11/2020."
    a = Answer(question="q", text=f"Jawaban [1]\n\n⚠ {w}", sources=(source(),), warnings=(w,))
    assert render.chat_message(a).count(w) == 1
    assert a.to_markdown().count(w) == 1


def test_programme_sources_get_a_programme_badge_not_a_legal_status():
    from assistant.retrieval.types import Hit

    prog = source(id="program-x/bagian-1", doc_id="program-x")
    reg = source(marker=2)
    hits = (
        Hit(id=prog.id, text="", meta={"kind": "program"}, score=1.0),
        Hit(id=reg.id, text="", meta={"kind": "regulation"}, score=0.5),
    )
    html = render.sources_panel(
        Answer(question="q", text="a [1] [2]", sources=(prog, reg), hits=hits)
    )
    first, second = html.split('id="sumber-2"')
    assert "badge-program" in first and "badge-berlaku" not in first
    assert "badge-berlaku" in second and "badge-program" not in second


def test_resolved_follow_up_is_shown_above_the_answer():
    a = Answer(
        question="kalau sekunder?", text="Jawab [1]", resolved_question="kalau sekunder? pendiri"
    )
    assert render.chat_message(a).startswith("_Dipahami sebagai: kalau sekunder? pendiri_")
    same = Answer(question="pendiri?", text="Jawab", resolved_question="pendiri?")
    assert "Dipahami" not in render.chat_message(same)


def test_outcome_is_announced_above_the_answer_and_in_the_export():
    unsure = Answer(
        question="q", text="Kutipan terdekat [1]", sources=(source(),), outcome=Outcome.UNSURE
    )
    assert render.chat_message(unsure).startswith("🟡 **Kurang yakin**")
    assert "<h3>Ketentuan terdekat (1)</h3>" in render.sources_panel(unsure)
    assert "**Kurang yakin**" in unsure.to_markdown()
    missing = Answer(question="q", text="Maaf.", outcome=Outcome.NOT_FOUND)
    assert render.chat_message(missing).startswith("🔍 **Tidak ditemukan**")
    plain = Answer(question="q", text="Paling sedikit 9 orang [1]", sources=(source(),))
    message = render.chat_message(plain)
    assert "Kurang yakin" not in message and "Tidak ditemukan" not in message
    assert "<h3>Sumber (1)</h3>" in render.sources_panel(plain)
