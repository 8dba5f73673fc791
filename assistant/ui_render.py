"""Pure rendering of answers, sources and provisions as HTML for the Gradio page; every document string is escaped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape

from .answer.render import OUTCOME_LABELS, STATUS_LABELS, mode_label, safe_url
from .answer.types import Answer, Outcome, Source

KIND_LABELS = {"regulation": "Regulasi", "program": "Program"}
# The sources panel's heading by outcome.
SOURCE_HEADINGS = {Outcome.UNSURE: "Ketentuan terdekat"}
_MARKER = re.compile(r"\\\[(\d{1,3})\\\]")  # a marker [n] once md_safe has escaped it
_SENTENCE = re.compile(r"(?<=[.;:])\s+|\n+")


def esc(value: object) -> str:
    """HTML-escape any value, quotes included."""
    return escape("" if value is None else str(value), quote=True)


def md_safe(value: object) -> str:
    """`value` for Gradio's Markdown: HTML-escaped, and with its brackets escaped so document
    text, model output or a question cannot form a link (`javascript:`) or an image (a remote
    `![x](http://…)` every user's browser would fetch) or an autolink. Emphasis and lists
    still render."""
    out = esc(value).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    # nor a bare address turn into a link (GFM autolinks): the escapes render as "://", "www."
    return out.replace("://", ":\\/\\/").replace("www.", "www\\.")


def status_badge(status: str, warning: str = "", current_rule: str = "") -> str:
    """A coloured badge for a provision's status, with its warning and the current rule."""
    code = status if status in STATUS_LABELS else "berlaku"
    html = f'<span class="badge badge-{code}">{esc(STATUS_LABELS[code])}</span>'
    notes = []
    if warning and code == "berlaku":  # a note on an in-force provision (e.g. its old rule)
        notes.append(f'<div class="status-note">ℹ️ {esc(warning)}</div>')
    elif warning:
        notes.append(f'<div class="status-warning">⚠️ {esc(warning)}</div>')
    if current_rule:
        notes.append(f'<div class="current-rule">Aturan saat ini: {esc(current_rule)}</div>')
    return html + "".join(notes)


def _find(text: str, piece: str) -> tuple[int, int] | None:
    words = piece.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return m.span() if m else None


def _quote_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Where the quoted units (joined by '…', whitespace-normalised) occur in `text`."""
    if not (quote or "").strip() or not text:
        return []
    spans = []
    for unit in quote.split("…"):
        span = _find(text, unit)
        if span:
            spans.append(span)
            continue
        for piece in _SENTENCE.split(unit):
            if len(piece.strip()) >= 12 and (span := _find(text, piece)):
                spans.append(span)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, quote: str) -> str:
    """Escaped `text` with the parts that occur in `quote` wrapped in <mark>."""
    out, pos = [], 0
    for start, end in _quote_spans(text, quote):
        out.append(esc(text[pos:start]))
        out.append(f"<mark>{esc(text[start:end])}</mark>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def _official_link(url: str) -> str:
    href = safe_url(url)
    if not href:
        return ""
    return (
        f'<a class="official" href="{esc(href)}" target="_blank" rel="noopener noreferrer">'
        "Sumber resmi ↗</a>"
    )


def source_card(source: Source, kind: str = "") -> str:
    """One cited source: label, status, text with the quoted part emphasised, Penjelasan, link."""
    if kind == "program":
        badge = '<span class="badge badge-program">program</span>'
    else:
        badge = status_badge(source.status, source.status_warning, source.current_rule)
    anchor = f' id="sumber-{source.marker}"' if source.marker else ""
    marker = f'<span class="src-marker">[{source.marker}]</span> ' if source.marker else ""
    parts = [
        f'<div class="source-card"{anchor}>',
        f'<div class="src-head">{marker}<strong class="src-label">{esc(source.citation)}</strong> ',
        badge,
        "</div>",
        f'<div class="src-title">{esc(source.judul)}</div>',
        f'<div class="src-text">{highlight(source.text, source.quote)}</div>',
    ]
    if source.penjelasan.strip():
        parts.append(
            '<details class="src-penjelasan"><summary>Penjelasan</summary>'
            f'<div class="src-text">{esc(source.penjelasan)}</div></details>'
        )
    parts.append(_official_link(source.official_url))
    parts.append("</div>")
    return "".join(parts)


def sources_panel(answer: Answer | None) -> str:
    """The sources of the current answer (or the related provisions when it was refused)."""
    if answer is None:
        return '<div class="sources-empty">Sumber jawaban akan tampil di sini.</div>'
    kinds = {h.id: h.meta.get("kind", "") for h in answer.hits}
    parts = ['<div class="sources">']
    if answer.sources:
        heading = SOURCE_HEADINGS.get(answer.outcome, "Sumber")
        parts.append(f"<h3>{heading} ({len(answer.sources)})</h3>")
        parts.extend(source_card(s, kinds.get(s.id, "")) for s in answer.sources)
    if answer.related:
        parts.append("<h3>Mungkin terkait</h3>")
        parts.extend(source_card(s, kinds.get(s.id, "")) for s in answer.related)
    if not answer.sources and not answer.related:
        parts.append('<div class="sources-empty">Tidak ada sumber untuk jawaban ini.</div>')
    parts.append("</div>")
    return "".join(parts)


def link_markers(text: str, markers: Iterable[int]) -> str:
    """Escape `text` for Markdown/HTML and turn each known marker [n] into a link to #sumber-n."""
    known = set(markers)
    safe = md_safe(text)

    def repl(m: re.Match) -> str:
        n = int(m.group(1))
        return f"[\\[{n}\\]](#sumber-{n})" if n in known else m.group(0)

    return _MARKER.sub(repl, safe)


def chat_message(answer: Answer) -> str:
    """The assistant's chat message: linked answer text, then notice and status warnings."""
    lines = [link_markers(answer.text, (s.marker for s in answer.sources))]
    resolved = answer.resolved_question.strip()
    if answer.outcome in OUTCOME_LABELS:
        lines.insert(0, OUTCOME_LABELS[answer.outcome])
    if resolved and resolved != answer.question.strip():
        lines.insert(0, f"_Dipahami sebagai: {md_safe(resolved)}_")
    if answer.notice and answer.notice.strip() != answer.text.strip():
        lines.append(f"ℹ️ _{md_safe(answer.notice)}_")
    lines.extend(f"⚠️ {md_safe(w)}" for w in answer.warnings if w not in answer.text)
    return "\n\n".join(lines)


def provision_panel(records: list, title: str = "") -> str:
    """A whole Pasal (its chunks in order) with status and Penjelasan; records have .text/.meta."""
    if not records:
        return '<div class="sources-empty">Pasal tidak ditemukan.</div>'
    records = sorted(records, key=lambda r: r.meta.get("order", 0))
    meta = records[0].meta
    label = meta.get("label") or meta.get("citation", "")
    if meta.get("part") == "teks_berlaku":  # the consolidated wording of an amended Pasal
        label += " (teks berlaku)"
    head = f"{meta.get('jenis', '')} {meta.get('nomor', '')}/{meta.get('tahun', '')}".strip(" /")
    penjelasan = next(
        (r.meta.get("penjelasan", "") for r in records if r.meta.get("penjelasan")), ""
    )
    body = "\n".join(r.text.strip() for r in records)
    parts = [
        '<div class="provision">',
        f'<div class="src-head"><strong class="src-label">{esc(head)} · {esc(label)}</strong> ',
        status_badge(
            meta.get("status", ""), meta.get("status_warning", ""), meta.get("current_rule", "")
        ),
        "</div>",
        f'<div class="src-title">{esc(title or meta.get("judul", ""))}</div>',
    ]
    if meta.get("path"):
        parts.append(f'<div class="src-path">{esc(meta["path"])}</div>')
    history = next((r.meta.get("history", "") for r in records if r.meta.get("history")), "")
    if history:  # an amended Pasal of a consolidated act
        parts.append(f'<div class="src-history">{esc(history)}</div>')
    parts.append(f'<div class="src-text">{esc(body)}</div>')
    if penjelasan.strip():
        parts.append(
            '<details class="src-penjelasan" open><summary>Penjelasan</summary>'
            f'<div class="src-text">{esc(penjelasan)}</div></details>'
        )
    parts.append(_official_link(meta.get("official_url", "")))
    parts.append("</div>")
    return "".join(parts)


def footer(stats: Mapping, mode: str) -> str:
    """Index statistics and the answer mode, one line."""
    by_doc = stats.get("by_document") or {}
    pasal = sum(int(d.get("pasal", 0)) for d in by_doc.values())
    last = stats.get("last_ingest") or {}
    when = last.get("finished_at", "") or "belum pernah"
    return (
        '<div class="app-footer">'
        f"Indeks: {esc(stats.get('documents', 0))} dokumen · {esc(pasal)} pasal · "
        f"{esc(stats.get('chunks', 0))} potongan · ingest terakhir: {esc(when)} · "
        f"Mode jawaban: {esc(mode_label(mode))}"
        "<br>Jawaban bukan nasihat hukum; selalu periksa teks resmi peraturan.</div>"
    )


def document_choices(stats: Mapping) -> list[tuple[str, str]]:
    """(label, doc_id) pairs for the document filter, regulations first, then programmes."""
    by_doc = stats.get("by_document") or {}
    rows = sorted(by_doc.items(), key=lambda kv: (kv[1].get("kind") != "regulation", kv[0]))
    out = []
    for doc_id, d in rows:
        title = d.get("judul") or doc_id
        if len(title) > 90:
            title = title[:87] + "…"
        out.append((f"{title} ({doc_id})", doc_id))
    return out


def jenis_choices(stats: Mapping) -> list[str]:
    """The distinct `jenis` of the indexed documents."""
    return sorted({d.get("jenis", "") for d in (stats.get("by_document") or {}).values()} - {""})
