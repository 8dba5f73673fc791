"""Pure checks on citation markers: an answer may only cite the passages it was given."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

# "[1]", "[1, 3]", "[2][3]"; also "[1-2]" ranges.
_MARKER = re.compile(r"\[(\d+(?:\s*[,;–-]\s*\d+)*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class CitationCheck:
    """What the markers of an answer point to."""

    cited: tuple[int, ...]  # valid markers, in order of first use
    invalid: tuple[int, ...]  # markers pointing to no passage given
    uncited: tuple[str, ...]  # statements without any marker

    @property
    def ok(self) -> bool:
        return not self.invalid


def _numbers(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group):
        bounds = re.split(r"\s*[–-]\s*", part)
        if len(bounds) == 2 and int(bounds[0]) <= int(bounds[1]) <= int(bounds[0]) + 10:
            out += range(int(bounds[0]), int(bounds[1]) + 1)
        else:
            out += [int(b) for b in bounds]
    return out


def markers(text: str) -> list[int]:
    """Every marker number in the text, in order of first use, without repeats."""
    seen: list[int] = []
    for match in _MARKER.finditer(text):
        for n in _numbers(match.group(1)):
            if n not in seen:
                seen.append(n)
    return seen


def _statements(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 20]


def check(text: str, allowed: Collection[int]) -> CitationCheck:
    """Split the markers of `text` into those pointing to `allowed` passages and the rest."""
    found = markers(text)
    uncited = tuple(s for s in _statements(text) if not _MARKER.search(s))
    return CitationCheck(
        cited=tuple(n for n in found if n in allowed),
        invalid=tuple(n for n in found if n not in allowed),
        uncited=uncited,
    )


def strip_invalid(text: str, allowed: Collection[int]) -> str:
    """Remove markers (or numbers inside a marker) that point to no passage given."""

    def keep(match: re.Match) -> str:
        valid = [n for n in _numbers(match.group(1)) if n in allowed]
        return "".join(f"[{n}]" for n in valid)

    cleaned = _MARKER.sub(keep, text)
    return re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Rewrite markers through `mapping` (old → new); numbers not in it are dropped."""

    def swap(match: re.Match) -> str:
        return "".join(f"[{mapping[n]}]" for n in _numbers(match.group(1)) if n in mapping)

    return _MARKER.sub(swap, text)
