"""Generate schemas/CODEBOOK.md from the table schemas, the code lists and the validation suites.

``python -m schemas.codebook`` (or ``make codebook``) rewrites the file; tests/test_warehouse.py fails when the
committed file differs from what this module renders, so the codebook cannot drift from the schemas.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa

from schemas import codes
from schemas.suites import derived_columns, load_suites
from schemas.tables import ALL_TABLES, KEYS, PARTITION_COLUMN, SUMMARY_TABLES

PATH = Path(__file__).resolve().parent / "CODEBOOK.md"

# One example value per column name, taken from the seed story (Iraqi offensive in the Hamrin Mountains).
EXAMPLES: dict[str, str] = {
    "actor_id": "`6f1c0e2a9b7d4e21`", "admin1": "`Diyala`", "affiliation": "`Islamic State`",
    "aliases": "`['Iraqi forces', 'Iraq']`", "arrested": "`37`", "article_id": "`0b5e6d2c1a9f8e77`",
    "articles": "`5`", "attempts": "`2`", "author": "`Ledger Security Desk`", "bytes": "`48213`",
    "cameo_root": "`18`", "canonical_url": "`https://news.example/2024/10/16/story`", "charset": "`utf-8`",
    "claimed_by": "`U.S. Central Command`", "code_version": "`0.1.0+58d84ab`", "coded": "`true`",
    "confidence": "`0.9`", "content_hash": "`9f2c…` (sha256)", "content_type": "`text/html`",
    "country_code": "`IRQ`", "data_docs": "`file:///wh/data_docs/index.html`", "date_precision": "`month`",
    "date_source": "`text`", "date_text": "`In May of this year`", "detail": "`HTTP 503 after 4 attempts`",
    "discovered": "`120`", "discovered_from": "`https://news.example/rss.xml`", "duplicate_of": "`0b5e6d2c1a9f8e77`",
    "duplicates": "`3`", "elapsed_ms": "`412`", "end_char": "`152`", "ended_at": "`2026-11-23 02:04:11+00`",
    "etag": "`\"a1b2c3\"`", "event_date": "`2024-05-01`", "event_id": "`c41d9e0b7a2f5e88`", "event_mode": "`aerial`",
    "event_type": "`ASSAULT`", "events": "`42`", "evidence": "`In 2015, a U.S. airstrike killed ISIS commander "
    "Fadhil Ahmad al-Hayali in the same region.`", "extracted": "`97`", "failed": "`4`", "fatalities": "`9`",
    "fatalities_low": "`9`", "feature_code": "`MTS`", "feature_kind": "`feature`", "fetch_id": "`5b0e…`",
    "fetched": "`101`", "fetched_at": "`2026-11-23 02:01:09+00`", "final_url": "`https://news.example/story`",
    "fingerprint": "`1954025882b0db0c`", "geonames_id": "`99434`", "injured": "`40`", "intensity": "`-9.5`",
    "kind": "`state`", "language": "`en`", "last_modified": "`Tue, 14 Nov 2023 22:13:20 GMT`",
    "latitude": "`34.6`", "location_id": "`gn:99434`", "location_text": "`Hamrin Mountains`",
    "longitude": "`44.3`", "mention": "`Qadir`", "modality": "`asserted`", "name": "`Iraqi military`",
    "origin": "`dictionary`", "outcome": "`fetched`", "parameters": "`{\"run_date\": \"2026-11-23\", ...}`",
    "precision": "`region`", "published_at": "`2024-10-16 09:00:00+00`", "published_date": "`2024-10-16`",
    "published_source": "`meta`", "quad_class": "`4`", "quarantined": "`{\"events\": 1}`", "rejected": "`2`",
    "retrieved": "`101`", "role": "`article`", "rows": "`{\"events\": 42, ...}`", "run_id": "`2026-11-23-3f9a1c2b`",
    "seconds": "`12.7`", "sector": "`MIL`", "sentence_index": "`3`", "sitename": "`The Meridian Ledger`",
    "source": "`sample`", "source_actor_id": "`6f1c0e2a9b7d4e21`", "source_text": "`The Iraqi military`",
    "source_url": "`file:///data/sample/iraq-hamrin-offensive.html`", "sources": "`['sample']`",
    "stage_seconds": "`{\"acquire\": 0.1, \"code\": 4.2, ...}`", "start_char": "`134`",
    "started_at": "`2026-11-23 02:00:00+00`", "status": "`200`", "target_actor_id": "`8d2e…`",
    "target_text": "`Islamic State (ISIS) forces`", "text": "`The Iraqi military has launched a major offensive ...`",
    "tier": "`1`", "title": "`Iraqi offensive in Hamrin Mountains kills top ISIS commander`", "trigger": "`offensive`",
    "trigger_end": "`65`", "trigger_start": "`56`", "url": "`https://news.example/2024/10/16/story`",
    "validation_success": "`true`", "volume_flags": "`['bbc-world: 0 articles against a median of 41 ...']`",
    "warc_offset": "`18231`", "warc_path": "`/wh/raw/2026-11-23/2026-11-23-3f9a1c2b-1a2b3c4d.warc.gz`",
    "wikidata_qid": "`Q2429253`", "word_count": "`519`",
}

_CODE_LISTS = {"event_type": "PLOVER_TYPES", "event_mode": "EVENT_MODES", "sector": "SECTORS", "kind": "ACTOR_KINDS",
               "feature_kind": "FEATURE_KINDS", "date_precision": "DATE_PRECISIONS", "date_source": "DATE_SOURCES",
               "modality": "MODALITIES", "outcome": "FETCH_OUTCOMES", "role": "FETCH_ROLES",
               "precision": "LOCATION_PRECISIONS", "country_code": "COUNTRY_CODES"}


def _type(t: pa.DataType) -> str:
    return str(t).replace("timestamp[us, tz=UTC]", "timestamp (UTC)").replace("date32[day]", "date")


def _allowed(table: str, column: str, suites: dict) -> str:
    parts = []
    for etype, kw in suites.get(table, []):
        if kw.get("column") != column:
            continue
        if etype == "ExpectColumnValuesToBeInSet" and "value_set_from" in kw:
            parts.append(f"a `{kw['value_set_from']}` of the same run")
        elif etype == "ExpectColumnValuesToBeBetween":
            lo, hi = kw.get("min_value"), kw.get("max_value")
            parts.append(f"{lo if lo is not None else '−∞'} … {hi if hi is not None else '∞'}")
        elif etype == "ExpectColumnValuesToMatchRegex":
            parts.append(f"matches `{kw['regex']}`")
        elif etype == "ExpectColumnValuesToBeUnique":
            parts.append("unique")
        elif etype == "ExpectColumnValuesToNotBeNull":
            parts.append("not null")
        elif etype == "ExpectColumnValueLengthsToBeBetween":
            parts.append("non-empty")
    name = _CODE_LISTS.get(column)
    if name and table not in ("runs", "source_coverage") and not (column == "kind" and table != "actors") and not (
            column == "role" and table != "fetches") and not (column == "outcome" and table != "fetches"):
        parts.append(f"code list `{name}` (below)")
    return "; ".join(dict.fromkeys(parts)) or "—"


def _code_list(name: str) -> str:
    values = getattr(codes, name)
    if isinstance(values, dict):
        return "\n".join(f"- `{k}` — {v if isinstance(v, str) else getattr(v, 'description', '')}"
                         for k, v in values.items())
    return ", ".join(f"`{v}`" for v in values)


def render() -> str:
    """The codebook as markdown."""
    suites = load_suites()
    derived = derived_columns()
    out = ["# newsevents codebook", "",
           "Generated by `python -m schemas.codebook` from `schemas/tables.py` (columns), `schemas/codes.py` (code "
           "lists) and `schemas/suites/*.yaml` (allowed values); `tests/test_warehouse.py` fails when this file is "
           "out of date. Do not edit by hand.", "",
           f"Every table is stored as `DIR/current/<table>/{PARTITION_COLUMN}=YYYY-MM-DD/part-0.parquet` (the run "
           f"date; `{PARTITION_COLUMN}` is a hive partition column, not stored in the files) and is a view of the "
           "same name in `DIR/newsevents.duckdb`. Rows that fail validation go to `DIR/current/quarantine/<table>/` "
           "with two extra columns, `_reasons` (the failed expectations) and `_run_id`.", ""]
    for table, schema in {**ALL_TABLES, **SUMMARY_TABLES}.items():
        where = (f"Summary table: one file, `DIR/current/{table}/part-0.parquet`, rebuilt from all published events "
                 f"at every publish (not partitioned); view `{table}`." if table in SUMMARY_TABLES else "")
        out += [f"## `{table}`", "", *([where, ""] if where else []),
                f"Key: {', '.join(f'`{k}`' for k in KEYS.get(table, []))}.", "",
                "| column | type | meaning | allowed values | example |", "|---|---|---|---|---|"]
        for f in schema:
            meaning = (f.metadata or {}).get(b"description", b"").decode()
            req = "" if f.nullable else " (required)"
            out.append(f"| `{f.name}` | {_type(f.type)}{req} | {meaning} | {_allowed(table, f.name, suites)} | "
                       f"{EXAMPLES.get(f.name, '—')} |")
        for col, how in derived.get(table, {}).items():
            out.append(f"| `{col}` | derived, checked only | {how} | `true` | `true` |")
        out.append("")
    out += ["## Code lists", ""]
    for name in ["PLOVER_TYPES", "EVENT_MODES", "SECTORS", "ACTOR_KINDS", "FEATURE_KINDS", "LOCATION_PRECISIONS",
                 "DATE_PRECISIONS", "DATE_SOURCES", "MODALITIES", "FETCH_OUTCOMES", "FETCH_ROLES"]:
        out += [f"### `{name}`", "", _code_list(name), ""]
    out += ["### PLOVER types with their CAMEO root, quad class and intensity", "",
            "| type | CAMEO root | quad class | intensity (Goldstein-like, by mode) | meaning |", "|---|---|---|---|---|"]
    for name, t in codes.EVENT_TYPES.items():
        modes = ", ".join(f"{m} {v}" for m, v in t.modes.items() if v is not None)
        out.append(f"| `{name}` | {t.cameo_root} | {t.quad_class} | {t.score} ({modes}) | {t.description} |")
    out += ["", "### `COUNTRY_CODES`", "", f"{len(codes.COUNTRY_CODES)} ISO 3166-1 alpha-3 codes from "
            "`data/dictionaries/countries.tsv`.", ""]
    return "\n".join(out)


def main() -> int:
    PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
