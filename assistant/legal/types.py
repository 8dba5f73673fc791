"""Value types shared by loading, parsing, chunking and the index."""

from __future__ import annotations

from dataclasses import dataclass, field

# Parts of a legal document a block can belong to.
PART_BODY = "batang_tubuh"  # the operative text: Pasal, diktum, numbered sections
PART_PENJELASAN = "penjelasan"  # the Elucidation (Umum or Pasal demi Pasal)
PART_PREAMBLE = "pembukaan"  # title, Menimbang, Mengingat, Memutuskan
PART_CLOSING = "penutup"  # signatures, promulgation, attachments not otherwise structured
PART_CURRENT = (
    "teks_berlaku"  # consolidated wording of a Pasal another act changed (consolidate.py)
)

KIND_REGULATION = "regulation"
KIND_PROGRAM = "program"


@dataclass(frozen=True)
class DocMeta:
    """Metadata of one document, from front matter, sources.toml or its title line."""

    doc_id: str
    jenis: str = ""
    nomor: str = ""
    tahun: int | None = None
    judul: str = ""
    status: str = ""
    kind: str = KIND_REGULATION
    amended_by: tuple[str, ...] = ()
    revokes: tuple[str, ...] = ()
    official_url: str = ""
    source: str = ""
    date: str = ""


@dataclass(frozen=True)
class Document:
    """A loaded document: its body text (front matter removed) and metadata."""

    meta: DocMeta
    text: str
    path: str = ""


@dataclass(frozen=True)
class Ayat:
    """One numbered paragraph `(n)` of a Pasal; number is None for text before the first ayat."""

    number: str | None
    text: str


@dataclass(frozen=True)
class Block:
    """One structural unit of a document: a Pasal, its Penjelasan, a diktum or a headed section.

    `text` is the exact slice body[start:end] of the document body, so that the blocks of a
    document cover every character of it.
    """

    part: str
    label: str  # what a person reads: "Pasal 6", "KEDUA", "BAB III angka 1", "Penjelasan Umum"
    text: str
    start: int
    end: int
    pasal: str | None = None  # "6", "44A", "I"; None where the block is no Pasal
    path: tuple[str, ...] = ()  # ("BAB IV PEMBENTUKAN", "Bagian Pertama Syarat Pembentukan")
    ayat: tuple[Ayat, ...] = ()


@dataclass(frozen=True)
class ParsedDocument:
    """The legal structure of a document body."""

    blocks: tuple[Block, ...]
    shape: str  # "pasal", "diktum", "sections", "paragraphs"


@dataclass(frozen=True)
class Chunk:
    """One indexed passage: a Pasal (or a group of its ayat), a Penjelasan or a section."""

    id: str  # stable: "uu-25-1992/pasal-6/1-2", "uu-25-1992/penjelasan/pasal-6"
    doc_id: str
    text: str  # the provision text as in the document
    context: str  # title, headings and citation label: prepended for embedding and keyword search
    citation: str  # "UU 25/1992 Pasal 6 ayat (1)–(2)"
    part: str
    label: str
    order: int  # position within the document
    content_hash: str
    pasal: str | None = None
    ayat_start: str | None = None
    ayat_end: str | None = None
    path: tuple[str, ...] = ()
    penjelasan: str = ""  # the Penjelasan of this Pasal, for display
    term: str = ""  # a definition unit (Pasal 1 angka N): the term(s) it defines, "; "-joined
    meta: DocMeta = field(default_factory=lambda: DocMeta(doc_id=""))
