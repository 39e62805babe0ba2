"""Write the run's tables as Parquet and refresh the DuckDB views.

Layout: ``<warehouse>/<table>/date=<run date>/part-0.parquet`` (zstd). A run replaces exactly its own date
partition: the new partition is written to ``<warehouse>/_staging/<run>/``, then swapped in with renames
(live -> trash, staged -> live), so readers never see a half-written partition. Every table gets a file,
even an empty one, so views always bind. ``<warehouse>/newsevents.duckdb`` holds views with absolute paths;
the pipeline opens it only for the few milliseconds it takes to recreate them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.tables import KEYS, PARTITION_COLUMN, TABLES

DB_NAME = "newsevents.duckdb"
# dimension tables appear in several partitions; their views keep the latest row per key
_DIMENSIONS = {"actors": "actor_id", "locations": "location_id", "articles": "article_id"}


def write_partition(warehouse: Path, table: str, data: pa.Table, run_date: str) -> Path:
    """Atomically replace ``<table>/date=<run_date>/`` with ``data``; returns the file written."""
    sort = [(k, "ascending") for k in KEYS[table]]
    data = data.sort_by(sort) if data.num_rows else data
    staging = warehouse / "_staging" / uuid.uuid4().hex / table
    staging.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, staging / "part-0.parquet", compression="zstd", row_group_size=128_000)
    live = warehouse / table / f"{PARTITION_COLUMN}={run_date}"
    live.parent.mkdir(parents=True, exist_ok=True)
    trash = None
    if live.exists():
        trash = live.with_name(f".trash-{live.name}-{uuid.uuid4().hex[:8]}")
        os.replace(live, trash)
    os.replace(staging, live)
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(staging.parent, ignore_errors=True)
    return live / "part-0.parquet"


def glob_for(warehouse: Path, table: str) -> str:
    """Absolute glob of a table's Parquet files."""
    return str((warehouse / table).resolve() / "**" / "*.parquet")


def refresh_views(warehouse: Path) -> Path:
    """(Re)create one view per table in ``<warehouse>/newsevents.duckdb`` (absolute paths)."""
    db = warehouse / DB_NAME
    con = duckdb.connect(str(db))
    try:
        for table in TABLES:
            if not (warehouse / table).exists():
                continue
            src = f"read_parquet('{glob_for(warehouse, table)}', hive_partitioning = true, union_by_name = true)"
            if table in _DIMENSIONS:
                key = _DIMENSIONS[table]
                sql = (f"CREATE OR REPLACE VIEW {table} AS SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER "
                       f"(PARTITION BY {key} ORDER BY {PARTITION_COLUMN} DESC) AS rn FROM {src}) WHERE rn = 1")
            else:
                sql = f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM {src}"
            con.execute(sql)
    finally:
        con.close()
    return db


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse's views (works from any working directory)."""
    db = warehouse / DB_NAME
    if not db.exists():
        raise FileNotFoundError(f"{db} does not exist: run `newsevents run --warehouse {warehouse}` first")
    return duckdb.connect(str(db), read_only=True)
