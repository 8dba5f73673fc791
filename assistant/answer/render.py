"""Markdown rendering of an `Answer` (CLI output and chat UI)."""

from __future__ import annotations

from .types import Answer, Source

QUOTE_CHARS = 500


def mode_label(mode: str) -> str:
    """Footer name of how an answer was made."""
    return "ekstraktif" if mode in ("", "extractive") else f"LLM: {mode}"


def _status(source: Source) -> str:
    return "" if source.status == "berlaku" else f" — status: **{source.status}**"


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > QUOTE_CHARS:
        flat = flat[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
    return f"  > {flat}"


def source_line(source: Source) -> str:
    """One source: marker, citation, title and status, then the quoted words."""
    head = f"[{source.marker}]" if source.marker else "-"
    line = f"{head} **{source.citation}**"
    if source.judul:
        line += f" — {source.judul}"
    line += _status(source)
    quote = source.quote or source.text
    return line + ("\n" + _quote(quote) if quote else "")


def to_markdown(answer: Answer) -> str:
    """The answer text, its sources (or related provisions), notice and footer."""
    parts = [answer.text.strip()]
    if answer.sources:
        parts.append("**Sumber:**\n" + "\n".join(source_line(s) for s in answer.sources))
    if answer.related:
        lines = [
            f"- **{s.citation}** — {s.judul}" if s.judul else f"- **{s.citation}**"
            for s in answer.related
        ]
        parts.append("**Mungkin terkait:**\n" + "\n".join(lines))
    if answer.resolved_question and answer.resolved_question != answer.question.strip():
        parts.append(f"_Dipahami sebagai: {answer.resolved_question}_")
    if answer.notice:
        parts.append(f"_Catatan: {answer.notice}_")
    footer = f"_Mode: {mode_label(answer.mode)}"
    if answer.latency_ms:
        footer += f" · {answer.latency_ms:.0f} ms"
    parts.append(footer + "_")
    return "\n\n".join(parts)
