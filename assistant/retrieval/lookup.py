"""Direct reference lookup: "Pasal 6 ayat (1) UU 25/1992" → the chunks of exactly that provision."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .vocabulary import Vocabulary, alias_spans

PENJELASAN = "penjelasan"
CURRENT = "teks_berlaku"  # legal.types.PART_CURRENT: the consolidated wording of a Pasal

# Words people write for a kind of regulation → the doc-id prefix used in the corpus.
TYPE_WORDS = {
    "undang-undang": "uu",
    "undang undang": "uu",
    "uu": "uu",
    "perppu": "perppu",
    "peraturan pemerintah": "pp",
    "pp": "pp",
    "peraturan presiden": "perpres",
    "perpres": "perpres",
    "instruksi presiden": "inpres",
    "inpres": "inpres",
    "peraturan menteri koperasi dan usaha kecil dan menengah": "permenkop",
    "peraturan menteri koperasi dan ukm": "permenkop",
    "peraturan menteri koperasi": "permenkop",
    "permenkop ukm": "permenkop",
    "permenkopukm": "permenkop",
    "permenkop": "permenkop",
    "peraturan menteri hukum dan ham": "permenkumham",
    "permenkumham": "permenkumham",
    "peraturan menteri hukum": "permenkum",
    "permenkum": "permenkum",
    "peraturan menteri keuangan": "pmk",
    "pmk": "pmk",
    "peraturan menteri desa": "permendesa",
    "permendes pdtt": "permendesa",
    "permendesa": "permendesa",
    "permendes": "permendesa",
    "peraturan menteri dalam negeri": "permendagri",
    "permendagri": "permendagri",
    "juklak menkop": "juklak-menkop",
    "juklak": "juklak-menkop",
    "surat edaran menteri koperasi": "se-menkop",
    "se menkop": "se-menkop",
    "surat edaran menteri desa": "se-mendesa",
    "se mendesa": "se-mendesa",
}
_TYPES = "|".join(re.escape(t) for t in sorted(TYPE_WORDS, key=len, reverse=True))
_DOC = re.compile(
    rf"\b(?P<type>{_TYPES})\s*(?:ri\s+)?(?:no\.?|nomor)?\s*(?P<nomor>\d+)\s*"
    r"(?:/|tahun|thn\.?|th\.?)\s*(?P<tahun>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_BARE_TYPE = re.compile(
    rf"\b(?P<type>{_TYPES})\b(?!\s*(?:ri\s+)?(?:no\.?|nomor)?\s*\d)", re.IGNORECASE
)
_UNTYPED_DOC = re.compile(r"\bnomor\s+(?P<nomor>\d+)\s+tahun\s+(?P<tahun>(?:19|20)\d\d)\b", re.I)
_PASAL = re.compile(
    r"\b(?P<pj>penjelasan\s+(?:atas\s+)?)?pasal\s+(?P<pasal>\d+[a-z]?)\b"
    r"(?:\s*,?\s*ayat\s*\(?\s*(?P<ayat>\d+)\s*\)?)?",
    re.IGNORECASE,
)
_ID_PREFIX = re.compile(r"^([a-z]+(?:-[a-z]+)*?)-\d")


@dataclass(frozen=True)
class DocEntry:
    """What a reference can match in one indexed document."""

    doc_id: str
    prefix: str
    nomor: str
    tahun: int


@dataclass(frozen=True)
class Slot:
    """One indexed chunk as the lookup sees it."""

    id: str
    doc_id: str
    part: str
    pasal: str
    label: str
    order: int
    ayat_start: str = ""
    ayat_end: str = ""
    term: str = ""  # a definition unit of a Ketentuan Umum: the term(s) it defines


@dataclass(frozen=True)
class Catalog:
    """The documents and provisions a reference can resolve to, indexed once at construction
    by document, by (document, Pasal), by (nomor, tahun) and by kind, so that a lookup costs
    per match, not per chunk of the corpus. Each index keeps the catalog's order."""

    docs: tuple[DocEntry, ...]
    slots: tuple[Slot, ...]
    _by_doc: dict = field(init=False, repr=False, compare=False)
    _by_pasal: dict = field(init=False, repr=False, compare=False)
    _by_number: dict = field(init=False, repr=False, compare=False)
    _by_prefix: dict = field(init=False, repr=False, compare=False)
    known: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        by_doc: dict[str, list[Slot]] = {}
        by_pasal: dict[tuple[str, str], list[Slot]] = {}
        for s in self.slots:
            by_doc.setdefault(s.doc_id, []).append(s)
            by_pasal.setdefault((s.doc_id, s.pasal), []).append(s)
        by_number: dict[tuple[str, int], list[DocEntry]] = {}
        by_prefix: dict[str, list[DocEntry]] = {}
        for d in self.docs:
            by_number.setdefault((d.nomor, d.tahun), []).append(d)
            by_prefix.setdefault(d.prefix, []).append(d)
        frozen = object.__setattr__
        frozen(self, "_by_doc", {k: tuple(v) for k, v in by_doc.items()})
        frozen(self, "_by_pasal", {k: tuple(v) for k, v in by_pasal.items()})
        frozen(self, "_by_number", {k: tuple(v) for k, v in by_number.items()})
        frozen(self, "_by_prefix", {k: tuple(v) for k, v in by_prefix.items()})
        frozen(self, "known", frozenset(d.doc_id for d in self.docs))

    def in_doc(self, doc_id: str) -> tuple[Slot, ...]:
        """The slots of one document, in catalog order."""
        return self._by_doc.get(doc_id, ())

    def in_pasal(self, doc_id: str, pasal: str) -> tuple[Slot, ...]:
        """The slots of one document whose `pasal` is `pasal` (upper case), in catalog order."""
        return self._by_pasal.get((doc_id, pasal), ())

    def numbered(self, nomor: str, tahun: int) -> tuple[DocEntry, ...]:
        """The documents with this number and year, in catalog order."""
        return self._by_number.get((nomor, tahun), ())

    def of_kind(self, prefix: str) -> tuple[DocEntry, ...]:
        """The documents whose id starts with this kind ("uu", "pp"), in catalog order."""
        return self._by_prefix.get(prefix, ())


@dataclass(frozen=True)
class Reference:
    """A reference found in a question; doc_ids are the indexed documents it names."""

    written: str
    doc_ids: tuple[str, ...] = ()
    pasal: str | None = None
    ayat: str | None = None
    penjelasan: bool = False
    missing: bool = False  # a document was named that is not in the index


def doc_entry(doc_id: str, nomor: str, tahun: int) -> DocEntry:
    """Index the id "pmk-81-2025" (nomor "81", tahun 2025) under prefix "pmk"."""
    m = _ID_PREFIX.match(doc_id)
    number = re.match(r"\d+", nomor or "")
    return DocEntry(doc_id, m.group(1) if m else "", number.group(0) if number else "", tahun)


def build_catalog(metas: Iterable[tuple[str, dict]]) -> Catalog:
    """A catalog from (chunk id, chunk metadata) pairs."""
    docs: dict[str, DocEntry] = {}
    slots: list[Slot] = []
    for cid, m in metas:
        doc_id = m.get("doc_id", "")
        if doc_id not in docs:
            docs[doc_id] = doc_entry(doc_id, str(m.get("nomor", "")), int(m.get("tahun") or 0))
        slots.append(
            Slot(
                cid,
                doc_id,
                m.get("part", ""),
                str(m.get("pasal", "")).upper(),
                m.get("label", ""),
                int(m.get("order", 0)),
                str(m.get("ayat_start", "")),
                str(m.get("ayat_end", "")),
                str(m.get("term", "")),
            )
        )
    return Catalog(tuple(docs.values()), tuple(slots))


def with_documents(catalog: Catalog, doc_ids) -> Catalog:
    """The catalog plus documents known without text (acts the amendment registry names), so
    that "PMK 108/2024" resolves to its id instead of counting as unknown."""
    known = {d.doc_id for d in catalog.docs}
    extra = []
    for doc_id in sorted(set(doc_ids) - known):
        m = re.match(r"^[a-z]+(?:-[a-z]+)*-(\d+)-((?:19|20)\d\d)$", doc_id)
        if m:
            extra.append(doc_entry(doc_id, m.group(1), int(m.group(2))))
    return Catalog(catalog.docs + tuple(extra), catalog.slots)


def _docs_named(prefix: str | None, nomor: str, tahun: int, catalog: Catalog) -> tuple[str, ...]:
    return tuple(
        d.doc_id for d in catalog.numbered(nomor, tahun) if prefix is None or d.prefix == prefix
    )


def _doc_mentions(
    query: str, catalog: Catalog, vocab: Vocabulary
) -> list[tuple[int, int, Reference]]:
    found: list[tuple[int, int, Reference]] = []
    for m in _DOC.finditer(query):
        prefix = TYPE_WORDS[" ".join(m["type"].lower().split())]
        ids = _docs_named(prefix, m["nomor"], int(m["tahun"]), catalog)
        found.append((m.start(), m.end(), Reference(m.group(0), ids, missing=not ids)))
    for m in _UNTYPED_DOC.finditer(query):
        if not any(s <= m.start() < e for s, e, _ in found):
            ids = _docs_named(None, m["nomor"], int(m["tahun"]), catalog)
            found.append((m.start(), m.end(), Reference(m.group(0), ids, missing=not ids)))
    known = catalog.known
    for start, end, docs in alias_spans(query, vocab):
        ids = tuple(d for d in docs if d in known)
        if ids and not any(s < end and start < e for s, e, _ in found):
            found.append((start, end, Reference(query[start:end], ids)))
    return sorted(found, key=lambda f: f[0])


def find_references(
    query: str, catalog: Catalog, vocab: Vocabulary, default_docs: Sequence[str] = ()
) -> list[Reference]:
    """Every document and provision reference in a question, in text order.

    A Pasal binds to the document written right after it ("Pasal 43 UU 25/1992"), else to the
    nearest one before it ("PP 9/1995 pasal 19"), else to `default_docs` (e.g. a filter).
    """
    docs = _doc_mentions(query, catalog, vocab)
    refs: list[tuple[int, Reference]] = []
    bound: set[int] = set()
    for m in _PASAL.finditer(query):
        after = [d for d in docs if 0 <= d[0] - m.end() <= 40]
        before = [d for d in docs if d[1] <= m.start()]
        doc = after[0] if after else (before[-1] if before else None)
        if doc is not None:
            bound.add(doc[0])
            ids, missing = doc[2].doc_ids, doc[2].missing
        else:
            ids, missing = tuple(default_docs), False
        pj = bool(m["pj"])
        refs.append(
            (m.start(), Reference(m.group(0), ids, m["pasal"].upper(), m["ayat"], pj, missing))
        )
    refs += [(s, r) for s, _, r in docs if s not in bound]
    return [r for _, r in sorted(refs, key=lambda x: x[0])]


def _ayat_key(slot: Slot, ayat: str | None) -> tuple[int, int, int]:
    """The consolidated wording (teks berlaku) of an amended Pasal before its original text,
    then the asked ayat's group, then document order."""
    current = 0 if slot.part == CURRENT else 1
    if ayat is None or not slot.ayat_start.isdigit():
        return (current, 1, slot.order)
    end = slot.ayat_end if slot.ayat_end.isdigit() else slot.ayat_start
    inside = int(slot.ayat_start) <= int(ayat) <= int(end)
    return (current, 0 if inside else 1, slot.order)


def provision_ids(ref: Reference, catalog: Catalog) -> list[str]:
    """Chunk ids of a Pasal reference: the asked part first (the ayat's group first), then the other."""
    if not ref.pasal or not ref.doc_ids:
        return []
    out: list[str] = []
    for doc_id in ref.doc_ids:
        slots = [s for s in catalog.in_pasal(doc_id, ref.pasal) if not s.term]  # the Pasal itself
        asked = [s for s in slots if (s.part == PENJELASAN) == ref.penjelasan]
        other = [s for s in slots if (s.part == PENJELASAN) != ref.penjelasan]
        out += [s.id for s in sorted(asked, key=lambda s: _ayat_key(s, ref.ayat))]
        out += [s.id for s in sorted(other, key=lambda s: s.order)]
    return out


def lookup(refs: Sequence[Reference], catalog: Catalog) -> list[str]:
    """Chunk ids for every Pasal reference, in the order the question names them."""
    out: list[str] = []
    for ref in refs:
        out += [i for i in provision_ids(ref, catalog) if i not in out]
    return out


def mentioned_types(query: str, catalog: Catalog, vocab: Vocabulary) -> set[str]:
    """Doc ids of every indexed document of a kind named without a number ("menurut UU")."""
    aliases = alias_spans(query, vocab)
    prefixes = {
        TYPE_WORDS[" ".join(m["type"].lower().split())]
        for m in _BARE_TYPE.finditer(query)
        if not any(s <= m.start() < e for s, e, _ in aliases)
    }
    return {d.doc_id for prefix in prefixes for d in catalog.of_kind(prefix)}
