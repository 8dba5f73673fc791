"""Files the app writes for its users (index, feedback, exports): user-only permissions, bounded."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by this user only; tighten it if it exists."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def write_private(path: Path, text: str) -> None:
    """Write `text` to a new or existing file readable by this user only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        os.fchmod(fh.fileno(), FILE_MODE)
        fh.write(text)


def append_private(path: Path, text: str, max_bytes: int = 0) -> None:
    """Append `text`; once the file would exceed `max_bytes` it is first rotated to `<name>.1`
    (replacing the previous one), so at most about twice `max_bytes` is kept."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = 0
    if max_bytes and size and size + len(text.encode("utf-8")) > max_bytes:
        path.replace(rotated(path))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        os.fchmod(fh.fileno(), FILE_MODE)
        fh.write(text)


def rotated(path: Path) -> Path:
    """Where `append_private` moves a full file: feedback.jsonl -> feedback.1.jsonl."""
    return path.with_name(f"{path.stem}.1{path.suffix}")


def keep_newest(folder: Path, keep: int, pattern: str = "*") -> int:
    """Delete all but the `keep` newest files matching `pattern`; returns how many went."""
    files = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    gone = 0
    for old in files[max(keep, 0) :]:
        try:
            old.unlink()
            gone += 1
        except FileNotFoundError:
            pass
    return gone
