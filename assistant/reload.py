"""A running app picks up a new index without a restart.

Every finished ingestion writes `data_dir/index_generation` atomically (temp file, then
`os.replace`). The assistant compares that file's stat with the one its retriever was built at,
once per question; when it changed, the next question builds the new retriever and swaps it in as
one object (`Live`), so an answer comes from the old index or the new one, never a mix. Questions
asked while it is being built keep the old one; a failure to build keeps the old one and is logged.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .config import Settings
from .storage import private_dir, write_private

log = logging.getLogger(__name__)

MARKER = "index_generation"
RETRY_SECONDS = 60.0  # a generation that failed to load is tried again after this long
RETIRE_SECONDS = 600.0  # a replaced index's Chroma client is closed after this long

Signature = tuple[int, int, int] | None  # (inode, mtime ns, size) of the marker; None: absent


def marker_path(settings: Settings) -> Path:
    return settings.data_dir / MARKER


def read_generation(settings: Settings) -> dict:
    """The marker's content ({"generation": n, "at": iso time}), {} when absent or unreadable."""
    try:
        data = json.loads(marker_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def bump(settings: Settings) -> int:
    """Record that the index changed: the next generation number, written atomically."""
    private_dir(settings.data_dir)
    path = marker_path(settings)
    number = int(read_generation(settings).get("generation", 0) or 0) + 1
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    tmp = path.with_name(f".{MARKER}.{os.getpid()}.tmp")
    write_private(tmp, json.dumps({"generation": number, "at": stamp}))
    os.replace(tmp, path)
    return number


def signature(settings: Settings) -> Signature:
    """A cheap fingerprint of the marker (one stat): it changes with every `bump`."""
    try:
        st = marker_path(settings).stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class Live:
    """What answers are made from, swapped as a whole: the index, its retriever, word counts."""

    index: Any
    retriever: Any
    frequencies: Any
    signature: Signature = None
    generation: int = 0


class Reloader:
    """Holds the current `Live`; `fresh()` returns it, first loading a newer one when there is."""

    def __init__(self, settings: Settings, live: Live, load: Callable[[Signature], Live]):
        self.settings = settings
        self._live = live
        self._load = load
        self._lock = threading.Lock()
        self._failed: tuple[Signature, float] | None = None
        self._retired: list[tuple[float, Live]] = []  # replaced, closed once no question uses them

    @property
    def live(self) -> Live:
        return self._live

    def fresh(self) -> Live:
        live = self._live
        sig = signature(self.settings)
        if sig is None or sig == live.signature or self._failed_recently(sig):
            return live
        if not self._lock.acquire(blocking=False):
            return live  # another question is loading it: this one answers from the old index
        try:
            if self._live.signature == sig:
                return self._live
            try:
                new = self._load(sig)
            except Exception as exc:  # keep answering from the old index
                self._failed = (sig, time.monotonic())
                log.warning(
                    "new index (generation %s) could not be loaded, keeping the old one: %s: %s",
                    read_generation(self.settings).get("generation", "?"),
                    type(exc).__name__,
                    exc,
                )
                return live
            self._live = new
            self._failed = None
            self._retire(live)
            log.info("index generation %s loaded", new.generation)
            return new
        finally:
            self._lock.release()

    def _retire(self, old: Live) -> None:
        """Close the clients of indexes replaced long enough ago that no question still reads
        them (each reload opens a Chroma client of its own, see `load`)."""
        now = time.monotonic()
        keep = []
        for at, live in self._retired:
            if now - at < RETIRE_SECONDS or live.index is old.index:
                keep.append((at, live))
            elif hasattr(live.index, "close"):
                live.index.close()
        self._retired = keep + [(now, old)]

    def _failed_recently(self, sig: Signature) -> bool:
        failed = self._failed
        return bool(failed and failed[0] == sig and time.monotonic() - failed[1] < RETRY_SECONDS)


def word_frequencies(retriever):
    """In how many chunks each word form occurs (see answer.terms.Frequencies), counted over
    the chunks the retriever already holds in memory."""
    from .answer.terms import Frequencies

    pairs = zip(retriever.texts, retriever.metas)
    return Frequencies.of(f"{text} {meta.get('context', '')}" for text, meta in pairs)


def load(settings: Settings, index, sig: Signature, opened: bool = False) -> Live:
    """The index (reopened with `index`'s embedder, unless `opened`), its retriever and word
    counts, as one `Live`.

    Reopened through a Chroma client of its own: the client this process already has keeps the
    vectors it read in memory, and when `python ingest.py` (another process) has changed them,
    reading through it fails ("Error finding id") and the new index would never load."""
    from .index import Index
    from .retrieval.retriever import build_retriever

    if not opened:
        index = Index(settings, index.embedder, create=False, own_client=True)
    retriever = build_retriever(settings, index, index.embedder)
    generation = int(read_generation(settings).get("generation", 0) or 0)
    return Live(index, retriever, word_frequencies(retriever), sig, generation)
