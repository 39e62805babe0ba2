"""The fetch ledger: what the crawler already has, so the next run fetches only what is new.

One DuckDB file, ``<warehouse>/_state/ledger.duckdb``, opened only by the pipeline (users open
``newsevents.duckdb``). One row per canonical URL: content hash, ETag, Last-Modified, where its raw response
is kept, and its state:

- ``fetched``   — raw response kept, but the run that fetched it has not published yet. The next run reads it
  from the raw WARC record instead of refetching (outcome ``resumed``): an interrupted run resumes.
- ``published`` — a run that fetched it published. Article pages in this state are ``skipped_known``
  (or revisited with a conditional GET when their source says ``revisit: true``); feeds, sitemaps and home
  pages are always revisited with a conditional GET.

Every upsert is committed at once, so a run killed mid-crawl loses nothing it finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

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

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path))
        self.con.execute(_DDL)

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def get(self, canonical_url: str) -> Known | None:
        rows = self.con.execute("SELECT canonical_url, content_hash, etag, last_modified, warc_ref, state, run_id "
                                "FROM ledger WHERE canonical_url = ?", [canonical_url]).fetchall()
        return Known(*rows[0]) if rows else None

    def known_hashes(self, hashes: list[str]) -> set[str]:
        if not hashes:
            return set()
        rows = self.con.execute("SELECT DISTINCT content_hash FROM ledger WHERE content_hash IN (SELECT unnest(?))",
                                [hashes]).fetchall()
        return {r[0] for r in rows}

    def record(self, *, canonical_url: str, url: str, source: str, role: str, status: int | None,
               content_hash: str | None, etag: str | None, last_modified: str | None, warc_ref: str | None,
               run_id: str, fetched_at: datetime, state: str = "fetched") -> None:
        """Insert or update one URL (keeps first_seen; keeps the previous validators when none are given)."""
        self.con.execute(
            """INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (canonical_url) DO UPDATE SET
                 url = excluded.url, source = excluded.source, role = excluded.role, status = excluded.status,
                 content_hash = coalesce(excluded.content_hash, ledger.content_hash),
                 etag = coalesce(excluded.etag, ledger.etag),
                 last_modified = coalesce(excluded.last_modified, ledger.last_modified),
                 warc_ref = coalesce(excluded.warc_ref, ledger.warc_ref),
                 state = CASE WHEN ledger.state = 'published' AND excluded.state = 'fetched'
                              AND excluded.content_hash IS NOT DISTINCT FROM ledger.content_hash
                              THEN 'published' ELSE excluded.state END,
                 run_id = excluded.run_id, last_fetched = excluded.last_fetched""",
            [canonical_url, url, source, role, status, content_hash, etag, last_modified, warc_ref, state, run_id,
             fetched_at, fetched_at])

    def mark_published(self, run_id: str) -> int:
        """After a successful publish: everything this run fetched or resumed is done."""
        n = self.con.execute("SELECT count(*) FROM ledger WHERE run_id = ? AND state = 'fetched'", [run_id]).fetchall()
        self.con.execute("UPDATE ledger SET state = 'published' WHERE run_id = ? AND state = 'fetched'", [run_id])
        return int(n[0][0])

    def count(self, state: str | None = None) -> int:
        if state:
            return int(self.con.execute("SELECT count(*) FROM ledger WHERE state = ?", [state]).fetchall()[0][0])
        return int(self.con.execute("SELECT count(*) FROM ledger").fetchall()[0][0])
