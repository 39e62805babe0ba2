"""The nightly flow end to end on Prefect's real test server, with real GX, Parquet and DuckDB."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.cli import main, parse_args
from schemas.tables import TABLES

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.prefect

CONTRACT = {
    "articles": {"article_id": "VARCHAR", "url": "VARCHAR", "title": "VARCHAR", "published_at": "TIMESTAMP WITH TIME ZONE",
                 "language": "VARCHAR", "text": "VARCHAR", "duplicate_of": "VARCHAR"},
    "actors": {"actor_id": "VARCHAR", "name": "VARCHAR", "kind": "VARCHAR", "country_code": "VARCHAR",
               "sector": "VARCHAR", "aliases": "VARCHAR[]"},
    "locations": {"location_id": "VARCHAR", "name": "VARCHAR", "country_code": "VARCHAR", "latitude": "DOUBLE",
                  "longitude": "DOUBLE", "feature_kind": "VARCHAR"},
    "events": {"event_id": "VARCHAR", "article_id": "VARCHAR", "event_type": "VARCHAR", "event_mode": "VARCHAR",
               "source_actor_id": "VARCHAR", "target_actor_id": "VARCHAR", "location_id": "VARCHAR",
               "event_date": "DATE", "date_precision": "VARCHAR", "fatalities": "INTEGER", "evidence": "VARCHAR"},
    "actor_mentions": {"article_id": "VARCHAR", "actor_id": "VARCHAR", "mention": "VARCHAR"},
    "location_mentions": {"article_id": "VARCHAR", "location_id": "VARCHAR", "mention": "VARCHAR"},
}


def _read(wh: Path, table: str) -> duckdb.DuckDBPyRelation:
    con = duckdb.connect()
    return con.sql(f"SELECT * FROM read_parquet('{wh}/current/{table}/**/*.parquet', hive_partitioning = true, "
                   f"union_by_name = true)")


@pytest.fixture(scope="module")
def sample_run(prefect_server, tmp_path_factory):
    from flows.nightly import nightly

    wh = tmp_path_factory.mktemp("wh")
    summary = nightly(sources=[str(REPO / "data" / "sample")], warehouse=str(wh), run_date="2026-11-01")
    return wh, summary


def test_sample_run_publishes_valid_tables(sample_run):
    wh, s = sample_run
    assert s["valid"] and s["published"]
    assert s["articles"] == 5 and s["rejected"] == [] and s["discovered"] == 5
    for table in [*TABLES, "runs", "source_coverage"]:
        assert s["rows"][table] > 0, table
        assert (wh / "current" / table / "date=2026-11-01" / "part-0.parquet").exists()


def test_table_contract_names_and_types(sample_run):
    wh, _ = sample_run
    for table, cols in CONTRACT.items():
        rel = _read(wh, table)
        types = dict(zip(rel.columns, [str(t) for t in rel.types], strict=True))
        for col, typ in cols.items():
            assert types.get(col) == typ, (table, col, types.get(col))


def test_foreign_keys_resolve_and_views_work_from_anywhere(sample_run, tmp_path, monkeypatch):
    wh, _ = sample_run
    monkeypatch.chdir(tmp_path)
    con = duckdb.connect(str(wh / "newsevents.duckdb"), read_only=True)
    orphans = con.sql("""SELECT count(*) FROM events e
        LEFT JOIN actors s ON s.actor_id = e.source_actor_id LEFT JOIN locations l ON l.location_id = e.location_id
        LEFT JOIN articles a ON a.article_id = e.article_id
        WHERE (e.source_actor_id IS NOT NULL AND s.actor_id IS NULL) OR (e.location_id IS NOT NULL AND l.location_id IS NULL)
           OR a.article_id IS NULL""").fetchall()[0][0]
    assert orphans == 0
    langs = dict(con.sql("SELECT language, count(*) FROM articles GROUP BY 1").fetchall())
    assert langs == {"en": 4, "fr": 1}
    fr_coded = con.sql("SELECT coded FROM articles WHERE language = 'fr'").fetchall()[0][0]
    assert fr_coded is False
    hamrin = con.sql("SELECT count(*) FROM events e JOIN articles a USING (article_id) "
                     "WHERE a.title LIKE '%Hamrin%' AND e.event_type = 'ASSAULT'").fetchall()[0][0]
    assert hamrin >= 3
    con.close()


def test_rerun_same_date_is_idempotent_and_empty_source_publishes_zero_rows(sample_run, tmp_path):
    from flows.nightly import nightly

    wh, first = sample_run
    again = nightly(sources=[str(REPO / "data" / "sample")], warehouse=str(wh), run_date="2026-11-01")
    assert again["rows"] == first["rows"]
    assert _read(wh, "events").aggregate("count(*)").fetchall()[0][0] == first["rows"]["events"]
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    wh2 = tmp_path / "wh2"
    s = nightly(sources=[str(empty_dir)], warehouse=str(wh2), run_date="2026-11-02")
    assert s["valid"] and s["articles"] == 0 and all(v == 0 for k, v in s["rows"].items() if k in TABLES)
    assert s["rows"]["runs"] == 1
    assert _read(wh2, "events").aggregate("count(*)").fetchall()[0][0] == 0


def test_page_without_metadata_and_bad_input_are_counted(prefect_server, tmp_path):
    from flows.nightly import nightly

    src = tmp_path / "pages"
    src.mkdir()
    body = " ".join(["Police arrested twelve protesters in the capital on Friday, the interior ministry said."] * 8)
    (src / "bare.html").write_text(f"<html><body><article><p>{body}</p><p>{body}</p></article></body></html>")
    (src / "empty.html").write_text("<html><body><nav>Home</nav></body></html>")
    jsonl = tmp_path / "recs.jsonl"
    jsonl.write_text('{"url": "https://x.example/1", "text": "Kenyan police arrested 30 protesters in Nairobi.", '
                     '"published": "2025-06-25", "language": "en"}\nnot json\n{"url": "https://x.example/2"}\n')
    s = nightly(sources=[str(src), str(jsonl), str(tmp_path / "missing")], warehouse=str(tmp_path / "wh"),
                run_date="2026-11-03")
    reasons = sorted(r["reason"].split(":")[0] for r in s["rejected"])
    assert reasons == ["no_text_extracted"]
    fetches = _read(tmp_path / "wh", "fetches").fetchdf()
    unreadable = sorted(d.split(":")[0] for d in fetches[fetches["outcome"] == "unreadable"]["detail"])
    assert unreadable == ["bad_json", "bad_source", "no_text"]
    assert s["outcomes"] == {"read": 3, "unreadable": 3} and s["balanced"]
    assert s["articles"] == 2 and s["retrieved"] == s["articles"] + s["duplicates"] + len(s["rejected"])
    arts = _read(tmp_path / "wh", "articles").fetchdf()
    bare = arts[arts["url"].str.startswith("file://")]
    assert len(bare) == 1 and bare["published_at"].isna().all()


@pytest.mark.parametrize(("query", "params"), [
    ("events_per_day_by_type.sql", []), ("top_dyads.sql", []), ("fatalities_by_country_month.sql", []),
    ("actor_timeline.sql", ["actor=Islamic State"]), ("events_near.sql", ["lat=34.6", "lon=44.3", "km=50"]),
    ("gdelt_export.sql", []), ("acled_export.sql", []),
])
def test_every_query_recipe_runs(sample_run, capsys, query, params):
    wh, _ = sample_run
    argv = ["sql", str(REPO / "queries" / query), "--warehouse", str(wh), "--format", "json"]
    for p in params:
        argv += ["--param", p]
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows, query
    if query == "events_near.sql":
        assert all(r["km"] <= 50 for r in rows) and any(r["place"] == "Hamrin Mountains" for r in rows)
    if query == "actor_timeline.sql":
        assert {r["role"] for r in rows} <= {"source", "target"}
    if query == "gdelt_export.sql":
        assert {"GLOBALEVENTID", "SQLDATE", "Actor1CountryCode", "EventRootCode", "QuadClass", "GoldsteinScale",
                "ActionGeo_Lat"} <= set(rows[0])
    if query == "acled_export.sql":
        assert {"event_id_cnty", "event_type", "sub_event_type", "inter1", "geo_precision", "fatalities"} <= set(rows[0])
        assert {r["event_type"] for r in rows} <= {"Battles", "Explosions/Remote violence", "Violence against civilians",
                                                   "Protests", "Riots", "Strategic developments"}


def test_cli_sql_and_run(sample_run, tmp_path, capsys):
    wh, _ = sample_run
    assert main(["sql", "SELECT count(*) AS n FROM articles", "--warehouse", str(wh), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 5}]
    assert main(["sql", str(REPO / "queries" / "top_dyads.sql"), "--warehouse", str(wh), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("source,")
    assert main(["sql", "SELECT * FROM nope", "--warehouse", str(wh)]) == 1
    assert main(["sql", "SELECT 1", "--warehouse", str(tmp_path / "none")]) == 2
    src = tmp_path / "one"
    src.mkdir()
    shutil.copy(REPO / "data" / "sample" / "cairo-talks.html", src)
    assert main(["run", "--source", str(src), "--warehouse", str(tmp_path / "w"), "--run-date", "2026-11-04"]) == 0
    out = capsys.readouterr().out
    assert "validation: passed" in out and "example:" in out and "rows:" in out
    with pytest.raises(SystemExit):
        parse_args(["run", "--run-date", "yesterday"])


def test_source_coverage_counts_candidates_per_source_from_outcomes():
    """discovered = every candidate row of the source (feeds and robots are not candidates), fetched = the
    retrieved outcomes, failed = the rest minus the skipped ones; sources with no fetches still get a row."""
    from collections import Counter

    from flows.nightly import source_coverage
    from flows.sources import SourceSpec

    fetched = [("a", "article", "fetched")] * 3 + [("a", "article", "http_error"), ("a", "article", "timeout"),
                                                   ("a", "article", "skipped_known"), ("a", "feed", "fetched"),
                                                   ("b", "file", "read"), ("b", "robots", "http_error")]
    specs = [SourceSpec(name="a", kind="feed", url="https://a.example/feed", tier=1),
             SourceSpec(name="c", kind="folder", path="/nowhere")]
    rows = {r["source"]: r for r in source_coverage(specs, fetched, {"a": Counter(extracted=3, events=7)}, "r1")}
    assert set(rows) == {"a", "b", "c"}
    assert (rows["a"]["discovered"], rows["a"]["fetched"], rows["a"]["failed"]) == (6, 3, 2)
    assert (rows["a"]["extracted"], rows["a"]["events"], rows["a"]["tier"]) == (3, 7, 1)
    assert (rows["b"]["discovered"], rows["b"]["fetched"], rows["b"]["failed"]) == (1, 1, 0)
    assert rows["c"]["discovered"] == 0 and rows["c"]["failed"] == 0
