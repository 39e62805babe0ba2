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


def mark_duplicates(rows: list[dict[str, Any]], known: Iterable[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Set ``duplicate_of`` on near-copies: the same article id seen earlier, or a text whose simhash or
    content-word overlap says it is a syndicated copy of an earlier article (earliest publication wins).
    ``known`` are rows already published (never re-marked). Returns the rows in their original order."""
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["published_at"] or datetime.max.replace(tzinfo=UTC),
                                                     rows[i]["url"] or ""))
    seen: list[dict[str, Any]] = [dict(k, _words=_content_words(k.get("text"))) for k in known]
    ids: dict[str, str] = {k["article_id"]: k["article_id"] for k in seen}
    for i in order:
        r = rows[i]
        if r["article_id"] in ids:
            r["duplicate_of"] = ids[r["article_id"]]
            continue
        words = _content_words(r["text"])
        for s in seen:
            if s.get("duplicate_of") or not r["text"] or not s.get("text"):
                continue
            sim = simhash_similarity(r["fingerprint"], s.get("fingerprint"))
            inter = len(words & s["_words"])
            jac = inter / max(1, len(words | s["_words"]))
            if sim >= NEAR_DUPLICATE_SIMHASH or jac >= NEAR_DUPLICATE_JACCARD:
                r["duplicate_of"] = s["article_id"]
                break
        ids[r["article_id"]] = r["duplicate_of"] or r["article_id"]
        seen.append(dict(r, _words=words))
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
