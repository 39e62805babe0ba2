"""A run's working files, so that memory does not grow with the corpus.

A run streams: cleaned articles are written to ``DIR/_staging/<run_id>/clean/`` batch by batch (only a ~1 KB
duplicate-detection signature per article stays in memory); then waves of articles are read back, coded,
validated, and their rows written to ``DIR/_staging/<run_id>/<table>/part-NNNNNN.parquet``. Publishing
(flows.publish) turns each table's staged parts into its one sorted partition file with DuckDB, which spills
to disk instead of holding the table in memory, and merges the dimension rows (an actor seen in several
waves: first row, aliases united). The staging folder is removed after publishing and by the next run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.tables import ALL_TABLES, KEYS

STAGING = "_staging"
DIMENSION_KEYS = {t: KEYS[t][0] for t in ("actors", "locations")}  # merged across waves when published


@dataclass
class Staged:
    """A table given as staged Parquet parts (in order) instead of an in-memory table."""

    table: str
    files: list[Path] = field(default_factory=list)

    @property
    def num_rows(self) -> int:
        """Rows once published (dimension rows met in several waves count once)."""
        if self.table in DIMENSION_KEYS and self.files:
            files = ", ".join(f"'{f}'" for f in self.files)
            con = duckdb.connect()
            try:
                got = con.execute(f"SELECT count(DISTINCT {DIMENSION_KEYS[self.table]}) FROM read_parquet([{files}])")
                return int(got.fetchone()[0])  # type: ignore[index]
            finally:
                con.close()
        return sum(pq.ParquetFile(f).metadata.num_rows for f in self.files)


class Staging:
    """``DIR/_staging/<run_id>``: per-table numbered Parquet parts."""

    def __init__(self, warehouse: Path, run_id: str) -> None:
        self.root = Path(warehouse).resolve() / STAGING / run_id
        self.root.mkdir(parents=True, exist_ok=True)
        self._n: dict[str, int] = {}

    def write(self, name: str, data: pa.Table, schema_of: str | None = None) -> Path | None:
        """Append ``data`` as the next part of ``name`` (nothing for zero rows)."""
        if not data.num_rows:
            return None
        schema = ALL_TABLES[schema_of or name]
        if data.schema != schema and set(schema.names) <= set(data.column_names):
            data = data.select(schema.names).cast(schema)
        n = self._n.get(name, 0)
        self._n[name] = n + 1
        path = self.root / name / f"part-{n:06d}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(data, path, compression="lz4")
        return path

    def files(self, name: str) -> list[Path]:
        return sorted((self.root / name).glob("part-*.parquet"))

    def staged(self, name: str) -> Staged:
        return Staged(name, self.files(name))

    def parts(self, name: str) -> Iterator[pa.Table]:
        for f in self.files(name):
            yield pq.read_table(f)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def clear_stale(warehouse: Path, keep: str | None = None) -> None:
    """Remove the staging folders of earlier (finished or killed) runs."""
    root = Path(warehouse).resolve() / STAGING
    if root.exists():
        for p in root.iterdir():
            if p.name != keep:
                shutil.rmtree(p, ignore_errors=True)
