"""OCR repairs that the legal structure makes unambiguous, for consolidated wording only.

Every repair touches marks, digits or whitespace, never a word: "(21" → "(2)" (an unclosed ayat
marker whose ")" was read as "1"), "ayat (Z)" → "ayat (2)", "4oo/o" → "40%", "2OO4" → "2004",
"Pasal 2l" → "Pasal 21", a caret before a word ("^jasa"), a repeated ayat opening
("(5) Dewan (5) Dewan pengawas"), a stray item number before an ayat marker
(". 7 (2) Pemenuhan"). Misread words ("mempakan", "ralryat") stay as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# kinds of repair, in the order they are applied
CARET = "tanda ^ dibuang"
AYAT_MARKER = "penanda ayat"
AYAT_LETTER = "huruf untuk angka ayat"
PERCENT = "persen"
DIGIT_LETTERS = "huruf untuk angka"
REPEATED_AYAT = "awal ayat berulang"
STRAY_NUMBER = "nomor lepas"
KINDS = (CARET, AYAT_MARKER, AYAT_LETTER, PERCENT, DIGIT_LETTERS, REPEATED_AYAT, STRAY_NUMBER)

_TO_DIGIT = str.maketrans("OoIlZzS", "0011225")
_CARET_RE = re.compile(r"\^(?=[\w(])")
# "(21 " / "(41," : an ayat marker whose closing bracket was read as "1" (none follows)
_AYAT_MARKER_RE = re.compile(r"\((\d{1,2})1(?=[\s,.;:]|$)")
_AYAT_LETTER_RE = re.compile(r"(?<=ayat )\(([ZzSIl])\)")
_PERCENT_RE = re.compile(r"\b(\d+)([Oo]*)[Oo]/[Oo]\b")  # "4oo/o": "4", "o", then "o/o" for "%"
# a number token with letters read for digits: "2OO4", "2l", "2I" (at least one real digit)
_DIGIT_LETTERS_RE = re.compile(
    r"(?<![\w/])(?=[0-9OolI]*[0-9])(?=[0-9]*[OolI])[0-9OolI]{2,}(?![\w/])"
)
_REPEATED_AYAT_RE = re.compile(r"\((\d{1,2})\)\s+(\w+)\s+\(\1\)\s+\2\b")
_STRAY_NUMBER_RE = re.compile(r"(?<=[.;:])\s+\d{1,2}\s+(?=\(\d{1,2}\)\s)")


@dataclass(frozen=True)
class Repair:
    """One repair: its kind, the text it replaced and what it put there."""

    kind: str
    before: str
    after: str


@dataclass(frozen=True)
class Repaired:
    """A repaired text and the repairs made, in order."""

    text: str
    repairs: tuple[Repair, ...] = ()

    def counts(self) -> dict[str, int]:
        """Repairs per kind."""
        return dict(Counter(r.kind for r in self.repairs))


def _apply(text: str, pattern: re.Pattern, kind: str, fix, out: list[Repair]) -> str:
    def sub(m: re.Match) -> str:
        new = fix(m)
        if new != m.group(0):
            out.append(Repair(kind, m.group(0), new))
        return new

    return pattern.sub(sub, text)


def _ayat_marker(m: re.Match) -> str:
    return f"({m.group(1)})"


def _ayat_letter(m: re.Match) -> str:
    return f"({m.group(1).translate(_TO_DIGIT)})"


def _percent(m: re.Match) -> str:
    return m.group(1) + "0" * len(m.group(2)) + "%"


def _digits(m: re.Match) -> str:
    return m.group(0).translate(_TO_DIGIT)


def repair(text: str) -> Repaired:
    """The text with the OCR damage above repaired, and the list of repairs."""
    done: list[Repair] = []
    text = _apply(text, _CARET_RE, CARET, lambda m: "", done)
    text = _apply(text, _AYAT_MARKER_RE, AYAT_MARKER, _ayat_marker, done)
    text = _apply(text, _AYAT_LETTER_RE, AYAT_LETTER, _ayat_letter, done)
    text = _apply(text, _PERCENT_RE, PERCENT, _percent, done)
    text = _apply(text, _DIGIT_LETTERS_RE, DIGIT_LETTERS, _digits, done)
    text = _apply(
        text, _REPEATED_AYAT_RE, REPEATED_AYAT, lambda m: f"({m.group(1)}) {m.group(2)}", done
    )
    text = _apply(text, _STRAY_NUMBER_RE, STRAY_NUMBER, lambda m: " ", done)
    return Repaired(text, tuple(done))
