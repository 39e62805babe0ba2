"""Code lists: PLOVER event types and modes, the CAMEO/quad crosswalk, actor sectors and kinds, place kinds.

PLOVER (openeventdata/PLOVER, CC BY-SA 4.0): the type scores replace the Goldstein scale (-10..+10);
a mode with its own score overrides the type's. ``cameo_root`` is the CAMEO root each PLOVER type comes
from (where several roots share a type, the mode decides: ACCUSE investigate -> 09, ASSAULT firearms /
heavy-weapons battles -> 19, ASSAULT unconventional -> 20). Quad classes follow PLOVER/GDELT:
1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventType:
    """One PLOVER event type: CAMEO root, quad class, intensity score and its modes (mode -> score or None)."""

    name: str
    cameo_root: str
    quad_class: int
    score: float
    needs_target: bool
    description: str
    modes: dict[str, float | None] = field(default_factory=dict)


EVENT_TYPES: dict[str, EventType] = {
    t.name: t
    for t in [
        EventType("AGREE", "03", 1, 2.5, False, "agree to, promise or pledge future cooperation; sign an agreement",
                  {"pledge": 2.5, "ceasefire": 3.0, "settle": 3.0}),
        EventType("CONSULT", "04", 1, 2.5, False, "meet, visit, talk, negotiate, mediate",
                  {"visit": 4.0, "third-party": 1.0, "multilateral": 4.0, "phone": 1.5, "mediate": 3.0, "host": 4.0}),
        EventType("SUPPORT", "05", 1, 5.0, False, "praise, endorse, thank, express support or solidarity",
                  {"endorse": 5.0, "sign": 5.0, "thank": 4.0}),
        EventType("CONCEDE", "08", 1, 4.5, False, "concede, yield, ease restrictions, accept demands",
                  {"ease": 4.5, "accept": 4.5}),
        EventType("COOPERATE", "06", 2, 9.5, True, "material cooperation: joint action, exchange, military or economic cooperation",
                  {"military": 9.5, "economic": 9.5, "intelligence": 9.5, "judicial": 9.5}),
        EventType("AID", "07", 2, 10.0, True, "provide aid: humanitarian, military, economic, asylum",
                  {"humanitarian": 10.0, "military": 10.0, "economic": 10.0, "asylum": 10.0}),
        EventType("RETREAT", "08", 2, 6.5, False, "withdraw, release, disarm, cease fire, allow access, resign",
                  {"withdraw": 8.0, "release": 6.5, "disarm": 10.0, "ceasefire": 7.5, "access": 6.5, "resign": 4.5}),
        EventType("REQUEST", "10", 3, 0.0, False, "demand, appeal, call for, urge",
                  {"assist": 0.5, "change": -1.0, "yield": -1.0, "meet": 0.0}),
        EventType("ACCUSE", "11", 3, -2.0, False, "accuse, condemn, criticise, investigate",
                  {"disapprove": -2.0, "investigate": -3.5, "allege": -3.5}),
        EventType("REJECT", "12", 3, -2.0, False, "reject, refuse, deny, veto",
                  {"assist": -1.5, "change": -2.0, "yield": -2.0, "meet": -2.0}),
        EventType("THREATEN", "13", 3, -3.5, False, "threaten, warn of, vow to retaliate, give an ultimatum",
                  {"restrict": -3.0, "arrest": -3.5, "relations": -3.5, "expel": -3.5, "territory": -4.0,
                   "violence": -3.5}),
        EventType("PROTEST", "14", 4, -5.0, False, "demonstrate, riot, strike, boycott, obstruct",
                  {"demo": -5.0, "riot": -7.0, "strike": -5.0, "hunger": -4.5, "boycott": -4.5, "obstruct": -4.5,
                   "vandalize": None}),
        EventType("SANCTION", "16", 4, -6.0, True, "sanction, cut ties, expel diplomats, convict",
                  {"convict": -6.0, "expel": -5.5, "withdraw": -6.0, "discontinue": -6.0}),
        EventType("MOBILIZE", "15", 4, -5.5, False, "deploy, mobilise or put on alert troops, weapons, police, militia",
                  {"troops": -6.5, "weapons": -6.5, "police": -5.5, "militia": -6.0}),
        EventType("COERCE", "17", 4, -7.0, False, "arrest, detain, seize, restrict, deport, censor, curfew, besiege",
                  {"seize": -7.0, "restrict": -7.0, "arrest": -7.0, "detain": -7.0, "deport": -7.0, "withhold": -7.0,
                   "cyber": -7.0, "censor": -6.5, "curfew": -6.5, "misinformation": -6.5, "martial-law": -7.5}),
        EventType("ASSAULT", "18", 4, -9.0, False, "use of force: attack, kill, bomb, shell, abduct, clash",
                  {"abduct": -8.5, "torture": -8.5, "sexual": -8.5, "destroy": -8.5, "beat": -7.5,
                   "crowd-control": -7.5, "primitive": -8.0, "firearms": -9.0, "explosives": -9.0,
                   "targeted": -9.5, "suicide-attack": -9.5, "aerial": -9.5, "drone": -9.5,
                   "heavy-weapons": -9.5, "unconventional": -10.0}),
    ]
}

PLOVER_TYPES: list[str] = list(EVENT_TYPES)
EVENT_MODES: list[str] = sorted({m for t in EVENT_TYPES.values() for m in t.modes})

# CAMEO roots chosen by mode where a PLOVER type spans several roots.
_CAMEO_BY_MODE: dict[tuple[str, str], str] = {
    ("ACCUSE", "investigate"): "09",
    ("ASSAULT", "firearms"): "19",
    ("ASSAULT", "heavy-weapons"): "19",
    ("ASSAULT", "aerial"): "19",
    ("ASSAULT", "unconventional"): "20",
    ("RETREAT", "release"): "08",
}


def cameo_root(event_type: str, mode: str | None = None) -> str:
    """The CAMEO root code ("01".."20") for a PLOVER type and optional mode."""
    return _CAMEO_BY_MODE.get((event_type, mode or ""), EVENT_TYPES[event_type].cameo_root)


def quad_class(event_type: str) -> int:
    """PLOVER/GDELT quad class 1..4 of an event type."""
    return EVENT_TYPES[event_type].quad_class


def intensity(event_type: str, mode: str | None = None) -> float:
    """PLOVER intensity (Goldstein-like, -10..+10): the mode's score where it has one, else the type's."""
    t = EVENT_TYPES[event_type]
    score = t.modes.get(mode or "")
    return float(score if score is not None else t.score)


SECTORS: dict[str, str] = {
    "GOV": "government, executive, ministries, heads of state",
    "MIL": "armed forces of a state",
    "COP": "police and internal security",
    "JUD": "judiciary, courts, prosecutors",
    "LEG": "legislature, parliament",
    "OPP": "political opposition",
    "REB": "rebels seeking to take over a state or territory",
    "INS": "insurgents, jihadist and terrorist organisations",
    "SPY": "intelligence services",
    "MED": "media, journalists",
    "EDU": "education",
    "BUS": "business, companies",
    "CVL": "civilians, protesters, the public",
    "HLH": "health workers and organisations",
    "REF": "refugees and displaced people",
    "LAB": "labour unions",
    "IGO": "intergovernmental organisations",
    "NGO": "non-governmental organisations",
    "UAF": "unaligned armed forces, militias",
    "CRM": "criminals, gangs",
}

ACTOR_KINDS: dict[str, str] = {
    "person": "a named individual",
    "organization": "a company, party or other organisation",
    "state": "a state or one of its institutions (government, military, police ...)",
    "armed_group": "a non-state armed group",
    "igo": "an intergovernmental organisation",
    "ngo": "a non-governmental organisation",
    "media": "a news organisation",
    "other": "a collective such as civilians or protesters",
}

FEATURE_KINDS: dict[str, str] = {
    "country": "a country",
    "admin1": "a first-level division (province, state, region)",
    "admin2": "a second-level division (district, county)",
    "city": "a populated place",
    "feature": "a mountain, river, sea, region, site or border area",
    "region": "part of a country named by direction (\"northern Syria\"): centre moved toward that side of the country"
}

LOCATION_PRECISIONS: list[str] = ["point", "admin2", "admin1", "region", "country"]
DATE_PRECISIONS: list[str] = ["day", "week", "month", "year"]
# text: a date expression of the event's sentence; context: no date there, so the article's news peg (the
# latest day-precise date of an earlier sentence within the week before publication); publication / capture:
# the article's own date
DATE_SOURCES: list[str] = ["text", "context", "publication", "capture"]
MODALITIES: list[str] = ["asserted", "negated", "future", "hypothetical", "reported"]


# What became of each URL (or local file/record) a run saw: the ``outcome`` column of ``fetches``.
FETCH_OUTCOMES: dict[str, str] = {
    "fetched": "HTTP 200 with an accepted content type; raw response kept",
    "read": "local file, JSONL record or WARC record read",
    "resumed": "fetched by an earlier run that did not publish; re-read from its raw record",
    "not_modified": "conditional GET answered 304",
    "unchanged": "refetched, same content hash as the ledger",
    "skipped_known": "already in the fetch ledger; not requested",
    "duplicate_url": "same canonical URL seen earlier in this run",
    "over_limit": "over the source's max_articles; left for the next run",
    "robots_disallowed": "robots.txt disallows it (or robots.txt was unavailable)",
    "too_large": "body over max_bytes, before or after decompression (incl. decompression bombs)",
    "wrong_type": "not HTML (or not a feed/sitemap where one was expected), by header or by sniffing",
    "timeout": "no complete response within the timeout, after retries",
    "connection_error": "connection refused or reset, after retries",
    "http_error": "final HTTP status other than 200/304 (after retries for 429 and 5xx)",
    "blocked_address": "host resolves to a loopback/private/link-local/multicast/reserved address",
    "redirect_loop": "a redirect leads back to a URL already in the chain",
    "too_many_redirects": "more than max_redirects redirects",
    "dns_error": "host name does not resolve",
    "invalid_url": "not an http(s) URL",
    "bad_encoding": "content-encoding is corrupt or unsupported",
    "unreadable": "local file or record that cannot be read (reason in detail)",
    "error": "unexpected failure (detail has the exception)",
}
# outcomes that hand a page to extraction
RETRIEVED_OUTCOMES: list[str] = ["fetched", "read", "resumed"]
FETCH_ROLES: dict[str, str] = {
    "article": "an article candidate",
    "page": "a URL given as a source (an article, or a feed/sitemap recognised by its content)",
    "feed": "RSS/Atom feed", "sitemap": "XML/text sitemap or sitemap index", "home": "a site's home page",
    "robots": "robots.txt", "urllist": "a remote URL list",
    "file": "a local file or record",
}


def _country_codes() -> list[str]:
    import csv  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    path = Path(__file__).resolve().parent.parent / "data" / "dictionaries" / "countries.tsv"
    with open(path, encoding="utf-8") as f:
        rows = csv.DictReader((ln for ln in f if not ln.startswith("#")), delimiter="\t")
        return sorted({r["iso3"] for r in rows if r.get("iso3")})


# ISO 3166-1 alpha-3 codes of data/dictionaries/countries.tsv (plus XKX for Kosovo where listed)
COUNTRY_CODES: list[str] = _country_codes()
