"""Trustworthy output: quarantine, atomic and idempotent publishing (a SIGKILL mid-publish), lock-free reads,
schema evolution, runs/source_coverage, volume flags, query recipes and the codebook. Real GX, Parquet, DuckDB."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from flows.publish import publish_run
from schemas.tables import TABLES
from transforms.tables import to_table

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"


def _count(wh: Path, sql: str):
    con = duckdb.connect(str(wh / "newsevents.duckdb"), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def _pages(tmp: Path, names: list[str]) -> Path:
    d = tmp / "pages"
    d.mkdir(exist_ok=True)
    for n in names:
        shutil.copy(SAMPLE / n, d)
    return d


# ------------------------------------------------------------------ publishing without the flow

def _events(n: int, day: str) -> pa.Table:
    return to_table("events", [{"event_id": f"{day}-{i}", "article_id": "a", "event_type": "ASSAULT",
                                "modality": "asserted", "confidence": 0.5} for i in range(n)])


def test_rerun_replaces_exactly_its_date_also_with_zero_rows(tmp_path):
    publish_run(tmp_path, "2026-01-01", {"events": _events(3, "a")})
    publish_run(tmp_path, "2026-01-02", {"events": _events(2, "b")})
    assert _count(tmp_path, "SELECT CAST(date AS VARCHAR), count(*) FROM events GROUP BY 1 ORDER BY 1") == [
        ("2026-01-01", 3), ("2026-01-02", 2)]
    publish_run(tmp_path, "2026-01-01", {"events": _events(0, "a")})
    assert [c for _, c in _count(tmp_path, "SELECT date, count(*) FROM events GROUP BY 1 ORDER BY 1")] == [2]
    assert (tmp_path / "current" / "events" / "date=2026-01-01" / "part-0.parquet").exists()  # an empty file
    assert len(list((tmp_path / "snapshots").iterdir())) <= 3  # old snapshots are collected


def _dyad_events(day: str, rows: list[tuple[str | None, str | None, str, int | None]]) -> pa.Table:
    return to_table("events", [{"event_id": f"{day}-{i}", "article_id": "a", "event_type": t, "source_actor_id": s,
                                "target_actor_id": o, "fatalities": f, "event_date": date.fromisoformat(day),
                                "modality": "asserted", "confidence": 0.5} for i, (s, o, t, f) in enumerate(rows)])


_FROM_EVENTS = """SELECT source_actor_id, target_actor_id, count(*), sum(coalesce(fatalities, 0)), min(event_date),
    max(event_date), list_sort(list(DISTINCT event_type)) FROM events
    WHERE source_actor_id IS NOT NULL AND target_actor_id IS NOT NULL GROUP BY ALL ORDER BY 1, 2"""
_FROM_DYADS = """SELECT source_actor_id, target_actor_id, events, fatalities, first_date, last_date,
    list_sort(event_types) FROM dyads ORDER BY 1, 2"""


def test_the_dyads_summary_equals_the_aggregate_of_all_events_after_every_publish(tmp_path):
    publish_run(tmp_path, "2026-01-01", {"events": _dyad_events("2026-01-01", [
        ("x", "y", "ASSAULT", 3), ("x", "y", "ACCUSE", None), ("y", "x", "AGREE", 0), ("x", None, "PROTEST", 1)])})
    first = sorted((tmp_path / "snapshots").iterdir())[-1] / "dyads" / "part-0.parquet"
    first_bytes = first.read_bytes()
    publish_run(tmp_path, "2026-01-02", {"events": _dyad_events("2026-01-02", [
        ("x", "y", "COERCE", 2), ("z", "y", "MOBILIZE", None)])})
    got = _count(tmp_path, _FROM_DYADS)
    assert got == _count(tmp_path, _FROM_EVENTS)
    assert got[0] == ("x", "y", 3, 5, date(2026, 1, 1), date(2026, 1, 2),
                      ["ACCUSE", "ASSAULT", "COERCE"])
    publish_run(tmp_path, "2026-01-01", {"events": _dyad_events("2026-01-01", [])})  # a rerun replaces a date
    assert _count(tmp_path, _FROM_DYADS) == _count(tmp_path, _FROM_EVENTS) == [
        ("x", "y", 1, 2, date(2026, 1, 2), date(2026, 1, 2), ["COERCE"]),
        ("z", "y", 1, 0, date(2026, 1, 2), date(2026, 1, 2), ["MOBILIZE"])]
    assert first.read_bytes() == first_bytes  # older snapshots (still being read) are never written through


def test_adding_a_column_keeps_old_partitions_readable(tmp_path):
    old = _events(2, "old").drop_columns(["confidence", "intensity"])
    publish_run(tmp_path, "2026-01-01", {"events": old})
    publish_run(tmp_path, "2026-01-02", {"events": _events(1, "new")})
    rows = _count(tmp_path, "SELECT date, confidence FROM events ORDER BY date")
    assert [r[1] for r in rows] == [None, None, 0.5]


def test_readers_never_block_publishing(tmp_path):
    publish_run(tmp_path, "2026-01-01", {"events": _events(1, "a")})
    reader = duckdb.connect(str(tmp_path / "newsevents.duckdb"), read_only=True)  # a user keeps it open
    try:
        publish_run(tmp_path, "2026-01-02", {"events": _events(4, "b")})
        assert reader.sql("SELECT count(*) FROM events").fetchall()[0][0] == 5  # views follow DIR/current
        assert _count(tmp_path, "SELECT count(*) FROM events")[0][0] == 5
    finally:
        reader.close()


# ------------------------------------------------------------------ the flow

@pytest.mark.prefect
def test_a_broken_row_is_quarantined_and_the_rest_published(prefect_server, tmp_path):
    from flows.nightly import nightly

    recs = tmp_path / "recs.jsonl"
    recs.write_text("\n".join(json.dumps(r) for r in [
        {"url": "https://x.example/1", "text": "Kenyan police arrested 30 protesters in Nairobi on Tuesday.",
         "published": "2025-06-25", "language": "en"},
        {"url": "https://x.example/2", "text": "In 2031, M23 rebels attacked a Congolese army base near Goma, killing 12 soldiers.",
         "published": "2025-06-25", "language": "en"}]) + "\n")
    s = nightly(sources=[str(recs)], warehouse=str(tmp_path / "wh"), run_date="2025-06-25")
    assert s["published"] and s["valid"] and s["quarantined"].get("events", 0) >= 1
    wh = tmp_path / "wh"
    q = _count(wh, "SELECT event_date, _reasons FROM quarantine_events")
    assert q and all(r[0].year == 2031 for r in q) and any("_date_plausible" in x for r in q for x in r[1])
    assert _count(wh, "SELECT count(*) FROM events WHERE year(event_date) = 2031")[0][0] == 0
    assert _count(wh, "SELECT count(*) FROM events")[0][0] >= 1
    assert Path(s["data_docs"].removeprefix("file://")).exists()
    runs = _count(wh, "SELECT run_id, validation_success, code_version, quarantined FROM runs")
    assert len(runs) == 1 and runs[0][1] is True and runs[0][2] and json.loads(runs[0][3])["events"] >= 1
    cov = _count(wh, "SELECT source, discovered, fetched, extracted, coded, events FROM source_coverage")
    assert cov[0][1:5] == (2, 2, 2, 2) and cov[0][5] >= 1


@pytest.mark.prefect
def test_too_many_bad_rows_fail_the_run_and_publish_nothing(prefect_server, tmp_path, monkeypatch):
    from flows.nightly import nightly

    monkeypatch.setenv("NEWSEVENTS_MAX_QUARANTINE_SHARE", "0")
    recs = tmp_path / "recs.jsonl"
    recs.write_text(json.dumps({"url": "https://x.example/2", "text": "In 2031, M23 rebels attacked a Congolese army base near "
                                "Goma, killing 12 soldiers.", "published": "2025-06-25", "language": "en"}) + "\n")
    s = nightly(sources=[str(recs)], warehouse=str(tmp_path / "wh"), run_date="2025-06-25")
    assert not s["valid"] and not s["published"] and not (tmp_path / "wh" / "current").exists()


def test_an_expectation_that_raises_is_a_configuration_error(monkeypatch):
    import flows.validate as v

    bad = dict(v.SUITES)
    bad["articles"] = [*bad["articles"], ("ExpectColumnValuesToBeInSet", {"column": "no_such_column", "value_set": [1]})]
    monkeypatch.setattr(v, "SUITES", bad)
    arts = to_table("articles", [{"article_id": "x", "url": "https://x.example/1", "text": "t", "title": "T",
                                  "language": "en", "word_count": 1}])
    with pytest.raises(v.ValidationConfigError, match="no_such_column|articles"):
        v.validate_tables({"articles": arts})


@pytest.mark.prefect
def test_same_inputs_give_identical_tables(prefect_server, tmp_path):
    from flows.nightly import nightly

    pages = _pages(tmp_path, ["cairo-talks.html", "dakar-protest.html"])
    for name in ("a", "b"):
        nightly(sources=[str(pages)], warehouse=str(tmp_path / name), run_date="2026-11-05")
    for table in TABLES:
        if table == "fetches":
            continue
        q = f"SELECT * FROM {table} ORDER BY ALL"
        assert _count(tmp_path / "a", q) == _count(tmp_path / "b", q), table


@pytest.mark.prefect
def test_sigkill_during_publish_leaves_the_previous_state_readable(prefect_server, tmp_path):
    from flows.nightly import nightly

    wh = tmp_path / "wh"
    first = nightly(sources=[str(_pages(tmp_path, ["cairo-talks.html"]))], warehouse=str(wh), run_date="2026-11-06")
    before = os.readlink(wh / "current")
    baseline = _count(wh, "SELECT count(*) FROM events")[0][0]
    assert baseline == first["rows"]["events"] > 0
    more = tmp_path / "more"
    more.mkdir()
    shutil.copy(SAMPLE / "dakar-protest.html", more)
    env = {**os.environ, "NEWSEVENTS_PUBLISH_PAUSE_SECONDS": "120", "PREFECT_HOME": str(tmp_path / "ph"),
           "PREFECT_API_URL": ""}
    env.pop("PREFECT_API_URL")
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--source", str(more), "--warehouse", str(wh),
                             "--run-date", "2026-11-07"], cwd=REPO, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 240
        while not list(wh.glob(".staged-*")) and time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert list(wh.glob(".staged-*")), "the run never reached the publish step"
        os.killpg(proc.pid, signal.SIGKILL)  # killed mid-publish: new snapshot written, not switched
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert os.readlink(wh / "current") == before
    assert _count(wh, "SELECT count(*) FROM events")[0][0] == baseline
    assert _count(wh, "SELECT count(DISTINCT date) FROM articles")[0][0] == 1
    again = nightly(sources=[str(more)], warehouse=str(wh), run_date="2026-11-07")
    assert again["published"] and _count(wh, "SELECT count(DISTINCT date) FROM articles")[0][0] == 2
    assert not list((wh / "snapshots").glob(".tmp-*"))


@pytest.mark.prefect
def test_a_source_that_suddenly_yields_nothing_is_flagged(prefect_server, tmp_path):
    from flows.nightly import nightly

    pages = _pages(tmp_path, ["cairo-talks.html", "dakar-protest.html"])
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {{name: news, kind: folder, path: {pages}}}\n")
    wh = str(tmp_path / "wh")
    assert nightly(sources_file=str(sources), warehouse=wh, run_date="2026-11-08")["volume_flags"] == []
    for p in pages.iterdir():
        p.unlink()
    s = nightly(sources_file=str(sources), warehouse=wh, run_date="2026-11-09")
    assert s["published"] and any(f.startswith("news:") for f in s["volume_flags"])
    assert _count(Path(wh), "SELECT volume_flags FROM runs WHERE date = '2026-11-09'")[0][0]


def test_codebook_is_up_to_date():
    from schemas.codebook import PATH, render

    assert PATH.read_text(encoding="utf-8") == render(), "run `python -m schemas.codebook` and commit CODEBOOK.md"
    text = render()
    for schema in TABLES.values():
        for f in schema:
            assert f"| `{f.name}` |" in text


@pytest.mark.prefect
def test_next_night_skips_unchanged_local_files_and_rereads_changed_ones(prefect_server, tmp_path):
    from flows.nightly import nightly

    pages = _pages(tmp_path, ["cairo-talks.html", "dakar-protest.html"])
    wh = str(tmp_path / "wh")
    first = nightly(sources=[str(pages)], warehouse=wh, run_date="2026-11-11")
    assert first["outcomes"] == {"read": 2}
    t0 = time.perf_counter()
    nothing_new = nightly(sources=[str(pages)], warehouse=wh, run_date="2026-11-12")
    assert nothing_new["outcomes"] == {"skipped_known": 2} and nothing_new["articles"] == 0 and nothing_new["balanced"]
    assert time.perf_counter() - t0 < 60
    same_date = nightly(sources=[str(pages)], warehouse=wh, run_date="2026-11-11")  # a rerun reproduces its date
    assert same_date["outcomes"] == {"read": 2} and same_date["rows"]["events"] == first["rows"]["events"]
    page = pages / "cairo-talks.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", "<p>Updated at noon.</p></article>"),
                    encoding="utf-8")
    changed = nightly(sources=[str(pages)], warehouse=wh, run_date="2026-11-13")
    assert changed["outcomes"] == {"read": 1, "skipped_known": 1}
