"""Bounds on what a user or client may send: question length, history size, clean characters.

Every entry point (Gradio, `/tanya`, `/api/ask`, the CLI) ends in `Assistant.ask`, which applies
these; the JSON API rejects oversized bodies and histories before they are parsed further.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_QUESTION_CHARS = 2000  # a question longer than this is declined with a friendly answer
MAX_HISTORY_TURNS = 10  # earlier turns are dropped (follow-ups look back at most 3 turns)
MAX_HISTORY_ITEMS = 100  # the JSON API rejects a longer `history` list (422)
MAX_TURN_CHARS = 20_000  # the JSON API rejects a longer history message (422)
MAX_ANSWER_CHARS = 8000  # previous answers kept from the history are cut to this

# C0 and C1 control characters except tab and newline, DEL, and lone UTF-16 surrogates
# (which cannot be encoded as UTF-8 and used to end a request in a 500).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: object) -> str:
    """The text with line endings made `\\n` and control characters and lone surrogates removed."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", text)


def bound_history(history: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The last `MAX_HISTORY_TURNS` (question, answer) pairs, cleaned; a question over the length
    limit was declined when it was asked, so it is blanked (it cannot be a follow-up's topic)."""
    pairs = list(history or ())[-MAX_HISTORY_TURNS:]
    out: list[tuple[str, str]] = []
    for question, answer in pairs:
        question = question if isinstance(question, str) else ""
        answer = answer if isinstance(answer, str) else ""
        q = "" if len(question) > MAX_QUESTION_CHARS else clean_text(question)
        out.append((q, clean_text(answer[:MAX_ANSWER_CHARS])))
    return out


def cut(text: str, limit: int = MAX_QUESTION_CHARS) -> str:
    """`text` cut to at most `limit` characters, at a space when there is one."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip()
