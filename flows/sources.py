"""Source adapters: discover article candidates from a source spec and load their content.

Accepted now: a folder of ``.html``/``.htm`` pages, a ``.jsonl`` file of text records
``{"url", "title", "text", "published", "language"}``, a single ``.html`` file, and an http(s) URL of a
page or of an RSS/Atom feed (each entry's link becomes a candidate). Every candidate is an ``Item``;
anything that cannot be read becomes an Item with a ``reason`` so it is counted, never dropped.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import feedparser
from trafilatura.downloads import fetch_response
from trafilatura.settings import use_config

from flows.settings import Settings

log = logging.getLogger(__name__)


class SourceError(ValueError):
    """A source spec that cannot be used at all (missing path, unknown kind)."""


@dataclass
class Item:
    """One article candidate: where it came from and, once loaded, its content."""

    source: str
    kind: str  # html_file | record | url
    location: str  # path, URL, or "path#line"
    html: str | None = None
    record: dict[str, Any] | None = None
    reason: str | None = None  # why it could not be loaded

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fetch_config(settings: Settings) -> Any:
    cfg = use_config()
    cfg.set("DEFAULT", "DOWNLOAD_TIMEOUT", str(int(settings.timeout_seconds)))
    cfg.set("DEFAULT", "MAX_FILE_SIZE", str(settings.max_bytes))
    cfg.set("DEFAULT", "SSRF_PROTECTION", "off" if settings.allow_private_addresses else "on")
    cfg.set("DEFAULT", "INSECURE_SSL_FALLBACK", "off")
    cfg.set("DEFAULT", "USER_AGENTS", settings.user_agent)
    cfg.set("DEFAULT", "MAX_REDIRECTS", "5")
    return cfg


def fetch(url: str, settings: Settings) -> tuple[int | None, bytes | None, dict[str, str], str | None]:
    """(status, body, headers, final url); status None on connection-level failure."""
    resp = fetch_response(url, decode=False, with_headers=True, config=_fetch_config(settings))
    if resp is None:
        return None, None, {}, None
    return resp.status, resp.data, dict(resp.headers or {}), resp.url


def _decode(body: bytes, headers: dict[str, str]) -> str:
    ctype = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    charset = ctype.split("charset=")[-1].split(";")[0].strip() if "charset=" in ctype else "utf-8"
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return body.decode("utf-8", errors="replace")


def discover(spec: str, settings: Settings) -> list[Item]:
    """Article candidates of one source spec. Raises SourceError for a spec that names nothing usable."""
    if spec.startswith(("http://", "https://")):
        status, body, headers, final = fetch(spec, settings)
        if status is None or body is None:
            return [Item(spec, "url", spec, reason="fetch_failed")]
        if status != 200:
            return [Item(spec, "url", spec, reason=f"http_{status}")]
        text = _decode(body, headers)
        ctype = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
        head = text.lstrip()[:300].lower()
        if "xml" in ctype or head.startswith("<?xml") or "<rss" in head or "<feed" in head:
            feed = feedparser.parse(body)
            links = [e.get("link") for e in feed.entries if e.get("link")]
            if feed.entries or feed.version:
                return [Item(spec, "url", link) for link in dict.fromkeys(links)]
        return [Item(spec, "url", final or spec, html=text)]
    path = Path(spec)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".html", ".htm") and p.is_file())
        return [Item(spec, "html_file", str(p.resolve())) for p in files]
    if path.is_file() and path.suffix.lower() == ".jsonl":
        items = []
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                loc = f"{path.resolve()}#{n}"
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    items.append(Item(spec, "record", loc, reason=f"bad_json: {e.msg}"))
                    continue
                if not isinstance(rec, dict) or not rec.get("text"):
                    items.append(Item(spec, "record", loc, reason="no_text"))
                    continue
                items.append(Item(spec, "record", loc, record=rec))
        return items
    if path.is_file() and path.suffix.lower() in (".html", ".htm"):
        return [Item(spec, "html_file", str(path.resolve()))]
    if not path.exists():
        raise SourceError(f"source {spec!r} does not exist (expected a folder of .html pages, a .jsonl file or an http(s) URL)")
    raise SourceError(f"source {spec!r}: unsupported file type {path.suffix!r} (use .html, .htm or .jsonl)")


def load(item: Item, settings: Settings) -> Item:
    """Fill in the item's HTML (reading the file or fetching the URL) or set its ``reason``."""
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
        item.html = raw.decode("utf-8", errors="replace")
        return item
    status, body, headers, final = fetch(item.location, settings)
    if status is None or body is None:
        item.reason = "fetch_failed"
    elif status != 200:
        item.reason = f"http_{status}"
    else:
        item.html = _decode(body, headers)
        item.location = final or item.location
    return item
