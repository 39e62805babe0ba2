"""The fetch ledger: what the crawler already has, so the next run fetches only what is new.

One DuckDB file, ``<warehouse>/_state/ledger.duckdb``, opened only by the pipeline (users open
``newsevents.duckdb``). One row per canonical URL: content hash, ETag, Last-Modified, where its raw response
is kept, and its state:

- ``fetched``   — raw response kept, but the run that fetched it has not published yet. The next run reads it
  from the raw WARC record instead of refetching (outcome ``resumed``): an interrupted run resumes.
- ``published`` — a run that fetched it published. Article pages in this state are ``skipped_known``
  (or revisited with a conditional GET when their source says ``revisit: true``); feeds, sitemaps and home
  pages are always revisited with a conditional GET.

Upserts are buffered and committed in one transaction every ``flush_every`` records or ``flush_seconds``
(and on close): a commit per URL would cost ~4 ms, more than the fetch. A run killed mid-crawl therefore
refetches at most the last second of its work; everything older resumes from the raw capture.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

_DDL = """
CREATE TABLE IF NOT EXISTS ledger (
    canonical_url VARCHAR PRIMARY KEY,
    url VARCHAR,
    source VARCHAR,
    role VARCHAR,
    status INTEGER,
    content_hash VARCHAR,
    etag VARCHAR,
    last_modified VARCHAR,
    warc_ref VARCHAR,
    state VARCHAR,
    run_id VARCHAR,
    first_seen TIMESTAMPTZ,
    last_fetched TIMESTAMPTZ
)"""


_COLUMNS = ["canonical_url", "url", "source", "role", "status", "content_hash", "etag", "last_modified", "warc_ref",
            "state", "run_id", "first_seen", "last_fetched"]
_SCHEMA = pa.schema([(c, pa.int32() if c == "status" else pa.timestamp("us", tz="UTC") if c in ("first_seen", "last_fetched")
                      else pa.string()) for c in _COLUMNS])


@dataclass
class Known:
    """What the ledger remembers about one canonical URL."""

    canonical_url: str
    content_hash: str | None
    etag: str | None
    last_modified: str | None
    warc_ref: str | None
    state: str
    run_id: str | None


class Ledger:
    """Fetch ledger in a DuckDB file (see module doc). Use as a context manager."""

    def __init__(self, path: Path, flush_every: int = 200, flush_seconds: float = 1.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path))
        self.con.execute(_DDL)
        self.flush_every, self.flush_seconds = flush_every, flush_seconds
        self._pending: dict[str, list] = {}
        self._last_flush = time.monotonic()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.flush()
        self.con.close()

    @staticmethod
    def _known(p: list) -> Known:
        return Known(p[0], p[5], p[6], p[7], p[8], p[9], p[10])

    def get(self, canonical_url: str) -> Known | None:
        if canonical_url in self._pending:
            return self._known(self._pending[canonical_url])
        rows = self.con.execute("SELECT canonical_url, content_hash, etag, last_modified, warc_ref, state, run_id "
                                "FROM ledger WHERE canonical_url = ?", [canonical_url]).fetchall()
        return Known(*rows[0]) if rows else None

    def get_many(self, canonical_urls: list[str]) -> dict[str, Known]:
        """What the ledger knows about many URLs, in one query."""
        out: dict[str, Known] = {}
        if canonical_urls:
            rows = self.con.execute("SELECT canonical_url, content_hash, etag, last_modified, warc_ref, state, run_id "
                                    "FROM ledger WHERE canonical_url IN (SELECT unnest(?))",
                                    [list(set(canonical_urls))]).fetchall()
            out = {r[0]: Known(*r) for r in rows}
        out.update({u: self._known(p) for u, p in self._pending.items() if u in set(canonical_urls)})
        return out

    def record(self, *, canonical_url: str, url: str, source: str, role: str, status: int | None,
               content_hash: str | None, etag: str | None, last_modified: str | None, warc_ref: str | None,
               run_id: str, fetched_at: datetime, state: str = "fetched") -> None:
        """Insert or update one URL (keeps first_seen; keeps the previous validators when none are given).
        Buffered; see the module doc."""
        self._pending[canonical_url] = [canonical_url, url, source, role, status, content_hash, etag, last_modified,
                                        warc_ref, state, run_id, fetched_at, fetched_at]
        if len(self._pending) >= self.flush_every or time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Commit the buffered upserts in one transaction."""
        self._last_flush = time.monotonic()
        if not self._pending:
            return
        rows, self._pending = list(self._pending.values()), {}
        batch = pa.Table.from_pylist([dict(zip(_COLUMNS, r, strict=True)) for r in rows], schema=_SCHEMA)  # noqa: F841
        self.con.execute(
            """INSERT INTO ledger SELECT * FROM batch
               ON CONFLICT (canonical_url) DO UPDATE SET
                 url = excluded.url, source = excluded.source, role = excluded.role, status = excluded.status,
                 content_hash = coalesce(excluded.content_hash, ledger.content_hash),
                 etag = coalesce(excluded.etag, ledger.etag),
                 last_modified = coalesce(excluded.last_modified, ledger.last_modified),
                 warc_ref = coalesce(excluded.warc_ref, ledger.warc_ref),
                 state = CASE WHEN ledger.state = 'published' AND excluded.state = 'fetched'
                              AND excluded.content_hash IS NOT DISTINCT FROM ledger.content_hash
                              THEN 'published' ELSE excluded.state END,
                 run_id = excluded.run_id, last_fetched = excluded.last_fetched""")

    def mark_published(self, run_id: str) -> int:
        """After a successful publish: everything this run fetched or resumed is done."""
        self.flush()
        n = self.con.execute("SELECT count(*) FROM ledger WHERE run_id = ? AND state = 'fetched'", [run_id]).fetchall()
        self.con.execute("UPDATE ledger SET state = 'published' WHERE run_id = ? AND state = 'fetched'", [run_id])
        return int(n[0][0])

    def count(self, state: str | None = None) -> int:
        self.flush()
        if state:
            return int(self.con.execute("SELECT count(*) FROM ledger WHERE state = ?", [state]).fetchall()[0][0])
        return int(self.con.execute("SELECT count(*) FROM ledger").fetchall()[0][0])
