"""The answer first: one sentence that states what the question asks, from the cited text (pure).

A question asking what a term means opens with that term's definition.

"Berapa orang minimal …?" → "Menurut UU 11/2020 Pasal 86 angka 1: Koperasi Primer dibentuk oleh
paling sedikit 9 (sembilan) orang [1]." The sentence is the clause of a chosen statement that
states the kind of answer asked (a figure, a deadline, a count, who decides, or a yes/no rule);
nothing is written that the cited text does not say.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .answer_types import asked_types

MAX_CHARS = 320
_CLAUSE = re.compile(r"(?<=[.;])\s+|\n+")
_ITEM = re.compile(r"^\s*(?:[a-z]|\d{1,2})[.)]\s+")
_MARKER = re.compile(r"^(?:[a-z]|\d{1,2})[.)]$")
_AYAT = re.compile(r"^\s*\(\s*\d+[a-z]?\s*\)\s*")


@dataclass(frozen=True)
class Quoted:
    """A statement of the answer: its marker, citation and the unit's text."""

    marker: int
    citation: str
    text: str
    score: float = 0.0  # how well it matches the question (the best one leads)
    definition: bool = False  # the definition of the term asked, as the retriever found it


def _clauses(text: str) -> list[str]:
    """Sentences of a unit; a list item keeps the sentence that introduces its list."""
    out: list[str] = []
    intro = marker = ""
    for piece in _CLAUSE.split(text):
        piece = _AYAT.sub("", piece.strip())
        if not piece:
            continue
        if _MARKER.match(piece):  # "a." cut from its item at the full stop: rejoin them
            marker = piece + " "
            continue
        piece, marker = marker + piece, ""
        if _ITEM.match(piece):
            out.append(f"{intro} {_ITEM.sub('', piece)}".strip())
            if intro:
                continue
            piece = out.pop()
        intro = piece if piece.endswith(":") else ""
        out.append(piece)
    return out


def _trim(clause: str, at: int) -> str:
    flat = " ".join(clause.split()).rstrip(" ;:,.")
    if len(flat) <= MAX_CHARS:
        return flat
    start = max(0, at - MAX_CHARS // 2)
    piece = flat[start : start + MAX_CHARS]
    if start:
        piece = "… " + piece.split(" ", 1)[-1]
    return piece.rsplit(" ", 1)[0] + " …"


def lead_sentence(question: str, statements: Sequence[Quoted]) -> str:
    """The opening sentence for a question that asks a figure, deadline, count, who or yes/no
    ("" when it asks none of these or no statement states it)."""
    best_first = sorted(statements, key=lambda st: -st.score)  # stable: shown order on ties
    for kind in asked_types(question):
        for st in best_first:
            for clause in _clauses(st.text):
                # a list's introduction ("Pengurus berwenang:") names no who or yes/no alone
                intro = clause.endswith(":") and not kind.figure
                m = None if intro else kind.stated.search(clause)
                if m:
                    flat = " ".join(clause.split())
                    at = flat.lower().find(m.group(0).lower().split()[0])
                    return f"Menurut {st.citation}: {_trim(clause, max(at, 0))} [{st.marker}]."
    for st in statements:  # "apa itu X": X's definition, as the act words it
        if st.definition:
            return f"Menurut {st.citation}: {_trim(_ITEM.sub('', st.text), 0)} [{st.marker}]."
    return ""
