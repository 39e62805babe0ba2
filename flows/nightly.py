"""The nightly flow: discover -> load/fetch -> clean -> dedup -> code (actors, locations, events) ->
validate -> publish. Tasks work on batches (``batch_size`` articles each), never one task per article.

Every candidate ends somewhere countable: an article (published, or marked duplicate), or a rejected
item with its reason. The returned summary balances: discovered = articles + rejected.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.crawl import canonical, crawl, fetch_id
from flows.ledger import Ledger
from flows.publish import refresh_views, write_partition
from flows.settings import Settings
from flows.sources import Item, SourceError, SourceSpec, discover_local, load, load_sources_file, spec_from_arg
from flows.validate import validate_tables
from flows.warc import WarcSink
from schemas.codes import RETRIEVED_OUTCOMES
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


def _local_fetch_rows(spec: SourceSpec, items: list[Item], run_date: str, run_id: str) -> list[dict[str, Any]]:
    rows = []
    for it in items:
        role = "article" if it.kind == "warc" else "file"
        fid = fetch_id(run_date, spec.name if it.kind != "warc" else it.source, it.location + (it.raw_ref or ""), role)
        it.fetch_id = fid
        rows.append({"fetch_id": fid, "run_id": run_id, "source": it.source, "tier": spec.tier, "role": role,
                     "url": it.location, "canonical_url": canonical(it.location) if it.kind == "warc" else None,
                     "outcome": "unreadable" if it.reason else "read", "detail": it.reason,
                     "warc_path": (it.raw_ref or "").rpartition("#")[0] or None,
                     "warc_offset": int(it.raw_ref.rpartition("#")[2]) if it.raw_ref else None,
                     "fetched_at": it.captured})
    return rows


@task(name="acquire", cache_policy=NO_CACHE)
def acquire(specs: list[SourceSpec], bad_specs: list[tuple[str, str]], settings: Settings, warehouse: str,
            run_date: str, run_id: str, from_raw: bool) -> tuple[list[Item], list[dict[str, Any]]]:
    """Article candidates of every source, and one fetches row per URL/file/record seen. Local sources are
    listed; web sources are crawled (ledger, politeness, raw WARC capture) by ``flows.crawl``."""
    items: list[Item] = []
    fetch_rows: list[dict[str, Any]] = []
    for name, why in bad_specs:
        fetch_rows.append({"fetch_id": fetch_id(run_date, name, name, "file"), "run_id": run_id, "source": name,
                           "role": "file", "url": name, "outcome": "unreadable", "detail": f"bad_source: {why}"})
    web = [s for s in specs if s.is_web]
    for spec in (s for s in specs if not s.is_web):
        try:
            got = discover_local(spec, from_raw=from_raw)
        except SourceError as e:
            fetch_rows.append({"fetch_id": fetch_id(run_date, spec.name, spec.location, "file"), "run_id": run_id,
                               "source": spec.name, "tier": spec.tier, "role": "file", "url": spec.location,
                               "outcome": "unreadable", "detail": f"bad_source: {e}"})
            continue
        fetch_rows.extend(_local_fetch_rows(spec, got, run_date, run_id))
        items.extend(i for i in got if not i.reason)
    if web:
        wh = Path(warehouse).resolve()
        raw_dir = settings.raw_dir or wh / "raw"
        with Ledger(wh / "_state" / "ledger.duckdb") as ledger:
            got, fetches = crawl(web, settings, ledger, WarcSink(raw_dir, run_date, run_id), run_date, run_id)
        items.extend(got)
        fetch_rows.extend(f.row(run_date, run_id) for f in fetches)
    return items, fetch_rows


@task(name="load-and-clean", cache_policy=NO_CACHE)
def load_and_clean(items: list[Item], settings: Settings) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Load (read a file or a raw WARC record) and clean one batch. Returns (article rows, rejected rows)."""
    rows, rejected = [], []
    for item in items:
        item = load(item, settings)
        if item.reason:
            rejected.append({"source": item.source, "location": item.location, "reason": item.reason,
                             "fetch_id": item.fetch_id})
            continue
        if item.record is not None:
            cleaned = clean_record(item.record)
            src_url = item.record.get("url") or item.location
        else:
            src_url = item.location if item.kind == "warc" else Path(item.location).as_uri()
            cleaned = clean_html(item.html or "", fallback_url=src_url, captured=item.captured,
                                 language_hint=item.language)
        if not cleaned.text or (item.record is None and cleaned.word_count < MIN_PAGE_WORDS):
            rejected.append({"source": item.source, "location": item.location, "reason": "no_text_extracted",
                             "fetch_id": item.fetch_id})
            continue
        rows.append(article_row(cleaned, item.source, src_url))
    return rows, rejected


@task(name="code", cache_policy=NO_CACHE)
def code_batch(rows: list[dict[str, Any]], settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Actors, locations, events and mentions of a batch of English, non-duplicate articles."""
    coder = get_coder(settings)
    out: dict[str, Any] = {"actors": {}, "locations": {}, "events": [], "actor_mentions": [], "location_mentions": []}
    for _, coded in coder.code({"article_id": r["article_id"], "text": r["text"], "title": r.get("title"),
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


def _specs(sources: list[str] | None, sources_file: str | None, settings: Settings, warehouse: str,
           from_raw: bool) -> tuple[list[SourceSpec], list[tuple[str, str]]]:
    """(usable source specs, [(argument, why not)]). A bad sources *file* is a hard error."""
    if from_raw:
        raw = settings.raw_dir or Path(warehouse).resolve() / "raw"
        return [SourceSpec(name="raw", kind="warc", path=str(raw))], []
    if sources:
        specs, bad = [], []
        for arg in sources:
            try:
                specs.append(spec_from_arg(arg))
            except SourceError as e:
                bad.append((arg, str(e)))
        return specs, bad
    return load_sources_file(Path(sources_file) if sources_file else settings.sources_file), []


@flow(name="nightly", log_prints=True)
def nightly(sources: list[str] | None = None, warehouse: str = "data/warehouse", run_date: str | None = None,
            batch_size: int | None = None, sources_file: str | None = None, from_raw: bool = False) -> dict[str, Any]:
    """Run the pipeline and publish the ``run_date`` partition (default: today, UTC) of every table under
    ``warehouse``. Sources: ``sources`` (one-off: folders of .html, .jsonl, .warc(.gz), URL lists, page or
    feed URLs), else the sources file (``sources_file``, default data/sources.yaml). ``from_raw`` re-extracts
    every article kept in the warehouse's raw WARC files, without the network."""
    logger = get_run_logger()
    started = time.perf_counter()
    settings = Settings(batch_size=batch_size) if batch_size else Settings()
    run_date = run_date or datetime.now(UTC).date().isoformat()
    run_id = f"{run_date}-{uuid.uuid4().hex[:8]}"
    specs, bad_specs = _specs(sources, sources_file, settings, warehouse, from_raw)
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    items, fetch_rows = acquire(quote(specs), bad_specs, settings, warehouse, run_date, run_id, from_raw)
    timings["acquire"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
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

    tables = {"articles": to_table("articles", rows), "fetches": to_table("fetches", fetch_rows)}
    for name in TABLES:
        if name not in tables:
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
        ledger_path = Path(warehouse).resolve() / "_state" / "ledger.duckdb"
        if ledger_path.exists():
            with Ledger(ledger_path) as ledger:
                ledger.mark_published(run_id)
    else:
        logger.error("validation failed; nothing was published: %s",
                     {k: v["failures"] for k, v in outcomes.items() if not v["success"]})
    candidates = [f for f in fetch_rows if f["role"] in ("article", "page", "file")]
    outcome_counts = Counter(f["outcome"] for f in candidates)
    retrieved = sum(outcome_counts[o] for o in RETRIEVED_OUTCOMES)
    duplicates = sum(1 for r in rows if r["duplicate_of"])
    summary = {
        "run_id": run_id,
        "run_date": run_date,
        "warehouse": str(Path(warehouse).resolve()),
        "sources": [s.name for s in specs] + [b[0] for b in bad_specs],
        "discovered": len(candidates),
        "outcomes": dict(sorted(outcome_counts.items())),
        "urls_seen": len(fetch_rows),
        "retrieved": retrieved,
        "articles": len(rows) - duplicates,
        "duplicates": duplicates,
        "coded": len(to_code),
        "rejected": rejected,
        "balanced": retrieved == len(rows) + len(rejected) and sum(outcome_counts.values()) == len(candidates),
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
