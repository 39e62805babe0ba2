"""Great Expectations suites, one per table, declared as data: (expectation type, kwargs).

``value_set_from: "<table>.<column>"`` is resolved at validation time to the values of that column in the
same run (foreign keys). Code lists come from ``schemas/codes.py``.
"""

from __future__ import annotations

from typing import Any

from schemas.codes import (
    ACTOR_KINDS,
    DATE_PRECISIONS,
    EVENT_MODES,
    FEATURE_KINDS,
    FETCH_OUTCOMES,
    FETCH_ROLES,
    MODALITIES,
    PLOVER_TYPES,
    SECTORS,
)

Spec = tuple[str, dict[str, Any]]


def _key(col: str) -> list[Spec]:
    return [("ExpectColumnValuesToNotBeNull", {"column": col}), ("ExpectColumnValuesToBeUnique", {"column": col})]


SUITES: dict[str, list[Spec]] = {
    "articles": [
        *_key("article_id"),
        ("ExpectColumnValuesToNotBeNull", {"column": "url"}),
        ("ExpectColumnValuesToBeInSet", {"column": "duplicate_of", "value_set_from": "articles.article_id"}),
        ("ExpectColumnValueLengthsToBeBetween", {"column": "text", "min_value": 1}),
    ],
    "actors": [
        *_key("actor_id"),
        ("ExpectColumnValuesToNotBeNull", {"column": "name"}),
        ("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": sorted(ACTOR_KINDS)}),
        ("ExpectColumnValuesToBeInSet", {"column": "sector", "value_set": sorted(SECTORS)}),
        ("ExpectColumnValuesToMatchRegex", {"column": "country_code", "regex": r"^[A-Z]{3}$"}),
    ],
    "locations": [
        *_key("location_id"),
        ("ExpectColumnValuesToBeInSet", {"column": "feature_kind", "value_set": sorted(FEATURE_KINDS)}),
        ("ExpectColumnValuesToBeBetween", {"column": "latitude", "min_value": -90, "max_value": 90}),
        ("ExpectColumnValuesToBeBetween", {"column": "longitude", "min_value": -180, "max_value": 180}),
        ("ExpectColumnValuesToMatchRegex", {"column": "country_code", "regex": r"^[A-Z]{3}$"}),
    ],
    "events": [
        *_key("event_id"),
        ("ExpectColumnValuesToNotBeNull", {"column": "article_id"}),
        ("ExpectColumnValuesToBeInSet", {"column": "event_type", "value_set": PLOVER_TYPES}),
        ("ExpectColumnValuesToBeInSet", {"column": "event_mode", "value_set": EVENT_MODES}),
        ("ExpectColumnValuesToBeInSet", {"column": "date_precision", "value_set": DATE_PRECISIONS}),
        ("ExpectColumnValuesToBeInSet", {"column": "modality", "value_set": MODALITIES}),
        ("ExpectColumnValuesToBeBetween", {"column": "fatalities", "min_value": 0, "max_value": 1_000_000}),
        ("ExpectColumnValuesToBeInSet", {"column": "article_id", "value_set_from": "articles.article_id"}),
        ("ExpectColumnValuesToBeInSet", {"column": "source_actor_id", "value_set_from": "actors.actor_id"}),
        ("ExpectColumnValuesToBeInSet", {"column": "target_actor_id", "value_set_from": "actors.actor_id"}),
        ("ExpectColumnValuesToBeInSet", {"column": "location_id", "value_set_from": "locations.location_id"}),
    ],
    "actor_mentions": [
        ("ExpectCompoundColumnsToBeUnique", {"column_list": ["article_id", "actor_id", "start_char"]}),
        ("ExpectColumnValuesToBeInSet", {"column": "actor_id", "value_set_from": "actors.actor_id"}),
        ("ExpectColumnValuesToBeInSet", {"column": "article_id", "value_set_from": "articles.article_id"}),
    ],
    "location_mentions": [
        ("ExpectCompoundColumnsToBeUnique", {"column_list": ["article_id", "location_id", "start_char"]}),
        ("ExpectColumnValuesToBeInSet", {"column": "location_id", "value_set_from": "locations.location_id"}),
        ("ExpectColumnValuesToBeInSet", {"column": "article_id", "value_set_from": "articles.article_id"}),
    ],
    "fetches": [
        *_key("fetch_id"),
        ("ExpectColumnValuesToNotBeNull", {"column": "url"}),
        ("ExpectColumnValuesToBeInSet", {"column": "outcome", "value_set": sorted(FETCH_OUTCOMES)}),
        ("ExpectColumnValuesToBeInSet", {"column": "role", "value_set": sorted(FETCH_ROLES)}),
        ("ExpectColumnValuesToBeBetween", {"column": "status", "min_value": 100, "max_value": 599}),
        ("ExpectColumnValuesToBeBetween", {"column": "bytes", "min_value": 0}),
    ],
}
