"""Pure parsing of document metadata: YAML front matter, or the title line as a fallback."""

from __future__ import annotations

import re

import yaml

from ..errors import DocumentError
from ..legal.types import KIND_PROGRAM, KIND_REGULATION, DocMeta

_FENCE = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)

_TITLE = re.compile(
    r"(?P<jenis>UNDANG-UNDANG|PERATURAN PEMERINTAH|PERATURAN PRESIDEN|INSTRUKSI PRESIDEN"
    r"|PERATURAN MENTERI(?:\s+[A-Z, ]+?)?|KEPUTUSAN MENTERI(?:\s+[A-Z, ]+?)?|SURAT EDARAN(?:\s+[A-Z, ]+?)?)"
    r"(?:\s+REPUBLIK INDONESIA)?\s+NOMOR\s+(?P<nomor>[\w./-]+)\s+TAHUN\s+(?P<tahun>\d{4})"
    r"\s+TENTANG\s+(?P<judul>[^\n]+(?:\n[A-Z0-9 ,/()\-]+)*)",
    re.IGNORECASE,
)
_JENIS_SHORT = {
    "UNDANG-UNDANG": ("UU", "uu"),
    "PERATURAN PEMERINTAH": ("PP", "pp"),
    "PERATURAN PRESIDEN": ("Perpres", "perpres"),
    "INSTRUKSI PRESIDEN": ("Inpres", "inpres"),
}


def split_front_matter(text: str, name: str) -> tuple[dict, str]:
    """Return (front matter mapping, body); a document without front matter gives ({}, text)."""
    match = _FENCE.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(name, f"front matter YAML tidak valid: {exc}") from None
    if not isinstance(data, dict):
        raise DocumentError(name, "front matter harus berupa pasangan kunci: nilai")
    return data, text[match.end() :]


def meta_from_mapping(data: dict, name: str, fallback_id: str) -> DocMeta:
    """Build DocMeta from front matter (or sources.toml) fields, checking their types."""

    def text(field: str) -> str:
        value = data.get(field, "")
        if value is None:
            return ""
        if isinstance(value, (str, int, float)):
            return str(value).strip()
        raise DocumentError(name, f"field '{field}' harus teks, bukan {type(value).__name__}")

    def texts(field: str) -> tuple[str, ...]:
        value = data.get(field) or []
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise DocumentError(name, f"field '{field}' harus daftar teks")

    tahun = data.get("tahun")
    if tahun not in (None, ""):
        try:
            tahun = int(tahun)
        except (TypeError, ValueError):
            raise DocumentError(name, f"field 'tahun' harus angka tahun, bukan {tahun!r}") from None
    else:
        tahun = None
    doc_id = text("id") or fallback_id
    if not re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", doc_id):
        raise DocumentError(name, f"field 'id' {doc_id!r}: hanya huruf kecil, angka, titik, '-'")
    jenis = text("jenis")
    kind = (
        KIND_PROGRAM
        if jenis.lower() == "program" or doc_id.startswith("program-")
        else KIND_REGULATION
    )
    sources = texts("sources")
    return DocMeta(
        doc_id=doc_id,
        jenis=jenis,
        nomor=text("nomor"),
        tahun=tahun,
        judul=text("judul"),
        status=text("status"),
        kind=kind,
        amended_by=texts("amended_by"),
        revokes=texts("revokes"),
        official_url=text("official_url") or next((s for s in sources if s.startswith("http")), ""),
        source=text("source") or "; ".join(sources),
        date=text("date"),
    )


def meta_from_title(body: str, fallback_id: str) -> DocMeta:
    """Guess metadata from a title line like 'UNDANG-UNDANG ... NOMOR 25 TAHUN 1992 TENTANG ...'."""
    match = _TITLE.search(body[:3000])
    if not match:
        return DocMeta(doc_id=fallback_id, judul=fallback_id)
    raw_jenis = " ".join(match["jenis"].upper().split())
    jenis, prefix = _JENIS_SHORT.get(raw_jenis, ("Permen", "permen"))
    if raw_jenis.startswith("SURAT EDARAN"):
        jenis, prefix = "SE", "se"
    nomor, tahun = match["nomor"], int(match["tahun"])
    topic = " ".join(match["judul"].split()).title()
    judul = f"{raw_jenis.title()} Nomor {nomor} Tahun {tahun} tentang {topic}"
    slug = re.sub(r"[^a-z0-9.]+", "-", f"{prefix}-{nomor}-{tahun}".lower()).strip("-")
    return DocMeta(doc_id=slug, jenis=jenis, nomor=nomor, tahun=tahun, judul=judul)
