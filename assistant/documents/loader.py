"""Reading files of any supported format into `Document`s."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import DocumentError
from ..legal.types import DocMeta, Document
from .frontmatter import meta_from_mapping, meta_from_title, split_front_matter
from .walk import scan

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
BINARY_SUFFIXES = {".pdf", ".docx", ".html", ".htm"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | BINARY_SUFFIXES


def find_documents(paths: Iterable[Path], follow_links: bool = False) -> list[Path]:
    """Files under the given files/folders, sorted; READMEs, hidden files and (see `walk`) links
    that are not followed are left out."""
    return scan(paths, SUPPORTED_SUFFIXES, follow_links).files


def load_document(
    path: Path, known: Mapping[str, DocMeta] | None = None, max_mb: float | None = None
) -> Document:
    """Read one file; metadata from front matter, else `known[file stem]`, else its title line.
    A file over `max_mb` megabytes is refused before it is read."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(name, f"jenis berkas '{suffix or '(tanpa ekstensi)'}' tidak didukung")
    try:
        size = path.stat().st_size
        if max_mb and size > max_mb * 1_000_000:
            raise DocumentError(
                name,
                f"berkas terlalu besar ({size / 1_000_000:.1f} MB, batas {max_mb:g} MB; "
                "atur ASSISTANT_MAX_FILE_MB bila memang perlu)",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(name, f"tidak dapat dibaca: {exc.strerror or exc}") from None
    # Windows (CRLF) and old Mac (bare CR) line endings: a bare CR would merge Pasal lines
    body = _to_text(data, suffix, name).replace("\r\n", "\n").replace("\r", "\n")
    front, body = split_front_matter(body, name)
    if not body.strip():
        raise DocumentError(name, "berkas kosong: tidak ada teks")
    stem = path.stem.lower()
    if front:
        meta = meta_from_mapping(front, name, fallback_id=stem)
    elif known and stem in known:
        meta = known[stem]
    else:
        meta = meta_from_title(body, fallback_id=stem)
    return Document(meta=meta, text=body, path=name)


def _to_text(data: bytes, suffix: str, name: str) -> str:
    if suffix in TEXT_SUFFIXES:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(name, f"bukan teks UTF-8 (byte {exc.start})") from None
    if suffix == ".pdf":
        from .pdf import pdf_to_text

        return pdf_to_text(data, name)
    if suffix == ".docx":
        from .office import docx_to_text

        return docx_to_text(data, name)
    from .office import html_to_text

    return html_to_text(data, name)
