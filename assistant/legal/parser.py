"""Pure legal-structure parser: document body text → ordered Blocks that cover every character.

Shapes:
- "pasal": Pembukaan | Pasal blocks (BAB > Bagian > Paragraf path, ayat split) | Penutup |
  Lampiran | Penjelasan Umum | Penjelasan Pasal N. Pasal headings are told apart from in-text
  references by position and numbering sequence (see headings.py). An amending Pasal is split
  into its angka items (see amending.py for the rule).
- "diktum" (Inpres): KESATU, KEDUA, ... blocks.
- "sections" (circulars, juklak, letters): BAB / lettered headings with numbered items.
- "markdown" (programme documents): one block per `##` heading.
- "paragraphs": anything else, grouped paragraphs.
"""

from __future__ import annotations

import re

from .amending import split_amending
from .headings import (
    PASAL_RE,
    HeadingPaths,
    find_headings,
    find_pasal_headings,
    looks_flat,
)
from .penjelasan import find_penjelasan_start, split_penjelasan
from .sections import (
    closing_blocks,
    parse_diktum,
    parse_markdown,
    parse_paragraphs,
    parse_sections,
)
from .types import PART_BODY, PART_PREAMBLE, Ayat, Block, ParsedDocument

_CLOSING_RE = re.compile(
    r"Agar\s+setiap\s+orang\s+mengetahuinya|^[ \t]*(?:Ditetapkan|Disahkan|Dikeluarkan)\s+di\b",
    re.M,
)
_LAMPIRAN_LINE = re.compile(r"^[ \t]*LAMPIRAN\b", re.M)
# "(21" and "(l)" / "(U" are OCR forms of "(2)" and "(1)"
_AYAT_RE = re.compile(r"\((\d{1,2})\)|\(([1-9])[1l](?=\s)|\((?:l\)|U)(?=\s)")
_AYAT_REF_WORDS = frozenset("ayat dan atau pada dalam dan/atau serta sampai".split())


def parse_document(text: str, jenis: str = "") -> ParsedDocument:
    """Parse a document body (front matter removed) into blocks covering all of it."""
    hint = jenis.lower()
    if hint == "program":
        order = ("markdown", "sections", "pasal")
    elif hint.startswith("inpres"):
        order = ("diktum", "pasal", "sections")
    elif hint.startswith(("other", "se", "surat", "juklak")):
        order = ("sections", "diktum", "pasal")
    else:
        order = ("pasal", "diktum", "sections")
    for shape in order:
        blocks = _SHAPES[shape](text)
        if blocks:
            return ParsedDocument(tuple(blocks), shape)
    return ParsedDocument(tuple(parse_paragraphs(text)), "paragraphs")


def _parse_pasal(text: str) -> list[Block]:
    pen = find_penjelasan_start(text)
    body_end = len(text) if pen is None else pen
    flat = looks_flat(text, 0, body_end)
    heads = find_pasal_headings(text, 0, body_end, allow_mid=flat)
    lampiran = _LAMPIRAN_LINE.search(text, 0, body_end)
    if lampiran:
        heads = [h for h in heads if h.start < lampiran.start()]
    if not heads:
        return []
    closing = _closing_start(text, heads[-1].end, body_end)
    stops = [h.start for h in heads]
    headings = HeadingPaths(find_headings(text, 0, closing, stops))
    starts = []
    for i, h in enumerate(heads):
        floor = heads[i - 1].end if i else 0
        starts.append(headings.block_start(text, h.start, floor))
    blocks: list[Block] = []
    if starts[0] > 0:
        blocks.append(Block(PART_PREAMBLE, "Pembukaan", text[: starts[0]], 0, starts[0]))
    for i, h in enumerate(heads):
        s, e = starts[i], starts[i + 1] if i + 1 < len(heads) else closing
        path = headings.path_at(h.start)
        blocks.extend(_pasal_blocks(text, s, e, h.end, h.number.text, path, flat))
    blocks.extend(closing_blocks(text, closing, body_end))
    if pen is not None:
        blocks.extend(split_penjelasan(text, pen))
    return blocks


def _closing_start(text: str, after: int, body_end: int) -> int:
    m = _CLOSING_RE.search(text, after, body_end)
    lamp = _LAMPIRAN_LINE.search(text, after, body_end)
    cands = [x.start() for x in (m, lamp) if x]
    if not cands:
        return body_end
    pos = min(cands)
    if m and pos == m.start() and text[m.start() : m.start() + 4] != "Agar":
        pos = text.rfind("\n", 0, pos) + 1
    return pos


def _pasal_blocks(
    text: str, s: int, e: int, head_end: int, num: str, path: tuple[str, ...], flat: bool
) -> list[Block]:
    items = split_amending(text, s, e, head_end, num)
    if not items:
        return [_block(text, s, e, f"Pasal {num}", num, path, head_end, flat)]
    return [
        _block(text, it.start, it.end, it.label, it.pasal, path, head_end, flat) for it in items
    ]


def _block(
    text: str, s: int, e: int, label: str, pasal: str, path: tuple[str, ...], head: int, flat: bool
) -> Block:
    chunk = text[s:e]
    ayat = split_ayat(chunk, max(0, head - s), flat or looks_flat(chunk))
    return Block(PART_BODY, label, chunk, s, e, pasal=pasal, path=path, ayat=ayat)


def split_ayat(text: str, body_from: int = 0, flat: bool = False) -> tuple[Ayat, ...]:
    """Ayat (1), (2), ... of a Pasal text; text before "(1)" gets number None. () if none."""
    cuts: list[tuple[int, str]] = []
    expected = 1
    for m in _AYAT_RE.finditer(text, body_from):
        number = m.group(1) or m.group(2) or "1"
        if int(number) != expected:
            continue
        ls = text.rfind("\n", 0, m.start()) + 1
        before = text[ls : m.start()]
        prev = re.search(r"(\S+)\s*$", text[max(0, m.start() - 40) : m.start()])
        prev_word = prev.group(1) if prev else ""
        if prev_word.lower() in _AYAT_REF_WORDS or prev_word.endswith(","):
            continue
        at_line = not before.strip()
        right_after_head = expected == 1 and not text[body_from : m.start()].strip(" \t.")
        after_sentence = prev_word[-1:] in ".;:" or (
            expected == 1 and PASAL_RE.fullmatch(text[ls : m.start()].strip() or "-")
        )
        if not (at_line or right_after_head or (flat and after_sentence)):
            continue
        cuts.append((m.start() if not at_line else ls, number))
        expected += 1
    if not cuts:
        return ()
    out = []
    if cuts[0][0] > 0:
        out.append(Ayat(None, text[: cuts[0][0]]))
    for i, (pos, n) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        out.append(Ayat(n, text[pos:end]))
    return tuple(out)


def _parse_diktum(text: str) -> list[Block]:
    return parse_diktum(text)


def _parse_sections(text: str) -> list[Block]:
    return parse_sections(text)


_SHAPES = {
    "pasal": _parse_pasal,
    "diktum": _parse_diktum,
    "sections": _parse_sections,
    "markdown": parse_markdown,
}
