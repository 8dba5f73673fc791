"""Normalising and tokenising Indonesian legal text for keyword search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9]+")
# "pasal 44A", "ayat (2)", "huruf b", "angka 3": the label word and the value after it.
_REF = re.compile(r"\b(pasal|ayat|huruf|angka|bab|bagian)\s*\(?\s*([0-9]+[a-z]?|[a-z]|[ivxlc]+)\b")

# Function words with no legal meaning. Deliberately absent: tidak, paling, sedikit, kurang,
# lebih, wajib, dapat, harus, boleh, dilarang, belum, sudah, hanya, selain, kecuali, setiap.
STOPWORDS = frozenset(
    """
    yang dan di ke dari itu ini untuk dengan pada dalam adalah atau oleh sebagai akan juga
    para nya pun lah kah tah sih dong kok ya yah deh kan nah apa apakah bagaimana gimana
    gmn berapa siapa kapan mana mengapa kenapa saja aja kami kita saya aku kamu anda mereka
    dia ia beliau kalau kalo jika bila apabila maka agar supaya bahwa sama tersebut tsb
    nggak gak ngga enggak ga bisa biar udah tuh nih mau mohon tolong bapak ibu pak bu
    menurut tentang soal terkait hal seperti yaitu yakni antara lain dll dsb dst
    sebagaimana dimaksud serta beberapa cuma doang gitu begitu begini udah
    bener bilang katanya ternyata emang kayak kayaknya
    """.split()
)

# (prefix, letter it swallowed, letters that may follow it): the meN-/peN- nasal forms first.
_PREFIXES = (
    ("meny", "s", "aeiou"),
    ("peny", "s", "aeiou"),
    ("meng", "k", "aeiou"),
    ("peng", "k", "aeiou"),
    ("mem", "p", "aeiou"),
    ("pem", "p", "aeiou"),
    ("men", "t", "aeiou"),
    ("pen", "t", "aeiou"),
    ("meng", "", "aeiough"),
    ("peng", "", "aeiough"),
    ("mem", "", "bfv"),
    ("pem", "", "bfv"),
    ("men", "", "dcjz"),
    ("pen", "", "dcjz"),
    ("me", "", "lrwy"),
    ("pe", "", "lrwy"),
    ("per", "", ""),
    ("ber", "", ""),
    ("be", "", "k"),
    ("ter", "", ""),
    ("di", "", ""),
    ("ke", "", ""),
    ("se", "", ""),
    # colloquial nasal forms without me-: "nanggung", "motong", "nyusun", "ngurus", "ngebayar"
    ("ny", "s", "aeiou"),
    ("ny", "c", "aeiou"),
    ("ng", "k", "aeiou"),
    ("n", "t", "aeiou"),
    ("m", "p", "aeiou"),
    ("nge", "", "bcdfgjklmprstw"),
    ("ng", "", "aeiou"),
)
# Words that must not absorb longer words: "pendapatan" is income, not "dapat" (may).
_NOT_ROOTS = STOPWORDS | {"dapat", "ada", "akan", "atas", "anda", "tara"}
# "-in" is the colloquial "-kan"/"-i": "beresin", "nerbitin".
_SUFFIXES = ("kannya", "annya", "nya", "kan", "an", "in", "i", "lah", "kah", "pun")


def normalise(text: str) -> str:
    """Lowercase, fold Unicode compatibility forms and collapse whitespace."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def words(text: str) -> list[str]:
    """The alphanumeric words of a text, lowercased."""
    return _WORD.findall(normalise(text))


def reference_tokens(text: str) -> list[str]:
    """Compound tokens for structural references: "pasal 44A" → "pasal:44a", "huruf b" → "huruf:b"."""
    return [f"{label}:{value}" for label, value in _REF.findall(normalise(text))]


def _strip_prefix(base: str, restore: bool) -> list[str]:
    out: list[str] = []
    for prefix, letter, follow in _PREFIXES:
        if (letter and not restore) or not base.startswith(prefix):
            continue
        rest = base[len(prefix) :]
        if len(rest) >= 3 and (not follow or rest[0] in follow):
            out.append(letter + rest)
    return out


def stem_candidates(word: str, restore: bool = True) -> list[str]:
    """Possible roots of an affixed word, longest first (without checking that they exist).

    `restore` also tries the letter a nasal prefix swallows ("menyimpan" → "simpan").
    """
    bases = [word] + [
        word[: -len(sfx)] for sfx in _SUFFIXES if word.endswith(sfx) and len(word) - len(sfx) >= 3
    ]
    out: list[str] = []
    for base in bases:
        if base != word:
            out.append(base)
        for root in _strip_prefix(base, restore):
            out.append(root)
            # a second prefix layer: "diper-", "memper-", "keber-"
            out += [r for r in _strip_prefix(root, False) if root[:3] in ("per", "ber")]
    return sorted(set(out), key=lambda s: (-len(s), s))


def stem(word: str, roots: frozenset[str] | set[str], depth: int = 2) -> str:
    """The longest known root of a word (a root must be in `roots`), applied up to `depth` times."""
    if len(word) < 6 or word.isdigit() or depth == 0:
        return word
    for c in stem_candidates(word):
        if c in roots and len(c) >= 4 and c not in _NOT_ROOTS:
            return stem(c, roots, depth - 1)
    return word


class Analyzer:
    """Turns text into keyword tokens: words minus stopwords, optional stems, reference tokens."""

    def __init__(self, roots: Iterable[str] = (), *, stemming: bool = True):
        self.roots = frozenset(roots)
        self.stemming = stemming and bool(self.roots)
        self._cache: dict[str, str] = {}

    def _stem(self, word: str) -> str:
        out = self._cache.get(word)
        if out is None:
            out = self._cache[word] = stem(word, self.roots)
        return out

    def tokens(self, text: str) -> list[str]:
        """Keyword tokens of a text; a stemmed word yields both its surface form and its root."""
        out: list[str] = []
        raw = words(text)
        for i, w in enumerate(raw):
            if w in STOPWORDS:
                continue
            if len(w) == 1 and not w.isdigit():
                # single letters only count as a list item: "huruf b"
                if i == 0 or raw[i - 1] != "huruf":
                    continue
            out.append(w)
            if self.stemming and w.isalpha():
                root = self._stem(w)
                if root != w:
                    out.append(root)
        out += reference_tokens(text)
        return out


def vocabulary(texts: Iterable[str], min_count: int = 2, min_family: int = 3) -> set[str]:
    """The roots a stem may use: words seen `min_count` times, plus shared stems.

    A shared stem is a candidate root that at least `min_family` different corpus words reduce
    to ("lapor" from "dilaporkan", "pelaporan", "melaporkan"), even if it never occurs bare.
    """
    counts: dict[str, int] = {}
    for text in texts:
        for w in words(text):
            if len(w) >= 4 and w.isalpha():
                counts[w] = counts.get(w, 0) + 1
    roots = {w for w, n in counts.items() if n >= min_count}
    family: dict[str, int] = {}
    for w in roots:
        for c in stem_candidates(w, restore=False):
            if len(c) >= 4 and not c.startswith(("ng", "ny")):
                family[c] = family.get(c, 0) + 1
    return roots | {c for c, n in family.items() if n >= min_family and c not in _NOT_ROOTS}
