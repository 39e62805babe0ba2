"""Raw capture: WARC files written by the crawler and read back by the WARC source.

Every HTTP response the crawler accepts (pages, feeds, sitemaps, robots.txt, final HTTP errors) is kept as a
WARC ``response`` record, payload exactly as received (still gzip-compressed when the server sent it so), in
``<raw dir>/<run date>/<run id>.warc.gz`` (one gzip member per record, so a record can be read by its offset).
Our records carry ``WARC-Newsevents-Role`` (article, feed, sitemap, home, robots, page) and
``WARC-Newsevents-Source``; WARC files from elsewhere (e.g. Common Crawl CC-NEWS) have neither and every HTML
``response`` record in them counts as an article.

Also here: body decoding shared by the crawler and the loaders (content-encoding with a decompression-bomb
guard, and the charset from headers, then ``<meta>``, then a detector).
"""

from __future__ import annotations

import io
import re
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROLE_HEADER = "WARC-Newsevents-Role"
SOURCE_HEADER = "WARC-Newsevents-Source"
HTML_TYPES = ("text/html", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive"}


class BodyTooLarge(ValueError):
    """The (decompressed) body is over the size limit."""


def inflate(raw: bytes, encoding: str | None, max_bytes: int) -> bytes:
    """Undo Content-Encoding gzip/deflate, refusing to produce more than ``max_bytes`` (bomb guard)."""
    enc = (encoding or "").strip().lower()
    if enc in ("", "identity"):
        return raw
    if enc not in ("gzip", "x-gzip", "deflate"):
        raise ValueError(f"unsupported content-encoding {enc!r}")
    for wbits in (47, -15):  # gzip or zlib header (auto), then raw deflate
        d = zlib.decompressobj(wbits=wbits)
        try:
            out = d.decompress(raw, max_bytes + 1)
        except zlib.error:
            continue
        if len(out) > max_bytes or d.unconsumed_tail:
            raise BodyTooLarge(f"decompressed body over {max_bytes} bytes")
        return out
    raise ValueError(f"corrupt {enc} body")


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header."""
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type or "", re.I)
    return m.group(1).lower() if m else None


def decode_body(body: bytes, content_type: str | None) -> tuple[str, str]:
    """(text, charset used). Order: the header's charset, the page's ``<meta charset>``, UTF-8, a detector.
    A declared single-byte charset (latin-1 never fails) loses to strict UTF-8 when the bytes are valid UTF-8
    with non-ASCII characters: that is the usual mis-declaration."""
    declared = charset_of(content_type)
    m = _META_CHARSET.search(body[:4096])
    meta = m.group(1).decode("ascii", "ignore").lower() if m else None
    candidates = [c for c in (declared, meta, "utf-8") if c]
    if declared in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252"):
        try:
            text = body.decode("utf-8")
            if not text.isascii():
                return text, "utf-8"
        except UnicodeDecodeError:
            pass
    for cs in dict.fromkeys(candidates):
        try:
            return body.decode(cs), cs
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only for undeclared/mis-declared bodies

    matches = list(from_bytes(body))
    if matches:
        best = matches[0]
        # short Western pages with a few accents are ambiguous among code pages; when windows-1252 (what HTML5
        # reads latin-1 labels as, and the commonest mis-declaration) is about as plausible as the best guess,
        # take it
        for m in matches:
            if m.encoding == "cp1252" and m.chaos <= best.chaos + 0.2:
                return str(m), "cp1252"
        return str(best), best.encoding
    return body.decode("utf-8", errors="replace"), "utf-8-replace"


@dataclass
class RawResponse:
    """One response record read back from a WARC file."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes  # content-decoded payload
    captured: datetime | None
    role: str | None
    source: str | None
    ref: str  # "<path>#<offset>"

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def text(self) -> str:
        return decode_body(self.body, self.content_type)[0]


class WarcSink:
    """Appends response records to one WARC file per run (and per process). Not thread-safe; one per crawler."""

    def __init__(self, raw_dir: Path, run_date: str, run_id: str) -> None:
        self.path = Path(raw_dir) / run_date / f"{run_id}-{uuid.uuid4().hex[:8]}.warc.gz"
        self._f = None
        self._writer: WARCWriter | None = None

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._f = open(self.path, "ab")  # noqa: SIM115 - kept open across records, closed in close()
        self._writer = WARCWriter(self._f, gzip=True)
        info = self._writer.create_warcinfo_record(self.path.name, {"software": "newsevents crawler",
                                                                    "format": "WARC File Format 1.1"})
        self._writer.write_record(info)

    def write(self, url: str, status: int, reason: str, headers: list[tuple[str, str]], raw: bytes,
              role: str, source: str, fetched_at: datetime) -> tuple[str, int]:
        """Append one response record; returns (file path, offset). Flushed before returning, so a
        ledger entry that points here never points at a half-written record."""
        if self._writer is None:
            self._open()
        assert self._f is not None and self._writer is not None
        kept = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP and k.lower() != "content-length"]
        kept.append(("Content-Length", str(len(raw))))
        http = StatusAndHeaders(f"{status} {reason or ''}".strip(), kept, protocol="HTTP/1.1")
        rec = self._writer.create_warc_record(url, "response", payload=io.BytesIO(raw), length=len(raw),
                                              http_headers=http, warc_headers_dict={
                                                  "WARC-Date": fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                  ROLE_HEADER: role, SOURCE_HEADER: source})
        offset = self._f.tell()
        self._writer.write_record(rec)
        self._f.flush()
        return str(self.path), offset

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None
            self._writer = None


def _parse_date(s: str | None) -> datetime | None:
    if not s:
        return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _raw_response(rec, ref: str, max_bytes: int) -> RawResponse:  # noqa: ANN001 - warcio record
    headers = {k.lower(): v for k, v in rec.http_headers.headers} if rec.http_headers else {}
    raw = rec.raw_stream.read(max_bytes * 4 + 1)
    body = inflate(raw, headers.get("content-encoding"), max_bytes)
    return RawResponse(url=rec.rec_headers.get_header("WARC-Target-URI") or "",
                       status=int(rec.http_headers.get_statuscode() or 0) if rec.http_headers else 0,
                       headers=headers, body=body, captured=_parse_date(rec.rec_headers.get_header("WARC-Date")),
                       role=rec.rec_headers.get_header(ROLE_HEADER), source=rec.rec_headers.get_header(SOURCE_HEADER),
                       ref=ref)


def read_record(ref: str, max_bytes: int = 10_000_000) -> RawResponse:
    """The response record at ``<path>#<offset>``."""
    path, _, offset = ref.rpartition("#")
    with open(path, "rb") as f:
        f.seek(int(offset))
        for rec in ArchiveIterator(f):
            if rec.rec_type == "response":
                return _raw_response(rec, ref, max_bytes)
            break
    raise ValueError(f"no WARC response record at {ref}")


@dataclass
class WarcEntry:
    """Header-level view of one response record (the body is read later, by offset)."""

    url: str
    status: int
    content_type: str
    captured: datetime | None
    role: str | None
    source: str | None
    ref: str


def iter_responses(path: Path) -> Iterator[WarcEntry]:
    """Every ``response`` record of a .warc/.warc.gz file, headers only (streams; bodies are skipped)."""
    with open(path, "rb") as f:
        it = ArchiveIterator(f)
        for rec in it:
            if rec.rec_type != "response" or rec.http_headers is None:
                continue
            yield WarcEntry(url=rec.rec_headers.get_header("WARC-Target-URI") or "",
                            status=int(rec.http_headers.get_statuscode() or 0),
                            content_type=(rec.http_headers.get_header("Content-Type") or "").lower(),
                            captured=_parse_date(rec.rec_headers.get_header("WARC-Date")),
                            role=rec.rec_headers.get_header(ROLE_HEADER),
                            source=rec.rec_headers.get_header(SOURCE_HEADER),
                            ref=f"{Path(path).resolve()}#{it.get_record_offset()}")
