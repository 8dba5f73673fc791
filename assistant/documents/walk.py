"""Which files under the given folders are inputs, and which symbolic links are left out (and why).

A corpus folder on a shared machine may hold links: a loop, a link whose target is gone, a link
to something outside the folder. None of them is followed by default; a link out of the folder is
followed only with `follow_links` (`ASSISTANT_FOLLOW_LINKS=true`, `ingest.py --follow-links`). A
link inside the folder is never followed: its target is read under its own name already.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

FOLLOW_HINT = "jalankan dengan --follow-links atau ASSISTANT_FOLLOW_LINKS=true bila memang perlu"


@dataclass
class Found:
    """The files to read, and the links left out as failures ({file, doc_id, reason})."""

    files: list[Path] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)


def wanted(file: Path, supported: set[str], in_folder: bool) -> bool:
    """Hidden files and READMEs are never inputs; in a folder only supported suffixes are."""
    if file.name.startswith(".") or file.stem.upper() == "README":
        return False
    return not in_folder or file.suffix.lower() in supported


def scan(paths: Iterable[Path], supported: set[str], follow_links: bool = False) -> Found:
    """Files under the given files/folders (sorted, each once) and the links left out."""
    found = Found()
    files: set[Path] = set()
    for path in map(Path, paths):
        if path.is_symlink():
            target, reason = _resolve(path)
            if reason:
                found.skipped.append(_skip(path, reason))
                continue
            path = target  # a link named on the command line is what the user asked for
        if path.is_dir():
            _walk(path, path.resolve(), supported, follow_links, files, found, {path.resolve()})
        elif path.is_file() and wanted(path, supported, in_folder=False):
            files.add(path)
    found.files = sorted(files)
    found.skipped.sort(key=lambda f: f["file"])
    return found


def _walk(folder, root, supported, follow, files, found, seen) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        found.skipped.append(_skip(folder, f"folder tidak dapat dibaca: {exc.strerror or exc}"))
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            target, reason = _resolve(path)
            if not reason:
                reason = _link_reason(path, target, root, follow, seen, supported)
            if reason:
                if reason is not _IGNORED:
                    found.skipped.append(_skip(path, reason))
                continue
            if target.is_dir():
                seen.add(target)
                _walk(path, root, supported, follow, files, found, seen)
            else:
                files.add(path)
        elif entry.is_dir(follow_symlinks=False):
            real = path.resolve()
            if real not in seen:
                seen.add(real)
                _walk(path, root, supported, follow, files, found, seen)
        elif entry.is_file(follow_symlinks=False) and wanted(path, supported, in_folder=True):
            files.add(path)


_IGNORED = ""  # a link to a file that would not be read anyway (hidden, README, other suffix)


def _resolve(link: Path) -> tuple[Path, str]:
    """The link's final target, or the reason it has none (broken, a loop)."""
    try:
        return link.resolve(strict=True), ""
    except FileNotFoundError:
        return link, f"tautan simbolik rusak: tujuannya ({os.readlink(link)}) tidak ada; dilewati"
    except (RuntimeError, OSError) as exc:  # RuntimeError: a loop (Python < 3.13), ELOOP after
        if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
            return link, "tautan simbolik berputar (menunjuk ke dirinya sendiri); dilewati"
        return link, f"tautan simbolik tidak dapat dibuka: {exc}; dilewati"


def _link_reason(link: Path, target: Path, root: Path, follow: bool, seen, supported) -> str:
    """Why a resolvable link is not followed, or "" when it is."""
    if target.is_file() and not wanted(link, supported, in_folder=True):
        return _IGNORED
    if target.is_dir() and any(target == s or target in s.parents for s in seen):
        return f"tautan simbolik berputar: menunjuk ke folder di atasnya ({target}); dilewati"
    if any(s == target or s in target.parents for s in {root, *seen}):
        return (
            f"tautan simbolik ke {target} di dalam folder korpus; tidak diikuti "
            "(berkas tujuannya dibaca dengan namanya sendiri)"
        )
    if not follow:
        return f"tautan simbolik ke luar folder korpus ({target}); tidak diikuti — {FOLLOW_HINT}"
    return ""


def _skip(path: Path, reason: str) -> dict:
    return {"file": str(path), "doc_id": path.stem.lower(), "reason": reason}
