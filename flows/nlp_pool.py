"""spaCy parsing spread over worker processes (``NEWSEVENTS_WORKERS``, default: the number of CPUs).

The NLP pipeline is ~90 % of the cost of coding an article; it runs in ``workers`` spawned processes, each
loading only the spaCy pipeline (with our entity ruler), never the gazetteer. Parsed docs come back as
``Doc.to_bytes`` (entity ids, heads, lemmas and sentence starts included, tensors excluded) and the coding
itself runs in the calling process while the workers parse the next chunks. Spawned (not forked) processes,
so the pool is safe to start from Prefect's worker threads.
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_NLP: Any = None
_POOLS: dict[tuple[str, int], Any] = {}
CHUNK = 8


def _init(data_dir: str) -> None:
    global _NLP  # noqa: PLW0603 - one pipeline per worker process
    from transforms.nlp import load_pipeline  # noqa: PLC0415

    _NLP = load_pipeline(Path(data_dir))


def _parse(texts: list[str]) -> list[bytes]:
    return [doc.to_bytes(exclude=["tensor", "user_data"]) for doc in _NLP.pipe(texts, batch_size=CHUNK)]


def pool(data_dir: Path, workers: int) -> Any:
    """The process pool for these settings (started once per process)."""
    key = (str(data_dir), workers)
    if key not in _POOLS:
        p = mp.get_context("spawn").Pool(workers, initializer=_init, initargs=(str(data_dir),))
        atexit.register(p.terminate)
        _POOLS[key] = p
    return _POOLS[key]


def parser(data_dir: Path, workers: int, vocab_nlp: Any):  # noqa: ANN201 - returns a callable
    """A ``parse(texts) -> Iterator[Doc]`` that parses in the pool and rebuilds docs on ``vocab_nlp``'s vocab."""
    from spacy.tokens import Doc  # noqa: PLC0415

    def parse(texts: Iterator[str]) -> Iterator[Any]:
        items = list(texts)
        chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
        for blobs in pool(data_dir, workers).imap(_parse, chunks):
            for b in blobs:
                yield Doc(vocab_nlp.vocab).from_bytes(b)

    return parse
