"""Argument parsing for `python -m assistant` and `ingest.py`; errors become one-line messages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .config import Settings
from .errors import AssistantError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m assistant", description="Asisten regulasi koperasi")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="build or update the index")
    ing.add_argument(
        "paths", nargs="*", type=Path, help="files or folders (default: pinned corpus)"
    )
    ing.add_argument("--fetch", action="store_true", help="fetch the pinned default corpus first")
    ing.add_argument("--mirror", type=Path, help="folder of source files named by sha256")
    ing.add_argument("--rebuild", action="store_true", help="drop the index and build it anew")
    ing.add_argument(
        "--follow-links",
        action="store_true",
        help="follow symbolic links out of a corpus folder (= ASSISTANT_FOLLOW_LINKS=true)",
    )
    ing.add_argument("--no-progress", action="store_true")
    ing.add_argument("--json", action="store_true", help="print the summary as JSON")

    st = sub.add_parser("stats", help="print the index's state")
    st.add_argument("--json", action="store_true")

    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--k", type=int, default=None, help="passages to retrieve")

    show = sub.add_parser("show", help="print an act (or one Pasal) as Markdown, consolidated")
    show.add_argument("doc_id", help="document id, e.g. uu-25-1992")
    show.add_argument("--asli", action="store_true", help="the text as first enacted")
    show.add_argument("--pasal", default=None, help="only this Pasal, e.g. 6 or 44A")
    show.add_argument("--json", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return _COMMANDS[args.command](args, settings)
    except AssistantError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


def _ingest(args, settings: Settings) -> int:
    from dataclasses import replace

    from . import pipeline

    if args.follow_links:
        settings = replace(settings, follow_links=True)
    summary = pipeline.ingest(
        args.paths,
        settings,
        fetch=args.fetch,
        mirror=args.mirror,
        rebuild=args.rebuild,
        progress=not args.no_progress,
    )
    if args.json:
        from dataclasses import asdict

        print(json.dumps(asdict(summary), ensure_ascii=False, indent=1))
    else:
        print("\n".join(summary.lines()))
    if summary.failures:  # the rest is indexed, but scripts and cron must notice
        print(
            f"Error: {len(summary.failures)} berkas gagal diindeks (lihat di atas)", file=sys.stderr
        )
        return 1
    return 0


def _stats(args, settings: Settings) -> int:
    from . import pipeline

    data = pipeline.stats(settings)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    print(f"Dokumen: {data['documents']}  Potongan: {data['chunks']}")
    for doc_id, d in data["by_document"].items():
        print(f"  {doc_id:40s} {d['jenis']:12.12s} pasal={d['pasal']:4d} chunk={d['chunks']:4d}")
    last = data.get("last_ingest") or {}
    if last:
        print(f"Ingest terakhir: {last.get('finished_at', '?')} ({last.get('seconds', '?')} detik)")
    return 0


def _ask(args, settings: Settings) -> int:
    from .pipeline import Assistant

    assistant = Assistant.from_settings(settings)
    answer = assistant.ask(args.question, k=args.k)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
    else:
        print(answer.to_markdown())
    return 0


def _show(args, settings: Settings) -> int:
    from .pipeline import open_index
    from .provisions import from_index

    view = from_index(
        open_index(settings, create=False), args.doc_id, asli=args.asli, pasal=args.pasal
    )
    if args.json:
        print(json.dumps(view.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(view.to_markdown(), end="")
    return 0


_COMMANDS = {"ingest": _ingest, "stats": _stats, "ask": _ask, "show": _show}
