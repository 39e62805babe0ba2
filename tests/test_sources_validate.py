"""Source specs and validation that fails on a broken row (the crawler is tested in test_crawl.py)."""

from __future__ import annotations

import pytest

from flows.sources import SourceError, spec_from_arg
from flows.validate import validate_tables
from transforms.tables import to_table


def test_unusable_source_spec_is_an_error(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        spec_from_arg(str(tmp_path / "nope"))
    (tmp_path / "x.csv").write_text("a,b")
    with pytest.raises(SourceError, match="unsupported"):
        spec_from_arg(str(tmp_path / "x.csv"))
    assert spec_from_arg("https://x.example/feed").kind == "page"
    (tmp_path / "a.warc.gz").write_bytes(b"")
    assert spec_from_arg(str(tmp_path / "a.warc.gz")).kind == "warc"
    assert spec_from_arg(str(tmp_path)).kind == "warc"


def test_validation_reports_a_broken_foreign_key_and_a_bad_code():
    actors = to_table("actors", [{"actor_id": "a1", "name": "Iraqi military", "kind": "state", "country_code": "IRQ",
                                  "sector": "MIL", "aliases": []}])
    events = to_table("events", [
        {"event_id": "e1", "article_id": "x", "event_type": "ASSAULT", "source_actor_id": "a1", "modality": "asserted"},
        {"event_id": "e2", "article_id": "x", "event_type": "PUNCH", "source_actor_id": "ghost", "modality": "asserted"},
    ])
    articles = to_table("articles", [{"article_id": "x", "url": "https://x.example/1", "text": "t"}])
    out = validate_tables({"articles": articles, "actors": actors, "events": events}).outcomes
    assert out["actors"].success and out["articles"].success
    assert not out["events"].success
    failed = {(f["expectation"], str(f["column"])) for f in out["events"].failures}
    assert ("expect_column_values_to_be_in_set", "event_type") in failed
    assert ("expect_column_values_to_be_in_set", "source_actor_id") in failed
    fk = next(f for f in out["events"].failures if f["column"] == "source_actor_id")
    assert fk["unexpected_count"] == 1 and fk["sample"] == ["ghost"]  # the dangling id, not the derived flag
