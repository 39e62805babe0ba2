"""The first-cut coder on short sentences written for the tests."""

from __future__ import annotations

from datetime import date


def _events(coded, names):
    locs = {k: v["name"] for k, v in coded.locations.items()}
    return [(e["event_type"], names.get(e["source_actor_id"]), names.get(e["target_actor_id"]),
             locs.get(e["location_id"]), e["event_date"], e["date_precision"], e["fatalities"]) for e in coded.events]


def test_country_adjective_and_sector_noun_make_a_state_actor(code_text):
    coded, names = code_text("Iraqi forces attacked the militants near Kirkuk on Tuesday.")
    actors = {a["name"]: a for a in coded.actors.values()}
    assert actors["Iraqi military"]["country_code"] == "IRQ" and actors["Iraqi military"]["sector"] == "MIL"


def test_historical_airstrike_keeps_its_year_and_source(code_text):
    coded, names = code_text("In 2015, a U.S. airstrike killed ISIS commander Fadhil Ahmad al-Hayali in Mosul.")
    got = [e for e in _events(coded, names) if e[2] == "Fadhil Ahmad al-Hayali"]
    assert got, _events(coded, names)
    etype, source, _, place, when, precision, killed = got[0]
    assert etype == "ASSAULT" and source == "American military"
    assert when == date(2015, 1, 1) and precision == "year" and killed == 1 and place == "Mosul"


def test_arrest_with_relative_month_and_place(code_text):
    coded, names = code_text("In May of this year, police arrested Haji Abdullah al-Hashimi in Istanbul, Turkey.")
    arrests = [e for e in coded.events if e["event_type"] == "COERCE"]
    assert arrests and arrests[0]["event_mode"] == "arrest"
    assert arrests[0]["event_date"] == date(2024, 5, 1) and arrests[0]["date_precision"] == "month"
    assert coded.locations[arrests[0]["location_id"]]["name"] == "Istanbul"
    assert names[arrests[0]["target_actor_id"]] == "Haji Abdullah al-Hashimi"


def test_spelling_variants_and_surnames_join_one_person(code_text):
    coded, _ = code_text("Jassim al-Mazroui Abu Abdul Qader was killed on Monday. Officials said "
                         "Jassim al-Majouri Abu Abdul Qadir had led the cell. Qadir was 45.")
    persons = [a for a in coded.actors.values() if a["kind"] == "person"]
    assert len(persons) == 1, persons


def test_different_people_with_similar_names_stay_apart(code_text):
    coded, _ = code_text("Abu al-Hassan al-Hashimi al-Qurashi was killed in 2022. "
                         "Abu al-Husayn al-Hashimi al-Qurashi was killed in 2023.")
    assert len([a for a in coded.actors.values() if a["kind"] == "person"]) == 2


def test_event_fields_are_evidenced_and_in_the_code_lists(code_text):
    from schemas.codes import EVENT_TYPES

    text = "The Iraqi military launched an offensive against ISIS in the Hamrin Mountains, killing at least eight militants."
    coded, names = code_text(text)
    assert coded.events
    for e in coded.events:
        assert e["event_type"] in EVENT_TYPES and e["evidence"] in text
        assert text[e["trigger_start"]:e["trigger_end"]] == e["trigger"]
        assert e["quad_class"] == EVENT_TYPES[e["event_type"]].quad_class
    assert any(names.get(e["source_actor_id"]) == "Iraqi military" and names.get(e["target_actor_id"]) == "Islamic State"
               and coded.locations[e["location_id"]]["name"] == "Hamrin Mountains" for e in coded.events)
