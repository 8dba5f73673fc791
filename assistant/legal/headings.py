"""Find real Pasal headings and BAB/Bagian/Paragraf headings in a legal text.

A "Pasal N" string is a heading only when its position looks like one (alone on its line, or
at a sentence boundary in flattened text, not after a referring word such as "dalam") and when
its number continues the sequence of headings already accepted (N = previous + 1, a letter
insert like 44A, Roman numerals in amending acts). Anything else is an in-text reference.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

_NUM = r"(?:[0-9OolIL]*[0-9][0-9OolIL]*[A-Z]?|[IVXLC]+)"
PASAL_RE = re.compile(rf"\bPasa[li][ \t]+({_NUM})(?![\w/])")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# words after which "Pasal N" is a reference, never a heading
_REF_WORDS = frozenset(
    "dalam dimaksud pada dan atau serta ketentuan menurut berdasarkan oleh sesuai dengan yakni "
    "yaitu dari antara terhadap di ke mengubah tentang lihat vide bahwa sebagai dan/atau atas "
    "melalui mengenai untuk bunyi ayat huruf angka kecuali selain termasuk disisipkan diubah".split()
)
_BAD_NEXT = re.compile(r"(?:[,;\-–/]|ayat\b|huruf\b|angka\b|Undang|UU\b|Peraturan|Kitab|KUH)")
MAX_GAP = 5


@dataclass(frozen=True)
class Number:
    """An article number: system "a" (Arabic) or "r" (Roman), base value and letter suffix."""

    system: str
    base: int
    suffix: str
    text: str


@dataclass(frozen=True)
class Candidate:
    """A "Pasal N" occurrence that may be a heading."""

    start: int  # position of "Pasal"
    end: int  # end of the number
    number: Number
    alone: bool  # the only thing on its line
    line_start: bool  # nothing but whitespace before it on its line
    opens_ayat: bool = False  # directly followed by "(1)"


def roman_value(text: str) -> int | None:
    """Value of a Roman numeral, or None when the text is none."""
    if not text or any(c not in _ROMAN for c in text):
        return None
    total = 0
    for i, c in enumerate(text):
        v = _ROMAN[c]
        total += -v if i + 1 < len(text) and _ROMAN[text[i + 1]] > v else v
    return total


def parse_number(raw: str) -> Number | None:
    """Parse "44A", "3O" (OCR for 30) or "II" into a Number."""
    if re.fullmatch(r"[IVXLC]+", raw):
        value = roman_value(raw)
        return Number("r", value, "", raw) if value else None
    suffix = raw[-1] if raw[-1].isalpha() and raw[-1] not in "OolIL" else ""
    digits = raw[: len(raw) - len(suffix)]
    digits = digits.translate(str.maketrans("OolIL", "00111"))
    if not digits.isdigit():
        return None
    return Number("a", int(digits), suffix, f"{int(digits)}{suffix}")


def is_next(prev: Number | None, cur: Number) -> bool:
    """True when `cur` directly follows `prev` in article numbering."""
    if prev is None:
        return cur.base == 1 and not cur.suffix
    if prev.system != cur.system:
        return prev.system == "r" and prev.base == 1 and cur.system == "a" and cur.base == 2
    if cur.base == prev.base + 1 and not cur.suffix:
        return True
    return cur.base == prev.base and len(cur.suffix) == 1 and cur.suffix > prev.suffix


def _prev_token(text: str, pos: int) -> str:
    m = re.search(r"(\S+)\s*$", text[max(0, pos - 60) : pos])
    return m.group(1) if m else ""


def find_candidates(text: str, start: int, end: int, allow_mid: bool) -> list[Candidate]:
    """All "Pasal N" occurrences in text[start:end] placed like a heading."""
    out = []
    for m in PASAL_RE.finditer(text, start, end):
        number = parse_number(m.group(1))
        if number is None:
            continue
        ls = text.rfind("\n", 0, m.start()) + 1
        le = text.find("\n", m.end())
        le = len(text) if le < 0 else le
        before, rest = text[ls : m.start()], text[m.end() : le].strip()
        line_start = not before.strip()
        alone = line_start and rest in ("", ".", ":")
        if rest and _BAD_NEXT.match(rest):
            continue
        if rest and rest[0].islower():
            continue
        prev = _prev_token(text, m.start())
        if prev.lower().strip("(,") in _REF_WORDS or prev.endswith(","):
            continue
        if not line_start:
            if not allow_mid:
                continue
            ok_prev = prev[-1:] in ".:;)" or prev.isdigit() or prev[:1].isupper() or prev == "jelas"
            if not ok_prev:
                continue
        opens = bool(re.match(r"\((?:1|l|U|I)\b", rest))
        out.append(Candidate(m.start(), m.end(), number, alone, line_start, opens))
    return out


def chain(cands: list[Candidate], first_any: bool = True) -> list[Candidate]:
    """Pick the candidates that form the article sequence; the rest are references.

    Linear in the number of candidates for ordinary acts: "does a clean heading with this
    number come later" and "does a Pasal 1 come later" are answered from the last index of each,
    not by scanning the rest of the list (a 20,000-Pasal act made that quadratic).
    """
    last_alone: dict[Number, int] = {}
    last_one = -1
    for i, c in enumerate(cands):
        if c.alone:
            last_alone[c.number] = i
        if c.number.base == 1:
            last_one = i
    accepted: list[Candidate] = []
    prev: Number | None = None
    for i, c in enumerate(cands):
        n = c.number
        if is_next(prev, n):
            if not c.alone and last_alone.get(n, -1) > i:
                continue  # a clean heading with this number comes later
            if prev and prev.system == "r" and n.system == "a":
                accepted[-1] = _renumber(accepted[-1], "1")
            accepted.append(c)
            prev = n
            continue
        strong = c.alone or c.opens_ayat or (c.line_start and first_any)
        if not strong or n.suffix:
            continue
        if prev is None:
            if first_any and last_one <= i:
                accepted.append(c)
                prev = n
            continue
        if n.system == prev.system and prev.base + 1 < n.base <= prev.base + MAX_GAP:
            later = (cands[j].number for j in range(i + 1, len(cands)))
            if not any(x.system == n.system and prev.base < x.base < n.base for x in later):
                accepted.append(c)
                prev = n
    return accepted


def _renumber(c: Candidate, text: str) -> Candidate:
    number = Number("a", int(text), "", text)
    return Candidate(c.start, c.end, number, c.alone, c.line_start, c.opens_ayat)


def find_pasal_headings(text: str, start: int, end: int, allow_mid: bool) -> list[Candidate]:
    """The real Pasal headings in text[start:end], in order."""
    return chain(find_candidates(text, start, end, allow_mid))


def looks_flat(text: str, start: int = 0, end: int | None = None) -> bool:
    """True when most of the text sits on very long lines (flattened PDF or OCR text)."""
    segment = text[start:end]
    total = len(segment.strip()) or 1
    long_chars = sum(len(line) for line in segment.split("\n") if len(line) > 400)
    return long_chars / total > 0.3


# ---- BAB / Bagian / Paragraf headings -------------------------------------------------------

_HEAD_RE = re.compile(
    r"^[ \t]*(?P<kind>BAB|Bagian|Paragraf)[ \t]+"
    r"(?P<num>[IVXLC]+[A-Z]?|Ke[a-z]+(?:[ \t]+[Bb]elas)?|Pertama|\d+)\b\.?[ \t]*(?P<title>.*)$",
    re.M,
)
_LEVEL = {"BAB": 0, "Bagian": 1, "Paragraf": 2}


@dataclass(frozen=True)
class Heading:
    """A structural heading with its title; spans text[start:end]."""

    level: int
    text: str
    start: int
    end: int


def _title_line(line: str, kind: str) -> bool:
    s = line.strip()
    if not s or len(s) > 160 or s[-1] in ".;:," or PASAL_RE.match(s) or _HEAD_RE.match(line):
        return False
    if s.startswith("(") or re.match(r"^[a-z0-9]{1,2}[.)]\s", s):
        return False
    return s.upper() == s if kind == "BAB" else True


def find_headings(text: str, start: int, end: int, stops: list[int]) -> list[Heading]:
    """BAB/Bagian/Paragraf headings in text[start:end]; a title never runs past a stop."""
    stops = sorted(stops)
    out = []
    for m in _HEAD_RE.finditer(text, start, end):
        kind = m.group("kind")
        if kind == "BAB" and not re.fullmatch(r"[IVXLC]+[A-Z]?", m.group("num")):
            continue
        if kind != "BAB" and m.group("num")[0].isdigit() and kind == "Bagian":
            continue
        h_end = m.end()
        stop = _stop_within(stops, m.start(), h_end)
        title = m.group("title")
        if stop is not None:
            h_end = stop
            title = text[m.start("title") : stop]
        elif not title.strip():
            pos = m.end()
            limit = 3 if kind == "BAB" else 1
            while limit and pos < end:
                nl = text.find("\n", pos + 1)
                nl = end if nl < 0 or nl > end else nl
                line = text[pos + 1 : nl]
                if not _title_line(line, kind) or _stop_within(stops, pos, nl) is not None:
                    break
                title += " " + line
                h_end, pos, limit = nl, nl, limit - 1
        label = " ".join(f"{kind} {m.group('num')} {title}".split())
        out.append(Heading(_LEVEL[kind], label, m.start() + _indent(m.group(0)), h_end))
    return out


def _indent(s: str) -> int:
    return len(s) - len(s.lstrip(" \t"))


def _stop_within(stops: list[int], after: int, upto: int) -> int | None:
    """The first of the sorted `stops` in (after, upto], if any."""
    i = bisect_right(stops, after)
    return stops[i] if i < len(stops) and stops[i] <= upto else None


class HeadingPaths:
    """The headings of a text, sorted by position, with the path in force after each one, so
    that `path_at` and `block_start` cost a binary search instead of a scan of every heading."""

    def __init__(self, headings: list[Heading]):
        self.headings = sorted(headings, key=lambda h: h.start)
        self.starts = [h.start for h in self.headings]
        self.paths: list[tuple[str, ...]] = []
        path: list[Heading] = []
        for h in self.headings:
            path = [p for p in path if p.level < h.level] + [h]
            self.paths.append(tuple(p.text for p in path))

    def path_at(self, pos: int) -> tuple[str, ...]:
        """The headings in force at position pos."""
        i = bisect_left(self.starts, pos)
        return self.paths[i - 1] if i else ()

    def block_start(self, text: str, pos: int, floor: int) -> int:
        """Start of the block of a Pasal at pos: the run of headings directly before it."""
        start = pos
        ls = text.rfind("\n", 0, pos) + 1
        if ls > floor and text[ls:pos].strip() and not _HEAD_RE.match(text, ls):
            return pos
        j = bisect_left(self.starts, pos) - 1
        while j >= 0 and self.starts[j] >= floor:
            h = self.headings[j]
            if text[h.end : start].strip() and not (h.end >= start):
                break
            start = h.start
            j -= 1
        if start == pos and ls >= floor and not text[ls:pos].strip():
            start = ls
        return start


def path_at(headings: list[Heading], pos: int) -> tuple[str, ...]:
    """The headings in force at position pos."""
    return HeadingPaths(headings).path_at(pos)


def block_start(text: str, headings: list[Heading], pos: int, floor: int) -> int:
    """Start of the block of a Pasal at pos: the run of headings directly before it, if any."""
    return HeadingPaths(headings).block_start(text, pos, floor)
