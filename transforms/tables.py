"""Records -> typed tables: article rows with deterministic ids and duplicate links, and pyarrow tables
that match the explicit schemas in ``schemas/tables.py`` exactly (names, types, nullability checked)."""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa

from schemas.tables import ALL_TABLES
from transforms.clean import CleanedArticle

NEAR_DUPLICATE_SIMHASH = 0.9  # share of equal simhash bits above which two texts are near-copies
NEAR_DUPLICATE_JACCARD = 0.5  # or: share of shared content words (syndicated rewrites)
# below this many distinct content words a text is a brief (a one-sentence item, a headline): one changed word
# can be a different event ("banned" / "threatened to ban"), so briefs are copies only with the same words
SHORT_TEXT_WORDS = 25


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
_PERMS = 128  # MinHash values per text, for the LSH buckets only (the overlap test itself is exact)
_BANDS = 32  # 32 bands of 4 values: a pair with Jaccard 0.5 shares a band with p = 0.87, 0.6 with p = 0.99,
_ROWS = 4  # 0.1 with p = 0.003, so the candidates stay few however many articles a run holds
# one multiply-shift hash per MinHash value, (a * x + b) mod 2**64 >> 32 with odd a
_A = np.array([int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=8).digest(), "big") | 1
               for i in range(_PERMS)], dtype=np.uint64)
_B = np.array([int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=8).digest(), "big")
               for i in range(_PERMS)], dtype=np.uint64)
_NEVER = datetime.max.replace(tzinfo=UTC)


def _content_words(text: str | None) -> set[str]:
    return {w.lower() for w in _WORD.findall(text or "")}


def _word_hashes(words: set[str]) -> np.ndarray:
    return np.unique(np.fromiter((int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "big")
                                  for w in words), dtype=np.uint64, count=len(words)))


def _minhash(hs: np.ndarray) -> np.ndarray:
    return ((hs[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)).min(axis=0).astype(np.uint32)


@dataclass(frozen=True)
class DupSignature:
    """What duplicate detection keeps of an article (~3 KB for a 700-word text: its content words as 64-bit
    hashes, a MinHash, the simhash) while the texts themselves are streamed to disk."""

    article_id: str
    order: tuple  # (published_at, url): the earliest publication is the original
    fingerprint: int | None  # 64-bit simhash
    words: np.ndarray  # sorted unique 64-bit hashes of the content words (exact overlap test)
    minhash: np.ndarray | None  # _PERMS values for the LSH buckets; None without text


def signature(row: dict[str, Any]) -> DupSignature:
    """The duplicate-detection signature of an articles row."""
    fp = None
    with contextlib.suppress(TypeError, ValueError):
        fp = int(row.get("fingerprint"), 16)  # type: ignore[arg-type]
    hs = _word_hashes(_content_words(row.get("text")))
    return DupSignature(row["article_id"], (row.get("published_at") or _NEVER, row.get("url") or ""), fp, hs,
                        _minhash(hs) if len(hs) else None)


def _candidate_keys(sig: DupSignature) -> list[tuple]:
    """LSH bucket keys: for the simhash, every pair of its 8 bytes (two fingerprints within 6 bits differ in
    at most 6 bytes, so they share some pair; a 16-bit key keeps buckets small at any corpus size); for the
    MinHash, 32 bands of 4 values."""
    keys: list[tuple] = []
    if sig.fingerprint is not None:
        b = [(sig.fingerprint >> (8 * i)) & 0xFF for i in range(8)]
        keys += [("s", i, j, b[i], b[j]) for i in range(8) for j in range(i + 1, 8)]
    if sig.minhash is not None:
        keys += [("m", k, sig.minhash[k * _ROWS:(k + 1) * _ROWS].tobytes()) for k in range(_BANDS)]
    return keys


def _near_copy(a: DupSignature, b: DupSignature) -> bool:
    if a.minhash is None or b.minhash is None:
        return False
    if min(len(a.words), len(b.words)) < SHORT_TEXT_WORDS:
        return len(a.words) == len(b.words) and bool(np.array_equal(a.words, b.words))
    if a.fingerprint is not None and b.fingerprint is not None and \
            1.0 - bin(a.fingerprint ^ b.fingerprint).count("1") / 64.0 >= NEAR_DUPLICATE_SIMHASH:
        return True
    shared = len(np.intersect1d(a.words, b.words, assume_unique=True))
    return shared / (len(a.words) + len(b.words) - shared) >= NEAR_DUPLICATE_JACCARD


def find_duplicates(sigs: list[DupSignature], known: Iterable[DupSignature] = ()) -> list[str | None]:
    """``duplicate_of`` for each signature, in input order: the same article id seen earlier, or a text whose
    simhash (>= 0.9 of bits equal) or content-word overlap (Jaccard >= 0.5) says it is a
    syndicated copy of an earlier article (briefs of fewer than 25 content words: only the same words); the earliest publication wins. ``known`` are articles already
    published (never re-marked). Candidates come from locality-sensitive buckets and only they are compared,
    so the cost grows with the number of articles, not its square."""
    seen: list[tuple[DupSignature, bool]] = []  # (signature, is itself a duplicate)
    buckets: dict[tuple, list[int]] = {}
    ids: dict[str, str] = {}

    def index(sig: DupSignature, is_dup: bool) -> None:
        seen.append((sig, is_dup))
        for k in _candidate_keys(sig):
            buckets.setdefault(k, []).append(len(seen) - 1)

    for k in known:
        ids[k.article_id] = k.article_id
        index(k, False)
    out: list[str | None] = [None] * len(sigs)
    for i in sorted(range(len(sigs)), key=lambda i: sigs[i].order):
        sig = sigs[i]
        if sig.article_id in ids:
            out[i] = ids[sig.article_id]
            continue
        for j in sorted({j for key in _candidate_keys(sig) for j in buckets.get(key, ())}):
            other, other_dup = seen[j]
            if not other_dup and _near_copy(sig, other):
                out[i] = other.article_id
                break
        ids[sig.article_id] = out[i] or sig.article_id
        index(sig, out[i] is not None)
    return out


def mark_duplicates(rows: list[dict[str, Any]], known: Iterable[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Set ``duplicate_of`` on the rows (see ``find_duplicates``); returns them in their original order."""
    for r, dup in zip(rows, find_duplicates([signature(r) for r in rows], [signature(k) for k in known]),
                      strict=True):
        r["duplicate_of"] = dup
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
