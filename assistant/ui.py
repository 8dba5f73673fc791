"""The Gradio assistant: chat with cited sources, filters, whole-Pasal view, feedback; the only gradio code."""

from __future__ import annotations

import uuid

import gradio as gr
from fastapi import FastAPI

from . import feedback as fb
from . import ui_render as render
from .api import create_api, filters_from_dict
from .config import Settings
from .limits import MAX_HISTORY_ITEMS, MAX_QUESTION_CHARS, clean_text
from .provisions import counterpart, step_in_act
from .retrieval.types import Filters
from .storage import keep_newest, private_dir, write_private

EXAMPLES_MANAGERS = [
    "Berapa jumlah minimal orang untuk mendirikan koperasi primer?",
    "Apa saja tugas pengurus koperasi?",
    "Bagaimana sisa hasil usaha koperasi dibagikan?",
    "Apa syarat pengesahan akta pendirian koperasi?",
]
EXAMPLES_DEKOPIN = [
    "Apa program Dekopin untuk literasi digital koperasi?",
    "Bagaimana pendanaan Koperasi Desa/Kelurahan Merah Putih?",
    "Apa tugas Dekopin menurut undang-undang perkoperasian?",
]
KIND_CHOICES = [("Regulasi", "regulation"), ("Program Dekopin", "program")]
ALL_DOCS = "(semua dokumen)"
TEKS_BERLAKU, TEKS_ASLI = "Teks berlaku", "Teks asli"  # the switch over an amended Pasal

CSS = """
.gradio-container {max-width: 1400px !important; margin: auto;}
#judul h1 {margin-bottom: 0;}
.sources h3 {margin: 0.4em 0;}
.source-card, .provision {border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 10px 12px; margin: 0 0 10px 0; background: var(--background-fill-secondary);
  scroll-margin-top: 12px; transition: box-shadow 0.3s;}
.source-card.flash {box-shadow: 0 0 0 3px #f59e0b;}
.src-head {display: flex; flex-wrap: wrap; gap: 6px; align-items: baseline;}
.src-marker {font-weight: 700; color: var(--color-accent);}
.src-title, .src-path {font-size: 0.85em; opacity: 0.8; margin: 2px 0 6px 0;}
.src-history {font-size: 0.85em; margin: 2px 0 6px 0; font-style: italic;}
.src-text {white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.95em; line-height: 1.45;}
.src-text mark {background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px;}
.dark .src-text mark {background: #92400e; color: #fff;}
.src-penjelasan {margin-top: 6px; font-size: 0.9em;}
.src-penjelasan summary {cursor: pointer; font-weight: 600;}
.badge {display: inline-block; font-size: 0.75em; font-weight: 700; text-transform: uppercase;
  padding: 1px 8px; border-radius: 999px; color: #fff; background: #15803d;}
.badge-diubah {background: #b45309;}
.badge-program {background: #1d4ed8;}
.badge-belum_diverifikasi {background: #6b7280;}
.badge-dicabut, .badge-dibatalkan, .badge-tidak_berlaku {background: #b91c1c;}
.status-warning {flex-basis: 100%; font-size: 0.85em; color: #b45309; margin-top: 2px;}
.status-note {flex-basis: 100%; font-size: 0.85em; margin-top: 2px; opacity: 0.85;}
.current-rule {flex-basis: 100%; font-size: 0.85em; margin-top: 2px;}
.official {display: inline-block; margin-top: 6px; font-size: 0.85em;}
.sources-empty {opacity: 0.7; padding: 8px 0;}
.app-footer {font-size: 0.85em; opacity: 0.8; text-align: center; padding: 8px;}
#tombol-tanya {min-width: 90px;}
#chat .message-content, #chat .message-content .prose {font-size: 15px !important;
  line-height: 1.5;}
@media (max-width: 640px) {
  .source-card, .provision {padding: 8px;}
  .src-text {font-size: 0.9em;}
}
"""

# Markers [n] in the chat are links to #sumber-n: scroll to the card ourselves, open it, flash it.
HEAD = """
<script>
document.addEventListener('click', function (ev) {
  var a = ev.target.closest ? ev.target.closest('a[href^="#sumber-"]') : null;
  if (!a) return;
  var el = document.getElementById(a.getAttribute('href').slice(1));
  if (!el) return;
  ev.preventDefault(); ev.stopPropagation();
  el.scrollIntoView({behavior: 'smooth', block: 'start'});
  el.classList.add('flash');
  setTimeout(function () { el.classList.remove('flash'); }, 1600);
}, true);
</script>
"""


def form_filters(kinds: list[str], doc_id: str, jenis: list[str], in_force: bool) -> Filters | None:
    """Filters from the form's values; None when nothing is restricted."""
    doc_ids = (doc_id,) if doc_id and doc_id != ALL_DOCS else ()
    f = Filters(
        doc_ids=doc_ids,
        jenis=tuple(jenis or ()),
        kinds=tuple(kinds or ()),
        in_force_only=bool(in_force),
    )
    return None if f == Filters() else f


def example_messages() -> list[dict]:
    """Example questions for both audiences, shown in the empty chat."""
    return [{"text": q, "display_text": f"Pengelola koperasi · {q}"} for q in EXAMPLES_MANAGERS] + [
        {"text": q, "display_text": f"Staf Dekopin · {q}"} for q in EXAMPLES_DEKOPIN
    ]


def _example_text(evt: gr.SelectData) -> str:
    value = evt.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value or "")


def _reset():
    empty = gr.update(choices=[], value=None)
    return [], [], render.sources_panel(None), empty, "", gr.update(visible=False)


def is_real_question(question: str) -> bool:
    """Whether the question is worth keeping in the conversation history."""
    return 0 < len((question or "").strip()) <= MAX_QUESTION_CHARS


def _history(answers: list) -> list[tuple[str, str]]:
    return [(a.question, a.text) for a in answers]


def _user_bubble(question: str) -> str:
    q = question.strip()
    return render.md_safe(q if len(q) <= 300 else q[:300] + "…")


class _Handlers:
    """The event functions, bound to one assistant and its settings."""

    def __init__(self, assistant, settings: Settings):
        self.assistant = assistant
        self.settings = settings
        self.export_dir = private_dir(settings.exports_dir)

    def respond(self, question, chat, answers, kinds, doc_id, jenis, in_force):
        question = clean_text(question)
        answers = list(answers or [])
        answer = self.assistant.ask(
            question,
            history=_history(answers),
            filters=form_filters(kinds, doc_id, jenis, in_force),
        )
        chat = list(chat or [])
        if question.strip():
            chat.append({"role": "user", "content": _user_bubble(question)})
        chat.append({"role": "assistant", "content": render.chat_message(answer)})
        if is_real_question(question):
            answers.append(answer)
        export = self.export_dir / f"jawaban-{uuid.uuid4().hex[:12]}.md"
        write_private(export, answer.to_markdown())
        keep_newest(self.export_dir, self.settings.max_exports, "jawaban-*.md")
        picks = [(f"[{s.marker}] {s.citation}", s.id) for s in answer.sources + answer.related]
        return (
            "",
            chat,
            answers,
            render.sources_panel(answer),
            gr.update(choices=picks, value=picks[0][1] if picks else None),
            gr.update(value=str(export), visible=True),
            "",
            "",
        )

    def rate(self, rating: str, comment: str, answers):
        if not answers:
            return "Belum ada jawaban untuk dinilai.", comment
        record = fb.feedback_record(answers[-1], rating, clean_text(comment))
        fb.append_feedback(self.settings.feedback_file, record, self.settings.feedback_max_mb)
        return "Terima kasih, penilaian Anda sudah dicatat.", ""

    def open_provision(self, chunk_id: str | None, version: str = TEKS_BERLAKU):
        if not chunk_id:
            return "Pilih sumber terlebih dahulu.", None
        chunk_id = counterpart(self.assistant.index, chunk_id, asli=version == TEKS_ASLI)
        return render.provision_panel(self.assistant.provision(chunk_id)), chunk_id

    def step(self, chunk_id: str | None, step: int, version: str = TEKS_BERLAKU):
        if not chunk_id:
            return "Buka sebuah pasal terlebih dahulu.", None
        target = None if version == TEKS_ASLI else step_in_act(self.assistant.index, chunk_id, step)
        if target is None:  # no consolidated act: plain document order
            target = self.assistant.neighbour(chunk_id, step)
        if not target:
            which = "sebelumnya" if step < 0 else "berikutnya"
            note = f'<div class="sources-empty">Tidak ada pasal {which} dalam dokumen ini.</div>'
            return note + render.provision_panel(self.assistant.provision(chunk_id)), chunk_id
        return self.open_provision(target, version)

    def tanya(
        self, question: str, filters: dict | None = None, history: list | None = None
    ) -> dict:
        """Jawab satu pertanyaan tentang regulasi koperasi; mengembalikan jawaban, sitasi dan sumber."""
        history = list(history or [])[-MAX_HISTORY_ITEMS:] if isinstance(history, list) else []
        answer = self.assistant.ask(
            clean_text(question), history=history, filters=_filters(filters)
        )
        return answer.to_json()


def _filters(data) -> Filters | None:
    """Filters from `/tanya`'s mapping; anything malformed means no restriction."""
    try:
        return filters_from_dict(data if isinstance(data, dict) else None)
    except ValueError:
        return None


def build_blocks(assistant, settings: Settings) -> gr.Blocks:
    """The whole user interface over one shared assistant."""
    h = _Handlers(assistant, settings)
    stats = assistant.stats()
    # Gradio's own copies of the downloads (its cache) are deleted after an hour
    with gr.Blocks(title="Asisten Regulasi Koperasi", delete_cache=(1800, 3600)) as demo:
        gr.Markdown(
            "# Asisten Regulasi Koperasi\nTanyakan aturan koperasi & UMKM atau program Dekopin. "
            "Setiap jawaban menyebut pasal sumbernya; klik penanda **[1]** untuk melihat sumber.",
            elem_id="judul",
        )
        answers = gr.State([])
        current = gr.State(None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                with gr.Accordion("Filter", open=False, elem_id="filter"):
                    kinds = gr.CheckboxGroup(KIND_CHOICES, label="Jenis sumber", elem_id="f-kinds")
                    doc = gr.Dropdown(
                        [(ALL_DOCS, ALL_DOCS), *render.document_choices(stats)],
                        value=ALL_DOCS,
                        label="Dokumen",
                        elem_id="f-doc",
                    )
                    jenis = gr.Dropdown(
                        render.jenis_choices(stats),
                        multiselect=True,
                        label="Jenis peraturan (UU, PP, Permen, …)",
                        elem_id="f-jenis",
                    )
                    in_force = gr.Checkbox(True, label="Hanya yang berlaku", elem_id="f-berlaku")
                chat = gr.Chatbot(
                    label="Percakapan",
                    show_label=False,
                    layout="panel",
                    height=520,
                    buttons=["copy", "copy_all"],
                    feedback_options=None,
                    placeholder="**Ajukan pertanyaan** tentang aturan koperasi, UMKM, atau program "
                    "Dekopin — atau pilih salah satu contoh.",
                    examples=example_messages(),
                    latex_delimiters=[],  # document text is no formula source
                    elem_id="chat",
                )
                with gr.Row():
                    question = gr.Textbox(
                        placeholder="Tulis pertanyaan Anda…",
                        show_label=False,
                        lines=1,
                        max_lines=5,
                        scale=5,
                        elem_id="pertanyaan",
                    )
                    ask = gr.Button("Tanya", variant="primary", scale=1, elem_id="tombol-tanya")
                with gr.Row():
                    new_chat = gr.Button("Percakapan baru", size="sm")
                    download = gr.DownloadButton(
                        "Unduh jawaban (.md)", visible=False, size="sm", elem_id="unduh"
                    )
                with gr.Group(elem_id="umpan-balik"):
                    gr.Markdown("**Apakah jawaban terakhir membantu?**", padding=True)
                    with gr.Row():
                        good = gr.Button("👍 Membantu", size="sm", elem_id="fb-baik")
                        bad = gr.Button("👎 Tidak membantu", size="sm", elem_id="fb-buruk")
                    comment = gr.Textbox(
                        label="Komentar (opsional)", lines=1, max_lines=4, elem_id="fb-komentar"
                    )
                fb_status = gr.Markdown(elem_id="fb-status")
            with gr.Column(scale=2, min_width=300):
                sources = gr.HTML(render.sources_panel(None), elem_id="panel-sumber")
                with gr.Group():
                    pick = gr.Dropdown([], label="Pasal sumber", elem_id="pilih-sumber")
                    open_btn = gr.Button("Lihat pasal lengkap", size="sm", elem_id="lihat-pasal")
                version = gr.Radio(
                    [TEKS_BERLAKU, TEKS_ASLI],
                    value=TEKS_BERLAKU,
                    show_label=False,
                    elem_id="versi-teks",
                )
                provision = gr.HTML("", elem_id="pasal-lengkap")
                with gr.Row():
                    prev_btn = gr.Button("◀ Sebelumnya", size="sm", elem_id="pasal-sebelumnya")
                    next_btn = gr.Button("Berikutnya ▶", size="sm", elem_id="pasal-berikutnya")
        # a callable: each page load shows the index in use now (it is reloaded after an ingest)
        gr.HTML(
            lambda: render.footer(assistant.stats(), getattr(assistant, "mode", "")),
            elem_id="footer",
        )

        inputs = [question, chat, answers, kinds, doc, jenis, in_force]
        outputs = [question, chat, answers, sources, pick, download, fb_status, provision]
        for trigger in (ask.click, question.submit):
            trigger(h.respond, inputs, outputs, api_visibility="private")
        chat.example_select(_example_text, None, question, api_visibility="private").then(
            h.respond, inputs, outputs, api_visibility="private"
        )
        reset = [chat, answers, sources, pick, provision, download]
        for trigger in (new_chat.click, chat.clear):
            trigger(_reset, None, reset, api_visibility="private")
        good.click(
            lambda c, a: h.rate("helpful", c, a),
            [comment, answers],
            [fb_status, comment],
            api_visibility="private",
        )
        bad.click(
            lambda c, a: h.rate("not_helpful", c, a),
            [comment, answers],
            [fb_status, comment],
            api_visibility="private",
        )
        shown = [provision, current]
        open_btn.click(h.open_provision, [pick, version], shown, api_visibility="private")
        version.change(h.open_provision, [current, version], shown, api_visibility="private")
        prev_btn.click(
            lambda c, v: h.step(c, -1, v), [current, version], shown, api_visibility="private"
        )
        next_btn.click(
            lambda c, v: h.step(c, 1, v), [current, version], shown, api_visibility="private"
        )
        gr.api(h.tanya, api_name="tanya")
    return demo


class _GradioSessions:
    """Whether a request's cookies hold a session Gradio's login created (set once mounted)."""

    def __init__(self):
        self.app = None

    def __call__(self, cookies: dict[str, str]) -> bool:
        app = self.app
        if app is None:
            return False
        cid = app.cookie_id
        token = cookies.get(f"access-token-{cid}") or cookies.get(f"access-token-unsecure-{cid}")
        return token is not None and token in app.tokens


def build_app(assistant, settings: Settings) -> FastAPI:
    """FastAPI with `/api/ask` and the Gradio UI mounted at `/`, every route behind the login."""
    from starlette.routing import Mount

    from .security import FailedLogins

    sessions = _GradioSessions()
    app = create_api(
        assistant,
        settings.login,
        max_body=settings.max_request_bytes,
        failed_logins=FailedLogins(settings.login_max_failures, settings.login_window_seconds),
        has_session=sessions,
    )
    gr.mount_gradio_app(
        app,
        build_blocks(assistant, settings),
        path="/",
        auth=settings.login,
        theme=gr.themes.Soft(),
        css=CSS,
        head=HEAD,
        allowed_paths=[str(settings.exports_dir)],
        server_name=settings.host,
        server_port=settings.port,
    )
    sessions.app = next(
        r.app for r in app.routes if isinstance(r, Mount) and isinstance(r.app, gr.routes.App)
    )
    return app


def launch_shared(assistant, settings: Settings) -> None:
    """Serve the UI alone through a public Gradio share link (only when `settings.share`)."""
    build_blocks(assistant, settings).launch(
        share=True,
        server_name=settings.host,
        server_port=settings.port,
        auth=settings.login,
        theme=gr.themes.Soft(),
        css=CSS,
        head=HEAD,
        allowed_paths=[str(settings.exports_dir)],
    )
