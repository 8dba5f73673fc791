"""What a question says, read before it is searched: the words meant and the sentences that ask.

People write "brp org min utk bikin kop", long WhatsApp messages that tell a story before they
ask, and formal letters that open with salutations. `prepare` writes chat spellings out,
corrects typing errors against the corpus words, and tells the sentences that ask from those
that only set the scene, so that retrieval and the answer decision weigh the asked words most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..language import Speller, spell_chat, words

# A sentence asks when it has a question mark or a question word; a quiz stem ("Masa jabatan
# pengurus paling lama:") asks too.
_ASKING = re.compile(
    r"\?|:\s*$|\b(?:apa|apakah|berapa|bagaimana|gimana|siapa|kapan|mana|boleh|bolehkah|bisa"
    r"|bisakah|perlu|wajib|harus|haruskah|benarkah|betulkah|mohon\s+penjelasan|jelaskan)\b",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Query:
    """A question as retrieval and answering read it."""

    text: str  # as written
    normal: str  # chat spellings written out and typing errors corrected
    asking: tuple[str, ...]  # the sentences that ask (all of them when none sets the scene)
    context: tuple[str, ...] = ()  # sentences that only set the scene

    @property
    def context_words(self) -> frozenset[str]:
        """Words found only in the scene-setting sentences, not in those that ask."""
        if not self.context:
            return frozenset()
        asked = set(words(" ".join(self.asking)))
        return frozenset(set(words(" ".join(self.context))) - asked)


def sentences(text: str) -> list[str]:
    """The sentences of a message (lines count as sentences too)."""
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def prepare(text: str, speller: Speller | None = None) -> Query:
    """Read a question: spellings normalised, asking and scene-setting sentences told apart."""
    normal = spell_chat(text)
    if speller is not None:
        normal = speller.text(normal)
    parts = sentences(normal)
    asking = [s for s in parts if _ASKING.search(s)]
    if not asking or len(asking) == len(parts):
        return Query(text, normal, tuple(parts))
    context = [s for s in parts if s not in asking]
    return Query(text, normal, tuple(asking), tuple(context))
