"""Actors and locations, one rule per test, on short sentences written for the tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent


def _actors(coded):
    return {a["name"]: a for a in coded.actors.values()}


def _places(coded):
    return {loc["name"]: loc for loc in coded.locations.values()}


# ------------------------------------------------------------------ dictionaries and the entity ruler

def test_actor_dictionary_is_complete_and_valid():
    from schemas.codes import ACTOR_KINDS, SECTORS

    orgs = yaml.safe_load((REPO / "data" / "dictionaries" / "actors.yaml").read_text())
    names = {o["name"] for o in orgs} | {a for o in orgs for a in o.get("aliases", [])}
    for must in ["ISIS", "HTS", "al-Shabaab", "Houthis", "Ansar Allah", "RSF", "M23", "Hezbollah", "Hamas", "Taliban",
                 "JNIM", "Boko Haram", "ISWAP", "PKK", "Wagner"]:
        assert must in names, must
    for o in orgs:
        assert o["kind"] in ACTOR_KINDS and (o.get("sector") is None or o["sector"] in SECTORS), o
        assert o.get("qid") is None or o["qid"].startswith("Q")
    assert sum(1 for o in orgs if o.get("qid")) >= len(orgs) * 0.8


def test_ruler_recognises_groups_places_and_all_names_of_isis(code_text):
    coded, names = code_text("ISIS, the Islamic State, ISIL and Daesh are one group. Hayat Tahrir al-Sham (HTS) "
                             "fought in the Hamrin Mountains.")
    isis = [a for a in coded.actors.values() if a["name"] == "Islamic State"]
    assert len(isis) == 1 and {"ISIS", "ISIL", "Daesh"} <= set(isis[0]["aliases"])
    hts = [a for a in coded.actors.values() if a["name"] == "Hayat Tahrir al-Sham"]
    assert len(hts) == 1 and hts[0]["kind"] == "armed_group"
    assert "Hamrin Mountains" in _places(coded)


def test_turkish_backed_modifier_is_turkey(code_text):
    coded, names = code_text("A Turkish-backed HTS assault on Aleppo killed 12 soldiers in July 2023.")
    assert any(a["country_code"] == "TUR" for a in coded.actors.values())


# ------------------------------------------------------------------ roles from context

def test_prime_minister_title_gives_person_country_and_government_sector(code_text):
    coded, _ = code_text("Iraqi Prime Minister Mohammed Shia' al-Sudani praised the army on Wednesday.")
    p = _actors(coded)["Mohammed Shia' al-Sudani"]
    assert (p["kind"], p["country_code"], p["sector"]) == ("person", "IRQ", "GOV")


def test_group_commander_gets_affiliation_and_insurgent_sector(code_text):
    coded, _ = code_text("In 2015, a U.S. airstrike killed ISIS commander Fadhil Ahmad al-Hayali.")
    p = _actors(coded)["Fadhil Ahmad al-Hayali"]
    assert p["kind"] == "person" and p["affiliation"] == "Islamic State" and p["sector"] == "INS"


@pytest.mark.parametrize(("text", "name", "iso", "sector"), [
    ("The Iraqi military shelled the village.", "Iraqi military", "IRQ", "MIL"),
    ("Iraqi forces shelled the village.", "Iraqi military", "IRQ", "MIL"),
    ("Police in Nairobi fired tear gas at the crowd.", "Kenyan police", "KEN", "COP"),
    ("Thousands of protesters marched in Dakar on Friday.", "Senegalese protesters", "SEN", "CVL"),
    ("The embassies of Britain and Germany issued a joint statement.", "British government", "GBR", "GOV"),
])
def test_state_actors_from_context(code_text, text, name, iso, sector):
    coded, _ = code_text(text)
    a = _actors(coded).get(name)
    assert a is not None, _actors(coded)
    assert (a["country_code"], a["sector"]) == (iso, sector)


def test_sub_units_fold_into_their_state(code_text):
    coded, _ = code_text("Ukrainian officials said members of the National Guard were among those freed.")
    guard = [a for a in coded.actors.values() if "National Guard" in a["aliases"]]
    assert guard and guard[0]["country_code"] == "UKR" and guard[0]["sector"] == "MIL"


def test_credit_lines_and_headings_are_not_actors(code_text):
    coded, _ = code_text("Continued Threat of Militants\nPolice arrested two men in Nairobi on Monday.\n"
                         "Reporting by Hassan Idris in Nairobi; Editing by Daniel Ashworth")
    assert not {"Hassan Idris", "Daniel Ashworth", "Continued Threat"} & set(_actors(coded))


# ------------------------------------------------------------------ coreference inside a page

@pytest.mark.parametrize(("text", "full", "short"), [
    ("Abu Bakr al-Baghdadi led the group until 2019. Baghdadi was killed in a raid.", "Abu Bakr al-Baghdadi", "Baghdadi"),
    ("Police detained Haji Abdullah al-Hashimi in May. Al-Hashimi denied the charges.", "Haji Abdullah al-Hashimi",
     "Al-Hashimi"),
    ("Jassim al-Majouri Abu Abdul Qadir was killed. Qadir had led the cell.", "Jassim al-Majouri Abu Abdul Qadir", "Qadir"),
])
def test_surname_joins_the_full_name(code_text, text, full, short):
    coded, _ = code_text(text)
    persons = [a for a in coded.actors.values() if a["kind"] == "person"]
    assert [p["name"] for p in persons] == [full]
    assert any(m["mention"] == short and coded.actors[m["actor_id"]]["name"] == full for m in coded.actor_mentions)


def test_transliteration_variants_are_one_person_with_aliases(code_text):
    coded, _ = code_text("Abu al-Husayn al-Husayni al-Qurashi was named leader. Abu al-Hussein al-Husseini al-Qurashi "
                         "later died in Idlib.")
    persons = [a for a in coded.actors.values() if a["kind"] == "person"]
    assert len(persons) == 1 and len(persons[0]["aliases"]) >= 1


def test_names_cut_by_the_tagger_are_repaired(code_text):
    coded, _ = code_text("Indonesian Foreign Minister Sugiono met his Timor-Leste counterpart, Bendito dos Santos "
                         "Freitas, in Dili.")
    assert "Bendito dos Santos Freitas" in _actors(coded)
    assert not {"Bendito", "Santos Freitas"} & set(_actors(coded))


def test_seed_page_commander_spelled_two_ways_is_one_actor(coder):
    from transforms.clean import clean_html

    page = clean_html((REPO / "data" / "sample" / "iraq-hamrin-offensive.html").read_text(encoding="utf-8"))
    assert "al-Mazroui" in page.title and "al-Majouri" in page.text  # headline and body spell him differently
    (_, coded), = list(coder.code([{"article_id": "seed", "text": page.text, "title": page.title,
                                    "published_date": page.published_date}]))
    commanders = [a for a in coded.actors.values() if "Qadir" in a["name"] or "Qader" in a["name"]
                  or any("Qadir" in x or "Qader" in x for x in a["aliases"])]
    assert len(commanders) == 1, commanders
    aliases = {commanders[0]["name"], *commanders[0]["aliases"]}
    assert any("Mazroui" in x for x in aliases) and any("Majouri" in x for x in aliases)


def test_same_actor_same_id_across_pages(coder):
    arts = [{"article_id": "a", "text": "Iraqi forces attacked ISIS near Kirkuk.", "published_date": date(2024, 1, 2)},
            {"article_id": "b", "text": "ISIS fighters ambushed Iraqi troops in Diyala.", "published_date": date(2024, 1, 3)}]
    ids = [{a["name"]: k for k, a in coded.actors.items()} for _, coded in coder.code(arts)]
    assert ids[0]["Islamic State"] == ids[1]["Islamic State"] and ids[0]["Iraqi military"] == ids[1]["Iraqi military"]


def test_every_mention_is_kept_with_offsets(code_text):
    text = "Police arrested Ramiro Quispe in Cochabamba. Quispe's lawyer said police had no warrant."
    coded, _ = code_text(text)
    assert coded.actor_mentions and coded.location_mentions
    for m in [*coded.actor_mentions, *coded.location_mentions]:
        assert text[m["start_char"]:m["end_char"]] == m["mention"] and m["sentence_index"] in (0, 1)
    assert sum(1 for m in coded.actor_mentions if "Quispe" in m["mention"]) == 2


# ------------------------------------------------------------------ locations

@pytest.mark.parametrize("name", ["Hamrin Mountains", "Darfur", "Donbas", "Sinai", "Sahel", "Gaza Strip", "Red Sea",
                                  "Bab el-Mandeb"])
def test_supplement_has_the_regions_packages_lack(coder, name):
    hits = coder.gaz.lookup(name)
    assert hits and hits[0].latitude is not None, name


def test_big_exact_name_beats_obscure_alternate_name_in_a_focus_country(coder):
    assert coder.gaz.lookup("Paris", ["RUS", "IRN"])[0].country_code == "FRA"
    assert coder.gaz.lookup("Donetsk", ["RUS", "UKR"])[0].country_code == "UKR"


def test_neighbouring_toponym_and_feature_words_disambiguate(code_text):
    coded, _ = code_text("Protesters blocked the highway between Cochabamba and Santa Cruz for nine days.")
    assert _places(coded)["Santa Cruz"]["country_code"] == "BOL"
    coded, _ = code_text("Fighting continued in the Donetsk region, where troops pressed towards Pokrovsk.")
    places = {p["country_code"] for p in coded.locations.values()}
    assert places == {"UKR"}, coded.locations
    assert any(p["feature_kind"] == "admin1" for p in coded.locations.values())


def test_direction_makes_a_region_of_the_country(code_text):
    coded, _ = code_text("The group operates in northern Syria.")
    region = _places(coded)["northern Syria"]
    syria = coded  # noqa: F841 - the country itself is not needed for the region
    assert region["country_code"] == "SYR" and region["feature_kind"] == "region" and region["latitude"] > 35.5


def test_places_the_small_model_mislabels_are_recovered(code_text):
    coded, _ = code_text("A drone struck a market in the besieged Sudanese city of El Fasher. A convoy travelling "
                         "north from Goma was stopped. Fuel depots in Port Sudan burned.")
    places = _places(coded)
    assert {"El Fasher", "Goma", "Port Sudan"} <= set(places), places
    assert not {"El Fasher", "Goma", "Port"} & set(_actors(coded))


def test_location_columns(code_text):
    coded, _ = code_text("Police arrested two men in Istanbul on Monday.")
    ist = _places(coded)["Istanbul"]
    assert ist["country_code"] == "TUR" and ist["geonames_id"] and ist["admin1"] and ist["feature_code"].startswith("PP")
    assert ist["precision"] == "point"
    m = [m for m in coded.location_mentions if m["location_id"] == next(k for k, v in coded.locations.items()
                                                                      if v["name"] == "Istanbul")]
    assert m and m[0]["mention"] == "Istanbul"


def test_full_geonames_files_are_read(tmp_path):
    from transforms.gazetteer import _is_alternate_names, _read_alternate_names, _read_geonames

    all_countries = tmp_path / "KE.txt"
    all_countries.write_text("\t".join(["9999001", "Kibera", "Kibera", "Kibra", "-1.3133", "36.7878", "P", "PPLX", "KE",
                                        "", "05", "", "", "", "250000", "", "1700", "Africa/Nairobi", "2024-01-01"])
                             + "\n", encoding="utf-8")
    alt = tmp_path / "alternateNamesV2.txt"
    alt.write_text("1\t9999001\ten\tKibera slum\t\t\t\t\t\t\n2\t9999001\tru\tКибера\t\t\t\t\t\t\n"
                   "3\t9999001\tlink\thttps://en.wikipedia.org/wiki/Kibera\t\t\t\t\t\t\n", encoding="utf-8")
    assert _is_alternate_names(alt) and not _is_alternate_names(all_countries)
    (place, names), = list(_read_geonames(all_countries, {"KE": "KEN"}, {}))
    assert place.country_code == "KEN" and place.population == 250000 and "Kibra" in names
    assert _read_alternate_names([alt]) == {9999001: ["Kibera slum"]}


def test_organisation_of_a_country_keeps_the_country_in_its_name(code_text):
    coded, _ = code_text("The Communications Authority of Kenya ordered stations to stop broadcasting.", date(2025, 6, 25))
    a = _actors(coded)["Communications Authority of Kenya"]
    assert a["country_code"] == "KEN"
    coded, _ = code_text("The Communications Authority of the United States fined two stations.", date(2025, 6, 25))
    assert "Communications Authority of the United States" in _actors(coded)


def test_country_name_does_not_hide_the_organisation_it_starts(code_text):
    coded, _ = code_text("The Kenya National Commission on Human Rights accused officers of using live ammunition.",
                         date(2025, 6, 25))
    a = _actors(coded)["Kenya National Commission on Human Rights"]
    assert a["country_code"] == "KEN" and a["kind"] == "organization"
    coded, _ = code_text("The EU blacklisted Iran Air on Monday.", date(2024, 10, 14))
    assert "Iran Air" in _actors(coded) and "Iranian government" not in _actors(coded)


def test_capital_in_an_actor_position_is_its_government(code_text):
    coded, _ = code_text("The UAE thanked Moscow for its help. Delegates later met in Moscow.", date(2025, 2, 6))
    assert "Russian government" in _actors(coded) and "Moscow" in _places(coded)
    coded, _ = code_text("Pakistan's envoy held talks with Kabul on Tuesday.", date(2025, 2, 6))
    assert "Afghan government" in _actors(coded)


def test_the_stored_gazetteer_answers_like_the_in_memory_one_and_keeps_only_what_it_looked_up(tmp_path):
    import pickle

    from transforms.gazetteer import Gazetteer, Place, StoredGazetteer

    goma = Place(1, "Goma", "COD", -1.68, 29.22, "city", "PPL", "North Kivu", 670_000)
    goma_us = Place(2, "Goma", "USA", 40.0, -90.0, "city", "PPL", None, 800)
    kivu = Place(3, "North Kivu", "COD", -0.8, 29.0, "admin1", "ADM1", "North Kivu", 0)
    drc = Place(4, "Democratic Republic of the Congo", "COD", -2.9, 23.6, "country", "PCLI", None, 0)
    mem = Gazetteer({"goma": [goma_us, goma], "north kivu": [kivu], "nord-kivu": [kivu], "drc": [drc],
                     "#country:COD": [drc]}, {"CD": "COD", "US": "USA"})
    StoredGazetteer.write(mem, tmp_path / "g.sqlite")
    stored = StoredGazetteer(tmp_path / "g.sqlite")
    for name, focus in [("Goma", []), ("Goma", ["USA"]), ("Nord-Kivu", []), ("DRC", []), ("Nowhere", [])]:
        assert stored.lookup(name, focus) == mem.lookup(name, focus)
    assert stored.country("COD") == drc and stored.extent("COD") == mem.extent("COD") and len(stored) == len(mem)
    assert set(stored._cache) == {"goma", "nord-kivu", "drc", "nowhere", "#country:COD"}  # nothing else loaded
    assert pickle.loads(pickle.dumps(stored)).lookup("Goma", ["COD"])[0] == goma  # travels to worker processes


def test_attackers_named_by_their_role_are_actors_and_a_joined_noun_shares_its_country(code_text):
    coded, names = code_text("Two Palestinian suicide bombers killed 23 people in Tel Aviv. Israeli helicopters and "
                             "tanks shelled positions of the Palestinian security forces near Rafah.")
    by_name = {a["name"]: (a["country_code"], a["sector"]) for a in coded.actors.values()}
    assert by_name["Palestinian militants"] == ("PSE", "INS")
    assert ("Israeli military", "Palestinian military") in {
        (names.get(e["source_actor_id"]), names.get(e["target_actor_id"])) for e in coded.events}
    assert ("Palestinian military", "Israeli military") not in {
        (names.get(e["source_actor_id"]), names.get(e["target_actor_id"])) for e in coded.events}
    coded, names = code_text("Experts warned of guerrilla-style attacks across Iraq.")
    assert "Iraqi rebels" not in names.values()


def test_a_regional_group_of_institutions_is_no_single_country_and_gangs_are_criminals(code_text):
    coded, names = code_text("Kenyan police fired tear gas at protesters in Nairobi on Monday. On Tuesday, twelve "
                             "Western embassies issued a joint statement urging the authorities to respect the right "
                             "to protest. The interior ministry accused criminal gangs of hijacking the marches.")
    assert "PROTEST" not in {e["event_type"] for e in coded.events}  # "the right to protest" is no protest
    by_name = {a["name"]: a for a in coded.actors.values()}
    assert by_name["Western embassies"]["country_code"] is None and by_name["Western embassies"]["sector"] == "GOV"
    req = [e for e in coded.events if e["event_type"] == "REQUEST"]
    assert [(names[e["source_actor_id"]], names[e["target_actor_id"]]) for e in req] == [
        ("Western embassies", "Kenyan government")]
    gangs = next(a for a in coded.actors.values() if a["sector"] == "CRM")
    assert "criminal gangs" in gangs["aliases"]


def test_the_gazetteer_cache_is_keyed_on_the_shipped_files_contents_not_their_place(tmp_path):
    import shutil

    from transforms.gazetteer import cache_path

    dirs = []
    for name in ("a", "b"):
        d = tmp_path / name
        (d / "dictionaries").mkdir(parents=True)
        shutil.copy(REPO / "data" / "dictionaries" / "countries.tsv", d / "dictionaries" / "countries.tsv")
        shutil.copy(REPO / "data" / "gazetteer_supplement.tsv", d / "gazetteer_supplement.tsv")
        dirs.append(d)
    assert cache_path(dirs[0], tmp_path) == cache_path(dirs[1], tmp_path)  # a second clone reuses the cache
    with open(dirs[1] / "gazetteer_supplement.tsv", "a", encoding="utf-8") as f:
        f.write("-999\tTestplace\tTestplace\t\t1.0\t1.0\tP\tPPL\tIQ\t\t\t\t\t\t0\t\t\t\t2026-11-24\ttest\n")
    assert cache_path(dirs[0], tmp_path) != cache_path(dirs[1], tmp_path)  # an edit rebuilds it
