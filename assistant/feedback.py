"""Users' ratings of answers, appended as JSON lines to `settings.feedback_file`."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

from .answer.types import Answer
from .storage import append_private, private_dir

RATINGS = ("helpful", "not_helpful")
MAX_COMMENT = 2000
_LOCK = threading.Lock()


def feedback_record(
    answer: Answer, rating: str, comment: str = "", now: datetime | None = None
) -> dict:
    """The JSON-ready record of one rating."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, got {rating!r}")
    return {
        "time": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "question": answer.question,
        "answer": answer.text,
        "citations": [s.citation for s in answer.sources],
        "source_ids": [s.id for s in answer.sources],
        "refused": answer.refused,
        "mode": answer.mode,
        "rating": rating,
        "comment": (comment or "").strip()[:MAX_COMMENT],
    }


def append_feedback(path: Path, record: dict, max_mb: float = 0) -> None:
    """Append one record as a JSON line (thread-safe within the process), readable by this user
    only; beyond `max_mb` the file is rotated to feedback.1.jsonl first."""
    private_dir(path.parent)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _LOCK:
        append_private(path, line, int(max_mb * 1_000_000))


def read_feedback(path: Path) -> list[dict]:
    """Every record in the file (empty when there is none)."""
    if not path.exists():
        return []
    return [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
