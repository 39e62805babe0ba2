"""Records -> typed tables: article rows with deterministic ids and duplicate links, and pyarrow tables
that match the explicit schemas in ``schemas/tables.py`` exactly (names, types, nullability checked)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa

from schemas.tables import ALL_TABLES
from transforms.clean import CleanedArticle, simhash_similarity

NEAR_DUPLICATE_SIMHASH = 0.9  # share of equal simhash bits above which two texts are near-copies
NEAR_DUPLICATE_JACCARD = 0.5  # or: share of shared content words (syndicated rewrites)


class SchemaMismatch(ValueError):
    """Rows do not fit the table's declared schema."""


def article_id(url: str | None, text: str | None) -> str:
    """Hash of the normalised canonical URL (scheme, www., trailing slash, fragment ignored); of the
    text when there is no URL."""
    if url:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
        key = f"{host}{parts.path.rstrip('/')}?{parts.query}" if parts.scheme in ("http", "https") else url.strip()
    else:
        key = "text:" + (text or "")
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def article_row(a: CleanedArticle, source: str, source_url: str | None) -> dict[str, Any]:
    """One articles row (duplicate_of and coded filled in later)."""
    return {
        "article_id": article_id(a.url or source_url, a.text),
        "url": a.url or source_url,
        "source_url": source_url,
        "source": source,
        "title": a.title,
        "published_at": a.published_at,
        "published_date": a.published_date,
        "published_source": a.published_source,
        "language": a.language,
        "text": a.text,
        "duplicate_of": None,
        "sitename": a.sitename,
        "author": a.author,
        "fingerprint": a.fingerprint,
        "word_count": a.word_count,
        "coded": False,
    }


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}|\d+")


def _content_words(text: str | None) -> set[str]:
    return {w.lower() for w in _WORD.findall(text or "")}


_BANDS = 16  # MinHash LSH: 16 bands of 2 rows finds pairs with Jaccard >= 0.5 with probability > 0.99
_ROWS = 2
_SEEDS = [int.from_bytes(hashlib.blake2b(str(i).encode(), digest_size=8).digest(), "big") for i in range(_BANDS * _ROWS)]


def _minhash(words: set[str]) -> list[int]:
    if not words:
        return []
    hs = [int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "big") for w in words]
    return [min(h ^ seed for h in hs) for seed in _SEEDS]


def _candidate_keys(fp: str | None, mh: list[int]) -> list[tuple]:
    """Bucket keys: 8 simhash bands of 8 bits (two fingerprints within 6 bits share >= 2 bands) and the
    MinHash bands."""
    keys: list[tuple] = []
    if fp:
        try:
            v = int(fp, 16)
            keys += [("s", b, (v >> (8 * b)) & 0xFF) for b in range(8)]
        except ValueError:
            pass
    keys += [("m", b, tuple(mh[b * _ROWS:(b + 1) * _ROWS])) for b in range(_BANDS)] if mh else []
    return keys


def mark_duplicates(rows: list[dict[str, Any]], known: Iterable[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Set ``duplicate_of`` on near-copies: the same article id seen earlier, or a text whose simhash or
    content-word overlap says it is a syndicated copy of an earlier article (earliest publication wins).
    ``known`` are rows already published (never re-marked). Returns the rows in their original order.
    Candidates come from locality-sensitive buckets (simhash bands, MinHash bands), then the exact tests run,
    so the cost grows with the number of articles, not its square."""
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["published_at"] or datetime.max.replace(tzinfo=UTC),
                                                     rows[i]["url"] or ""))
    seen: list[dict[str, Any]] = []
    buckets: dict[tuple, list[int]] = {}
    ids: dict[str, str] = {}

    def index(r: dict[str, Any], words: set[str]) -> None:
        seen.append({"article_id": r["article_id"], "fingerprint": r.get("fingerprint"), "_words": words,
                     "duplicate_of": r.get("duplicate_of"), "has_text": bool(r.get("text"))})
        for k in _candidate_keys(r.get("fingerprint"), _minhash(words)):
            buckets.setdefault(k, []).append(len(seen) - 1)

    for k in known:
        ids[k["article_id"]] = k["article_id"]
        index(k, _content_words(k.get("text")))
    for i in order:
        r = rows[i]
        if r["article_id"] in ids:
            r["duplicate_of"] = ids[r["article_id"]]
            continue
        words = _content_words(r["text"])
        cands = sorted({j for key in _candidate_keys(r.get("fingerprint"), _minhash(words)) for j in buckets.get(key, ())})
        for j in cands:
            s = seen[j]
            if s["duplicate_of"] or not r["text"] or not s["has_text"]:
                continue
            sim = simhash_similarity(r["fingerprint"], s["fingerprint"])
            jac = len(words & s["_words"]) / max(1, len(words | s["_words"]))
            if sim >= NEAR_DUPLICATE_SIMHASH or jac >= NEAR_DUPLICATE_JACCARD:
                r["duplicate_of"] = s["article_id"]
                break
        ids[r["article_id"]] = r["duplicate_of"] or r["article_id"]
        index(r, words)
    return rows


def _coerce(value: Any, type_: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_timestamp(type_) and isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if pa.types.is_date(type_) and isinstance(value, datetime):
        return value.date()
    if pa.types.is_date(type_) and isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def to_table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows -> pyarrow table with the declared schema. Extra keys are an error (schema drift), missing
    keys become null, and nulls in non-nullable fields raise SchemaMismatch."""
    schema = ALL_TABLES[name]
    cols = {f.name: [] for f in schema}
    for r in rows:
        extra = set(r) - set(cols)
        if extra:
            raise SchemaMismatch(f"{name}: columns not in schemas/tables.py: {sorted(extra)}")
        for f in schema:
            v = _coerce(r.get(f.name), f.type)
            if v is None and not f.nullable:
                raise SchemaMismatch(f"{name}.{f.name} is null in row {r.get(schema.names[0])!r}")
            cols[f.name].append(v)
    return pa.Table.from_pydict(cols, schema=schema)
