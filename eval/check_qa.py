"""Check a QA file against the corpus: `python eval/check_qa.py eval/own.jsonl` (stdlib only)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
KINDS = {"regulation", "program", "dekopin", "status", "unanswerable"}
NEVER_GOLD = {"uu-17-2012", "pp-17-2013"}
HEADING = re.compile(r"^\s*Pasal\s+(\w+)\s*$")
PJ_MARK = re.compile(r"PENJELASAN\s+(ATAS|Pasal)")


def normalise(text: str) -> str:
    """Lowercase and collapse whitespace, as in the eval README."""
    return " ".join(text.lower().split())


def load_corpus(shared: Path) -> dict[str, str]:
    """Map front-matter id -> document text for every corpus markdown file."""
    docs: dict[str, str] = {}
    for path in sorted((shared / "corpus").rglob("*.md")):
        raw = path.read_text(encoding="utf-8")
        match = re.match(r"^---\n(.*?)\n---\n", raw, re.S)
        if not match:
            continue
        found = re.search(r'^id:\s*"?([^"\n]+?)"?\s*$', match.group(1), re.M)
        if found:
            docs[found.group(1)] = raw[match.end() :]
    return docs


def split_parts(text: str) -> tuple[str, str]:
    """Split a document into (main text, Penjelasan) at the first Penjelasan marker."""
    mark = PJ_MARK.search(text)
    return (text, "") if mark is None else (text[: mark.start()], text[mark.start() :])


def pasal_text(part: str, pasal: str) -> str | None:
    """Concatenated text of every segment headed by a 'Pasal N' line in this part, or None."""
    segments, current = [], None
    for line in part.split("\n"):
        head = HEADING.match(line)
        if head:
            current = [] if head.group(1).upper() == pasal.upper() else None
            if current is not None:
                segments.append(current)
        if current is not None:
            current.append(line)
    return "\n".join("\n".join(s) for s in segments) if segments else None


def check_gold(gold: dict, docs: dict[str, str]) -> list[str]:
    """Problems with one gold entry."""
    doc, evidence = gold.get("doc"), gold.get("evidence", "")
    if doc not in docs:
        return [f"unknown doc {doc!r}"]
    if doc in NEVER_GOLD:
        return [f"{doc} must never be gold"]
    problems = []
    words = len(evidence.split())
    if not 5 <= words <= 15:
        problems.append(f"{doc}: evidence has {words} words (want 5-15)")
    main, pj = split_parts(docs[doc])
    part = pj if gold.get("part") == "penjelasan" else main
    if gold.get("pasal"):
        scope = pasal_text(part, str(gold["pasal"]))
        if scope is None:
            return problems + [
                f"{doc}: no 'Pasal {gold['pasal']}' line in {gold.get('part', 'main')}"
            ]
    elif gold.get("section"):
        scope = part if gold.get("part") == "penjelasan" and pj else docs[doc]
    else:
        return problems + [f"{doc}: gold needs 'pasal' or 'section'"]
    if normalise(evidence) not in normalise(scope):
        problems.append(f"{doc} {gold.get('pasal') or gold.get('section')}: evidence not found")
    return problems


def check_item(item: dict, docs: dict[str, str]) -> list[str]:
    """Problems with one question."""
    problems = []
    for key in ("id", "question", "kind", "gold", "evidence", "expected_points"):
        if key not in item:
            problems.append(f"missing {key}")
    kind, gold = item.get("kind"), item.get("gold", [])
    if kind not in KINDS:
        problems.append(f"bad kind {kind!r}")
    points = item.get("expected_points", [])
    if kind == "unanswerable":
        if gold or item.get("evidence"):
            problems.append("unanswerable must have empty gold and evidence")
        if points not in ([], ["menyatakan tidak ditemukan dalam korpus"]):
            problems.append("unanswerable expected_points must be empty")
        return problems
    if not gold:
        problems.append("answerable question without gold")
    elif gold[0].get("evidence", item.get("evidence")) != item.get("evidence"):
        problems.append("top-level evidence differs from the first gold entry's")
    if not 1 <= len(points) <= 3:
        problems.append(f"{len(points)} expected_points (want 1-3)")
    for entry in gold:
        entry = dict(entry)
        entry.setdefault("evidence", item.get("evidence", "") if entry is gold[0] else "")
        problems.extend(check_gold(entry, docs))
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python eval/check_qa.py QA.jsonl", file=sys.stderr)
        return 2
    docs = load_corpus(SHARED)
    seen: set[str] = set()
    failures = 0
    for number, line in enumerate(Path(argv[1]).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"line {number}: not JSON ({exc})")
            failures += 1
            continue
        problems = check_item(item, docs)
        if item.get("id") in seen:
            problems.append("duplicate id")
        seen.add(item.get("id"))
        for problem in problems:
            print(f"{item.get('id', f'line {number}')}: {problem}")
        failures += bool(problems)
    print(f"{len(seen)} questions, {failures} with problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
