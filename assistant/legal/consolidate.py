"""Consolidation: the text in force of an act that another act amends Pasal by Pasal.

For every registry entry that changes (diubah), inserts (disisipkan) or deletes (dihapus) a Pasal
of a base act, and whose amending text the corpus holds (the entry's `current_doc`, e.g. the
BAB V excerpt of UU 11/2020), the amending Pasal ("Pasal 86") is read as a list of instructions
("1. Ketentuan Pasal 6 diubah sehingga berbunyi sebagai berikut: ..."). The new wording of each
changed Pasal is the text after its instruction, up to the next instruction or item, with the
repeated heading and trailing headings of the amending act removed and the OCR damage of
`repair` repaired. The consolidated act is every Pasal of the base act in order, changed Pasal
replaced, inserted ones placed after their predecessor, deleted ones shown as "Dihapus."
Pure functions over parsed documents and the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .chunking import chunk_document, content_hash
from .headings import parse_number
from .parser import split_ayat
from .registry import Registry, StatusEntry, normalize_pasal
from .repair import Repair, repair
from .types import PART_BODY, PART_CURRENT, Block, Chunk, Document, ParsedDocument

KEPT = "tetap"  # a Pasal the amending acts left as it was
CHANGES = ("diubah", "disisipkan", "dihapus")

_N = r"[0-9OolI]*[0-9][0-9OolI]*[A-Z]?"
_CHANGE_RE = re.compile(
    r"Ketentuan\s+(?:ayat\s+\(\w+\)\s*(?:,\s*(?:dan\s+)?|dan\s+)?)*"
    rf"Pasal\s+(?:berikut\s*:\s*)?({_N})\s+diubah\s+sehingga\s+(?:Pasal\s+{_N}\s+)?berbunyi"
    r"(?:\s+sebagai)?(?:\s+berikut)?\s*:?"
)
_INSERT_RE = re.compile(
    rf"Di\s*antara\s+Pasal\s+{_N}\s+dan\s+Pasal\s+{_N}\s+disisip\w*\s+[^.:]{{0,40}}?pasal\s*,?\s+"
    rf"yakni\s+((?:Pasal\s+{_N}(?:\s*,\s*|\s+dan\s+)?)+?)\s*(?:sehingga|yang)\s+berbunyi"
    r"(?:\s+sebagai)?(?:\s+berikut)?\s*:?"
)
_DELETE_RE = re.compile(rf"(?<!Penjelasan )(?<!dan )Pasal\s+({_N})\s+dihapus")
_PENJELASAN_RE = re.compile(rf"Penjelasan\s+Pasal\s+({_N})\s+diubah")
_TRAILING_HEADING = re.compile(
    r"\s+(?:BAB\s+[IVXLC]+|Bagian\s+Ke\w+|Bagian\s+Pertama|Paragraf\s+\d+)\b[^()]*$"
)
_TRAILING_NUMBER = re.compile(r"\s+\d{1,2}\s*\.?\s*$")
_BY_RE = re.compile(r"Pasal\s+(\S+)\s+angka\s+(\d+)")
_YEAR_RE = re.compile(r"/(\d{4})\b")
_FIGURE_RE = re.compile(r"\b(\d+(?:[.,]\d+)*)\s*(?:\([^)]{1,40}\)\s*)?(%|[a-z]+)", re.I)
_CITED_RE = re.compile(r"\b(?:pasal|ayat|angka|huruf|tahun|nomor)\s*\(?\d+\w?\)?", re.I)


@dataclass(frozen=True)
class Instruction:
    """One item of an amending Pasal: what it does to which Pasal, and where its wording is."""

    angka: int
    change: str  # "diubah", "disisipkan", "dihapus" or "penjelasan"
    pasal: tuple[str, ...]
    start: int  # of the instruction sentence
    wording_start: int
    wording_end: int


@dataclass(frozen=True)
class Provision:
    """One Pasal of a consolidated act."""

    pasal: str
    text: str  # "Pasal 6\n(1) ...\n(2) ..."; for a deleted Pasal "Pasal 25\nDihapus."
    change: str = KEPT  # KEPT, "diubah", "disisipkan" or "dihapus"
    by: str = ""  # "UU 11/2020 Pasal 86 angka 1"
    kept_by: str = ""  # "UU 6/2023"
    source_doc: str = ""  # the doc id holding the amending text
    original: str = ""  # the base act's text of this Pasal ("" for an inserted one)
    path: tuple[str, ...] = ()
    repairs: tuple[Repair, ...] = ()
    what_changed: str = ""  # figures that changed: "20 orang → 9 orang"
    summary: str = ""  # the registry's one-line current rule


@dataclass(frozen=True)
class Consolidation:
    """The consolidated act: every Pasal in order, and what could not be consolidated."""

    doc_id: str
    provisions: tuple[Provision, ...]
    problems: tuple[str, ...] = ()

    def changed(self) -> tuple[Provision, ...]:
        return tuple(p for p in self.provisions if p.change != KEPT)

    def get(self, pasal: str) -> Provision | None:
        key = normalize_pasal(pasal)
        return next((p for p in self.provisions if p.pasal == key), None)

    def repair_counts(self) -> dict[str, int]:
        """Repairs made in this act's new wording, per kind."""
        out: dict[str, int] = {}
        for p in self.provisions:
            for r in p.repairs:
                out[r.kind] = out.get(r.kind, 0) + 1
        return out


def pasal_key(pasal: str) -> tuple[int, str]:
    """Sort key of a Pasal number: "44A" → (44, "A")."""
    m = re.match(r"(\d+)([A-Z]*)", normalize_pasal(pasal))
    return (int(m.group(1)), m.group(2)) if m else (10**6, pasal)


def _number(raw: str) -> str:
    n = parse_number(re.sub(r"\s+", "", raw))
    return n.text if n else normalize_pasal(raw)


def instructions(text: str, start: int, end: int, cuts: tuple[int, ...] = ()) -> list[Instruction]:
    """The instructions of the amending Pasal text[start:end], in order, numbered 1, 2, ...;
    `cuts` are item boundaries (of the amending blocks) a wording never runs across."""
    found: list[tuple[int, int, str, tuple[str, ...]]] = []
    for m in _CHANGE_RE.finditer(text, start, end):
        found.append((m.start(), m.end(), "diubah", (_number(m.group(1)),)))
    for m in _INSERT_RE.finditer(text, start, end):
        nums = tuple(_number(n) for n in re.findall(rf"Pasal\s+({_N})", m.group(1)))
        found.append((m.start(), m.end(), "disisipkan", nums))
    for m in _DELETE_RE.finditer(text, start, end):
        found.append((m.start(), m.end(), "dihapus", (_number(m.group(1)),)))
    for m in _PENJELASAN_RE.finditer(text, start, end):
        found.append((m.start(), m.end(), "penjelasan", (_number(m.group(1)),)))
    found.sort()
    out: list[Instruction] = []
    for i, (s, e, change, nums) in enumerate(found):
        if out and s < out[-1].wording_start:
            continue  # inside another instruction's sentence
        nxt = found[i + 1][0] if i + 1 < len(found) else end
        stop = min([c for c in cuts if e < c < nxt] + [nxt])
        if change in ("dihapus", "penjelasan"):
            stop = e
        out.append(Instruction(len(out) + 1, change, nums, s, e, stop))
    return out


def _strip_heading(text: str, pasal: str) -> str:
    """The wording without its leading "Pasal 21" heading(s) ("Pasal 2 1", "6 Pasal 43")."""
    while True:
        m = re.match(r"\s*(?:\d{1,2}\.?\s+)?Pasa[li]\s+", text)
        if not m:
            return text.strip()
        tokens = re.match(
            r"([0-9OolI]+[A-Z]?)(?:\s([0-9OolI]+[A-Z]?))?(?:\s([0-9OolI]+[A-Z]?))?", text[m.end() :]
        )
        if not tokens:
            return text.strip()
        taken = None
        for k in (1, 2, 3):
            parts = [t for t in tokens.groups()[:k] if t]
            if len(parts) == k and _number("".join(parts)) == pasal:
                taken = len(" ".join(parts))
                break
        if taken is None:
            return text.strip()
        text = text[m.end() + taken :]


def _layout(pasal: str, body: str) -> str:
    """ "Pasal N" and the body with each ayat on a line of its own."""
    body = " ".join(body.split())
    ayat = split_ayat(body, 0, flat=True)
    if ayat:
        body = "\n".join(a.text.strip() for a in ayat if a.text.strip())
    return f"Pasal {pasal}\n{body}"


def new_wording(text: str, ins: Instruction, pasal: str) -> tuple[str, tuple[Repair, ...]]:
    """The repaired new wording of `pasal` given by instruction `ins` of the amending text."""
    raw = text[ins.wording_start : ins.wording_end]
    if len(ins.pasal) > 1:  # several inserted Pasal: cut at each one's heading
        heads = [re.search(rf"(?<![\w(])Pasal\s+{re.escape(p)}(?![\w)])", raw) for p in ins.pasal]
        at = ins.pasal.index(pasal)
        if heads[at]:
            nxt = heads[at + 1].start() if at + 1 < len(heads) and heads[at + 1] else len(raw)
            raw = raw[heads[at].start() : nxt]
    raw = _TRAILING_HEADING.sub("", raw.rstrip())
    raw = _TRAILING_NUMBER.sub("", raw)
    fixed = repair(_strip_heading(raw, pasal))
    return _layout(pasal, fixed.text), fixed.repairs


def _figures(text: str) -> list[str]:
    plain = _CITED_RE.sub(" ", text)
    out = []
    for n, unit in _FIGURE_RE.findall(plain):
        item = f"{n}%" if unit == "%" else f"{n} {unit.lower()}"
        if item not in out:
            out.append(item)
    return out


def what_changed(old: str, new: str) -> str:
    """The figures that differ between two wordings: "20 orang → 9 orang" ("" if none)."""
    before, after = _figures(old), _figures(new)
    gone = [f for f in before if f not in after]
    came = [f for f in after if f not in before]
    if not gone or not came:
        return ""
    units = {f.split(" ")[-1] for f in came}
    gone = [f for f in gone if f.split(" ")[-1] in units] or gone
    return f"{', '.join(gone[:3])} → {', '.join(came[:3])}"


def _amending_region(
    parsed: ParsedDocument, amending_pasal: str
) -> tuple[int, int, tuple[int, ...]]:
    """Span of the amending Pasal's blocks, and the starts of its items after the first (an item
    split again at nested headings, "Pasal I angka 3 (Pasal 29B)", is one item)."""
    head = f"Pasal {amending_pasal}"
    blocks = [
        b
        for b in parsed.blocks
        if b.part == PART_BODY and (b.label == head or b.label.startswith(head + " angka"))
    ]
    if not blocks:
        return 0, 0, ()
    items = [re.sub(r"\s*\(Pasal [^)]*\)$", "", b.label) for b in blocks]
    cuts = tuple(b.start for i, b in enumerate(blocks) if i and items[i] != items[i - 1])
    return blocks[0].start, blocks[-1].end, cuts


def _entries(registry: Registry, doc_id: str, docs: dict) -> list[StatusEntry]:
    return [
        e
        for e in registry.for_document(doc_id)
        if e.pasal
        and e.change in CHANGES
        and e.part == PART_BODY
        and e.current_doc in docs
        and e.current_doc != doc_id
    ]


def amended_documents(registry: Registry, docs: dict, absent: bool = False) -> list[str]:
    """Doc ids among `docs` that another document of `docs` amends Pasal by Pasal; with
    `absent`, also acts without text whose amending text `docs` holds (PMK 108/2024)."""
    ids = list(docs) + (sorted({e.doc for e in registry.entries} - set(docs)) if absent else [])
    return [d for d in ids if _entries(registry, d, docs)]


def consolidate(
    doc_id: str, docs: dict[str, tuple[Document, ParsedDocument]], registry: Registry
) -> Consolidation:
    """The consolidated act of `doc_id` from the amending texts among `docs` (doc id →
    (document, parsed document)) that the registry names."""
    base = docs[doc_id][1] if doc_id in docs else None  # absent: only the changed Pasal
    original = {b.pasal: b for b in base.blocks if b.part == PART_BODY and b.pasal} if base else {}
    problems: list[str] = []
    changed: dict[str, Provision] = {}
    for entry in _entries(registry, doc_id, docs):
        m = _BY_RE.search(entry.by)
        if not m:
            problems.append(f"Pasal {entry.pasal}: '{entry.by}' tidak menyebut 'Pasal N angka M'")
            continue
        amending_doc, amending = docs[entry.current_doc]
        start, end, cuts = _amending_region(amending, m.group(1))
        found = [
            i
            for i in instructions(amending_doc.text, start, end, cuts)
            if entry.pasal in i.pasal and i.change != "penjelasan"
        ]
        if not found:
            problems.append(f"Pasal {entry.pasal}: tidak ditemukan dalam {entry.by}")
            continue
        ins = found[0]
        if str(ins.angka) != m.group(2):
            problems.append(
                f"Pasal {entry.pasal}: teks menomori angka {ins.angka}, registri {entry.by}"
            )
        old = original.get(entry.pasal)
        if ins.change == "dihapus":
            text, repairs = f"Pasal {entry.pasal}\nDihapus.", ()
        else:
            text, repairs = new_wording(amending_doc.text, ins, entry.pasal)
        old_text = _body_text(old) if old else ""
        changed[entry.pasal] = Provision(
            pasal=entry.pasal,
            text=text,
            change=entry.change,
            by=entry.by,
            kept_by=entry.kept_by,
            source_doc=entry.current_doc,
            original=old_text,
            path=old.path if old else (),
            repairs=repairs,
            what_changed=what_changed(old_text, text) if entry.change == "diubah" else "",
            summary=entry.summary,
        )
    provisions: list[Provision] = []
    for pasal, block in original.items():
        provisions.append(
            changed.pop(pasal, None) or Provision(pasal, _body_text(block), path=block.path)
        )
    for p in changed.values():  # inserted Pasal (and any the base text lacks), in number order
        prev = [q for q in provisions if pasal_key(q.pasal) < pasal_key(p.pasal)]
        at = provisions.index(prev[-1]) + 1 if prev else 0
        path = provisions[at - 1].path if at else ()
        provisions.insert(at, Provision(**{**p.__dict__, "path": p.path or path}))
    return Consolidation(doc_id, tuple(provisions), tuple(problems))


def _body_text(block: Block) -> str:
    """A Pasal's text from its heading on (the BAB/Bagian headings before it left out)."""
    m = re.search(rf"(?m)^[ \t]*Pasal[ \t]+{re.escape(block.pasal or '')}\b", block.text)
    return block.text[m.start() :].strip() if m else block.text.strip()


def citation_suffix(p: Provision) -> str:
    """ ", sebagaimana diubah UU 11/2020 Pasal 86 angka 1, dipertahankan UU 6/2023"."""
    if p.change == KEPT:
        return ""
    verb = {"diubah": "sebagaimana diubah", "disisipkan": "disisipkan", "dihapus": "dihapus"}
    kept = f", dipertahankan {p.kept_by}" if p.kept_by else ""
    return f", {verb[p.change]} {p.by}{kept}"


def _year(label: str) -> str:
    m = _YEAR_RE.search(label)
    return m.group(1) if m else ""


def history(p: Provision, base_year: int | None) -> str:
    """ "Riwayat: 1992 teks asli · 2020 diubah UU 11/2020 Pasal 86 angka 1 · 2023 dipertahankan
    UU 6/2023" ("" for a Pasal never changed)."""
    if p.change == KEPT:
        return ""
    steps = [] if p.change == "disisipkan" else [f"{base_year or ''} teks asli".strip()]
    steps.append(f"{_year(p.by)} {p.change} {p.by}".strip())
    if p.kept_by:
        steps.append(f"{_year(p.kept_by)} dipertahankan {p.kept_by}".strip())
    return "Riwayat: " + " · ".join(steps)


def change_note(p: Provision) -> str:
    """The status note of a consolidated Pasal (its citation names the amending act already):
    "Teks berlaku, diubah 2020: 20 orang → 9 orang. Koperasi primer kini dibentuk ..." """
    if p.change == KEPT:
        return ""
    what = f": {p.what_changed}" if p.what_changed else ""
    rule = f" {p.summary[:1].upper()}{p.summary[1:]}." if p.summary else ""
    return f"Teks berlaku, {p.change} {_year(p.by)}{what}.{rule}"


def current_blocks(c: Consolidation) -> tuple[Block, ...]:
    """The changed, inserted and deleted Pasal of a consolidation as blocks of PART_CURRENT."""
    out = []
    for p in c.changed():
        label = f"Pasal {p.pasal}"
        ayat = split_ayat(p.text, len(label))
        out.append(Block(PART_CURRENT, label, p.text, 0, len(p.text), p.pasal, p.path, ayat))
    return tuple(out)


ORDER_BASE = 100_000  # consolidated chunks sort after the original ones, in consolidated order


def current_chunks(doc: Document, c: Consolidation, max_chars: int = 1800) -> tuple[Chunk, ...]:
    """Indexable chunks of the changed, inserted and deleted Pasal of a consolidation, cited
    with the amending act ("UU 25/1992 Pasal 6 ayat (1)–(2), sebagaimana diubah ...")."""
    blocks = current_blocks(c)
    if not blocks:
        return ()
    position = {p.pasal: i for i, p in enumerate(c.provisions)}
    out = []
    for ch in chunk_document(doc, ParsedDocument(blocks, "pasal"), max_chars):
        p = c.get(ch.pasal or "")
        suffix = citation_suffix(p) if p else ""
        context = f"{ch.context} | teks berlaku{suffix}"
        out.append(
            replace(
                ch,
                citation=ch.citation + suffix,
                context=context,
                order=ORDER_BASE + position.get(ch.pasal or "", 0) * 100 + ch.order,
                content_hash=content_hash(ch.text, context, ""),
            )
        )
    return tuple(out)
