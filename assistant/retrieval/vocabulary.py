"""Query expansion: abbreviations and everyday wording mapped to the words the regulations use."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .text import normalise

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


@cache
def _pattern(phrase: str, exact: bool) -> re.Pattern[str]:
    flags = 0 if exact else re.IGNORECASE
    return re.compile(r"(?<![\w/])" + re.escape(phrase) + r"(?![\w/])", flags)


def expand_abbreviations(text: str, vocab: Vocabulary) -> str:
    """Insert the spelled-out form after each abbreviation: "SHU" → "SHU (sisa hasil usaha)"."""
    spans: list[tuple[int, int, str]] = []
    for abbr in sorted(vocab.abbreviations, key=lambda a: -len(a.short)):
        if normalise(abbr.expansion) in normalise(text):
            continue
        for m in _pattern(abbr.short, abbr.exact).finditer(text):
            if not any(s < m.end() and m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), abbr.expansion))
                break  # spell it out once
    for _start, end, expansion in sorted(spans, reverse=True):
        text = f"{text[:end]} ({expansion}){text[end:]}"
    return text


def lay_terms(text: str, vocab: Vocabulary) -> list[str]:
    """The legal wording of every everyday phrase found in the text, each once, in table order."""
    out: list[str] = []
    for entry in vocab.lay:
        if any(_pattern(p, False).search(text) for p in entry.phrases) and entry.legal not in out:
            out.append(entry.legal)
    return out


def expand_query(
    text: str, vocab: Vocabulary, *, abbreviations: bool = True, lay: bool = True
) -> str:
    """The query with abbreviations spelled out and legal wording of everyday phrases appended."""
    out = expand_abbreviations(text, vocab) if abbreviations else text
    extra = lay_terms(text, vocab) if lay else []
    return f"{out} ({'; '.join(extra)})" if extra else out


def alias_spans(text: str, vocab: Vocabulary) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, doc ids) of every document alias in the text ("uu koperasi" → uu-25-1992)."""
    found: list[tuple[int, int, tuple[str, ...]]] = []
    for alias in vocab.aliases:
        for phrase in alias.phrases:
            m = _pattern(phrase, False).search(text)
            if m and not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), alias.docs))
    return sorted(found)
