"""The nightly flow: discover -> load/fetch -> clean -> dedup -> code (actors, locations, events) ->
validate -> publish. Tasks work on batches (``batch_size`` articles each), never one task per article.

Every candidate ends somewhere countable: an article (published, or marked duplicate), or a rejected
item with its reason. The returned summary balances: discovered = articles + rejected.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import itertools
import json
import os
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.crawl import canonical, crawl, fetch_id
from flows.ledger import Ledger
from flows.publish import connect, publish_run
from flows.settings import Settings
from flows.sources import Item, SourceError, SourceSpec, clean_items, discover_local, load_sources_file, spec_from_arg
from flows.staging import Staging, clear_stale
from flows.validate import gx_modules, split_rows, validate_tables
from flows.warc import WarcSink
from schemas.codes import RETRIEVED_OUTCOMES
from schemas.tables import ALL_TABLES
from transforms.tables import Signatures, find_duplicates, to_table

CODED_TABLES = ("actors", "locations", "events", "actor_mentions", "location_mentions")
_CODERS: dict[str, Any] = {}
# the flow's runner has two threads (so that the coder processes always have queued work); work done in this
# process instead (one worker, or batches too small for the pool) goes one batch at a time: it is GIL-bound
# anyway, and one coder (spaCy pipeline and caches) must not serve two threads at once
_IN_PROCESS = threading.Lock()


def with_runner(dask_address: str | None = None, dask_workers: int | None = None) -> Any:
    """The nightly flow on a Dask task runner (prefect-dask): an existing cluster at ``dask_address``, or a
    local cluster of ``dask_workers`` processes (one thread each). Without either: the flow as defined
    (Prefect's default thread-pool runner). Each worker loads the coder once and keeps it."""
    if not dask_address and not dask_workers:
        return nightly
    from prefect_dask import DaskTaskRunner  # noqa: PLC0415

    if dask_address:
        runner = DaskTaskRunner(address=dask_address)
    else:
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": dask_workers, "threads_per_worker": 1,
                                                "processes": True, "dashboard_address": None})
    return nightly.with_options(task_runner=runner)


def import_gx_meanwhile() -> threading.Thread:
    """Import Great Expectations (~3 s of CPU, needed by every run's validation) in a background thread.
    Called just before the flow (``newsevents run``, the benchmark), it overlaps the start of Prefect's
    ephemeral API server, which the flow's body waits for with a core to spare."""
    t = threading.Thread(target=gx_modules, name="import-gx", daemon=True)
    t.start()
    return t


def _start_pool_early(settings: Settings, n_items: int) -> bool:
    """Start the coder processes before cleaning (they load spaCy, the coder and the gazetteer, ~3 s each,
    then clean the pages themselves: ``load_and_clean``) when the run will use them: the flow's own
    thread-pool runner, enough items for the pool, few enough that their memory and the duplicate signatures
    fit together (``early_pool_max``)."""
    if not _own_processes(settings) or not settings.min_pool_batch <= n_items <= settings.early_pool_max:
        return False
    from flows import nlp_pool  # noqa: PLC0415

    nlp_pool.pool(settings.data_dir, settings.cache_dir, settings.gazetteer_extra, settings.workers,
                  settings.malloc_mmap_threshold)
    return True


def _start_cleaners(settings: Settings, n_items: int) -> bool:
    """Start cleaning-only processes (``nlp_pool.cleaning_pool``, no coder loaded) for a run too large to start
    the coder processes before duplicate detection, so that its cleaning uses every core too. The flow stops
    them when the pages are cleaned."""
    if not _own_processes(settings) or n_items <= max(settings.early_pool_max, settings.min_pool_batch - 1):
        return False
    from flows import nlp_pool  # noqa: PLC0415

    nlp_pool.cleaning_pool(settings.workers)
    return True


def _own_processes(settings: Settings) -> bool:
    """Whether this run spreads work over processes of its own: more than one worker, on the flow's own
    thread-pool runner (a Dask cluster is the parallelism there)."""
    from prefect.context import FlowRunContext  # noqa: PLC0415

    ctx = FlowRunContext.get()
    return settings.workers > 1 and (ctx is None or isinstance(ctx.task_runner, ThreadPoolTaskRunner))


def _one_at_a_time(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` holding ``_IN_PROCESS`` (a module function, so that tasks pickled for Dask refer to the
    lock instead of carrying it)."""
    with _IN_PROCESS:
        return fn(*args)


def get_coder(settings: Settings) -> Any:
    """The coder for these settings, loaded once per process (model, dictionaries, gazetteer)."""
    key = f"{settings.data_dir}|{settings.cache_dir}|{settings.gazetteer_extra}"
    if key not in _CODERS:
        from transforms.coder import Coder  # noqa: PLC0415 - spaCy import only when coding
        from transforms.gazetteer import load_or_build  # noqa: PLC0415

        gaz = load_or_build(settings.data_dir, settings.cache_dir, settings.gazetteer_extra)
        _CODERS[key] = Coder(settings.data_dir, gaz)
    return _CODERS[key]


def _q(x: Any) -> Any:
    """``quote()`` a big task argument (Prefect then skips walking it for futures), except on a Dask runner,
    which does not unwrap quoted arguments in its workers."""
    from prefect.context import FlowRunContext  # noqa: PLC0415

    ctx = FlowRunContext.get()
    runner = type(ctx.task_runner).__name__ if ctx and ctx.task_runner else ""
    return x if runner == "DaskTaskRunner" else quote(x)


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _stat_key(it: Item) -> str | None:
    """Size and modification time of the file behind a local item (a JSONL line or WARC record: its file)."""
    path = (it.raw_ref or it.location).rpartition("#")[0] if (it.raw_ref or "#" in it.location) else it.location
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


def _skip_known_local(items: list[Item], ledger: Ledger, run_date: str, run_id: str
                      ) -> tuple[list[Item], list[Item]]:
    """(items to read, items skipped): a local item a published run of another date already read, from a
    file unchanged since, is ``skipped_known`` (the next night does not redo it); a rerun of the same date
    reads everything again (it reproduces that date). Read items are recorded in the ledger."""
    keys = {id(it): f"local:{it.location}{'#' + it.raw_ref if it.raw_ref else ''}" for it in items}
    known = ledger.get_many(list(keys.values()))
    keep, skipped = [], []
    for it in items:
        k, stat = keys[id(it)], _stat_key(it)
        prev = known.get(k)
        if (not it.reason and prev is not None and prev.state == "published" and stat and prev.etag == stat
                and not (prev.run_id or "").startswith(f"{run_date}-")):
            skipped.append(it)
            continue
        keep.append(it)
        if not it.reason:
            ledger.record(canonical_url=k, url=it.location, source=it.source, role="file", status=None,
                          content_hash=None, etag=stat, last_modified=None, warc_ref=it.raw_ref, run_id=run_id,
                          fetched_at=datetime.now(UTC))
    return keep, skipped


def _local_fetch_rows(spec: SourceSpec, items: list[Item], run_date: str, run_id: str,
                      skipped: list[Item] = ()) -> list[dict[str, Any]]:
    rows = []
    for it in skipped:
        role = "article" if it.kind == "warc" else "file"
        rows.append({"fetch_id": fetch_id(run_date, it.source, it.location + (it.raw_ref or ""), role),
                     "run_id": run_id, "source": it.source, "tier": spec.tier, "role": role, "url": it.location,
                     "outcome": "skipped_known", "detail": "read by an earlier run; file unchanged"})
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
    wh = Path(warehouse).resolve()
    local = [s for s in specs if not s.is_web]
    ledger = Ledger(wh / "_state" / "ledger.duckdb") if local and not from_raw else None
    try:
        for spec in local:
            try:
                got = discover_local(spec, from_raw=from_raw)
            except SourceError as e:
                fetch_rows.append({"fetch_id": fetch_id(run_date, spec.name, spec.location, "file"),
                                   "run_id": run_id, "source": spec.name, "tier": spec.tier, "role": "file",
                                   "url": spec.location, "outcome": "unreadable", "detail": f"bad_source: {e}"})
                continue
            skipped: list[Item] = []
            if ledger is not None:
                got, skipped = _skip_known_local(got, ledger, run_date, run_id)
            fetch_rows.extend(_local_fetch_rows(spec, got, run_date, run_id, skipped))
            items.extend(i for i in got if not i.reason)
    finally:
        if ledger is not None:
            ledger.close()
    if web:
        raw_dir = settings.raw_dir or wh / "raw"
        with Ledger(wh / "_state" / "ledger.duckdb") as ledger:
            got, fetches = crawl(web, settings, ledger, WarcSink(raw_dir, run_date, run_id), run_date, run_id)
        items.extend(got)
        fetch_rows.extend(f.row(run_date, run_id) for f in fetches)
    return items, fetch_rows


@task(name="load-and-clean", cache_policy=NO_CACHE)
def load_and_clean(items: list[dict[str, Any]], settings: Settings) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Load (read a file or a raw WARC record) and clean one batch of items (as dicts, so the batch travels
    to any task runner). Returns (article rows, rejected rows). In the coder processes when they run already
    (see ``_start_pool_early``), else here."""
    import multiprocessing as mp  # noqa: PLC0415

    from flows import nlp_pool  # noqa: PLC0415

    pool_args = (settings.data_dir, settings.cache_dir, settings.gazetteer_extra, settings.workers)
    if settings.workers > 1 and not mp.current_process().daemon:
        if nlp_pool.started(*pool_args):
            return nlp_pool.clean_in_pool(items, settings, nlp_pool.pool(*pool_args))
        if nlp_pool.cleaners_started(settings.workers):
            return nlp_pool.clean_in_pool(items, settings, nlp_pool.cleaning_pool(settings.workers))
    return _one_at_a_time(clean_items, items, settings)


@task(name="code", cache_policy=NO_CACHE)
def code_batch(rows: list[dict[str, Any]], settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Actors, locations, events and mentions of a batch of English, non-duplicate articles."""
    import multiprocessing as mp  # noqa: PLC0415

    arts = [{"article_id": r["article_id"], "text": r["text"], "title": r.get("title"),
             "published_date": r["published_date"]} for r in rows]
    from flows import nlp_pool  # noqa: PLC0415

    pool_args = (settings.data_dir, settings.cache_dir, settings.gazetteer_extra, settings.workers)
    # small batches are coded in-process (no pool start-up for a handful of articles) unless the pool runs; a
    # Dask worker process is daemonic and may not start children: there the Dask cluster is the parallelism
    if settings.workers > 1 and not mp.current_process().daemon and (
            len(rows) >= settings.min_pool_batch or nlp_pool.started(*pool_args)):
        results = nlp_pool.code_in_pool(arts, *pool_args, settings.malloc_mmap_threshold)
    else:
        results = _one_at_a_time(lambda: list(get_coder(settings).code(arts)))
    return _merge([{"actors": list(c.actors.values()), "locations": list(c.locations.values()), "events": c.events,
                    "actor_mentions": c.actor_mentions, "location_mentions": c.location_mentions}
                   for _, c in results])


@task(name="validate", cache_policy=NO_CACHE)
def validate(tables: dict[str, Any], run_date: str, run_id: str, docs_dir: str | None, max_share: float
             ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """GX suites per table; failing rows are split off into quarantine, then the rest is validated again
    (a quarantined article takes its events' foreign keys with it), at most three passes. Returns
    (tables to publish, quarantined rows per table, report). A run validates wave by wave (the flow then
    checks the quarantined share of the whole run against ``max_share``). Data Docs are built from the first
    pass when ``docs_dir`` is given, which shows what failed. The report says ``valid = False`` when rows
    still fail; an expectation that raises stops the run (ValidationConfigError)."""
    first = None
    quarantine: dict[str, Any] = {}
    report = None
    for n in range(3):
        report = validate_tables(tables, run_date, Path(docs_dir) if n == 0 and docs_dir else None)
        first = first or report
        if not report.bad_rows:
            break
        tables, bad = split_rows(tables, report.bad_rows, run_id)
        for name, q in bad.items():
            quarantine[name] = pa.concat_tables([quarantine[name], q]) if name in quarantine else q
    assert report is not None and first is not None
    total = sum(t.num_rows for t in tables.values()) + sum(q.num_rows for q in quarantine.values())
    share = sum(q.num_rows for q in quarantine.values()) / total if total else 0.0
    out = {"outcomes": {k: vars(o) for k, o in first.outcomes.items()},
           "remaining_failures": {k: o.failures for k, o in report.outcomes.items() if not o.success},
           "quarantined": {k: q.num_rows for k, q in quarantine.items()}, "quarantine_share": round(share, 4),
           "max_quarantine_share": max_share, "data_docs": first.docs_url,
           "valid": report.success}
    return tables, quarantine, out


@task(name="publish", cache_policy=NO_CACHE)
def publish(tables: dict[str, Any], quarantine: dict[str, Any], warehouse: str, run_date: str) -> dict[str, str]:
    """Publish the run's partitions as a new snapshot and switch to it atomically (flows.publish)."""
    return publish_run(Path(warehouse), run_date, tables, quarantine)


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


@flow(name="nightly", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=2))
def nightly(sources: list[str] | None = None, warehouse: str = "data/warehouse", run_date: str | None = None,
            batch_size: int | None = None, sources_file: str | None = None, from_raw: bool = False) -> dict[str, Any]:
    """Run the pipeline and publish the ``run_date`` partition (default: today, UTC) of every table under
    ``warehouse``. Sources: ``sources`` (one-off: folders of .html, .jsonl, .warc(.gz), URL lists, page or
    feed URLs), else the sources file (``sources_file``, default data/sources.yaml). ``from_raw`` re-extracts
    every article kept in the warehouse's raw WARC files, without the network."""
    logger = get_run_logger()
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    settings = Settings(batch_size=batch_size) if batch_size else Settings()
    run_date = run_date or datetime.now(UTC).date().isoformat()
    run_id = f"{run_date}-{uuid.uuid4().hex[:8]}"
    specs, bad_specs = _specs(sources, sources_file, settings, warehouse, from_raw)
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    items, fetch_rows = acquire(quote(specs), bad_specs, settings, warehouse, run_date, run_id, from_raw)
    timings["acquire"] = time.perf_counter() - t0
    # the fetches rows as a table now, and of each only what the counts need: ~1 KB of dict per URL held for
    # the whole run was ~100 MB of the flow's memory at 100,000 pages
    fetches_table = to_table("fetches", fetch_rows)
    fetched = [(f["source"], f["role"], f["outcome"]) for f in fetch_rows]
    del fetch_rows

    cleaners = False
    if _start_pool_early(settings, len(items)):
        # this process waits while the coder processes clean: import GX meanwhile (~3 s), not while they code
        # (nothing to do when ``import_gx_meanwhile`` ran before the flow)
        import_gx_meanwhile()
    else:
        cleaners = _start_cleaners(settings, len(items))
    wh = Path(warehouse).resolve()
    clear_stale(wh)
    stage = Staging(wh, run_id)
    t0 = time.perf_counter()
    rejected: list[dict[str, Any]] = []
    sigs = Signatures()
    futures = deque(load_and_clean.submit(_q([i.as_dict() for i in batch]), settings)
                    for batch in _chunks(items, settings.batch_size))
    del items  # the batches travel as dicts; nothing else needs the items
    while futures:  # submitted: batches run concurrently on the flow's task runner (threads or Dask)
        got, rej = futures.popleft().result()
        stage.write("clean", to_table("articles", got), schema_of="articles")
        for r in got:
            sigs.add(r)
        rejected.extend(rej)
    if cleaners:
        from flows import nlp_pool  # noqa: PLC0415

        nlp_pool.shutdown_cleaners()
    timings["load_clean"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    dup_of = find_duplicates(sigs)
    timings["dedup"] = time.perf_counter() - t0
    n_articles, duplicates, n_coded = len(sigs), sum(1 for d in dup_of if d), 0
    del sigs
    _release_memory()  # hand the signatures' and the search's memory back before the coder processes start
    per_source: dict[str, Counter] = {}
    waves = _waves(stage, dup_of, settings.wave_size)
    t_code = t_val = 0.0
    report = None
    quarantine: dict[str, Any] = {}

    def submit_code(arts: pa.Table) -> tuple[pa.Table, int, list[Any]]:
        to_code = arts.filter(arts.column("coded")).select(["article_id", "text", "title", "published_date"])
        return arts, to_code.num_rows, [code_batch.submit(_q(to_code.slice(i, settings.batch_size).to_pylist()),
                                                          settings)
                                        for i in range(0, to_code.num_rows, settings.batch_size)]

    # waves w + 1 and w + 2 are coded (in the task runner, i.e. in the coder processes or on Dask) while wave w
    # is validated and staged in this thread; two queued waves (and two runner threads) keep the coder
    # processes fed across batch and wave boundaries
    inflight: deque[tuple[pa.Table, int, list[Any]]] = deque()
    for arts in itertools.islice(waves, 2):
        inflight.append(submit_code(arts))
    wave_no = -1
    while inflight:
        wave_no += 1
        t0 = time.perf_counter()
        arts, n, futs = inflight.popleft()
        n_coded += n
        coded = _merge([f.result() for f in futs])
        nxt = next(waves, None)
        if nxt is not None:
            inflight.append(submit_code(nxt))
        if not inflight:  # all coded: free the coder processes before the last validation and publishing
            from flows import nlp_pool  # noqa: PLC0415

            nlp_pool.shutdown()
        tables = {"articles": arts}
        for name in CODED_TABLES:
            tables[name] = to_table(name, coded[name])
        del coded, futs
        t_code += time.perf_counter() - t0
        t0 = time.perf_counter()
        good, bad, wreport = validate(quote(tables), run_date, run_id,
                                      str(wh / "data_docs") if wave_no == 0 else None, settings.max_quarantine_share)
        report = _combine_reports(report, wreport)
        for name, q in bad.items():
            quarantine[name] = pa.concat_tables([quarantine[name], q]) if name in quarantine else q
        for name, t in good.items():
            stage.write(name, t)
        _count_sources(per_source, good["articles"], good["events"])
        del tables, good, bad
        _release_memory()
        t_val += time.perf_counter() - t0
    timings["code"], timings["validate"] = t_code, t_val
    t0 = time.perf_counter()
    fgood, fbad, freport = validate(quote({"fetches": fetches_table}), run_date, run_id, None,
                                    settings.max_quarantine_share)
    report = _combine_reports(report, freport)
    if fbad:
        quarantine["fetches"] = fbad["fetches"]
    timings["validate"] += time.perf_counter() - t0
    tables = {name: stage.staged(name) for name in ("articles", *CODED_TABLES)}
    tables["fetches"] = fgood["fetches"]
    total = sum(t.num_rows for t in tables.values()) + sum(q.num_rows for q in quarantine.values())
    share = sum(q.num_rows for q in quarantine.values()) / total if total else 0.0
    vreport = {**report, "quarantined": {k: q.num_rows for k, q in quarantine.items()},
               "quarantine_share": round(share, 4), "max_quarantine_share": settings.max_quarantine_share}
    vreport["valid"] = vreport["valid"] and share <= settings.max_quarantine_share
    row_counts = {name: t.num_rows for name, t in tables.items()}

    candidates = [f for f in fetched if f[1] in CANDIDATE_ROLES]
    outcome_counts = Counter(outcome for _source, _role, outcome in candidates)
    retrieved = sum(outcome_counts[o] for o in RETRIEVED_OUTCOMES)
    valid = vreport["valid"]
    coverage = source_coverage(specs, fetched, per_source, run_id)
    flags = volume_flags(wh, coverage)
    for f in flags:
        logger.warning("volume: %s", f)

    files: dict[str, str] = {}
    if valid:
        t0 = time.perf_counter()
        run_row = {
            "run_id": run_id, "started_at": started_at, "ended_at": datetime.now(UTC),
            "seconds": round(time.perf_counter() - started, 2), "code_version": code_version(),
            "parameters": json.dumps({"sources": sources, "sources_file": sources_file, "warehouse": str(wh),
                                      "run_date": run_date, "batch_size": settings.batch_size, "from_raw": from_raw},
                                     default=str),
            "sources": [s.name for s in specs], "discovered": len(candidates), "retrieved": retrieved,
            "articles": n_articles - duplicates, "duplicates": duplicates, "coded": n_coded,
            "rejected": len(rejected), "rows": json.dumps(row_counts),
            "quarantined": json.dumps(vreport["quarantined"]), "validation_success": valid,
            "stage_seconds": json.dumps({k: round(v, 2) for k, v in timings.items()}), "volume_flags": flags,
            "data_docs": vreport["data_docs"]}
        tables["source_coverage"] = to_table("source_coverage", coverage)
        tables["runs"] = to_table("runs", [run_row])
        row_counts.update(source_coverage=tables["source_coverage"].num_rows, runs=1)
        _release_memory()  # publishing sorts the staged parts: start it from the smallest footprint
        files = publish(quote(tables), quote(quarantine), warehouse, run_date)
        stage.remove()
        timings["publish"] = time.perf_counter() - t0
        ledger_path = wh / "_state" / "ledger.duckdb"
        if ledger_path.exists():
            with Ledger(ledger_path) as ledger:
                ledger.mark_published(run_id)
    else:
        stage.remove()
        logger.error("validation failed; nothing was published: %s (quarantine share %s)",
                     vreport["remaining_failures"], vreport["quarantine_share"])
    summary = {
        "run_id": run_id,
        "run_date": run_date,
        "warehouse": str(wh),
        "sources": [s.name for s in specs] + [b[0] for b in bad_specs],
        "discovered": len(candidates),
        "outcomes": dict(sorted(outcome_counts.items())),
        "urls_seen": len(fetched),
        "retrieved": retrieved,
        "articles": n_articles - duplicates,
        "duplicates": duplicates,
        "coded": n_coded,
        "rejected": rejected,
        "balanced": retrieved == n_articles + len(rejected) and sum(outcome_counts.values()) == len(candidates),
        "rows": row_counts,
        "quarantined": vreport["quarantined"],
        "validation": vreport["outcomes"],
        "data_docs": vreport["data_docs"],
        "volume_flags": flags,
        "valid": valid,
        "published": bool(files),
        "files": files,
        "seconds": round(time.perf_counter() - started, 2),
        "stage_seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    logger.info("run %s: %s rows, valid=%s", run_date, summary["rows"], valid)
    return summary


def code_version() -> str:
    """Package version and git commit (with a + when the tree has uncommitted changes)."""
    import subprocess  # noqa: PLC0415
    from importlib.metadata import version  # noqa: PLC0415

    try:
        v = version("newsevents")
    except Exception:  # noqa: BLE001 - not installed as a package
        v = "0"
    try:
        repo = Path(__file__).resolve().parent.parent
        sha = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return f"{v}+{sha}{'-dirty' if dirty else ''}" if sha else v
    except (OSError, subprocess.SubprocessError):
        return v


def source_coverage(specs: list[SourceSpec], fetched: list[tuple[str, str, str]], per_source: dict[str, Counter],
                    run_id: str) -> list[dict[str, Any]]:
    """Per source: discovered, fetched, failed, extracted, duplicates, coded and events (for normalising counts)
    from the (source, role, outcome) of every fetches row; ``per_source`` holds the article and event counts
    gathered wave by wave (``_count_sources``)."""
    tiers = {s.name: s.tier for s in specs}
    by_source: dict[str, Counter] = {}
    for source, role, outcome in fetched:
        if role in CANDIDATE_ROLES:
            by_source.setdefault(source, Counter())[outcome] += 1
    names = sorted(set(by_source) | set(per_source) | set(tiers))
    out = []
    for n in names:
        mine = by_source.get(n, Counter())
        c = per_source.get(n, Counter())
        seen = sum(mine.values())
        ok = sum(k for o, k in mine.items() if o in RETRIEVED_OUTCOMES)
        skipped = sum(k for o, k in mine.items() if o in ("skipped_known", "duplicate_url", "over_limit",
                                                          "not_modified", "unchanged"))
        out.append({"source": n, "tier": tiers.get(n), "run_id": run_id, "discovered": seen, "fetched": ok,
                    "failed": seen - ok - skipped, "extracted": c["extracted"], "duplicates": c["duplicates"],
                    "coded": c["coded"], "events": c["events"]})
    return out


def _count_sources(per_source: dict[str, Counter], arts: pa.Table, events: pa.Table) -> None:
    ev = Counter(events.column("article_id").to_pylist())
    for src, aid, dup, coded in zip(*(arts.column(c).to_pylist() for c in ("source", "article_id", "duplicate_of",
                                                                         "coded")), strict=True):
        c = per_source.setdefault(src, Counter())
        c["extracted"] += 1
        c["duplicates"] += bool(dup)
        c["coded"] += bool(coded)
        c["events"] += ev[aid]


CANDIDATE_ROLES = ("article", "page", "file")  # fetches rows that are article candidates (not feeds, robots...)


def _release_memory() -> None:
    """After a wave: collect cycles and hand glibc's freed heap pages back to the system (``malloc_trim``), so
    the flow process's memory does not ratchet up wave after wave through fragmentation."""
    gc.collect()
    pa.default_memory_pool().release_unused()  # Arrow's own allocator (mimalloc) keeps freed pages otherwise
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _waves(stage: Staging, dup_of: list[str | None], size: int) -> Iterator[pa.Table]:
    """The staged clean articles, about ``size`` at a time, with ``duplicate_of`` and ``coded`` set (only
    English originals are coded). At least one (maybe empty) wave, so that every table is validated."""
    schema = ALL_TABLES["articles"]
    pending: list[pa.Table] = []
    n = offset = 0
    for part in stage.parts("clean"):
        k = part.num_rows
        dups = dup_of[offset:offset + k]
        offset += k
        coded = [d is None and (lang or "").startswith("en")
                 for d, lang in zip(dups, part.column("language").to_pylist(), strict=True)]
        part = part.set_column(schema.get_field_index("duplicate_of"), schema.field("duplicate_of"),
                               pa.array(dups, type=pa.string()))
        part = part.set_column(schema.get_field_index("coded"), schema.field("coded"), pa.array(coded, pa.bool_()))
        pending.append(part)
        n += k
        if n >= size:
            yield pa.concat_tables(pending)
            pending, n = [], 0
    if pending or offset == 0:
        yield pa.concat_tables(pending) if pending else schema.empty_table()


def _combine_reports(acc: dict[str, Any] | None, rep: dict[str, Any]) -> dict[str, Any]:
    """One validation report from the waves' reports: per table, rows and failure counts summed."""
    if acc is None:
        return {**rep, "outcomes": {k: {**o, "failures": [dict(f) for f in o["failures"]]}
                                    for k, o in rep["outcomes"].items()},
                "remaining_failures": dict(rep["remaining_failures"])}
    for name, o in rep["outcomes"].items():
        a = acc["outcomes"].get(name)
        if a is None:
            acc["outcomes"][name] = {**o, "failures": [dict(f) for f in o["failures"]]}
            continue
        a["rows"] += o["rows"]
        a["success"] = a["success"] and o["success"]
        for f in o["failures"]:
            same = next((x for x in a["failures"] if (x["expectation"], x["column"]) == (f["expectation"], f["column"])),
                        None)
            if same:
                same["unexpected_count"] += f["unexpected_count"]
            else:
                a["failures"].append(dict(f))
    for name, fs in rep["remaining_failures"].items():
        acc["remaining_failures"].setdefault(name, []).extend(fs)
    acc["data_docs"] = acc["data_docs"] or rep["data_docs"]
    acc["valid"] = acc["valid"] and rep["valid"]
    return acc


def volume_flags(warehouse: Path, coverage: list[dict[str, Any]], lookback: int = 7) -> list[str]:
    """Sources whose extracted articles fell to zero, or below a fifth of their median over the last
    ``lookback`` published days, while they used to yield."""
    db = warehouse / "newsevents.duckdb"
    if not db.exists():
        return []
    try:
        con = connect(warehouse)
        hist = con.execute("""SELECT source, median(extracted) FROM (
                                SELECT source, date, extracted, dense_rank() OVER (ORDER BY date DESC) AS r
                                FROM source_coverage) WHERE r <= ? GROUP BY source""", [lookback]).fetchall()
        con.close()
    except Exception:  # noqa: BLE001 - no history yet (or an older warehouse): nothing to compare with
        return []
    med = {s: m for s, m in hist}
    flags = []
    for c in coverage:
        m = med.get(c["source"])
        if m and m > 0 and (c["extracted"] == 0 or c["extracted"] < m / 5):
            flags.append(f"{c['source']}: {c['extracted']} articles against a median of {m:g} over the last "
                         f"{lookback} runs")
    return flags
