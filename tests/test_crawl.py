"""The crawler against a fault-injecting HTTP server on 127.0.0.1 (never the internet).

The server serves a home page, robots.txt (one disallowed path, a Sitemap line), an RSS feed with an ETag, a
sitemap index and a Google News sitemap with Last-Modified, articles, and every fault the crawler must survive.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from flows.crawl import blocked_ip, canonical, crawl, parse_sitemap
from flows.ledger import Ledger
from flows.settings import Settings
from flows.sources import SourceError, SourceSpec, discover_local, load, load_sources_file, spec_from_arg
from flows.warc import BodyTooLarge, WarcSink, decode_body, inflate, iter_responses

MAX_BYTES = 200_000
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


def _article(title: str, extra: str = "") -> bytes:
    para = (f"{title}. Police in Nairobi arrested twelve protesters on Friday after clashes near the parliament, "
            f"the interior ministry said in a statement. {extra} ")
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><nav>Home | World</nav>"
            f"<article><h1>{title}</h1><p>{para * 3}</p><p>{para * 2}</p></article><footer>(c) Test</footer>"
            f"</body></html>").encode()


ARTICLES = ["a1", "a2", "a3", "flaky", "busy", "latin", "slow", "reset", "notfound", "big", "bomb", "loop1", "doc",
            "image", "mislabeled", "private/secret"]


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()

    def handle_error(self, request, client_address):  # noqa: ANN001 - the client hung up on purpose (timeouts)
        pass

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: FaultServer

    def log_message(self, *args):  # noqa: ANN002 - silence
        pass

    def _send(self, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802, C901, PLR0912 - one route table
        base = self.server.base
        path = self.path.split("?")[0]
        with self.server.lock:
            self.server.hits[path] += 1
            n = self.server.hits[path]
        if path == "/":
            self._send(200, "text/html; charset=utf-8", (
                f'<html><head><title>Test News</title><link rel="alternate" type="application/rss+xml" '
                f'href="{base}/feed.xml"></head><body><a href="/a1.html">a1</a></body></html>').encode())
        elif path == "/robots.txt":
            self._send(200, "text/plain", f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap_index.xml\n"
                       .encode())
        elif path == "/feed.xml":
            if self.headers.get("If-None-Match") == '"feed-v1"':
                self.send_response(304)
                self.end_headers()
                return
            entries = [a for a in ARTICLES if a not in ("a3",)]
            items = "".join(f"<item><title>{a}</title><link>{base}/{a}.html?utm_source=rss</link></item>"
                            for a in entries)
            self._send(200, "application/rss+xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>T'
                       f'</title>{items}</channel></rss>'.encode(), {"ETag": '"feed-v1"'})
        elif path == "/sitemap_index.xml":
            self._send(200, "application/xml", (
                f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f'<sitemap><loc>{base}/sitemap-news.xml</loc></sitemap></sitemapindex>').encode())
        elif path == "/sitemap-news.xml":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self.send_response(304)
                self.end_headers()
                return
            self._send(200, "application/xml", (
                f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f'<url><loc>{base}/a3.html</loc><news:news><news:publication_date>2026-11-20</news:publication_date>'
                f'</news:news></url><url><loc>{base}/a1.html</loc></url></urlset>').encode(),
                {"Last-Modified": LAST_MODIFIED})
        elif path in ("/a1.html", "/a2.html", "/a3.html"):
            self._send(200, "text/html; charset=utf-8", _article(f"Story {path[1:3]}"), {"ETag": f'"{path}"'})
        elif path == "/flaky.html":  # 500 then 200
            if n == 1:
                self._send(500, "text/plain", b"oops")
            else:
                self._send(200, "text/html", _article("Flaky story"))
        elif path == "/busy.html":  # 429 with Retry-After, then 200
            if n == 1:
                self._send(429, "text/plain", b"slow down", {"Retry-After": "1"})
            else:
                self._send(200, "text/html", _article("Busy story"))
        elif path == "/latin.html":  # declared UTF-8, actually windows-1252
            body = _article("Cafe story", "Le café de la Paix a déjà fermé.").replace(b"<meta charset='utf-8'>", b"")
            self._send(200, "text/html; charset=utf-8", body.decode().encode("cp1252"))
        elif path == "/slow.html":  # slower than the timeout
            time.sleep(1.6)
            self._send(200, "text/html", _article("Slow story"))
        elif path == "/reset.html":  # connection reset mid-body
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "50000")
            self.end_headers()
            self.wfile.write(b"<html><body>" + b"x" * 2000)
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif path == "/big.html":
            self._send(200, "text/html", b"<html><body>" + b"y" * (MAX_BYTES + 10) + b"</body></html>")
        elif path == "/bomb.html":  # 20 MB of zeros in ~20 kB of gzip
            self._send(200, "text/html", gzip.compress(b"\0" * 20_000_000), {"Content-Encoding": "gzip"})
        elif path == "/loop1.html":
            self._send(302, "text/plain", b"", {"Location": "/loop2.html"})
        elif path == "/loop2.html":
            self._send(302, "text/plain", b"", {"Location": "/loop1.html"})
        elif path == "/doc.html":
            self._send(200, "application/pdf", b"%PDF-1.4 fake pdf")
        elif path == "/image.html":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n fake png")
        elif path == "/mislabeled.html":  # a PDF served as text/html: caught by sniffing
            self._send(200, "text/html", b"%PDF-1.7 " + b"z" * 500)
        else:
            self._send(404, "text/plain", b"not found")


@pytest.fixture
def server():
    srv = FaultServer()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _settings(**kw) -> Settings:
    base = {"allow_private_addresses": True, "timeout_seconds": 1.0, "connect_timeout_seconds": 1.0,
            "max_retries": 2, "backoff_base": 0.05, "per_host_delay": 0.0, "max_bytes": MAX_BYTES,
            "retry_after_max": 2.0}
    return Settings(**{**base, **kw})


def _crawl(srv: FaultServer, tmp: Path, settings: Settings, run: str, specs: list[SourceSpec] | None = None):
    specs = specs or [SourceSpec(name="test-home", kind="home", url=f"{srv.base}/")]
    with Ledger(tmp / "_state" / "ledger.duckdb") as ledger:
        items, fetches = crawl(specs, settings, ledger, WarcSink(tmp / "raw", "2026-11-23", run), "2026-11-23", run)
        ledger.mark_published(run)
    return items, fetches


def _by_path(fetches, base: str, role: str = "article") -> dict[str, list]:
    out: dict[str, list] = {}
    for f in fetches:
        if f.role == role:
            out.setdefault(canonical(f.url).removeprefix(base), []).append(f)
    return {p: sorted(fs, key=lambda f: f.outcome == "duplicate_url") for p, fs in out.items()}


def test_every_fault_gets_its_outcome_and_retries_only_where_due(server, tmp_path):
    t0 = time.perf_counter()
    items, fetches = _crawl(server, tmp_path, _settings(), "run1")
    assert time.perf_counter() - t0 < 30
    arts = _by_path(fetches, server.base)
    first = {p: fs[0] for p, fs in arts.items()}
    expected = {
        "/a1.html": "fetched", "/a2.html": "fetched", "/a3.html": "fetched", "/flaky.html": "fetched",
        "/busy.html": "fetched", "/latin.html": "fetched", "/slow.html": "timeout", "/reset.html": "connection_error",
        "/notfound.html": "http_error", "/big.html": "too_large", "/bomb.html": "too_large",
        "/loop1.html": "redirect_loop", "/doc.html": "wrong_type", "/image.html": "wrong_type",
        "/mislabeled.html": "wrong_type", "/private/secret.html": "robots_disallowed",
    }
    assert {p: f.outcome for p, f in first.items()} == expected
    # a1 is listed by the feed (with a tracking parameter) and by the news sitemap: one fetch, one duplicate row
    assert [f.outcome for f in arts["/a1.html"]] == ["fetched", "duplicate_url"]
    # retries: 5xx, 429, timeouts and resets are retried; 404, size, type, loops are not
    hits = server.hits
    assert hits["/flaky.html"] == 2 and first["/flaky.html"].attempts == 2
    assert hits["/busy.html"] == 2 and first["/busy.html"].elapsed_ms >= 1000  # Retry-After: 1 honoured
    assert hits["/slow.html"] == 3 and first["/slow.html"].attempts == 3
    assert hits["/reset.html"] == 3
    for p in ("/notfound.html", "/big.html", "/bomb.html", "/doc.html", "/image.html", "/mislabeled.html"):
        assert hits[p] == 1, p
    assert first["/notfound.html"].status == 404
    assert hits["/private/secret.html"] == 0  # robots.txt obeyed: never requested
    assert hits["/robots.txt"] == 1  # cached per host
    # the mis-declared charset is decoded correctly
    latin = next(i for i in items if i.location.endswith("/latin.html"))
    assert "café" in load(latin, _settings()).html and "déjà" in latin.html
    # discovery documents were fetched and kept
    roles = Counter(f.role for f in fetches if f.outcome == "fetched")
    assert roles["home"] == 1 and roles["feed"] == 1 and roles["sitemap"] == 2 and roles["robots"] == 1
    assert len(items) == 6 and all(i.raw_ref for i in items)


def test_second_run_fetches_nothing_new_and_uses_conditional_get(server, tmp_path):
    _crawl(server, tmp_path, _settings(), "run1")
    before = Counter(server.hits)
    items, fetches = _crawl(server, tmp_path, _settings(max_retries=0), "run2")
    assert items == []
    arts = {p: fs[0].outcome for p, fs in _by_path(fetches, server.base).items()}
    # only transient failures are tried again; everything else is known
    assert {p for p, o in arts.items() if o != "skipped_known"} == {"/slow.html", "/reset.html"}
    new_hits = server.hits - before
    assert set(new_hits) <= {"/", "/robots.txt", "/feed.xml", "/sitemap_index.xml", "/sitemap-news.xml",
                             "/slow.html", "/reset.html"}
    feed = next(f for f in fetches if f.role == "feed")
    news = next(f for f in fetches if f.url.endswith("/sitemap-news.xml"))
    assert feed.outcome == "not_modified" and news.outcome == "not_modified"


def test_interrupted_run_resumes_from_raw_without_refetching(server, tmp_path):
    settings = _settings(max_retries=0)
    with Ledger(tmp_path / "_state" / "ledger.duckdb") as ledger:  # a run that fetched, then died unpublished
        items1, _ = crawl([SourceSpec(name="f", kind="feed", url=f"{server.base}/feed.xml")], settings, ledger,
                          WarcSink(tmp_path / "raw", "2026-11-23", "dead"), "2026-11-23", "dead")
    before = Counter(server.hits)
    items2, fetches = _crawl(server, tmp_path, settings, "next",
                             [SourceSpec(name="f", kind="feed", url=f"{server.base}/feed.xml")])
    resumed = [f for f in fetches if f.outcome == "resumed"]
    assert len(resumed) == len(items1) == 3  # a1, a2, latin; flaky and busy failed transiently (no retries)
    assert all(server.hits[p] == before[p] for p in ("/a1.html", "/a2.html", "/latin.html"))
    # the transient failures of the dead run are fetched now; what it finished is not
    assert {i.location for i in items2} == {i.location for i in items1} | {
        f"{server.base}/flaky.html", f"{server.base}/busy.html"}
    assert "Story a1" in load(next(i for i in items2 if "a1" in i.location), settings).html


def test_warc_written_by_a_run_is_read_back_by_the_warc_source(server, tmp_path):
    items, _ = _crawl(server, tmp_path, _settings(max_retries=0), "run1")
    warcs = list((tmp_path / "raw").rglob("*.warc.gz"))
    assert len(warcs) == 1
    entries = list(iter_responses(warcs[0]))
    roles = Counter(e.role for e in entries if e.status == 200)
    assert roles["article"] == len(items) and roles["feed"] == 1 and roles["robots"] == 1
    assert {e.status for e in entries if e.role == "article"} == {200, 404, 429, 500}  # final errors are kept too
    got = discover_local(SourceSpec(name="raw", kind="warc", path=str(tmp_path / "raw")), from_raw=True)
    assert sorted(i.location for i in got) == sorted(i.location for i in items)
    loaded = load(got[0], _settings())
    assert loaded.reason is None and "Police in Nairobi" in loaded.html and loaded.captured is not None
    # a foreign WARC (no role headers): every HTML response record is a candidate, feeds and robots are not
    generic = discover_local(spec_from_arg(str(warcs[0])))
    assert {i.location for i in generic} >= {i.location for i in items}
    assert not any(i.location.endswith(("feed.xml", "robots.txt")) for i in generic)


def test_loopback_refused_unless_allowed(server, tmp_path):
    _, fetches = _crawl(server, tmp_path, _settings(allow_private_addresses=False), "r",
                        [SourceSpec(name="p", kind="page", url=f"{server.base}/a1.html"),
                         SourceSpec(name="h", kind="page", url=f"http://localhost:{server.server_address[1]}/a2.html")])
    assert {f.outcome for f in fetches if f.role == "page"} == {"blocked_address"}
    assert server.hits["/a1.html"] == 0 and server.hits["/a2.html"] == 0


@pytest.mark.parametrize(("ip", "blocked"), [("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.1", True),
                                             ("169.254.169.254", True), ("224.0.0.1", True), ("0.0.0.0", True),
                                             ("::1", True), ("::ffff:127.0.0.1", True), ("fe80::1", True),
                                             ("8.8.8.8", False), ("2606:4700:4700::1111", False)])
def test_blocked_address_ranges(ip, blocked):
    assert blocked_ip(ip) is blocked


def test_body_helpers():
    assert decode_body("déjà vu".encode("cp1252"), "text/html; charset=utf-8")[0] == "déjà vu"
    assert decode_body("Ελλάδα".encode(), "text/html; charset=iso-8859-1")[0] == "Ελλάδα"
    assert decode_body(b"<meta charset='windows-1251'>\xcc\xee\xf1\xea\xe2\xe0", None)[0].endswith("Москва")
    assert inflate(gzip.compress(b"hello"), "gzip", 100) == b"hello"
    with pytest.raises(BodyTooLarge):
        inflate(gzip.compress(b"\0" * 10_000), "gzip", 1000)
    pages, children, dates = parse_sitemap(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.example/a</loc>'
        '<news:news><news:publication_date>2026-11-20T08:00:00Z</news:publication_date></news:news></url></urlset>')
    assert pages == ["https://x.example/a"] and children == [] and dates == {"https://x.example/a": "2026-11-20T08:00:00Z"}
    assert canonical("https://WWW.Example.com:443/a?utm_source=x&b=2#top") == "https://www.example.com/a?b=2"


def test_sources_file(tmp_path):
    f = tmp_path / "sources.yaml"
    (tmp_path / "pages").mkdir()
    f.write_text("sources:\n  - {name: local, kind: folder, path: pages}\n  - {name: later, kind: feed, "
                 "url: 'https://x.example/rss', enabled: false}\n")
    specs = load_sources_file(f)
    assert [s.name for s in specs] == ["local"] and specs[0].path == str((tmp_path / "pages").resolve())
    f.write_text("sources:\n  - {name: a, kind: feed}\n")
    with pytest.raises(SourceError, match="needs url"):
        load_sources_file(f)
    f.write_text("sources:\n  - {name: a, kind: ftp, url: 'x'}\n")
    with pytest.raises(SourceError, match="entry 1"):
        load_sources_file(f)
    t = tmp_path / "s.toml"
    t.write_text('[[sources]]\nname = "w"\nkind = "warc"\npath = "cc"\n')
    assert load_sources_file(t)[0].kind == "warc"
    shipped = load_sources_file(Path(__file__).resolve().parent.parent / "data" / "sources.example.yaml")
    assert {s.kind for s in shipped} >= {"feed", "sitemap", "home", "folder"}


@pytest.mark.prefect
def test_nightly_flow_crawls_accounts_for_every_url_and_rereads_raw(prefect_server, server, tmp_path, monkeypatch):
    """The flow end to end on the fault server: a fetches table, a balanced summary, nothing new on the second
    run, and --from-raw rebuilding the same articles from the WARC capture without the network."""
    import duckdb

    from flows.nightly import nightly

    for k, v in {"ALLOW_PRIVATE_ADDRESSES": "true", "TIMEOUT_SECONDS": "1", "MAX_RETRIES": "1",
                 "BACKOFF_BASE": "0.05", "PER_HOST_DELAY": "0", "MAX_BYTES": str(MAX_BYTES),
                 "RETRY_AFTER_MAX": "2"}.items():
        monkeypatch.setenv(f"NEWSEVENTS_{k}", v)
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - name: faulty\n    kind: home\n    url: {server.base}/\n    tier: 1\n")
    wh = tmp_path / "wh"
    s1 = nightly(sources_file=str(sources), warehouse=str(wh), run_date="2026-11-20")
    assert s1["published"] and s1["balanced"]
    assert s1["outcomes"]["fetched"] == 6 and s1["outcomes"]["robots_disallowed"] == 1
    assert s1["discovered"] == sum(s1["outcomes"].values()) == len(ARTICLES) + 1  # + a1's duplicate listing
    assert s1["retrieved"] == s1["articles"] + s1["duplicates"] + len(s1["rejected"])
    con = duckdb.connect(str(wh / "newsevents.duckdb"), read_only=True)
    rows = dict(con.sql("SELECT outcome, count(*) FROM fetches WHERE role = 'article' GROUP BY 1").fetchall())
    assert rows["timeout"] == 1 and rows["redirect_loop"] == 1 and rows["wrong_type"] == 3
    kept = con.sql("SELECT count(*) FROM fetches WHERE outcome = 'fetched' AND warc_path IS NOT NULL").fetchall()
    assert kept[0][0] >= 6 + 4  # articles + home, feed, sitemaps, robots
    arts1 = sorted(r[0] for r in con.sql("SELECT article_id FROM articles").fetchall())
    con.close()
    assert len(arts1) == 6

    same = nightly(sources_file=str(sources), warehouse=str(wh), run_date="2026-11-20")  # rerun of the same date
    assert same["outcomes"].get("resumed") == 6  # reproduced from raw, not skipped
    assert same["articles"] + same["duplicates"] == s1["articles"] + s1["duplicates"] == 6

    s2 = nightly(sources_file=str(sources), warehouse=str(wh), run_date="2026-11-21")
    assert s2["retrieved"] == 0 and s2["articles"] == 0 and s2["balanced"]
    assert s2["outcomes"]["skipped_known"] == len(ARTICLES) - 2  # all but slow and reset (transient failures)

    server.shutdown()  # no network from here on
    s3 = nightly(warehouse=str(wh), run_date="2026-11-22", from_raw=True)
    assert s3["published"] and s3["outcomes"] == {"read": 6}
    con = duckdb.connect(str(wh / "newsevents.duckdb"), read_only=True)
    arts3 = sorted(r[0] for r in con.sql(
        "SELECT article_id FROM read_parquet($p)", params={"p": str(wh / "current/articles/date=2026-11-22/*.parquet")}).fetchall())
    con.close()
    assert arts3 == arts1
