"""Pinned public sources (corpus/sources.toml): parsing, sha256-verified fetching, excerpts."""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DocumentError, SourceError
from ..legal.types import KIND_REGULATION, DocMeta

DEFAULT_SOURCES = Path(__file__).resolve().parents[2] / "corpus" / "sources.toml"
FORMATS = ("md", "pdf")
USER_AGENT = "koperasi-assistant/0.1 (+corpus fetch; python-urllib)"

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_REQUIRED = ("id", "jenis", "nomor", "tahun", "judul", "status", "url", "sha256", "format")
_OPTIONAL = ("amended_by", "revokes", "official_url", "note", "lines")


@dataclass(frozen=True)
class SourceSpec:
    """One pinned source file and the metadata of the regulation built from it."""

    id: str
    jenis: str
    nomor: str
    tahun: int
    judul: str
    status: str
    url: str
    sha256: str
    format: str
    amended_by: tuple[str, ...] = ()
    revokes: tuple[str, ...] = ()
    official_url: str = ""
    note: str = ""
    lines: tuple[tuple[int, int], ...] = ()  # 1-based inclusive ranges of the raw file to keep


@dataclass(frozen=True)
class FetchReport:
    """Outcome of `fetch_sources`: ids fetched, already cached, failed, and verified paths."""

    fetched: tuple[str, ...] = ()
    cached: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (id, reason naming the URL or mirror path)
    paths: dict[str, Path] = field(default_factory=dict)  # id -> verified file in the cache

    @property
    def ok(self) -> bool:
        return not self.failed


def parse_sources(toml_text: str, name: str) -> tuple[SourceSpec, ...]:
    """Parse the text of a sources.toml into specs; raise DocumentError naming the bad entry."""
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise DocumentError(name, f"invalid TOML: {exc}") from None
    unknown_top = set(data) - {"source"}
    if unknown_top:
        raise DocumentError(name, f"unknown top-level key(s): {', '.join(sorted(unknown_top))}")
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise DocumentError(name, "`source` must be an array of tables ([[source]])")
    specs: list[SourceSpec] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        spec = _parse_entry(entry, n, name)
        if spec.id in seen:
            raise DocumentError(name, f"entry {n}: field id {spec.id!r} is a duplicate")
        seen.add(spec.id)
        specs.append(spec)
    return tuple(specs)


def load_sources(path: Path = DEFAULT_SOURCES) -> tuple[SourceSpec, ...]:
    """Read and parse a sources.toml file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DocumentError(str(path), f"cannot read: {exc.strerror or exc}") from None
    return parse_sources(text, str(path))


def _parse_entry(entry: object, n: int, name: str) -> SourceSpec:
    def bad(key: str, problem: str) -> DocumentError:
        return DocumentError(name, f"entry {n}: field {key} {problem}")

    if not isinstance(entry, dict):
        raise DocumentError(name, f"entry {n}: must be a table")
    unknown = set(entry) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise bad(min(unknown), "is not a known field")
    for key in _REQUIRED:
        if key not in entry:
            raise bad(key, "is missing")
    for key in ("id", "jenis", "nomor", "judul", "status", "url", "sha256", "format"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise bad(key, "must be a non-empty string")
    for key in ("official_url", "note"):
        if not isinstance(entry.get(key, ""), str):
            raise bad(key, "must be a string")
    if not _ID_RE.match(entry["id"]):
        raise bad("id", f"{entry['id']!r} must be lowercase letters, digits, '.' or '-'")
    tahun = entry["tahun"]
    if not isinstance(tahun, int) or isinstance(tahun, bool) or not 1900 <= tahun <= 2100:
        raise bad("tahun", f"must be a year, got {tahun!r}")
    if not entry["url"].startswith(("https://", "http://")):
        raise bad("url", f"must be an http(s) URL, got {entry['url']!r}")
    official = entry.get("official_url", "")
    if official and (" " in official or not official.startswith(("https://", "http://"))):
        raise bad("official_url", "must be a bare http(s) URL (put remarks in `note`)")
    if not _SHA_RE.match(entry["sha256"]):
        raise bad("sha256", "must be 64 lowercase hex digits")
    if entry["format"] not in FORMATS:
        raise bad("format", f"must be one of {', '.join(FORMATS)}, got {entry['format']!r}")
    lists = {}
    for key in ("amended_by", "revokes"):
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise bad(key, "must be a list of non-empty strings")
        lists[key] = tuple(value)
    lines = _parse_lines(entry.get("lines", []), bad)
    if lines and entry["format"] != "md":
        raise bad("lines", "is only allowed for format md")
    return SourceSpec(
        id=entry["id"],
        jenis=entry["jenis"],
        nomor=entry["nomor"],
        tahun=tahun,
        judul=entry["judul"],
        status=entry["status"],
        url=entry["url"],
        sha256=entry["sha256"],
        format=entry["format"],
        amended_by=lists["amended_by"],
        revokes=lists["revokes"],
        official_url=official,
        note=entry.get("note", ""),
        lines=lines,
    )


def _parse_lines(value: object, bad) -> tuple[tuple[int, int], ...]:
    if not isinstance(value, list):
        raise bad("lines", "must be a list of [first, last] pairs")
    ranges: list[tuple[int, int]] = []
    for pair in value:
        ok = (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
            and 1 <= pair[0] <= pair[1]
        )
        if not ok:
            raise bad("lines", f"has an invalid range {pair!r} (want [first, last], 1-based)")
        if ranges and pair[0] <= ranges[-1][1]:
            raise bad("lines", "ranges must be ascending and must not overlap")
        ranges.append((pair[0], pair[1]))
    return tuple(ranges)


def spec_meta(spec: SourceSpec) -> DocMeta:
    """DocMeta of the document built from a spec."""
    source = spec.url
    if spec.lines:
        source += " lines=" + ",".join(f"{a}-{b}" for a, b in spec.lines)
    return DocMeta(
        doc_id=spec.id,
        jenis=spec.jenis,
        nomor=spec.nomor,
        tahun=spec.tahun,
        judul=spec.judul,
        status=spec.status,
        kind=KIND_REGULATION,
        amended_by=spec.amended_by,
        revokes=spec.revokes,
        official_url=spec.official_url,
        source=source,
    )


def materialise(spec: SourceSpec, raw: bytes) -> bytes:
    """The bytes a document is built from: the raw file, or only its `lines` ranges."""
    if not spec.lines:
        return raw
    lines = raw.splitlines(keepends=True)
    parts: list[bytes] = []
    for first, last in spec.lines:
        if last > len(lines):
            raise SourceError(
                f"{spec.id}: lines {first}-{last} lie beyond the end of the file "
                f"({len(lines)} lines)"
            )
        part = b"".join(lines[first - 1 : last])
        parts.append(part if part.endswith(b"\n") else part + b"\n")
    return b"\n".join(parts)


def cache_path(spec: SourceSpec, cache_dir: Path) -> Path:
    """Where the verified raw file of a spec lives in the cache."""
    return Path(cache_dir) / f"{spec.id}.{spec.format}"


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def fetch_sources(
    specs: Iterable[SourceSpec],
    cache_dir: Path,
    *,
    mirror: Path | None = None,
    timeout: float = 60,
    opener=None,
    retries: int = 2,
    backoff: float = 1.0,
) -> FetchReport:
    """Make sure each spec's raw file is in `cache_dir`, verified by sha256.

    Files come from `mirror/<sha256>` when a mirror is given, else from `spec.url`.
    Failures are collected per spec; nothing unverified is ever written to the cache.
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    if mirror is None and opener is None:
        opener = urllib.request.build_opener()
    fetched: list[str] = []
    cached: list[str] = []
    failed: list[tuple[str, str]] = []
    paths: dict[str, Path] = {}
    for spec in specs:
        target = cache_path(spec, cache_dir)
        if _has_sha(target, spec.sha256):
            cached.append(spec.id)
            paths[spec.id] = target
            continue
        try:
            if mirror is not None:
                origin = str(Path(mirror) / spec.sha256)
                data = _read_mirror(Path(origin))
            else:
                origin = spec.url
                data = _download(spec.url, opener, timeout, retries, backoff)
            got = sha256_bytes(data)
            if got != spec.sha256:
                raise SourceError(f"sha256 mismatch (expected {spec.sha256}, got {got})")
            _write_atomic(target, data)
        except SourceError as exc:
            failed.append((spec.id, f"{spec.id}: {origin}: {exc}"))
            continue
        fetched.append(spec.id)
        paths[spec.id] = target
    return FetchReport(tuple(fetched), tuple(cached), tuple(failed), paths)


def _has_sha(path: Path, sha256: str) -> bool:
    try:
        return sha256_bytes(path.read_bytes()) == sha256
    except OSError:
        return False


def _read_mirror(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SourceError("not in mirror") from None
    except OSError as exc:
        raise SourceError(f"cannot read mirror file: {exc.strerror or exc}") from None


def _download(url: str, opener, timeout: float, retries: int, backoff: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    attempts = retries + 1
    for attempt in range(1, attempts + 1):
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                reason = "not found (HTTP 404)" if exc.code == 404 else f"HTTP {exc.code}"
                raise SourceError(reason) from None
            reason = f"server error (HTTP {exc.code})"
        except TimeoutError:
            reason = f"timed out after {timeout:g} s"
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                reason = f"timed out after {timeout:g} s"
            else:
                reason = f"network error ({exc.reason})"
        except (OSError, http.client.HTTPException) as exc:
            reason = f"network error ({exc})"
        if attempt < attempts:
            time.sleep(backoff * 2 ** (attempt - 1))
    raise SourceError(f"{reason}; gave up after {attempts} attempts")


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SourceError(f"cannot write {target}: {exc.strerror or exc}") from None
