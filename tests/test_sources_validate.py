"""HTTP page and feed sources against a real server on 127.0.0.1; validation that fails on a broken row."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from flows.settings import Settings
from flows.sources import SourceError, discover, load
from flows.validate import validate_tables
from transforms.tables import to_table

PAGE = b"<html><head><title>T</title></head><body><article><p>" + b"Police arrested ten men. " * 40 + b"</p></article></body></html>"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server API
        port = self.server.server_address[1]
        routes = {
            "/feed.xml": (200, "application/rss+xml", (
                f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
                f'<item><title>A</title><link>http://127.0.0.1:{port}/a.html</link></item>'
                f'<item><title>B</title><link>http://127.0.0.1:{port}/missing.html</link></item>'
                f'</channel></rss>').encode()),
            "/a.html": (200, "text/html; charset=utf-8", PAGE),
        }
        status, ctype, body = routes.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_feed_entries_are_fetched_and_failures_get_a_reason(server):
    settings = Settings(allow_private_addresses=True, timeout_seconds=5)
    items = discover(f"{server}/feed.xml", settings)
    assert [i.location for i in items] == [f"{server}/a.html", f"{server}/missing.html"]
    loaded = [load(i, settings) for i in items]
    assert loaded[0].html and "Police arrested" in loaded[0].html and loaded[0].reason is None
    assert loaded[1].reason == "http_404"
    page = discover(f"{server}/a.html", settings)
    assert len(page) == 1 and page[0].html


def test_loopback_is_refused_unless_allowed(server):
    items = discover(f"{server}/a.html", Settings(allow_private_addresses=False, timeout_seconds=5))
    assert items[0].reason == "fetch_failed" and items[0].html is None


def test_unusable_source_spec_is_an_error(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        discover(str(tmp_path / "nope"), Settings())
    (tmp_path / "x.csv").write_text("a,b")
    with pytest.raises(SourceError, match="unsupported"):
        discover(str(tmp_path / "x.csv"), Settings())


def test_validation_reports_a_broken_foreign_key_and_a_bad_code():
    actors = to_table("actors", [{"actor_id": "a1", "name": "Iraqi military", "kind": "state", "country_code": "IRQ",
                                  "sector": "MIL", "aliases": []}])
    events = to_table("events", [
        {"event_id": "e1", "article_id": "x", "event_type": "ASSAULT", "source_actor_id": "a1", "modality": "asserted"},
        {"event_id": "e2", "article_id": "x", "event_type": "PUNCH", "source_actor_id": "ghost", "modality": "asserted"},
    ])
    articles = to_table("articles", [{"article_id": "x", "url": "https://x.example/1", "text": "t"}])
    out = validate_tables({"articles": articles, "actors": actors, "events": events})
    assert out["actors"].success and out["articles"].success
    assert not out["events"].success
    failed = {(f["expectation"], str(f["column"])) for f in out["events"].failures}
    assert ("expect_column_values_to_be_in_set", "event_type") in failed
    assert ("expect_column_values_to_be_in_set", "source_actor_id") in failed
