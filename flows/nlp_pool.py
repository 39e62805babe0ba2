"""Coding spread over worker processes (``NEWSEVENTS_WORKERS``, default: the number of CPUs).

NLP plus coding is nearly all of a run's CPU. Each of ``workers`` spawned processes loads the whole coder once
(spaCy pipeline with our rulers, dictionaries, lexicon, gazetteer: ~470 MB) and codes chunks of articles;
only the articles go out and only the coded records (actors, places, events, mentions) come back, so the
calling process does no NLP at all. Spawned (not forked) processes, so the pool is safe to start from
Prefect's worker threads. The output is exactly the in-process coder's (a test checks it).
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

_CODER: Any = None
_POOLS: dict[tuple[str, ...], Any] = {}
_CLEANERS: dict[int, Any] = {}  # workers -> cleaning-only pool
_POOLS_LOCK = threading.Lock()  # tasks on two runner threads may both ask for the pool first
CHUNK = 4  # articles per message: small enough to keep both workers busy to the end of a batch
# a worker is replaced after this many chunks (1,000 articles, ~4 min of work; its replacement loads in ~5 s):
# a worker's memory creeps up from ~200 MB by heap fragmentation (~330 MB after 1,000 articles), a fresh one's
# does not
RECYCLE_CHUNKS = 250
# one BLAS thread per worker: the workers already fill the cores, and OpenBLAS's extra threads spin between
# calls (measured: tok2vec 34 -> 26 ms per bench article with two workers on two cores)
WORKER_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _init(data_dir: str, cache_dir: str, extra: list[str]) -> None:
    global _CODER  # noqa: PLW0603 - one coder per worker process
    from transforms.coder import Coder  # noqa: PLC0415
    from transforms.gazetteer import load_or_build  # noqa: PLC0415

    gaz = load_or_build(Path(data_dir), Path(cache_dir), [Path(p) for p in extra])
    _CODER = Coder(Path(data_dir), gaz)


def _code(arts: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    return list(_CODER.code(arts))


def pool(data_dir: Path, cache_dir: Path, extra: list[Path], workers: int, mmap_threshold: int = 0) -> Any:
    """The process pool for these settings (started once per process, reused by every batch and run).
    ``mmap_threshold`` > 0 sets glibc's MALLOC_MMAP_THRESHOLD_ in the workers' environment (read at their
    start), which keeps their memory from growing with freed per-batch arrays; ``WORKER_ENV`` limits BLAS to
    one thread per worker. Both go into this process's environment (read by processes it starts later, not
    by itself), unless already set."""
    key = (str(data_dir), str(cache_dir), *map(str, extra), str(workers))
    with _POOLS_LOCK:
        return _POOLS[key] if key in _POOLS else _start(key, data_dir, cache_dir, extra, workers, mmap_threshold)


def _start(key: tuple[str, ...], data_dir: Path, cache_dir: Path, extra: list[Path], workers: int,
           mmap_threshold: int) -> Any:
    ensure_gazetteer(data_dir, cache_dir, extra)
    env = dict(WORKER_ENV)
    if mmap_threshold:
        env["MALLOC_MMAP_THRESHOLD_"] = str(mmap_threshold)
    # set for good, not only around the start: the pool spawns each recycled worker's replacement later,
    # with the environment of that moment (what the user set wins)
    for k, v in env.items():
        os.environ.setdefault(k, v)
    p = mp.get_context("spawn").Pool(workers, initializer=_init,
                                     initargs=(str(data_dir), str(cache_dir), [str(e) for e in extra]),
                                     maxtasksperchild=RECYCLE_CHUNKS)
    atexit.register(p.terminate)
    _POOLS[key] = p
    return p


def _build_gazetteer(data_dir: str, cache_dir: str, extra: list[str]) -> None:
    from transforms.gazetteer import load_or_build  # noqa: PLC0415

    load_or_build(Path(data_dir), Path(cache_dir), [Path(p) for p in extra])


def ensure_gazetteer(data_dir: Path, cache_dir: Path, extra: list[Path]) -> None:
    """Build the gazetteer's cache file, when missing, in a short-lived process: not in every worker at once
    (each would hold the ~500 MB the build takes), not in the flow's process (which would keep it)."""
    from transforms.gazetteer import cache_path  # noqa: PLC0415

    if cache_path(Path(data_dir), Path(cache_dir), [Path(p) for p in extra]).exists():
        return
    proc = mp.get_context("spawn").Process(target=_build_gazetteer,
                                           args=(str(data_dir), str(cache_dir), [str(e) for e in extra]))
    proc.start()
    proc.join()
    if proc.exitcode:
        raise RuntimeError(f"building the gazetteer failed (exit code {proc.exitcode})")


def started(data_dir: Path, cache_dir: Path, extra: list[Path], workers: int) -> bool:
    """Whether this process already runs the pool for these settings."""
    return (str(data_dir), str(cache_dir), *map(str, extra), str(workers)) in _POOLS


def _stop(pools: dict[Any, Any]) -> None:
    """Close and join every pool of ``pools`` (emptied under the lock, joined outside it)."""
    with _POOLS_LOCK:
        stopping = list(pools.values())
        pools.clear()
    for p in stopping:
        p.close()
        p.join()


def shutdown() -> None:
    """Stop every coder pool of this process (their ~300 MB each are not needed while a run validates and
    publishes its last wave); the next batch starts a new one."""
    _stop(_POOLS)


def _clean(args: tuple[list[dict[str, Any]], Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from flows.sources import clean_items  # noqa: PLC0415

    return clean_items(*args)


def clean_in_pool(items: list[dict[str, Any]], settings: Any, workers_pool: Any
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``flows.sources.clean_items`` over a running pool (the coder processes, or ``cleaning_pool``'s; load,
    trafilatura, language, simhash: ~7 ms a page), in input order: the same rows as in-process."""
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    chunks = [(items[i:i + CHUNK], settings) for i in range(0, len(items), CHUNK)]
    for got, rej in workers_pool.imap(_clean, chunks):
        rows.extend(got)
        rejected.extend(rej)
    return rows, rejected


def cleaning_pool(workers: int) -> Any:
    """Processes that only clean pages (no coder loaded: ~170 MB each instead of ~300), for runs too large to
    start the coder processes before duplicate detection (``early_pool_max``): their cleaning still uses
    every core. Started once per process until ``shutdown_cleaners``."""
    with _POOLS_LOCK:
        if workers not in _CLEANERS:
            p = mp.get_context("spawn").Pool(workers)
            atexit.register(p.terminate)
            _CLEANERS[workers] = p
        return _CLEANERS[workers]


def cleaners_started(workers: int) -> bool:
    """Whether this process runs a cleaning pool of ``workers`` processes."""
    return workers in _CLEANERS


def shutdown_cleaners() -> None:
    """Stop the cleaning pools (after a run's cleaning: duplicate detection then has the memory)."""
    _stop(_CLEANERS)


def code_in_pool(arts: Iterable[dict[str, Any]], data_dir: Path, cache_dir: Path, extra: list[Path],
                 workers: int, mmap_threshold: int = 0) -> Iterator[tuple[str, Any]]:
    """``Coder.code`` over the pool: (article_id, CodedArticle) in input order."""
    items = list(arts)
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    for coded in pool(data_dir, cache_dir, extra, workers, mmap_threshold).imap(_code, chunks):
        yield from coded
