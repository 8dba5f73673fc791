"""Human citation labels: "UU 25/1992 Pasal 6 ayat (1)–(2)", "Inpres 9/2025 Diktum KEDUA"."""

from __future__ import annotations

from .sections import DIKTUM_WORDS
from .types import KIND_PROGRAM, PART_BODY, PART_PENJELASAN, DocMeta

# doc_id prefix → short form, for generic jenis ("Permen", "other (...)")
_PREFIXES = (
    ("juklak-menkop", "Juklak Menkop"),
    ("se-menkopangan", "Surat Menko Pangan"),
    ("se-menko-pangan", "Surat Menko Pangan"),
    ("se-menkop", "SE Menkop"),
    ("se-mendagri", "SE Mendagri"),
    ("se-mendesa", "SE Mendesa"),
    ("permenkop", "Permenkop"),
    ("permendesa", "Permendesa"),
    ("permendagri", "Permendagri"),
    ("permenkum", "Permenkum"),
    ("pmk", "PMK"),
    ("perpres", "Perpres"),
    ("keppres", "Keppres"),
    ("inpres", "Inpres"),
    ("perppu", "Perppu"),
    ("pp", "PP"),
    ("uu", "UU"),
    ("se", "SE"),
)
_JENIS = {
    "uu": "UU",
    "pp": "PP",
    "perppu": "Perppu",
    "perpres": "Perpres",
    "inpres": "Inpres",
    "keppres": "Keppres",
    "pmk": "PMK",
    "permenkop": "Permenkop",
}


def _prefix(meta: DocMeta) -> str:
    jenis = meta.jenis.split("(")[0].strip().lower()
    if jenis in _JENIS:
        return _JENIS[jenis]
    doc_id = meta.doc_id.lower()
    for prefix, short in _PREFIXES:
        if doc_id == prefix or doc_id.startswith(prefix + "-"):
            return short
    return meta.jenis.split("(")[0].strip() or "Dokumen"


def short_name(meta: DocMeta) -> str:
    """Short document name: "UU 25/1992", "Permenkop 1/2025", "Juklak Menkop 1/2025"."""
    if meta.kind == KIND_PROGRAM:
        return meta.judul or meta.doc_id
    prefix = _prefix(meta)
    nomor, tahun = meta.nomor.strip(), str(meta.tahun or "")
    if prefix == "Dokumen" and not nomor and not tahun and meta.judul:
        return meta.judul  # no jenis, number or year (plain prose): the title names it
    if not nomor:
        return f"{prefix} {tahun}".strip()
    if "/" in nomor:
        suffix = "" if not tahun or tahun in nomor else f"/{tahun}"
        return f"{prefix} {nomor}{suffix}"
    return f"{prefix} {nomor}/{tahun}" if tahun else f"{prefix} {nomor}"


def title(meta: DocMeta) -> str:
    """Short name plus subject: "UU 25/1992 tentang Perkoperasian"."""
    name = short_name(meta)
    if meta.kind == KIND_PROGRAM or name == meta.judul:
        return name
    judul = meta.judul
    idx = judul.lower().find(" tentang ")
    if idx >= 0:
        return f"{name} tentang {judul[idx + len(' tentang ') :].strip()}"
    return f"{name} {judul}".strip() if judul else name


def citation_label(
    meta: DocMeta,
    label: str,
    ayat_start: str | None = None,
    ayat_end: str | None = None,
    part: str = PART_BODY,
) -> str:
    """Citation of a passage: document short name, provision label and ayat range."""
    text = label
    if part == PART_PENJELASAN and not label.startswith("Penjelasan"):
        text = f"Penjelasan {label}"
    elif label in DIKTUM_WORDS:
        text = f"Diktum {label}"
    if ayat_start:
        if ayat_end and ayat_end != ayat_start:
            text += f" ayat ({ayat_start})–({ayat_end})"
        else:
            text += f" ayat ({ayat_start})"
    return f"{short_name(meta)} {text}".strip()
