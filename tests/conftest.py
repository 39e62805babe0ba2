"""Shared fixtures: an isolated Prefect test server for flow tests, one coder for NLP tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory):
    """Prefect's real test server, in a throw-away PREFECT_HOME, once per session."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def coder():
    """The real coder (spaCy model, dictionaries, gazetteer from its on-disk cache)."""
    from flows.nightly import get_coder
    from flows.settings import Settings

    return get_coder(Settings())


@pytest.fixture(scope="session")
def code_text(coder):
    """code_text(text, published) -> (CodedArticle, {actor_id: name})."""
    from datetime import date

    def run(text: str, published: date = date(2024, 10, 16)):
        (_, coded), = list(coder.code([{"article_id": "t", "text": text, "published_date": published}]))
        return coded, {k: v["name"] for k, v in coded.actors.items()}

    return run
