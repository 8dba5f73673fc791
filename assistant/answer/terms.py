"""Content words of questions and passages, matched through their possible Indonesian roots."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from .. import language
from ..language import stem, words
from ..retrieval.vocabulary import default_vocabulary, lay_phrases

# Besides the retrieval stopwords: modal words, chat filler and legal boilerplate. They decide
# an answer's wording but say nothing about its topic, so they do not count as evidence.
STOPWORDS = language.STOPWORDS | frozenset(
    """
    tidak tak harus perlu boleh wajib dapat berlaku diatur aturan aturannya atur ada atas akan
    pasal ayat huruf angka undang uu peraturan ketentuan sebutkan jelaskan maksudnya misalnya
    masih sudah belum hanya cuma benar memang begitu gitu serta secara bagi setiap tiap suatu
    sesuatu punya sih nya the of yg dgn maksimal minimal bukan biasa jadi baru sendiri satu
    sekarang karena termasuk beda bedanya terserah masing bikin pas banget kayak emang sebut
    menyebut isinya bentuknya maksud
    """.split()
)
MIN_FORM = 3  # shortest root that may link two words ("sah", "hak")
EXPANSION_SHARE = 0.75  # share of an abbreviation's spelled-out words that must occur


@lru_cache(maxsize=50_000)
def forms(word: str) -> frozenset[str]:
    """A word and its root (the one stemmer): two words match when their forms meet."""
    root = stem(word)
    if root == word or len(root) < MIN_FORM or root in STOPWORDS:
        return frozenset([word])
    return frozenset([word, root])


@dataclass(frozen=True)
class Term:
    """A content word of a question; an abbreviation also carries its spelled-out words."""

    word: str
    expansion: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()  # one-word phrases of the same vocabulary entry ("terlambat")


@cache
def _abbreviations() -> dict[str, tuple[str, bool, tuple[str, ...]]]:
    """Lower-cased abbreviation → (as written, case-sensitive?, content words of its expansion)."""
    out = {}
    for a in default_vocabulary().abbreviations:
        spelled = tuple(w for w in words(a.expansion) if w not in STOPWORDS)
        out.setdefault(a.short.lower(), (a.short, a.exact, spelled))
    return out


def content_terms(text: str) -> list[str]:
    """The content words of a text, in order, without repeats."""
    out: list[str] = []
    for w in words(text):
        if _is_stopword(w) or (len(w) < 2 and not w.isdigit()) or w in out:
            continue
        out.append(w)
    return out


def _is_stopword(word: str) -> bool:
    """A stopword, also with a particle attached: "bisakah", "bolehlah", "itupun"."""
    if word in STOPWORDS:
        return True
    return any(word.endswith(p) and word[: -len(p)] in STOPWORDS for p in ("kah", "lah", "pun"))


def question_terms(text: str) -> list[Term]:
    """Content words of a question; an abbreviation ("KSP") carries its spelled-out words and a
    word of an everyday phrase ("telat") the legal wording the vocabulary gives for it."""
    lay: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for phrase, entry in lay_phrases(text, default_vocabulary()):
        wording = tuple(w for w in words(entry.legal) if w not in STOPWORDS)
        synonyms = tuple(p.lower() for p in entry.phrases if p.isalpha())
        for w in words(phrase):
            lay.setdefault(w, (wording, synonyms))
    out: list[Term] = []
    for w in content_terms(text):
        abbr = _abbreviations().get(w)
        if abbr and (not abbr[1] or abbr[0] in text):
            out.append(Term(w, abbr[2]))
        else:
            wording, synonyms = lay.get(w, ((), ()))
            out.append(Term(w, wording, tuple(s for s in synonyms if s != w)))
    return out


@lru_cache(maxsize=4096)
def form_set(text: str) -> frozenset[str]:
    """Every form of every content word of a text, for matching terms against it (cached: the
    same passages and their units come back question after question)."""
    out: set[str] = set()
    for w in words(text):
        if w not in STOPWORDS:
            out |= forms(w)
    return frozenset(out)


def matches(term: str | Term, text_forms: frozenset[str]) -> bool:
    """True if the term (or one of its roots, or most words of its expansion) is in the text."""
    if isinstance(term, str):
        return not forms(term).isdisjoint(text_forms)
    if any(not forms(w).isdisjoint(text_forms) for w in (term.word, *term.synonyms)):
        return True
    spelled = term.expansion
    found = sum(not forms(w).isdisjoint(text_forms) for w in spelled)
    return bool(spelled) and found >= EXPANSION_SHARE * len(spelled)


def coverage(terms: Iterable[str | Term], text: str) -> float:
    """Share of the terms found in the text (1.0 when there are no terms)."""
    terms = list(terms)
    if not terms:
        return 1.0
    found = form_set(text)
    return sum(matches(t, found) for t in terms) / len(terms)


@dataclass(frozen=True)
class Frequencies:
    """In how many indexed passages each word form occurs."""

    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Frequencies:
        """Count the forms of every passage once."""
        counts: Counter[str] = Counter()
        total = 0
        for text in texts:
            counts.update(form_set(text))
            total += 1
        return cls(total, dict(counts))

    def _count(self, word: str) -> int:
        return max((self.counts.get(f, 0) for f in forms(word)), default=0)

    def share(self, term: str | Term) -> float:
        """Share of passages holding the term (an abbreviation: its rarest spelled-out word)."""
        if not self.total:
            return 0.0
        word = term if isinstance(term, str) else term.word
        count = self._count(word)
        if isinstance(term, Term) and term.expansion:
            count = max(count, min(self._count(w) for w in term.expansion))
        return count / self.total
