"""Records -> typed tables: article rows with deterministic ids and duplicate links, and pyarrow tables
that match the explicit schemas in ``schemas/tables.py`` exactly (names, types, nullability checked)."""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterable
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
# at most this many candidates are compared per article, those whose MinHash is closest to its own: texts that
# share much of their vocabulary (one template, a synthetic corpus) would otherwise make every pair a
# candidate; syndicated copies have the closest MinHashes, so they stay among the first
MAX_CANDIDATES = 64


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
    """Sorted unique 32-bit hashes of the words (two of a text's ~400 words share a hash with p ~ 2e-5)."""
    return np.unique(np.fromiter((int.from_bytes(hashlib.blake2b(w.encode(), digest_size=4).digest(), "big")
                                  for w in words), dtype=np.uint32, count=len(words)))


def _minhash(hs: np.ndarray) -> np.ndarray:
    x = hs.astype(np.uint64)
    return ((x[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)).min(axis=0).astype(np.uint32)


_SIM_BIT = np.uint64(1 << 63)
_BAND_MIX = np.array([int.from_bytes(hashlib.blake2b(f"band{i}".encode(), digest_size=8).digest(), "big") | 1
                      for i in range(2 * _BANDS)], dtype=np.uint64).reshape(_BANDS, 2)
_PAIR_I, _PAIR_J = (np.array(x, dtype=np.uint64) for x in zip(*[(i, j) for i in range(8) for j in range(i + 1, 8)],
                                                               strict=True))
_SIM_BITS_APART = int((1.0 - NEAR_DUPLICATE_SIMHASH) * 64)  # 6: simhashes this close are near-copies


def _bucket_keys(fingerprint: int | None, minhash: np.ndarray | None) -> np.ndarray:
    """LSH bucket keys as 64-bit integers: for the simhash (top bit set), every pair of its 8 bytes (two
    fingerprints within 6 bits differ in at most 6 bytes, so they share some pair); for the MinHash of the
    words, 32 bands of 4 values, each band hashed with its own multiplier."""
    parts = []
    if fingerprint is not None:
        b = (np.uint64(fingerprint) >> (np.arange(8, dtype=np.uint64) * np.uint64(8))) & np.uint64(0xFF)
        col = np.arange(len(_PAIR_I), dtype=np.uint64)
        parts.append(_SIM_BIT | (col << np.uint64(16)) | (b[_PAIR_I] << np.uint64(8)) | b[_PAIR_J])
    if minhash is not None:
        mh = minhash.astype(np.uint64).reshape(_BANDS, _ROWS)
        lo, hi = mh[:, 0] << np.uint64(32) | mh[:, 1], mh[:, 2] << np.uint64(32) | mh[:, 3]
        parts.append(((lo * _BAND_MIX[:, 0]) ^ (hi * _BAND_MIX[:, 1]) ^ np.arange(_BANDS, dtype=np.uint64))
                     & ~_SIM_BIT)
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)


class Signatures:
    """What duplicate detection keeps of a run's articles while their texts are streamed to disk: per article
    its id, its order key (published_at, url: the earliest publication is the original), its simhash, its
    content words as sorted unique 32-bit hashes (the overlap test is exact up to hash collisions), its MinHash
    (128 values, to rank candidates) and its 60 LSH bucket keys, ~3 KB for a 700-word text. Bucket membership is found later by sorting all keys at once, so no
    per-bucket Python object is ever made (that index cost ~14 KB per article)."""

    def __init__(self, rows: Iterable[dict[str, Any]] = ()) -> None:
        self.ids: list[str] = []
        self.orders: list[tuple] = []
        self.fingerprints: list[int | None] = []
        self.words: list[np.ndarray] = []
        self.keys: list[np.ndarray] = []
        self.minhashes: list[np.ndarray | None] = []
        for r in rows:
            self.add(r)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, row: dict[str, Any]) -> None:
        """Add an articles row's signature."""
        fp = None
        with contextlib.suppress(TypeError, ValueError):
            fp = int(row.get("fingerprint"), 16)  # type: ignore[arg-type]
        hs = _word_hashes(_content_words(row.get("text")))
        self.ids.append(row["article_id"])
        self.orders.append((row.get("published_at") or _NEVER, row.get("url") or ""))
        self.fingerprints.append(fp)
        self.words.append(hs)
        mh = _minhash(hs) if len(hs) else None
        self.minhashes.append(mh)
        self.keys.append(_bucket_keys(fp, mh))


def _near_copy(wa: np.ndarray, fa: int | None, wb: np.ndarray, fb: int | None) -> bool:
    if not len(wa) or not len(wb):
        return False
    if min(len(wa), len(wb)) < SHORT_TEXT_WORDS:
        return len(wa) == len(wb) and bool(np.array_equal(wa, wb))
    if fa is not None and fb is not None and \
            1.0 - bin(fa ^ fb).count("1") / 64.0 >= NEAR_DUPLICATE_SIMHASH:
        return True
    shared = len(np.intersect1d(wa, wb, assume_unique=True))
    return shared / (len(wa) + len(wb) - shared) >= NEAR_DUPLICATE_JACCARD


def find_duplicates(sigs: Signatures, known: Signatures | None = None) -> list[str | None]:
    """``duplicate_of`` for each signature, in input order: the same article id seen earlier, or a text whose
    simhash (>= 0.9 of bits equal) or content-word overlap (Jaccard >= 0.5) says it is a syndicated copy of an
    earlier article (briefs of fewer than 25 content words: only the same words); the earliest publication
    wins. ``known`` are articles already published (never re-marked). Only candidates are compared: texts
    that share a MinHash band, or a simhash byte pair with the simhash itself within 6 bits; so the cost
    grows with the number of articles, not its square, and memory stays a few arrays of 4-8 bytes per key."""
    known = known or Signatures()
    nk = len(known)
    ids = known.ids + sigs.ids
    words = known.words + sigs.words
    fps = known.fingerprints + sigs.fingerprints
    # processing order: the known ones as given, then the run's own by publication
    proc = list(range(nk)) + [nk + i for i in sorted(range(len(sigs)), key=sigs.orders.__getitem__)]
    n = len(proc)
    rank = np.empty(n, dtype=np.int64)
    rank[proc] = np.arange(n)
    key_lists = known.keys + sigs.keys
    lens = np.fromiter((len(k) for k in key_lists), dtype=np.int64, count=n)
    offs = np.concatenate([[0], np.cumsum(lens)])
    flat = np.concatenate(key_lists) if n else np.empty(0, dtype=np.uint64)
    owner_rank = np.repeat(rank.astype(np.int32), lens)
    order = np.lexsort((owner_rank, flat)).astype(np.int32)  # by key, then by processing rank
    sorted_ranks = owner_rank[order]
    del owner_rank
    m = len(flat)
    idx = np.arange(m, dtype=np.int32)
    sorted_keys = flat[order]
    new_run = np.ones(m, dtype=bool)
    new_run[1:] = sorted_keys[1:] != sorted_keys[:-1]
    del sorted_keys
    run_start = np.maximum.accumulate(np.where(new_run, idx, 0)) if m else idx  # where each entry's run begins
    del new_run
    pos = np.empty(m, dtype=np.int32)
    pos[order] = idx
    del order, idx
    is_sim = (flat & _SIM_BIT) != 0
    fp_by_rank = np.zeros(n, dtype=np.uint64)
    for item, fp in enumerate(fps):
        if fp is not None:
            fp_by_rank[rank[item]] = fp
    mh_by_rank = np.zeros((n, _PERMS), dtype=np.uint32)
    for item, mh in enumerate(known.minhashes + sigs.minhashes):
        if mh is not None:
            mh_by_rank[rank[item]] = mh
    eligible = np.zeros(n, dtype=bool)  # ranks that can be an original: indexed and not a copy themselves
    seen: dict[str, str] = {}
    out: list[str | None] = [None] * n
    for t, item in enumerate(proc):
        if ids[item] in seen and t >= nk:
            out[item] = seen[ids[item]]
            continue
        if t >= nk:
            p = pos[offs[item]:offs[item + 1]]
            s = run_start[p]
            close, banded = [], []
            for e in np.flatnonzero(s < p):
                r = sorted_ranks[s[e]:p[e]]
                if is_sim[offs[item] + e]:  # a shared simhash byte pair: a candidate only if the simhash is close
                    close.append(r[np.bitwise_count(fp_by_rank[r] ^ fp_by_rank[t]) <= _SIM_BITS_APART])
                else:
                    banded.append(r)
            if close or banded:
                near = np.unique(np.concatenate(close)) if close else np.empty(0, dtype=np.int32)
                cands = np.unique(np.concatenate([near, *banded]))
                cands = cands[eligible[cands]]
                # shared MinHash values estimate the overlap: a pair of Jaccard >= 0.5 shows fewer than a
                # quarter of equal values with p < 1e-7 (128 values), so those are not compared; of the rest
                # (texts of one template can make thousands), the closest 64 are
                score = (mh_by_rank[cands] == mh_by_rank[t]).sum(axis=1)
                score[np.isin(cands, near)] = _PERMS + 1  # a close simhash is a near-copy whatever the words
                keep = score >= _PERMS // 4
                cands, score = cands[keep], score[keep]
                if len(cands) > MAX_CANDIDATES:
                    cands = np.sort(cands[np.argpartition(-score, MAX_CANDIDATES)[:MAX_CANDIDATES]])
                for j in cands:
                    other = proc[j]
                    if _near_copy(words[item], fps[item], words[other], fps[other]):
                        out[item] = ids[other]
                        break
        seen[ids[item]] = out[item] or ids[item]
        eligible[t] = out[item] is None
    return out[nk:]


def mark_duplicates(rows: list[dict[str, Any]], known: Iterable[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Set ``duplicate_of`` on the rows (see ``find_duplicates``); returns them in their original order."""
    for r, dup in zip(rows, find_duplicates(Signatures(rows), Signatures(known)), strict=True):
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
