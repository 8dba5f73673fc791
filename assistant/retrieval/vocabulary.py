"""Query expansion: abbreviations and everyday wording mapped to the words the regulations use."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..language import normalise

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.toml")


@dataclass(frozen=True)
class Abbreviation:
    """An abbreviation and its spelled-out form; `exact` ones match only in the case written."""

    short: str
    expansion: str
    exact: bool = False


@dataclass(frozen=True)
class LayEntry:
    """Everyday phrases and the legal words they stand for."""

    phrases: tuple[str, ...]
    legal: str


@dataclass(frozen=True)
class Alias:
    """Names people use for a document (e.g. "uu koperasi") and the document ids they mean."""

    phrases: tuple[str, ...]
    docs: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """The whole query vocabulary."""

    abbreviations: tuple[Abbreviation, ...] = ()
    lay: tuple[LayEntry, ...] = ()
    aliases: tuple[Alias, ...] = ()

    def words(self) -> list[str]:
        """Every word the vocabulary knows (abbreviations, phrases, legal wording, aliases)."""
        texts = [f"{a.short} {a.expansion}" for a in self.abbreviations]
        texts += [" ".join(e.phrases) + " " + e.legal for e in self.lay]
        texts += [" ".join(a.phrases) for a in self.aliases]
        return texts


def parse_vocabulary(toml_text: str) -> Vocabulary:
    """Read a vocabulary from its TOML text."""
    data = tomllib.loads(toml_text)
    abbrs = [Abbreviation(k, v) for k, v in data.get("abbreviations", {}).items()]
    abbrs += [Abbreviation(k, v, True) for k, v in data.get("abbreviations_exact", {}).items()]
    lay = [LayEntry(tuple(e["phrases"]), e["legal"]) for e in data.get("lay", [])]
    aliases = [Alias(tuple(e["phrases"]), tuple(e["docs"])) for e in data.get("alias", [])]
    return Vocabulary(tuple(abbrs), tuple(lay), tuple(aliases))


@cache
def default_vocabulary() -> Vocabulary:
    """The vocabulary shipped with the package."""
    return parse_vocabulary(VOCABULARY_FILE.read_text(encoding="utf-8"))


def _alternation(phrases, exact: bool) -> re.Pattern[str]:
    body = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    if not body:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile(rf"(?<![\w/])(?:{body})(?![\w/])", 0 if exact else re.IGNORECASE)


_MATCHERS: dict[int, tuple] = {}  # id(vocab) → (vocab, its matchers)


def _matchers(vocab: Vocabulary):
    """`_compile(vocab)`, kept per vocabulary object: keyed by identity, since hashing a frozen
    vocabulary walks all its entries on every call."""
    kept = _MATCHERS.get(id(vocab))
    if kept is None or kept[0] is not vocab:
        kept = _MATCHERS[id(vocab)] = (vocab, _compile(vocab))
    return kept[1]


def _compile(vocab: Vocabulary):
    """One compiled alternation per table, with the lookup from matched text to its entry."""
    loose = {a.short.lower(): a for a in vocab.abbreviations if not a.exact}
    exact = {a.short: a for a in vocab.abbreviations if a.exact}
    lay = {p.lower(): i for i, e in enumerate(vocab.lay) for p in e.phrases}
    alias = {p.lower(): a for a in vocab.aliases for p in a.phrases}
    return (
        (_alternation(loose, False), loose, str.lower),
        (_alternation(exact, True), exact, str),
        (_alternation(lay, False), lay),
        (_alternation(alias, False), alias),
    )


def expand_abbreviations(text: str, vocab: Vocabulary) -> str:
    """Insert the spelled-out form after each abbreviation: "SHU" → "SHU (sisa hasil usaha)"."""
    if not vocab.abbreviations:
        return text
    spans: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    plain = normalise(text)
    for pattern, table, key in _matchers(vocab)[:2]:
        for m in pattern.finditer(text):
            abbr = table[key(m.group(0))]
            if abbr.short in seen or normalise(abbr.expansion) in plain:
                continue
            if not any(s < m.end() and m.start() < e for s, e, _ in spans):
                seen.add(abbr.short)  # spell it out once
                spans.append((m.start(), m.end(), abbr.expansion))
    for _start, end, expansion in sorted(spans, reverse=True):
        text = f"{text[:end]} ({expansion}){text[end:]}"
    return text


def lay_terms(text: str, vocab: Vocabulary) -> list[str]:
    """The legal wording of every everyday phrase found in the text, each once, in table order."""
    if not vocab.lay:
        return []
    pattern, table = _matchers(vocab)[2]
    found = sorted({table[m.group(0).lower()] for m in pattern.finditer(text)})
    out: list[str] = []
    for i in found:
        if vocab.lay[i].legal not in out:
            out.append(vocab.lay[i].legal)
    return out


def lay_phrases(text: str, vocab: Vocabulary) -> list[tuple[str, LayEntry]]:
    """(phrase as written, its vocabulary entry) for every everyday phrase found in the text."""
    if not vocab.lay:
        return []
    pattern, table = _matchers(vocab)[2]
    return [(m.group(0), vocab.lay[table[m.group(0).lower()]]) for m in pattern.finditer(text)]


def expand_query(
    text: str, vocab: Vocabulary, *, abbreviations: bool = True, lay: bool = True
) -> str:
    """The query with abbreviations spelled out and legal wording of everyday phrases appended."""
    out = expand_abbreviations(text, vocab) if abbreviations else text
    extra = lay_terms(text, vocab) if lay else []
    return f"{out} ({'; '.join(extra)})" if extra else out


def alias_spans(text: str, vocab: Vocabulary) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, doc ids) of every document alias in the text ("uu koperasi" → uu-25-1992)."""
    if not vocab.aliases:
        return []
    pattern, table = _matchers(vocab)[3]
    return [(m.start(), m.end(), table[m.group(0).lower()].docs) for m in pattern.finditer(text)]
