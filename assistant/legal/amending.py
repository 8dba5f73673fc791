"""Split an amending Pasal ("... diubah sebagai berikut: 1. Ketentuan Pasal 6 diubah ...").

Rule: an amending Pasal (Pasal I of an amending act, Pasal 86/87 of UU 11/2020) becomes one
block per "angka" item, labelled "Pasal I angka 5". The block's `pasal` is the amended or
inserted Pasal number when the item names exactly one ("29B"), else the amending Pasal ("I").
An item that inserts several Pasal (e.g. 29A and 29B) is split once more at each nested heading,
labelled "Pasal I angka 3 (Pasal 29B)". A very short item (e.g. "4. Pasal 25 dihapus") is joined
to the next one ("Pasal 87 angka 4–5"). The first block also holds the Pasal heading and its
introductory sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .headings import parse_number

_AMENDING_RE = re.compile(
    r"(?:diubah|ditambah|disisipkan|dihapus)[^.]{0,40}?sebagai\s+berikut", re.I
)
_INTRO = (
    r"(?:Ketentuan|Penjelasan|Di\s*antara|Diantara|Judul|Lampiran|BAB|Bagian|Paragraf"
    r"|Setelah|Pasal\s+\S+\s+dihapus)"
)
_NUMBERED_RE = re.compile(rf"(?<![\w(/.])(\d{{1,2}})[ \t]?\.?[ \t]+(?={_INTRO})")
_UNNUMBERED_RE = re.compile(
    r"(?:Ketentuan|Penjelasan)\s+(?:ayat\s+\(\d+\)\s+)?Pasal\s+\S+\s+(?:diubah|dihapus)"
    r"|Di\s*antara\s+Pasal\s+\S+\s+dan\s+Pasal|Pasal\s+\S+\s+dihapus"
)
_AMENDED_RE = re.compile(
    r"(?<!Penjelasan )Pasal\s+([0-9OolIL]+[A-Z]?)\s+(?:diubah|dihapus)"
    r"|Pasal\s+berikut:\s*([0-9OolIL]+[A-Z]?)\s+diubah"
)
_INSERTED_RE = re.compile(r"yakni\s+((?:Pasal\s+\w+(?:\s*,\s*|\s+dan\s+)?)+)")
MIN_ITEM_CHARS = 80


@dataclass(frozen=True)
class Item:
    """One angka item of an amending Pasal: text[start:end], its label and amended Pasal."""

    start: int
    end: int
    label: str
    pasal: str


def _boundary_ok(text: str, pos: int, numbered: bool) -> bool:
    before = text[max(0, pos - 40) : pos]
    if not before.strip() or before.endswith("\n") or re.search(r"\n[ \t]*$", before):
        return True
    stripped = before.rstrip()
    if stripped[-1:] in ".;:":
        return True
    return numbered and stripped.endswith("dihapus")


def _amended(intro: str) -> list[str]:
    nums: list[str] = []
    for m in _AMENDED_RE.finditer(intro):
        n = parse_number(m.group(1) or m.group(2))
        if n and n.text not in nums:
            nums.append(n.text)
    for m in _INSERTED_RE.finditer(intro):
        for raw in re.findall(r"Pasal\s+(\w+)", m.group(1)):
            n = parse_number(raw)
            if n and n.text not in nums:
                nums.append(n.text)
    return nums


def _item_starts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(position, number) of each angka item, in sequence 1, 2, 3, ..."""
    found: list[tuple[int, int, bool]] = []
    for m in _NUMBERED_RE.finditer(text, start, end):
        found.append((m.start(), int(m.group(1)), True))
    for m in _UNNUMBERED_RE.finditer(text, start, end):
        found.append((m.start(), 0, False))
    found.sort()
    items: list[tuple[int, int]] = []
    skip_until = -1
    for pos, num, numbered in found:
        if pos < skip_until or not _boundary_ok(text, pos, numbered):
            continue
        expected = items[-1][1] + 1 if items else 1
        if numbered and num != expected:
            continue
        if not numbered and not items:
            continue
        items.append((pos, expected))
        skip_until = pos + 12
    return items


def split_amending(text: str, start: int, end: int, body_from: int, pasal: str) -> list[Item]:
    """Items of the amending Pasal text[start:end] (heading at start), or [] if it is none."""
    items = _item_starts(text, body_from, end)
    if not items or not _AMENDING_RE.search(text, body_from, items[0][0]):
        return []
    bounds = [start] + [p for p, _ in items[1:]] + [end]
    raw = [(bounds[i], bounds[i + 1], [items[i][1]]) for i in range(len(items))]
    merged: list[tuple[int, int, list[int]]] = []
    carry: tuple[int, list[int]] | None = None
    for s, e, nums in raw:
        if carry:
            s, nums = carry[0], carry[1] + nums
            carry = None
        if len(text[s:e].strip()) < MIN_ITEM_CHARS and (s, e) != raw[-1][:2] and s != start:
            carry = (s, nums)
            continue
        merged.append((s, e, nums))
    out: list[Item] = []
    for s, e, nums in merged:
        angka = f"{nums[0]}" if len(nums) == 1 else f"{nums[0]}–{nums[-1]}"
        label = f"Pasal {pasal} angka {angka}"
        intro_end = _intro_end(text, s, e)
        amended = _amended(text[s:intro_end])
        if len(nums) > 1 or not amended:
            out.append(Item(s, e, label, amended[0] if len(amended) == 1 else pasal))
            continue
        out.extend(_split_nested(text, s, e, intro_end, label, amended, pasal))
    return out


def _intro_end(text: str, s: int, e: int) -> int:
    m = re.search(r"berbunyi(?:\s+sebagai(?:\s+berikut)?)?\s*:?", text[s:e]) or re.search(
        r"berikut\s*:", text[s:e]
    )
    return s + m.end() if m else min(e, s + 300)


def _split_nested(
    text: str, s: int, e: int, intro_end: int, label: str, amended: list[str], pasal: str
) -> list[Item]:
    if len(amended) == 1:
        return [Item(s, e, label, amended[0])]
    cuts = [s]
    pos = intro_end
    for num in amended[1:]:
        m = re.compile(rf"(?m)^[ \t]*Pasal[ \t]+{re.escape(num)}[ \t]*$").search(text, pos, e)
        if not m:
            return [Item(s, e, label, pasal)]
        cuts.append(m.start())
        pos = m.end()
    cuts.append(e)
    return [
        Item(cuts[i], cuts[i + 1], f"{label} (Pasal {amended[i]})", amended[i])
        for i in range(len(amended))
    ]
