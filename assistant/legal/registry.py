"""Amendment and status registry: which provisions changed, by what, and what holds now.

Status codes of a provision (`ChunkStatus.code`):
- "berlaku": in force. Also used for a provision of an amended document that is not itself
  changed, for an inserted Pasal, and for a text that was formally replaced but whose content
  the replacing act keeps (`content_kept`, e.g. the BAB V excerpt of UU 11/2020 kept by UU 6/2023).
- "diubah": the provision was amended; the text shown is the old wording.
- "dihapus": the Pasal was deleted.
- "dicabut": revoked, or replaced as a whole by a named later act ("TIDAK BERLAKU – digantikan
  PP 7/2021" is "dicabut", since the replacing act is named).
- "dibatalkan": annulled by a court (Mahkamah Konstitusi).
- "tidak_berlaku": out of force without a named revoking or replacing act (e.g. expired).
- "belum_diverifikasi": the document's own status says it is unverified (or unknown, a draft):
  never shown as in force.
Registry entries take precedence over the document's free-text status.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from ..errors import DocumentError
from .types import PART_BODY, PART_PENJELASAN

CHANGES = ("diubah", "disisipkan", "dihapus", "dicabut", "dibatalkan", "diganti")
DOCUMENT_CODES = (
    "berlaku",
    "diubah",
    "dicabut",
    "dibatalkan",
    "tidak_berlaku",
    "belum_diverifikasi",
)
_UNVERIFIED_HEAD = re.compile(
    r"\b(?:belum|tidak) (?:di)?verifikasi|\bunverified|\b(?:belum|tidak) diketahui|\bunknown"
    r"|\bdraf|\bdraft|\brancangan"
)
CHUNK_CODES = DOCUMENT_CODES + ("dihapus",)

_REQUIRED = ("doc", "change", "by", "summary", "source")
_OPTIONAL_TEXT = ("pasal", "part", "kept_by", "current_doc", "current_pasal", "previously")
_OPTIONAL_BOOL = ("content_kept", "verified")
_FIELDS = _REQUIRED + _OPTIONAL_TEXT + _OPTIONAL_BOOL
_TOP_LEVEL = ("labels", "external", "entry")

# Strongest first: which change decides the code when several apply.
_DOCUMENT_ENDINGS = ("dibatalkan", "dicabut", "diganti")
_PASAL_PRIORITY = ("dihapus", "dicabut", "dibatalkan", "diganti", "diubah", "disisipkan")
_PASAL_CODE = {
    "diubah": "diubah",
    "diganti": "diubah",
    "dihapus": "dihapus",
    "dicabut": "dicabut",
    "dibatalkan": "dibatalkan",
    "disisipkan": "berlaku",
}
_VERB = {
    "diubah": "telah diubah",
    "diganti": "telah diganti",
    "dihapus": "telah dihapus",
    "dicabut": "telah dicabut",
    "dibatalkan": "telah dibatalkan",
    "disisipkan": "disisipkan",
}
_PREFIXES = {"uu": "UU", "pp": "PP", "pmk": "PMK", "perppu": "Perppu", "inpres": "Inpres"}
_UNVERIFIED = " Catatan: keterangan ini belum diverifikasi dari teks resmi."


@dataclass(frozen=True)
class StatusEntry:
    """One change to a document or one of its provisions."""

    doc: str
    change: str
    by: str
    summary: str
    source: str
    pasal: str | None = None  # None: the whole document
    part: str = PART_BODY  # PART_PENJELASAN: only the Elucidation of the Pasal changed
    kept_by: str = ""
    current_doc: str = ""
    current_pasal: str = ""
    content_kept: bool = False
    verified: bool = True
    previously: str = ""  # what the changed provision said that differs from the rule now


@dataclass(frozen=True)
class ChunkStatus:
    """Status of one provision: a code, warnings for the reader, and the rule that holds now."""

    code: str
    warnings: tuple[str, ...] = ()
    current_rule: str = ""
    current: tuple[tuple[str, str | None], ...] = ()  # (doc_id, pasal) holding the current text


@dataclass(frozen=True)
class Registry:
    """All status entries plus citation labels and the external acts they mention."""

    entries: tuple[StatusEntry, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    external: tuple[tuple[str, str], ...] = ()  # (doc_id, title) of acts without text in the corpus

    def lookup(
        self, doc_id: str, pasal: str | None = None, part: str | None = None
    ) -> tuple[StatusEntry, ...]:
        """Document-wide entries of doc_id plus those of the given Pasal (and part, if given)."""
        key = normalize_pasal(pasal) if pasal else None
        found = []
        for entry in self.entries:
            if entry.doc != doc_id:
                continue
            if entry.pasal is None:
                found.append(entry)
            elif entry.pasal == key and _part_matches(entry, part):
                found.append(entry)
        return tuple(found)

    def superseded_by(self, doc_id: str, pasal: str) -> tuple[StatusEntry, ...]:
        """Provisions of ended acts that once ruled differently on what doc_id's Pasal rules now."""
        key = normalize_pasal(pasal)
        return tuple(
            e
            for e in self.entries
            if e.pasal is not None
            and e.previously
            and e.change in _DOCUMENT_ENDINGS
            and (e.current_doc, e.current_pasal) == (doc_id, key)
        )

    def for_document(self, doc_id: str) -> tuple[StatusEntry, ...]:
        """Every entry of doc_id, document-wide and per Pasal."""
        return tuple(e for e in self.entries if e.doc == doc_id)

    def label(self, doc_id: str) -> str:
        """Short citation label of a document ("UU 25/1992")."""
        return dict(self.labels).get(doc_id) or label_from_id(doc_id)

    def is_external(self, doc_id: str) -> bool:
        """True if doc_id is a known act without text in the corpus."""
        return doc_id in dict(self.external)

    def doc_ids(self) -> frozenset[str]:
        """Every doc id the entries refer to, as changed or as current document."""
        ids = {e.doc for e in self.entries} | {e.current_doc for e in self.entries}
        return frozenset(ids - {""})


def _part_matches(entry: StatusEntry, part: str | None) -> bool:
    if part is None or entry.part != PART_PENJELASAN:
        return True  # a change of the Pasal itself also dates its Penjelasan
    return part == PART_PENJELASAN


def normalize_pasal(pasal: str) -> str:
    """Canonical Pasal number: "Pasal 44 A" -> "44A"."""
    text = re.sub(r"^\s*pasal\s*", "", pasal, flags=re.IGNORECASE)
    return re.sub(r"\s+", "", text).upper()


def label_from_id(doc_id: str) -> str:
    """Guess a citation label from a doc id: "permenkop-ukm-1-2020" -> "Permenkop UKM 1/2020"."""
    match = re.match(r"^([a-z-]+?)-([0-9][0-9a-z.]*)-(\d{4})(?:-.*)?$", doc_id)
    if not match:
        return doc_id
    words = match.group(1).split("-")
    head = _PREFIXES.get(words[0], words[0].capitalize())
    name = " ".join([head] + [w.upper() for w in words[1:]])
    return f"{name} {match.group(2).upper()}/{match.group(3)}"


def parse_registry(toml_text: str, name: str = "amendments.toml") -> Registry:
    """Parse and validate the registry file; invalid content raises DocumentError."""
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise DocumentError(name, f"TOML tidak valid: {exc}") from exc
    unknown = sorted(set(data) - set(_TOP_LEVEL))
    if unknown:
        raise DocumentError(name, f"bagian tidak dikenal: {', '.join(unknown)}")
    labels = _string_table(data.get("labels", {}), "labels", name)
    external = _string_table(data.get("external", {}), "external", name)
    raw_entries = data.get("entry", [])
    if not isinstance(raw_entries, list):
        raise DocumentError(name, "'entry' harus berupa daftar [[entry]]")
    entries = tuple(_parse_entry(raw, i, name) for i, raw in enumerate(raw_entries, start=1))
    return Registry(entries=entries, labels=labels, external=external)


def _string_table(value: Any, section: str, name: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise DocumentError(name, f"[{section}] harus berupa tabel")
    for key, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise DocumentError(name, f"[{section}] '{key}' harus berupa teks yang tidak kosong")
    return tuple(sorted(value.items()))


def _parse_entry(raw: Any, index: int, name: str) -> StatusEntry:
    where = f"entri ke-{index}"
    if not isinstance(raw, dict):
        raise DocumentError(name, f"{where}: harus berupa tabel")
    if isinstance(raw.get("doc"), str):
        where += f" (doc '{raw['doc']}')"

    def fail(field: str, problem: str) -> DocumentError:
        return DocumentError(name, f"{where}: kolom '{field}' {problem}")

    for field in sorted(set(raw) - set(_FIELDS)):
        raise fail(field, "tidak dikenal")
    for field in _REQUIRED:
        if field not in raw:
            raise fail(field, "wajib diisi")
    for field in _REQUIRED + _OPTIONAL_TEXT:
        if field in raw and (not isinstance(raw[field], str) or not raw[field].strip()):
            raise fail(field, "harus berupa teks yang tidak kosong")
    for field in _OPTIONAL_BOOL:
        if field in raw and not isinstance(raw[field], bool):
            raise fail(field, "harus bernilai true atau false")
    if raw["change"] not in CHANGES:
        raise fail(
            "change", f"bernilai '{raw['change']}', harus salah satu dari {', '.join(CHANGES)}"
        )
    part = raw.get("part", PART_BODY)
    if part not in (PART_BODY, PART_PENJELASAN):
        raise fail("part", f"harus '{PART_BODY}' atau '{PART_PENJELASAN}'")
    if part == PART_PENJELASAN and "pasal" not in raw:
        raise fail("part", "'penjelasan' memerlukan kolom 'pasal'")
    if "current_pasal" in raw and "current_doc" not in raw:
        raise fail("current_pasal", "memerlukan kolom 'current_doc'")
    if raw.get("content_kept") and (raw["change"] != "diganti" or "pasal" in raw):
        raise fail("content_kept", "hanya untuk change 'diganti' atas seluruh dokumen")
    return StatusEntry(
        doc=raw["doc"].strip(),
        change=raw["change"],
        by=raw["by"].strip(),
        summary=raw["summary"].strip().rstrip("."),
        source=raw["source"].strip(),
        pasal=normalize_pasal(raw["pasal"]) if "pasal" in raw else None,
        part=part,
        kept_by=raw.get("kept_by", "").strip(),
        current_doc=raw.get("current_doc", "").strip(),
        current_pasal=normalize_pasal(raw["current_pasal"]) if "current_pasal" in raw else "",
        content_kept=raw.get("content_kept", False),
        verified=raw.get("verified", True),
        previously=raw.get("previously", "").strip().rstrip("."),
    )


def status_code(status_text: str) -> str:
    """Map a document's free-text front-matter status to one of DOCUMENT_CODES.

    Only the lead phrase (before a bracket, dash, colon or semicolon) decides, so that remarks
    such as "berlaku (belum diverifikasi apakah sebagian telah diganti ...)" stay "berlaku".
    A lead phrase saying the status is unverified, unknown or a draft is "belum_diverifikasi",
    and so is a document that states no status at all (a file of unknown origin is never shown
    as in force); other statuses count as "berlaku".
    """
    text = " ".join(status_text.lower().split())
    if not text:
        return "belum_diverifikasi"
    head = re.split(r"\s*(?:\(|–|—|;|:|\s-\s)", text, maxsplit=1)[0]
    if "batal" in head or "tidak mempunyai kekuatan hukum" in head:
        return "dibatalkan"
    if "sebagian" in head or "perubahan" in head or "diubah" in head:
        return "diubah"
    if "dicabut" in head or "diganti" in head:
        return "dicabut"
    if "tidak berlaku" in head or "kedaluwarsa" in head:
        return "dicabut" if re.search(r"dicabut|diganti|mencabut", text) else "tidak_berlaku"
    if _UNVERIFIED_HEAD.search(head):
        return "belum_diverifikasi"
    return "berlaku"


def _strongest(entries: list[StatusEntry], order: tuple[str, ...]) -> StatusEntry | None:
    ranked = [e for e in entries if e.change in order]
    return min(ranked, key=lambda e: order.index(e.change)) if ranked else None


def _pointer(entry: StatusEntry) -> tuple[str, str | None] | None:
    if not entry.current_doc:
        return None
    return (entry.current_doc, entry.current_pasal or None)


def _document_sentence(entry: StatusEntry, registry: Registry) -> str:
    """One Indonesian sentence on a document-wide change."""
    label = registry.label(entry.doc)
    now = f"; yang berlaku {registry.label(entry.current_doc)}" if entry.current_doc else ""
    if entry.change == "dibatalkan":
        text = f"{label} dibatalkan seluruhnya oleh {entry.by}{now}."
    elif entry.change == "diganti" and entry.content_kept:
        kept = entry.kept_by or registry.label(entry.current_doc)
        text = f"{label} secara formal telah diganti oleh {entry.by}, tetapi isinya dipertahankan {kept}."
    elif entry.change in ("dicabut", "diganti"):
        text = f"{label} {_VERB[entry.change]} oleh {entry.by}{now}."
    else:
        text = f"{label} {_VERB[entry.change]} oleh {entry.by}: {entry.summary}."
    return text if entry.verified else text + _UNVERIFIED


def _pasal_sentence(
    entry: StatusEntry, registry: Registry, doc_id: str, ended: StatusEntry | None = None
) -> str:
    """One Indonesian sentence on a change of this Pasal or its Penjelasan (after the sentence on
    the whole act, when the same act `ended` the document: only what rules the matter now)."""
    subject = "Penjelasan pasal ini" if entry.part == PART_PENJELASAN else "Pasal ini"
    kept = f" (dipertahankan {entry.kept_by})" if entry.kept_by else ""
    text = f"{subject} {_VERB[entry.change]} oleh {entry.by}{kept}: {entry.summary}."
    if ended is not None and (ended.change, ended.by) == (entry.change, entry.by):
        text = f"Untuk hal yang diatur pasal ini, kini berlaku: {entry.summary}."
    shown = entry.current_doc and entry.current_doc != doc_id and entry.change != "dihapus"
    if entry.current_doc == doc_id and entry.current_pasal and entry.change != "dihapus":
        # consolidated: the act itself holds the wording in force (consolidate.py)
        label = registry.label(doc_id)
        text += f" Teks yang berlaku: {label} Pasal {entry.current_pasal} (teks berlaku)."
    elif shown and not registry.is_external(entry.current_doc):
        where = registry.label(entry.current_doc)
        if entry.current_pasal:
            where += f" Pasal {entry.current_pasal}"
        text += f" Teks yang berlaku: {where}."
    return text if entry.verified else text + _UNVERIFIED


def _superseded_sentences(entries: tuple[StatusEntry, ...], registry: Registry) -> list[str]:
    """One note per ended act that once ruled differently on this provision's matter."""
    out = []
    for doc in dict.fromkeys(e.doc for e in entries):
        own = [e for e in entries if e.doc == doc]
        items = "; ".join(f"Pasal {e.pasal}: {e.previously}" for e in own)
        verb = _VERB[own[0].change]
        out.append(
            f"Catatan: {registry.label(doc)}, yang {verb} oleh {own[0].by}, pernah mengatur hal "
            f"ini secara lain ({items}); ketentuan itu tidak berlaku lagi."
        )
    return out


def chunk_status(
    doc_id: str,
    pasal: str | None,
    doc_status_text: str,
    registry: Registry,
    part: str = PART_BODY,
) -> ChunkStatus:
    """Status of one provision (or of a non-Pasal block when pasal is None)."""
    code = status_code(doc_status_text)
    warnings: list[str] = []
    rules: list[str] = []
    current: list[tuple[str, str | None]] = []
    every = registry.for_document(doc_id)
    whole = [e for e in every if e.pasal is None]
    own = [e for e in registry.lookup(doc_id, pasal, part) if e.pasal is not None] if pasal else []

    ending = _strongest(whole, _DOCUMENT_ENDINGS)
    if ending is not None:
        if ending.content_kept:
            code = "berlaku"
        else:
            code = "dibatalkan" if ending.change == "dibatalkan" else "dicabut"
        warnings.append(_document_sentence(ending, registry))
        rules.append(ending.summary)
    elif code in ("dicabut", "dibatalkan", "tidak_berlaku"):
        warnings.append(f"Status dokumen ini: {doc_status_text.strip()}")
    elif code == "belum_diverifikasi":
        said = doc_status_text.strip() or "dokumen tidak menyebutkan statusnya"
        warnings.append(
            f"Status dokumen ini belum diverifikasi ({said}); periksa teks resmi sebelum memakainya."
        )
    document_alive = code in ("berlaku", "diubah", "belum_diverifikasi")

    strongest = _strongest(own, _PASAL_PRIORITY)
    if strongest is not None and document_alive:
        code = _PASAL_CODE[strongest.change]
    elif code == "diubah" and any(e.pasal is not None for e in every):
        code = "berlaku"  # the registry knows which Pasal changed, and this one did not
    elif code == "diubah":
        warnings.append(
            "Dokumen ini telah diubah; periksa apakah ketentuan ini termasuk yang diubah."
        )
    for entry in own:
        warnings.append(_pasal_sentence(entry, registry, doc_id, ending))
        rules.append(entry.summary)
    if ending is not None and len(rules) > 1 and all(e.by == ending.by for e in own):
        rules = rules[1:]  # the Pasal's own current rule says more than the act-wide one
    if pasal and part == PART_BODY and document_alive:
        # the body stays in force, but the Penjelasan shown beside it is the old one
        for entry in registry.lookup(doc_id, pasal, PART_PENJELASAN):
            if entry.pasal is not None and entry.part == PART_PENJELASAN:
                warnings.append(_pasal_sentence(entry, registry, doc_id, ending))
    if pasal and document_alive:
        warnings += _superseded_sentences(registry.superseded_by(doc_id, pasal), registry)
    for entry in ([ending] if ending else []) + own:
        pointer = _pointer(entry)
        if pointer and pointer not in current:
            current.append(pointer)
    return ChunkStatus(code, tuple(warnings), "; ".join(rules), tuple(current))


def warning_for_document(doc_id: str, doc_status_text: str, registry: Registry) -> tuple[str, ...]:
    """Document-level warnings: whole-document changes and a list of the changed provisions."""
    every = registry.for_document(doc_id)
    warnings = [_document_sentence(e, registry) for e in every if e.pasal is None]
    ended = any(e.pasal is None and e.change in _DOCUMENT_ENDINGS for e in every)
    if not ended and status_code(doc_status_text) in ("dicabut", "dibatalkan", "tidak_berlaku"):
        warnings.append(f"Status dokumen ini: {doc_status_text.strip()}")
    changed = [e for e in every if e.pasal is not None]
    if changed:
        items = []
        for e in changed:
            what = f"Pasal {e.pasal}"
            if e.part == PART_PENJELASAN:
                what = f"Penjelasan {what}"
            items.append(f"{what} {e.change} oleh {e.by}")
        warnings.append(
            f"Teks {registry.label(doc_id)} di sini adalah teks asli; ketentuan yang telah berubah: "
            + "; ".join(items)
            + "."
        )
    return tuple(warnings)


def note_on_absent(doc_id: str, registry: Registry) -> str:
    """What became of an act the corpus holds no text of ("PMK 108/2024"), or ''."""
    every = registry.for_document(doc_id)
    ending = _strongest([e for e in every if e.pasal is None], _DOCUMENT_ENDINGS)
    if ending is not None:
        return _document_sentence(ending, registry)
    changed = [e for e in every if e.pasal is not None]
    if not changed:
        return ""
    items = "; ".join(f"Pasal {e.pasal} {e.change} oleh {e.by}" for e in changed)
    where = {registry.label(e.current_doc) for e in changed if e.current_doc}
    now = f" Teks yang berlaku: {', '.join(sorted(where))}." if where else ""
    return f"{registry.label(doc_id)} telah diubah: {items}.{now}"


def changes_made(doc_id: str, label: str, pasal: str | None, registry: Registry) -> tuple[str, ...]:
    """What an amending provision changed in another act ("UU 25/1992 Pasal 6 telah diubah oleh
    UU 11/2020 Pasal 86 angka 1 …: …"), for the chunk of doc_id labelled `label` ("Pasal 86
    angka 1") that holds the new text of `pasal` ("6")."""
    if not pasal or not label:
        return ()
    key = normalize_pasal(pasal)
    out = []
    for e in registry.entries:
        if e.current_doc != doc_id or e.pasal != key or not e.by.endswith(label):
            continue
        if e.doc == doc_id or e.change not in ("diubah", "disisipkan", "dihapus"):
            continue
        what = "Penjelasan Pasal" if e.part == PART_PENJELASAN else "Pasal"
        kept = f" (dipertahankan {e.kept_by})" if e.kept_by else ""
        out.append(
            f"{registry.label(e.doc)} {what} {e.pasal} {_VERB[e.change]} oleh {e.by}{kept}: "
            f"{e.summary}."
        )
    return tuple(out)
