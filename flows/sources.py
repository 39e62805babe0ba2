"""Sources: the sources file, local source kinds, and loading an article candidate's content.

A source is a ``SourceSpec`` (name, kind, location, language, tier, limits), read from the sources file
(``data/sources.yaml`` by default; see ``data/sources.example.yaml`` for every kind) or made from a
``--source`` argument. Kinds:

==========  =====================================================================================
kind        what it is
==========  =====================================================================================
feed        RSS/Atom feed URL; every entry's link is an article candidate
sitemap     XML sitemap, sitemap index or Google News sitemap URL (indexes are followed)
home        a site's home page: its feeds (``<link rel=alternate>``) and robots.txt sitemaps are used
urls        plain URL list: ``urls:`` in the file, or a text file with one URL per line
page        one article URL
folder      a local folder of ``.html``/``.htm`` pages
jsonl       a local file of text records ``{"url", "title", "text", "published", "language"}``
warc        a ``.warc``/``.warc.gz`` file or a folder of them (e.g. Common Crawl CC-NEWS); every HTML
            ``response`` record is a candidate, dated by its capture when the page has no date
==========  =====================================================================================

Web kinds are fetched by ``flows.crawl``; local kinds are read here. Every candidate is an ``Item``; anything
that cannot be read becomes an Item with a ``reason`` so it is counted, never dropped.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from courlan import normalize_url
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from flows.settings import Settings
from flows.warc import HTML_TYPES, iter_responses, read_record

log = logging.getLogger(__name__)

WEB_KINDS = ("feed", "sitemap", "home", "urls", "page")
LOCAL_KINDS = ("folder", "jsonl", "warc")
Kind = Literal["feed", "sitemap", "home", "urls", "page", "folder", "jsonl", "warc"]


class SourceError(ValueError):
    """A source spec that cannot be used at all (missing path, unknown kind, bad sources file)."""


class SourceSpec(BaseModel):
    """One configured source."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="short unique name; stored with every article and fetch")
    kind: Kind = Field(description="feed, sitemap, home, urls, page, folder, jsonl or warc")
    url: str | None = Field(None, description="feed/sitemap/home/page URL, or a URL-list file for kind urls")
    path: str | None = Field(None, description="folder, .jsonl, .warc(.gz) or URL-list file (relative to the "
                                              "sources file)")
    urls: list[str] = Field(default_factory=list, description="inline URL list (kind urls)")
    language: str | None = Field(None, description="expected ISO 639-1 language; used when a page does not say")
    tier: int = Field(2, ge=1, le=3, description="1 = wire/major outlet, 2 = national, 3 = local/aggregator")
    max_articles: int | None = Field(None, ge=1, description="new article fetches per run; the rest wait "
                                                             "(outcome over_limit) for the next run")
    per_host_delay: float | None = Field(None, ge=0, description="seconds between requests to one host "
                                                                 "(default: settings)")
    revisit: bool = Field(False, description="refetch known article pages with a conditional GET")
    enabled: bool = True

    @model_validator(mode="after")
    def _location(self) -> SourceSpec:
        if self.kind in ("feed", "sitemap", "home", "page") and not self.url:
            raise ValueError(f"source {self.name!r}: kind {self.kind} needs url")
        if self.kind in LOCAL_KINDS and not self.path:
            raise ValueError(f"source {self.name!r}: kind {self.kind} needs path")
        if self.kind == "urls" and not (self.urls or self.path or self.url):
            raise ValueError(f"source {self.name!r}: kind urls needs urls, path or url")
        return self

    @property
    def location(self) -> str:
        return self.url or self.path or f"{len(self.urls)} urls"

    @property
    def is_web(self) -> bool:
        return self.kind in WEB_KINDS


def load_sources_file(path: Path) -> list[SourceSpec]:
    """The enabled sources of a YAML/TOML sources file (``sources:`` list). Relative paths are resolved
    against the file's folder. Raises SourceError with the offending entry on any problem."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"sources file {path} does not exist")
    try:
        if path.suffix == ".toml":
            import tomllib  # noqa: PLC0415

            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        else:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception as e:  # noqa: BLE001 - any parse error is a bad sources file
        raise SourceError(f"sources file {path}: cannot parse: {e}") from e
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        raise SourceError(f"sources file {path}: expected a top-level 'sources:' list")
    specs, names = [], set()
    for n, entry in enumerate(doc["sources"], 1):
        try:
            spec = SourceSpec.model_validate(entry)
        except ValidationError as e:
            raise SourceError(f"sources file {path}, entry {n}: {e.errors()[0]['msg']} ({entry!r})") from e
        if spec.name in names:
            raise SourceError(f"sources file {path}: duplicate source name {spec.name!r}")
        names.add(spec.name)
        if spec.path and not Path(spec.path).is_absolute():
            spec.path = str((path.parent / spec.path).resolve())
        if spec.enabled:
            specs.append(spec)
    return specs


def spec_from_arg(arg: str) -> SourceSpec:
    """A one-off ``--source`` argument: a folder, .jsonl, .warc(.gz), .txt URL list, or an http(s) URL
    (kind ``page``: the crawler tells a feed or sitemap from a page by its response)."""
    if arg.startswith(("http://", "https://")):
        return SourceSpec(name=arg, kind="page", url=arg)
    p = Path(arg)
    low = p.name.lower()
    if p.is_dir():
        has_warc = any(p.rglob("*.warc.gz")) or any(p.rglob("*.warc"))
        has_html = any(p.rglob("*.htm*"))
        return SourceSpec(name=arg, kind="warc" if has_warc and not has_html else "folder", path=str(p.resolve()))
    if low.endswith((".warc", ".warc.gz")):
        return SourceSpec(name=arg, kind="warc", path=str(p.resolve()))
    if low.endswith(".jsonl"):
        return SourceSpec(name=arg, kind="jsonl", path=str(p.resolve()))
    if low.endswith(".txt"):
        return SourceSpec(name=arg, kind="urls", path=str(p.resolve()))
    if low.endswith((".html", ".htm")):
        return SourceSpec(name=arg, kind="folder", path=str(p.resolve()))
    if not p.exists():
        raise SourceError(f"source {arg!r} does not exist (expected a folder of .html pages, a .jsonl, .warc(.gz) "
                          f"or .txt file, or an http(s) URL)")
    raise SourceError(f"source {arg!r}: unsupported file type {p.suffix!r} (use .html, .jsonl, .warc, .warc.gz, .txt)")


def canonical(url: str) -> str:
    """Canonical form of a URL, the fetch-ledger key: courlan normalisation (lower-cased host, default port and
    fragment dropped, tracking parameters such as utm_*, fbclid, gclid removed, query sorted)."""
    try:
        return normalize_url(url).split("#", 1)[0]
    except Exception:  # noqa: BLE001 - an unparsable URL is its own key
        return url


def url_list(spec: SourceSpec) -> list[str]:
    """The URLs of a ``urls`` source (inline and/or file), in order, blanks and #comments skipped."""
    urls = list(spec.urls)
    if spec.path:
        p = Path(spec.path)
        if not p.is_file():
            raise SourceError(f"source {spec.name!r}: URL list {p} does not exist")
        urls += [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()]
    return [u for u in urls if u and not u.startswith("#")]


@dataclass
class Item:
    """One article candidate: where it came from and, once loaded, its content."""

    source: str
    kind: str  # html_file | record | warc
    location: str  # path, URL, or "path#line"
    html: str | None = None
    record: dict[str, Any] | None = None
    reason: str | None = None  # why it could not be loaded
    raw_ref: str | None = None  # "<warc path>#<offset>" of the raw response
    captured: datetime | None = None  # capture time (WARC-Date), the date fallback
    language: str | None = None  # the source's expected language
    fetch_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _warc_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith((".warc", ".warc.gz")))
    return [path]


def discover_local(spec: SourceSpec, from_raw: bool = False) -> list[Item]:
    """Candidates of a local source. ``from_raw``: the folder is our own raw capture; keep only article
    records and the latest capture of each URL. Raises SourceError for a path that names nothing usable."""
    path = Path(spec.path or "")
    if not path.exists():
        raise SourceError(f"source {spec.name!r}: {path} does not exist")
    if spec.kind == "folder":
        files = [path] if path.is_file() else sorted(
            p for p in path.rglob("*") if p.suffix.lower() in (".html", ".htm") and p.is_file())
        return [Item(spec.name, "html_file", str(p.resolve()), language=spec.language) for p in files]
    if spec.kind == "jsonl":
        items = []
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                loc = f"{path.resolve()}#{n}"
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    items.append(Item(spec.name, "record", loc, reason=f"bad_json: {e.msg}"))
                    continue
                if not isinstance(rec, dict) or not rec.get("text"):
                    items.append(Item(spec.name, "record", loc, reason="no_text"))
                    continue
                items.append(Item(spec.name, "record", loc, record=rec, language=spec.language))
        return items
    if spec.kind == "warc":
        latest: dict[str, Item] = {}
        items = []
        for wf in _warc_files(path):
            try:
                for e in iter_responses(wf):
                    if from_raw and e.role not in (None, "article", "page"):
                        continue
                    if e.status != 200 or not e.content_type.startswith(HTML_TYPES):
                        continue
                    item = Item(spec.name if not from_raw else (e.source or spec.name), "warc", canonical(e.url),
                                raw_ref=e.ref, captured=e.captured, language=spec.language)
                    if from_raw:
                        prev = latest.get(item.location)
                        if prev is None or (e.captured and prev.captured and e.captured >= prev.captured):
                            latest[item.location] = item
                    else:
                        items.append(item)
            except Exception as ex:  # noqa: BLE001 - a corrupt WARC is a recorded reason, not a crash
                items.append(Item(spec.name, "warc", str(wf), reason=f"bad_warc: {type(ex).__name__}: {ex}"[:200]))
        return list(latest.values()) + items if from_raw else items
    raise SourceError(f"source {spec.name!r}: kind {spec.kind} is not a local kind")


def load(item: Item, settings: Settings) -> Item:
    """Fill in the item's HTML (reading the file or the raw WARC record) or set its ``reason``."""
    if item.reason or item.html is not None or item.record is not None:
        return item
    if item.kind == "html_file":
        try:
            raw = Path(item.location).read_bytes()
        except OSError as e:
            item.reason = f"unreadable: {e.strerror}"
            return item
        if len(raw) > settings.max_bytes:
            item.reason = "too_large"
            return item
        from flows.warc import decode_body  # noqa: PLC0415

        item.html = decode_body(raw, None)[0]
        return item
    if item.kind == "warc" and item.raw_ref:
        try:
            rec = read_record(item.raw_ref, settings.max_bytes)
        except Exception as e:  # noqa: BLE001 - unreadable raw record is a reason
            item.reason = f"bad_warc_record: {type(e).__name__}"
            return item
        item.html = rec.text()
        item.captured = item.captured or rec.captured
        return item
    item.reason = "not_loadable"
    return item


MIN_PAGE_WORDS = 25  # an HTML page whose extracted body is shorter is navigation, not an article


def clean_items(items: list[dict[str, Any]], settings: Settings) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Load (read a file or a raw WARC record) and clean a batch of items given as dicts. Returns (article
    rows, rejected rows with their reason)."""
    from transforms.clean import clean_html, clean_record  # noqa: PLC0415
    from transforms.tables import article_row  # noqa: PLC0415

    rows, rejected = [], []
    for d in items:
        item = load(Item(**d), settings)
        if item.reason:
            rejected.append({"source": item.source, "location": item.location, "reason": item.reason,
                             "fetch_id": item.fetch_id})
            continue
        if item.record is not None:
            cleaned = clean_record(item.record)
            src_url = item.record.get("url") or item.location
        else:
            src_url = item.location if item.kind == "warc" else Path(item.location).as_uri()
            cleaned = clean_html(item.html or "", fallback_url=src_url, captured=item.captured,
                                 language_hint=item.language)
        if not cleaned.text or (item.record is None and cleaned.word_count < MIN_PAGE_WORDS):
            rejected.append({"source": item.source, "location": item.location, "reason": "no_text_extracted",
                             "fetch_id": item.fetch_id})
            continue
        rows.append(article_row(cleaned, item.source, src_url))
    return rows, rejected
