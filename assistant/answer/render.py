"""The one Markdown rendering of an `Answer`: the CLI's output and the file the UI offers for
download. Document and model text is made literal: no link, image or raw HTML can form."""

from __future__ import annotations

import re

from .types import Answer, Outcome

STATUS_LABELS = {
    "berlaku": "berlaku",
    "diubah": "diubah",
    "dicabut": "dicabut",
    "dibatalkan": "dibatalkan",
    "tidak_berlaku": "tidak berlaku",
    "belum_diverifikasi": "belum diverifikasi",
}
# How each outcome is announced above the answer (a plain answer needs no label).
OUTCOME_LABELS = {
    Outcome.UNSURE: "🟡 **Kurang yakin**: ketentuan terdekat dikutip di bawah; periksa apakah "
    "benar menjawab pertanyaan Anda.",
    Outcome.NOT_FOUND: "🔍 **Tidak ditemukan** dalam korpus.",
}
_MD_LITERAL = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]", "<": "\\<"})


def md_literal(value: object) -> str:
    """`value` for a Markdown file: no link, image or raw HTML can form (text left readable)."""
    return ("" if value is None else str(value)).translate(_MD_LITERAL)


def safe_url(url: str) -> str:
    """The first token of `url` when it is an http(s) address, else ''."""
    first = (url or "").strip().split(" ", 1)[0]
    return first if re.match(r"^https?://[^\s\"'<>]+$", first) else ""


def mode_label(mode: str) -> str:
    """How the answer mode is named to users."""
    if mode in ("", "extractive", "ekstraktif"):
        return "ekstraktif (kutipan langsung dari pasal, tanpa LLM)"
    return mode if mode.startswith("LLM") else f"LLM: {mode}"


def to_markdown(answer: Answer) -> str:
    """The answer and its sources (full text, status, Penjelasan) as a Markdown document."""
    lit = md_literal
    lines = [f"# {lit(answer.question.strip())}", ""]
    resolved = answer.resolved_question.strip()
    if resolved and resolved != answer.question.strip():
        lines += [f"_Dipahami sebagai: {lit(resolved)}_", ""]
    if answer.outcome in OUTCOME_LABELS:
        lines += [OUTCOME_LABELS[answer.outcome], ""]
    lines += [lit(answer.text.strip()), ""]
    if answer.notice and answer.notice.strip() != answer.text.strip():
        lines += [f"_Catatan: {lit(answer.notice)}_", ""]
    for w in answer.warnings:
        if w not in answer.text:
            lines += [f"> ⚠️ {lit(w)}", ""]
    for title, group in (("Sumber", answer.sources), ("Mungkin terkait", answer.related)):
        if not group:
            continue
        lines += [f"## {title}", ""]
        for s in group:
            head = f"[{s.marker}] " if s.marker else ""
            status = STATUS_LABELS.get(s.status, s.status)
            lines += [f"### {head}{lit(s.citation)} ({status})", "", f"_{lit(s.judul)}_", ""]
            if s.status_warning:
                lines += [f"> ⚠️ {lit(s.status_warning)}", ""]
            lines += ["\n".join("> " + lit(ln) for ln in s.text.strip().splitlines()), ""]
            if s.penjelasan.strip():
                lines += ["**Penjelasan:** " + lit(s.penjelasan.strip()), ""]
            if safe_url(s.official_url):
                lines += [f"Sumber resmi: {safe_url(s.official_url)}", ""]
    footer = f"_Mode jawaban: {mode_label(answer.mode)}"
    if answer.latency_ms:
        footer += f" · {answer.latency_ms:.0f} ms"
    lines.append(footer + "_")
    return "\n".join(lines).rstrip() + "\n"
