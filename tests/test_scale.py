"""Scale-out and parallel parsing give the same output as the default run."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from schemas.tables import TABLES

REPO = Path(__file__).resolve().parent.parent


def _rows(wh: Path, table: str):
    con = duckdb.connect(str(wh / "newsevents.duckdb"), read_only=True)
    try:
        return con.sql(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    finally:
        con.close()


@pytest.mark.prefect
def test_dask_runner_gives_identical_tables(prefect_server, tmp_path):
    from flows.nightly import nightly, with_runner

    src = str(REPO / "data" / "sample")
    nightly(sources=[src], warehouse=str(tmp_path / "threads"), run_date="2026-11-10", batch_size=2)
    s = with_runner(dask_workers=2)(sources=[src], warehouse=str(tmp_path / "dask"), run_date="2026-11-10",
                                    batch_size=2)
    assert s["published"]
    for table in TABLES:
        if table == "fetches":
            continue
        assert _rows(tmp_path / "threads", table) == _rows(tmp_path / "dask", table), table


@pytest.mark.prefect
@pytest.mark.parametrize("early_pool_max", ["20000", "0"])
def test_coder_processes_fed_several_batches_and_waves_at_once_give_identical_tables(prefect_server, tmp_path,
                                                                                     monkeypatch, early_pool_max):
    """The flow keeps two waves queued and runs two batches at once (two runner threads) into the coder
    processes, so that they never wait between batches: with batches of one article in waves of two (every
    wave and batch boundary crossed while the next is queued) the tables are those of a run coded in the
    flow's process, and batches really were in the coder processes two at a time. The pages are cleaned in
    the coder processes (started early) or, in a run above ``early_pool_max``, in cleaning-only processes."""
    import threading

    from flows import nlp_pool
    from flows.nightly import nightly

    src = str(REPO / "data" / "sample")
    monkeypatch.setenv("NEWSEVENTS_WORKERS", "1")
    nightly(sources=[src], warehouse=str(tmp_path / "one"), run_date="2026-11-10")

    real, lock, now, most = nlp_pool.code_in_pool, threading.Lock(), [0], [0]

    def counting(*args, **kwargs):  # the real coder processes; counts the batches in them at once
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        try:
            yield from real(*args, **kwargs)
        finally:
            with lock:
                now[0] -= 1

    cleaners = []
    real_cleaners = nlp_pool.cleaning_pool
    monkeypatch.setattr(nlp_pool, "code_in_pool", counting)
    monkeypatch.setattr(nlp_pool, "cleaning_pool", lambda n: cleaners.append(n) or real_cleaners(n))
    for k, v in {"WORKERS": "2", "MIN_POOL_BATCH": "1", "WAVE_SIZE": "2", "BATCH_SIZE": "1",
                 "EARLY_POOL_MAX": early_pool_max}.items():
        monkeypatch.setenv(f"NEWSEVENTS_{k}", v)
    s = nightly(sources=[src], warehouse=str(tmp_path / "pool"), run_date="2026-11-10")
    assert s["published"] and s["coded"] >= 4
    assert most[0] == 2
    assert bool(cleaners) == (early_pool_max == "0")
    assert not nlp_pool._POOLS and not nlp_pool._CLEANERS  # each shut down after its stage
    for table in TABLES:
        if table == "fetches":
            continue
        assert _rows(tmp_path / "one", table) == _rows(tmp_path / "pool", table), table


def test_coder_processes_give_identical_coding(coder):
    """The coder pool (spawned processes that parse and code) codes exactly like the in-process coder."""
    from flows.bench import synthetic_page
    from flows.nlp_pool import code_in_pool
    from flows.settings import Settings
    from transforms.clean import clean_html

    arts = []
    for i in range(12):
        c = clean_html(synthetic_page(i))
        arts.append({"article_id": f"s{i}", "text": c.text, "title": c.title, "published_date": c.published_date})
    plain = [(k, v.events, v.actors, v.locations, v.actor_mentions) for k, v in coder.code(arts)]
    st = Settings()
    pooled = [(k, v.events, v.actors, v.locations, v.actor_mentions)
              for k, v in code_in_pool(arts, st.data_dir, st.cache_dir, st.gazetteer_extra, 2)]
    assert plain == pooled and any(p[1] for p in plain)


@pytest.mark.parametrize("which", ["coder", "cleaning-only"])
def test_cleaning_in_worker_processes_gives_the_same_rows(tmp_path, which):
    """Pages cleaned in the coder processes (runs that start them before cleaning) or in cleaning-only
    processes (larger runs) come back as the same article rows and rejections, in the same order, as cleaned
    in the flow's process."""
    from flows import nlp_pool
    from flows.bench import synthetic_page
    from flows.nlp_pool import clean_in_pool
    from flows.settings import Settings
    from flows.sources import Item, clean_items

    items = []
    for i in range(10):
        path = tmp_path / f"p{i}.html"
        path.write_text(synthetic_page(i) if i != 3 else "<html><body><p>Menu</p></body></html>", encoding="utf-8")
        items.append(Item(source="t", kind="html_file", location=str(path)).as_dict())
    items.insert(5, Item(source="t", kind="html_file", location=str(tmp_path / "missing.html")).as_dict())
    st = Settings()
    here = clean_items(items, st)
    if which == "coder":
        pooled = clean_in_pool(items, st, nlp_pool.pool(st.data_dir, st.cache_dir, st.gazetteer_extra, 2))
    else:
        pooled = clean_in_pool(items, st, nlp_pool.cleaning_pool(2))
        assert nlp_pool.cleaners_started(2)
        nlp_pool.shutdown_cleaners()
        assert not nlp_pool.cleaners_started(2)
    assert pooled == here
    assert len(here[0]) == 9 and [r["reason"] for r in here[1]] == ["no_text_extracted", "unreadable: No such file or directory"]


def test_coder_processes_start_before_cleaning_only_when_they_will_be_used(monkeypatch):
    from flows import nlp_pool
    from flows.nightly import _start_pool_early
    from flows.settings import Settings

    nlp_pool.shutdown()
    st = Settings(workers=2, min_pool_batch=40, early_pool_max=1000)
    assert not _start_pool_early(Settings(workers=1), 500)
    assert not _start_pool_early(st, 10)  # a handful is coded in-process
    assert not _start_pool_early(st, 5000)  # a big run: the duplicate signatures first, the workers after
    assert not nlp_pool.started(st.data_dir, st.cache_dir, st.gazetteer_extra, 2)
    assert _start_pool_early(st, 500)
    assert nlp_pool.started(st.data_dir, st.cache_dir, st.gazetteer_extra, 2)
    nlp_pool.shutdown()


def test_larger_runs_clean_in_cleaning_only_processes():
    """A run too large to start the coder processes before duplicate detection cleans in cleaning-only
    processes (every core, ~170 MB each), unless it has one worker or is small enough for the coder ones."""
    from flows import nlp_pool
    from flows.nightly import _start_cleaners
    from flows.settings import Settings

    nlp_pool.shutdown_cleaners()
    st = Settings(workers=2, min_pool_batch=40, early_pool_max=1000)
    assert not _start_cleaners(Settings(workers=1, early_pool_max=1000), 5000)
    assert not _start_cleaners(st, 500)  # the coder processes clean these
    assert not _start_cleaners(Settings(workers=2, min_pool_batch=40, early_pool_max=0), 10)  # in-process
    assert not nlp_pool.cleaners_started(2)
    assert _start_cleaners(st, 5000)
    assert nlp_pool.cleaners_started(2)
    nlp_pool.shutdown_cleaners()


def test_coder_processes_run_one_blas_thread(monkeypatch):
    """Two coder processes fill two cores: their BLAS runs one thread each (OpenBLAS's spinning threads cost
    the tok2vec ~30 %), also in a worker started later to replace a recycled one."""
    import os

    from flows.nlp_pool import WORKER_ENV, pool, shutdown
    from flows.settings import Settings

    shutdown()  # a pool started by an earlier test
    for k in WORKER_ENV:
        monkeypatch.delenv(k, raising=False)
    st = Settings()
    p = pool(st.data_dir, st.cache_dir, st.gazetteer_extra, 2)
    assert p.apply(os.getenv, ("OPENBLAS_NUM_THREADS",)) == "1"
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"  # kept for the replacements the pool spawns later


def test_fast_rulers_annotate_exactly_like_the_stock_components():
    """The speed-ups in transforms.nlp change nothing: the attribute-ruler fast path gives the stock ruler's
    matches (hence the same POS, morphology and lemmas), and the phrase-pattern entity ruler gives the same
    entities and ids as the token patterns it replaced."""
    import spacy

    from flows.bench import synthetic_page
    from flows.settings import Settings
    from transforms.clean import clean_html
    from transforms.nlp import MODEL, FastAttributeMatch, load_pipeline, normalise_text

    texts = [normalise_text(clean_html(synthetic_page(i)).text) for i in range(6)]
    texts.append("I'd have said gonna do it, but they didn't. It's there; y'all let's go. Nothing's done: "
                 "Me and him, us and them. There are 3 U.S. officials and the UN envoy in Khartoum and in the US.")
    stock = spacy.load(MODEL)
    ar = stock.get_pipe("attribute_ruler")
    fast = FastAttributeMatch(ar)
    with stock.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        docs = list(stock.pipe(texts))
    n = 0
    for d in docs:
        want = ar.match(d)
        assert fast(d) == want
        n += len(want)
    assert n > 1000

    ours = load_pipeline(Settings().data_dir)
    ruler = ours.get_pipe("entity_ruler")
    old = spacy.blank("en").add_pipe("entity_ruler", config={"overwrite_ents": True})
    old.add_patterns([{**p, "pattern": [{"LOWER": t.lower_} for t in ours.make_doc(p["pattern"])]}
                      if isinstance(p["pattern"], str) else p for p in ruler.patterns])
    for text in texts:
        a = [(e.start, e.end, e.label_, e.ent_id_) for e in ruler(ours.make_doc(text)).ents]
        b = [(e.start, e.end, e.label_, e.ent_id_) for e in old(ours.make_doc(text)).ents]
        assert a == b and a


def test_rule_lemmatizer_prefers_indexed_forms_of_the_longest_suffix():
    """spaCy is pinned to 3.8.7 for speed; our rule lemmatizer keeps the lemmas of the spaCy the coder was tuned
    on (3.8.11+): of the forms the suffix rules give, the one in the lemma index from the most specific rule."""
    import spacy

    from flows.settings import Settings
    from transforms.nlp import MODEL, load_pipeline

    ours = load_pipeline(Settings().data_dir)
    doc = ours("Thousands joined the marches and the churches. Police raided the boxes of the ministries.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["marches"] == "march" and lemmas["churches"] == "church"
    assert lemmas["boxes"] == "box" and lemmas["ministries"] == "ministry" and lemmas["raided"] == "raid"
    # without it the stock 3.8.7 rule order would give "marche" (a form the index also holds)
    stock = spacy.load(MODEL)
    if spacy.__version__ == "3.8.7":
        assert {t.text: t.lemma_ for t in stock("Thousands joined the marches.")}["marches"] == "marche"


@pytest.mark.prefect
def test_waves_stream_to_disk_and_give_identical_tables(prefect_server, tmp_path, monkeypatch):
    """A run coded, validated and staged one article at a time (``NEWSEVENTS_WAVE_SIZE=1``) publishes the same
    tables as a run in one wave: dimension rows met in several waves are merged (first row, aliases united),
    partitions are one sorted file, and the staging folder is gone afterwards."""
    import pyarrow.parquet as pq

    from flows.nightly import nightly
    from schemas.tables import ALL_TABLES

    src = str(REPO / "data" / "sample")
    one = nightly(sources=[src], warehouse=str(tmp_path / "one"), run_date="2026-11-10")
    monkeypatch.setenv("NEWSEVENTS_WAVE_SIZE", "1")
    many = nightly(sources=[src], warehouse=str(tmp_path / "many"), run_date="2026-11-10")
    assert one["published"] and many["published"]
    assert one["rows"] == many["rows"] and many["rows"]["actors"] > 0
    for table in TABLES:
        if table == "fetches":
            continue
        assert _rows(tmp_path / "one", table) == _rows(tmp_path / "many", table), table
        part = tmp_path / "many" / "current" / table / "date=2026-11-10" / "part-0.parquet"
        assert pq.read_schema(part).equals(ALL_TABLES[table], check_metadata=False), table
    ids = [r[0] for r in _rows(tmp_path / "many", "actors")]
    assert len(ids) == len(set(ids))
    shared = _rows(tmp_path / "many", "actor_mentions")  # some actors were met in several waves (articles)
    assert any(len({m[0] for m in shared if m[1] == a}) > 1 for a in ids)
    assert not any((tmp_path / "many" / "_staging").iterdir())


def test_dedup_bench_finds_every_planted_copy_and_reports_its_costs():
    from flows.bench import bench_dedup

    r = bench_dedup(600, vocabulary=5000, words=200, copies=0.05)
    assert r["planted_copies"] > 10 and r["copies_found"] == r["planted_copies"]
    assert r["search_seconds"] >= 0 and r["search_peak_extra_mb"] > 0


def test_staged_tables_publish_sorted_in_whole_row_groups_from_small_batches(tmp_path, monkeypatch):
    """Publishing a staged table reads DuckDB's sorted output in small batches (``STAGED_BATCH``, to bound
    memory) but still writes row groups of ``ROW_GROUP`` rows: every row once, sorted by key, with the declared
    schema, and the dyads summary counts every event."""
    import pyarrow.parquet as pq

    from flows import publish
    from flows.bench import synthetic_tables
    from flows.staging import Staging
    from schemas.tables import ALL_TABLES

    monkeypatch.setattr(publish, "STAGED_BATCH", 300)
    monkeypatch.setattr(publish, "ROW_GROUP", 2_000)
    stage = Staging(tmp_path, "run-1")
    ids = []
    for seed in range(3):  # three waves, each with its own event ids, staged in arbitrary order
        events = synthetic_tables(2_500, seed=seed)["events"]
        new_ids = [f"w{seed}-{i:05d}" for i in reversed(range(events.num_rows))]
        events = events.set_column(events.schema.get_field_index("event_id"), "event_id", pa.array(new_ids))
        stage.write("events", events)
        ids += new_ids
    publish.publish_run(tmp_path / "wh", "2026-11-23", {"events": stage.staged("events")})
    part = tmp_path / "wh" / "current" / "events" / "date=2026-11-23" / "part-0.parquet"
    meta = pq.ParquetFile(part).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sum(sizes) == 7_500 and all(s >= 2_000 for s in sizes[:-1]) and len(sizes) <= 4
    got = pq.read_table(part)
    assert got.schema.equals(ALL_TABLES["events"], check_metadata=False)
    assert got.column("event_id").to_pylist() == sorted(ids)
    dyads = pq.read_table(tmp_path / "wh" / "current" / "dyads" / "part-0.parquet")
    assert sum(dyads.column("events").to_pylist()) == 7_500
