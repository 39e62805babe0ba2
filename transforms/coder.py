"""The coder: article texts -> actors, locations, events and mentions (plain records).

Per article: spaCy parse (``nlp.pipe``), actor mentions from the entity ruler + NER + sector nouns
("Iraqi forces" -> IRQ MIL), persons with roles from their titles and in-page coreference of short and
variant spellings, places through the gazetteer with the page's country focus, and events from the
trigger lexicon (data/lexicon.yaml) with roles read off the dependency parse, dates resolved against the
publication date, counts of killed/injured/arrested and a modality.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Doc, Span, Token

from schemas.codes import EVENT_TYPES, cameo_root, intensity, quad_class
from transforms.counts import parse_count
from transforms.dates import resolve_date
from transforms.gazetteer import Gazetteer, Place
from transforms.gazetteer import norm as norm_name
from transforms.nlp import Dictionaries, load_pipeline, normalise_text

# ------------------------------------------------------------------ vocabulary

SECTOR_NOUNS: dict[str, str] = {
    "government": "GOV", "authority": "GOV", "authorities": "GOV", "administration": "GOV", "ministry": "GOV",
    "cabinet": "GOV", "regime": "GOV", "official": "GOV", "officials": "GOV", "presidency": "GOV", "embassy": "GOV",
    "diplomat": "GOV", "minister": "GOV", "spokesman": "GOV", "spokeswoman": "GOV", "spokesperson": "GOV",
    "ombudsman": "GOV", "backer": "GOV", "backers": "GOV",
    "broadcaster": "MED", "newspaper": "MED",
    "gang": "CRM", "gangs": "CRM", "smuggler": "CRM", "trafficker": "CRM",
    "guerrilla": "REB", "militiaman": "REB", "militiamen": "REB", "bomber": "INS", "gunman": "INS", "gunmen": "INS",
    "assailant": "INS", "tank": "MIL", "helicopter": "MIL", "bulldozer": "MIL", "extremist": "INS", "militia": "UAF", "militias": "UAF",
    "separatist": "REB", "separatists": "REB",
    "military": "MIL", "army": "MIL", "force": "MIL", "forces": "MIL", "troops": "MIL", "troop": "MIL", "soldier": "MIL",
    "navy": "MIL", "junta": "MIL", "militaries": "MIL", "guard": "MIL", "guards": "MIL", "defences": "MIL", "defenses": "MIL",
    "police": "COP", "policeman": "COP", "policemen": "COP",
    "court": "JUD", "judge": "JUD", "judiciary": "JUD", "prosecutor": "JUD",
    "parliament": "LEG", "lawmaker": "LEG", "legislator": "LEG", "senate": "LEG", "congress": "LEG",
    "opposition": "OPP", "rebel": "REB", "insurgent": "INS", "militant": "INS", "jihadist": "INS",
    "civilian": "CVL", "protester": "CVL", "demonstrator": "CVL", "resident": "CVL", "villager": "CVL",
    "refugee": "REF", "journalist": "MED", "reporter": "MED", "doctor": "HLH", "medic": "HLH",
    "serviceman": "MIL", "servicemen": "MIL", "aircraft": "MIL", "jet": "MIL", "warplane": "MIL", "warship": "MIL",
    "negotiator": "GOV", "youth": "CVL",
    "leader": "GOV", "leadership": "GOV", "president": "GOV", "envoy": "GOV", "ambassador": "GOV",
    "delegation": "GOV", "delegate": "GOV",
    "officer": "COP", "detainee": "CVL", "inmate": "CVL", "national": "CVL", "nationals": "CVL", "citizen": "CVL",
}
SECTOR_NAMES = {"GOV": "government", "MIL": "military", "COP": "police", "JUD": "judiciary", "LEG": "parliament",
                "OPP": "opposition", "REB": "rebels", "INS": "militants", "CVL": "civilians", "REF": "refugees",
                "MED": "media", "HLH": "health workers", "EDU": "students", "SPY": "intelligence", "BUS": "businesses",
                "LAB": "workers", "CRM": "criminal gangs", "UAF": "militias"}
PROTESTER_NOUNS = {"protester", "demonstrator"}
HARM_ONLY = {"kill", "killing", "die", "death", "injure", "wound", "hurt", "dead"}  # harm, no attack as such
ATTACK_EVIDENCE = {"bomb", "bombing", "explosion", "blast", "device", "ied", "mine", "minefield", "landmine", "rocket",
                   "mortar", "shell", "shelling", "gunfire", "gunman", "gunmen", "attack", "strike", "airstrike",
                   "ambush", "raid", "grenade", "missile", "drone", "sniper", "shooting", "bomber", "assailant",
                   "attacker", "militant", "explosive", "artillery", "gunshot", "stabbing"}
PROPERTY_NOUNS = {"home", "house", "building", "village", "property", "shop", "farm", "field", "crop", "goods",
                  "product", "business", "school", "hospital", "mosque", "church", "market", "orchard", "land", "site",
                  "website"}
SIDE_HEADS = {"leader", "leadership", "commander", "spokesman", "spokeswoman", "spokesperson", "official", "member",
              "chief", "delegation", "negotiator", "envoy"}
ENGAGED_VERBS = {"involve", "engage", "embroil", "entangle", "mire", "lock", "caught"}
SPEECH_ACT_TYPES = {"ACCUSE", "REQUEST", "REJECT", "SUPPORT", "THREATEN"}
OFFER_ADJS = {"ready", "willing", "prepared", "open"}
CARRIED_PREPS = {"against", "on", "into", "upon", "targeting"}
ATTRIBUTIVE_PARTICIPLES = {"oppose", "ally", "link", "affiliate", "align", "loyal", "commit", "devote", "tie"}
ETHNIC_SECTORS = {"CVL", "REB", "INS", "OPP", "REF"}  # a people, its fighters, parties and refugees
DEMONYM_ROLES = {"nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "dative"}
CIVILIAN_VICTIMS = {"people", "person", "civilian", "resident", "villager", "child", "woman", "man", "worker",
                    "student", "passenger", "family", "displaced"}
GOV_TITLES = {"president", "minister", "premier", "chancellor", "spokesman", "spokeswoman", "spokesperson",
              "ambassador", "envoy", "secretary", "governor", "mayor", "king", "emir", "prince", "official",
              "ombudsman", "diplomat", "senator", "deputy", "leader", "head", "chief", "foreign", "prime",
              "counterpart", "vice", "monarch", "sultan", "sheikh"}
MIL_TITLES = {"general", "gen.", "colonel", "col.", "commander", "admiral", "major", "lieutenant", "captain",
              "brigadier", "marshal", "sergeant", "defence", "defense"}
MIL_COMPOUNDS = {"defence", "defense", "war", "armed", "army", "military", "security"}
SPEECH_VERBS = {"say", "tell", "report", "claim", "allege", "state", "announce", "confirm", "add", "insist",
                "write", "declare", "note", "quote"}
# speech verbs that make a demand of the subject of their "... must ..." clause
OBLIGATION_SPEECH = SPEECH_VERBS | {"reiterate", "repeat", "direct", "conclude", "stress", "say", "tell", "insist"}
# types where "A and B <verb>" with no object means each side acted on the other
TITLE_NOUNS = {"minister", "spokesman", "spokeswoman", "spokesperson", "ombudsman", "diplomat"}
PLEDGE_TYPES = {"AID", "RETREAT", "CONCEDE", "COOPERATE"}
# REQUEST modes by what is asked for (PLOVER): to give way, to help, to meet; anything else is a change
REQUEST_MODES = {"RETREAT": "yield", "CONCEDE": "yield", "AGREE": "yield", "AID": "assist", "COOPERATE": "assist",
                 "CONSULT": "meet"}
DENIAL_VERBS = {"deny", "refute", "dismiss"}  # "denies supporting X": the event is denied, not asserted
SPEAKER_PRONOUNS = {"he", "she", "it", "they", "we", "i"}  # "X said it would ...": the speaker
# cooperative types whose negation by their own actor is a refusal: PLOVER REJECT with this mode
REFUSAL_MODES = {"AGREE": None, "CONCEDE": "yield", "AID": "assist", "CONSULT": "meet", "COOPERATE": None}
THREAT_MODES = {"ASSAULT": "violence", "MOBILIZE": "violence", "COERCE": "restrict", "SANCTION": "restrict",
                "PROTEST": None}
# types whose target is never "the country where it happened" (victims, detainees, the attacked)
PLACE_TARGET_EXCLUDED = {"ASSAULT", "COERCE", "MOBILIZE"}
PROTEST_WORDS = {"protest", "protester", "demonstration", "demonstrator", "march", "marcher", "rally", "riot",
                 "rioter", "sit-in"}
CROWD_NOUNS = {"people", "person", "crowd", "demonstrator", "protester", "marcher", "man", "woman", "youth",
               "student", "rioter"}
FORCE_NOUNS = {"troop", "troops", "force", "forces", "soldier", "army", "unit", "contingent", "battalion", "brigade",
               "division", "fighter", "militia"}
REPEL_VERBS = {"repel", "repulse", "thwart", "foil", "fend", "beat", "resist", "withstand", "survive"}
GOVERNMENT_NOUNS = {"government", "ministry", "minister", "president", "cabinet", "administration", "regime",
                    "authority", "authorities", "official", "leader", "presidency"}
REGIONAL_ADJS = {"western", "arab", "european", "african", "asian", "gulf", "latin", "nordic", "baltic",
                 "foreign", "international"}
# "two hours of talks", "a wave of attacks": the measure stands where the event noun would
MEASURE_NOUNS = {"hour", "day", "week", "month", "year", "round", "series", "wave", "night", "spate", "string"}
# "the two ministers": nouns whose "the two ..." refers back to two people (or two states or groups)
PAIR_NOUNS = {**dict.fromkeys(("ministers", "men", "women", "leaders", "presidents", "officials", "envoys",
                               "diplomats", "counterparts"), "person"),
              **dict.fromkeys(("countries", "governments", "neighbours", "neighbors", "nations", "states"), "state"),
              **dict.fromkeys(("sides", "groups", "parties"), "other")}
# a reaction to an act named before ("welcomed the sanctions", "condemned the attack") targets its doer
REACTION_TYPES = {"SUPPORT", "ACCUSE", "REJECT", "THREATEN", "ASSAULT", "CONCEDE", "AGREE"}
REACTED_ACTS: dict[str, set[str]] = {"plan": {"AGREE", "REQUEST", "CONSULT", "COOPERATE"},
                                     "proposal": {"AGREE", "REQUEST", "CONSULT", "COOPERATE"},
                                     "decision": set(), "move": set(), "step": set(), "measure": set(),
                                     "violence": {"ASSAULT"}, "killing": {"ASSAULT"}, "killings": {"ASSAULT"},
                                     "arrests": {"COERCE"}, "detentions": {"COERCE"}, "ban": {"COERCE", "SANCTION"},
                                     "penalty": {"SANCTION"}, "penalties": {"SANCTION"}}
RETALIATION_LEMMAS = {"retaliate", "avenge", "respond", "revenge", "retaliation", "response"}
SYMMETRIC_TYPES = {"CONSULT", "AGREE", "COOPERATE", "RETREAT", "ASSAULT", "SUPPORT"}
# verbs whose subject is the agent of their nominal object ("X launched an offensive", "X imposed sanctions");
# after any other verb the object's agent is not the subject ("residents fled the operation", "X condemned
# the attack")
LIGHT_VERBS = {"launch", "carry", "conduct", "stage", "mount", "begin", "step", "lead", "order", "intensify",
               "continue", "resume", "escalate", "make", "issue", "hold", "impose", "announce", "level", "lodge",
               "sign", "reach", "give", "provide", "offer", "deliver", "send", "deploy", "wage", "fight", "plan",
               "undertake", "unleash", "perpetrate", "commit", "file", "express", "extend", "grant", "approve",
               "adopt", "introduce", "expand", "tighten", "host", "start", "pursue", "renew", "reiterate", "repeat", "direct",
               "organise", "organize", "take", "claim", "have", "do", "keep", "maintain", "sustain", "broker",
               "mediate", "propose", "put", "set", "declare", "allow", "block", "lift", "ease", "open", "pay",
               "complete", "finish"}
FUTURE_GOVERNORS = {"vow", "swear", "threaten", "plan", "aim", "seek", "hope", "intend", "promise", "pledge", "prepare",
                    "want", "try", "attempt", "expect", "agree", "warn"}
NOT_PLACES = {"exit", "menu", "home", "share", "subscribe", "login"}
PLACE_NOUNS = {"city", "town", "village", "district", "province", "region", "camp", "capital", "outskirts", "suburb",
               "neighbourhood", "neighborhood", "area", "port", "state", "county", "governorate", "territory"}
NAME_PARTICLES = {"dos", "da", "das", "do", "de", "del", "della", "di", "du", "van", "von", "der", "bin", "ibn", "bint",
                  "al", "el", "le", "la", "y", "e"}
ADMIN_NOUNS = {"region", "province", "oblast", "governorate", "district", "state", "territory", "county",
               "prefecture", "department"}
DIRECTION_NOUNS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}
INSTITUTION_NOUNS = {"those", "embassy", "embassies", "government", "governments", "leader", "leaders", "president", "ministry",
                     "ministries", "minister", "ministers", "envoy", "envoys", "ambassador", "ambassadors",
                     "delegation", "delegations", "authorities", "parliament", "king", "officials", "representatives"}
# words that make an unlisted organisation name a unit of a state's forces/agencies (folded into the parent)
UNIT_WORDS = {"guard": "MIL", "army": "MIL", "division": "MIL", "brigade": "MIL", "battalion": "MIL",
              "regiment": "MIL", "command": "MIL", "corps": "MIL", "navy": "MIL", "air force": "MIL",
              "forces": "MIL", "police": "COP", "gendarmerie": "COP", "ministry": "GOV", "treasury": "GOV",
              "department": "GOV"}
CREDIT_LINE = re.compile(r"^\W*(?:\(?(?:additional )?reporting|writing|editing|compiled|produced) by\b", re.I)
TITLE_AFTER_ORG = {"minister", "secretary", "spokesman", "spokeswoman", "spokesperson", "chief", "commander"}
DIRECTION = re.compile(r"^(northern|southern|eastern|western|north-eastern|north-western|south-eastern|south-western|"
                       r"northeastern|northwestern|southeastern|southwestern|central|upper|lower|greater)\s+", re.I)
PLACE_SUFFIX = re.compile(r"\s+(province|governorate|state|region|district|territory|oblast|county|prefecture|city)$", re.I)
LOCATIVE_PREPS = {"in", "at", "near", "across", "along", "around", "inside", "outside", "throughout", "into",
                  "from", "to", "toward", "towards", "within", "over", "between", "through"}


def stable_id(*parts: Any) -> str:
    """16-hex deterministic id from parts."""
    return hashlib.sha1("|".join("" if p is None else str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Normalised name for identity: no diacritics, casefolded, ASCII apostrophes, 'al ' == 'al-'."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).translate(str.maketrans("\u2019\u2018", "''"))
    s = re.sub(r"\s+", " ", s.casefold().replace(".", "")).strip()
    s = re.sub(r"^the ", "", s)
    return re.sub(r"\bal[\s-]+(?=\w)", "al-", s)


# ------------------------------------------------------------------ records

@dataclass
class Actor:
    """An actor as coded: identity is (kind, country, sector, canonical name)."""

    name: str
    kind: str
    country_code: str | None
    sector: str | None
    aliases: set[str] = field(default_factory=set)
    affiliation: str | None = None
    wikidata_qid: str | None = None
    origin: str = "ner"

    @property
    def actor_id(self) -> str:
        return stable_id("actor", self.kind, self.country_code, self.sector, name_key(self.name))

    def record(self) -> dict[str, Any]:
        aliases = sorted(a for a in self.aliases if name_key(a) != name_key(self.name))
        return {"actor_id": self.actor_id, "name": self.name, "kind": self.kind, "country_code": self.country_code,
                "sector": self.sector, "aliases": aliases, "affiliation": self.affiliation,
                "wikidata_qid": self.wikidata_qid, "origin": self.origin}


def location_record(p: Place) -> dict[str, Any]:
    """Place -> locations row."""
    lid = f"gn:{p.geonames_id}" if p.geonames_id else stable_id("loc", p.name, p.country_code)
    return {"location_id": lid, "name": p.name, "country_code": p.country_code, "latitude": p.latitude,
            "longitude": p.longitude, "feature_kind": p.feature_kind, "geonames_id": p.geonames_id or None,
            "admin1": p.admin1, "feature_code": p.feature_code, "precision": p.precision}


@dataclass
class Mention:
    """An actor mention in a doc: token span [start, end)."""

    actor: Actor
    start: int
    end: int
    text: str


@dataclass
class PlaceMention:
    place: Place
    start: int
    end: int
    text: str


@dataclass
class CodedArticle:
    """Everything the coder produced for one article."""

    actors: dict[str, dict[str, Any]] = field(default_factory=dict)
    locations: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    actor_mentions: list[dict[str, Any]] = field(default_factory=list)
    location_mentions: list[dict[str, Any]] = field(default_factory=list)


# ------------------------------------------------------------------ lexicon

@dataclass
class Trigger:
    """A lexicon entry."""

    lemma: str
    pos: str  # verb | noun
    type: str
    mode: str | None
    count: str | None
    with_: set[str]
    requires_actor_object: bool
    requires_modifier: bool
    source: list[str]
    target: list[str]
    senses: list[Trigger] = field(default_factory=list)  # conditional senses tried before this one
    subject: set[str] = field(default_factory=set)  # the trigger only counts with one of these as its subject
    after: str | None = None  # ... and only after an event of this type in the sentences just before

    def sense_for(self, objs: set[str]) -> Trigger | None:
        """The first sense whose ``with`` lemmas meet ``objs`` (or that has none)."""
        for t in (*self.senses, self):
            if not t.with_ or objs & t.with_:
                return t
        return None


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects a key repeated in one mapping (PyYAML would keep the last silently)."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ValueError(f"lexicon: key {key!r} appears twice (line {key_node.start_mark.line + 1}); "
                             "give one entry or a list of senses")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def load_lexicon(path: Path) -> dict[tuple[str, str], Trigger]:
    """data/lexicon.yaml -> {(pos, lemma): Trigger}. Raises ValueError on unknown types, modes or keys and on a
    lemma given twice. A lemma may have several senses (a list): the conditional ones (``with``) are tried in
    order before the last, which is the entry returned here (``Trigger.senses`` holds the others)."""
    with open(path, encoding="utf-8") as f:
        raw = yaml.load(f, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    defaults = raw["defaults"]
    out: dict[tuple[str, str], Trigger] = {}
    allowed = {"type", "mode", "count", "with", "requires_actor_object", "requires_modifier", "roles", "subject",
               "after"}

    def parse(section: str, pos: str, lemma: str, e: dict[str, Any]) -> Trigger:
        unknown = set(e) - allowed
        if unknown:
            raise ValueError(f"lexicon {section}.{lemma}: unknown keys {sorted(unknown)}")
        et = EVENT_TYPES.get(e["type"])
        if et is None:
            raise ValueError(f"lexicon {section}.{lemma}: unknown type {e['type']!r}")
        if e.get("mode") and e["mode"] not in et.modes:
            raise ValueError(f"lexicon {section}.{lemma}: mode {e['mode']!r} is not a mode of {e['type']}")
        if e.get("count") not in (None, "killed", "injured", "arrested"):
            raise ValueError(f"lexicon {section}.{lemma}: count must be killed, injured or arrested")
        if any(not isinstance(w, str) for w in e.get("with") or []):  # YAML reads a bare on/off/yes/no as a bool
            raise ValueError(f"lexicon {section}.{lemma}: `with` values must be words; quote on, off, yes, no")
        roles = e.get("roles") or {}
        if e.get("after") is not None and e["after"] not in EVENT_TYPES:
            raise ValueError(f"lexicon {section}.{lemma}: `after` must be an event type")
        return Trigger(
            subject=set(e.get("subject") or []), after=e.get("after"),
            lemma=lemma, pos=pos, type=e["type"], mode=e.get("mode"), count=e.get("count"),
            with_=set(e.get("with") or []), requires_actor_object=bool(e.get("requires_actor_object")),
            requires_modifier=bool(e.get("requires_modifier")),
            source=list(roles.get("source") or defaults[pos]["source"]),
            target=list(roles.get("target") or defaults[pos]["target"]))

    for section, pos in (("verbs", "verb"), ("nouns", "noun")):
        for lemma, e in (raw.get(section) or {}).items():
            entries = e if isinstance(e, list) else [e]
            senses = [parse(section, pos, str(lemma), x) for x in entries]
            if any(not x.with_ for x in senses[:-1]):
                raise ValueError(f"lexicon {section}.{lemma}: every sense but the last needs `with`")
            senses[-1].senses = senses[:-1]
            out[(pos, str(lemma))] = senses[-1]
    return out


# ------------------------------------------------------------------ the coder

class Coder:
    """Load once (model, dictionaries, gazetteer, lexicon), then ``code(articles)`` in batches."""

    def __init__(self, data_dir: Path, gazetteer: Gazetteer, batch_size: int = 16) -> None:
        self.data_dir = data_dir
        self.dicts = Dictionaries.load(data_dir)
        self.nlp = load_pipeline(data_dir, self.dicts)
        self.gaz = gazetteer
        self.lexicon = load_lexicon(data_dir / "lexicon.yaml")
        self.multiword_nouns = {k[1]: v for k, v in self.lexicon.items() if k[0] == "noun" and " " in k[1]}
        self.batch_size = batch_size
        self.adj_to_iso = {a.lower(): iso for iso, c in self.dicts.countries.items() for a in c["adjectives"]}

    # ---------------------------------------------------------------- public
    def code(self, articles: Iterable[dict[str, Any]]) -> Iterator[tuple[str, CodedArticle]]:
        """(article_id, CodedArticle) for each ``{"article_id", "text", "published_date"[, "title"]}``.
        The title is not coded for events; a person it names in another spelling of a person of the text
        becomes an alias of that person (headline "al-Mazroui ... Qader", body "al-Majouri ... Qadir")."""
        items = list(articles)
        texts = (normalise_text(a["text"] or "") for a in items)
        docs = self.nlp.pipe(texts, batch_size=self.batch_size)
        for art, doc in zip(items, docs, strict=True):
            coded = self.code_doc(art, doc)
            if art.get("title"):
                self._title_aliases(normalise_text(art["title"]), coded)
            yield art["article_id"], coded

    def _title_aliases(self, title: str, coded: CodedArticle) -> None:
        persons = [a for a in coded.actors.values() if a["kind"] == "person"]
        if not persons:
            return
        with self.nlp.select_pipes(enable=["tok2vec", "ner"]):
            tdoc = self.nlp(title)
        self._join_names(tdoc)
        for ent in tdoc.ents:
            if ent.label_ != "PERSON":
                continue
            name = re.sub(r"'s?$", "", ent.text).strip()
            for a in persons:
                if name_key(name) != name_key(a["name"]) and _same_person(name, a["name"], set(a["aliases"])):
                    a["aliases"] = sorted(set(a["aliases"]) | {name})
                    break

    # ---------------------------------------------------------------- per doc
    def code_doc(self, art: dict[str, Any], doc: Doc) -> CodedArticle:
        """Code one parsed article."""
        text: str = art["text"]
        published: date | None = art.get("published_date")
        out = CodedArticle()
        focus = self._focus_countries(doc)
        mentions, places = self._mentions(doc, focus, published)
        by_token: dict[int, Mention] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                by_token[i] = m
        place_by_token: dict[int, PlaceMention] = {}
        for p in places:
            for i in range(p.start, p.end):
                place_by_token[i] = p
        sent_index = {s.start: i for i, s in enumerate(doc.sents)}
        sent_of = {}
        for s in doc.sents:
            for t in s:
                sent_of[t.i] = (sent_index[s.start], s)

        def add_actor(a: Actor) -> str:
            rec = out.actors.get(a.actor_id)
            if rec is None:
                out.actors[a.actor_id] = a.record()
            else:
                rec["aliases"] = sorted(set(rec["aliases"]) | {x for x in a.aliases if name_key(x) != name_key(a.name)})
            return a.actor_id

        for m in mentions:
            aid = add_actor(m.actor)
            span = doc[m.start:m.end]
            out.actor_mentions.append({"article_id": art["article_id"], "actor_id": aid, "mention": text[span.start_char:span.end_char],
                                       "sentence_index": sent_of[m.start][0], "start_char": span.start_char, "end_char": span.end_char})
        for p in places:
            rec = location_record(p.place)
            out.locations[rec["location_id"]] = rec
            span = doc[p.start:p.end]
            out.location_mentions.append({"article_id": art["article_id"], "location_id": rec["location_id"],
                                          "mention": text[span.start_char:span.end_char],
                                          "sentence_index": sent_of[p.start][0], "start_char": span.start_char,
                                          "end_char": span.end_char})
        ctx = _DocContext(self, doc, text, published, focus, by_token, place_by_token, sent_of)
        for ev in ctx.events():
            for a in (ev.pop("_source_actor"), ev.pop("_target_actor")):
                if a is not None:
                    add_actor(a)
            ev["article_id"] = art["article_id"]
            ev["event_id"] = stable_id("event", art["article_id"], ev["sentence_index"], ev["trigger_start"],
                                       ev["event_type"], ev["source_actor_id"], ev["target_actor_id"])
            if ev["location_id"] and ev["location_id"] not in out.locations:
                out.locations[ev["location_id"]] = ev.pop("_location_record")
            ev.pop("_location_record", None)
            out.events.append(ev)
        seen = set()
        out.events = [e for e in out.events if not (e["event_id"] in seen or seen.add(e["event_id"]))]
        out.events = _merge_anaphora(out.events, doc)
        for e in out.events:
            unknown = e.pop("_unknown_attacker", None)
            if unknown is None or e["source_actor_id"] is not None or any(
                    o["sentence_index"] == e["sentence_index"] and o["event_type"] == e["event_type"]
                    and o["source_actor_id"] is not None for o in out.events):
                continue  # an attacker named by another mention of the attack in the sentence is the attacker
            e["source_actor_id"] = add_actor(unknown)
            e["event_id"] = stable_id("event", art["article_id"], e["sentence_index"], e["trigger_start"],
                                      e["event_type"], e["source_actor_id"], e["target_actor_id"])
        return out

    # ---------------------------------------------------------------- helpers
    def _focus_countries(self, doc: Doc) -> list[str]:
        """Countries the page is about: counts of country names and adjectives, first sentences weighted."""
        c: Counter[str] = Counter()
        for ent in doc.ents:
            kind, _, val = ent.ent_id_.partition(":")
            if kind in ("country", "adj") and not _stance(doc[ent.start]):
                c[val] += 3 if ent.start < 80 else 1
        return [iso for iso, _ in c.most_common(3)]

    def state_actor(self, iso: str, sector: str, surface: str | None = None, protesters: bool = False) -> Actor:
        """The (country, sector) actor, named '<Adjective> <sector word>'."""
        c = self.dicts.countries[iso]
        adj = c["adjectives"][0] if c["adjectives"] else c["name"]
        word = "protesters" if protesters else SECTOR_NAMES.get(sector, sector.lower())
        kind = "state" if sector in {"GOV", "MIL", "COP", "JUD", "LEG", "SPY"} else "other"
        a = Actor(f"{adj} {word}", kind, iso, sector, origin="dictionary")
        if c["name"] != adj:
            a.aliases.add(f"{c['name']} {word}")  # "American military" is also "United States military"
        if sector == "GOV":
            a.aliases.add(c["name"])
        if surface:
            a.aliases.add(surface)
        return a

    def unidentified_armed_group(self, iso: str) -> Actor:
        """The unknown perpetrator of an attack in a country: ACLED's 'Unidentified Armed Group (Iraq)', the
        GSR's country + UAF for a roadside bomb."""
        return Actor(f"Unidentified armed group ({self.dicts.countries[iso]['name']})", "armed_group", iso, "UAF",
                     origin="inferred")

    def _org_actor(self, idx: int, surface: str, published: date | None = None) -> Actor:
        o = self.dicts.orgs[idx]
        if o.governs_since and o.country and published and published >= o.governs_since:
            a = self.state_actor(o.country, "GOV", surface)  # the Taliban in 2025: Afghanistan's government
            a.aliases.add(o.name)
            return a
        if o.fold and o.country:
            a = self.state_actor(o.country, o.sector or "GOV", surface)
            a.aliases.add(o.name)
            return a
        a = Actor(o.name, o.kind, o.country, o.sector, wikidata_qid=o.qid, origin="dictionary")
        a.aliases.update([*o.aliases[:6], surface])
        return a

    def _context(self, ent: Span, focus: list[str], places: list[PlaceMention]) -> list[str]:
        """Countries a toponym is placed in by its sentence: countries of places already resolved there
        (neighbouring toponyms), countries named as places there ("in Syria"), and countries or adjectives
        that qualify a place word ("Russia's Kursk region", "the Sudanese city of ..."). Adjectives of actors
        ("Russian forces") are not evidence of where a place is."""
        sent = ent.sent
        out = [p.place.country_code for p in sorted(places, key=lambda p: abs(p.start - ent.start))
               if sent.start <= p.start < sent.end and p.place.country_code]
        for e in sorted(_sent_ents(sent), key=lambda e: abs(e.start - ent.start)):
            kind, _, iso = e.ent_id_.partition(":")
            if kind not in ("country", "adj"):
                continue
            head = e.root.head
            if (e.root.dep_ in ("poss", "amod", "compound") and (head.lemma_.lower() in PLACE_NOUNS or
                                                                 ent.start <= head.i < ent.end + 2)) or \
                    (kind == "country" and e.root.dep_ == "pobj" and head.lower_ in LOCATIVE_PREPS):
                out.append(iso)
        return list(dict.fromkeys(out))

    def _place_like(self, doc: Doc, ent: Span, ctx: list[str]) -> Place | None:
        """An ORG/PERSON entity the small model mislabelled that is really a place: a gazetteer name after a
        locative preposition or "city/town/camp of", or a prominent place of the page's countries."""
        if not ent.text[:1].isupper() or ent.text.lower() in NOT_PLACES or len(ent) > 4:
            return None
        hits = self.gaz.lookup(ent.text, [*ctx, *self._focus], ("country", "admin1", "admin2", "city", "feature"), ctx)
        if not hits:
            return None
        best = hits[0]
        head = ent.root
        while head.dep_ == "conj" and head.head.i != head.i:
            head = head.head
        prep = head.head if head.dep_ == "pobj" else None
        locative = prep is not None and (prep.lower_ in LOCATIVE_PREPS or (
            prep.lower_ == "of" and prep.head.lemma_.lower() in PLACE_NOUNS | DIRECTION_NOUNS))
        prev = doc[ent.start - 1] if ent.start > 0 else None
        if prev is not None and prev.lemma_.lower() in PLACE_NOUNS and prev.i + 1 == ent.start:
            locative = True  # "the city of El Fasher" (after 'of'), "camp Zamzam"
        if ent.end < len(doc) and doc[ent.end].lemma_.lower() in PLACE_NOUNS:
            locative = True  # "the Chapare region"
        prominent = best.country_code in [*ctx, *self._focus][:3] and (
            best.feature_kind in ("admin1", "feature") or best.population >= 50_000)
        if locative and (best.population >= 1000 or best.feature_kind != "city"):
            return best
        return best if prominent and ent.label_ == "ORG" else None

    def _expand_place(self, doc: Doc, ent: Span, ctx: list[str]) -> tuple[Span, Place] | None:
        """'Port' + 'Sudan' split by the tagger: try the entity with the next one or two capitalised tokens,
        or the previous one, as one toponym."""
        cands = []
        for k in (2, 1):
            end = ent.end + k
            if end <= len(doc) and all(t.text[:1].isupper() and t.is_alpha for t in doc[ent.end:end]):
                cands.append(doc[ent.start:end])
        if ent.start > 0 and doc[ent.start - 1].text[:1].isupper() and doc[ent.start - 1].is_alpha \
                and not doc[ent.start - 1].is_sent_start:
            cands.append(doc[ent.start - 1:ent.end])
        for span in cands:
            hits = [p for p in self.gaz.lookup(span.text, [*ctx, *self._focus], (), ctx) if p.feature_kind != "country"]
            if hits and norm_name(hits[0].name) == norm_name(span.text):
                return span, hits[0]
        return None

    def _directional(self, doc: Doc, start: int, place: Place) -> tuple[int, Place] | None:
        """'northern Syria', 'eastern Congo': a region of the place, its centre moved toward that side of
        the country's extent. Returns (new start token, derived place)."""
        if start == 0:
            return None
        word = doc[start - 1].lower_
        m = DIRECTION.match(word + " ")
        if not m or word in ("upper", "lower", "greater") or place.feature_kind not in ("country", "admin1"):
            return None
        ext = self.gaz.extent(place.country_code) if place.feature_kind == "country" else None
        lat, lon = place.latitude, place.longitude
        if lat is None or lon is None:
            return None
        if ext is not None:
            lat0, lat1, lon0, lon1 = ext
            lat, lon = (lat0 + lat1) / 2, (lon0 + lon1) / 2
            dlat, dlon = (lat1 - lat0) / 3, (lon1 - lon0) / 3
        else:
            dlat = dlon = 0.5
        if "north" in word:
            lat += dlat
        if "south" in word:
            lat -= dlat
        if "east" in word:
            lon += dlon
        if "west" in word:
            lon -= dlon
        name = f"{word} {place.name}"
        return start - 1, Place(0, name, place.country_code, round(lat, 4), round(lon, 4), "region", "RGN",
                                place.admin1, 0)

    @staticmethod
    def _join_names(doc: Doc) -> None:
        """Repair person names the tagger cut: "Bendito | dos | Santos Freitas" (name particles),
        "Mohammed Shia | ' al-Sudani" (an apostrophe), "Jassim al-Majouri | Abu Abdul Qadir" (a kunya)."""
        ents = _country_led_orgs(doc, list(doc.ents))
        out: list[Span] = []
        i = 0
        while i < len(ents):
            e = ents[i]
            if e.label_ in ("PERSON", "ORG") and not e.ent_id_:
                end = e.end
                while True:
                    nxt = next((x for x in ents[i + 1:] if x.start >= end), None)
                    gap = doc[end:nxt.start] if nxt is not None else None
                    if nxt is not None and nxt.label_ in ("PERSON", "ORG", "GPE") and not nxt.ent_id_ and \
                            0 < len(gap) <= 2 and all(t.lower_ in NAME_PARTICLES for t in gap):
                        end = nxt.end
                        i = ents.index(nxt)
                        continue
                    if nxt is not None and nxt.start == end and nxt.label_ == "PERSON" and not nxt.ent_id_ and \
                            e.label_ == "PERSON":  # "Mohammed Shia'" + "al-Sudani", "Jassim al-Majouri" + "Abu ..."
                        end = nxt.end
                        i = ents.index(nxt)
                        continue
                    k = end
                    if k + 1 < len(doc) and doc[k].text in ("'", "’") and doc[k + 1].text[:3].lower() in ("al-", "el-"):
                        end = k + 2
                        continue
                    if k < len(doc) and doc[k].text in ("Abu", "Umm") and k + 1 < len(doc) and doc[k + 1].text[:1].isupper():
                        end = k + 1
                        while end < len(doc) and doc[end].text[:1].isupper() and doc[end].is_alpha and end - k < 5:
                            end += 1
                        continue
                    break
                if end != e.end:
                    e = Span(doc, e.start, end, label="PERSON")
                elif e.label_ == "ORG":
                    out.append(e)
                    i += 1
                    continue
            out.append(e)
            i += 1
        kept, last = [], -1
        for e in out:
            if e.start >= last:
                kept.append(e)
                last = e.end
        doc.ents = kept
        doc.user_data.pop("_ents_by_sent", None)

    def _mentions(self, doc: Doc, focus: list[str], published: date | None = None
                  ) -> tuple[list[Mention], list[PlaceMention]]:
        self._focus = focus
        self._join_names(doc)
        mentions: list[Mention] = []
        places: list[PlaceMention] = []
        used: set[int] = set()
        persons: list[Actor] = []

        def claim(start: int, end: int) -> bool:
            if any(i in used for i in range(start, end)):
                return False
            used.update(range(start, end))
            return True

        skip_names = {s.start for s in doc.sents if CREDIT_LINE.match(s.text) or _is_heading(s)}
        for ent in doc.ents:
            kind, _, val = ent.ent_id_.partition(":")
            label = ent.label_
            ent = _strip_span(ent)
            if ent is None:
                continue
            if kind == "actor":
                if claim(ent.start, ent.end):
                    mentions.append(Mention(self._org_actor(int(val), ent.text, published), ent.start, ent.end, ent.text))
            elif kind == "adj":
                m = self._adjective_mention(doc, ent, val)
                if m and claim(m.start, m.end):
                    mentions.append(m)
            elif kind in ("country", "adj") and _stance(doc[ent.start]):
                continue  # "anti-Syria", "pro-Russian": neither an actor nor a place
            elif kind == "country":
                m = self._country_mention(doc, ent, val)
                if m is not None:
                    if claim(m.start, m.end):
                        mentions.append(m)
                else:
                    place = self.gaz.country(val)
                    if place is not None:
                        self._add_place(doc, ent.start, ent.end, place, places, claim)
            elif kind == "place" or label in ("GPE", "LOC", "FAC"):
                if ent.text.lower() in NOT_PLACES:
                    continue
                cap = self.dicts.capitals.get(ent.text.lower())
                if cap and _actor_position(ent.root):  # "Moscow agreed", "thanked Moscow and Kyiv"
                    if claim(ent.start, ent.end):
                        mentions.append(Mention(self.state_actor(cap, "GOV", ent.text), ent.start, ent.end, ent.text))
                    continue
                ctx = self._context(ent, focus, places)
                wider = self._expand_place(doc, ent, ctx) if kind != "place" else None
                if wider is not None:
                    self._add_place(doc, wider[0].start, wider[0].end, wider[1], places, claim)
                    continue
                place = self.resolve_place(ent.text, focus, doc, near=ctx)
                if place is not None:
                    self._add_place(doc, ent.start, ent.end, place, places, claim)
            elif label == "NORP" and not kind and ent.root.dep_ == "pobj" and ent.root.head.lower_ == "of" \
                    and ent.root.head.head.lemma_.lower() in PLACE_NOUNS and not self._demonym_country(ent.root.text):
                # "the town of Samarra" tagged as a people: a place
                place = self.resolve_place(ent.text, focus, doc, near=self._context(ent, focus, places))
                if place is not None:
                    self._add_place(doc, ent.start, ent.end, place, places, claim)
            elif label == "NORP" and not kind:  # "Albanians", "Young Algerians": a people is its civilians
                iso = self._demonym_country(ent.root.text)
                if iso and ent.root.dep_ in DEMONYM_ROLES \
                        and claim(ent.start, ent.end):
                    mentions.append(Mention(self.state_actor(iso, "CVL", ent.text), ent.start, ent.end, ent.text))
            elif label in ("PERSON", "ORG"):
                if ent.sent.start in skip_names:
                    continue
                cap = self.dicts.capitals.get(ent.text.lower())
                if cap and _actor_position(ent.root):  # a capital the tagger took for a name: "Kyiv agreed"
                    if claim(ent.start, ent.end):
                        mentions.append(Mention(self.state_actor(cap, "GOV", ent.text), ent.start, ent.end, ent.text))
                    continue
                if len(ent) == 1 and (doc[ent.start].pos_ != "PROPN" or not ent.text[:1].isupper()):
                    continue  # "Photographs", "Defence": a capitalised common word, not a name
                known_person = any(_same_person(ent.text, p.name, p.aliases) for p in persons)
                if not known_person:
                    ctx = self._context(ent, focus, places)
                    wider = self._expand_place(doc, ent, ctx)
                    place = wider[1] if wider else self._place_like(doc, ent, ctx)
                    if place is not None:
                        span = wider[0] if wider else ent
                        self._add_place(doc, span.start, span.end, place, places, claim)
                        continue
                if label == "PERSON" or known_person:
                    if claim(ent.start, ent.end):
                        mentions.append(self._person_mention(doc, ent, persons, focus))
                    continue
                if not ent.text[:1].isupper() or len(ent.text) <= 2:
                    continue
                if ent.end < len(doc) and doc[ent.end].lower_ in TITLE_AFTER_ORG and len(ent) == 1:
                    continue  # "Deputy Defence Minister X": part of a title
                if claim(ent.start, ent.end):
                    mentions.append(Mention(self._ner_org(ent, focus, places), ent.start, ent.end, ent.text))
        # capitals the tagger did not tag at all ("thanked Moscow and Kyiv"), in an actor's position
        for t in doc:
            if t.i not in used and t.pos_ == "PROPN" and t.text[:1].isupper() and _actor_position(t):
                cap = self.dicts.capitals.get(t.lower_)
                if cap and claim(t.i, t.i + 1):
                    mentions.append(Mention(self.state_actor(cap, "GOV", t.text), t.i, t.i + 1, t.text))
        # short forms the tagger did not tag ("Baghdadi was killed", "Qadir had led"): a capitalised word that
        # is a known person's surname or a variant of it
        heads = {_translit(x)[:2] for p in persons for n in (p.name, *p.aliases) for x in _surname_tokens(n)}
        for t in doc:
            if not persons or t.i in used or not t.text[:1].isupper() or len(t.text) < 4:
                continue
            if _translit(re.sub(r"^(?:al|el)-", "", t.lower_))[:2] not in heads:
                continue
            start = t.i
            if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in ("al", "el") and start - 2 not in used:
                start -= 2
            surface = doc[start:t.i + 1].text
            for p in persons:
                if _same_person(surface, p.name, p.aliases) or _same_person(t.text, p.name, p.aliases):
                    if claim(start, t.i + 1):
                        p.aliases.add(surface)
                        mentions.append(Mention(p, start, t.i + 1, surface))
                    break
        # "the Donetsk region", "Kursk Oblast": capitalised words before an administrative noun that the
        # tagger missed or mislabelled
        for t in doc:
            if t.lemma_.lower() not in ADMIN_NOUNS or t.i in used or t.i == 0:
                continue
            start = t.i
            while start > 0 and doc[start - 1].text[:1].isupper() and doc[start - 1].is_alpha \
                    and (start - 1) not in used and not doc[start - 1].is_sent_start:
                start -= 1
            if start == t.i:
                continue
            span = doc[start:t.i]
            ctx = self._context(span, focus, places)
            hits = self.gaz.lookup(span.text, [*ctx, *focus], ("admin1", "admin2", "feature"), ctx) or \
                self.gaz.lookup(span.text, [*ctx, *focus], ("city",), ctx)
            if hits:
                self._add_place(doc, start, t.i + 1, hits[0], places, claim)
        # a people named by its plural demonym that the tagger left untagged ("Bosnian Serbs", "the Croats")
        for t in doc:
            if t.i in used or not t.text[:1].isupper() or t.dep_ not in DEMONYM_ROLES:
                continue
            iso = self._demonym_country(t.text)
            if iso and claim(t.i, t.i + 1):
                mentions.append(Mention(self.state_actor(iso, "CVL", t.text), t.i, t.i + 1, t.text))
        # sector nouns without a named country: "the army", "police", "protesters"
        for t in doc:
            if t.i in used or t.pos_ not in ("NOUN", "PROPN"):
                continue
            sector = SECTOR_NOUNS.get(t.lemma_.lower()) or SECTOR_NOUNS.get(t.text.lower())
            if t.lemma_.lower() == "station" and any(c.lower_ in ("television", "radio", "tv") for c in t.children):
                sector = "MED"  # "television and radio stations" (not "power stations")
            if not sector or (t.i + 1 < len(doc) and doc[t.i + 1].text == "-"):
                continue  # "guerrilla-style attacks", "police-run camps": a modifier
            if any(c.dep_ == "acl" and c.lemma_.lower() in ("know", "call", "name") for c in t.children):
                continue  # "militias known as Wazalendo": the name is the actor
            if any(p.i in used and not p.ent_id_.startswith(("country:", "adj:")) and doc[p.i].ent_type_ == "ORG"
                   for c in t.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children):
                continue  # "senior officers of the IRGC": the organisation's people are the organisation
            owners = [c for c in t.children if c.dep_ in ("compound", "poss", "nmod", "amod")]
            if any(c.i in used and not c.ent_id_.startswith(("country:", "adj:")) for c in owners):
                continue  # "ISIS fighters", "RSF militants": the group itself is the actor
            pron = next((c for c in owners if c.dep_ == "poss" and c.lower_ in ("its", "their")), None)
            ante = self._antecedent(pron, mentions) if pron is not None else None
            if pron is not None and ante is not None and ante.kind != "state":
                if claim(pron.i, t.i + 1):  # "the RSF ... its fighters": the group itself
                    mentions.append(Mention(ante, pron.i, t.i + 1, doc[pron.i:t.i + 1].text))
                continue
            if any(c.dep_ == "poss" and not c.ent_id_ for c in owners) and ante is None:
                continue  # "the group's leadership"
            sent = t.sent
            iso = ante.country_code if ante is not None else self._country_of_noun(t, mentions)
            if t.dep_ == "conj" and not any(c.ent_id_.startswith(("country:", "adj:")) for c in owners):
                # "Israeli helicopters and tanks": the second shares the first one's country
                first = next((m for m in mentions if m.start <= t.head.i < m.end), None)
                if first is not None and first.actor.country_code:
                    iso = first.actor.country_code
            if iso is None and t.lemma_.lower() in TITLE_NOUNS:
                continue  # "foreign ministers" of no named country: not the page's government
            if iso is None and (sector in ("CVL", "REF") or not focus or any(_stance(c) for c in owners)):
                # "protesters" belong to the country they march in; so do "pro-Russian separatists", and anyone
                # in a text that names no country as an actor
                speaker = _speaker_tokens_in(sent)
                iso = next((p.place.country_code for p in places
                            if sent.start <= p.start < sent.end and p.place.country_code and p.start not in speaker),
                           None)
            if iso is None and focus:  # a roundup: a paragraph about another country than the page's
                local = self._paragraph_countries(sent, places)
                if local and focus[0] not in local:
                    iso = _main_country(local)
            region = next((c for c in t.children if c.dep_ == "amod" and c.lower_ in REGIONAL_ADJS), None)
            if region is not None and t.tag_ == "NNS" and ante is None and not any(
                    c.ent_id_.startswith(("country:", "adj:")) for c in owners):
                # "Western embassies", "Arab leaders": a group of several states' institutions, no one country
                start = min(region.i, t.i)
                if claim(start, t.i + 1):
                    name = f"{region.text[:1].upper()}{region.text[1:]} {t.text}"
                    mentions.append(Mention(Actor(name, "other", None, sector, origin="dictionary"), start, t.i + 1,
                                            doc[start:t.i + 1].text))
                continue
            iso = iso or (focus[0] if focus else None)
            if not iso or iso not in self.dicts.countries:
                continue
            if sector == "GOV" and t.lemma_.lower() in ("official", "officials") and not any(c.dep_ in ("amod", "compound", "poss") for c in t.children):
                continue
            if t.lemma_.lower() in TITLE_NOUNS and (
                    t.head.ent_type_ == "PERSON" or any(c.ent_type_ == "PERSON" for c in t.children if c.dep_ == "appos")
                    or (t.dep_ == "appos" and t.head.ent_type_ == "PERSON") or not any(
                        c.dep_ in ("poss", "amod", "compound") for c in t.children)):
                continue  # "Foreign Minister Sugiono", "Egypt's foreign minister, Badr Abdelatty": the person acts
            left = min([c.i for c in t.children if c.dep_ in ("amod", "compound", "det", "poss") and c.i < t.i] + [t.i])
            if any(i in used for i in range(left, t.i)):
                left = t.i
            sector = _sector_of(t, sector)
            surface = doc[left:t.i + 1].text
            if claim(left, t.i + 1):
                mentions.append(Mention(self.state_actor(iso, sector, surface, t.lemma_.lower() in PROTESTER_NOUNS),
                                        left, t.i + 1, surface))
        mentions.sort(key=lambda m: m.start)
        places.sort(key=lambda p: p.start)
        self._ethnic_groups(doc, mentions, places)
        return mentions, places

    def _ethnic_groups(self, doc: Doc, mentions: list[Mention], places: list[PlaceMention]) -> None:
        """An ethnic group is coded with the country it lives in, its ethnicity as the affiliation (the GSR and
        ACLED convention): "Bosnian Serbs" (BIH), "Albanians of southern Serbia" (SRB), "ethnic Albanian
        guerrillas operating in Macedonia" (MKD), "ethnic Albanians" with a place in the sentence (that place).
        Without one of these markers a people stays its own country's ("Albanians marched in Tirana")."""
        place_at = {i: p for p in places for i in range(p.start, p.end)}
        moved: dict[int, tuple[Actor, Actor]] = {}

        def place_country(tok: Token) -> str | None:
            p = place_at.get(tok.i)
            if p is not None:
                return p.place.country_code
            kind, _, val = tok.ent_id_.partition(":")
            return val if kind == "country" else None

        for m in mentions:
            a = m.actor
            if a.kind != "other" or not a.country_code or a.sector not in ETHNIC_SECTORS or a.affiliation:
                continue
            head = doc[m.end - 1]
            sent = head.sent
            ethnic = any(t.lower_ == "ethnic" for t in doc[max(m.start - 2, sent.start):m.end]) or any(
                c.lower_ == "ethnic" for c in head.children)
            home = None
            for c in head.children:  # "Bosnian Serbs": a second nationality before the people's own
                kind, _, val = c.ent_id_.partition(":")
                if c.dep_ in ("amod", "compound") and c.i < m.start and kind == "adj" and val != a.country_code:
                    home = val
            for c in head.children:  # "Albanians of southern Serbia", "ethnic Albanians in Kosovo"
                if home is None and c.dep_ == "prep" and c.lower_ in ("of", "in", "from"):
                    home = next((place_country(g) for g in c.children if place_country(g)), None)
            if home is None and ethnic:
                for c in head.children:  # "ethnic Albanian guerrillas operating in Macedonia"
                    if c.dep_ in ("acl", "relcl"):
                        home = next((place_country(g) for g in c.subtree if place_country(g)), None)
                if home is None:  # a place of the sentence, else of its paragraph, not the people's own country
                    speaker = _speaker_tokens_in(sent)
                    home = next((p.place.country_code for p in places if sent.start <= p.start < sent.end
                                 and p.start not in speaker and p.place.country_code not in (None, a.country_code)),
                                None)
                if home is None:
                    home = next((iso for iso in reversed(self._paragraph_countries(sent, places))
                                 if iso != a.country_code), None)
            if not home or home == a.country_code or home not in self.dicts.countries:
                continue
            ethnicity = self.dicts.countries[a.country_code]["adjectives"][0]
            word = SECTOR_NAMES.get(a.sector, a.sector.lower())
            m.actor = Actor(f"{ethnicity} {word} ({self.dicts.countries[home]['name']})", "other", home, a.sector,
                            aliases={m.text}, affiliation=f"ethnic {ethnicity}", origin="dictionary")
            moved[id(a)] = (a, m.actor)  # (the old actor is kept alive, so that its id is not reused)
        for m in mentions:  # "Bosnian Serbs said their forces ...": the same people wherever they are named
            m.actor = moved.get(id(m.actor), (None, m.actor))[1]

    @staticmethod
    def _antecedent(pron: Token, mentions: list[Mention]) -> Actor | None:
        """What 'its'/'their' refers to: the latest state or organisation actor named before the pronoun in
        its sentence or the one before ('The army said its forces ...', 'Islamabad says ... its security
        forces'); None when there is none (a person's 'their' is left alone)."""
        by_start = {m.start: m for m in mentions}
        for anc in reversed(list(pron.ancestors)):  # the subject of the highest clause first: "X said its ..."
            for c in anc.children:
                if c.dep_ == "nsubj":
                    m = next((by_start[i] for i in range(c.left_edge.i, c.i + 1) if i in by_start), None)
                    if m is not None and m.actor.kind != "person" and m.start < pron.i:
                        return m.actor
        sents = {pron.sent.start}
        if pron.sent.start > 0:
            sents.add(pron.doc[pron.sent.start - 1].sent.start)
        best = None
        for m in mentions:
            tok = pron.doc[m.start]
            if m.start < pron.i and tok.sent.start in sents and m.actor.kind != "person" and (
                    best is None or m.start > best.start):
                best = m
        return best.actor if best is not None else None

    def _add_place(self, doc: Doc, start: int, end: int, place: Place, places: list[PlaceMention], claim) -> None:  # noqa: ANN001
        """Record a place mention ('northern Syria' becomes a directional region of Syria)."""
        d = self._directional(doc, start, place)
        if d is not None:
            start, place = d
        if claim(start, end):
            places.append(PlaceMention(place, start, end, doc[start:end].text))

    def _ner_org(self, ent: Span, focus: list[str], places: list[PlaceMention]) -> Actor:
        """An organisation the dictionary does not know. A unit of a state's forces or agencies ("the
        National Guard", "6th Infantry Division", "the Treasury") is folded into that state's sector actor."""
        low = ent.text.lower()
        doc = ent.doc
        of_iso, of_end = None, ent.end  # "the Communications Authority of Kenya": the tagger stops at "of"
        j = ent.end
        while j > ent.start + 1 and doc[j - 1].lower_ in ("of", "the"):  # "... Authority of the" + "United States"
            j -= 1
        k = j + 2 if j + 2 < len(doc) and doc[j + 1].lower_ == "the" else j + 1
        if k < len(doc) and doc[j].lower_ == "of" and doc[k].ent_id_.startswith("country:"):
            of_iso = doc[k].ent_id_.partition(":")[2]
            of_end = k + 1
            while of_end < len(doc) and doc[of_end].ent_iob_ == "I":  # the rest of the country's name
                of_end += 1
        led = doc.user_data.get("org_country", {}).get(ent.start)  # "Kenya National Commission ..."
        of_iso = of_iso or led
        unit = next((sec for w, sec in UNIT_WORDS.items() if re.search(rf"\b{w}\b", low)), None)
        if unit:
            iso = next((t.ent_id_.partition(":")[2] for t in ent if t.ent_id_.startswith(("country:", "adj:"))), None)
            iso = iso or of_iso or next(iter(self._context(ent, focus, places)), None) or (focus[0] if focus else None)
            if iso and iso in self.dicts.countries:
                return self.state_actor(iso, unit, ent.text)
        name = doc[ent.start:of_end].text if of_iso and not led else ent.text
        a = Actor(name, "organization", of_iso, None, origin="ner")
        a.aliases.add(doc[ent.start:j].text if of_iso and not led else ent.text)
        a.aliases.add(name)
        return a

    def _demonym_country(self, word: str) -> str | None:
        """ISO3 of a plural demonym ("Albanians", "Iraqis", "Filipinos"), from the countries' adjectives."""
        table = getattr(self, "_demonyms", None)
        if table is None:
            table = self._demonyms = {f"{a.lower()}s": iso for iso, c in self.dicts.countries.items()
                                      for a in c["adjectives"] if not a.lower().endswith("s")}
            for iso, c in self.dicts.countries.items():  # "Iraqi" -> "Iraqis", "Swiss" stays
                for a in c["adjectives"]:
                    if a.lower().endswith("i"):
                        table.setdefault(f"{a.lower()}s", iso)
        return table.get(word.lower())

    @staticmethod
    def _paragraph_countries(sent: Span, places: list[PlaceMention]) -> list[str]:
        """Countries of the places named in this sentence and the ones before it in its paragraph (or, when it
        names none, in the paragraphs before, up to two), in text order."""
        doc = sent.doc
        start = sent.start
        for _ in range(3):  # this paragraph, else up to two before it (a story may run over paragraphs)
            while start > 0 and "\n" not in doc[start - 1].text_with_ws and not doc[start - 1].is_space:
                start = doc[start - 1].sent.start
            found = [(p.start, p.place.country_code) for p in places  # where things happen, not who acts
                     if start <= p.start < sent.end and p.place.country_code]
            if found or start == 0:
                break
            start = doc[start - 1].sent.start
        return [iso for _, iso in sorted(found)]

    def _country_of_noun(self, t: Token, mentions: list[Mention]) -> str | None:
        owners = list(t.children)
        if t.dep_ == "compound" and t.head.pos_ == "NOUN":  # "Israeli army bulldozers": the army is Israeli
            owners += [c for c in t.head.children if c.i < t.i]
        for c in owners:
            if c.dep_ in ("poss", "compound", "amod", "nmod") and not _stance(c):
                kind, _, val = c.ent_id_.partition(":")
                if kind in ("country", "adj"):
                    return val
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "of", "from"):  # "doctors from two American aid groups"
                for p in c.children:
                    kind, _, val = p.ent_id_.partition(":")
                    if kind == "country":
                        return val
                    if c.lower_ == "from" and p.dep_ == "pobj":
                        adj = next((a.ent_id_.partition(":")[2] for a in p.children
                                    if a.dep_ in ("amod", "compound") and a.ent_id_.startswith("adj:")), None)
                        if adj:
                            return adj
                    place = self.gaz.lookup(p.text)[:1] if p.ent_type_ in ("GPE", "LOC") else []
                    if place and place[0].country_code:
                        return place[0].country_code
        return None

    def _adjective_mention(self, doc: Doc, ent: Span, iso: str) -> Mention | None:
        """'Iraqi forces' -> IRQ MIL; 'Turkish-backed' -> TUR GOV; 'Iraqi Prime Minister' is left to the person."""
        head = ent.root.head
        if head.i < ent.end:
            head = ent.root
        if _stance(doc[ent.start]):
            return None
        lemma = head.lemma_.lower()
        if ent.end + 1 < len(doc) and doc[ent.end].text == "-" and doc[ent.end + 1].lower_ in ("backed", "led", "sponsored", "supported"):
            noun = doc[ent.end + 1].head
            sector = SECTOR_NOUNS.get(noun.lemma_.lower()) or SECTOR_NOUNS.get(noun.lower_)
            if doc[ent.end + 1].lower_ == "led" and doc[ent.end + 1].dep_ == "amod" and sector in ("MIL", "COP"):
                surface = doc[ent.start:noun.i + 1].text  # "Vietnamese-led forces": that country's forces
                return Mention(self.state_actor(iso, sector, surface), ent.start, noun.i + 1, surface)
            return Mention(self.state_actor(iso, "GOV", ent.text), ent.start, ent.end, ent.text)
        sector = SECTOR_NOUNS.get(lemma) or SECTOR_NOUNS.get(head.text.lower())
        if not sector and ent.root.dep_ in ("amod", "compound", "nmod", "npadvmod"):
            m = self._modifier_of_event_noun(ent, head, iso)
            if m is not None:
                return m
        if sector and ent.root.dep_ in ("amod", "compound", "nmod", "npadvmod"):
            sector = _sector_of(head, sector)
            surface = doc[ent.start:head.i + 1].text
            return Mention(self.state_actor(iso, sector, surface, lemma in PROTESTER_NOUNS), ent.start, head.i + 1, surface)
        c = self.dicts.countries.get(iso) or {}
        if ent.text in (c.get("name"), *c.get("aliases", ())):  # "US" is an adjective and a name: "the US rejected"
            return self._country_mention(doc, ent, iso)
        return None

    def _modifier_of_event_noun(self, ent: Span, head: Token, iso: str) -> Mention | None:
        """'a U.S. airstrike', 'an American military operation': the country's military (force events)
        or government (other events) is the source."""
        cur = head
        while cur.dep_ in ("amod", "compound") and cur.head.i != cur.i and cur.pos_ in ("ADJ", "NOUN") and cur.i < cur.head.i:
            if self.lexicon.get(("noun", cur.lemma_.lower())):
                break
            cur = cur.head
        trig = self.lexicon.get(("noun", cur.lemma_.lower())) or self.lexicon.get(("noun", cur.text.lower()))
        if trig is None:
            return None
        force = trig.type in ("ASSAULT", "MOBILIZE") or any(c.lemma_.lower() in ("military", "army") for c in cur.children)
        return Mention(self.state_actor(iso, "MIL" if force else "GOV", ent.text), ent.start, ent.end, ent.text)

    def _is_trigger(self, t: Token) -> bool:
        lemma = t.lemma_.lower()
        if t.pos_ in ("VERB", "AUX"):
            return ("verb", lemma) in self.lexicon
        return ("noun", lemma) in self.lexicon or (lemma.endswith("s") and ("noun", lemma[:-1]) in self.lexicon)

    def _country_mention(self, doc: Doc, ent: Span, iso: str) -> Mention | None:
        """A country name in an argument position is its government (or the sector noun it owns)."""
        root = ent.root
        dep = root.dep_
        if _stance(doc[ent.start]):
            return None
        if dep == "poss" and root.head.pos_ == "NOUN":
            sector = SECTOR_NOUNS.get(root.head.lemma_.lower())
            if sector:
                if any(c.lemma_.lower() in MIL_COMPOUNDS for c in root.head.children if c.dep_ in ("compound", "amod")):
                    sector = "MIL"
                surface = doc[ent.start:root.head.i + 1].text
                return Mention(self.state_actor(iso, sector, surface), ent.start, root.head.i + 1, surface)
            if self._is_trigger(root.head):  # "Iran's missile attack on Israel": the state's act
                return Mention(self.state_actor(iso, "GOV", ent.text), ent.start, ent.end, ent.text)
            return None
        if dep in ("compound", "amod", "nmod"):
            return self._modifier_of_event_noun(ent, root.head, iso)
        if dep in ("nsubj", "nsubjpass", "dobj", "dative", "agent"):
            return Mention(self.state_actor(iso, "GOV", ent.text), ent.start, ent.end, ent.text)
        if dep == "pobj" and root.head.lower_ not in LOCATIVE_PREPS and root.head.lower_ not in ("of",):
            return Mention(self.state_actor(iso, "GOV", ent.text), ent.start, ent.end, ent.text)
        if dep == "pobj" and root.head.lower_ in ("to", "with", "toward", "towards", "into") and self._is_trigger(root.head.head):
            return Mention(self.state_actor(iso, "GOV", ent.text), ent.start, ent.end, ent.text)  # "aid to Serbia"
        first = root
        while first.dep_ == "conj" and first.head is not first:
            first = first.head
        if first.dep_ == "pobj" and first.head.lower_ == "of" and first.head.head.lemma_.lower() in INSTITUTION_NOUNS:
            return Mention(self.state_actor(iso, "GOV", ent.text), ent.start, ent.end, ent.text)  # "embassies of Britain"
        if dep == "conj":
            first = root
            while first.dep_ == "conj":
                first = first.head
            if first.dep_ in ("nsubj", "nsubjpass", "dobj", "dative"):
                return Mention(self.state_actor(iso, "GOV", ent.text), ent.start, ent.end, ent.text)
        return None

    def _person_mention(self, doc: Doc, ent: Span, persons: list[Actor], focus: list[str]) -> Mention:
        """A person with country/sector/affiliation from the title words around the name; short forms and
        spelling variants join the earlier full name."""
        name = re.sub(r"^(?:then-|former |late )", "", ent.text)
        name = re.sub(r"'s?$", "", name).strip()
        for p in persons:
            if _same_person(name, p.name, p.aliases):
                p.aliases.add(name)
                if len(name.split()) > len(p.name.split()) and _same_person(p.name, name, set()):
                    p.aliases.add(p.name)
                return Mention(p, ent.start, ent.end, ent.text)
        iso, sector, affiliation = None, None, None
        title_tokens = [t for t in doc[max(ent.start - 6, ent.sent.start):ent.start]]
        root = ent.root
        if root.dep_ == "appos":
            title_tokens += list(root.head.subtree)[:8]
        for c in root.children:
            if c.dep_ == "appos":
                title_tokens += [t for t in c.subtree][:8]
        # only the contiguous title words right before the name count (stop at a verb or punctuation)
        pre: list[Token] = []
        for t in reversed(doc[max(ent.start - 6, ent.sent.start):ent.start]):
            if t.pos_ in ("VERB", "AUX", "PUNCT", "ADP") and t.text not in ("-", "'s"):
                break
            pre.append(t)
        words = {t.lower_ for t in pre} | {t.lower_ for t in title_tokens if t.dep_ == "appos" or t.head.dep_ == "appos"}
        for t in [*pre, *title_tokens]:
            kind, _, val = t.ent_id_.partition(":")
            if kind in ("country", "adj") and iso is None and t in pre + [x for x in title_tokens if x.i > ent.end or x in pre or x.dep_ in ("poss", "compound", "amod")]:
                iso = val
            elif kind == "actor" and affiliation is None:
                o = self.dicts.orgs[int(val)]
                affiliation, sector = o.name, o.sector
                iso = iso or o.country
        if iso is None and (words | {t.lower_ for t in title_tokens}) & (GOV_TITLES | MIL_TITLES):
            for t in title_tokens:  # "deputy governor of the Tyumen region, Oleg Chemezov": Russia's
                if (t.ent_type_ in ("GPE", "LOC") or (t.dep_ == "compound" and t.head.lemma_.lower() in ADMIN_NOUNS)) \
                        and t.head.dep_ in ("pobj", "compound") and t.i < ent.start:
                    hits = self.gaz.lookup(t.text, focus, ("country", "admin1", "admin2", "city"))
                    if hits and hits[0].country_code:
                        iso = hits[0].country_code
                        break
        if iso is None and ent.end + 1 < len(doc) and doc[ent.end].lower_ == "of" and (
                (words | {t.lower_ for t in ent}) & (GOV_TITLES | MIL_TITLES | {"king", "queen", "emir", "sultan",
                                                                                 "prince", "sheikh"})):
            nxt = doc[ent.end + 2] if doc[ent.end + 1].lower_ == "the" and ent.end + 2 < len(doc) else doc[ent.end + 1]
            kind, _, val = nxt.ent_id_.partition(":")  # "King Hassan of Morocco", "President X of the United States"
            if kind == "country":
                iso = val
        if sector is None:
            if words & MIL_TITLES:
                sector = "MIL"
            elif words & GOV_TITLES:
                sector = "GOV"
            elif words & {"judge", "prosecutor"}:
                sector = "JUD"
        if iso is None and sector in ("GOV", "MIL", "JUD") and len(focus) == 1 and {t.lower_ for t in pre} & (
                GOV_TITLES | MIL_TITLES | {"judge", "prosecutor"}):
            iso = focus[0]  # "President Yoweri Museveni banned Ugandan opposition candidates": the one country named
        a = Actor(name, "person", iso, sector, affiliation=affiliation, origin="ner")
        a.aliases.add(name)
        persons.append(a)
        return Mention(a, ent.start, ent.end, ent.text)

    def resolve_place(self, text: str, focus: list[str], doc: Doc | None = None, near: list[str] = ()) -> Place | None:
        """Gazetteer lookup with the page's country focus; direction words and type suffixes stripped when
        the full string is unknown."""
        t = re.sub(r"'s$", "", text.strip())
        for cand, kinds in ((t, ()),
                            (DIRECTION.sub("", t), ()),
                            (PLACE_SUFFIX.sub("", DIRECTION.sub("", t)), ("admin1", "admin2", "city", "feature"))):
            if not cand:
                continue
            hits = self.gaz.lookup(cand, focus, kinds, near)
            if hits:
                best = hits[0]
                if best.feature_kind == "city" and best.population == 0 and best.country_code not in focus:
                    continue
                return best
        return None


ANAPHORIC_NOUNS = {"operation", "offensive", "attack", "strike", "raid", "assault", "campaign", "bombing", "ambush",
                   "clash", "clashes", "fighting", "violence", "incident", "arrest", "crackdown"}
_COUNTS = ("fatalities", "fatalities_low", "injured", "arrested")


# last words of an organisation's name: with a country before them the ruler's country name would otherwise
# hide the whole name from the tagger ("Kenya | National Commission on Human Rights", "Iran | Air")
ORG_HEADS = {"commission", "authority", "council", "party", "front", "movement", "bank", "agency", "court",
             "assembly", "union", "organisation", "organization", "institute", "committee", "federation",
             "association", "league", "service", "services", "corporation", "company", "air", "airways", "airlines",
             "forces", "force", "army", "police", "guard", "navy", "broadcasting", "television", "radio", "board",
             "office", "foundation", "society", "network", "group", "congress", "alliance", "coalition"}


# "the group" etc.: the latest actor of these kinds; "the commission" etc.: the latest actor with that word
GENERIC_HEADS = {"group": {"armed_group", "organization"}, "militia": {"armed_group"}, "movement": {"armed_group"},
                 "insurgent": {"armed_group"}, "bloc": {"igo"}, "alliance": {"igo", "armed_group"},
                 "organisation": {"igo", "ngo", "organization"}, "organization": {"igo", "ngo", "organization"},
                 "agency": {"igo", "ngo", "organization", "media"}, "body": {"igo", "organization"},
                 "airline": {"organization"}, "carrier": {"organization"}, "company": {"organization"},
                 "firm": {"organization"}, "broadcaster": {"media"}}
NAMED_HEADS = {"commission", "authority", "council", "committee", "court", "mission", "office", "union", "front",
               "party", "federation", "association", "network", "observatory", "programme", "program", "fund",
               "airline", "airways", "bank", "agency", "organisation", "organization"}


def _country_led_orgs(doc: Doc, ents: list[Span]) -> list[Span]:
    """Join a country name or adjective with the capitalised organisation name after it into one ORG entity
    ("Kenya National Commission on Human Rights", "Iran Air"); the country goes to
    ``doc.user_data["org_country"]`` (start -> ISO3)."""
    out: list[Span] = []
    skip_to = -1
    for e in ents:
        if e.start < skip_to:
            continue
        kind, _, iso = e.ent_id_.partition(":")
        if kind in ("country", "adj") and e.label_ in ("GPE", "NORP"):
            k, head_end = e.end, None
            while k < len(doc) and k - e.end < 8:
                t = doc[k]
                if t.is_alpha and (t.is_title or t.is_upper) and not t.ent_id_ and t.ent_type_ not in ("DATE", "TIME"):
                    k += 1
                    if t.lower_ in ORG_HEADS:
                        head_end = k
                elif t.lower_ in ("on", "for", "of", "and") and head_end and k + 1 < len(doc) and doc[k + 1].is_title \
                        and doc[k + 1].ent_type_ not in ("DATE", "TIME"):
                    k += 1
                else:
                    break
            if head_end is not None:
                end = k if doc[k - 1].is_title or doc[k - 1].is_upper else head_end
                span = Span(doc, e.start, end, label="ORG")
                doc.user_data.setdefault("org_country", {})[e.start] = iso
                out.append(span)
                skip_to = end
                continue
        out.append(e)
    return out


def _main_country(isos: list[str]) -> str:
    """The country a roundup paragraph is about: the one its places name most (the first named on a tie), not
    the last neighbour named ("raids near Niger's borders with Mali and Burkina Faso" is about Niger)."""
    counts = Counter(isos)
    return max(counts, key=lambda iso: (counts[iso], -isos.index(iso)))


def _across_clause(tok: Token, top: Token) -> bool:
    """``tok`` sits in a finite clause of its own below ``top`` (a complement, adverbial or relative clause)."""
    cur = tok
    while cur.i != top.i and cur.head.i != cur.i:
        if cur.pos_ in ("VERB", "AUX") and cur.dep_ in ("advcl", "ccomp", "relcl", "acl") and cur.tag_ != "VBG":
            return True
        cur = cur.head
    return False


def _sector_of(t: Token, sector: str) -> str:
    """The sector of a sector noun, as its compounds narrow it: "army officers" (MIL), "rebel leaders" (REB),
    "opposition officials" (OPP) are not the government."""
    mods = [c.lemma_.lower() for c in t.children if c.dep_ in ("compound", "amod")]
    if any(m in MIL_COMPOUNDS for m in mods):
        return "MIL"
    if t.lemma_.lower() in SIDE_HEADS:
        return next((SECTOR_NOUNS[m] for m in mods if SECTOR_NOUNS.get(m) in ("REB", "INS", "OPP", "LAB")), sector)
    return sector


def _stance(tok: Token) -> bool:
    """'anti-Syria journalist', 'pro-Russian separatists': the country is what they are for or against, not theirs."""
    doc = tok.doc
    if tok.lower_.startswith(("anti-", "pro-")):
        return True
    i = tok.i - 1
    while i >= 0 and doc[i].text[:1].isupper() and doc[i].pos_ == "PROPN" and i > tok.i - 3:
        i -= 1  # "pro-Saudi Arabia"
    return i >= 1 and doc[i].text == "-" and doc[i - 1].lower_ in ("anti", "pro")


def _speaker_tokens_in(sent: Span) -> set[int]:
    """Tokens of the subject phrases of the sentence's speech verbs ('relief officials in Nairobi said')."""
    return {x.i for v in sent if v.lemma_.lower() in SPEECH_VERBS for c in v.children if c.dep_ == "nsubj"
            for x in c.subtree}


def _actor_position(t: Token) -> bool:
    """Whether a capital's name stands where an actor stands (subject, object, "talks with X"), so it means
    the government ("Moscow agreed", "thanked Moscow and Kyiv"), not the place ("in Moscow")."""
    while t.dep_ == "conj" and t.head.i != t.i:
        t = t.head
    if t.dep_ in ("nsubj", "nsubjpass", "dobj", "dative") and t.head.pos_ in ("VERB", "AUX"):
        return True
    return t.dep_ == "pobj" and t.head.lower_ in ("with", "against", "between", "from") and \
        t.head.head.pos_ in ("VERB", "NOUN")


PARTICIPATION_PREPS = {"in", "during", "for", "at", "with"}


def _light_verb(v: Token) -> bool:
    """A light verb, also when the lemmatiser missed it ("staged" -> "stag")."""
    return v.lemma_.lower() in LIGHT_VERBS or any(v.lower_.startswith(x) for x in LIGHT_VERBS if len(x) >= 4)


def _definite_anaphor(tok: Token) -> bool:
    return tok.lemma_.lower() in ANAPHORIC_NOUNS and any(
        c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in tok.children)


def _governor(tok: Token) -> Token:
    """The verb governing a noun ('the operation led to the death' -> 'led')."""
    cur = tok
    for _ in range(3):
        if cur.pos_ in ("VERB", "AUX") or cur.head.i == cur.i:
            return cur
        cur = cur.head
    return cur


def _merge_anaphora(events: list[dict[str, Any]], doc: Doc) -> list[dict[str, Any]]:
    """'The Iraqi military launched an offensive ... According to officials, the operation killed nine
    militants': an event whose trigger is a definite noun with no source of its own is a later mention of
    the nearest earlier event of that type (with the same target within eight sentences, else any
    within four). Its counts go
    to that event (never added: the larger figure wins) and the mention is dropped."""
    kept: list[dict[str, Any]] = []
    for e in events:
        span = doc.char_span(e["trigger_start"], e["trigger_end"], alignment_mode="expand")
        tok = span.root if span is not None else None
        anaphoric = tok is not None and e["source_actor_id"] is None and (
            _definite_anaphor(tok) or any(_definite_anaphor(c) for c in _governor(tok).children if c.dep_ == "nsubj"))
        if anaphoric:
            prior = [k for k in kept if k["event_type"] == e["event_type"] and k["source_actor_id"] is not None
                     and 0 <= e["sentence_index"] - k["sentence_index"] <= 8]
            same = [k for k in prior if e["target_actor_id"] and k["target_actor_id"] == e["target_actor_id"]]
            near = [k for k in prior if e["sentence_index"] - k["sentence_index"] <= 4]
            ante = (same or near or [None])[-1]
            if ante is not None:
                for k in _COUNTS:
                    if e[k] is not None and (ante[k] is None or e[k] > ante[k]):
                        ante[k] = e[k]
                continue
        elif tok is not None and _definite_anaphor(tok):
            # "A drone strike ... killed 21 people. The army accused the RSF of carrying out the strike": the
            # later mention names who did it; the earlier event without a source (or with the same) takes it
            prior = [k for k in kept if k["event_type"] == e["event_type"]
                     and 0 <= e["sentence_index"] - k["sentence_index"] <= 4
                     and k["source_actor_id"] in (None, e["source_actor_id"])
                     and k["target_actor_id"] != e["source_actor_id"]]
            if prior:
                ante = prior[-1]
                if ante["source_actor_id"] is None:
                    for k in ("source_actor_id", "source_text"):
                        ante[k] = e[k]
                for k in _COUNTS:
                    if e[k] is not None and (ante[k] is None or e[k] > ante[k]):
                        ante[k] = e[k]
                continue
        kept.append(e)
    return kept


def _sent_ents(sent: Span) -> list[Span]:
    """The entities of a sentence, computed once per doc (``Span.ents`` rescans the whole doc each time)."""
    doc = sent.doc
    cache = doc.user_data.get("_ents_by_sent")  # reset by _join_names when it changes doc.ents
    if cache is None:
        by: dict[int, list[Span]] = {}
        starts = sorted(s.start for s in doc.sents)
        import bisect  # noqa: PLC0415

        for e in doc.ents:
            by.setdefault(starts[bisect.bisect_right(starts, e.start) - 1], []).append(e)
        cache = (0, by)
        doc.user_data["_ents_by_sent"] = cache
    return cache[1].get(sent.start, [])


def _is_heading(sent: Span) -> bool:
    """A headline or cross-head, not coded: a title-case line without final punctuation, or any short line
    standing alone without final punctuation (live-blog item titles are sentence case). Cached per doc."""
    cache = sent.doc.user_data.setdefault("_heading", {})
    got = cache.get(sent.start)
    if got is None:
        got = cache[sent.start] = _heading(sent)
    return got


def _line_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Per token position: where its line starts (after a line break or a space token) and, per end
    position, where the line ends (at a line break or before a space token). Computed once per doc."""
    got = doc.user_data.get("_lines")
    if got is None:
        n = len(doc)
        nl = ["\n" in t.text_with_ws for t in doc]
        space = [t.is_space for t in doc]
        starts = [0] * (n + 1)
        for i in range(1, n + 1):
            starts[i] = i if (nl[i - 1] or space[i - 1]) else starts[i - 1]
        ends = [n] * (n + 1)
        for e in range(n - 1, 0, -1):
            ends[e] = e if (nl[e - 1] or space[e]) else ends[e + 1]
        got = doc.user_data["_lines"] = (starts, ends)
    return got


def _heading(sent: Span) -> bool:
    doc = sent.doc
    starts, ends = _line_bounds(doc)  # the whole line: the parser may cut a headline into pieces
    start, end = starts[sent.start], ends[sent.end]
    if (start, end) != (sent.start, sent.end) and end - start <= 30:
        sent = doc[start:end]
    words = [t for t in sent if t.is_alpha]
    if not words or sent.text.rstrip().endswith((".", "!", "?", '"', "'", ":", "”", "’")):
        return not words
    alone = (sent.start == 0 or "\n" in doc[sent.start - 1].text_with_ws or doc[sent.start - 1].is_space) and (
        sent.end >= len(doc) or "\n" in doc[sent.end - 1].text_with_ws or doc[sent.end].is_space)
    if alone and len(words) <= 14:
        return True
    caps = sum(1 for t in words if t.text[0].isupper())
    return len(words) <= 20 and caps / len(words) >= 0.6


def _strip_span(ent: Span) -> Span | None:
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in ("the", "a", "an", "then", "-"):
        start += 1
    while end > start and (doc[end - 1].text in ("'s", "'", "-", ")", ",") or doc[end - 1].is_punct):
        end -= 1
    if start >= end:
        return None
    return _SpanView(doc[start:end], ent.ent_id_, ent.label_)


class _SpanView:
    """A trimmed entity span that keeps the entity's id and label."""

    def __init__(self, span: Span, ent_id: str, label: str) -> None:
        self._span = span
        self.ent_id_ = ent_id
        self.label_ = label

    def __getattr__(self, item: str) -> Any:
        return getattr(self._span, item)

    def __len__(self) -> int:
        return len(self._span)

    def __iter__(self):  # noqa: ANN204
        return iter(self._span)


@functools.lru_cache(maxsize=65536)
def _surname_tokens(name: str) -> tuple[str, ...]:
    toks = [re.sub(r"^(?:al|el|ad|ar|as|an|at|ash)-", "", t) for t in re.split(r"[\s]+", name_key(name)) if t]
    return tuple(t for t in toks if t not in {"abu", "bin", "ibn", "al", "el", "umm"})


_TRANSLIT = [(r"(.)\1", r"\1"), (r"e[iy]|ai", "ay"), (r"ou|oo", "u"), (r"ee", "i"), (r"e", "i"), (r"^j", "dj")]


@functools.lru_cache(maxsize=65536)
def _translit(tok: str) -> str:
    """A key that absorbs common romanisation variants of Arabic names: Hussein/Husayn, Qader/Qadir,
    Mohammed/Mohamed."""
    for pat, rep in _TRANSLIT[:1] * 2 + _TRANSLIT[1:5]:
        tok = re.sub(pat, rep, tok)
    return tok


@functools.lru_cache(maxsize=262144)
def _tok_sim(x: str, y: str) -> float:
    """1.0 for romanisation variants of one name token, else the plain string ratio."""
    if _translit(x) == _translit(y):
        return 1.0
    return difflib.SequenceMatcher(None, x, y).ratio()


def _same_person(short: str, full: str, aliases: set[str]) -> bool:
    """Does ``short`` refer to the person named ``full`` (subset of name tokens, or a spelling variant)?"""
    a, b = name_key(short), name_key(full)
    if a == b or a in {name_key(x) for x in aliases}:
        return True
    ta, tb = _surname_tokens(short), _surname_tokens(full)
    if not ta or not tb:
        return False
    if set(ta) <= set(tb) and len(ta) < len(tb):
        return True
    if len(ta) == len(tb) and len(ta) >= 2:
        sims = [_tok_sim(x, y) for x, y in zip(ta, tb, strict=True)]
        return min(sims) >= 0.7 and sum(sims) / len(sims) >= 0.8
    if len(ta) == 1 and len(ta[0]) > 4:
        return any(_tok_sim(ta[0], y) >= 0.85 for y in tb[-2:])
    return False


# ------------------------------------------------------------------ events

class _DocContext:
    """Event extraction over one parsed doc."""

    def __init__(self, coder: Coder, doc: Doc, text: str, published: date | None, focus: list[str],
                 by_token: dict[int, Mention], place_by_token: dict[int, PlaceMention], sent_of: dict) -> None:
        self.c = coder
        self.doc = doc
        self.text = text
        self.published = published
        self.focus = focus
        self.by_token = by_token
        self.place_by_token = place_by_token
        self.sent_of = sent_of
        self.consumed: set[int] = set()
        self.mentions = sorted({id(m): m for m in by_token.values()}.values(), key=lambda m: m.start)
        self.history: list[dict[str, Any]] = []  # events coded so far, in text order (for reactions to them)

    def trigger_for(self, t: Token) -> Trigger | None:
        lex = self.c.lexicon
        lemma = t.lemma_.lower()
        if t.pos_ == "VERB" and lemma in OBLIGATION_SPEECH and any(
                c.dep_ == "ccomp" and any(a.dep_ == "aux" and a.lower_ == "must" for a in c.children)
                for c in t.children):
            return lex.get(("verb", "demand"))  # "X said that Y must ...": X demands of Y (PLOVER REQUEST)
        if t.dep_ == "amod" or (t.dep_ == "compound" and t.tag_ == "VBN"):
            return None  # "wounded soldiers", "the besieged town", "the banned group": a state, not an event
        if t.tag_ in ("VBN", "JJ") and t.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass") and any(
                c.dep_ == "det" and c.lower_ == "the" for c in t.children) and not any(
                c.dep_ in ("dobj", "nsubj", "nsubjpass", "agent", "aux", "auxpass") for c in t.children):
            return None  # "evacuated the wounded", "buried the dead": people, not an event
        if t.dep_ in ("acl", "pobj", "pcomp") and (t.head if t.dep_ == "acl" else t.head.head).lemma_.lower() in (
                "right", "freedom", "ability", "permission", "licence", "license"):
            return None  # "the right to protest", "freedom of assembly": a right, not an act
        if (t.dep_ == "pcomp" and t.head.lower_ == "at" and t.head.head.lemma_.lower() == "aim") or (
                t.dep_ == "xcomp" and t.head.lemma_.lower() in ("design", "intend", "mean") and t.head.tag_ == "VBN"):
            return None  # "a meeting aimed at establishing relations", "a plan designed to end": a purpose
        if t.dep_ == "acl" and t.tag_ == "VBN" and lemma in ATTRIBUTIVE_PARTICIPLES and not any(
                c.dep_ == "agent" for c in t.children):
            return None  # "militias opposed to independence", "forces allied to the army": a stance, not an act
        if t.pos_ == "VERB" or (t.pos_ == "AUX" and lemma not in ("be", "have", "do")):
            trig = lex.get(("verb", lemma))
            if trig and (trig.with_ or trig.senses):
                objs = {w for c in t.children if c.dep_ in ("dobj", "prt", "prep", "nsubjpass", "xcomp", "ccomp")
                        for w in (c.lemma_.lower(), c.lower_)}  # "ties" (lemma "tie") as written too
                objs |= {p.lemma_.lower() for c in t.children if c.dep_ in ("dobj", "nsubjpass")  # "a state of
                         for pr in c.children if pr.dep_ == "prep" and pr.lower_ == "of"  # emergency"
                         for p in pr.children if p.dep_ == "pobj"}
                objs |= {c.lemma_.lower() for o in t.children if o.dep_ in ("dobj", "nsubjpass")  # "martial law"
                         for c in o.children if c.dep_ in ("amod", "compound")}
                objs |= {p.lemma_.lower() for c in t.children if c.dep_ == "prep"  # "remained on alert"
                         for p in c.children if p.dep_ == "pobj"}
                objs |= {m.lower_ for c in t.children if c.dep_ == "advcl"  # "pushing for the US to support"
                         for m in c.children if m.dep_ == "mark" and m.lower_ == "for"}
                return self._gated(t, trig.sense_for(objs))
            return self._gated(t, trig)
        if t.pos_ in ("NOUN", "PROPN") and t.ent_type_ not in ("DATE", "TIME"):  # "in March" is no march
            for c in t.children:
                if c.dep_ in ("compound", "amod") and c.i == t.i - 1:  # "air strike", "courtesy call"
                    mw = self.c.multiword_nouns.get(f"{c.lemma_.lower()} {lemma}")
                    if mw:
                        return mw
            if t.dep_ == "compound" and t.head.pos_ in ("NOUN", "PROPN"):
                return None  # "death toll", "attack helicopter": a modifier, not the event ("drone strike" is)
            trig = lex.get(("noun", lemma)) or lex.get(("noun", t.text.lower()))
            if trig is None and lemma.endswith("s"):
                trig = lex.get(("noun", lemma[:-1]))
            if trig is not None and t.dep_ in ("dobj", "nsubjpass") and t.head.pos_ in ("VERB", "AUX"):
                verb = self.trigger_for(t.head)
                if verb is not None and verb.with_ and lemma in verb.with_:
                    return None  # "impose a curfew", "lodge a protest", "call off a strike": one event, the verb's
            return trig
        return None

    # ---- actors in a role
    def _gated(self, t: Token, trig: Trigger | None) -> Trigger | None:
        """A trigger with a ``subject``/``after`` condition only where it holds: "the list includes X" is a
        sanction only with a list as its subject, after a sanction in the sentence or the two before it."""
        if trig is None or not (trig.subject or trig.after):
            return trig
        if trig.subject and not any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in trig.subject
                                    for c in t.children):
            return None
        if trig.after:
            sent_i = self.sent_of[t.i][0]
            sents = self._sents()
            earlier = [x for s in sents[max(0, sent_i - 2):sent_i + 1] for x in s if x.i < t.i]
            if not any((tr := self.trigger_for(x)) is not None and tr.type == trig.after for x in earlier
                       if x.lemma_.lower() != t.lemma_.lower()):
                return None
        return trig

    def actors_at(self, t: Token, depth: int = 0) -> list[tuple[Actor, Token]]:
        """Actors of the phrase headed by ``t`` (plus its conjuncts)."""
        found: list[tuple[Actor, Token]] = []
        if t.lower_ in PAIR_NOUNS and t.i not in self.by_token:
            pair = self._the_two(t)
            if pair:
                return [(a, t) for a in pair]
        for tok in [t, *[c for c in t.conjuncts if c.i > t.i]]:
            a = self._actor_of_phrase(tok)
            if a is not None and all(a.actor_id != f.actor_id for f, _ in found):
                found.append((a, tok))
        return found

    def _actor_of_phrase(self, t: Token) -> Actor | None:
        m = self.by_token.get(t.i)
        if m is not None and m.actor.kind != "person":  # "Egypt's foreign minister, Badr Abdelatty": the person
            # (the parser may hang the name on the title's own object: "envoy for Afghanistan, Mohammad Sadiq")
            for c in [*t.children, *(o for p in t.children if p.dep_ == "prep" and p.lower_ in ("for", "of", "to")
                                     for o in p.children if o.dep_ == "pobj" for o in o.children)]:
                pm = self.by_token.get(c.i) if c.dep_ == "appos" else None
                if pm is not None and pm.actor.kind == "person":
                    return pm.actor
        if m is not None:
            return m.actor
        if t.lower_ in PAIR_NOUNS:
            pair = self._the_two(t)
            if pair:
                return pair[0]
        if t.pos_ == "PRON" and t.lower_ in ("they", "them"):
            return self._plural_antecedent(t)
        if t.pos_ == "PRON" and t.lower_ in ("he", "she", "him"):
            return self._person_antecedent(t)
        if t.pos_ == "PRON" and t.lower_ == "it" and t.dep_ in ("nsubj", "nsubjpass"):
            return self._plural_antecedent(t, singular=True)
        queue = [c for c in t.children if c.dep_ in ("compound", "amod", "poss", "nmod", "prep", "pobj", "appos", "nummod")]
        steps = 0
        while queue and steps < 12:
            c = queue.pop(0)
            steps += 1
            if c.dep_ == "prep" and c.lower_ not in ("of", "from"):  # "a convoy from the WFP"
                continue
            m = self.by_token.get(c.i)
            if m is not None:
                return m.actor
            queue.extend(x for x in c.children if x.dep_ in ("compound", "amod", "pobj", "poss", "nmod", "appos")
                         or (x.dep_ == "prep" and x.lower_ == "from"))  # "a convoy of trucks from the WFP"
        lemma = t.lemma_.lower()
        if (t.like_num or t.lower_ in ("dozens", "hundreds", "thousands", "scores")) and lemma not in CIVILIAN_VICTIMS:
            of = [p for c in t.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
            if of:
                return self._actor_of_phrase(of[0])  # "hundreds of people"
        if lemma in CIVILIAN_VICTIMS:
            # civilians of the country where the sentence places it, else of the article's focus country
            speakers = self._speaker_tokens(self.sent_of[t.i][1])
            here = [p.place.country_code for p in self._sentence_places(self.sent_of[t.i][1])
                    if p.place.country_code in self.c.dicts.countries and p.start not in speakers]
            iso = here[0] if here else None
            if iso is None and self.focus:  # a roundup: the paragraph is about another country than the page's
                local = self.c._paragraph_countries(self.sent_of[t.i][1], [  # (not where its reporters are)
                    p for p in self._places_in_order()
                    if p.start not in self._speaker_tokens(self.sent_of[p.start][1])])
                iso = _main_country(local) if local and self.focus[0] not in local else self.focus[0]
            return self.c.state_actor(iso, "CVL", t.text) if iso in self.c.dicts.countries else None
        if t.lower_ in ("who", "which", "that") and t.head.dep_ == "relcl":  # "X, who was killed ..."
            return self._actor_of_phrase(t.head.head)
        return self._definite_antecedent(t)

    def _person_antecedent(self, t: Token) -> Actor | None:
        """'he'/'she': the person named last before the pronoun, in its sentence or the two before it."""
        starts = self.__dict__.get("_person_starts")
        if starts is None:
            seen: dict[int, Mention] = {}
            for m in self.by_token.values():
                if m.actor.kind == "person":
                    seen[m.start] = m
            starts = self._person_starts = sorted(seen.items())
        sent_i = self.sent_of[t.i][0]
        first = self._sents()[max(0, sent_i - 2)].start
        best = None
        for start, m in starts:
            if start >= t.i:
                break
            if start >= first:
                best = m
        return best.actor if best is not None else None

    def _plural_antecedent(self, t: Token, singular: bool = False) -> Actor | None:
        """'they'/'them' (or a subject 'it', ``singular``): the latest group, organisation or state actor named
        before it in its sentence or the one before, never the subject of a clause the pronoun is in
        ('officers fired tear gas to stop them': not the officers)."""
        sent = self.sent_of[t.i][1]
        start = self.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
        own_subjects = {x.i for a in (t.ancestors if t.lower_ == "them" else [t.head])
                        for c in a.children if c.dep_ in ("nsubj", "nsubjpass") for x in c.subtree}
        cands = [m for m in reversed(self.mentions) if start <= m.start < t.i and m.actor.kind != "person"
                 and not any(i in own_subjects for i in range(m.start, m.end))]
        if singular:  # "it": an organisation or a state named in the singular ("the United Arab Emirates")
            cands = [m for m in cands if self.doc[m.end - 1].tag_ not in ("NNS",)]
            if t.head.lemma_.lower() in SPEECH_VERBS:  # "..., it said": whoever spoke before, a sentence's subject
                subjects = [m for m in cands if self.doc[m.end - 1].dep_ == "nsubj"]
                cands = subjects or cands
        plural = [m for m in cands if self.doc[m.end - 1].tag_ in ("NNS", "NNPS")]  # "protesters", "the rebels"
        best = (cands if singular else plural or cands)[:1]
        return best[0].actor if best else None

    def _the_two(self, t: Token) -> list[Actor]:
        """'the two ministers / men / leaders': the last two people named before it (within two sentences);
        'the two countries / sides / governments': the last two states or groups."""
        if not any(c.dep_ == "nummod" and c.lower_ in ("two", "both") for c in t.children) and not any(
                c.lower_ == "both" for c in t.children):
            return []
        kind = PAIR_NOUNS[t.lower_]
        sent = self.sent_of[t.i][1]
        start = self.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
        start = self.doc[start - 1].sent.start if start > 0 else start

        def fits(a: Actor) -> bool:
            return a.kind == "person" if kind == "person" else a.kind == "state" if kind == "state" \
                else a.kind != "person"

        window = [m for m in reversed(self.mentions) if start <= m.start < t.i and fits(m.actor)]
        for m in window:  # a pair named together ("Russia and Ukraine") first
            for c in self.doc[m.end - 1].conjuncts:
                other = self.by_token.get(c.i)
                if other is not None and other.start < t.i and fits(other.actor) and \
                        other.actor.actor_id != m.actor.actor_id:
                    return [x.actor for x in sorted(
                        [m, other], key=lambda x: x.start)]
        out: list[Actor] = []
        for m in window:
            if all(m.actor.actor_id != a.actor_id and (kind != "state" or m.actor.country_code != a.country_code)
                   for a in out):
                out.append(m.actor)
            if len(out) == 2:
                return out[::-1]
        return []

    def _reacted_to(self, t: Token, trig: Trigger, sources: list[tuple[Actor, Token]]) -> list[tuple[Actor, None]]:
        """The target of a reaction to an act named before: 'welcomed the sanctions', 'condemned the attack',
        'rejected the plan' -> whoever did it in the latest earlier event of that kind; 'vowed to retaliate'
        -> whoever last attacked the speaker's country."""
        own_iso = {a.country_code for a, _ in sources if a.country_code}
        objs = [c for c in t.children if c.dep_ in ("dobj", "nsubjpass")] + [
            p for c in t.children if c.dep_ == "prep" and c.lower_ in ("to", "of", "against")
            for p in c.children if p.dep_ == "pobj"]
        want: set[str] | None = None
        for o in objs:
            if not any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "these", "that", "those", "its",
                                                                     "their") for c in o.children):
                continue
            if any(c.dep_ in ("amod", "compound", "poss", "nmod") and (
                    c.i in self.by_token or c.ent_id_.startswith(("country:", "adj:"))) for c in o.children):
                return []  # "endorsed the Egyptian proposal": its author is named
            ot = self.trigger_for(o)
            if ot is not None and ot.pos == "noun":
                want = {ot.type}
                if o.tag_ == "NN":  # "condemned the attack": the act named so before, if one was
                    same = [ev for ev in self.history if ev.get("lemma") == o.lemma_.lower() and ev["type"] in want
                            and ev["source"] is not None and all(ev["source"].actor_id != a.actor_id
                                                                 for a, _ in sources)]
                    if same:
                        return self._doers(want, sources, same)
            elif o.lemma_.lower() in REACTED_ACTS:
                want = REACTED_ACTS[o.lemma_.lower()]
            if want is not None:
                break
        if want is None and trig.lemma in RETALIATION_LEMMAS and own_iso:
            for ev in reversed(self.history):
                tg = ev["target"]
                if ev["type"] in ("ASSAULT", "COERCE") and tg is not None and tg.country_code in own_iso \
                        and ev["source"] is not None and ev["source"].country_code not in own_iso:
                    return [(ev["source"], None)]
            return []
        if want is None:
            return []
        return self._doers(want, sources)

    def _doers(self, want: set[str], sources: list[tuple[Actor, Token]], history: list | None = None
               ) -> list[tuple[Actor, None]]:
        """The doer of most events of the ``want`` types so far, not a source (the latest on a tie): "the
        sanctions" of an article on EU sanctions are the EU's even when Britain's are mentioned last."""
        own = {a.actor_id for a, _ in sources}
        doers: dict[str, list] = {}
        for n, ev in enumerate(self.history if history is None else history):
            if (not want or ev["type"] in want) and ev["source"] is not None and ev["source"].actor_id not in own:
                doers.setdefault(ev["source"].actor_id, [ev["source"], 0, 0])
                doers[ev["source"].actor_id][1:] = [doers[ev["source"].actor_id][1] + 1, n]
        if not doers:
            return []
        best = max(doers.values(), key=lambda d: (d[1], d[2]))
        return [(best[0], None)]

    def _definite_antecedent(self, t: Token) -> Actor | None:
        """'the commission', 'the group', 'the bloc', 'the airline': the latest actor named before it (within
        the article) whose name has that head noun, or, for a generic head, whose kind it names."""
        lemma = t.lemma_.lower()
        if t.pos_ != "NOUN" or not any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in t.children):
            return None
        kinds = GENERIC_HEADS.get(lemma)
        if kinds is None and lemma not in NAMED_HEADS:
            return None
        for m in reversed(self.mentions):
            if m.start >= t.i:
                continue
            a = m.actor
            words = set(re.findall(r"[a-z]+", a.name.lower()))
            if lemma in words or (kinds and a.kind in kinds):
                return a
        return None

    def role(self, t: Token, trig: Trigger, patterns: list[str]) -> list[tuple[Actor, Token]]:
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in t.children)
        for pat in patterns:
            if pat == "head_subject":
                subj = self._head_subject(t, violent=trig.type in ("ASSAULT", "COERCE"),
                                          speech=trig.type in SPEECH_ACT_TYPES)
                if subj:
                    return subj
                continue
            if pat == "doer":  # "the list includes X": the list of whoever imposed most sanctions so far
                got = self._doers({trig.type}, [])
                if got:
                    return got
                continue
            if pat == "to_subject":  # "pressured Hamas to accept" parsed as a clause: Hamas is the object
                got = [x for c in t.children if c.dep_ in ("ccomp", "xcomp") and any(
                    a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
                       for s in c.children if s.dep_ == "nsubj" for x in self.actors_at(s)]
                if got:
                    return got
                continue
            if pat == "nsubj" and passive:
                continue
            if pat == "nsubjpass" and t.dep_ == "acl" and t.tag_ == "VBN":  # "soldiers killed in fighting"
                got = self.actors_at(t.head)
                if got:
                    return got
                continue
            if pat.startswith("deep:"):
                word = pat[5:]
                for x in t.subtree:
                    if x.dep_ == "prep" and x.lower_ == word and x.head.i in {y.i for y in t.subtree}:
                        for p in x.children:
                            if p.dep_ == "pobj":
                                got = self.actors_at(p)
                                if got:
                                    return got
                continue
            carrier = t.head if pat.startswith("prep:") and trig.pos == "noun" and t.dep_ == "dobj" \
                and _light_verb(t.head) and pat[5:] in CARRIED_PREPS else None
            for c in [*t.children, *(carrier.children if carrier is not None else ())]:
                # "opened investigations against 28 officials": the light verb carries the noun's object
                if pat.startswith("prep:"):
                    if c.dep_ in ("prep", "agent") and c.lower_ == pat[5:]:
                        for p in c.children:
                            if p.dep_ == "pobj":
                                got = self.actors_at(p)
                                if got:
                                    return got
                elif pat == "agent" and c.dep_ == "agent":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            got = self.actors_at(p)
                            if got:
                                return got
                            for a in p.children:  # "hurt by stones thrown by demonstrators": who threw them
                                if a.dep_ == "acl" and a.tag_ == "VBN":
                                    got = [x for ag in a.children if ag.dep_ == "agent" for q in ag.children
                                           if q.dep_ == "pobj" for x in self.actors_at(q)]
                                    if got:
                                        return got
                elif c.dep_ == pat:
                    got = self.actors_at(c)
                    if got:
                        return got
        return []

    def _protest_context(self, sent_i: int) -> bool:
        """The sentence, or the one before it, speaks of a protest."""
        sents = self._sents()
        for i in (sent_i, sent_i - 1):
            if 0 <= i < len(sents) and any(x.lemma_.lower() in PROTEST_WORDS for x in sents[i]):
                return True
        return False

    def _sents(self) -> list[Span]:
        if not hasattr(self, "_sent_list"):
            self._sent_list = list(self.doc.sents)
        return self._sent_list

    @staticmethod
    def _conditional(t: Token) -> bool:
        """The act is made conditional: 'will withdraw ... unless X arranges a ceasefire'."""
        for x in (t, t.head):
            if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("unless", "if") for m in c.children)
                   for c in x.children):
                return True
        return False

    def _between_sides(self, t: Token) -> list[tuple[Actor, Token]]:
        """The actors of a 'between X and Y' phrase of the trigger, in text order, each once."""
        out: list[tuple[Actor, Token]] = []
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ == "between":
                span = {x.i for x in c.subtree}
                for m in self.mentions:
                    tok = self.doc[m.end - 1]
                    if tok.i in span and all(m.actor.actor_id != a.actor_id for a, _ in out):
                        out.append((m.actor, tok))
        return out

    @staticmethod
    def _not_what_moves(t: Token, trig: Trigger, targets: list) -> list:
        """The `with` object says what is done ("send troops", "impose a curfew") and a mobilisation's object
        is what moves ("deployed troops"): neither is the target."""
        if not trig.with_ and trig.type != "MOBILIZE":
            return targets
        return [x for x in targets if x[1] is None or x[1].dep_ not in ("dobj", "nsubjpass") or x[1].head.i != t.i
                or (trig.type != "MOBILIZE" and x[1].lemma_.lower() not in trig.with_)]

    def _protest_addressee(self, sources: list[tuple[Actor, Token]], t: Token) -> list[tuple[Actor, Token | None]]:
        """A protest that names no target is addressed to the government of the protesters' country (or of
        the country it takes place in): 'thousands marched in Nairobi against tax rises' -> Kenyan government."""
        iso = next((a.country_code for a, _ in sources if a.country_code and a.kind != "state"), None)
        if iso is None and not sources:
            place = self.place_for(t, t.sent)
            iso = place.place.country_code if place is not None else None
        if not iso or iso not in self.c.dicts.countries:
            return []
        return [(self.c.state_actor(iso, "GOV"), None)]

    def _head_subject(self, t: Token, violent: bool = False, speech: bool = False) -> list[tuple[Actor, Token]]:
        """Subject of the governing verb: 'X launched an offensive', 'X vowed to retaliate', 'X, who ...';
        the accused of 'accused X of carrying out strikes'; nobody for the object of a verb that is not a
        light verb ('residents fled the operation'), for a noun after a preposition other than one of taking
        part ('cracked down on protests'), or, for violence, for the speaker of a report ('X said eight
        people were shot')."""
        if speech and t.dep_ == "conj" and t.pos_ == "VERB" and not any(c.dep_ in ("nsubj", "nsubjpass")
                                                                         for c in t.children):
            # "X said the prisoners showed signs of torture, and accused Russia of ...": a speech act joined to a
            # reported clause whose subject is no actor is the speaker's own
            first = t
            while first.dep_ == "conj" and first.head.i != first.i:
                first = first.head
            if not any(a.sector not in ("CVL", "REF") for c in first.children if c.dep_ == "nsubj"
                       for a, _ in self.actors_at(c)):  # (victims do not accuse or call for inquiries)
                for anc in list(first.ancestors)[:5]:
                    if anc.lemma_.lower() in SPEECH_VERBS and anc.pos_ == "VERB":
                        got = [x for c in anc.children if c.dep_ == "nsubj" for x in self.actors_at(c)]
                        if got:
                            return got
                        break
        if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lemma_.lower() in MEASURE_NOUNS:
            return self._head_subject(t.head.head, violent)  # "held two hours of talks", "a wave of attacks"
        if t.pos_ in ("NOUN", "PROPN") and t.dep_ == "dobj" and not _light_verb(t.head):
            return []
        if t.dep_ == "acl" and t.tag_ == "VBN":
            return []  # "the bodies of soldiers killed in fighting": not the main clause's subject's doing
        if t.dep_ == "acl" and t.tag_ == "VBG" and (self.actors_at(t.head) or t.head.tag_ in ("NNS", "NNPS")):
            # "countries hosting refugees": the countries, whoever they are ("a declaration demanding ...": the
            # declaration's issuer, further up)
            return self.actors_at(t.head)
        if t.pos_ in ("NOUN", "PROPN") and t.dep_ == "pobj" and t.head.lower_ not in PARTICIPATION_PREPS:
            return []  # "cracked down on protests", "an inquiry into every death": not the subject's doing
        cur = t
        for _ in range(5):
            if cur.dep_ == "pcomp" and cur.head.dep_ == "prep" and cur.head.lower_ in ("of", "for"):
                for c in cur.head.head.children:  # "accused Pakistan of carrying out airstrikes"
                    if c.dep_ == "dobj":
                        got = self.actors_at(c)
                        if got:
                            return got
            if cur.dep_ in ("ROOT",) and cur.i != t.i:
                break
            head = cur.head
            if head.i == cur.i:
                break
            own_subj = [c for c in cur.children if c.dep_ == "nsubj"]
            if cur.dep_ in ("ccomp",) and head.lemma_.lower() in SPEECH_VERBS and (
                    any(c.pos_ != "PRON" for c in own_subj)
                    or (violent and not any(c.lower_ in SPEAKER_PRONOUNS for c in own_subj))):
                break  # "the strikes hit ..., X said": the speaker is not the agent; "X said it would ..." is
            if cur.dep_ == "conj" and head.pos_ == "VERB" or cur.dep_ in ("xcomp", "dobj", "pobj", "prep", "advcl", "acl", "conj", "ccomp", "acomp") or t.pos_ == "NOUN":
                for c in head.children:
                    if c.dep_ == "nsubjpass" and head.lemma_.lower() in ENGAGED_VERBS:
                        got = self.actors_at(c)  # "HTS has been involved in clashes with ISIS": HTS fights
                        if got:
                            return got
                    if c.dep_ == "nsubj" and c.i == t.i:
                        return []  # the trigger is the subject: its own modifiers were tried ("the death of X marked")
                    if c.dep_ == "nsubj":
                        got = self.actors_at(c)
                        if got:
                            return got
                        if c.pos_ != "PRON" or cur.dep_ != "acomp":
                            return []  # ("X said he is ready to ...": the speaker, further up)
            if cur.dep_ in ("ccomp",) and head.lemma_.lower() in SPEECH_VERBS:
                break
            cur = head
        return []

    # ---- place, date, counts, modality
    def place_for(self, t: Token, sent: Span, actor_tokens: Iterable[int] = ()) -> PlaceMention | None:
        # the trigger's phrase without the clauses joined to it ("... blocked the road, and marches were
        # reported in Nakuru": Nakuru is the other clause's place)
        other = {x.i for c in t.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") for x in c.subtree}
        sub = {x.i for x in t.subtree} - other
        head = t.head
        if t.dep_ in ("pobj", "dobj") and head.i != t.i:
            sub |= {x.i for x in head.subtree}
        # "officials in Nairobi said": where the reporter is, not the event -- unless the reporter is the actor
        # ("a spokeswoman in Islamabad said ... and accused Kabul")
        speakers = self._speaker_tokens(sent)
        if any(i in speakers for i in actor_tokens):
            speakers = set()
        cands = sorted((p for p in self._sentence_places(sent) if p.start not in speakers or p.start in sub),
                       key=self._place_rank)  # stable: text order among equals
        inside = [p for p in cands if p.start in sub]
        if inside:
            return inside[0]
        if t.dep_ in ("nsubj", "nsubjpass") and head.i != t.i:  # "marches were reported in Nakuru": its clause
            clause = {x.i for x in head.subtree} - {x.i for c in head.children if c.dep_ == "conj"
                                                     for x in c.subtree}
            inside = [p for p in cands if p.start in clause]
            if inside:
                return inside[0]
        return cands[0] if cands else None

    def _place_rank(self, p: PlaceMention) -> tuple[bool, bool, bool, bool]:
        """Where an event happened, best first: not where its reporter is ("relief officials in Nairobi said"),
        a place after a locative preposition ("in Dili", "near Goma"), not one that is an actor or a modifier
        ("his Timor-Leste counterpart", "Pakistan's envoy"), a town or region before a whole country."""
        root = self.doc[p.start:p.end].root
        if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lemma_.lower() in PLACE_NOUNS:
            root = root.head.head  # "in the port city of Mombasa"
        locative = root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS
        named_actor = root.dep_ in ("compound", "amod", "poss", "nmod", "nsubj", "nsubjpass", "dobj", "dative") \
            or any(i in self.by_token for i in range(p.start, p.end))
        reporter = p.start in self._speaker_tokens(self.sent_of[p.start][1]) if p.start in self.sent_of else False
        return (reporter, not locative, named_actor, p.place.feature_kind == "country")

    def _speaker_tokens(self, sent: Span) -> set[int]:
        """Tokens of the subject phrases of the sentence's speech verbs ('relief officials in Nairobi said')."""
        cache = self.__dict__.setdefault("_speaker_cache", {})
        if sent.start not in cache:
            cache[sent.start] = _speaker_tokens_in(sent)
        return cache[sent.start]

    def _object_country(self, t: Token, preps: tuple[str, ...] = ("on", "against", "in", "into", "inside")
                        ) -> PlaceMention | None:
        """A country the event is done 'on/against/in/into' ("Iran's missile attack on Israel"), named as an
        actor rather than a place: where it happened, when the sentence names no place."""
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for p in c.children:
                    kind, _, iso = p.ent_id_.partition(":")
                    if p.dep_ == "pobj" and kind == "country" and self.c.gaz.country(iso) is not None:
                        return PlaceMention(self.c.gaz.country(iso), p.i, p.i + 1, p.text)
        return None

    def _definite_place(self, sent: Span) -> PlaceMention | None:
        """'the city', 'the town', 'the camp', 'the same region': the latest place of that kind named before."""
        kinds = {"city": ("city",), "town": ("city",), "capital": ("city",), "village": ("city",),
                 "camp": ("feature", "city"), "region": ("admin1", "admin2", "feature", "region"),
                 "province": ("admin1", "admin2"), "area": ("admin1", "admin2", "feature", "city")}
        for tok in sent:
            want = kinds.get(tok.lower_)
            if want and any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that") for c in tok.children) \
                    or (want and tok.i > 0 and self.doc[tok.i - 1].lower_ in ("city's", "town's")):
                earlier = [p for p in self._places_in_order() if p.end <= tok.i]
                for p in reversed(earlier):
                    if p.place.feature_kind in want or (p.place.precision == "region" and "region" in want):
                        return p
        return None

    def _context_place(self, sent: Span) -> PlaceMention | None:
        """Where an event whose sentence names no place happened: the place "the city / the camp / the same
        region" refers to, else the last place the sentence before it (same paragraph) puts something in ("in
        X", "near X"), else the dateline ("BRUSSELS — ..."). Such events have no location_text."""
        definite = self._definite_place(sent)
        if definite is not None:
            return definite
        if sent.start > 0:
            prev = self.doc[sent.start - 1].sent
            if "\n" not in self.doc[prev.end - 1].text_with_ws and not self.doc[sent.start - 1].is_space:
                places = [p for p in self._sentence_places(prev) if self._place_rank(p)[:2] == (False, False)]
                if places:  # where the sentence before placed something ("... in Paktika. The strikes ...")
                    return places[-1]
        first = next(iter(self.doc.sents), None)
        if first is not None:
            for p in self._sentence_places(first):
                if p.start == first.start and p.end < len(self.doc) and self.doc[p.end].text in ("—", "–", "-", ","):
                    return p
        return None

    def _places_in_order(self) -> list[PlaceMention]:
        """Every place mention of the article, in text order (computed once)."""
        got = getattr(self, "_ordered_places", None)
        if got is None:
            got = self._ordered_places = sorted({id(p): p for p in self.place_by_token.values()}.values(),
                                                key=lambda p: p.start)
        return got

    def _sentence_places(self, sent: Span) -> list[PlaceMention]:
        cache = self.__dict__.setdefault("_sent_places", {})
        if sent.start not in cache:
            cache[sent.start] = self._places_of(sent)
        return cache[sent.start]

    def _places_of(self, sent: Span) -> list[PlaceMention]:
        out, seen = [], set()
        for tok in sent:
            p = self.place_by_token.get(tok.i)
            if p is not None and id(p) not in seen:
                seen.add(id(p))
                out.append(p)
        return out

    def date_for(self, t: Token, sent: Span) -> tuple[date | None, str | None, str, str | None]:
        ents = [e for e in _sent_ents(sent) if e.label_ == "DATE"]
        best = None
        if ents:
            sub = {x.i for x in t.subtree}
            anc = {x.i for x in t.ancestors}
            # a possessive date dates its own noun ("the anniversary of last year's demonstrations"), not this event
            ents = [e for e in ents if not (e.root.dep_ == "poss" and e.root.head.i != t.i)] or ents
            # a date in a clause of its own under the trigger dates that clause ("expelled the inspectors after
            # officials alleged that the North had a program in late 2002"), unless it is a participle of the act
            ents = [e for e in ents if not (e.root.i in sub and _across_clause(e.root, t))]
            attached = [e for e in ents if e.root.head.i in sub | anc | {t.i} or e.root.i in sub]
            for e in attached + ents:
                r = resolve_date(e.text, self.published)
                if r:
                    best = (r[0], r[1], "text", e.text)
                    break
        if best:
            return best
        peg = self._news_peg(self.sent_of[t.i][0])
        if peg is not None:
            return peg[0], "day", "context", peg[1]
        if self.published:
            return self.published, "day", "publication", None
        return None, None, "publication", None

    def _news_peg(self, sent_i: int) -> tuple[date, str] | None:
        """The article's current date before sentence ``sent_i``: the latest day-precise date expression of an
        earlier sentence that falls in the week before publication ("on Sunday" in the lead), so that later
        undated statements about the same news ("Guterres renewed his call ...") keep that day."""
        if self.published is None:
            return None
        if not hasattr(self, "_pegs"):
            self._pegs: list[tuple[date, str] | None] = []
            cur = None
            for s in self.doc.sents:
                self._pegs.append(cur)
                for e in _sent_ents(s):
                    if e.label_ != "DATE":
                        continue
                    r = resolve_date(e.text, self.published)
                    if r and r[1] == "day" and timedelta(0) <= self.published - r[0] <= timedelta(days=7):
                        cur = (r[0], e.text)
        return self._pegs[sent_i] if sent_i < len(self._pegs) else None

    def counts_for(self, t: Token, trig: Trigger, victims: list[Token]) -> dict[str, int | None]:
        out: dict[str, int | None] = {"killed": None, "killed_low": None, "injured": None, "arrested": None}
        kind = trig.count
        if kind == "injured" and any(c.lower_ == "dead" for c in t.children):
            kind = "killed"  # "shot dead"
        if kind:
            total, low, seen_any = 0, 0, False
            for v in victims:
                got = self._count_of(v)
                if got is not None:
                    total += got[0]
                    low += got[1] if got[1] is not None else got[0]
                    seen_any = True
            if seen_any:
                out[kind] = total
                if kind == "killed":
                    out["killed_low"] = low
        for c in t.children:  # "killed 21 and wounded more than 40"
            if c.dep_ == "conj" and c.lemma_.lower() in ("wound", "injure") and out["injured"] is None:
                vs = [x for x in c.children if x.dep_ in ("dobj", "nsubjpass")]
                for v in vs:
                    got = self._count_of(v)
                    if got:
                        out["injured"] = got[0]
                        self.consumed.add(c.i)
        return out

    def _count_of(self, v: Token) -> tuple[int, int | None] | None:
        nums = [c for c in v.children if c.dep_ in ("nummod", "quantmod") or (c.dep_ == "amod" and c.like_num)]
        if nums:
            n = nums[0]
            phrase = self.doc[min(x.i for x in n.subtree):max(x.i for x in n.subtree) + 1].text
            return parse_count(phrase)
        if v.like_num or v.lower_ in ("dozen", "dozens", "hundreds", "thousands", "scores"):
            phrase = self.doc[min(x.i for x in v.subtree if x.i <= v.i):v.i + 1].text
            return parse_count(phrase)
        if v.lower_ in ("who", "whom", "that") and v.head.dep_ == "relcl":  # "al-Baghdadi, who was killed"
            v = v.head.head
        for x in [v, *(c for c in v.children if c.dep_ == "appos")]:  # "his predecessor, Abu al-Hassan, was killed"
            m = self.by_token.get(x.i)
            if m is not None and m.actor.kind == "person":
                return 1, 1
        return None

    def modality(self, t: Token) -> tuple[str, str | None]:
        claimed_by = None
        chain = [t, *list(t.ancestors)[:4]]
        for x in chain[:2]:
            if any(c.dep_ == "neg" for c in x.children):
                return "negated", None
        if t.dep_ in ("xcomp", "ccomp", "dobj", "pcomp") and t.head.lemma_.lower() in DENIAL_VERBS:
            return "negated", None  # "Rwanda denies supporting the M23"
        scope = []
        for x in chain:  # the trigger up to its governing verb ("will provide ... aid")
            scope.append(x)
            if x.pos_ in ("VERB", "AUX") or len(scope) >= 4:
                break
        for x in scope:
            for c in x.children:
                if c.dep_ == "aux" and c.lower_ == "would" and any(
                        a.lemma_.lower() in SPEECH_VERBS | {"announce", "promise", "pledge", "vow"} for a in chain[1:]):
                    return "future", None  # reported intention: "said it would allow ..."
                if c.dep_ == "aux" and c.lower_ in ("could", "might", "may", "would"):
                    return "hypothetical", None
                if c.dep_ == "aux" and c.lower_ in ("will", "shall", "'ll"):
                    return "future", None
                if c.dep_ == "mark" and c.lower_ in ("if", "unless"):
                    return "hypothetical", None
        infinitive = t.dep_ == "xcomp" or (t.dep_ == "advcl" and any(  # "have sworn to fight" (parsed as advcl)
            c.dep_ == "aux" and c.lower_ == "to" for c in t.children))
        if infinitive and t.head.lemma_.lower() in FUTURE_GOVERNORS | {"ready", "prepared", "willing",
                                                                                  "determined", "set"}:
            return "future", None
        for x in chain[1:]:
            if x.lemma_.lower() in SPEECH_VERBS:
                for c in x.children:
                    if c.dep_ == "nsubj":
                        got = self.actors_at(c)
                        claimed_by = got[0][0].name if got else c.text
                return "reported", claimed_by
        for tok in t.sent:
            if tok.lower_ == "according" and tok.nbor(1).lower_ == "to":
                for c in tok.nbor(1).children:
                    got = self.actors_at(c)
                    return "reported", got[0][0].name if got else c.text
        return "asserted", None

    # ---- main loop
    def events(self) -> Iterator[dict[str, Any]]:
        doc = self.doc
        triggers = [(t, trig) for t in doc if (trig := self.trigger_for(t)) is not None]
        # a verb whose 'in/by X' object is a nominal trigger takes that noun's source and mode
        noun_for_verb: dict[int, tuple[Token, Trigger]] = {}
        for t, trig in triggers:
            if trig.pos != "verb":
                continue
            for c in t.children:
                # ("hosted X for talks": the talks are the hosting's meeting)
                if c.dep_ in ("prep", "agent") and (c.lower_ in ("in", "by", "during") or (
                        c.lower_ == "for" and trig.type == "CONSULT")):
                    for p in c.children:
                        nt = self.trigger_for(p) if p.dep_ == "pobj" else None
                        if nt and nt.pos == "noun" and nt.type == trig.type:
                            noun_for_verb[t.i] = (p, nt)
                            self.consumed.add(p.i)
            if trig.type == "CONSULT" and (trig.mode or "") == "host":  # "hosted talks": one meeting
                for c in t.children:
                    nt = self.trigger_for(c) if c.dep_ == "dobj" else None
                    if nt and nt.pos == "noun" and nt.type == "CONSULT":
                        self.consumed.add(c.i)
            # "a drone strike on the market killed 21 people": the nominal attack is the verb's subject
            for c in t.children:
                if c.dep_ == "nsubj" and trig.type == "ASSAULT":
                    nt = self.trigger_for(c)
                    if nt and nt.pos == "noun" and nt.type == "ASSAULT":
                        noun_for_verb[t.i] = (c, nt)
                        self.consumed.add(c.i)
        # "RSF fighters overran the camp, killing hundreds": one attack; the participle gives victims and counts
        self.participle_of: dict[int, Token] = {}
        for t, trig in triggers:
            if trig.type != "ASSAULT":
                continue
            if trig.pos == "noun" and t.dep_ == "dobj" and _light_verb(t.head):
                children = list(t.head.children)  # "launched an offensive, killing 20 civilians"
            elif trig.pos == "verb":
                children = list(t.children)
            else:
                continue
            for c in children:
                if c.dep_ in ("advcl", "conj", "xcomp") and c.tag_ == "VBG" and not any(
                        x.dep_ in ("nsubj", "nsubjpass") for x in c.children):
                    ct = self.trigger_for(c)
                    if ct and ct.type == "ASSAULT" and ct.count:
                        self.participle_of[t.i] = c
                        self.consumed.add(c.i)
        # what a request asks for ("called on Uganda to release the activists", "called for sanctions") has
        # not happened: it is no event of its own, it gives the request its mode
        # ... and what is rejected ("rejected an offer of talks", "refused to deploy peacekeepers") has not
        # happened either: the rejection is the event; a protest's demand ("marched to demand reforms") is
        # the protest's purpose, not a second event
        self.request_mode: dict[int, str | None] = {}
        for t, trig in triggers:
            gov, gtrig = self._governing_trigger(t)
            if gtrig is None and trig.type == "REQUEST" and t.dep_ in ("advcl", "xcomp") and _light_verb(t.head):
                gov = next((c for c in t.head.children if c.dep_ == "dobj"), None)  # "staged protests to demand"
                gtrig = self.trigger_for(gov) if gov is not None else None
            if gtrig is None:
                continue
            warned_against = gtrig.type == "THREATEN" and t.dep_ == "pcomp" and t.head.lower_ == "against"
            rejected_ask = gtrig.type == "REJECT" and trig.pos == "noun" and t.dep_ == "dobj" and t.head.i == gov.i
            # "ordered the newspaper to suspend publication": the order is the event, not what it orders
            rejected_ask = rejected_ask or (gov.lemma_.lower() == "order" and t.dep_ == "xcomp")
            if (gtrig.type in ("REQUEST", "REJECT") and trig.type not in ("REQUEST", "REJECT")) or warned_against \
                    or rejected_ask:  # "rejected a UN appeal for ...": the rejection is the event
                self.consumed.add(t.i)
                if gtrig.type == "REQUEST":
                    self.request_mode.setdefault(gov.i, REQUEST_MODES.get(trig.type, "change"))
            elif gtrig.type == "PROTEST" and trig.type == "REQUEST" and t.dep_ in ("advcl", "xcomp"):
                self.consumed.add(t.i)
            elif gtrig.type == "THREATEN" and trig.type != "THREATEN" and t.dep_ == "xcomp" and gov.pos_ == "VERB" \
                    and t.head.i == gov.i:
                # "threatened to impose sanctions": what is threatened has not happened; it is the threat's mode
                self.consumed.add(t.i)
                self.request_mode.setdefault(gov.i, THREAT_MODES.get(trig.type))
        for t, trig in triggers:
            if t.i in self.consumed or _is_heading(self.sent_of[t.i][1]):
                continue
            yield from self._code_trigger(t, trig, noun_for_verb.get(t.i))

    def _governing_trigger(self, t: Token) -> tuple[Token | None, Trigger | None]:
        """The trigger whose complement ``t`` is: 'called on X to release' (xcomp/advcl/ccomp), 'called for
        sanctions', 'an appeal for deploying troops', 'an offer of talks', 'opposed the deployment' (through
        a light verb or a noun object of at most two steps)."""
        cur = t.head if t.dep_ == "dobj" and _light_verb(t.head) else t  # "to hold talks"
        if t.dep_ == "ccomp" and _light_verb(t.head):  # "reiterated its demand that Israel ease ...": the demand's
            noun = next((c for c in t.head.children if c.dep_ == "dobj" and c.i < t.i), None)
            gtrig = self.trigger_for(noun) if noun is not None else None
            if gtrig is not None and gtrig.pos == "noun":
                return noun, gtrig
        for _ in range(3):
            head = cur.head
            if head.i == cur.i:
                return None, None
            if cur.dep_ in ("xcomp", "advcl", "ccomp", "dobj") or (cur.dep_ == "pobj" and head.lower_ in ("for", "of")):
                gov = head.head if cur.dep_ == "pobj" else head
                gtrig = self.trigger_for(gov)
                if gtrig is not None and gov.i != t.i:
                    return gov, gtrig
                if cur.dep_ == "pobj" or gov.pos_ not in ("NOUN", "PROPN"):
                    cur = gov
                    continue
                return None, None
            if cur.dep_ == "pcomp" and head.lower_ in ("for", "of", "against"):  # "an appeal for deploying"
                gov = head.head
                gtrig = self.trigger_for(gov) if gov.i != head.i else None
                if gtrig is not None:
                    return gov, gtrig
                return None, None
            return None, None
        return None, None

    def _code_trigger(self, t: Token, trig: Trigger, noun: tuple[Token, Trigger] | None) -> Iterator[dict[str, Any]]:
        sent_i, sent = self.sent_of[t.i]
        sources = self.role(t, trig, trig.source)
        mode = trig.mode or self.request_mode.get(t.i)
        if noun is not None:
            n_tok, n_trig = noun
            if not sources or any(c.dep_ == "auxpass" for c in t.children):
                sources = self.role(n_tok, n_trig, [p for p in n_trig.source if p != "head_subject"]) or sources
            mode = n_trig.mode or mode
        targets = self.role(t, trig, trig.target)
        if trig.pos == "noun" and t.dep_ == "pobj" and t.head.lower_ == "under" \
                and t.head.head.lemma_.lower() in ("put", "place", "keep", "hold"):
            # "a US national has been put under investigation in Italy": the person is the target; the
            # agent, else the authorities of the country it happens in, the source
            verb = t.head.head
            targets = [x for c in verb.children if c.dep_ in ("nsubjpass", "dobj") for x in self.actors_at(c)]
            sources = [x for c in verb.children if c.dep_ == "agent" for p in c.children for x in self.actors_at(p)]
            where = [self.place_by_token.get(p.i) or self._object_country(x, ("in",))
                     for x in (verb, t) for c in x.children if c.dep_ == "prep" and c.lower_ == "in"
                     for p in c.children]
            iso = next((w.place.country_code for w in where if w is not None), None)
            if not sources and iso in self.c.dicts.countries:
                sources = [(self.c.state_actor(iso, "JUD" if trig.type == "ACCUSE" else "COP"), None)]
        part = getattr(self, "participle_of", {}).get(t.i)
        part_trig = self.trigger_for(part) if part is not None else None
        if part is not None and part_trig is not None:
            own = targets if trig.pos == "noun" else []  # "an offensive against ISIS, killing ...": ISIS
            targets = own or self.role(part, part_trig, part_trig.target) or targets
        if trig.type == "MOBILIZE" and trig.with_ and not any(c.dep_ == "agent" for c in t.children) and any(
                c.dep_ == "nsubjpass" and c.lemma_.lower() in trig.with_ for c in t.children):
            sources = []  # "troops had been sent ..., it said": the troops' owner sent them, not the speaker
        if not sources and trig.type == "MOBILIZE" and trig.with_:  # "troops were sent": their owner sends
            sources = [x for c in t.children if c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in trig.with_
                       for x in self.actors_at(c)]
        targets = [x for x in targets if all(x[0].actor_id != s[0].actor_id for s in sources)]

        if not sources:  # "fighting between the army and M23 rebels": the first side named acts on the second
            sides = self._between_sides(t)
            if len(sides) >= 2:
                sources, targets = sides[:1], sides[1:2]
        if mode == "host" and len(sources) == 1 and len(targets) == 1 and trig.type == "CONSULT":
            # "X hosted Y": a meeting of both; the guest's visit is coded too (host -> guest, guest -> host)
            pairs = [(sources[0], targets[0]), (targets[0], sources[0])]
        elif len(sources) >= 2 and not targets and trig.type in SYMMETRIC_TYPES:
            # "Russia and Ukraine freed prisoners", "X and Y held talks": each side acts on the other
            pairs = [(a, b) for a in sources for b in sources if a[0].actor_id != b[0].actor_id]
        else:
            pairs = None
        if trig.requires_actor_object and not targets:
            return
        if trig.requires_modifier and not (sources or targets):
            return
        if not sources and trig.type == "PROTEST":
            sources = self._crowd(t, sent)
        if trig.type == "PROTEST":  # "thousands of people marched": as a protest's source, people are protesters
            sources = [(self.c.state_actor(a.country_code, "CVL", None, protesters=True), tok)
                       if a.sector == "CVL" and a.kind == "other" and not a.name.endswith("protesters")
                       and a.country_code in self.c.dicts.countries and tok is not None
                       and (tok.lemma_.lower() in CROWD_NOUNS or tok.like_num or tok.lower_ in (
                           "thousands", "hundreds", "dozens", "scores", "tens")) else (a, tok) for a, tok in sources]
        if not sources and not targets:
            return
        victims = [tok for _, tok in targets] or [c for c in t.children if c.dep_ in ("dobj", "nsubjpass")]
        if trig.pos == "noun":
            victims = [p for c in t.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
            victims = [v2 for v in victims for v2 in [v, *v.conjuncts]] or victims
        else:
            victims = [v2 for v in victims for v2 in [v, *v.conjuncts]]
        counts = self.counts_for(t, trig, victims)
        if part is not None and part_trig is not None:
            pv = [c for c in part.children if c.dep_ in ("dobj", "nsubjpass")]
            pc = self.counts_for(part, part_trig, [v2 for v in pv for v2 in [v, *v.conjuncts]])
            counts = {k: counts[k] if counts[k] is not None else pc[k] for k in counts}
        place = self.place_for(t if noun is None else noun[0], sent, [tok.i for _, tok in sources if tok is not None])
        placed_here = place is not None
        if place is None:
            # aid is given where its recipients are: "humanitarian aid for Sudan"
            place = self._object_country(t if noun is None else noun[0], ("on", "against", "in", "into", "inside") + (
                ("to", "for") if trig.type == "AID" else ()))
            if place is None and trig.type == "AID":
                place = next((self._object_country(c, ("to", "for")) for c in t.children
                              if c.dep_ == "dobj" and self._object_country(c, ("to", "for"))), None)
            placed_here = place is not None
        if place is None:
            place = self._context_place(sent)
        when, precision, dsource, dtext = self.date_for(t, sent)
        modality, claimed_by = self.modality(t)
        etype = trig.type
        if modality == "future" and etype in ("ASSAULT", "COERCE") and t.dep_ == "xcomp" \
                and t.head.lemma_.lower() in ("try", "attempt"):
            modality = "asserted"  # "gunmen tried to assassinate X": an attempted attack is an attack (ACLED)
        if pairs is not None and mode == "host" and modality in ("future", "hypothetical", "negated"):
            pairs = pairs[:1]  # an offer or refusal to host is the host's alone
        if modality == "future" and sources and etype in PLEDGE_TYPES and (self._conditional(t) or (
                etype == "RETREAT" and mode == "withdraw" and not any(
                    c.dep_ == "dobj" and c.lemma_.lower() in FORCE_NOUNS for c in t.children))):
            # "will withdraw its force unless ...", "will withdraw the inspectors": a threat, not a promise
            etype, mode = "THREATEN", "restrict"
        elif modality == "future" and sources and etype in PLEDGE_TYPES:
            etype, mode = "AGREE", "pledge"  # PLOVER: a promise of future cooperation is AGREE
        elif modality == "future" and sources and etype == "CONSULT" and (self._conditional(t) or (
                t.dep_ == "xcomp" and t.head.lemma_.lower() in OFFER_ADJS)):
            etype, mode = "AGREE", "pledge"  # "would meet the mediator if he ...", "ready to host talks": an offer
        elif modality == "future" and sources and etype in THREAT_MODES:
            etype, mode = "THREATEN", THREAT_MODES[etype]  # ... and a stated intent to do harm is THREATEN
        elif modality == "negated" and sources and etype in REFUSAL_MODES:
            # "will not accept refugees", "did not agree to the plan": the actor's refusal is the event (REJECT)
            etype, mode, modality = "REJECT", REFUSAL_MODES[etype], "asserted"
        targets = self._not_what_moves(t, trig, targets)
        if trig.type == "ASSAULT" and trig.pos == "noun" and t.dep_ == "dobj" and t.head.lemma_.lower() in REPEL_VERBS:
            # "the army repelled an RSF attack": the attack was on whoever repelled it
            targets = [x for c in t.head.children if c.dep_ == "nsubj" for x in self.actors_at(c)
                       if all(x[0].actor_id != a.actor_id for a, _ in sources)] or targets
        if not targets and pairs is None and mode == "mediate" and t.dep_ == "acl":
            # "an exchange mediated by the UAE" in "Russia and Ukraine freed prisoners in an exchange ...":
            # the mediator acts between the parties of the act it mediated
            verb = t.head.head.head if t.head.dep_ == "pobj" else t.head.head
            targets = [x for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for x in self.actors_at(c)
                       if all(x[0].actor_id != a.actor_id for a, _ in sources)]
        if not targets and pairs is None and trig.type == "CONCEDE":
            # "Ruto withdrew the finance bill": a concession is made to whoever pressed for it most
            targets = self._doers({"PROTEST", "REQUEST", "THREATEN"}, sources)
        if not targets and pairs is None and trig.type in REACTION_TYPES:
            targets = self._reacted_to(t, trig, sources)
        if not targets and pairs is None:
            targets = self._not_what_moves(t, trig, self._nearby_targets(t, trig, sources))
        if not targets and pairs is None and etype == "PROTEST":
            targets = self._protest_addressee(sources, t)
        if etype in ("ASSAULT", "COERCE") and targets and self._protest_context(sent_i):
            # "police detained three people near parliament" in a report on a protest: the people are protesters
            targets = [(self.c.state_actor(a.country_code, "CVL", None, protesters=True), tok)
                       if a.sector == "CVL" and tok is not None and tok.lemma_.lower() in CROWD_NOUNS
                       and a.country_code in self.c.dicts.countries else (a, tok) for a, tok in targets]
        if etype == "COERCE" and mode == "arrest" and not sources and targets and pairs is None:
            # "37 people had been arrested" (no agent): arrests are made by the police of the country
            iso = next((a.country_code for a, _ in targets if a.country_code in self.c.dicts.countries), None)
            if iso is not None and all(a.sector != "COP" for a, _ in targets):
                sources = [(self.c.state_actor(iso, "COP"), None)]
        if etype == "ASSAULT":
            # "Pakistan carried out airstrikes": force used by a state named as a whole is its armed forces'
            sources = [(self.c.state_actor(a.country_code, "MIL", None), tok)
                       if a.kind == "state" and a.sector == "GOV" and a.country_code in self.c.dicts.countries
                       and (tok is None or (tok.lemma_.lower() not in GOVERNMENT_NOUNS and tok.dep_ != "poss"))
                       else (a, tok)  # ... but "Iran's missile attack" is attributed to the state itself
                       for a, tok in sources]
        unknown = None
        iso = place.place.country_code if place is not None and placed_here else None
        attack = t.lemma_.lower() not in HARM_ONLY or any(
            x.lemma_.lower() in ATTACK_EVIDENCE for c in t.children if c.dep_ in ("nsubj", "agent", "prep")
            for x in c.subtree)  # "a fire broke out, killing four": no attacker to speak of
        if etype == "ASSAULT" and attack and not sources and targets and pairs is None and iso in self.c.dicts.countries \
                and not (t.dep_ in ("xcomp", "acl", "advcl") and any(c.lower_ == "to" for c in t.children)) \
                and not any(tok is not None and tok.left_edge.i <= place.start <= tok.right_edge.i for _, tok in targets):
            # "a roadside bomb near Samarra killed a U.S. soldier": the attacker is unknown, not absent (given
            # after merging, when no other mention of the attack names the attacker)
            unknown = self.c.unidentified_armed_group(iso)
        if not sources and not targets and pairs is None and unknown is None:
            return  # no actor left on either side (a 'with' object that is what moves): nothing to code
        src_list: list[tuple[Actor | None, Token | None]] = list(sources) or [(None, None)]
        tgt_list: list[tuple[Actor | None, Token | None]] = list(targets) or [(None, None)]
        combos = [(a, b) for a in src_list for b in tgt_list] if pairs is None else pairs
        for (s, s_tok), (g, g_tok) in combos:
            if s is not None and g is not None and s.actor_id == g.actor_id:
                continue
            loc_rec = location_record(place.place) if place else None
            self.history.append({"type": etype, "source": s, "target": g,
                                 "lemma": (noun[0] if noun is not None else t).lemma_.lower()})
            conf = 0.5 + 0.2 * (s is not None) + 0.2 * (g is not None) + 0.1 * (dsource == "text")
            yield {
                "sentence_index": sent_i,
                "event_type": etype,
                "event_mode": mode,
                "cameo_root": cameo_root(etype, mode),
                "quad_class": quad_class(etype),
                "intensity": intensity(etype, mode),
                "source_actor_id": s.actor_id if s else None,
                "target_actor_id": g.actor_id if g else None,
                "location_id": loc_rec["location_id"] if loc_rec else None,
                "event_date": when,
                "date_precision": precision,
                "date_source": dsource,
                "date_text": dtext,
                "fatalities": counts["killed"],
                "fatalities_low": counts["killed_low"],
                "injured": counts["injured"],
                "arrested": counts["arrested"],
                "modality": modality,
                "claimed_by": claimed_by,
                "trigger": self.text[t.idx:t.idx + len(t.text)],
                "trigger_start": t.idx,
                "trigger_end": t.idx + len(t.text),
                "source_text": self._span_text(s_tok),
                "target_text": self._span_text(g_tok),
                "location_text": self.text[self.doc[place.start].idx:self.doc[place.end - 1].idx + len(self.doc[place.end - 1].text)] if placed_here else None,
                "confidence": round(min(conf, 1.0), 2),
                "evidence": self.text[sent.start_char:sent.end_char].strip(),
                "_source_actor": s,
                "_target_actor": g,
                "_location_record": loc_rec,
                "_unknown_attacker": unknown if s is None else None,
            }

    def _nearby_targets(self, t: Token, trig: Trigger, sources: list[tuple[Actor, Token]]
                        ) -> list[tuple[Actor, Token]]:
        """When no lexicon pattern gives a target: the nearest actor in the trigger's own phrase, breadth first
        through its objects, their modifiers and its complement clauses ("praised Haiti's efforts", "rejected
        an Indian proposal", "an offer from Afghanistan", "threatened to break relations with Russia",
        "demanded that the United States match ..."), never its subject, a separate clause or the source.
        For types that act on a country (not attacks, arrests), a country named as a place there is the
        target too ("withdraw its troops from Lebanon": the Lebanese government); failing all that, a town or
        region there stands for its country (its people when attacked as the direct object: "shelled Juba")."""
        src = {a.actor_id for a, _ in sources}
        skip_first = {"nsubj", "nsubjpass", "csubj", "agent", "aux", "auxpass", "punct", "mark", "neg", "advmod",
                      "cc", "conj", "parataxis", "det", "appos", "relcl"}
        skip_deep = {"punct", "cc", "conj", "parataxis", "det", "relcl", "advcl", "mark", "aux", "neg"}
        frontier = [(c, 1) for c in t.children if c.dep_ not in skip_first
                    and (c.dep_ != "advcl" or any((x.dep_ == "aux" and x.lower_ == "to") or (
                        x.dep_ == "mark" and x.lower_ == "for") for x in c.children))]
        if trig.pos == "noun" and t.dep_ == "dobj" and _light_verb(t.head):
            # "reiterated its demand today that Israel ease ...": the light verb carries the noun's complements
            frontier += [(c, 1) for c in t.head.children if c.dep_ in ("ccomp", "prep", "dative") and c.i > t.i]
        seen = 0
        sub_place: tuple[PlaceMention, Token] | None = None
        while frontier and seen < 40:
            x, depth = frontier.pop(0)
            seen += 1
            m = self.by_token.get(x.i)
            if m is not None and m.actor.actor_id not in src and self.doc[m.start].lower_ not in ("its", "their"):
                return [(m.actor, x)]  # not "its troops": what the source moves, not whom it acts on
            if x.pos_ == "PRON" and x.lower_ == "them":  # "fired tear gas to stop them"
                a = self._plural_antecedent(x)
                if a is not None and a.actor_id not in src:
                    return [(a, x)]
            p = self.place_by_token.get(x.i)
            kind, _, iso = x.ent_id_.partition(":")
            if p is not None and p.place.feature_kind == "country":
                iso = p.place.country_code or ""
            elif kind != "adj" or x.dep_ not in ("amod", "compound"):  # "an Indian proposal"
                iso = ""
            if iso in self.c.dicts.countries and trig.type in PLACE_TARGET_EXCLUDED and kind == "adj" \
                    and x.head.lemma_.lower() in PROPERTY_NOUNS:
                a = self.c.state_actor(iso, "CVL")  # "demolished Palestinian homes": their owners, the people
                if a.actor_id not in src:
                    return [(a, x)]
            foreign = not any(a.country_code == iso for a, _ in sources)
            if iso in self.c.dicts.countries and (trig.type not in PLACE_TARGET_EXCLUDED
                                                  or (trig.type == "MOBILIZE" and foreign)):
                a = self.c.state_actor(iso, "GOV")  # "strengthened its forces in Lebanon": Lebanon's government
                if a.actor_id not in src:
                    return [(a, x)]
            if depth < 5:
                frontier.extend((c, depth + 1) for c in x.children if c.dep_ not in skip_deep)
            if p is not None and p.place.country_code and p.place.feature_kind != "country" and sub_place is None:
                sub_place = (p, x)
        if sub_place is not None:  # no actor: a town or region the event acts on stands for its country
            p, x = sub_place
            iso = p.place.country_code
            direct = x.head.i == t.i and x.dep_ in ("dobj", "nsubjpass")
            # a curfew or a siege in a town acts on its people; troops on alert in a foreign region, on its country
            territorial = (trig.type == "COERCE" and (trig.mode or "") in ("curfew", "restrict", "martial-law")) or (
                trig.type == "MOBILIZE" and not any(a.country_code == iso for a, _ in sources))
            if iso in self.c.dicts.countries and (trig.type not in PLACE_TARGET_EXCLUDED or direct or territorial):
                # "shelled Juba": its people; "evacuate settlements in the Gaza Strip": its government, or its
                # people when the source is that government ("lifted the emergency in West Darfur")
                a = self.c.state_actor(iso, "GOV")
                if (trig.type in PLACE_TARGET_EXCLUDED and trig.type != "MOBILIZE") or a.actor_id in src:
                    a = self.c.state_actor(iso, "CVL")
                if a.actor_id not in src:
                    return [(a, x)]
        return []

    def _crowd(self, t: Token, sent: Span) -> list[tuple[Actor, Token]]:
        """Protesters without a named organisation: protesters of the country their subject phrase names
        ("Iraqi Kurds", "Nigerians"), else of the sentence's place, else of the page."""
        gov = t if t.pos_ == "VERB" else (t.head if t.dep_ in ("dobj", "nsubj") else None)
        # the protest noun itself may be the subject: "marches turned into running battles"
        subj = next((c for c in gov.children if c.dep_ in ("nsubj", "nsubjpass")), None) if gov else None
        if subj is None or subj.pos_ == "PRON" or subj.ent_type_ in ("ORG", "PERSON", "GPE"):
            return []
        iso = None
        if subj is not None:
            for x in subj.subtree:
                kind, _, val = x.ent_id_.partition(":")
                if kind in ("country", "adj"):
                    iso = val
                    break
        if iso is None:
            place = next(iter(self._sentence_places(sent)), None)
            iso = place.place.country_code if place else (self.focus[0] if self.focus else None)
        if not iso or iso not in self.c.dicts.countries:
            return []
        return [(self.c.state_actor(iso, "CVL", None, protesters=True), subj or t)]

    def _span_text(self, tok: Token | None) -> str | None:
        if tok is None:
            return None
        m = self.by_token.get(tok.i)
        if m is not None:
            span = self.doc[m.start:m.end]
            return self.text[span.start_char:span.end_char]
        return self.text[tok.idx:tok.idx + len(tok.text)]
