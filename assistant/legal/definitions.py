"""The numbered definitions of a Ketentuan Umum ("1. Koperasi adalah badan usaha ...") (pure).

Each definition becomes a retrievable unit of its own ("UU 25/1992 Pasal 1 angka 1"), so that
"apa pengertian koperasi?" finds that one definition instead of a 2,000-character Pasal 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# an item number at a line start, or after the end of the previous item ("… Koperasi. 2. Per…")
_ITEM = re.compile(r"(?m)(?:^|(?<=[.;_]\s))[ \t]*(\d{1,3}|[a-z])\.[ \t]+(?=[A-Z])")
_IS = re.compile(r"\s+adalah\b", re.I)
_ALIAS = re.compile(r"\s+yang\s+selanjutnya\s+(?:disebut|disingkat)(?:\s+dengan)?\s+", re.I)
_OTHER_NAME = re.compile(r"\s+atau\s+yang\s+disebut\s+dengan\s+nama\s+lain", re.I)
MIN_ITEMS = 3  # fewer numbered "X adalah" items are a list, not a Ketentuan Umum
_GLOSSARY = re.compile(r"dimaksud\s+dengan|pengertian|ketentuan\s+umum", re.I)


@dataclass(frozen=True)
class Definition:
    """One numbered definition: its number, the term(s) it defines, and its span in the Pasal."""

    number: str  # "5" ("Pasal 1 angka 5"), or a letter ("Pasal 1 huruf b")
    terms: tuple[str, ...]  # "Koperasi Primer"; with its short form: ("Sisa Hasil Usaha", "SHU")
    start: int
    end: int


def defined_terms(item: str) -> tuple[str, ...]:
    """The terms an item defines: the words before "adalah", and a "selanjutnya disebut" form."""
    head = _IS.split(" ".join(item.split()), maxsplit=1)
    if len(head) < 2 or len(head[0]) > 160:
        return ()
    parts = _ALIAS.split(_OTHER_NAME.sub("", head[0]), maxsplit=1)
    terms = [p.strip(" ,;:") for p in parts if p.strip(" ,;:")]
    return tuple(dict.fromkeys(terms))


def definitions(text: str) -> tuple[Definition, ...]:
    """The numbered definitions of a Pasal, when it is a list of at least MIN_ITEMS of them
    numbered 1, 2, 3 … (sub-lists with their own numbering stay inside their item)."""
    first = _ITEM.search(text)
    if first is None or not _GLOSSARY.search(text[: first.start()]):
        return ()  # a Ketentuan Umum opens with "Dalam ... yang dimaksud dengan:"
    letters = first.group(1).isalpha()
    starts: list[tuple[str, int]] = []  # (number, offset)
    for m in _ITEM.finditer(text):
        expected = chr(ord("a") + len(starts)) if letters else str(len(starts) + 1)
        if m.group(1) == expected:
            starts.append((expected, m.start()))
    spans = [
        (n, s, starts[i + 1][1] if i + 1 < len(starts) else len(text))
        for i, (n, s) in enumerate(starts)
    ]
    out = []
    for n, s, e in spans:
        item = _ITEM.sub("", text[s:e], count=1)
        terms = defined_terms(item)
        if terms:
            out.append(Definition(n, terms, s, e))
    return tuple(out) if len(out) >= MIN_ITEMS else ()
