"""One typed settings object. Environment variables use the ``NEWSEVENTS_`` prefix
(e.g. ``NEWSEVENTS_BATCH_SIZE=200``); flow parameters override them per run."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime settings of the pipeline."""

    model_config = SettingsConfigDict(env_prefix="NEWSEVENTS_", env_nested_delimiter="__")

    data_dir: Path = Field(REPO / "data", description="shipped data: dictionaries, lexicon, gazetteer supplement")
    cache_dir: Path = Field(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newsevents",
                            description="where the gazetteer index is cached")
    batch_size: int = Field(100, ge=1, description="articles per Prefect task")
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1,
                         description="coder processes (spaCy + coding; 1 = code in the flow's process)")
    min_pool_batch: int = Field(40, ge=1, description="smallest batch worth sending to the coder processes")
    early_pool_max: int = Field(20_000, ge=0, description="runs of at most this many items start the coder "
                                "processes before cleaning, so that they load while the pages are cleaned; "
                                "larger runs clean in cleaning-only processes and start the coder ones after "
                                "duplicate detection, whose signatures then have the memory to themselves")
    wave_size: int = Field(500, ge=1, description="articles coded, validated and staged together: a run's "
                           "memory depends on this, not on the corpus size")
    user_agent: str = Field("newsevents/0.1 (+https://example.org/newsevents)", description="HTTP user agent")
    timeout_seconds: float = Field(30.0, gt=0, description="HTTP total timeout per request (connect to last byte)")
    connect_timeout_seconds: float = Field(10.0, gt=0, description="HTTP connect timeout")
    max_retries: int = Field(3, ge=0, description="retries on timeouts, connection errors, 429 and 5xx")
    backoff_base: float = Field(1.0, ge=0, description="first retry delay in seconds; doubles per retry, +0-25% jitter")
    backoff_max: float = Field(60.0, ge=0, description="longest retry delay")
    retry_after_max: float = Field(120.0, ge=0, description="longest Retry-After honoured")
    concurrency: int = Field(32, ge=1, description="requests in flight overall")
    per_host_concurrency: int = Field(2, ge=1, description="requests in flight per host")
    per_host_delay: float = Field(1.0, ge=0, description="seconds between requests to one host")
    max_crawl_delay: float = Field(30.0, ge=0, description="longest robots.txt Crawl-delay honoured")
    max_redirects: int = Field(5, ge=0, description="redirects followed per URL")
    max_sitemaps: int = Field(200, ge=1, description="feeds/sitemaps visited per source and run")
    obey_robots: bool = Field(True, description="obey robots.txt")
    raw_dir: Path | None = Field(None, description="where raw WARC files go (default: <warehouse>/raw)")
    sources_file: Path = Field(REPO / "data" / "sources.yaml", description="default sources file")
    max_bytes: int = Field(10_000_000, gt=0, description="largest body accepted, before and after decompression")
    allow_private_addresses: bool = Field(False, description="fetch from loopback/private addresses (tests only)")
    gazetteer_extra: list[Path] = Field(default_factory=list,
                                        description="extra GeoNames-format files (e.g. allCountries.txt)")
    malloc_mmap_threshold: int = Field(
        8 << 20, ge=0, description="glibc MALLOC_MMAP_THRESHOLD_ for the coder processes: blocks above it are "
        "mapped fresh and returned to the system when freed. 8 MiB keeps spaCy's per-chunk arrays (1-4 MB) on "
        "the reused heap (1 MiB cost ~12 % more CPU in page faults) while a worker stays near 300-400 MB "
        "between recycles; 0 keeps glibc's default")
    max_quarantine_share: float = Field(0.2, ge=0, le=1, description="run fails above this share of failed rows")


def prefect_defaults() -> None:
    """Quiet, offline-friendly Prefect/GX defaults (only where the user has not set them)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
