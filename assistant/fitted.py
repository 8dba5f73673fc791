"""The fitted parameters file (assistant/fitted.json): one section per fitting command.

- "decision": the answer decision (`python -m assistant.fit --write`)
- "retrieval": retrieval weights (`python -m assistant.fit_retrieval --write`)
- "selection": which quotes an extractive answer takes (`python -m assistant.fit_selection --write`)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

FITTED_FILE = Path(__file__).resolve().parent / "fitted.json"


def read(section: str, path: Path = FITTED_FILE) -> dict:
    """One section of the fitted file ({} when the file or the section is absent)."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return data.get(section, {})


def write(section: str, values: dict, path: Path = FITTED_FILE) -> None:
    """Replace one section of the fitted file, keeping the others."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data[section] = values
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def save(section: str, values: dict, fitted_on: Sequence[Path], command: str) -> None:
    """Write a fitting command's result with where it came from and how to redo it."""
    write(
        section,
        values
        | {
            "fitted_on": [p.name for p in fitted_on],
            "date": date.today().isoformat(),
            "refit": f"python -m {command} --write",
        },
    )
    print(f"written: {FITTED_FILE}")
