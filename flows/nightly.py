"""The nightly flow: discover -> load/fetch -> clean -> dedup -> code (actors, locations, events) ->
validate -> publish. Tasks work on batches (``batch_size`` articles each), never one task per article.

Every candidate ends somewhere countable: an article (published, or marked duplicate), or a rejected
item with its reason. The returned summary balances: discovered = articles + rejected.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.publish import refresh_views, write_partition
from flows.settings import Settings
from flows.sources import Item, SourceError, discover, load
from flows.validate import validate_tables
from schemas.tables import TABLES
from transforms.clean import clean_html, clean_record
from transforms.tables import article_row, mark_duplicates, to_table

_CODERS: dict[str, Any] = {}
MIN_PAGE_WORDS = 25  # an HTML page whose extracted body is shorter is navigation, not an article


def get_coder(settings: Settings) -> Any:
    """The coder for these settings, loaded once per process (model, dictionaries, gazetteer)."""
    key = f"{settings.data_dir}|{settings.cache_dir}|{settings.gazetteer_extra}"
    if key not in _CODERS:
        from transforms.coder import Coder  # noqa: PLC0415 - spaCy import only when coding
        from transforms.gazetteer import load_or_build  # noqa: PLC0415

        gaz = load_or_build(settings.data_dir, settings.cache_dir, settings.gazetteer_extra)
        _CODERS[key] = Coder(settings.data_dir, gaz)
    return _CODERS[key]


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


@task(name="discover", cache_policy=NO_CACHE)
def discover_sources(sources: list[str], settings: Settings) -> tuple[list[Item], list[dict[str, Any]]]:
    """Candidates of every source; a source that names nothing usable is an error row, not a crash."""
    items: list[Item] = []
    errors: list[dict[str, Any]] = []
    for spec in sources:
        try:
            items.extend(discover(spec, settings))
        except SourceError as e:
            errors.append({"source": spec, "location": spec, "reason": f"bad_source: {e}"})
    return items, errors


@task(name="load-and-clean", cache_policy=NO_CACHE)
def load_and_clean(items: list[Item], settings: Settings) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Load (read or fetch) and clean one batch. Returns (article rows, rejected rows with reasons)."""
    rows, rejected = [], []
    for item in items:
        item = load(item, settings)
        if item.reason:
            rejected.append({"source": item.source, "location": item.location, "reason": item.reason})
            continue
        if item.record is not None:
            cleaned = clean_record(item.record)
            src_url = item.record.get("url") or item.location
        else:
            src_url = item.location if item.kind == "url" else Path(item.location).as_uri()
            cleaned = clean_html(item.html or "", fallback_url=src_url)
        if not cleaned.text or (item.record is None and cleaned.word_count < MIN_PAGE_WORDS):
            rejected.append({"source": item.source, "location": item.location, "reason": "no_text_extracted"})
            continue
        rows.append(article_row(cleaned, item.source, src_url))
    return rows, rejected


@task(name="code", cache_policy=NO_CACHE)
def code_batch(rows: list[dict[str, Any]], settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Actors, locations, events and mentions of a batch of English, non-duplicate articles."""
    coder = get_coder(settings)
    out: dict[str, Any] = {"actors": {}, "locations": {}, "events": [], "actor_mentions": [], "location_mentions": []}
    for _, coded in coder.code({"article_id": r["article_id"], "text": r["text"],
                                "published_date": r["published_date"]} for r in rows):
        for aid, a in coded.actors.items():
            if aid in out["actors"]:
                out["actors"][aid]["aliases"] = sorted(set(out["actors"][aid]["aliases"]) | set(a["aliases"]))
            else:
                out["actors"][aid] = a
        out["locations"].update(coded.locations)
        out["events"].extend(coded.events)
        out["actor_mentions"].extend(coded.actor_mentions)
        out["location_mentions"].extend(coded.location_mentions)
    return {"actors": list(out["actors"].values()), "locations": list(out["locations"].values()),
            "events": out["events"], "actor_mentions": out["actor_mentions"],
            "location_mentions": out["location_mentions"]}


@task(name="validate", cache_policy=NO_CACHE)
def validate(tables: dict[str, Any]) -> dict[str, Any]:
    """GX suites per table."""
    return {name: vars(o) for name, o in validate_tables(tables).items()}


@task(name="publish", cache_policy=NO_CACHE)
def publish(tables: dict[str, Any], warehouse: str, run_date: str) -> dict[str, str]:
    """Replace the run date's partition of every table, then refresh the DuckDB views."""
    wh = Path(warehouse).resolve()
    files = {name: str(write_partition(wh, name, t, run_date)) for name, t in tables.items()}
    files["duckdb"] = str(refresh_views(wh))
    return files


def _merge(parts: list[dict[str, list[dict[str, Any]]]]) -> dict[str, list[dict[str, Any]]]:
    merged: dict[str, Any] = {"actors": {}, "locations": {}, "events": [], "actor_mentions": [], "location_mentions": []}
    for p in parts:
        for a in p["actors"]:
            prev = merged["actors"].get(a["actor_id"])
            if prev:
                prev["aliases"] = sorted(set(prev["aliases"]) | set(a["aliases"]))
            else:
                merged["actors"][a["actor_id"]] = dict(a)
        for loc in p["locations"]:
            merged["locations"][loc["location_id"]] = loc
        for k in ("events", "actor_mentions", "location_mentions"):
            merged[k].extend(p[k])
    merged["actors"] = list(merged["actors"].values())
    merged["locations"] = list(merged["locations"].values())
    return merged


@flow(name="nightly", log_prints=True)
def nightly(sources: list[str] | None = None, warehouse: str = "data/warehouse", run_date: str | None = None,
            batch_size: int | None = None) -> dict[str, Any]:
    """Run the pipeline on ``sources`` (folders of .html, .jsonl text records, page or feed URLs) and publish
    the ``run_date`` partition (default: today, UTC) of every table under ``warehouse``."""
    logger = get_run_logger()
    started = time.perf_counter()
    settings = Settings(batch_size=batch_size) if batch_size else Settings()
    sources = list(sources or [str(settings.data_dir / "sample")])
    run_date = run_date or datetime.now(UTC).date().isoformat()
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    items, rejected = discover_sources(sources, settings)
    timings["discover"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    for batch in _chunks(items, settings.batch_size):
        got, rej = load_and_clean(quote(batch), settings)
        rows.extend(got)
        rejected.extend(rej)
    timings["load_clean"] = time.perf_counter() - t0

    rows = mark_duplicates(rows)
    for r in rows:
        r["coded"] = r["duplicate_of"] is None and (r["language"] or "").startswith("en")
    to_code = [r for r in rows if r["coded"]]

    t0 = time.perf_counter()
    parts = [code_batch(quote(b), settings) for b in _chunks(to_code, settings.batch_size)]
    coded = _merge(parts)
    timings["code"] = time.perf_counter() - t0

    tables = {"articles": to_table("articles", rows)}
    for name in TABLES:
        if name != "articles":
            tables[name] = to_table(name, coded[name])

    t0 = time.perf_counter()
    outcomes = validate(quote(tables))
    timings["validate"] = time.perf_counter() - t0
    valid = all(o["success"] for o in outcomes.values())

    files: dict[str, str] = {}
    if valid:
        t0 = time.perf_counter()
        files = publish(quote(tables), warehouse, run_date)
        timings["publish"] = time.perf_counter() - t0
    else:
        logger.error("validation failed; nothing was published: %s",
                     {k: v["failures"] for k, v in outcomes.items() if not v["success"]})
    summary = {
        "run_date": run_date,
        "warehouse": str(Path(warehouse).resolve()),
        "sources": sources,
        "discovered": len(items) + sum(1 for r in rejected if r["reason"].startswith("bad_source")),
        "articles": len(rows),
        "duplicates": sum(1 for r in rows if r["duplicate_of"]),
        "coded": len(to_code),
        "rejected": rejected,
        "rows": {name: t.num_rows for name, t in tables.items()},
        "validation": outcomes,
        "valid": valid,
        "published": bool(files),
        "files": files,
        "seconds": round(time.perf_counter() - started, 2),
        "stage_seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    logger.info("run %s: %s rows, valid=%s", run_date, summary["rows"], valid)
    return summary
