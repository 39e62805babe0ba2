"""Scale-out and parallel parsing give the same output as the default run."""

from __future__ import annotations

from pathlib import Path

import duckdb
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


def test_parser_processes_give_identical_coding(coder):
    """The spaCy pool (spawned processes, docs shipped back as bytes) codes exactly like in-process parsing."""
    from flows.bench import synthetic_page
    from flows.nlp_pool import parser
    from flows.settings import Settings
    from transforms.clean import clean_html

    arts = []
    for i in range(12):
        c = clean_html(synthetic_page(i))
        arts.append({"article_id": f"s{i}", "text": c.text, "title": c.title, "published_date": c.published_date})
    plain = [(k, v.events, v.actors, v.locations, v.actor_mentions) for k, v in coder.code(arts)]
    pooled = [(k, v.events, v.actors, v.locations, v.actor_mentions)
              for k, v in coder.code(arts, parse=parser(Settings().data_dir, 2, coder.nlp))]
    assert plain == pooled and any(p[1] for p in plain)
