"""Command line: ``newsevents run`` and ``newsevents sql``.

``parse_args(argv)`` takes a list so it is unit-testable; the commands only parse and call library code.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from flows.settings import REPO, prefect_defaults

EXAMPLE_QUERY = REPO / "queries" / "events_per_day_by_type.sql"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    ap = argparse.ArgumentParser(prog="newsevents", description="News pages in; validated actor/event/location "
                                 "tables (Parquet + DuckDB views) out.")
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the nightly flow on one or more sources and publish a date partition")
    run.add_argument("--source", action="append", default=[], metavar="SRC",
                     help="one-off source instead of the sources file: folder of .html pages, .jsonl text records, "
                          ".warc/.warc.gz file or folder, .txt URL list, or an http(s) page, feed or sitemap URL "
                          "(repeatable)")
    run.add_argument("--sources-file", metavar="FILE",
                     help="sources file (YAML/TOML; default: data/sources.yaml, which lists the bundled sample; "
                          "every kind is documented in data/sources.example.yaml)")
    run.add_argument("--from-raw", action="store_true",
                     help="re-extract every article kept in the warehouse's raw WARC files, without the network")
    run.add_argument("--warehouse", default="data/warehouse", metavar="DIR",
                     help="output folder for Parquet tables and newsevents.duckdb (default: %(default)s)")
    run.add_argument("--run-date", metavar="YYYY-MM-DD", help="partition to (re)write (default: today, UTC)")
    run.add_argument("--batch-size", type=int, metavar="N", help="articles per task (default: 100)")
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    run.add_argument("--dask-address", metavar="ADDR", help="run the batch tasks on this Dask scheduler "
                     "(e.g. tcp://10.0.0.5:8786; prefect-dask)")
    run.add_argument("--dask-workers", type=int, metavar="N", help="run the batch tasks on a local Dask cluster of N "
                     "worker processes")
    sql = sub.add_parser("sql", help="run SQL (a string or a .sql file) against a warehouse's views")
    sql.add_argument("query", help="SQL text, or a path to a .sql file")
    sql.add_argument("--warehouse", default="data/warehouse", metavar="DIR", help="(default: %(default)s)")
    sql.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                     help="named parameter for $NAME in the query (repeatable)")
    sql.add_argument("--format", choices=["table", "csv", "json", "parquet"], default="table",
                     help="output format (default: %(default)s)")
    sql.add_argument("--output", metavar="PATH", help="write to a file instead of stdout (needed for parquet)")
    sql.add_argument("--max-rows", type=int, default=40, help="rows shown in table format (default: %(default)s)")
    bench = sub.add_parser("bench", help="measure throughput and peak memory (see flows/bench.py)")
    bench.add_argument("what", choices=["pipeline", "crawl", "publish", "queries", "dedup"],
                       help="pipeline: the nightly flow on N synthetic pages, per stage, with the floor; crawl: fetch "
                            "N synthetic pages from a local server; publish: validate and publish N synthetic events; "
                            "queries: the SQL recipes over N synthetic events; dedup: duplicate detection alone on "
                            "N synthetic texts with planted copies")
    bench.add_argument("--pages", type=int, default=1000, help="pages, or texts for dedup (default: %(default)s)")
    bench.add_argument("--events", type=int, default=100_000, help="events for publish/queries (default: %(default)s)")
    bench.add_argument("--workers", type=int, help="coder processes (spaCy + coding) for `pipeline` (default: NEWSEVENTS_WORKERS)")
    bench.add_argument("--no-rerun", action="store_true", help="`pipeline`: skip the second (nothing new) run")
    bench.add_argument("--concurrency", type=int, default=32, help="requests in flight (default: %(default)s)")
    bench.add_argument("--per-host", type=int, default=16, help="requests in flight per host (default: %(default)s)")
    args = ap.parse_args(argv)
    if args.command == "run" and args.run_date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.run_date):
        ap.error("--run-date must be YYYY-MM-DD")
    if args.command == "sql" and args.format == "parquet" and not args.output:
        ap.error("--format parquet needs --output")
    return args


def _print_summary(s: dict[str, Any], example: tuple[str, str] | None) -> None:
    print(f"newsevents run {s['run_date']} ({s['run_id']}): {s['discovered']} discovered, {s['retrieved']} retrieved, "
          f"{s['articles']} articles + {s['duplicates']} duplicates ({s['coded']} coded), {len(s['rejected'])} "
          f"rejected, {s['seconds']} s")
    print("outcomes:  " + ", ".join(f"{k} {v}" for k, v in s["outcomes"].items())
          + ("" if s["balanced"] else "  (ACCOUNTING DOES NOT BALANCE)"))
    for r in s["rejected"][:10]:
        print(f"  rejected {r['location']}: {r['reason']}")
    print("rows:      " + ", ".join(f"{k} {v}" for k, v in s["rows"].items()))
    bad = {k: v for k, v in s["validation"].items() if not v["success"]}
    q = {k: v for k, v in s["quarantined"].items() if v}
    print("validation: " + ("passed (" + ", ".join(s["validation"]) + ")" if not bad else
                            "rows failed" + (" and were quarantined" if s["published"] else "; NOTHING PUBLISHED")))
    for name, o in bad.items():
        for f in o["failures"]:
            print(f"  {name}: {f['expectation']} on {f['column']}: {f['unexpected_count']} rows, e.g. {f['sample']}")
    if q:
        print("quarantine: " + ", ".join(f"{k} {v}" for k, v in q.items()) + f"  ({s['warehouse']}/current/quarantine/)")
    if s.get("data_docs"):
        print(f"data docs: {s['data_docs']}")
    for f in s.get("volume_flags") or []:
        print(f"volume:    {f}")
    if s["published"]:
        print(f"parquet:   {s['warehouse']}/current/<table>/date={s['run_date']}/part-0.parquet")
        print(f"duckdb:    {s['files']['duckdb']}  (views: {', '.join(s['rows'])})")
    else:
        print("nothing published (validation failed)")
    if example:
        print(f"example:   newsevents sql {example[0]} --warehouse {s['warehouse']}")
        print(example[1])


def cmd_run(args: argparse.Namespace) -> int:
    prefect_defaults()
    from flows.nightly import import_gx_meanwhile, with_runner  # noqa: PLC0415 - slow imports; only for `run`

    nightly = with_runner(args.dask_address, args.dask_workers)

    if args.from_raw and (args.source or args.sources_file):
        print("--from-raw re-reads the warehouse's raw capture; it cannot be combined with --source/--sources-file",
              file=sys.stderr)
        return 2
    from flows.sources import SourceError  # noqa: PLC0415

    import_gx_meanwhile()
    try:
        summary = nightly(sources=args.source or None, warehouse=args.warehouse, run_date=args.run_date,
                          batch_size=args.batch_size, sources_file=args.sources_file, from_raw=args.from_raw)
    except SourceError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary, default=str, indent=1))
    else:
        example = None
        if summary["published"] and EXAMPLE_QUERY.exists():
            from flows.publish import connect  # noqa: PLC0415

            con = connect(Path(args.warehouse))
            try:
                example = (str(EXAMPLE_QUERY.relative_to(REPO)), str(con.sql(EXAMPLE_QUERY.read_text()).limit(10)))
            finally:
                con.close()
        _print_summary(summary, example)
    return 0 if summary["valid"] else 1


def cmd_sql(args: argparse.Namespace) -> int:
    from flows.publish import connect  # noqa: PLC0415

    query = args.query
    if query.endswith(".sql") and Path(query).is_file():
        query = Path(query).read_text(encoding="utf-8")
    params = {}
    for p in args.param:
        if "=" not in p:
            print(f"--param {p!r}: expected NAME=VALUE", file=sys.stderr)
            return 2
        k, v = p.split("=", 1)
        params[k] = v
    try:
        con = connect(Path(args.warehouse))
    except FileNotFoundError as e:
        print(str(e), file=sys.stderr)
        return 2
    try:
        rel = con.sql(query, params=params or None)
        if rel is None:
            return 0
        if args.format == "table":
            text = str(rel.limit(args.max_rows))
        elif args.format == "csv":
            text = rel.df().to_csv(index=False)
        elif args.format == "json":
            text = rel.df().to_json(orient="records", date_format="iso", force_ascii=False)
        else:
            rel.write_parquet(args.output)
            return 0
    except Exception as e:  # noqa: BLE001 - report DuckDB errors as a CLI error, not a traceback
        print(f"query failed: {e}", file=sys.stderr)
        return 1
    finally:
        con.close()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from flows.bench import bench_crawl, bench_publish  # noqa: PLC0415

    prefect_defaults()
    if args.what == "pipeline":
        from flows.bench import bench_pipeline  # noqa: PLC0415

        r = bench_pipeline(args.pages, args.workers, rerun=not args.no_rerun)
        print(json.dumps(r, indent=1))
        return 0
    if args.what == "queries":
        from flows.bench import bench_queries  # noqa: PLC0415

        r = bench_queries(args.events)
        print(json.dumps(r, indent=1))
        return 0 if all(v["seconds"] < 1 for k, v in r["queries"].items() if k.endswith(".sql")) else 1
    if args.what == "dedup":
        from flows.bench import bench_dedup  # noqa: PLC0415

        r = bench_dedup(args.pages)
        print(json.dumps(r, indent=1))
        return 0 if r["copies_found"] >= r["planted_copies"] else 1
    if args.what == "publish":
        r = bench_publish(args.events)
        print(json.dumps(r, indent=1))
        return 0 if r["valid"] else 1
    r = bench_crawl(args.pages, args.concurrency, args.per_host)
    print(json.dumps(r, indent=1))
    return 0 if r["fetched"] == args.pages else 1


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``newsevents`` console script."""
    args = parse_args(argv)
    return {"run": cmd_run, "sql": cmd_sql, "bench": cmd_bench}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())


def run_cli() -> None:
    """Console-script wrapper: exit with main()'s return code. On Linux the process first re-executes itself
    once with glibc's ``MALLOC_ARENA_MAX=2`` (unless set): the flow's Prefect and task-runner threads would
    otherwise each keep a malloc arena of freed batch memory (hundreds of MB over a long run)."""
    if sys.platform.startswith("linux") and "MALLOC_ARENA_MAX" not in os.environ:
        env = dict(os.environ, MALLOC_ARENA_MAX="2")
        with contextlib.suppress(OSError):
            os.execve(sys.executable, [sys.executable, "-m", "flows.cli", *sys.argv[1:]], env)
    sys.exit(main())
