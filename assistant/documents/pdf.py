"""Plain text from PDF files (PyMuPDF), with page furniture of official regulation PDFs removed."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

import pymupdf

from assistant.errors import DocumentError

# A page whose text layer has fewer characters than this counts as textless.
MIN_CHARS_PER_PAGE = 40
# Running headers and footers live in the top/bottom share of the page height; headers also
# among the first lines of a page (scans often have a wide top margin above the letterhead).
MARGIN_ZONE = 0.14
MARGIN_LINES = 3
# A header/footer line must recur on at least this share of pages (and on 3 pages) to be dropped.
REPEAT_SHARE = 0.4
WHITE = 0xFFFFFF

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*\d{1,4}\s*[-–—]?|\d{1,4}\s*[-–—]|"
    r"(?:halaman|hal\.?|page)\s*\d{1,4}(?:\s*(?:dari|of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_ELLIPSIS_END = re.compile(r"(?:\.\s*){3,}$|…+$")
_STAMP = re.compile(r"^salinan$", re.IGNORECASE)
_LEGAL_HEADING = re.compile(r"^(?:pasal|bab|bagian|paragraf)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PdfLine:
    """One visual text line of a page; top/bottom are fractions of the page height."""

    text: str
    top: float
    bottom: float


def pdf_to_text(data: bytes, name: str) -> str:
    """Return the body text of a PDF, one visual line per line, or raise DocumentError."""
    pages = read_pdf_lines(data, name)
    text = clean_pages(pages)
    if not text.strip():
        raise DocumentError(name, "PDF tidak berisi teks")
    return text


def read_pdf_lines(data: bytes, name: str) -> list[list[PdfLine]]:
    """Open a PDF and return the visible text lines of every page."""
    if not data:
        raise DocumentError(name, "berkas kosong (0 byte)")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for damaged input
        raise DocumentError(name, "PDF rusak atau bukan PDF yang sah") from exc
    with doc:
        if doc.needs_pass or doc.is_encrypted:
            raise DocumentError(name, "PDF terenkripsi (dilindungi kata sandi); buka kuncinya dulu")
        try:
            pages = [_page_lines(page) for page in doc]
            has_images = any(page.get_images() for page in doc)
            repaired = doc.is_repaired
        except Exception as exc:  # damaged page tree or content streams
            raise DocumentError(name, "PDF rusak; halaman tidak dapat dibaca") from exc
    if not pages:
        raise DocumentError(name, "PDF tidak memiliki halaman")
    chars = sum(len(line.text) for page in pages for line in page)
    if chars < MIN_CHARS_PER_PAGE * len(pages):
        if repaired:
            raise DocumentError(name, "PDF rusak atau terpotong; teks tidak dapat diambil")
        if has_images:
            raise DocumentError(name, "PDF tanpa lapisan teks (hasil pindai); perlu OCR")
        raise DocumentError(name, "PDF kosong: tidak ada teks yang dapat diambil")
    return pages


def _page_lines(page: pymupdf.Page) -> list[PdfLine]:
    """Group the visible horizontal spans of a page into visual lines, top to bottom."""
    height = page.rect.height or 1.0
    spans, white = [], []
    for block in page.get_text("dict", sort=False)["blocks"]:
        for line in block.get("lines", ()):
            dx, dy = line["dir"]
            if abs(dy) > 0.05 or dx <= 0:  # rotated text: diagonal watermarks, margin notes
                continue
            for span in line["spans"]:
                if span["text"].strip():
                    (white if span["color"] == WHITE else spans).append(span)
    if white:  # white text is hidden (paraf tables) unless it sits on a picture or a filled box
        backgrounds = _backgrounds(page)
        spans += [s for s in white if any(r.contains(_centre_point(s)) for r in backgrounds)]
    rows: list[list[dict]] = []
    for span in sorted(spans, key=_centre):
        if rows and _same_row(rows[-1], span):
            rows[-1].append(span)
        else:
            rows.append([span])
    lines = []
    for row in rows:
        text = _join_row(sorted(row, key=lambda s: s["bbox"][0]))
        if _alnum(text):  # rows of dots, bullets or scan specks carry no text
            top = min(s["bbox"][1] for s in row) / height
            bottom = max(s["bbox"][3] for s in row) / height
            lines.append(PdfLine(text, top, bottom))
    return lines


def _backgrounds(page: pymupdf.Page) -> list[pymupdf.Rect]:
    """Areas that can show white text: pictures smaller than the page and dark filled shapes."""
    page_area = abs(page.rect) or 1.0
    rects = [pymupdf.Rect(info["bbox"]) for info in page.get_image_info()]
    rects = [r for r in rects if abs(r) < 0.8 * page_area]
    for drawing in page.get_drawings():
        fill = drawing.get("fill")
        if fill and min(fill) < 0.9:
            rects.append(drawing["rect"])
    return rects


def _centre_point(span: dict) -> pymupdf.Point:
    x0, y0, x1, y1 = span["bbox"]
    return pymupdf.Point((x0 + x1) / 2, (y0 + y1) / 2)


def _centre(span: dict) -> float:
    return (span["bbox"][1] + span["bbox"][3]) / 2


def _same_row(row: list[dict], span: dict) -> bool:
    """Whether span sits on the same baseline band as the row."""
    centre = sum(_centre(s) for s in row) / len(row)
    height = min(span["bbox"][3] - span["bbox"][1], row[0]["bbox"][3] - row[0]["bbox"][1])
    return abs(_centre(span) - centre) <= max(height, 1.0) * 0.4


def _join_row(row: list[dict]) -> str:
    """Concatenate spans left to right, adding a space where there is a visible gap."""
    out = ""
    prev_end = None
    for span in row:
        text = span["text"].replace("\xad", "-")
        gap = 0.0 if prev_end is None else span["bbox"][0] - prev_end
        if out and not out.endswith(" ") and not text.startswith(" "):
            if gap > span["size"] * 0.15:
                out += " "
        out += text
        prev_end = span["bbox"][2]
    return " ".join(out.split())


def clean_pages(pages: list[list[PdfLine]]) -> str:
    """Drop headers, footers, page numbers, stamps and continuation hints; join the pages."""
    repeated = _repeated_keys(pages)
    bodies = []
    for lines in pages:
        body = []
        for index, line in enumerate(lines):
            in_margin = _in_margin(lines, index)
            if _PAGE_NUMBER.match(line.text) or (in_margin and _is_furniture(line, repeated)):
                continue
            body.append(line.text)
        bodies.append(body)
    for i in range(len(bodies) - 1):
        nxt = next((b for b in bodies[i + 1 :] if b), [])
        if bodies[i] and any(is_continuation_hint(bodies[i][-1], first) for first in nxt[:2]):
            bodies[i].pop()
    return "\n".join(line for body in bodies for line in body)


def _in_margin(lines: list[PdfLine], index: int) -> bool:
    """Whether a line is in the top or bottom zone of its page, or among its first lines."""
    line = lines[index]
    return line.top < MARGIN_ZONE or line.bottom > 1 - MARGIN_ZONE or index < MARGIN_LINES


def _is_furniture(line: PdfLine, repeated: set[tuple[str, int]]) -> bool:
    """Whether a margin line is a page number, a stamp or a running header/footer."""
    if _BARE_NUMBER.match(line.text) or _STAMP.match(line.text):
        return True
    if _LEGAL_HEADING.match(line.text):
        return False
    entry = (_key(line.text), _band(line))
    if entry in repeated:
        return True
    return len(entry[0]) >= 5 and any(_same_furniture(entry, other) for other in repeated)


def _repeated_keys(pages: list[list[PdfLine]]) -> set[tuple[str, int]]:
    """(key, height band) of margin lines recurring at one height, OCR variants allowed."""
    if len(pages) < 3:
        return set()
    needed = max(3, math.ceil(REPEAT_SHARE * len(pages)))
    pages_of: dict[tuple[str, int], set[int]] = {}
    for number, lines in enumerate(pages):
        for index, line in enumerate(lines):
            key = _key(line.text)
            if len(key) >= 5 and _in_margin(lines, index) and not _LEGAL_HEADING.match(line.text):
                pages_of.setdefault((key, _band(line)), set()).add(number)
    clusters: list[tuple[set[tuple[str, int]], set[int]]] = []
    for entry, seen in pages_of.items():
        for members, cluster_pages in clusters:
            if any(_same_furniture(entry, member) for member in members):
                members.add(entry)
                cluster_pages.update(seen)
                break
        else:
            clusters.append(({entry}, set(seen)))
    return {entry for members, seen in clusters if len(seen) >= needed for entry in members}


def _band(line: PdfLine) -> int:
    """Vertical position in bands of 2.5% of the page height."""
    return round(line.top / 0.025)


def _same_furniture(a: tuple[str, int], b: tuple[str, int]) -> bool:
    return abs(a[1] - b[1]) <= 1 and _similar(a[0], b[0])


def _key(text: str) -> str:
    """Letters only, lowercased: page-specific numbers and OCR punctuation vanish."""
    return "".join(ch for ch in text.lower() if ch.isalpha())


def _similar(a: str, b: str, threshold: float = 0.8) -> bool:
    """Whether two keys differ only by OCR noise (cheap upper bounds first)."""
    if a == b:
        return True
    if 2 * min(len(a), len(b)) < threshold * (len(a) + len(b)):
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold


def is_continuation_hint(last: str, next_first: str) -> bool:
    """Whether a page's last line ending in dots repeats the start of the next page."""
    if not _ELLIPSIS_END.search(last):
        return False
    stem = _alnum(_ELLIPSIS_END.sub("", last))
    if not stem:
        return True
    return _similar(stem, _alnum(next_first)[: len(stem)], 0.75)


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
