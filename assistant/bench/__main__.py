"""`python -m assistant.bench [compare|encode|scale|ingest|bigdoc|all] ...`: benchmarks that print
their figures (ratios against a baseline measured in the same run) and write them as JSON."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from ..config import Settings
from .common import DEFAULT_QA, bench_settings, machine

COMMANDS = ("compare", "encode", "scale", "ingest", "bigdoc", "all", "report")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m assistant.bench", description=__doc__)
    p.add_argument("command", nargs="?", default="compare", choices=COMMANDS)
    p.add_argument("paths", nargs="*", type=Path, help="inputs (default: the pinned corpus)")
    p.add_argument("--mirror", type=Path, help="folder of source files named by sha256")
    p.add_argument("--qa", type=Path, nargs="+", default=list(DEFAULT_QA), help="question files")
    p.add_argument("--index", type=Path, help="use this data dir's index instead of building one")
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--markdown", type=Path, help="write BENCHMARKS.md-style tables here")
    p.add_argument("--sample", type=int, default=300, help="chunks timed for the raw encode rate")
    p.add_argument("--scales", type=int, nargs="+", default=[10, 50], help="corpus multiples")
    p.add_argument("--server", action="store_true", help="scale: also on a `chroma run` server")
    p.add_argument("--no-quality", action="store_true", help="encode: speed only")
    p.add_argument("--runtimes", nargs="+", help="encode: runtimes to compare (default: all)")
    p.add_argument("--in-process", action="store_true", help="no process per system (tests)")
    p.add_argument(
        "--sizes", type=int, nargs="+", default=[2000, 5000, 20000], help="bigdoc: Pasal counts"
    )
    p.add_argument(
        "--budget", type=float, default=900.0, help="bigdoc: seconds allowed for the real ingest"
    )
    p.add_argument("--no-ingest", action="store_true", help="bigdoc: parse and chunk only")
    return p


def main(argv: list[str] | None = None, *, embedder=None) -> int:
    """Run the benchmarks; `embedder` replaces the real model (tests only, implies in-process)."""
    args = parser().parse_args(argv)
    if args.command == "report":  # BENCHMARKS.md again from a run's JSON
        from .report import markdown

        result = json.loads(args.json.read_text(encoding="utf-8"))
        args.markdown.write_text(markdown(result), encoding="utf-8")
        return 0
    isolate = not args.in_process and embedder is None
    base = Settings.from_env()
    result: dict = {
        "machine": machine(),
        "command": "python -m assistant.bench "
        + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        scratch = Path(tmp)
        data_dir = args.index.resolve() if args.index else scratch / "data"
        settings = bench_settings(base, data_dir)
        if args.command == "ingest":
            from .ingestion import pipeline_figures

            result["ingest"] = pipeline_figures(settings, args.paths, args.mirror, embedder)
            print(json.dumps(result["ingest"], indent=1))
        if args.command == "bigdoc":
            result["bigdoc"] = _bigdoc(args, settings, scratch, embedder, isolate)
        if args.command in ("compare", "all"):
            from .compare import compare, table, targets
            from .systems import Job

            job = Job(
                settings, args.qa, args.paths, args.mirror, scratch=scratch, embedder=embedder
            )
            result["compare"] = compare(job, isolate=isolate, build=args.index is None)
            print(table(result["compare"]))
            _save(args, result)
            for what, met, figure in targets(result["compare"]):
                print(f"target {what}: {figure} {'met' if met else 'NOT met'}")
        if args.command in ("encode", "all"):
            from .encoders import encode_bench, encode_table

            built = result.get("compare", {}).get("builds", {}).get("ours")
            result["encode"] = encode_bench(
                settings,
                args.qa,
                sample=args.sample,
                ingest=built,
                quality=not args.no_quality,
                scratch=scratch,
                embedder=embedder,
                isolate=isolate,
                paths=args.paths,
                mirror=args.mirror,
                baseline=_default_quality(result),
                runtimes=args.runtimes,
            )
            print(encode_table(result["encode"]))
            _save(args, result)
        if args.command in ("scale", "all"):
            from .scale import scale_bench, scale_table

            result["scale"] = scale_bench(
                settings,
                args.scales,
                qa=args.qa,
                scratch=scratch,
                server=args.server,
                embedder=embedder,
                isolate=isolate,
                raw_rate=_raw_rate(result),
            )
            print(scale_table(result["scale"]))
    _save(args, result)
    return 0


def _bigdoc(args, settings, scratch: Path, embedder, isolate: bool) -> dict:
    from .bigdoc import ingest_figures, parse_figures

    out = {"parse": parse_figures(args.sizes, scratch, isolate=isolate)}
    print(json.dumps(out["parse"], indent=1))
    if not args.no_ingest:
        out["ingest"] = ingest_figures(
            settings,
            scratch,
            pasal=args.sizes[-1],
            budget_s=args.budget,
            embedder=embedder,
            isolate=isolate,
        )
        print(json.dumps(out["ingest"], indent=1))
    return out


def _save(args, result: dict) -> None:
    """Write what has been measured so far (after each part, so a later failure keeps it)."""
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.markdown:
        from .report import markdown

        args.markdown.write_text(markdown(result), encoding="utf-8")


def _default_quality(result: dict) -> dict | None:
    """Our full pipeline's figures with the default encoder, from this run's comparison."""
    full = result.get("compare", {}).get("systems", {}).get("ours_full")
    build = result.get("compare", {}).get("builds", {}).get("ours", {})
    if not full:
        return None
    keys = ("recall_at_5", "mrr_at_10", "p50_ms")
    return {
        "ingest_s": build.get("build_s", ""),
        "quality": {qa: {k: f[k] for k in keys} for qa, f in full.items()},
    }


def _raw_rate(result: dict) -> float | None:
    rates = result.get("encode", {}).get("raw", {})
    return rates.get("best_texts_per_s")


if __name__ == "__main__":
    raise SystemExit(main())
