"""Text extraction from PDF, DOCX and HTML: real regulation PDFs and generated failure cases."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections import Counter
from pathlib import Path

import docx
import pymupdf
import pytest

from assistant.documents.office import docx_to_text, html_to_text
from assistant.documents.pdf import pdf_to_text
from assistant.errors import DocumentError
from assistant.legal.parser import parse_document
from assistant.legal.types import PART_BODY

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
PASAL_LINE = re.compile(r"^Pasal\s+(\d+[A-Z]?|[IVXLC]+)$")
PAGE_NUMBER_LINE = re.compile(r"^[-–]\s*\d+\s*[-–]$")
# The manifest's quality note marks references taken from scans/OCR. Those references keep
# running headers ("PRESIDEN / REPUBLIK INDONESIA" on every page) and OCR debris that the
# extractor removes, so their bag-of-words recall sits lower by construction.
OCR_QUALITY = re.compile(r"OCR|pindai|BURUK|Sedang", re.IGNORECASE)
CLEAN_FLOOR = 0.95
OCR_FLOOR = 0.93
# Share of the extracted tokens that must occur in the reference: watermarks, paraf tables,
# headers and page numbers leaking into the text would lower it.
PRECISION_FLOOR = 0.95


def _mirror_pdfs() -> list[tuple[str, str]]:
    with open(CORPUS / "mirror" / "INDEX.tsv", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [(row["id"], row["sha256"]) for row in rows if row["format"] == "pdf"]


def _strip_front_matter(text: str) -> str:
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
        lines = lines[end + 1 :]
    return "\n".join(lines)


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"[^\W_]+", text.lower()))


def _pasal_headings(text: str) -> list[str]:
    return [m.group(1) for line in text.splitlines() if (m := PASAL_LINE.match(line.strip()))]


@pytest.fixture(scope="module")
def manifest() -> dict[str, dict]:
    entries = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in entries}


@pytest.mark.parametrize(
    ("doc_id", "sha"), [pytest.param(*doc, id=doc[0]) for doc in _mirror_pdfs()]
)
def test_mirror_pdf_matches_reference(doc_id, sha, manifest, shared_dir):
    entry = manifest[doc_id]
    data = (shared_dir / "corpus" / "mirror" / sha).read_bytes()
    text = pdf_to_text(data, doc_id)
    reference = _strip_front_matter((shared_dir / "corpus" / entry["file"]).read_text("utf-8"))

    ours_body = [b for b in parse_document(text, entry["jenis"]).blocks if b.part == PART_BODY]
    ref_body = [b for b in parse_document(reference, entry["jenis"]).blocks if b.part == PART_BODY]
    pasal = [b.pasal for b in ours_body if b.pasal]
    assert pasal == [b.pasal for b in ref_body if b.pasal]
    assert pasal or entry["jenis"] != "Permen"  # regulations must yield Pasal, not vacuous
    assert [b.label for b in ours_body] == [b.label for b in ref_body]  # diktum, sections too

    ours, ref = _tokens(text), _tokens(reference)
    common = sum((ours & ref).values())
    recall, precision = common / sum(ref.values()), common / sum(ours.values())
    floor = OCR_FLOOR if OCR_QUALITY.search(entry.get("quality", "")) else CLEAN_FLOOR
    assert recall >= floor, f"{doc_id}: token overlap {recall:.3f} < {floor}"
    assert precision >= PRECISION_FLOOR, f"{doc_id}: extra tokens, precision {precision:.3f}"
    assert not [line for line in text.splitlines() if PAGE_NUMBER_LINE.match(line)]


def test_mirror_holds_the_2025_pdfs():
    assert len(_mirror_pdfs()) >= 15


# --- generated PDFs -------------------------------------------------------------------------

HEADER = "MENTERI CONTOH REPUBLIK INDONESIA"
PAGES = [
    ["BAB I", "KETENTUAN UMUM", "Pasal 1", "Dalam Peraturan ini yang dimaksud dengan:"],
    ["Pasal 2", "(1) Koperasi dibentuk oleh paling sedikit 9 (sembilan) orang."],
    ["(2) Dalam hal pembentukan dilakukan di desa, akta dibuat notaris.", "Pasal 3", "Cukup."],
    ["Pasal 4", "Peraturan ini mulai berlaku pada tanggal diundangkan."],
]
# Bottom-of-page hints naming what the next page starts with.
HINTS = ["Pasal 2 . . .", "(2) Dalam hal . . .", "Pasal 4 . . ."]
FILLER = "Isi pasal yang cukup panjang untuk mengisi satu baris."


def _official_pdf() -> bytes:
    """Pages with a running header, page numbers, hints, a watermark and a white paraf table."""
    doc = pymupdf.open()
    for number, lines in enumerate(PAGES, 1):
        page = doc.new_page(width=595, height=842)
        page.insert_text((200, 40), HEADER, fontsize=11)
        page.insert_text((285, 60), f"- {number} -", fontsize=11)
        y = 120.0
        for line in lines + [FILLER] * 12:
            if line.startswith("("):  # ayat number and its text are separate spans on one row
                page.insert_text((72, y), line[:3], fontsize=12)
                page.insert_text((100, y), line[4:], fontsize=12)
            else:
                page.insert_text((72, y), line, fontsize=12)
            y += 18
        if number <= len(HINTS):
            page.insert_text((380, 760), HINTS[number - 1], fontsize=12)
        page.insert_text((90, 820), "SM.3.KOP D.1.KOP WAMENKOP", fontsize=9, color=(1, 1, 1))
        if number == 2:  # white text in the body: invisible to readers, so not text either
            page.insert_text((300, 500), "PARAF KASUBAG", fontsize=9, color=(1, 1, 1))
        pivot = pymupdf.Point(150, 600)
        page.insert_text(pivot, "DRAF RAHASIA", fontsize=40, morph=(pivot, pymupdf.Matrix(-45)))
    return doc.tobytes()


def test_official_pdf_furniture_is_removed():
    text = pdf_to_text(_official_pdf(), "contoh.pdf")
    lines = text.splitlines()
    assert _pasal_headings(text) == ["1", "2", "3", "4"]
    assert lines[:3] == ["BAB I", "KETENTUAN UMUM", "Pasal 1"]
    assert "(1) Koperasi dibentuk oleh paling sedikit 9 (sembilan) orang." in lines
    assert sum(line.startswith("(2) Dalam hal") for line in lines) == 1
    assert HEADER not in text
    assert not [line for line in lines if PAGE_NUMBER_LINE.match(line)]
    assert ". . ." not in text
    assert "WAMENKOP" not in text and "PARAF" not in text and "RAHASIA" not in text
    assert text.count(FILLER) == 12 * len(PAGES)  # identical body lines on every page survive


def _text_pdf(pages: int = 3) -> bytes:
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page()
        for row in range(30):
            page.insert_text((72, 72 + row * 20), f"Pasal {number} baris {row} isi peraturan.")
    return doc.tobytes()


def _raises(func, data: bytes, name: str) -> str:
    with pytest.raises(DocumentError) as caught:
        func(data, name)
    assert caught.value.path == name
    return caught.value.reason


def test_corrupt_pdf_random_bytes():
    data = random.Random(7).randbytes(20_000)
    assert "rusak" in _raises(pdf_to_text, data, "acak.pdf")
    assert "rusak" in _raises(pdf_to_text, b"%PDF-1.7\n" + data, "kepala.pdf")


@pytest.mark.parametrize("keep", [0.1, 0.3, 0.5, 0.9])
def test_truncated_pdf_is_rejected_or_recovered(keep):
    data = _text_pdf()
    cut = data[: int(len(data) * keep)]
    try:
        text = pdf_to_text(cut, "terpotong.pdf")
    except DocumentError as error:
        assert "rusak" in error.reason
    else:  # MuPDF repaired the file: whatever it returns must be real text of the document
        assert "isi peraturan" in text


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "terkunci.pdf"
    doc = pymupdf.open(stream=_text_pdf(), filetype="pdf")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="rahasia", owner_pw="pemilik")
    reason = _raises(pdf_to_text, path.read_bytes(), "terkunci.pdf")
    assert "terenkripsi" in reason


def test_empty_pdf_and_empty_file(tmp_path):
    doc = pymupdf.open()
    doc.new_page()
    path = tmp_path / "kosong.pdf"
    doc.save(path)
    assert "kosong" in _raises(pdf_to_text, path.read_bytes(), "kosong.pdf")
    assert "kosong" in _raises(pdf_to_text, b"", "nol.pdf")


def test_image_only_pdf_needs_ocr(tmp_path):
    source = pymupdf.open(stream=_text_pdf(1), filetype="pdf")
    pixmap = source[0].get_pixmap(dpi=72)
    scan = pymupdf.open()
    page = scan.new_page()
    page.insert_image(page.rect, stream=pixmap.tobytes("png"))
    path = tmp_path / "pindai.pdf"
    scan.save(path)
    reason = _raises(pdf_to_text, path.read_bytes(), "pindai.pdf")
    assert "hasil pindai" in reason and "OCR" in reason


# --- DOCX -----------------------------------------------------------------------------------


def _docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _regulation_docx(document) -> None:
    document.sections[0].header.paragraphs[0].text = "KOP SURAT KEMENTERIAN"
    document.add_paragraph("PERATURAN MENTERI CONTOH")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Menimbang", ":", "a. bahwa koperasi perlu"]):
        cell.text = text
    table.rows[0].cells[2].add_paragraph("dikembangkan;")
    document.add_paragraph("BAB I")
    document.add_paragraph("KETENTUAN UMUM")
    document.add_paragraph("Pasal 1")
    document.add_paragraph("(1) Koperasi adalah badan usaha.")
    paragraph = document.add_paragraph("(2) Anggota koperasi")
    paragraph.add_run().add_break()
    paragraph.add_run("adalah pemilik dan pengguna jasa.")
    document.add_paragraph("   ")
    document.add_paragraph("Pasal 2")
    document.add_paragraph("Peraturan ini mulai berlaku pada tanggal diundangkan.")


def test_docx_to_text_keeps_structure_lines():
    text = docx_to_text(_docx_bytes(_regulation_docx), "contoh.docx")
    lines = text.splitlines()
    assert lines[0] == "PERATURAN MENTERI CONTOH"
    assert lines[1:3] == ["Menimbang : a. bahwa koperasi perlu", "dikembangkan;"]
    assert lines[3:7] == ["BAB I", "KETENTUAN UMUM", "Pasal 1", "(1) Koperasi adalah badan usaha."]
    assert lines[7:9] == ["(2) Anggota koperasi", "adalah pemilik dan pengguna jasa."]
    assert _pasal_headings(text) == ["1", "2"]
    assert "KOP SURAT" not in text
    assert "" not in lines


def test_docx_failures():
    assert "rusak" in _raises(docx_to_text, random.Random(3).randbytes(4000), "acak.docx")
    assert "rusak" in _raises(docx_to_text, _text_pdf(1), "sebenarnya-pdf.docx")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)
    assert "terenkripsi" in _raises(docx_to_text, ole, "terkunci.docx")
    empty = _docx_bytes(lambda document: None)
    assert "tidak berisi teks" in _raises(docx_to_text, empty, "kosong.docx")
    assert "kosong" in _raises(docx_to_text, b"", "nol.docx")


# --- HTML -----------------------------------------------------------------------------------


def test_html_headings_paragraphs_and_script():
    page = (
        "<html><head><title>Judul tab</title><style>p {color: red}</style></head><body>"
        "<h3>Pasal 1</h3><p>(1) Koperasi <b>primer</b> dibentuk\n   oleh orang.</p>"
        "<script>var rahasia = 'jangan tampil';</script>"
        "<p>(2) Koperasi sekunder<br>dibentuk oleh koperasi.</p><!-- catatan -->"
        "<h3>Pasal&nbsp;2</h3><p style='display:none'>tersembunyi</p><p>Cukup jelas.</p>"
        "</body></html>"
    )
    text = html_to_text(page.encode("utf-8"), "pasal.html")
    assert text.splitlines() == [
        "Pasal 1",
        "(1) Koperasi primer dibentuk oleh orang.",
        "(2) Koperasi sekunder",
        "dibentuk oleh koperasi.",
        "Pasal 2",
        "Cukup jelas.",
    ]
    for absent in ("rahasia", "color", "Judul tab", "catatan", "tersembunyi"):
        assert absent not in text


def test_html_page_chrome_is_stripped():
    page = """<!DOCTYPE html><html lang="id"><head><meta charset="windows-1252">
    <title>JDIH</title></head><body>
    <header><a href="/">Beranda JDIH</a></header>
    <nav><ul><li>Peraturan</li><li>Berita</li></ul></nav>
    <div class="container">
      <aside><h4>Peraturan Terkait</h4><ul><li>UU 25/1992</li></ul></aside>
      <main>
        <article>
          <header><h1>Peraturan Menteri Contoh Nomor 1 Tahun 2025</h1></header>
          <div class="isi"><p>BAB I</p><p>KETENTUAN UMUM</p><p>Pasal 1</p>
          <p>Koperasi adalah badan usaha.</p>
          <table><tr><td>Menimbang</td><td>:</td><td>a. bahwa perlu diatur;</td></tr></table>
          <ul><li>a. simpan pinjam;</li><li>b. produsen.</li></ul>
          <p>Dibuat di Jakarta, \xe9</p></div>
        </article>
        <form><input placeholder="Cari"><button>Kirim</button></form>
      </main>
    </div>
    <footer><p>Hak cipta 2025 Kementerian</p></footer>
    </body></html>"""
    text = html_to_text(page.encode("cp1252"), "jdih.html")
    lines = text.splitlines()
    assert lines[0] == "Peraturan Menteri Contoh Nomor 1 Tahun 2025"
    assert lines[1:4] == ["BAB I", "KETENTUAN UMUM", "Pasal 1"]
    assert "Menimbang : a. bahwa perlu diatur;" in lines
    assert ["a. simpan pinjam;", "b. produsen."] == lines[6:8]
    assert lines[-1] == "Dibuat di Jakarta, é"
    for chrome in ("Beranda", "Berita", "Peraturan Terkait", "Hak cipta", "Kirim", "JDIH"):
        assert chrome not in text


def test_html_without_main_drops_page_header_and_footer():
    page = (
        b"<body><header>Menu Atas</header><p>Pasal 1</p><p>Isi.</p><footer>Alamat</footer></body>"
    )
    assert html_to_text(page, "polos.html").splitlines() == ["Pasal 1", "Isi."]


def test_html_failures():
    assert "kosong" in _raises(html_to_text, b"", "nol.html")
    only_script = b"<html><body><script>alert(1)</script><nav>Menu</nav></body></html>"
    assert "tidak berisi teks" in _raises(html_to_text, only_script, "kosong.html")
    assert "biner" in _raises(html_to_text, _text_pdf(1)[:200] + bytes(50), "biner.html")
