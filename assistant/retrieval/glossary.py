"""Questions that ask what a term means, and the definitions that answer them (pure).

"Apa pengertian koperasi?", "Yang dimaksud dengan koperasi primer adalah …", "KSP itu apa?" and
quiz stems ("Koperasi sekunder adalah:") ask for a definition. The answer is that term's
numbered definition in a Ketentuan Umum: in the act the question names, or else in the most
general act that defines it (a UU before a PP before a ministerial regulation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from ..language import normalise, stem, words

_ASKS = re.compile(
    r"(?:\bapa(?:kah)?\s+(?:itu|sih|yang\s+dimaksud(?:\s+dengan)?)|\byang\s+dimaksud\s+dengan"
    r"|\bpengertian(?:\s+dari)?|\bdefinisi(?:\s+dari)?|\bartinya|\barti(?:\s+dari)?"
    r"|\bmaksud(?:nya)?(?:\s+dari)?)\s+(?P<term>[^?.,:;!()]+)",
    re.I,
)
_PARTICLES = r"(?:\s+(?:sih|ya|yah|dong|deh|nih|kah|sebenarnya))*"
_ASKS_AFTER = re.compile(
    r"^(?P<term>[^?.,:;!()]{2,80}?)\s+(?:itu\s+)?(?:apa|artinya\s+apa|maksudnya\s+apa"
    r"|adalah|yaitu|ialah)" + _PARTICLES + r"\s*(?:\?|:|\.\.\.|…|_+)?\s*$",
    re.I,
)
# words that ask or fill, never a term on their own ("maksudnya apa ya" leaves "apa ya")
# the words that ask for a meaning ("pengertian koperasi"): not what a definition says
ASKING_WORDS = frozenset("pengertian definisi arti artinya maksud maksudnya dimaksud".split())
_NOT_TERMS = ASKING_WORDS | frozenset(
    "apa apakah ya yah sih dong deh nih kah itu tuh sebenarnya".split()
)
# words after the term that only say where to look or ask again
_TAIL = re.compile(
    r"\s+(?:menurut|dalam|di|pada|berdasarkan|sesuai|itu|adalah|yaitu|ialah|apa|sih|ya|tuh)\b.*$",
    re.I,
)
_LEAD = re.compile(
    r"^(?:(?:(?:yang\s+)?dimaksud(?:\s+dengan)?|dengan|dari|sebuah|suatu|istilah|kata"
    r"|artinya|arti|maksudnya|maksud|pengertian|definisi)\s+)+",
    re.I,
)
# "apa bedanya A dan B", "perbedaan antara A dengan B": the meaning of both terms is asked
_COMPARES = re.compile(
    r"\b(?:per)?beda(?:an|nya)?\s+(?:antara\s+)?(?P<a>[^?.,:;!()]+?)"
    r"\s+(?:dan|dengan|sama|ama|vs\.?|versus)\s+(?P<b>[^?.,:;!()]+)",
    re.I,
)
# how general an act is, by the prefix of its id: the most general defining act answers first
GENERALITY = {"uu": 0, "perppu": 0, "pp": 1, "perpres": 2, "inpres": 3}
OTHER_ACTS = 4


def _clean(term: str) -> str:
    term = " ".join(_LEAD.sub("", _TAIL.sub("", term.strip())).split())
    if not term or set(words(term)) <= _NOT_TERMS:
        return ""
    return term if len(words(term)) <= 8 else ""


def _unelide(pair: tuple[str, ...]) -> tuple[str, ...]:
    """ "koperasi primer dan sekunder": the second term shares the first one's head noun."""
    if len(pair) == 2 and len(pair[1].split()) == 1 and len(pair[0].split()) > 1:
        head = pair[0].split()[:-1]
        return (pair[0], " ".join([*head, pair[1]]))
    return pair


def asked_terms(question: str) -> tuple[str, ...]:
    """The terms a question asks the meaning of, lowercased (two when it asks how they differ)."""
    for sentence in re.split(r"(?<=[?!.])\s+", normalise(question)):
        m = _COMPARES.search(sentence)
        if m and (pair := tuple(t for t in (_clean(m["a"]), _clean(m["b"])) if t)):
            return _unelide(pair)
        for m in (_ASKS.search(sentence), _ASKS_AFTER.search(sentence.strip())):
            if m and (term := _clean(m.group("term"))):
                return (term,)
    return ()


def asked_term(question: str) -> str | None:
    """The (first) term a question asks the meaning of; None if it asks nothing of the kind."""
    terms = asked_terms(question)
    return terms[0] if terms else None


@lru_cache(maxsize=8192)
def _key(text: str) -> tuple[str, ...]:
    """The stemmed words of a term (cached: every definition's term is keyed per question)."""
    return tuple(stem(w) for w in words(text))


def matches_term(asked: str, defined: str, expansions: Iterable[str] = ()) -> bool:
    """True if a definition's term ("Koperasi Primer; KP") is the asked one ("koperasi primer"),
    word for word after stemming; an abbreviation asked may match its spelled-out form."""
    wanted = {_key(asked), *(_key(e) for e in expansions)} - {()}
    return any(_key(t) in wanted for t in defined.split(";"))


def rank_definitions(
    asked: str,
    units: Sequence[tuple[str, dict]],
    named_docs: Iterable[str] = (),
    expansions: Iterable[str] = (),
) -> list[str]:
    """Ids of the definition units (id, metadata with "term") of the asked term: those of the
    named acts first, then acts in force before others, the more general act first."""
    named = set(named_docs)
    found = [(cid, m) for cid, m in units if matches_term(asked, m.get("term", ""), expansions)]

    def order(item: tuple[str, dict]) -> tuple:
        doc = item[1].get("doc_id", "")
        prefix = doc.split("-", 1)[0]
        in_force = item[1].get("status", "berlaku") in ("berlaku", "diubah")
        return (doc not in named, not in_force, GENERALITY.get(prefix, OTHER_ACTS), doc)

    return [cid for cid, _ in sorted(found, key=order)]
