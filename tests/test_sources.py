"""Pinned sources: sources.toml against the shared manifest, mirror and HTTP fetching, excerpts."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import Counter
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

import pytest

from assistant.documents.sources import (
    DEFAULT_SOURCES,
    SourceSpec,
    cache_path,
    fetch_sources,
    load_sources,
    materialise,
    parse_sources,
    spec_meta,
)
from assistant.errors import DocumentError, SourceError

EXCERPT = Path("regulations") / "excerpts" / "uu-11-2020-bab-v-koperasi-umkm.md"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


@pytest.fixture(scope="module")
def mirror(corpus: Path) -> Path:
    return corpus / "mirror"


@pytest.fixture(scope="module")
def manifest(corpus: Path) -> dict[str, dict]:
    entries = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    return {e["id"]: e for e in entries}


@pytest.fixture(scope="module")
def specs() -> tuple[SourceSpec, ...]:
    return load_sources(DEFAULT_SOURCES)


def _spec(doc_id: str, url: str, data: bytes, fmt: str = "md") -> SourceSpec:
    return SourceSpec(
        id=doc_id,
        jenis="PP",
        nomor="1",
        tahun=2020,
        judul=f"Dokumen uji {doc_id}",
        status="berlaku",
        url=url,
        sha256=_sha(data),
        format=fmt,
    )


# --- sources.toml against the shared corpus -------------------------------------------------


def test_sources_cover_manifest_except_full_omnibus(specs, manifest):
    ids = [s.id for s in specs]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(manifest) - {"uu-11-2020"}
    for spec in specs:
        entry = manifest[spec.id]
        assert spec.url == entry["raw_url"]
        assert spec.sha256 == entry["raw_sha256"]
        assert spec.format == entry["raw_format"]
        assert (spec.jenis, spec.nomor, spec.tahun) == (
            entry["jenis"],
            str(entry["nomor"]),
            entry["tahun"],
        )
        if entry.get("official_url"):
            assert entry["official_url"].startswith(spec.official_url)
            assert " " not in spec.official_url


def test_every_pinned_sha_is_in_shared_mirror(specs, mirror):
    missing = [s.id for s in specs if not (mirror / s.sha256).is_file()]
    assert missing == []


def test_excerpt_lines_match_manifest_source(specs, manifest):
    spec = next(s for s in specs if s.id == "uu-11-2020-bab-v")
    assert spec.lines == ((2911, 2991), (5998, 6068))
    ranges = re.search(r"lines=(\S+)", manifest[spec.id]["source"]).group(1)
    assert ranges == ",".join(f"{a}-{b}" for a, b in spec.lines)
    assert all(not s.lines for s in specs if s.id != spec.id)


# --- mirror path ----------------------------------------------------------------------------


def test_fetch_all_from_shared_mirror_then_all_cached(specs, mirror, tmp_path):
    cache = tmp_path / "cache"
    report = fetch_sources(specs, cache, mirror=mirror)
    assert report.ok, report.failed
    assert set(report.fetched) == {s.id for s in specs}
    assert report.cached == ()
    for spec in specs:
        path = report.paths[spec.id]
        assert path == cache_path(spec, cache)
        assert _sha(path.read_bytes()) == spec.sha256
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{s.id}.{s.format}" for s in specs)
    stamps = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}

    again = fetch_sources(specs, cache, mirror=tmp_path / "no-such-mirror")
    assert again.ok, again.failed
    assert again.fetched == ()
    assert set(again.cached) == {s.id for s in specs}
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == stamps


def test_mirror_missing_or_corrupt_file_fails_without_writing(tmp_path):
    good, other = b"isi yang benar\n", b"isi lain\n"
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    ok = _spec("ok-doc", "https://example.invalid/ok.md", good)
    corrupt = _spec("corrupt-doc", "https://example.invalid/c.md", good + b"x")
    absent = _spec("absent-doc", "https://example.invalid/a.md", b"never there")
    (mirror / ok.sha256).write_bytes(good)
    (mirror / corrupt.sha256).write_bytes(other)
    cache = tmp_path / "cache"

    report = fetch_sources([corrupt, ok, absent], cache, mirror=mirror)

    assert report.fetched == ("ok-doc",)
    reasons = dict(report.failed)
    assert set(reasons) == {"corrupt-doc", "absent-doc"}
    assert "sha256 mismatch" in reasons["corrupt-doc"]
    assert str(mirror / corrupt.sha256) in reasons["corrupt-doc"]
    assert "not in mirror" in reasons["absent-doc"]
    assert str(mirror / absent.sha256) in reasons["absent-doc"]
    assert [p.name for p in cache.iterdir()] == ["ok-doc.md"]


def test_stale_cache_file_is_replaced(tmp_path):
    good = b"versi terverifikasi\n"
    spec = _spec("stale-doc", "https://example.invalid/s.md", good)
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / spec.sha256).write_bytes(good)
    cache = tmp_path / "cache"
    cache.mkdir()
    cache_path(spec, cache).write_bytes(b"versi lama yang rusak\n")

    report = fetch_sources([spec], cache, mirror=mirror)

    assert report.fetched == ("stale-doc",)
    assert cache_path(spec, cache).read_bytes() == good


# --- HTTP path against a local server -------------------------------------------------------


class _Server:
    """A local HTTP server whose routes map a path to (status, body, delay)."""

    def __init__(self, routes: dict[str, tuple[int, bytes, float]]):
        self.routes = routes
        self.hits: Counter[str] = Counter()
        self.agents: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits[self.path] += 1
                server.agents.append(self.headers.get("User-Agent", ""))
                status, body, delay = server.routes.get(self.path, (404, b"", 0.0))
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_http_fetch_success_and_failures(tmp_path):
    md, pdf, expected = b"Pasal 1\nIsi uji.\n", b"%PDF-1.4 uji\n", b"isi yang dipatok\n"
    routes = {
        "/a.md": (200, md, 0.0),
        "/b.pdf": (200, pdf, 0.0),
        "/wrong.md": (200, b"isi yang lain sama sekali\n", 0.0),
        "/boom.md": (500, b"", 0.0),
    }
    with _Server(routes) as srv:
        specs = [
            _spec("doc-a", f"{srv.base}/a.md", md),
            _spec("doc-wrong", f"{srv.base}/wrong.md", expected),
            _spec("doc-missing", f"{srv.base}/missing.md", expected),
            _spec("doc-boom", f"{srv.base}/boom.md", expected),
            _spec("doc-b", f"{srv.base}/b.pdf", pdf, fmt="pdf"),
        ]
        cache = tmp_path / "cache"
        report = fetch_sources(specs, cache, timeout=5, backoff=0.01)

    assert report.fetched == ("doc-a", "doc-b")
    assert report.paths["doc-a"].read_bytes() == md
    assert report.paths["doc-b"].read_bytes() == pdf
    reasons = dict(report.failed)
    assert set(reasons) == {"doc-wrong", "doc-missing", "doc-boom"}
    for doc_id, reason in reasons.items():
        assert doc_id in reason
    assert f"{srv.base}/wrong.md" in reasons["doc-wrong"]
    assert "sha256 mismatch" in reasons["doc-wrong"]
    assert f"{srv.base}/missing.md" in reasons["doc-missing"]
    assert "404" in reasons["doc-missing"]
    assert "500" in reasons["doc-boom"]
    assert srv.hits["/boom.md"] == 3  # first try + 2 retries
    assert srv.hits["/missing.md"] == 1  # no retry on 4xx
    assert srv.hits["/wrong.md"] == 1
    assert sorted(p.name for p in cache.iterdir()) == ["doc-a.md", "doc-b.pdf"]
    assert all(agent.startswith("koperasi-assistant/") for agent in srv.agents)


def test_http_timeout_is_retried_then_reported(tmp_path):
    body = b"lambat\n"
    with _Server({"/slow.md": (200, body, 1.0)}) as srv:
        spec = _spec("doc-slow", f"{srv.base}/slow.md", body)
        report = fetch_sources([spec], tmp_path / "cache", timeout=0.2, retries=1, backoff=0.01)
        hits = srv.hits["/slow.md"]
    assert report.fetched == ()
    [(doc_id, reason)] = report.failed
    assert doc_id == "doc-slow"
    assert "timed out" in reason and spec.url in reason
    assert hits == 2
    assert list((tmp_path / "cache").iterdir()) == []


# --- excerpt --------------------------------------------------------------------------------


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def test_materialised_excerpt_matches_reference_excerpt(specs, corpus, mirror):
    spec = next(s for s in specs if s.id == "uu-11-2020-bab-v")
    raw = (mirror / spec.sha256).read_bytes()
    text = materialise(spec, raw).decode("utf-8")

    reference = (corpus / EXCERPT).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    body = "".join(line for line in reference.splitlines(keepends=True) if not line.startswith("["))
    ours, theirs = _tokens(text), _tokens(body)
    overlap = sum((ours & theirs).values())
    assert overlap / sum(theirs.values()) >= 0.99
    assert overlap / sum(ours.values()) >= 0.99
    assert text == body  # currently byte-identical apart from the reference's marker lines
    assert len(text) < len(raw) / 40
    assert text.startswith("BAB V KEMUDAHAN")
    for pasal in ("Pasal 85", "Pasal 86", "Pasal 87", "Pasal 103", "Pasal 104"):
        assert pasal in text


def test_materialise_without_lines_returns_raw_and_rejects_short_file():
    spec = _spec("doc-x", "https://example.invalid/x.md", b"a\nb\nc\n")
    assert materialise(spec, b"a\nb\nc\n") == b"a\nb\nc\n"
    cut = replace(spec, lines=((1, 1), (3, 3)))
    assert materialise(cut, b"a\nb\nc") == b"a\n\nc\n"
    with pytest.raises(SourceError, match="doc-x"):
        materialise(replace(spec, lines=((2, 9),)), b"a\nb\nc\n")


# --- parsing and metadata -------------------------------------------------------------------

_GOOD = """
[[source]]
id = "pp-1-2020"
jenis = "PP"
nomor = "1"
tahun = 2020
judul = "Peraturan uji"
status = "berlaku"
amended_by = ["PP 2/2021"]
revokes = []
official_url = "https://example.invalid/pp-1-2020"
url = "https://example.invalid/raw/pp-1-2020.md"
sha256 = "{sha}"
format = "md"
lines = [[1, 3], [7, 9]]
""".replace("{sha}", "ab" * 32)


def test_parse_good_entry_and_spec_meta():
    [spec] = parse_sources(_GOOD, "uji.toml")
    assert spec.lines == ((1, 3), (7, 9))
    meta = spec_meta(spec)
    assert meta.doc_id == "pp-1-2020"
    assert (meta.jenis, meta.nomor, meta.tahun) == ("PP", "1", 2020)
    assert meta.amended_by == ("PP 2/2021",)
    assert meta.official_url == "https://example.invalid/pp-1-2020"
    assert meta.source == "https://example.invalid/raw/pp-1-2020.md lines=1-3,7-9"


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('sha256 = "' + "ab" * 32 + '"', 'sha256 = "abc"', "sha256"),
        ('format = "md"', 'format = "docx"', "format"),
        ("tahun = 2020", 'tahun = "2020"', "tahun"),
        ('judul = "Peraturan uji"\n', "", "judul"),
        ('status = "berlaku"', 'status = "berlaku"\nstatuz = "x"', "statuz"),
        ("lines = [[1, 3], [7, 9]]", "lines = [[7, 9], [1, 3]]", "lines"),
        ("lines = [[1, 3], [7, 9]]", "lines = [[0, 3]]", "lines"),
        ("revokes = []", 'revokes = "PP 9/1999"', "revokes"),
        (
            'official_url = "https://example.invalid/pp-1-2020"',
            'official_url = "x (y)"',
            "official_url",
        ),
        ('url = "https://example.invalid/raw/pp-1-2020.md"', 'url = "ftp://x"', "url"),
        ('id = "pp-1-2020"', 'id = "PP 1/2020"', "id"),
    ],
)
def test_parse_rejects_invalid_field(old, new, field):
    assert old in _GOOD
    with pytest.raises(DocumentError) as info:
        parse_sources(_GOOD.replace(old, new), "uji.toml")
    assert info.value.path == "uji.toml"
    assert info.value.reason.startswith(f"entry 1: field {field} ")


def test_parse_rejects_duplicate_id_and_lines_on_pdf():
    with pytest.raises(DocumentError, match="entry 2: field id 'pp-1-2020' is a duplicate"):
        parse_sources(_GOOD + _GOOD, "uji.toml")
    with pytest.raises(DocumentError, match="entry 1: field lines"):
        parse_sources(_GOOD.replace('format = "md"', 'format = "pdf"'), "uji.toml")
    with pytest.raises(DocumentError, match="invalid TOML"):
        parse_sources("[[source]\n", "uji.toml")
