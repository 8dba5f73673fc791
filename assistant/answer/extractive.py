"""The default answerer: offline and deterministic, it quotes the best ayat/sentences of the hits."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cache, lru_cache
from pathlib import Path

from .. import fitted as fitted_file
from ..retrieval.glossary import ASKING_WORDS
from ..retrieval.types import Hit
from .lead import Quoted
from .sources import source_from_hit, status_weight
from .terms import form_set, matches
from .types import Source

CANDIDATES = 5  # hits whose text is searched for statements
MAX_CHARS = 420
MAX_LIST_CHARS = 650
SAME = 0.8  # units sharing this share of their words say the same thing (a law and its copy)


@dataclass(frozen=True)
class Selection:
    """How many and which quotes an answer takes; fitted by `python -m assistant.fit_selection`."""

    max_statements: int = 4
    max_per_passage: int = 2
    max_passages: int = 3
    keep_ratio: float = 0.45  # a further statement must score at least this share of the best
    rank_decay: float = 0.3  # a unit of the hit at 0-based rank r counts 1 / (1 + decay * r)
    annex_weight: float = 0.6  # annexes (model articles of association, forms): law first

    @classmethod
    def fitted(cls, path: Path = fitted_file.FITTED_FILE) -> Selection:
        """The defaults with the values `python -m assistant.fit_selection --write` saved."""
        chosen = fitted_file.read("selection", path).get("options", {})
        unknown = sorted(set(chosen) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"{path}: unknown selection options {unknown}; refit them")
        return cls(**chosen)


@cache
def default_selection() -> Selection:
    return Selection.fitted()


_HEADING = re.compile(r"^\s*(?:(?:Pasal|PASAL)\s+\w+\s*$|(?:BAB|Bab|Bagian|BAGIAN|Paragraf)\s)")
_EMPTY = re.compile(r"^(?:(?:Ayat|Huruf|Angka)\s+\(?\w+\)?\s*)?Cukup jelas\.?$", re.IGNORECASE)
_AYAT = re.compile(r"^(?:Ayat\s+)?\(\s*(\d+[a-z]?)\s*\)\s*")
_ITEM = re.compile(r"^\s*(?:[a-z]|\d{1,2})[.)]\s+")
_INLINE_AYAT = re.compile(r"(?<=[.;:])\s+(?=\(\d+[a-z]?\)\s)|\s+(?=(?:Ayat|Huruf) \(?\w+\)?\s)")
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")
_TRAILING_HEADING = re.compile(r"(?<=[.;:])\s+(?:BAB\s+[IVXLC]+|Bagian\s+[A-Z]\w+)\b[^.;:]*$")
_DASHES = re.compile(r"\s*-{3,}\s*")  # ruled blanks at line ends in form templates
_CAPS = re.compile(r"^[A-Z][A-Z /&,]{2,60}$")  # an all-caps heading line: "PENGAWAS"
_FILLER = re.compile(r"[-_.…]{3,}")  # blanks of form templates: "……(……) tahun;----"
_DEFINES = re.compile(r"\badalah\b", re.I)


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a passage: one ayat (with its list items) or one sentence."""

    text: str
    ayat: str | None
    position: int


@dataclass(frozen=True)
class Statement:
    """A unit chosen for the answer, with the hit it came from."""

    hit_rank: int
    unit: Unit
    score: float


@dataclass(frozen=True)
class Draft:
    """An extractive answer before its opening and warnings: the quoted lines with markers,
    sources, cited hits, and the statements (for the opening sentence)."""

    lines: tuple[str, ...]
    sources: tuple[Source, ...]
    cited: tuple[Hit, ...]
    statements: tuple[Quoted, ...] = ()


def split_units(text: str) -> list[Unit]:
    """Split a provision into ayat (keeping their list items) and, for long prose, sentences.

    Lines wrapped in the middle of a sentence (PDF sources) are joined again.
    """
    return list(_split_units(text))


@lru_cache(maxsize=5_000)
def _split_units(text: str) -> tuple[Unit, ...]:
    """`split_units`, cached per passage text (units are frozen; the same hits recur)."""
    lines = [
        _TRAILING_HEADING.sub("", _DASHES.sub(" ", ln)).strip()
        for ln in _INLINE_AYAT.sub("\n", text).splitlines()
    ]
    groups: list[list[str]] = []
    for line in lines:
        if not line or _HEADING.match(line) or _EMPTY.match(line) or _CAPS.match(line):
            continue
        previous = groups[-1][-1] if groups else ""
        ended = previous.endswith((".", ";", ":", "?", "!"))
        if not groups or (_AYAT.match(line) and ended):
            groups.append([line])
        elif _ITEM.match(line) and (ended or previous.endswith((" dan", " atau"))):
            groups[-1].append(line)
        elif not ended or previous.endswith(":"):
            groups[-1][-1] = f"{previous} {line}"  # a wrapped line, or prose after "...:"
        else:
            groups.append([line])
    units: list[Unit] = []
    for group in groups:
        match = _AYAT.match(group[0])
        ayat = match.group(1) if match else None
        body = "\n".join(group)
        if len(group) == 1 and len(body) > MAX_CHARS:
            for sentence in _SENTENCE.split(body):
                if sentence.strip():
                    units.append(Unit(sentence.strip(), ayat, len(units)))
        else:
            units.append(Unit(body, ayat, len(units)))
    return tuple(units)


def _weights(terms: Sequence[str], units: Sequence[Unit]) -> dict[str, float]:
    """Inverse document frequency of each question term over the candidate units."""
    stems = [form_set(u.text) for u in units]
    n = len(units) or 1
    out = {}
    for term in terms:
        df = sum(matches(term, s) for s in stems)
        out[term] = math.log(1 + n / (1 + df))
    return out


def score_unit(unit: Unit, weights: dict[str, float]) -> float:
    """Sum of the weights of the question terms the unit contains; template blanks halve it."""
    found = form_set(unit.text)
    score = sum(w for term, w in weights.items() if matches(term, found))
    return score / 2 if _FILLER.search(unit.text) else score


def _glossary(unit: Unit) -> bool:
    """A list of definitions ("a. Koperasi adalah …; b. … adalah …")."""
    return len(_DEFINES.findall(unit.text)) >= 3


def _same(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) >= SAME * min(len(a), len(b))


def _restates(consolidated: Hit, amending: Hit) -> bool:
    """True if `consolidated` is the consolidated wording (teks berlaku) of the Pasal that the
    amending text `amending` changed: the same rule, read without the amending wrapper."""
    m = consolidated.meta
    if m.get("part") != "teks_berlaku" or amending.meta.get("part") == "teks_berlaku":
        return False
    act = str(m.get("citation", "")).split(" Pasal ")[0]
    return f"{act} Pasal {m.get('pasal')} " in str(amending.meta.get("amends") or "")


def distinct(hits: Sequence[Hit]) -> list[Hit]:
    """The hits without the texts a consolidated Pasal among them restates: its original
    wording and the amending text it was read from (one rule, counted once)."""
    current = [h for h in hits if h.meta.get("part") == "teks_berlaku"]
    if not current:
        return list(hits)

    def restated(h: Hit) -> bool:
        for c in current:
            if _restates(c, h):
                return True
            same = (h.meta.get("doc_id"), h.meta.get("pasal")) == (
                c.meta["doc_id"],
                c.meta["pasal"],
            )
            if same and h.meta.get("part") == "batang_tubuh" and not h.meta.get("term"):
                return True
        return False

    return [h for h in hits if not restated(h)]


def select(
    terms: Sequence[str],
    hits: Sequence[Hit],
    definitions: bool = False,
    selection: Selection | None = None,
) -> list[Statement]:
    """The best units of the top hits, in-force provisions and higher ranks first; a list of
    definitions only when the question asks what a term means."""
    o = selection or default_selection()
    if definitions:  # "pengertian" asks for a definition; it is not what the definition says
        terms = [t for t in terms if getattr(t, "word", t) not in ASKING_WORDS]
    candidates = list(hits[:CANDIDATES])
    units = [split_units(h.text) for h in candidates]
    weights = _weights(terms, [u for us in units for u in us])
    scored: list[Statement] = []
    first: set[tuple[int, int]] = set()  # (hit rank, unit position) of the asked definitions
    kept = {h.id for h in distinct(candidates)}  # a consolidated Pasal is quoted, not its sources
    for rank, (hit, hit_units) in enumerate(zip(candidates, units)):
        if hit.id not in kept:
            continue
        factor = status_weight(hit.meta) / (1 + o.rank_decay * rank)
        if _annex(hit):
            factor *= o.annex_weight
        defines = definitions and bool(hit.signals.get("definition"))
        for unit in hit_units:
            if _glossary(unit) and not definitions:
                continue
            scored.append(Statement(rank, unit, score_unit(unit, weights) * factor))
            if defines:
                first.add((rank, unit.position))
    # the asked term's own definition (found by the retriever) is quoted before all else
    scored.sort(key=lambda s: ((s.hit_rank, s.unit.position) not in first, -s.score, s.hit_rank))
    if not scored:
        return []
    best = max(s.score for s in scored)
    if best <= 0 and not first:
        return [Statement(0, units[0][0], 0.0)] if units[0] else []
    chosen: list[Statement] = []
    seen: list[frozenset[str]] = []
    for st in scored:
        defining = (st.hit_rank, st.unit.position) in first
        if len(chosen) >= o.max_statements or (not defining and st.score < o.keep_ratio * best):
            break
        said = form_set(st.unit.text)
        ranks = [c.hit_rank for c in chosen]
        if any(_same(said, s) for s in seen) or ranks.count(st.hit_rank) >= o.max_per_passage:
            continue  # no quote twice (the same rule in the law and in a circular, say)
        if st.hit_rank not in ranks and len(set(ranks)) >= o.max_passages:
            continue
        chosen.append(st)
        seen.append(said)
    # shown in retrieval order: the retriever's ranking (in force first, amendments followed)
    # decides precedence better than word overlap alone; the asked definitions first, annexes
    # (model articles of association, forms) after the provisions themselves
    return sorted(
        chosen,
        key=lambda s: (
            (s.hit_rank, s.unit.position) not in first,
            _annex(candidates[s.hit_rank]),
            s.hit_rank,
            s.unit.position,
        ),
    )


def _annex(hit: Hit) -> bool:
    return str(hit.meta.get("path", "")).startswith("Lampiran")


def shorten(text: str, limit: int) -> str:
    """Collapse whitespace and template blanks, and cut at a word boundary with an ellipsis."""
    flat = " ".join(_FILLER.sub(" … ", text).split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def statement_label(meta: dict, ayat: str | None) -> str:
    """Citation of a statement, narrowed to its ayat when the passage spans several."""
    citation = str(meta.get("citation") or meta.get("label") or "")
    if ayat and meta.get("part") != "penjelasan":
        base = re.match(r"^(.*?Pasal\s+[^\s,]+)", citation)
        if base:
            # what follows the provision stays: ", sebagaimana diubah UU 11/2020 Pasal 86 angka 1"
            rest = citation[base.end() :].split(", ", 1)
            tail = f", {rest[1]}" if len(rest) == 2 else ""
            return f"{base.group(1)} ayat ({ayat}){tail}"
    return citation


def _display(unit: Unit, terms: Sequence) -> str:
    """The unit as shown: a long list keeps its opening line and the items the question names."""
    text = _AYAT.sub("", unit.text, count=1)
    lines = text.split("\n")
    if len(lines) > 2 and len(text) > MAX_LIST_CHARS:
        items = [ln for ln in lines[1:] if any(matches(t, form_set(ln)) for t in terms)]
        if items and len(items) < len(lines) - 1:
            text = "\n".join([lines[0], *items, "…"])
    limit = MAX_LIST_CHARS if len(lines) > 1 else MAX_CHARS
    return shorten(text, limit)


def compose(
    terms: Sequence,
    hits: Sequence[Hit],
    definitions: bool = False,
    selection: Selection | None = None,
) -> Draft:
    """The chosen units, each with its citation and a marker [n], and their sources."""
    statements = select(terms, hits, definitions, selection)
    markers: dict[int, int] = {}
    lines: list[str] = []
    quoted: list[Quoted] = []
    quotes: dict[int, list[str]] = {}
    for st in statements:
        n = markers.setdefault(st.hit_rank, len(markers) + 1)
        hit = hits[st.hit_rank]
        label = statement_label(hit.meta, st.unit.ayat)
        lines.append(f"- {label}: {_display(st.unit, terms)} [{n}]")
        defines = definitions and bool(hit.signals.get("definition"))
        quoted.append(Quoted(n, label, st.unit.text, st.score, defines))
        quotes.setdefault(st.hit_rank, []).append(" ".join(st.unit.text.split()))
    order = sorted(markers, key=markers.get)
    sources = tuple(source_from_hit(hits[r], markers[r], " … ".join(quotes[r])) for r in order)
    return Draft(tuple(lines), sources, tuple(hits[r] for r in order), tuple(quoted))
