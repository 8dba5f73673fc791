"""Shapes without Pasal: diktum (Inpres), numbered sections (circulars, juklak), paragraphs."""

from __future__ import annotations

import re

from .headings import roman_value
from .types import PART_BODY, PART_CLOSING, PART_PREAMBLE, Block

_UNITS = "SATU DUA TIGA EMPAT LIMA ENAM TUJUH DELAPAN SEMBILAN".split()
DIKTUM_WORDS = (
    ["KESATU"]
    + [f"KE{u}" for u in _UNITS[1:]]
    + ["KESEPULUH", "KESEBELAS"]
    + [f"KE{u} BELAS" for u in _UNITS[1:]]
    + ["KEDUA PULUH"]
)
_DIKTUM_RE = re.compile(
    r"^[ \t]*(" + "|".join(sorted(DIKTUM_WORDS, key=len, reverse=True)) + r")\b[ \t]*(?=:|$|[A-Z])",
    re.M,
)
_END_RE = re.compile(
    r"^[ \t]*(?:(?:Ditetapkan|Disahkan|Dikeluarkan)\s+di\b|Demikian\b|Tembusan\b|LAMPIRAN\b)",
    re.M,
)
_LAMPIRAN_RE = re.compile(r"^[ \t]*LAMPIRAN\b", re.M)
_BAB_RE = re.compile(r"^[ \t]*BAB[ \t]+([IVXLC]+)\b[ \t]*(.*)$", re.M)
_LETTER_RE = re.compile(r"^[ \t]*([A-H])\.[ \t]+(\S.{0,70})$", re.M)
_ITEM_RE = re.compile(r"^[ \t]*(\d{1,2})[ \t]?\.[ \t]*(?=\S)(?!\d)", re.M)
_LAMP_NO_RE = re.compile(r"^[ \t]*Lampiran\s+Nomor\s+(\d+)[^\n]*", re.M)
_SUB_PASAL_RE = re.compile(r"^[ \t]*Pasal[ \t]+(\d+[A-Z]?)[ \t]*$", re.M)
MIN_SECTION_CHARS = 150  # a BAB/lettered heading shorter than this joins its first item
MIN_ITEM_CHARS = 60  # a numbered item shorter than this stays with the block before it


def closing_blocks(text: str, start: int, end: int) -> list[Block]:
    """Penutup (promulgation, signatures) and Lampiran blocks covering text[start:end]."""
    if start >= end:
        return []
    lamp = _LAMPIRAN_RE.search(text, start, end)
    cut = lamp.start() if lamp else end
    out = []
    if cut > start:
        out.append(Block(PART_CLOSING, "Penutup", text[start:cut], start, cut))
    if lamp:
        out.append(Block(PART_CLOSING, "Lampiran", text[cut:end], cut, end))
    return out


def parse_diktum(text: str) -> list[Block]:
    """KESATU, KEDUA, ... blocks; [] when the text has fewer than two diktum."""
    heads = []
    for m in _DIKTUM_RE.finditer(text):
        word = " ".join(m.group(1).split())
        if DIKTUM_WORDS.index(word) == len(heads):
            heads.append((m.start(), word))
    if len(heads) < 2:
        return []
    end_m = _END_RE.search(text, heads[-1][0])
    closing = end_m.start() if end_m else len(text)
    out = []
    if heads[0][0] > 0:
        out.append(Block(PART_PREAMBLE, "Pembukaan", text[: heads[0][0]], 0, heads[0][0]))
    for i, (pos, word) in enumerate(heads):
        e = heads[i + 1][0] if i + 1 < len(heads) else closing
        out.append(Block(PART_BODY, word, text[pos:e], pos, e))
    return out + closing_blocks(text, closing, len(text))


def _markers(text: str, end: int) -> list[tuple[int, str, str]]:
    """(position, kind, value) of BAB, lettered headings and in-sequence numbered items."""
    raw: list[tuple[int, str, str]] = []
    for m in _BAB_RE.finditer(text, 0, end):
        raw.append((m.start(), "bab", m.group(1)))
    for m in _LETTER_RE.finditer(text, 0, end):
        raw.append((m.start(), "letter", m.group(1)))
    for m in _ITEM_RE.finditer(text, 0, end):
        raw.append((m.start(), "item", m.group(1)))
    raw.sort()
    out: list[tuple[int, str, str]] = []
    bab, letter, item = 0, 0, 0
    for pos, kind, val in raw:
        if kind == "bab" and roman_value(val) == bab + 1:
            bab, letter, item = bab + 1, 0, 0
        elif kind == "letter" and ord(val) - 64 == letter + 1:
            letter, item = letter + 1, 0
        elif kind == "item" and int(val) in (item + 1, 1):
            item = int(val)
        else:
            continue
        out.append((pos, kind, val))
    return out


def parse_sections(text: str) -> list[Block]:
    """BAB / lettered headings with numbered items, e.g. "BAB III angka 1" or "angka 4"."""
    lamp = _LAMPIRAN_RE.search(text)
    first = _markers(text, len(text))
    body_end = lamp.start() if lamp else len(text)
    marks = [m for m in first if m[0] < body_end]
    items = [m for m in marks if m[1] == "item"]
    if len(items) < 2:
        return []
    end_m = _END_RE.search(text, items[0][0], body_end)
    closing = end_m.start() if end_m else body_end
    marks = [m for m in marks if m[0] < closing]
    pieces: list[tuple[int, str, tuple[str, ...]]] = []  # (start, label, path)
    bab = letter = ""
    path: tuple[str, ...] = ()
    for pos, kind, val in marks:
        if kind == "bab":
            bab, letter, path = f"BAB {val}", "", (_bab_title(text, pos),)
            pieces.append((pos, bab, path))
        elif kind == "letter":
            letter = f"huruf {val}"
            pieces.append((pos, " ".join(x for x in (bab, letter) if x), path))
        else:
            head = " ".join(x for x in (bab, letter) if x)
            pieces.append((pos, f"{head} angka {val}".strip(), path))
    out: list[Block] = []
    if pieces[0][0] > 0:
        out.append(Block(PART_PREAMBLE, "Pembukaan", text[: pieces[0][0]], 0, pieces[0][0]))
    carry: int | None = None
    for i, (pos, label, path) in enumerate(pieces):
        e = pieces[i + 1][0] if i + 1 < len(pieces) else closing
        pos, carry = (carry, None) if carry is not None else (pos, None)
        size = len(text[pos:e].strip())
        is_item = " angka " in f" {label}"
        next_item = i + 1 < len(pieces) and " angka " in f" {pieces[i + 1][1]}"
        if not is_item and size < MIN_SECTION_CHARS and next_item:
            carry = pos  # a bare heading joins the first item under it
            continue
        if is_item and size < MIN_ITEM_CHARS and out:
            prev = out[-1]
            out[-1] = Block(
                prev.part, prev.label, text[prev.start : e], prev.start, e, path=prev.path
            )
            continue
        out.append(Block(PART_BODY, label, text[pos:e], pos, e, path=path))
    if closing < body_end:
        out.append(Block(PART_CLOSING, "Penutup", text[closing:body_end], closing, body_end))
    if lamp:
        out.extend(_lampiran(text, body_end, len(text)))
    return out


def _bab_title(text: str, pos: int) -> str:
    m = _BAB_RE.match(text, pos)
    title = m.group(2).strip() if m else ""
    line_end = text.find("\n", pos)
    while not title or (line_end > 0 and len(title) < 120):
        nxt_end = text.find("\n", line_end + 1)
        nxt = text[line_end + 1 : nxt_end if nxt_end > 0 else len(text)].strip()
        if not nxt or nxt.upper() != nxt or _ITEM_RE.match(nxt) or _BAB_RE.match(nxt):
            break
        title, line_end = f"{title} {nxt}", nxt_end
        if nxt_end < 0:
            break
    return " ".join(f"BAB {m.group(1) if m else ''} {title}".split())


def _lampiran(text: str, start: int, end: int) -> list[Block]:
    """Lampiran split by "Lampiran Nomor N" and, inside, by "Pasal N" headings on own lines."""
    cuts: list[tuple[int, str, tuple[str, ...]]] = [(start, "Lampiran", ())]
    annex: tuple[str, ...] = ()
    expected = 1
    events = [(m.start(), "lamp", m) for m in _LAMP_NO_RE.finditer(text, start, end)]
    events += [(m.start(), "pasal", m) for m in _SUB_PASAL_RE.finditer(text, start, end)]
    events += [(m.start(), "bab", m) for m in _BAB_RE.finditer(text, start, end)]
    bab = ""
    for pos, kind, m in sorted(events, key=lambda x: x[0]):
        if kind == "lamp":
            annex, bab, expected = (" ".join(m.group(0).split()),), "", 1
            cuts.append((pos, f"Lampiran Nomor {m.group(1)}", annex))
        elif kind == "bab":
            nxt = text[m.end() + 1 : text.find("\n", m.end() + 1)].strip()
            bab = " ".join(f"BAB {m.group(1)} {m.group(2) or nxt}".split())
        elif kind == "pasal":
            num = m.group(1)
            if num.isdigit() and int(num) in (expected, 1):
                expected = int(num) + 1
                cuts.append((pos, f"Pasal {num}", annex + ((bab,) if bab else ())))
    out = []
    for i, (pos, label, path) in enumerate(cuts):
        e = cuts[i + 1][0] if i + 1 < len(cuts) else end
        if e > pos:
            out.append(Block(PART_CLOSING, label, text[pos:e], pos, e, path=path))
    return out


def parse_paragraphs(text: str, target: int = 1500) -> list[Block]:
    """Fallback: groups of blank-line separated paragraphs of up to about `target` characters."""
    if not text:
        return [Block(PART_BODY, "Teks 1", "", 0, 0)]
    bounds = [0] + [m.end() for m in re.finditer(r"\n[ \t]*\n", text)] + [len(text)]
    groups: list[tuple[int, int]] = []
    for s, e in zip(bounds, bounds[1:]):
        if e <= s:
            continue
        if groups and e - groups[-1][0] <= target:
            groups[-1] = (groups[-1][0], e)
        else:
            groups.append((s, e))
    out = []
    for i, (s, e) in enumerate(groups, 1):
        first = text[s:e].strip().split("\n", 1)[0].strip()
        heading = len(first) <= 80 and first[-1:] not in ".;:,"
        label = first if heading and first else f"Teks {i}"
        out.append(Block(PART_BODY, label, text[s:e], s, e))
    return out


_MD_HEADING_RE = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(\S[^\n]*?)[ \t#]*$", re.M)


def parse_markdown(text: str) -> list[Block]:
    """Markdown documents (programme documents): one block per `##`-or-deeper heading."""
    heads = [m for m in _MD_HEADING_RE.finditer(text) if len(m.group(1)) >= 2]
    if not heads:
        return []
    title = next((m.group(2) for m in _MD_HEADING_RE.finditer(text) if len(m.group(1)) == 1), "")
    path = (title,) if title else ()
    out: list[Block] = []
    if heads[0].start() > 0:
        out.append(
            Block(
                PART_PREAMBLE, "Pengantar", text[: heads[0].start()], 0, heads[0].start(), path=path
            )
        )
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        out.append(
            Block(PART_BODY, m.group(2).strip(), text[m.start() : end], m.start(), end, path=path)
        )
    return out
