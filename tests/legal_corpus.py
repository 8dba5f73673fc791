"""Test helpers: read corpus documents from the shared folder (never copied into the repo)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from assistant.legal.types import DocMeta, Document

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"


@lru_cache(maxsize=1)
def manifest() -> list[dict]:
    """Corpus manifest entries, without the full (unindexed) UU 11/2020."""
    entries = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return [e for e in entries if "FULL" not in e["file"] and e["id"] != "uu-11-2020"]


def entry(doc_id: str) -> dict:
    return next(e for e in manifest() if e["id"] == doc_id)


def body(e: dict) -> str:
    """Document text with the YAML front matter removed."""
    text = (CORPUS / e["file"]).read_text(encoding="utf-8")
    m = re.match(r"---\n.*?\n---\n", text, re.S)
    return text[m.end() :] if m else text


def document(doc_id: str) -> Document:
    e = entry(doc_id)
    meta = DocMeta(
        doc_id=e["id"],
        jenis=e.get("jenis", ""),
        nomor=str(e.get("nomor") or ""),
        tahun=e.get("tahun"),
        judul=e.get("judul", ""),
    )
    return Document(meta=meta, text=body(e), path=str(CORPUS / e["file"]))
