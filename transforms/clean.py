"""HTML page -> cleaned article record: body text (trafilatura, comments excluded), metadata with the
provenance of the publication date, language and a content fingerprint. Pure: no network, no I/O.

The publication date is taken, in order, from ``article:published_time``-style meta tags, JSON-LD of an
article type (``datePublished``), ``<time datetime>``/``itemprop=datePublished``, trafilatura's htmldate
guess, and a date in the URL path; ``published_source`` says which one won. The URL is the page's own
canonical URL (``<link rel=canonical>``, ``og:url``, JSON-LD ``url``); the caller's URL only when the page
declares none.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

import lxml.html
import py3langid
import trafilatura
from trafilatura.deduplication import Simhash
from trafilatura.settings import use_config

log = logging.getLogger(__name__)

ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "backgroundnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
    "webpage", "report", "scholarlyarticle", "techarticle",
}
_DATE_METAS = (
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("property", "og:article:published_time"),
    ("itemprop", "datePublished"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "publish-date"),
    ("name", "parsely-pub-date"),
    ("name", "sailthru.date"),
    ("name", "dc.date.issued"),
    ("name", "DC.date.issued"),
    ("name", "date"),
    ("property", "article:published"),
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|-|\b)")
_URL_DATE_COMPACT = re.compile(r"[/-]((?:19|20)\d{2})(0[1-9]|1[0-2])([0-2]\d|3[01])(?:[/-]|\b)")
_TITLE_SUFFIX = re.compile(r"\s+[|\-–—:]\s+[^|\-–—:]{2,60}$")

_CONFIG = use_config()
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")


@dataclass
class CleanedArticle:
    """A cleaned page. ``text`` is None when no article body could be extracted."""

    url: str | None
    title: str | None
    text: str | None
    published_at: datetime | None  # UTC instant
    published_date: date | None  # the date as the page states it (its own time zone)
    published_source: str | None
    language: str | None
    sitename: str | None
    author: str | None
    fingerprint: str | None
    word_count: int

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for DataFrames)."""
        return asdict(self)


def parse_datetime(value: str | None) -> tuple[datetime | None, date | None]:
    """ISO-8601-ish string -> (UTC instant or None, local date or None). Date-only values give a
    midnight-UTC instant and that date."""
    if not value:
        return None, None
    s = value.strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", s)
    if not m:
        m2 = re.match(r"^(\d{4})(\d{2})(\d{2})$", s)
        if not m2:
            return None, None
        m = m2
    try:
        local = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None, None
    iso = s.replace("Z", "+00:00")
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        dt = datetime(local.year, local.month, local.day)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC), local


def _jsonld_objects(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(node.text_content() or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = [data]
        while stack:
            obj = stack.pop()
            if isinstance(obj, list):
                stack.extend(obj)
            elif isinstance(obj, dict):
                out.append(obj)
                if "@graph" in obj:
                    stack.append(obj["@graph"])
    return out


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    types = t if isinstance(t, list) else [t]
    return {str(x).lower() for x in types if x}


def _meta(tree: lxml.html.HtmlElement, attr: str, value: str) -> str | None:
    for node in tree.xpath(f'//meta[@{attr}="{value}"]'):
        content = (node.get("content") or "").strip()
        if content:
            return content
    return None


def page_metadata(html: str) -> dict[str, Any]:
    """The page's own declarations: canonical url, title, publication date (+ where it came from),
    html lang. Missing values are None."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return {"url": None, "title": None, "published": None, "published_source": None, "lang": None}
    url = None
    for href in tree.xpath('//link[@rel="canonical"]/@href'):
        if href.strip().startswith(("http://", "https://")):
            url = href.strip()
            break
    url = url or _meta(tree, "property", "og:url")
    articles = [o for o in _jsonld_objects(tree) if _types(o) & ARTICLE_TYPES]
    if not url:
        for o in articles:
            if isinstance(o.get("url"), str) and o["url"].startswith("http"):
                url = o["url"]
                break
    title = _meta(tree, "property", "og:title") or _meta(tree, "name", "twitter:title")
    if not title:
        for o in articles:
            if isinstance(o.get("headline"), str):
                title = o["headline"]
                break
    published, source = None, None
    for attr, value in _DATE_METAS:
        v = _meta(tree, attr, value)
        if v and parse_datetime(v)[1]:
            published, source = v, f"meta:{value}"
            break
    if not published:
        for o in articles:
            v = o.get("datePublished")
            if isinstance(v, str) and parse_datetime(v)[1]:
                published, source = v, "jsonld:datePublished"
                break
    if not published:
        for v in tree.xpath('//time[@itemprop="datePublished"]/@datetime | //*[@itemprop="datePublished"]/@content'):
            if parse_datetime(v)[1]:
                published, source = v, "time:datePublished"
                break
    lang = (tree.get("lang") or "").split("-")[0].lower() or None
    return {"url": url, "title": title.strip() if title else None, "published": published,
            "published_source": source, "lang": lang}


def url_date(url: str | None) -> date | None:
    """A date written in a URL path (/2024/10/16/ or -20241016-), else None."""
    if not url:
        return None
    for rx in (_URL_DATE, _URL_DATE_COMPACT):
        m = rx.search(url)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code from py3langid (offline, bundled model); None for empty text."""
    if not text or not text.strip():
        return None
    lang, _score = py3langid.classify(text[:5000])
    return str(lang)


def fingerprint(text: str | None) -> str | None:
    """64-bit simhash of the text as 16 hex digits."""
    if not text:
        return None
    return f"{Simhash(text).hash:016x}"


def simhash_similarity(a: str | None, b: str | None) -> float:
    """Share of equal bits between two hex simhashes (1.0 identical)."""
    if not a or not b:
        return 0.0
    return 1.0 - bin(int(a, 16) ^ int(b, 16)).count("1") / 64.0


def extract_text(html: str, url: str | None = None) -> dict[str, Any] | None:
    """trafilatura's article body and metadata (comments excluded, no cross-document dedup)."""
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, deduplicate=False, config=_CONFIG
    )
    if doc is None:
        return None
    return doc.as_dict()


def _strip_site_suffix(title: str, sitename: str | None) -> str:
    if sitename and title.endswith(sitename):
        return _TITLE_SUFFIX.sub("", title).strip() or title
    return title


def clean_html(html: str, fallback_url: str | None = None, captured: datetime | None = None,
               language_hint: str | None = None) -> CleanedArticle:
    """Clean one HTML page. ``fallback_url`` (the fetched URL or a file:// URL) is used only when
    the page declares no canonical URL; ``captured`` (the fetch or WARC capture time) only when neither the
    page nor its URL gives a publication date (``published_source = "capture"``); ``language_hint`` (the
    source's expected language) only when the text's language cannot be identified."""
    meta = page_metadata(html)
    doc = extract_text(html, url=meta["url"] or fallback_url) or {}
    text = (doc.get("text") or "").strip() or None
    url = meta["url"] or fallback_url
    title = meta["title"] or doc.get("title")
    sitename = doc.get("sitename")
    if title:
        title = _strip_site_suffix(title.strip(), sitename)
    published_at, published_date = parse_datetime(meta["published"])
    source = meta["published_source"] if published_date else None
    if published_date is None and doc.get("date"):
        published_at, published_date = parse_datetime(doc["date"])
        source = "htmldate" if published_date else None
    if published_date is None:
        d = url_date(url)
        if d:
            published_at, published_date, source = datetime(d.year, d.month, d.day, tzinfo=UTC), d, "url"
    if published_date is None and captured is not None:
        published_at = captured.astimezone(UTC)
        published_date, source = published_at.date(), "capture"
    language = detect_language(text) or meta["lang"] or language_hint
    return CleanedArticle(
        url=url,
        title=title,
        text=text,
        published_at=published_at,
        published_date=published_date,
        published_source=source,
        language=language,
        sitename=sitename,
        author=doc.get("author"),
        fingerprint=fingerprint(text),
        word_count=len(text.split()) if text else 0,
    )


def clean_record(record: dict[str, Any]) -> CleanedArticle:
    """A JSONL text record ``{"url", "title", "text", "published", "language"}`` -> CleanedArticle.
    The record's language wins; the identifier fills it in when absent."""
    text = (record.get("text") or "").strip() or None
    published_at, published_date = parse_datetime(str(record["published"])) if record.get("published") else (None, None)
    return CleanedArticle(
        url=record.get("url"),
        title=(record.get("title") or "").strip() or None,
        text=text,
        published_at=published_at,
        published_date=published_date,
        published_source="record" if published_date else None,
        language=(record.get("language") or detect_language(text)),
        sitename=record.get("sitename"),
        author=record.get("author"),
        fingerprint=fingerprint(text),
        word_count=len(text.split()) if text else 0,
    )
