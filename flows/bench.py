"""Benchmarks (``newsevents bench ...``): measured throughput and peak memory, never timed tests.

``crawl``: a local HTTP server (a separate process, so it does not share the crawler's GIL) serves N
synthetic article pages listed by a sitemap; the crawler fetches them all into a fresh ledger and WARC file.
Reports pages/s, MB/s and the crawler process's peak RSS.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import resource
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_COUNTRIES = [("Iraqi", "Baghdad", "Iraq"), ("Syrian", "Damascus", "Syria"), ("Kenyan", "Nairobi", "Kenya"),
              ("Nigerian", "Abuja", "Nigeria"), ("Ukrainian", "Kyiv", "Ukraine"), ("Sudanese", "Khartoum", "Sudan"),
              ("Malian", "Bamako", "Mali"), ("Yemeni", "Sanaa", "Yemen"), ("Turkish", "Ankara", "Turkey"),
              ("Egyptian", "Cairo", "Egypt")]
_GROUPS = ["ISIS", "al-Shabaab", "Boko Haram", "the Houthis", "the RSF", "JNIM", "M23 rebels", "Hezbollah"]
_TEMPLATES = [
    "{adj} forces launched an offensive against {group} near {city} on {day}, killing at least {n} fighters.",
    "Police in {city} arrested {n} protesters after demonstrations against rising prices, officials said.",
    "The {adj} foreign minister met his counterpart in {city} to discuss a ceasefire and the release of prisoners.",
    "{group} claimed responsibility for a drone attack on a military base outside {city} that wounded {n} soldiers.",
    "The government of {country} accused {group} of shelling residential areas, a charge the group denied.",
    "Aid agencies warned that {n} thousand people had fled the fighting around {city} since the start of the month.",
    "The United Nations called on all parties in {country} to respect international humanitarian law.",
    "Residents described heavy gunfire and explosions in the eastern districts of {city} late on {day}.",
    "Analysts said the talks in {city} were unlikely to produce an agreement before the end of the year.",
    "{adj} officials said they would impose sanctions on companies that finance {group}.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_CHROME = ("<header><nav><a href='/'>Home</a> | <a href='/world'>World</a> | <a href='/politics'>Politics</a> | "
           "<a href='/business'>Business</a></nav><div class='cookie'>We use cookies to improve your experience. "
           "Accept all cookies</div></header>")
_FOOTER = ("<aside><h3>Most read</h3><ul><li><a href='/x1'>Markets rally as inflation cools</a></li><li><a href='/x2'>"
           "Storm warning for the coast</a></li></ul></aside><div class='newsletter'>Sign up for our daily briefing"
           "</div><footer>(c) The Bench Herald. All rights reserved. Privacy | Terms | Contact</footer>")


def synthetic_page(i: int, words: tuple[int, int] = (300, 900)) -> str:
    """A realistic article page (300-900 words of conflict/politics news in several paragraphs, with site
    chrome), deterministic in ``i``."""
    rng = random.Random(i)
    adj, city, country = rng.choice(_COUNTRIES)
    target = rng.randint(*words)
    paras, n = [], 0
    while n < target:
        sents = []
        for _ in range(rng.randint(2, 5)):
            a2, c2, k2 = rng.choice(_COUNTRIES) if rng.random() < 0.3 else (adj, city, country)
            s = rng.choice(_TEMPLATES).format(adj=a2, city=c2, country=k2, group=rng.choice(_GROUPS),
                                              n=rng.randint(2, 40), day=rng.choice(_DAYS))
            sents.append(s)
            n += len(s.split())
        paras.append("<p>" + " ".join(sents) + "</p>")
    title = f"{adj} forces and {rng.choice(_GROUPS)}: fighting near {city} (report {i})"
    day = 1 + i % 28
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title} | The Bench Herald</title>"
            f"<link rel='canonical' href='https://bench.example/news/2026/11/{day:02d}/story-{i}.html'>"
            f"<meta property='article:published_time' content='2026-11-{day:02d}T08:00:00Z'></head><body>{_CHROME}"
            f"<main><article><h1>{title}</h1><p class='byline'>By Staff Reporter</p>{''.join(paras)}</article>"
            f"</main>{_FOOTER}</body></html>")


class _BenchHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    pages = 0

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        host = self.headers.get("Host")
        if self.path == "/robots.txt":
            body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
        elif self.path == "/sitemap.xml":
            locs = "".join(f"<url><loc>http://{host}/story-{i}.html</loc></url>" for i in range(self.pages))
            body = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}'
                    f'</urlset>').encode()
            ctype = "application/xml"
        elif self.path.startswith("/story-"):
            body, ctype = synthetic_page(int(self.path[7:].split(".")[0])).encode(), "text/html; charset=utf-8"
        else:
            body, ctype = b"not found", "text/plain"
        self.send_response(200 if not body.startswith(b"not found") else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve(pages: int, port_q: Any) -> None:
    _BenchHandler.pages = pages
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _BenchHandler)
    srv.daemon_threads = True
    port_q.put(srv.server_address[1])
    srv.serve_forever()


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_crawl(pages: int, concurrency: int = 32, per_host_concurrency: int = 16) -> dict[str, Any]:
    """Crawl ``pages`` synthetic pages from a local server (no per-host delay). See module doc."""
    from flows.crawl import crawl  # noqa: PLC0415
    from flows.ledger import Ledger  # noqa: PLC0415
    from flows.settings import Settings  # noqa: PLC0415
    from flows.sources import SourceSpec  # noqa: PLC0415
    from flows.warc import WarcSink  # noqa: PLC0415

    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=_serve, args=(pages, q), daemon=True)
    proc.start()
    port = q.get(timeout=60)
    rss0 = peak_rss_mb()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(allow_private_addresses=True, per_host_delay=0, concurrency=concurrency,
                                per_host_concurrency=per_host_concurrency, timeout_seconds=60)
            t0 = time.perf_counter()
            with Ledger(Path(tmp) / "ledger.duckdb") as ledger:
                items, fetches = crawl([SourceSpec(name="bench", kind="sitemap", url=f"http://127.0.0.1:{port}/sitemap.xml")],
                                       settings, ledger, WarcSink(Path(tmp) / "raw", "2026-11-23", "bench"),
                                       "2026-11-23", "bench")
            secs = time.perf_counter() - t0
            nbytes = sum(f.bytes for f in fetches if f.role == "article")
            warc_mb = sum(p.stat().st_size for p in (Path(tmp) / "raw").rglob("*.warc.gz")) / 2**20
    finally:
        proc.terminate()
    ok = sum(1 for f in fetches if f.role == "article" and f.outcome == "fetched")
    return {"pages": pages, "fetched": ok, "seconds": round(secs, 2), "pages_per_s": round(ok / secs, 1),
            "mb_per_s": round(nbytes / 2**20 / secs, 2), "warc_mb": round(warc_mb, 1),
            "concurrency": concurrency, "per_host_concurrency": per_host_concurrency,
            "peak_rss_mb": round(peak_rss_mb(), 1), "rss_before_mb": round(rss0, 1), "items": len(items)}


def synthetic_tables(n_events: int, seed: int = 1) -> dict[str, Any]:
    """Schema-valid tables with ``n_events`` events (one article per 20 events, 500 actors, 300 places)."""
    from datetime import date, timedelta  # noqa: PLC0415

    from schemas.codes import EVENT_TYPES, cameo_root, intensity, quad_class  # noqa: PLC0415
    from transforms.tables import to_table  # noqa: PLC0415

    rng = random.Random(seed)
    n_art = max(1, n_events // 20)
    arts, texts = [], {}
    for i in range(n_art):
        text = f"Sentence {i} about an attack. " * 20
        texts[f"a{i}"] = text
        arts.append({"article_id": f"a{i}", "url": f"https://bench.example/{i}", "source": "bench", "title": f"T{i}",
                     "text": text, "language": "en", "published_date": date(2026, 11, 1) + timedelta(days=i % 20),
                     "word_count": 120, "coded": True})
    isos = ["IRQ", "SYR", "SDN", "KEN", "UKR", "RUS", "NGA", "MLI", "YEM", "COD"]
    actors = [{"actor_id": f"x{i}", "name": f"Actor {i}", "kind": "state", "country_code": isos[i % 10],
               "sector": ["GOV", "MIL", "COP", "REB", "CVL"][i % 5], "aliases": [f"A{i}"]} for i in range(500)]
    locs = [{"location_id": f"l{i}", "name": f"Place {i}", "country_code": isos[i % 10],
             "latitude": rng.uniform(-40, 60), "longitude": rng.uniform(-20, 120), "feature_kind": "city",
             "precision": "point"} for i in range(300)]
    types = list(EVENT_TYPES)
    events = []
    for i in range(n_events):
        t = types[i % len(types)]
        a = f"a{i % n_art}"
        events.append({"event_id": f"e{i}", "article_id": a, "sentence_index": 0, "event_type": t, "event_mode": None,
                       "cameo_root": cameo_root(t, None), "quad_class": quad_class(t), "intensity": intensity(t, None),
                       "source_actor_id": f"x{rng.randrange(500)}", "target_actor_id": f"x{rng.randrange(500)}",
                       "location_id": f"l{rng.randrange(300)}", "event_date": date(2026, 10, 1) + timedelta(days=i % 30),
                       "date_precision": "day", "date_source": "text", "fatalities": rng.choice([None, 0, 1, 5]),
                       "modality": "asserted", "confidence": 0.8, "evidence": texts[a][:30]})
    mentions = [{"article_id": f"a{i % n_art}", "actor_id": f"x{i % 500}", "mention": "A", "sentence_index": 0,
                 "start_char": i, "end_char": i + 1} for i in range(n_events)]
    return {"articles": to_table("articles", arts), "actors": to_table("actors", actors),
            "locations": to_table("locations", locs), "events": to_table("events", events),
            "actor_mentions": to_table("actor_mentions", mentions), "location_mentions": to_table("location_mentions", []),
            "fetches": to_table("fetches", [])}


def bench_publish(n_events: int) -> dict[str, Any]:
    """Seconds to validate (GX, all suites, row-level results) and publish (snapshot + views) ``n_events``."""
    from flows.publish import publish_run  # noqa: PLC0415
    from flows.validate import validate_tables  # noqa: PLC0415

    tables = synthetic_tables(n_events)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        report = validate_tables(tables, "2026-11-23", Path(tmp) / "docs")
        t1 = time.perf_counter()
        publish_run(Path(tmp) / "wh", "2026-11-23", tables)
        t2 = time.perf_counter()
    return {"events": n_events, "rows_total": sum(t.num_rows for t in tables.values()),
            "valid": report.success, "validate_seconds": round(t1 - t0, 2), "publish_seconds": round(t2 - t1, 2),
            "peak_rss_mb": round(peak_rss_mb(), 1)}
