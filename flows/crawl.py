"""The crawler: discover article URLs from web sources and fetch them politely, robustly and safely.

- Discovery: RSS/Atom feeds (feedparser), XML sitemaps and sitemap indexes incl. Google News sitemaps (lxml),
  home pages (trafilatura's feed finder + the Sitemap lines of robots.txt), URL lists, single pages. A page
  source whose response turns out to be a feed or a sitemap is treated as one.
- Fetching (aiohttp): global and per-host concurrency limits, a per-host delay (or the robots.txt
  Crawl-delay when longer), robots.txt obeyed and cached per host (RFC 9309: 4xx = allow all,
  5xx/unreachable = disallow all), connect and total timeouts, retries with exponential backoff and jitter on
  timeouts, connection errors, 429 and 5xx (honouring Retry-After), none on other 4xx; body size enforced
  while streaming, a decompression-bomb guard, a redirect limit with loop detection, content types checked
  from headers and sniffed from the first bytes.
- Security: every host is resolved first and refused when any address is loopback, private, link-local,
  multicast, reserved or unspecified (literal IPs too) unless ``allow_private_addresses`` is set.
- Incremental: the ledger (``flows.ledger``) skips known articles, resumes pages fetched by an unfinished run
  from their raw record, and revisits feeds/sitemaps with conditional GETs.
- Raw capture: responses are appended to a WARC file (``flows.warc``).

Every URL seen gets one ``fetches`` row with an outcome (see ``schemas.codes.FETCH_OUTCOMES``).
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import random
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import aiohttp
import feedparser
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from lxml import etree

from flows.ledger import Known, Ledger
from flows.settings import Settings
from flows.sources import Item, SourceSpec, canonical, url_list
from flows.warc import HTML_TYPES, BodyTooLarge, WarcSink, decode_body, inflate, read_record

log = logging.getLogger(__name__)

_XML_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml",
              "application/x-rss+xml", "text/plain", "application/feed+json")
_MAGIC = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"GIF8": "image/gif", b"\xff\xd8\xff": "image/jpeg",
          b"PK\x03\x04": "application/zip", b"RIFF": "image/webp", b"\x1f\x8b": "application/gzip"}
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
_REDIRECTS = (301, 302, 303, 307, 308)


def fetch_id(run_date: str, source: str, url: str, role: str) -> str:
    return hashlib.sha1(f"{run_date}|{source}|{role}|{url}".encode()).hexdigest()[:20]


def blocked_ip(ip: str) -> bool:
    """True for addresses a crawler must not reach on its own: loopback, private, link-local, multicast,
    reserved, unspecified (IPv4-mapped IPv6 checked as IPv4)."""
    addr = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast or addr.is_reserved
            or addr.is_unspecified)


_PERMANENT = {"wrong_type", "too_large", "redirect_loop", "too_many_redirects", "robots_disallowed",
              "blocked_address", "invalid_url", "bad_encoding"}


def permanent_failure(outcome: str, status: int | None) -> bool:
    """Failures a later run should not retry: 4xx other than 408/429, and content the crawler refuses."""
    if outcome == "http_error":
        return status is not None and 400 <= status < 500 and status not in (408, 429)
    return outcome in _PERMANENT


class BlockedAddress(OSError):
    """The host resolves to an address the crawler refuses."""


class GuardedResolver(AbstractResolver):
    """DNS resolution that refuses blocked addresses, so the check applies to the address actually dialled."""

    def __init__(self, allow_private: bool) -> None:
        self._inner = ThreadedResolver()
        self._allow = allow_private

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        hosts = await self._inner.resolve(host, port, family)
        if not self._allow:
            bad = [h["host"] for h in hosts if blocked_ip(h["host"])]
            if bad:
                raise BlockedAddress(f"{host} resolves to blocked address {bad[0]}")
        return hosts

    async def close(self) -> None:
        await self._inner.close()


@dataclass
class Fetch:
    """One URL seen by the crawler and what became of it (a ``fetches`` row plus the decoded body)."""

    source: str
    tier: int
    role: str  # article | feed | sitemap | home | robots | page
    url: str
    canonical_url: str
    outcome: str = "fetched"
    detail: str | None = None
    status: int | None = None
    final_url: str | None = None
    attempts: int = 0
    bytes: int = 0
    elapsed_ms: int = 0
    content_type: str | None = None
    charset: str | None = None
    content_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    warc_ref: str | None = None
    fetched_at: datetime | None = None
    discovered_from: str | None = None
    text: str | None = field(default=None, repr=False)

    def row(self, run_date: str, run_id: str) -> dict[str, Any]:
        path, _, off = (self.warc_ref or "").rpartition("#")
        return {"fetch_id": fetch_id(run_date, self.source, self.url, self.role), "run_id": run_id,
                "source": self.source, "tier": self.tier, "role": self.role, "url": self.url,
                "canonical_url": self.canonical_url, "final_url": self.final_url, "discovered_from": self.discovered_from,
                "outcome": self.outcome, "detail": self.detail, "status": self.status, "attempts": self.attempts,
                "bytes": self.bytes, "elapsed_ms": self.elapsed_ms, "content_type": self.content_type,
                "charset": self.charset, "content_hash": self.content_hash, "etag": self.etag,
                "last_modified": self.last_modified, "warc_path": path or None,
                "warc_offset": int(off) if off else None, "fetched_at": self.fetched_at}


class _Stop(Exception):  # noqa: N818 - control flow: a final outcome
    def __init__(self, outcome: str, detail: str | None = None, status: int | None = None) -> None:
        super().__init__(outcome)
        self.outcome, self.detail, self.status = outcome, detail, status


class _Retry(Exception):  # noqa: N818 - control flow: a retryable failure
    def __init__(self, outcome: str, detail: str | None = None, status: int | None = None,
                 retry_after: float | None = None, resp: _Response | None = None) -> None:
        super().__init__(outcome)
        self.outcome, self.detail, self.status, self.retry_after = outcome, detail, status, retry_after
        self.resp = resp  # the last response (429/5xx), kept when retries run out


@dataclass
class _Response:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    raw: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


class _Host:
    def __init__(self, concurrency: int, delay: float) -> None:
        self.sem = asyncio.Semaphore(concurrency)
        self.delay = delay
        self.next_at = 0.0
        self.robots: RobotFileParser | None = None
        self.robots_state: str | None = None  # None (not fetched) | ok | allow_all | disallow_all
        self.robots_lock = asyncio.Lock()

    async def turn(self) -> None:
        """Wait for this host's next slot (per-host delay)."""
        now = time.monotonic()
        wait = self.next_at - now
        self.next_at = max(now, self.next_at) + self.delay
        if wait > 0:
            await asyncio.sleep(wait)


def _retry_after(value: str | None, cap: float) -> float | None:
    if not value:
        return None
    try:
        secs = float(value)
    except ValueError:
        try:
            secs = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError):
            return None
    return max(0.0, min(secs, cap))


def _sniff(body: bytes) -> str | None:
    head = body[:8]
    return next((t for magic, t in _MAGIC.items() if head.startswith(magic)), None)


def _looks_xml(text: str) -> str | None:
    """'feed', 'sitemap' or None, from the document's root element."""
    head = text.lstrip()[:2000].lower()
    if "<urlset" in head or "<sitemapindex" in head:
        return "sitemap"
    if "<rss" in head or "<feed" in head or "<rdf:rdf" in head:
        return "feed"
    return None


def parse_sitemap(text: str) -> tuple[list[str], list[str], dict[str, str]]:
    """(page URLs, child sitemap URLs, page URL -> Google News publication date) of a sitemap document;
    plain-text sitemaps (one URL per line) are accepted too."""
    body = text.lstrip()
    if not body.startswith("<"):
        return [ln.strip() for ln in body.splitlines() if ln.strip().startswith("http")], [], {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return [], [], {}
    if root is None:
        return [], [], {}
    pages, children, dates = [], [], {}
    is_index = etree.QName(root).localname == "sitemapindex"
    for el in root:
        if not isinstance(el.tag, str):
            continue
        loc = el.findtext(f"{_SITEMAP_NS}loc") or el.findtext("loc")
        if not loc or not loc.strip().startswith("http"):
            continue
        loc = loc.strip()
        if is_index:
            children.append(loc)
        else:
            pages.append(loc)
            d = el.findtext(f"{_NEWS_NS}news/{_NEWS_NS}publication_date")
            if d:
                dates[loc] = d.strip()
    return pages, children, dates


class Crawler:
    """One crawl: an aiohttp session, per-host state, the WARC sink and the ledger. ``run()`` does it all."""

    def __init__(self, settings: Settings, ledger: Ledger, sink: WarcSink, run_date: str, run_id: str) -> None:
        self.s = settings
        self.ledger = ledger
        self.sink = sink
        self.run_date = run_date
        self.run_id = run_id
        self.hosts: dict[str, _Host] = {}
        self.fetches: list[Fetch] = []
        self.items: list[Item] = []
        self.seen: set[tuple[str, str]] = set()  # (role class, canonical url) seen this run
        self.session: aiohttp.ClientSession | None = None
        self.global_sem: asyncio.Semaphore | None = None

    # ---------------------------------------------------------------- plumbing
    def _host(self, url: str, spec: SourceSpec | None = None) -> _Host:
        key = urlsplit(url).netloc.lower()
        if key not in self.hosts:
            delay = spec.per_host_delay if spec and spec.per_host_delay is not None else self.s.per_host_delay
            self.hosts[key] = _Host(self.s.per_host_concurrency, delay)
        return self.hosts[key]

    async def _request(self, url: str, spec: SourceSpec | None, expect: str, cond: dict[str, str]) -> _Response:
        assert self.session is not None and self.global_sem is not None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Stop("invalid_url", f"unsupported URL {url!r}")
        try:
            if not self.s.allow_private_addresses and blocked_ip(parts.hostname):
                raise _Stop("blocked_address", f"{parts.hostname} is a blocked address")
        except ValueError:
            pass  # not a literal IP: the resolver checks it
        host = self._host(url, spec)
        headers = {"Accept-Encoding": "gzip, deflate", **cond,
                   "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5" if expect == "html"
                   else "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"}
        async with self.global_sem, host.sem:
            await host.turn()
            try:
                async with self.session.get(url, allow_redirects=False, headers=headers) as resp:
                    hdrs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.raw_headers]
                    status = resp.status
                    if status == 200:
                        ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                        if ctype and not self._acceptable(ctype, expect):
                            raise _Stop("wrong_type", ctype, status)
                    clen = resp.headers.get("Content-Length")
                    if clen and clen.isdigit() and int(clen) > self.s.max_bytes:
                        raise _Stop("too_large", f"Content-Length {clen} > {self.s.max_bytes}", status)
                    buf = bytearray()
                    async for chunk in resp.content.iter_chunked(65536):
                        buf += chunk
                        if len(buf) > self.s.max_bytes:
                            raise _Stop("too_large", f"body over {self.s.max_bytes} bytes", status)
                    return _Response(status, resp.reason or "", hdrs, bytes(buf))
            except _Stop:
                raise
            except TimeoutError as e:
                raise _Retry("timeout", f"no complete response within {self.s.timeout_seconds}s") from e
            except aiohttp.ClientConnectorError as e:
                if isinstance(e.os_error, BlockedAddress) or isinstance(e.__cause__, BlockedAddress):
                    raise _Stop("blocked_address", str(e.os_error)) from e
                if isinstance(e, aiohttp.ClientConnectorDNSError):
                    raise _Stop("dns_error", str(e.os_error)[:200]) from e
                raise _Retry("connection_error", f"{type(e).__name__}: {e}"[:200]) from e
            except BlockedAddress as e:
                raise _Stop("blocked_address", str(e)) from e
            except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError, aiohttp.ClientOSError,
                    ConnectionError) as e:
                raise _Retry("connection_error", f"{type(e).__name__}: {e}"[:200]) from e
            except aiohttp.ClientError as e:
                raise _Stop("http_error", f"{type(e).__name__}: {e}"[:200]) from e

    @staticmethod
    def _acceptable(ctype: str, expect: str) -> bool:
        if ctype in HTML_TYPES:
            return True
        if expect == "xml" or expect == "any":
            return ctype in _XML_TYPES or ctype.endswith("+xml") or ctype.endswith("/xml")
        return False

    async def _get(self, url: str, spec: SourceSpec | None, expect: str, cond: dict[str, str], f: Fetch) -> _Response:
        """One hop with retries (timeouts, connection errors, 429, 5xx)."""
        last: _Retry | None = None
        for attempt in range(1, self.s.max_retries + 2):
            f.attempts += 1
            try:
                resp = await self._request(url, spec, expect, cond)
                if resp.status == 429 or resp.status >= 500:
                    raise _Retry("http_error", f"HTTP {resp.status}", resp.status,
                                 _retry_after(resp.header("Retry-After"), self.s.retry_after_max), resp)
                return resp
            except _Retry as r:
                last = r
                if attempt > self.s.max_retries:
                    break
                delay = r.retry_after if r.retry_after is not None else min(
                    self.s.backoff_max, self.s.backoff_base * 2 ** (attempt - 1))
                await asyncio.sleep(delay * (1 + random.uniform(0, 0.25)))  # noqa: S311 - jitter, not crypto
        assert last is not None
        if last.resp is not None:
            return last.resp  # a final 429/5xx: recorded as http_error and kept
        raise _Stop(last.outcome, f"{last.detail} after {f.attempts} attempts", last.status)

    async def _robots(self, url: str, spec: SourceSpec | None) -> tuple[bool, str | None]:
        """(allowed, reason) for ``url`` under its host's robots.txt (fetched once per host per run)."""
        if not self.s.obey_robots:
            return True, None
        host = self._host(url, spec)
        async with host.robots_lock:
            if host.robots_state is None:
                p = urlsplit(url)
                robots_url = f"{p.scheme}://{p.netloc}/robots.txt"
                f = await self.fetch(robots_url, "robots", spec, expect="any", check_robots=False)
                if f.outcome == "fetched" and f.status == 200:
                    rp = RobotFileParser()
                    rp.parse((f.text or "").splitlines())
                    host.robots, host.robots_state = rp, "ok"
                    delay = rp.crawl_delay(self.s.user_agent)
                    if delay:
                        host.delay = max(host.delay, min(float(delay), self.s.max_crawl_delay))
                elif f.status is not None and 400 <= f.status < 500 and f.status != 429:
                    host.robots_state = "allow_all"
                elif f.outcome in ("blocked_address", "invalid_url", "dns_error"):
                    host.robots_state = "allow_all"  # the page fetch reports the real problem
                else:
                    host.robots_state = "disallow_all"
        if host.robots_state == "disallow_all":
            return False, "robots.txt unavailable (RFC 9309: disallow all)"
        if host.robots_state == "ok" and host.robots is not None and not host.robots.can_fetch(self.s.user_agent, url):
            return False, "disallowed by robots.txt"
        return True, None

    # ---------------------------------------------------------------- one URL
    async def fetch(self, url: str, role: str, spec: SourceSpec | None, *, expect: str = "html",
                    cond: dict[str, str] | None = None, check_robots: bool = True,
                    discovered_from: str | None = None) -> Fetch:
        """Fetch one URL following redirects; records a Fetch (also returned). Never raises."""
        name, tier = (spec.name, spec.tier) if spec else ("robots", 0)
        f = Fetch(source=name, tier=tier, role=role, url=url, canonical_url=canonical(url),
                  discovered_from=discovered_from)
        t0 = time.perf_counter()
        f.fetched_at = datetime.now(UTC)
        try:
            cur, seen = url, {canonical(url)}
            for hop in range(self.s.max_redirects + 1):
                if check_robots:
                    ok, why = await self._robots(cur, spec)
                    if not ok:
                        raise _Stop("robots_disallowed", why)
                resp = await self._get(cur, spec, expect, (cond or {}) if hop == 0 else {}, f)
                f.status = resp.status
                if resp.status in _REDIRECTS and resp.header("Location"):
                    nxt = urljoin(cur, resp.header("Location") or "")
                    if canonical(nxt) in seen:
                        raise _Stop("redirect_loop", f"{cur} -> {nxt}", resp.status)
                    seen.add(canonical(nxt))
                    cur = nxt
                    continue
                break
            else:
                raise _Stop("too_many_redirects", f"more than {self.s.max_redirects} redirects", f.status)
            f.final_url = cur
            self._accept(resp, f, expect, spec)
        except _Stop as s:
            f.outcome, f.detail = s.outcome, s.detail
            f.status = s.status if s.status is not None else f.status
        except Exception as e:  # noqa: BLE001 - an unexpected failure is still an outcome, never a lost URL
            log.exception("fetch %s failed", url)
            f.outcome, f.detail = "error", f"{type(e).__name__}: {e}"[:200]
        f.elapsed_ms = int((time.perf_counter() - t0) * 1000)
        self.fetches.append(f)
        return f

    def _accept(self, resp: _Response, f: Fetch, expect: str, spec: SourceSpec | None) -> None:
        """Classify a final response; keep it raw; record validators and the decoded text."""
        f.bytes = len(resp.raw)
        f.content_type = (resp.header("Content-Type") or "").split(";")[0].strip().lower() or None
        f.etag, f.last_modified = resp.header("ETag"), resp.header("Last-Modified")
        if resp.status == 304:
            f.outcome = "not_modified"
            return
        if resp.status != 200:
            f.outcome, f.detail = "http_error", f"HTTP {resp.status} after {f.attempts} attempts"
            self._keep(resp, f, spec)
            return
        try:
            body = inflate(resp.raw, resp.header("Content-Encoding"), self.s.max_bytes)
        except BodyTooLarge as e:
            raise _Stop("too_large", f"decompression bomb: {e}", 200) from e
        except ValueError as e:
            raise _Stop("bad_encoding", str(e), 200) from e
        sniffed = _sniff(body)
        if sniffed:
            raise _Stop("wrong_type", f"{sniffed} (sniffed; declared {f.content_type})", 200)
        f.text, f.charset = decode_body(body, resp.header("Content-Type"))
        f.content_hash = hashlib.sha256(body).hexdigest()
        f.outcome = "fetched"
        self._keep(resp, f, spec)

    def _keep(self, resp: _Response, f: Fetch, spec: SourceSpec | None) -> None:
        path, off = self.sink.write(f.final_url or f.url, resp.status, resp.reason, resp.headers, resp.raw, f.role,
                                    spec.name if spec else "robots", f.fetched_at or datetime.now(UTC))
        f.warc_ref = f"{path}#{off}"

    def _remember(self, f: Fetch) -> None:
        """Ledger entry for a finished URL: kept responses, and permanent failures (not retried next run)."""
        if f.role == "robots":
            return
        ok = f.outcome in ("fetched", "not_modified", "unchanged", "resumed")
        if not ok and not permanent_failure(f.outcome, f.status):
            return  # transient (timeout, reset, 5xx, 429): the next run tries again
        self.ledger.record(canonical_url=f.canonical_url, url=f.final_url or f.url, source=f.source, role=f.role,
                           status=f.status, content_hash=f.content_hash, etag=f.etag,
                           last_modified=f.last_modified, warc_ref=f.warc_ref, run_id=self.run_id,
                           fetched_at=f.fetched_at or datetime.now(UTC), state="fetched" if ok else "failed")

    # ---------------------------------------------------------------- discovery
    async def _discovery_doc(self, url: str, role: str, spec: SourceSpec, parent: str | None) -> Fetch:
        """Fetch a feed/sitemap/home page with a conditional GET; on 304 reuse the kept copy."""
        known = self.ledger.get(canonical(url))
        cond = {}
        if known and known.etag:
            cond["If-None-Match"] = known.etag
        if known and known.last_modified:
            cond["If-Modified-Since"] = known.last_modified
        f = await self.fetch(url, role, spec, expect="xml" if role in ("feed", "sitemap") else "any",
                             cond=cond, discovered_from=parent)
        if f.outcome == "not_modified" and known and known.warc_ref:
            try:
                f.text = read_record(known.warc_ref, self.s.max_bytes).text()
                f.warc_ref = known.warc_ref
            except Exception:  # noqa: BLE001 - no kept copy: nothing new to discover, which is what 304 says
                f.text = None
        self._remember(f)
        return f

    async def _links(self, spec: SourceSpec) -> list[tuple[str, str | None]]:
        """(article URL, discovered from) of one web source."""
        out: list[tuple[str, str | None]] = []
        if spec.kind == "urls":
            urls = url_list(spec)
            if spec.url:
                f = await self._discovery_doc(spec.url, "urllist", spec, None)
                urls += [ln.strip() for ln in (f.text or "").splitlines() if ln.strip().startswith("http")]
            return [(u, spec.url or spec.path) for u in urls]
        queue: list[tuple[str, str, str | None, int]] = [(spec.url or "", spec.kind, None, 0)]
        visited: set[str] = set()
        while queue:
            url, kind, parent, depth = queue.pop(0)
            if canonical(url) in visited or len(visited) >= self.s.max_sitemaps:
                continue
            visited.add(canonical(url))
            role = {"feed": "feed", "sitemap": "sitemap", "home": "home"}.get(kind, "page")
            if role == "page":
                f = await self.fetch(url, "page", spec, expect="any", discovered_from=parent)
                if f.outcome != "fetched":
                    continue
                doc = _looks_xml(f.text or "")
                if doc is None:  # an article page itself
                    self._emit_article(f, spec)
                    continue
                f.role = doc
                self._remember(f)
            else:
                f = await self._discovery_doc(url, role, spec, parent)
                if not f.text:
                    continue
                doc = _looks_xml(f.text) or role
            base = f.final_url or url
            if doc == "feed":
                parsed = feedparser.parse(f.text)
                out += [(urljoin(base, e["link"]), url) for e in parsed.entries if e.get("link")]
            elif doc == "sitemap":
                pages, children, _dates = parse_sitemap(f.text or "")
                out += [(p, url) for p in pages]
                if depth < 3:
                    queue += [(c, "sitemap", url, depth + 1) for c in children]
            elif doc == "home":
                from trafilatura.feeds import FeedParameters, determine_feed  # noqa: PLC0415

                p = urlsplit(base)
                feeds = determine_feed(f.text or "", FeedParameters(f"{p.scheme}://{p.netloc}", p.hostname or "", base))
                queue += [(u, "feed", url, depth + 1) for u in feeds]
                host = self._host(base, spec)
                maps = host.robots.site_maps() if host.robots is not None else None
                queue += [(u, "sitemap", url, depth + 1) for u in (maps or [])]
                if not feeds and not maps:
                    queue.append((f"{p.scheme}://{p.netloc}/sitemap.xml", "sitemap", url, depth + 1))
        return out

    def _emit_article(self, f: Fetch, spec: SourceSpec) -> None:
        self._remember(f)
        self.items.append(Item(spec.name, "warc", canonical(f.final_url or f.url), raw_ref=f.warc_ref, captured=f.fetched_at,
                               language=spec.language, fetch_id=fetch_id(self.run_date, f.source, f.url, f.role)))

    def _resume(self, url: str, parent: str | None, spec: SourceSpec, known: Known, detail: str) -> None:
        """An article taken from its kept raw record instead of the network (outcome ``resumed``)."""
        f = Fetch(spec.name, spec.tier, "article", url, canonical(url), outcome="resumed", detail=detail,
                  warc_ref=known.warc_ref, content_hash=known.content_hash, etag=known.etag,
                  last_modified=known.last_modified, fetched_at=datetime.now(UTC), discovered_from=parent)
        self.fetches.append(f)
        self._emit_article(f, spec)

    async def _article(self, url: str, parent: str | None, spec: SourceSpec, known: Known | None) -> None:
        """Fetch (or skip, or resume) one discovered article URL (``known``: its ledger entry)."""
        same_date = bool(known and known.run_id and known.run_id.startswith(f"{self.run_date}-"))
        if known and known.warc_ref and known.state == "published" and same_date:
            # rerunning a date reproduces it: pages that date already published are re-read from their raw record
            self._resume(url, parent, spec, known, "rerun of this date: re-read from its raw record")
            return
        if known and known.warc_ref and known.state == "fetched" and known.run_id != self.run_id:
            self._resume(url, parent, spec, known, f"fetched by unfinished run {known.run_id}")
            return
        if known and (not spec.revisit or known.state == "failed"):
            detail = ("failed permanently in an earlier run" if known.state == "failed"
                      else "already in the fetch ledger")
            self.fetches.append(Fetch(spec.name, spec.tier, "article", url, canonical(url), outcome="skipped_known",
                                      detail=detail, discovered_from=parent, content_hash=known.content_hash))
            return
        cond = {}
        if known and known.etag:
            cond["If-None-Match"] = known.etag
        if known and known.last_modified:
            cond["If-Modified-Since"] = known.last_modified
        f = await self.fetch(url, "article", spec, cond=cond, discovered_from=parent)
        if f.outcome == "fetched" and known and known.content_hash == f.content_hash:
            f.outcome, f.detail = "unchanged", "same content hash as the ledger"
            self._remember(f)
            return
        if f.outcome == "fetched":
            self._emit_article(f, spec)
        else:
            self._remember(f)

    async def _source(self, spec: SourceSpec) -> None:
        try:
            links = await self._links(spec)
        except Exception as e:  # noqa: BLE001 - a broken source is a recorded outcome
            log.exception("source %s failed", spec.name)
            self.fetches.append(Fetch(spec.name, spec.tier, "page", spec.location, spec.location, outcome="error",
                                      detail=f"{type(e).__name__}: {e}"[:200]))
            return
        todo, fresh = [], 0
        ledger = self.ledger.get_many([canonical(u) for u, _ in links])
        for url, parent in links:
            key = ("article", canonical(url))
            if key in self.seen:
                self.fetches.append(Fetch(spec.name, spec.tier, "article", url, key[1], outcome="duplicate_url",
                                          detail="seen earlier in this run", discovered_from=parent))
                continue
            self.seen.add(key)
            known = ledger.get(key[1])
            new = known is None or spec.revisit
            if new and spec.max_articles is not None and fresh >= spec.max_articles:
                self.fetches.append(Fetch(spec.name, spec.tier, "article", url, key[1], outcome="over_limit",
                                          detail=f"max_articles={spec.max_articles}; left for the next run",
                                          discovered_from=parent))
                continue
            fresh += new
            todo.append(self._article(url, parent, spec, known))
        await asyncio.gather(*todo)

    async def run(self, specs: list[SourceSpec]) -> None:
        timeout = aiohttp.ClientTimeout(total=self.s.timeout_seconds, sock_connect=self.s.connect_timeout_seconds)
        connector = aiohttp.TCPConnector(resolver=GuardedResolver(self.s.allow_private_addresses),
                                         limit=self.s.concurrency, ttl_dns_cache=300)
        self.global_sem = asyncio.Semaphore(self.s.concurrency)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout, auto_decompress=False,
                                         headers={"User-Agent": self.s.user_agent}) as session:
            self.session = session
            await asyncio.gather(*(self._source(s) for s in specs))
        self.session = None


def crawl(specs: list[SourceSpec], settings: Settings, ledger: Ledger, sink: WarcSink, run_date: str,
          run_id: str) -> tuple[list[Item], list[Fetch]]:
    """Crawl the web sources; returns (article items to load from the raw records, every Fetch)."""
    c = Crawler(settings, ledger, sink, run_date, run_id)
    try:
        asyncio.get_running_loop()
        running = True
    except RuntimeError:
        running = False
    if running:  # called from inside an event loop: crawl on a fresh loop in a worker thread
        import concurrent.futures  # noqa: PLC0415

        with concurrent.futures.ThreadPoolExecutor(1) as ex:
            ex.submit(asyncio.run, c.run(specs)).result()
    else:
        asyncio.run(c.run(specs))
    sink.close()
    return c.items, c.fetches
