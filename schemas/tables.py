"""Explicit pyarrow schemas of the published tables (the warehouse contract plus our own columns).

Every table is written under ``<warehouse>/<table>/date=YYYY-MM-DD/`` (the run date); ``date`` is the
hive partition column and is not stored inside the files. Each field carries a ``description`` in
its metadata; CODEBOOK.md is generated from these.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "1"


def _f(name: str, type_: pa.DataType, description: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


_TS = pa.timestamp("us", tz="UTC")

ARTICLES = pa.schema(
    [
        _f("article_id", pa.string(), "deterministic id: hash of the canonical URL", nullable=False),
        _f("url", pa.string(), "canonical URL as the page declares it (canonical/og:url/JSON-LD), else the fetched URL, else file://"),
        _f("source_url", pa.string(), "where the pipeline got the page (fetched URL, file path or JSONL record URL)"),
        _f("source", pa.string(), "the source specification this article came from"),
        _f("title", pa.string(), "headline"),
        _f("published_at", _TS, "publication instant in UTC; null if unknown"),
        _f("published_date", pa.date32(), "publication date as declared by the page (its own time zone)"),
        _f("published_source", pa.string(), "where the publication date came from (meta, jsonld, time, htmldate, url, record, capture)"),
        _f("language", pa.string(), "ISO 639-1 language of the text (offline identifier)"),
        _f("text", pa.string(), "cleaned article body"),
        _f("duplicate_of", pa.string(), "article_id of the earlier near-identical copy, else null"),
        _f("sitename", pa.string(), "site name"),
        _f("author", pa.string(), "author(s)"),
        _f("fingerprint", pa.string(), "simhash of the text (hex), for near-duplicate detection"),
        _f("word_count", pa.int32(), "words in text"),
        _f("coded", pa.bool_(), "whether the event coder ran on this article (English, not a duplicate)"),
    ],
    metadata={"schema_version": SCHEMA_VERSION, "table": "articles"},
)

ACTORS = pa.schema(
    [
        _f("actor_id", pa.string(), "deterministic id: hash of kind, country, sector and canonical name", nullable=False),
        _f("name", pa.string(), "canonical name", nullable=False),
        _f("kind", pa.string(), "person | organization | state | armed_group | igo | ngo | media | other", nullable=False),
        _f("country_code", pa.string(), "ISO 3166-1 alpha-3 country, null for transnational actors"),
        _f("sector", pa.string(), "CAMEO agent code (GOV MIL COP ...), null when none fits"),
        _f("aliases", pa.list_(pa.string()), "other names and surface forms seen"),
        _f("affiliation", pa.string(), "name of the organisation a person belongs to, when the text says"),
        _f("wikidata_qid", pa.string(), "Wikidata id where known (from the dictionary)"),
        _f("origin", pa.string(), "dictionary | ner | inferred (an unknown attacker, coded by convention): how the actor was recognised"),
    ],
    metadata={"schema_version": SCHEMA_VERSION, "table": "actors"},
)

LOCATIONS = pa.schema(
    [
        _f("location_id", pa.string(), "deterministic id: gn:<GeoNames id> or a hash of name and country", nullable=False),
        _f("name", pa.string(), "place name (gazetteer form)", nullable=False),
        _f("country_code", pa.string(), "ISO 3166-1 alpha-3, null for seas and multi-country regions"),
        _f("latitude", pa.float64(), "WGS84 latitude"),
        _f("longitude", pa.float64(), "WGS84 longitude"),
        _f("feature_kind", pa.string(), "country | admin1 | admin2 | city | feature", nullable=False),
        _f("geonames_id", pa.int64(), "GeoNames id (negative: our supplement, no GeoNames id known)"),
        _f("admin1", pa.string(), "first-level division name"),
        _f("feature_code", pa.string(), "GeoNames feature code (PCLI, ADM1, PPLA, MTS, ...)"),
        _f("precision", pa.string(), "point | admin2 | admin1 | region | country"),
    ],
    metadata={"schema_version": SCHEMA_VERSION, "table": "locations"},
)

EVENTS = pa.schema(
    [
        _f("event_id", pa.string(), "deterministic id: hash of article, sentence, trigger, type and roles", nullable=False),
        _f("article_id", pa.string(), "article the event was coded from", nullable=False),
        _f("sentence_index", pa.int32(), "0-based sentence number in the article text"),
        _f("event_type", pa.string(), "PLOVER event type", nullable=False),
        _f("event_mode", pa.string(), "PLOVER mode (how), null when not given"),
        _f("cameo_root", pa.string(), "CAMEO root code 01..20"),
        _f("quad_class", pa.int8(), "1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict"),
        _f("intensity", pa.float32(), "PLOVER intensity on the Goldstein scale, -10..+10"),
        _f("source_actor_id", pa.string(), "actor doing the action (null when the text names none)"),
        _f("target_actor_id", pa.string(), "actor the action is done to (null when none)"),
        _f("location_id", pa.string(), "where it happened"),
        _f("event_date", pa.date32(), "when it happened (first day of the period at month/year precision)"),
        _f("date_precision", pa.string(), "day | week | month | year"),
        _f("date_source", pa.string(), "text | context (the article's news peg: the latest day-precise date "
           "of an earlier sentence, within the week before publication) | publication | capture"),
        _f("date_text", pa.string(), "the date expression in the text"),
        _f("fatalities", pa.int32(), "people killed (best estimate; lower bound for 'at least N')"),
        _f("fatalities_low", pa.int32(), "lowest number killed the text allows"),
        _f("injured", pa.int32(), "people injured (best estimate)"),
        _f("arrested", pa.int32(), "people arrested or detained (best estimate)"),
        _f("modality", pa.string(), "asserted | negated | future | hypothetical | reported"),
        _f("claimed_by", pa.string(), "who reports or claims the event, for modality 'reported'"),
        _f("trigger", pa.string(), "the word(s) that express the event"),
        _f("trigger_start", pa.int32(), "character offset of the trigger in the article text"),
        _f("trigger_end", pa.int32(), "end offset of the trigger"),
        _f("source_text", pa.string(), "the source actor's words in the sentence"),
        _f("target_text", pa.string(), "the target actor's words in the sentence"),
        _f("location_text", pa.string(), "the place words used; null when the sentence names no place and the "
           "event takes the last place of the sentence before it in the paragraph, or the dateline"),
        _f("confidence", pa.float32(), "0..1 confidence of the coding"),
        _f("evidence", pa.string(), "the sentence that states the event (a substring of the article text)"),
    ],
    metadata={"schema_version": SCHEMA_VERSION, "table": "events"},
)

ACTOR_MENTIONS = pa.schema(
    [
        _f("article_id", pa.string(), "article", nullable=False),
        _f("actor_id", pa.string(), "actor mentioned", nullable=False),
        _f("mention", pa.string(), "surface form in the text", nullable=False),
        _f("sentence_index", pa.int32(), "0-based sentence number"),
        _f("start_char", pa.int32(), "character offset in the article text"),
        _f("end_char", pa.int32(), "end offset"),
    ],
    metadata={"schema_version": SCHEMA_VERSION, "table": "actor_mentions"},
)

LOCATION_MENTIONS = pa.schema(
    [
        _f("article_id", pa.string(), "article", nullable=False),
        _f("location_id", pa.string(), "place mentioned", nullable=False),
        _f("mention", pa.string(), "surface form in the text", nullable=False),
        _f("sentence_index", pa.int32(), "0-based sentence number"),
        _f("start_char", pa.int32(), "character offset in the article text"),
        _f("end_char", pa.int32(), "end offset"),
    ],
    metadata={"schema_version": SCHEMA_VERSION, "table": "location_mentions"},
)

FETCHES = pa.schema(
    [
        _f("fetch_id", pa.string(), "deterministic id: hash of run date, source, role and URL", nullable=False),
        _f("run_id", pa.string(), "the run that saw this URL"),
        _f("source", pa.string(), "source name (sources file) or the --source argument", nullable=False),
        _f("tier", pa.int8(), "source tier: 1 wire/major, 2 national, 3 local/aggregator"),
        _f("role", pa.string(), "what the URL was for (schemas.codes.FETCH_ROLES)", nullable=False),
        _f("url", pa.string(), "URL as discovered (or local path / path#line)", nullable=False),
        _f("canonical_url", pa.string(), "normalised URL (courlan; tracking parameters removed): the ledger key"),
        _f("final_url", pa.string(), "URL after redirects"),
        _f("discovered_from", pa.string(), "feed/sitemap/page that listed it"),
        _f("outcome", pa.string(), "what became of it (schemas.codes.FETCH_OUTCOMES)", nullable=False),
        _f("detail", pa.string(), "reason or detail of the outcome"),
        _f("status", pa.int16(), "final HTTP status"),
        _f("attempts", pa.int16(), "HTTP requests made for it (retries included, robots.txt excluded)"),
        _f("bytes", pa.int64(), "body bytes received (as transferred)"),
        _f("elapsed_ms", pa.int32(), "wall time from first request to final outcome"),
        _f("content_type", pa.string(), "declared content type"),
        _f("charset", pa.string(), "charset used to decode the body"),
        _f("content_hash", pa.string(), "sha256 of the decoded body"),
        _f("etag", pa.string(), "ETag validator"),
        _f("last_modified", pa.string(), "Last-Modified validator"),
        _f("warc_path", pa.string(), "raw WARC file holding the response"),
        _f("warc_offset", pa.int64(), "offset of the response record in warc_path"),
        _f("fetched_at", _TS, "when the request started"),
    ],
    metadata={"schema_version": SCHEMA_VERSION, "table": "fetches"},
)

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "actors": ACTORS,
    "locations": LOCATIONS,
    "events": EVENTS,
    "actor_mentions": ACTOR_MENTIONS,
    "location_mentions": LOCATION_MENTIONS,
    "fetches": FETCHES,
}

RUNS = pa.schema(
    [
        _f("run_id", pa.string(), "unique id of the run: run date plus a random suffix", nullable=False),
        _f("started_at", _TS, "when the run started"),
        _f("ended_at", _TS, "when the run finished publishing"),
        _f("seconds", pa.float64(), "wall time of the run"),
        _f("code_version", pa.string(), "package version and git commit of the code that ran"),
        _f("parameters", pa.string(), "flow parameters and settings as JSON"),
        _f("sources", pa.list_(pa.string()), "source names of the run"),
        _f("discovered", pa.int64(), "article candidates seen (URLs, files, records)"),
        _f("retrieved", pa.int64(), "candidates fetched, read or resumed"),
        _f("articles", pa.int64(), "articles published (not duplicates)"),
        _f("duplicates", pa.int64(), "near-duplicate articles (published with duplicate_of)"),
        _f("coded", pa.int64(), "articles the event coder ran on"),
        _f("rejected", pa.int64(), "retrieved pages rejected with a reason (no text, unreadable ...)"),
        _f("rows", pa.string(), "rows published per table, JSON"),
        _f("quarantined", pa.string(), "rows quarantined per table, JSON"),
        _f("validation_success", pa.bool_(), "every suite passed on the published rows"),
        _f("stage_seconds", pa.string(), "seconds per stage, JSON"),
        _f("volume_flags", pa.list_(pa.string()), "sources whose volume dropped against recent runs"),
        _f("data_docs", pa.string(), "URL of the run's Great Expectations Data Docs"),
    ],
    metadata={"schema_version": SCHEMA_VERSION, "table": "runs"},
)

SOURCE_COVERAGE = pa.schema(
    [
        _f("source", pa.string(), "source name", nullable=False),
        _f("tier", pa.int8(), "source tier"),
        _f("run_id", pa.string(), "run that produced these counts"),
        _f("discovered", pa.int64(), "article candidates the source listed"),
        _f("fetched", pa.int64(), "candidates retrieved (fetched, read or resumed)"),
        _f("failed", pa.int64(), "candidates that could not be retrieved (any failure outcome)"),
        _f("extracted", pa.int64(), "pages that gave an article (duplicates included)"),
        _f("duplicates", pa.int64(), "of which near-duplicates"),
        _f("coded", pa.int64(), "articles coded"),
        _f("events", pa.int64(), "events published from this source's articles"),
    ],
    metadata={"schema_version": SCHEMA_VERSION, "table": "source_coverage"},
)

META_TABLES: dict[str, pa.Schema] = {"runs": RUNS, "source_coverage": SOURCE_COVERAGE}

# Summary tables: derived from the published tables at every publish (one unpartitioned file each, rebuilt whole),
# so the common aggregate questions are answered without scanning every event.
DYADS = pa.schema(
    [
        _f("source_actor_id", pa.string(), "actor doing the action", nullable=False),
        _f("target_actor_id", pa.string(), "actor the action is done to", nullable=False),
        _f("events", pa.int64(), "events with this source and target, all dates", nullable=False),
        _f("fatalities", pa.int64(), "sum of their fatalities (unknown counted as 0)", nullable=False),
        _f("first_date", pa.date32(), "earliest event_date of the pair"),
        _f("last_date", pa.date32(), "latest event_date of the pair"),
        _f("type_bits", pa.int32(), "event types seen, one bit per PLOVER type in code-list order (bit 0 = AGREE); "
           "the view adds them as the list `event_types`", nullable=False),
    ],
    metadata={"schema_version": SCHEMA_VERSION, "table": "dyads"},
)
SUMMARY_TABLES: dict[str, pa.Schema] = {"dyads": DYADS}
ALL_TABLES: dict[str, pa.Schema] = {**TABLES, **META_TABLES}

# Primary keys (unique, not null) per table; mention tables are keyed by their position.
KEYS: dict[str, list[str]] = {
    "articles": ["article_id"],
    "actors": ["actor_id"],
    "locations": ["location_id"],
    "events": ["event_id"],
    "actor_mentions": ["article_id", "actor_id", "start_char"],
    "location_mentions": ["article_id", "location_id", "start_char"],
    "fetches": ["fetch_id"],
    "runs": ["run_id"],
    "source_coverage": ["source"],
    "dyads": ["source_actor_id", "target_actor_id"],
}

PARTITION_COLUMN = "date"
