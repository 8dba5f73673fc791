"""Resolving short follow-up questions ("kalau koperasi sekunder?") against the previous turn."""

from __future__ import annotations

from collections.abc import Sequence

from .terms import content_terms, forms, words

# Openings that mark a question as continuing the previous one.
CUES = (
    "kalau",
    "kalo",
    "lalu",
    "terus",
    "trus",
    "kemudian",
    "selanjutnya",
    "bagaimana dengan",
    "gimana dengan",
    "bagaimana kalau",
    "gimana kalau",
    "bagaimana untuk",
    "bagaimana jika",
    "jika",
    "apabila",
    "dan",
    "sedangkan",
    "bagaimana",
    "gimana",
    "apakah juga",
    "yang",
    "untuk",
)
_REFERRING = frozenset({"tersebut", "itu", "ini", "tadi", "sama", "juga"})
_NYA_EXCEPTIONS = frozenset({"lainnya", "sebelumnya", "selanjutnya", "berikutnya", "sesungguhnya"})
MAX_FOLLOWUP_WORDS = 5  # a follow-up is elliptic: at most this many content words
MAX_TURNS = 3  # how far back chained follow-ups are resolved


def is_followup(question: str) -> bool:
    """True for short questions that lean on the previous turn for their topic."""
    lowered = " ".join(words(question))
    content = content_terms(question)
    if len(content) > MAX_FOLLOWUP_WORDS:
        return False
    if len(content) <= 1:
        return True
    if any(lowered == cue or lowered.startswith(cue + " ") for cue in CUES):
        return True
    refers = any(w in _REFERRING for w in words(question)) or any(
        w.endswith("nya") and len(w) > 5 and w not in _NYA_EXCEPTIONS for w in words(question)
    )
    return refers and len(content) <= 3


def topic_terms(previous: str, question: str) -> list[str]:
    """Content words of the previous question that the follow-up does not restate or replace."""
    prev = content_terms(previous)
    current = frozenset().union(*(forms(w) for w in content_terms(question)))
    shared = [not forms(w).isdisjoint(current) for w in prev]
    dropped: set[int] = set()
    for i in range(len(prev) - 1):
        # "koperasi primer" → "kalau koperasi sekunder?": the word after a shared one is replaced
        if shared[i] and not shared[i + 1]:
            dropped.add(i + 1)
    return [w for i, w in enumerate(prev) if not shared[i] and i not in dropped]


def pairs(history) -> list[tuple[str, str]]:
    """(question, answer) pairs from pairs or from chat messages ({"role", "content"} dicts, an
    assistant message answering the user message before it); anything else is skipped."""
    out: list[tuple[str, str]] = []
    for item in history or ():
        if isinstance(item, dict):
            role, content = item.get("role"), item.get("content")
            if not isinstance(content, str):
                continue
            if role == "user":
                out.append((content, ""))
            elif role == "assistant" and out and not out[-1][1]:
                out[-1] = (out[-1][0], content)
        elif isinstance(item, list | tuple) and item and isinstance(item[0], str):
            answer = item[1] if len(item) > 1 and isinstance(item[1], str) else ""
            out.append((item[0], answer))
    return out


def resolve(question: str, history: Sequence[tuple[str, str]] = ()) -> str:
    """The question made self-contained: elliptic follow-ups get the previous topic appended."""
    question = question.strip()
    turns = [q for q, _ in history if q and q.strip()][-MAX_TURNS:]
    if not turns or not is_followup(question):
        return question
    earlier = [(q, "") for q in turns[:-1]]
    previous = resolve(turns[-1], earlier)
    extra = topic_terms(previous, question)
    return f"{question} {' '.join(extra)}".strip() if extra else question
