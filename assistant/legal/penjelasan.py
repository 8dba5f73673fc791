"""Locate and split the Penjelasan (Elucidation): Penjelasan Umum and Penjelasan per Pasal."""

from __future__ import annotations

import re

from .headings import find_pasal_headings
from .types import PART_PENJELASAN, Block

_START_RE = re.compile(r"PENJELASAN\s+ATAS\b|^[ \t]*\[PENJELASAN\b", re.M)
_UMUM_RE = re.compile(r"\b(?:I\s*\.\s*)?UMUM\b")
_DEMI_RE = re.compile(r"(?:\bII\s*\.\s*)?\bPASAL\s+DEMI\s+PASAL\b|\bPasal\s+[Dd]emi\s+Pasal\b")


def find_penjelasan_start(text: str, floor: int = 0) -> int | None:
    """Position where the Penjelasan begins (the "PENJELASAN ATAS ..." title), if any."""
    m = _START_RE.search(text, floor)
    return m.start() if m else None


def split_penjelasan(text: str, start: int) -> list[Block]:
    """Blocks covering text[start:]: "Penjelasan Umum" and one block per "Penjelasan Pasal N"."""
    end = len(text)
    demi = _DEMI_RE.search(text, start)
    search_from = demi.end() if demi else start
    heads = find_pasal_headings(text, search_from, end, allow_mid=True)
    umum = _UMUM_RE.search(text, start, heads[0].start if heads else end)
    blocks: list[Block] = []
    first = heads[0].start if heads else end
    if umum or not heads:
        label = "Penjelasan Umum" if umum else "Penjelasan"
        if first > start:
            blocks.append(Block(PART_PENJELASAN, label, text[start:first], start, first))
    else:
        first = start
    for i, h in enumerate(heads):
        s = first if i == 0 else h.start
        e = heads[i + 1].start if i + 1 < len(heads) else end
        num = h.number.text
        blocks.append(Block(PART_PENJELASAN, f"Penjelasan Pasal {num}", text[s:e], s, e, pasal=num))
    return blocks
