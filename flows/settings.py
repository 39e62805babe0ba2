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
    user_agent: str = Field("newsevents/0.1 (+https://example.org/newsevents)", description="HTTP user agent")
    timeout_seconds: float = Field(30.0, gt=0, description="HTTP timeout per request")
    max_bytes: int = Field(10_000_000, gt=0, description="largest page accepted")
    allow_private_addresses: bool = Field(False, description="fetch from loopback/private addresses (tests only)")
    gazetteer_extra: list[Path] = Field(default_factory=list,
                                        description="extra GeoNames-format files (e.g. allCountries.txt)")
    max_quarantine_share: float = Field(0.2, ge=0, le=1, description="run fails above this share of failed rows")


def prefect_defaults() -> None:
    """Quiet, offline-friendly Prefect/GX defaults (only where the user has not set them)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
