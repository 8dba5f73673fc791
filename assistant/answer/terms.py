"""Content words of questions and passages, matched through their possible Indonesian roots."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from ..retrieval import text as rtext

words = rtext.words

# Besides the retrieval stopwords: modal words, chat filler and legal boilerplate. They decide
# an answer's wording but say nothing about its topic, so they do not count as evidence.
STOPWORDS = rtext.STOPWORDS | frozenset(
    """
    tidak tak harus perlu boleh wajib dapat berlaku diatur aturan aturannya atur ada atas akan
    pasal ayat huruf angka undang uu peraturan ketentuan sebutkan jelaskan maksudnya misalnya
    masih sudah belum hanya cuma benar memang begitu gitu serta secara bagi setiap tiap suatu
    sesuatu punya sih nya the of yg dgn
    """.split()
)
MIN_FORM = 4  # shortest root that may link two words


@lru_cache(maxsize=50_000)
def forms(word: str) -> frozenset[str]:
    """A word and its possible roots: two words match when their forms meet."""
    cands = rtext.stem_candidates(word) if word.isalpha() and len(word) >= 6 else []
    return frozenset([word] + [c for c in cands if len(c) >= MIN_FORM and c not in STOPWORDS])


def content_terms(text: str) -> list[str]:
    """The content words of a text, in order, without repeats."""
    out: list[str] = []
    for w in words(text):
        if w in STOPWORDS or (len(w) < 2 and not w.isdigit()) or w in out:
            continue
        out.append(w)
    return out


def form_set(text: str) -> frozenset[str]:
    """Every form of every content word of a text, for matching terms against it."""
    out: set[str] = set()
    for w in words(text):
        if w not in STOPWORDS:
            out |= forms(w)
    return frozenset(out)


def matches(term: str, text_forms: frozenset[str]) -> bool:
    """True if the term, or one of its roots, occurs among the forms of a text."""
    return not forms(term).isdisjoint(text_forms)


def coverage(terms: Iterable[str], text: str) -> float:
    """Share of the terms found in the text (1.0 when there are no terms)."""
    terms = list(terms)
    if not terms:
        return 1.0
    found = form_set(text)
    return sum(matches(t, found) for t in terms) / len(terms)
