"""Plain text from DOCX (python-docx) and HTML (BeautifulSoup) files."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import docx
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.errors import DocumentError

# A one-line table cell this short is a label ("Menimbang", ":", "a.") joined to the next cell.
LABEL_CELL_CHARS = 25
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_HTML_SKIP = {
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "canvas",
    "iframe", "object", "embed", "form", "button", "select", "input", "textarea",
    "nav", "aside", "menu", "dialog",
}  # fmt: skip
# Page banners and footers: skipped when no <main>/<article> isolates the content.
_HTML_PAGE_CHROME = {"header", "footer"}
_HTML_SKIP_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog"}
_HTML_BLOCK = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
    "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption", "blockquote",
    "pre", "address", "figure", "figcaption", "hr", "center", "body", "html",
}  # fmt: skip
_HTML_CELL = {"td", "th"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def docx_to_text(data: bytes, name: str) -> str:
    """Return the body text of a DOCX file, one paragraph per line, or raise DocumentError."""
    if not data:
        raise DocumentError(name, "berkas kosong (0 byte)")
    if data.startswith(_OLE_MAGIC):
        raise DocumentError(
            name, "berkas Word terenkripsi atau berformat .doc lama; simpan ulang sebagai .docx"
        )
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(name, "DOCX rusak atau bukan DOCX yang sah") from exc
    except Exception as exc:  # python-docx raises its own types for broken packages
        raise DocumentError(name, "DOCX rusak atau bukan DOCX yang sah") from exc
    return _finish(lines, name, "DOCX")


def _docx_lines(container) -> Iterator[str]:
    """Lines of a document body or table cell, in reading order, descending into tables."""
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield from _split(item.text)
        elif isinstance(item, Table):
            yield from _table_lines(item)


def _table_lines(table: Table) -> Iterator[str]:
    """Rows of a table; short label cells are prefixed to the next cell's first line."""
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        for cell in row.cells:  # horizontally merged cells repeat: keep one
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(list(_docx_lines(cell)))
        pending = ""
        for position, lines in enumerate(cells):
            is_last = position == len(cells) - 1
            if len(lines) == 1 and len(lines[0]) <= LABEL_CELL_CHARS and not is_last:
                pending = f"{pending} {lines[0]}".strip()
                continue
            if lines and pending:
                lines[0] = f"{pending} {lines[0]}"
                pending = ""
            yield from lines
        if pending:
            yield pending


def html_to_text(data: bytes, name: str) -> str:
    """Return the main text of an HTML page, one block per line, or raise DocumentError."""
    if not data:
        raise DocumentError(name, "berkas kosong (0 byte)")
    if b"\x00" in data[:4096]:
        raise DocumentError(name, "bukan berkas HTML yang sah (berisi data biner)")
    soup = BeautifulSoup(data, "lxml")
    root = _main_element(soup)
    if root is None:
        raise DocumentError(name, "HTML tidak berisi teks")
    parts: list[str] = []
    isolated = root.name in ("main", "article") or root.get("role") == "main"
    _walk(root, parts, set() if isolated else _HTML_PAGE_CHROME)
    return _finish(_split("".join(parts)), name, "HTML")


def _main_element(soup: BeautifulSoup) -> Tag | None:
    """The page's main content: <main>, else role=main, else the longest <article>, else body."""
    for candidate in (soup.find("main"), soup.find(attrs={"role": "main"})):
        if isinstance(candidate, Tag):
            return candidate
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda tag: len(tag.get_text(" ", strip=True)))
    return soup.body or soup


def _walk(node: Tag, out: list[str], chrome: set[str]) -> None:
    """Append the visible text under node, with newlines at block boundaries."""
    for child in node.children:
        if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        if isinstance(child, NavigableString):
            text = str(child)
            out.append(text if node.name == "pre" else re.sub(r"\s+", " ", text))
        elif isinstance(child, Tag) and child.name not in chrome and not _is_hidden(child):
            if child.name == "br":
                out.append("\n")
            elif child.name in _HTML_BLOCK:
                out.append("\n")
                _walk(child, out, chrome)
                out.append("\n")
            elif child.name in _HTML_CELL:
                _walk(child, out, chrome)
                out.append(" ")
            else:
                _walk(child, out, chrome)


def _is_hidden(tag: Tag) -> bool:
    """Whether a tag is page chrome, a script or invisible."""
    if tag.name in _HTML_SKIP or tag.get("role") in _HTML_SKIP_ROLES:
        return True
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    return bool(_HIDDEN_STYLE.search(tag.get("style") or ""))


def _split(text: str) -> list[str]:
    """Non-empty lines of text with inner whitespace collapsed."""
    lines = (" ".join(line.split()) for line in text.replace("\xa0", " ").splitlines())
    return [line for line in lines if line]


def _finish(lines: list[str], name: str, kind: str) -> str:
    if not lines:
        raise DocumentError(name, f"{kind} tidak berisi teks")
    return "\n".join(lines)
