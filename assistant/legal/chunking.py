"""Turn parsed blocks into indexable chunks with stable ids, context headers and citations.

Ids come from the document id, the block label and the ayat range, never from positions:
"uu-25-1992/pasal-6/1-2" (a Pasal with ayat always carries its range, "/3" for one ayat),
"uu-25-1992/pasal-9" (no ayat), "uu-25-1992/penjelasan/pasal-6", "uu-25-1992/penjelasan/umum",
"inpres-9-2025/kedua", "juklak-menkop-1-2025/bab-iii-angka-1", "uu-25-1992/teks-berlaku/pasal-6/1-2"
(the consolidated wording of an amended Pasal). A repeated label gets "-2",
"-3" in document order; a piece of an over-long ayat or block gets "/p1", "/p2".
"""

from __future__ import annotations

import hashlib
import re

from .citation import citation_label, title
from .definitions import definitions
from .types import (
    PART_BODY,
    PART_CLOSING,
    PART_CURRENT,
    PART_PENJELASAN,
    Block,
    Chunk,
    Document,
    ParsedDocument,
)

_TIER1 = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[a-z]|\d{1,2})[.)][ \t])")
_TIER2 = re.compile(r"[.;:](?=\s)\s*|\n")
_TIER3 = re.compile(r"\s+")


def slug(text: str) -> str:
    """Lowercase id fragment of [a-z0-9.-]."""
    s = re.sub(r"[^a-z0-9.]+", "-", text.lower().replace("–", "-"))
    return re.sub(r"-{2,}", "-", s).strip("-.") or "x"


def doc_key(doc_id: str) -> str:
    """The prefix of a document's chunk ids; two ids with the same key would overwrite each other."""
    return "/".join(slug(p) for p in doc_id.split("/"))


def split_text(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Cut text into pieces of at most max_chars at list items, sentences or spaces."""
    spans: list[tuple[int, int]] = []
    cur, n = 0, len(text)
    floor = max(1, max_chars // 4)
    while n - cur > max_chars:
        lo, hi = cur + floor, cur + max_chars
        cut = None
        for tier in (_TIER1, _TIER2, _TIER3):
            ends = [m.end() for m in tier.finditer(text, lo, hi) if lo <= m.end() <= hi]
            if ends:
                cut = ends[-1]
                break
        cut = cut or hi
        spans.append((cur, cut))
        cur = cut
    spans.append((cur, n))
    return spans


def _units(block: Block) -> list[tuple[str, int, int]]:
    """(ayat number, start, end) within block.text; a leading unnumbered part joins ayat 1."""
    units: list[tuple[str, int, int]] = []
    pos = 0
    for a in block.ayat:
        end = pos + len(a.text)
        if a.number is not None:
            units.append((a.number, pos if units else 0, end))
        pos = end
    return units


def _pieces(block: Block, max_chars: int) -> list[tuple[int, int, str | None, str | None, str]]:
    """(start, end, ayat_start, ayat_end, id suffix) pieces of one block."""
    units = _units(block) if block.part in (PART_BODY, PART_CURRENT) and block.pasal else []
    if not units:
        spans = split_text(block.text, max_chars)
        if len(spans) == 1:
            return [(0, len(block.text), None, None, "")]
        return [(s, e, None, None, f"/p{i}") for i, (s, e) in enumerate(spans, 1)]
    out = []
    group: list[tuple[str, int, int]] = []

    def flush() -> None:
        if group:
            a, b = group[0][0], group[-1][0]
            rng = a if a == b else f"{a}-{b}"
            out.append((group[0][1], group[-1][2], a, b, f"/{rng}"))
            group.clear()

    for num, s, e in units:
        if e - s > max_chars:
            flush()
            spans = split_text(block.text[s:e], max_chars)
            for i, (ps, pe) in enumerate(spans, 1):
                out.append((s + ps, s + pe, num, num, f"/{num}/p{i}"))
            continue
        if group and e - group[0][1] > max_chars:
            flush()
        group.append((num, s, e))
    flush()
    return out


def _display_label(block: Block) -> str:
    if block.part == PART_CLOSING and block.path and block.path[0].startswith("Lampiran"):
        annex = block.path[0].split(":")[0].strip()
        if not block.label.startswith("Lampiran"):
            return f"{annex} {block.label}"
    return block.label


def _base_id(block: Block, label: str) -> str:
    if block.part == PART_PENJELASAN:
        rest = label.removeprefix("Penjelasan").strip()
        return f"penjelasan/{slug(rest)}" if rest else "penjelasan"
    if block.part == PART_CURRENT:
        return f"teks-berlaku/{slug(label)}"
    return slug(label)


def content_hash(text: str, context: str, penjelasan: str) -> str:
    """Short sha256 of what gets indexed and shown."""
    data = "\x1f".join((text, context, penjelasan)).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:16]


def chunk_document(
    doc: Document, parsed: ParsedDocument, max_chars: int = 1800
) -> tuple[Chunk, ...]:
    """Chunks of a parsed document, in document order; together they hold every block's text."""
    meta = doc.meta
    key = doc_key(meta.doc_id)
    doc_title = title(meta)
    penjelasan = {}
    for b in parsed.blocks:
        if b.part == PART_PENJELASAN and b.pasal:
            penjelasan.setdefault(b.pasal, b.text.strip())
    seen: dict[str, int] = {}
    chunks: list[Chunk] = []
    glossaries: list[tuple[Block, str]] = []  # Pasal holding numbered definitions, with their id
    for block in parsed.blocks:
        label = _display_label(block)
        base = _base_id(block, label)
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            base = f"{base}-{seen[base]}"
        context = " | ".join(x for x in (doc_title, " > ".join(block.path), label) if x)
        if block.part == PART_BODY and block.pasal:
            glossaries.append((block, base))
        pen = ""
        if block.part == PART_BODY and block.pasal and block.label == f"Pasal {block.pasal}":
            pen = penjelasan.get(block.pasal, "")
        for s, e, a_start, a_end, suffix in _pieces(block, max_chars):
            text = block.text[s:e]
            chunks.append(
                Chunk(
                    id=f"{key}/{base}{suffix}",
                    doc_id=meta.doc_id,
                    text=text,
                    context=context,
                    citation=citation_label(meta, label, a_start, a_end, block.part),
                    part=block.part,
                    label=label,
                    order=len(chunks),
                    content_hash=content_hash(text, context, pen),
                    pasal=block.pasal,
                    ayat_start=a_start,
                    ayat_end=a_end,
                    path=block.path,
                    penjelasan=pen,
                    meta=meta,
                )
            )
    # each numbered definition of a Ketentuan Umum is a unit of its own too, after the rest
    # (so that adding them leaves the order of every other chunk as it was)
    for block, base in glossaries:
        for d in definitions(block.text):
            label = f"{block.label} {'huruf' if d.number.isalpha() else 'angka'} {d.number}"
            text = block.text[d.start : d.end].strip()
            context = " | ".join(x for x in (doc_title, " > ".join(block.path), label) if x)
            chunks.append(
                Chunk(
                    id=f"{key}/{base}/{slug(label.removeprefix(block.label))}",
                    doc_id=meta.doc_id,
                    text=text,
                    context=context,
                    citation=citation_label(meta, label),
                    part=block.part,
                    label=label,
                    order=len(chunks),
                    content_hash=content_hash(text, context, ""),
                    pasal=block.pasal,
                    path=block.path,
                    term="; ".join(d.terms),
                    meta=meta,
                )
            )
    return tuple(chunks)
