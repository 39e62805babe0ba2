"""The event coder: the seed page, and one rule per test on short sentences written for the tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _rows(coded):
    names = {k: v["name"] for k, v in coded.actors.items()}
    locs = {k: v["name"] for k, v in coded.locations.items()}
    return [{**e, "source": names.get(e["source_actor_id"]), "target": names.get(e["target_actor_id"]),
             "place": locs.get(e["location_id"])} for e in coded.events]


@pytest.fixture(scope="module")
def seed(coder):
    from transforms.clean import clean_html

    page = clean_html((REPO / "data" / "sample" / "iraq-hamrin-offensive.html").read_text(encoding="utf-8"))
    (_, coded), = list(coder.code([{"article_id": "seed", "text": page.text, "title": page.title,
                                    "published_date": page.published_date}]))
    return _rows(coded)


def _one(rows, **want):
    got = [r for r in rows if all(r.get(k) == v for k, v in want.items())]
    assert got, (want, [(r["event_type"], r["source"], r["target"], r["place"], r["event_date"]) for r in rows])
    return got[0]


def _pairs(rows, **want):
    """(source, target) of the rows with the wanted column values, in text order."""
    return [(r["source"], r["target"]) for r in rows if all(r.get(k) == v for k, v in want.items())]


def test_seed_offensive_and_the_commanders_killing_with_nine_dead(seed):
    off = _one(seed, event_type="ASSAULT", source="Iraqi military", target="Islamic State")
    assert off["place"] == "Hamrin Mountains" and off["event_date"] == date(2024, 10, 16)
    kill = _one(seed, event_type="ASSAULT", target="Jassim al-Majouri Abu Abdul Qadir", source="Iraqi military")
    assert kill["fatalities"] == 9 and kill["place"] == "Hamrin Mountains"


def test_seed_historical_events_keep_their_own_dates(seed):
    strike = _one(seed, event_type="ASSAULT", target="Fadhil Ahmad al-Hayali")
    assert strike["source"] == "American military" and strike["event_mode"] == "aerial"
    assert (strike["event_date"], strike["date_precision"]) == (date(2015, 1, 1), "year") and strike["fatalities"] == 1
    raid = _one(seed, event_type="ASSAULT", target="Abu Bakr al-Baghdadi", source="American military")
    assert (raid["event_date"], raid["date_precision"]) == (date(2019, 1, 1), "year")
    arrest = _one(seed, event_type="COERCE", event_mode="arrest", target="Haji Abdullah al-Hashimi")
    assert (arrest["event_date"], arrest["date_precision"], arrest["place"]) == (date(2024, 5, 1), "month", "Istanbul")
    hts = _one(seed, event_type="ASSAULT", source="Hayat Tahrir al-Sham")
    assert (hts["event_date"], hts["date_precision"], hts["place"]) == (date(2023, 7, 1), "month", "Syria")


def test_seed_events_are_separate_with_their_own_places(seed):
    places = {r["place"] for r in seed if r["event_type"] == "ASSAULT"}
    assert {"Hamrin Mountains", "Syria"} <= places
    for r in seed:
        assert r["evidence"] and r["trigger"] and 0 < r["confidence"] <= 1


# ------------------------------------------------------------------ rules

def test_nominal_attack_as_subject_of_kill_is_one_event_with_victims(code_text):
    coded, _ = code_text("An RSF drone strike on a market in the Sudanese city of El Fasher killed at least 21 people "
                         "on Sunday.", date(2025, 5, 19))
    rows = _rows(coded)
    assert len([r for r in rows if r["event_type"] == "ASSAULT"]) == 1
    r = rows[0]
    assert r["source"] == "Rapid Support Forces" and r["target"] == "Sudanese civilians" and r["fatalities"] == 21
    assert r["event_mode"] == "drone" and r["place"] == "El Fasher" and r["event_date"] == date(2025, 5, 18)


def test_participle_killing_folds_into_the_attack(code_text):
    coded, _ = code_text("RSF fighters overran the Zamzam camp, killing hundreds of people.", date(2025, 5, 19))
    rows = [r for r in _rows(coded) if r["event_type"] == "ASSAULT"]
    assert len(rows) == 1 and rows[0]["fatalities"] == 100 and rows[0]["source"] == "Rapid Support Forces"


def test_definite_anaphor_gives_its_count_to_the_earlier_event(code_text):
    coded, _ = code_text("The Iraqi military launched an offensive against ISIS in the Hamrin Mountains on Tuesday. "
                         "Officials said the operation killed at least 12 militants.", date(2024, 10, 16))
    rows = [r for r in _rows(coded) if r["event_type"] == "ASSAULT"]
    assert len(rows) == 1 and rows[0]["fatalities"] == 12 and rows[0]["source"] == "Iraqi military"


def test_joint_subjects_act_on_each_other(code_text):
    coded, _ = code_text("Russia and Ukraine each freed 150 prisoners of war on Wednesday.", date(2025, 2, 6))
    pairs = {(r["source"], r["target"]) for r in _rows(coded) if r["event_type"] == "RETREAT"}
    assert pairs == {("Russian government", "Ukrainian government"), ("Ukrainian government", "Russian government")}


def test_pledges_are_agree_and_stated_intentions_to_harm_are_threaten(code_text):
    coded, _ = code_text("Germany will provide 125 million euros in humanitarian aid to Sudan.", date(2025, 3, 10))
    assert {r["event_type"] for r in _rows(coded)} == {"AGREE"}
    coded, _ = code_text("Iran said it would impose sanctions on European airlines.", date(2025, 3, 10))
    assert "THREATEN" in {r["event_type"] for r in _rows(coded)}


def test_call_between_two_sides_targets_both(code_text):
    coded, _ = code_text("Guterres renewed his call for a ceasefire between the Sudanese army and the RSF.",
                         date(2025, 5, 19))
    targets = {r["target"] for r in _rows(coded) if r["event_type"] == "REQUEST"}
    assert {"Sudanese military", "Rapid Support Forces"} <= targets


def test_protest_by_an_unnamed_crowd_is_coded(code_text):
    coded, _ = code_text("Thousands of Iraqi Kurds demonstrated in Kirkuk on Sunday.", date(2025, 3, 10))
    rows = [r for r in _rows(coded) if r["event_type"] == "PROTEST"]
    assert rows and rows[0]["source"] == "Iraqi protesters" and rows[0]["place"] == "Kirkuk"


@pytest.mark.parametrize(("text", "modality"), [
    ("Police did not arrest the protesters.", "negated"),
    ("The army will attack the rebels.", "future"),
    ("The rebels could attack the city.", "hypothetical"),
    ("Officials said police arrested twelve men.", "reported"),
    ("Police arrested twelve men in Nairobi.", "asserted"),
])
def test_modality(code_text, text, modality):
    coded, _ = code_text(text + " Kenyan officials confirmed it.", date(2025, 6, 26))
    rows = _rows(coded)
    assert rows and rows[0]["modality"] == modality, rows


def test_headings_and_live_blog_item_titles_are_not_coded(code_text):
    coded, _ = code_text("Gunmen kill 12 civilians in western Niger\nGunmen on motorcycles killed at least 12 civilians "
                         "in an attack on a village in Niger's Tillabéri region last Friday.", date(2025, 3, 10))
    rows = _rows(coded)
    assert len(rows) == 1 and rows[0]["event_date"] == date(2025, 3, 7)


def test_every_lexicon_entry_fires_with_its_type():
    """Each verb entry, used in a plain sentence, gives an event of its declared type (or a documented
    pledge/threat conversion never applies here: all sentences are in the past tense)."""
    import yaml

    lex = yaml.safe_load((REPO / "data" / "lexicon.yaml").read_text())
    assert lex["verbs"] and lex["nouns"]
    from schemas.codes import EVENT_TYPES

    for kind in ("verbs", "nouns"):
        for word, entries in lex[kind].items():
            for entry in entries if isinstance(entries, list) else [entries]:  # a list: the lemma's senses
                assert entry["type"] in EVENT_TYPES, word
                assert entry.get("mode") is None or entry["mode"] in EVENT_TYPES[entry["type"]].modes, word


def test_target_from_the_objects_modifier_or_complement_when_no_pattern_gives_one(code_text):
    coded, _ = code_text("Bangladesh rejected an Indian proposal for a free trade agreement.", date(2025, 3, 10))
    assert ("REJECT", "Bangladeshi government", "Indian government") in {
        (r["event_type"], r["source"], r["target"]) for r in _rows(coded)}
    coded, _ = code_text("Syria said it was willing to withdraw its troops from Lebanon.", date(2025, 3, 10))
    got = {(r["event_type"], r["source"], r["target"]) for r in _rows(coded)}
    assert ("AGREE", "Syrian government", "Lebanese government") in got  # willing to: a pledge (PLOVER)


def test_country_named_as_place_is_no_target_of_an_attack(code_text):
    coded, _ = code_text("Boko Haram attacked a convoy in Nigeria on Monday.", date(2025, 3, 10))
    rows = [r for r in _rows(coded) if r["event_type"] == "ASSAULT"]
    assert rows and all(r["target"] != "Nigerian government" for r in rows)


def test_the_accused_is_the_agent_of_what_they_are_accused_of(code_text):
    coded, _ = code_text("Afghanistan accused Pakistan of carrying out airstrikes in Paktika province.",
                         date(2025, 3, 10))
    rows = _rows(coded)
    assert _one(rows, event_type="ACCUSE")["target"] == "Pakistani government"
    assert _one(rows, event_type="ASSAULT")["source"] == "Pakistani military"  # the state's armed forces


def test_object_of_an_ordinary_verb_does_not_make_its_subject_the_agent(code_text):
    coded, _ = code_text("Thousands of Congolese villagers fled the army's offensive near Goma.", date(2025, 3, 10))
    assert all(r["source"] != "Congolese civilians" for r in _rows(coded) if r["event_type"] == "ASSAULT")
    coded, _ = code_text("The Afghan defence ministry condemned the attack.", date(2025, 3, 10))
    assert all(r["event_type"] != "ASSAULT" for r in _rows(coded))
    coded, _ = code_text("Hamas staged a protest in Gaza City.", date(2025, 3, 10))
    assert _one(_rows(coded), event_type="PROTEST")["source"] == "Hamas"  # "staged" (lemmatised "stag")


def test_the_speaker_is_not_the_agent_of_a_reported_clause_with_its_own_subject(code_text):
    coded, _ = code_text("The strikes hit several villages near the border, spokesman Ahmad Nouri said.",
                         date(2025, 3, 10))
    assert all(r["source"] != "Ahmad Nouri" for r in _rows(coded))
    coded, _ = code_text("Iran said it would impose sanctions on European airlines.", date(2025, 3, 10))
    assert _one(_rows(coded), event_type="THREATEN")["source"] == "Iranian government"


def test_a_month_name_is_not_a_march(code_text):
    coded, _ = code_text("In March, Nigerian police arrested ten men in Lagos.", date(2025, 6, 10))
    assert {r["event_type"] for r in _rows(coded)} == {"COERCE"}


def test_civilian_victims_belong_to_the_country_where_it_happened(code_text):
    coded, _ = code_text("Pakistan's army said on Tuesday that its aircraft struck targets in Afghanistan, "
                         "killing 12 civilians in Afghanistan's Paktika province.", date(2025, 3, 10))
    assert any(r["target"] == "Afghan civilians" for r in _rows(coded))


def test_state_actors_answer_to_the_country_name_too(coder):
    a = coder.state_actor("USA", "MIL")
    assert a.name == "American military" and "United States military" in a.aliases


def test_definite_generic_head_refers_to_the_latest_actor_it_names(code_text):
    coded, _ = code_text("The Kenya National Commission on Human Rights said eight people died. "
                         "The commission accused officers of using live ammunition.", date(2025, 6, 26))
    assert _one(_rows(coded), event_type="ACCUSE")["source"] == "Kenya National Commission on Human Rights"
    coded, _ = code_text("Hamas fighters crossed the border. Israel said it bombed the group overnight.",
                         date(2025, 6, 26))
    assert _one(_rows(coded), event_type="ASSAULT")["target"] == "Hamas"
    coded, _ = code_text("Israel said it bombed the group overnight.", date(2025, 6, 26))  # no antecedent
    assert all(r["target"] is None for r in _rows(coded))


def test_undated_statements_keep_the_articles_news_peg_date(code_text):
    coded, _ = code_text("RSF fighters attacked El Fasher on Sunday. The United Nations called for an immediate ceasefire.",
                         date(2025, 5, 19))
    req = _one(_rows(coded), event_type="REQUEST")
    assert (req["event_date"], req["date_source"], req["date_text"]) == (date(2025, 5, 18), "context", "Sunday")
    coded, _ = code_text("In 2015, a U.S. airstrike killed an ISIS commander. The United Nations called for calm.",
                         date(2025, 5, 19))  # a historical date is no news peg
    req = _one(_rows(coded), event_type="REQUEST")
    assert (req["event_date"], req["date_source"]) == (date(2025, 5, 19), "publication")


def test_a_later_definite_mention_names_who_did_the_earlier_event(code_text):
    coded, _ = code_text("A drone strike on a market in El Fasher killed at least 21 people on Sunday. "
                         "The Sudanese army accused the RSF of carrying out the strike.", date(2025, 5, 19))
    rows = [r for r in _rows(coded) if r["event_type"] == "ASSAULT"]
    assert len(rows) == 1 and rows[0]["source"] == "Rapid Support Forces" and rows[0]["fatalities"] == 21
    assert rows[0]["sentence_index"] == 0


def test_a_noun_modifier_is_no_event_and_a_protest_cracked_down_on_is_not_the_police_protesting(code_text):
    coded, _ = code_text("Kenyan police did not give a death toll.", date(2025, 6, 26))
    assert all(r["event_type"] != "ASSAULT" for r in _rows(coded))
    coded, _ = code_text("Kenyan police cracked down on protests in Nairobi.", date(2025, 6, 26))
    assert all(r["source"] != "Kenyan police" for r in _rows(coded) if r["event_type"] == "PROTEST")


def test_the_speaker_of_a_report_of_violence_is_not_its_perpetrator(code_text):
    coded, _ = code_text("The Kenya National Commission on Human Rights said more than 400 people were injured.",
                         date(2025, 6, 26))
    assert all(r["source"] != "Kenya National Commission on Human Rights"
               for r in _rows(coded) if r["event_type"] == "ASSAULT")


def test_saying_another_must_act_is_a_demand_of_them(code_text):
    coded, _ = code_text("A senior British minister reiterated that Libya must hand over the bombers.", date(2025, 3, 1))
    assert ("REQUEST", "British government", "Libyan government") in {
        (r["event_type"], r["source"], r["target"]) for r in _rows(coded)}
    coded, _ = code_text("A senior British minister said that Libya will hand over the bombers.", date(2025, 3, 1))
    assert all(r["event_type"] != "REQUEST" for r in _rows(coded))


def test_lexicon_with_condition_sees_the_of_phrase_of_the_object(code_text):
    coded, _ = code_text("Sudan's government on Sunday lifted a state of emergency in West Darfur.", date(2025, 3, 1))
    assert _one(_rows(coded), event_type="CONCEDE")["source"] == "Sudanese government"


def test_a_country_abbreviation_that_is_also_an_adjective_is_the_government_and_leaders_are_government(code_text):
    coded, _ = code_text("The US on Thursday rejected calls by Kofi Annan to adopt reforms.", date(2025, 3, 1))
    assert _one(_rows(coded), event_type="REJECT")["source"] == "American government"
    coded, _ = code_text("Palestinian leaders rejected the plan.", date(2025, 3, 1))
    assert _one(_rows(coded), event_type="REJECT")["source"] == "Palestinian government"


def test_lexicon_senses_pick_the_event_by_the_object(code_text):
    coded, _ = code_text("Russia sent troops to the border.", date(2025, 3, 1))
    assert _one(_rows(coded), event_type="MOBILIZE")["source"] == "Russian government"
    coded, _ = code_text("The US sent food aid to Haiti.", date(2025, 3, 1))
    rows = _rows(coded)
    assert _one(rows, event_type="AID")["source"] == "American government"
    assert all(r["event_type"] != "MOBILIZE" for r in rows)


def test_refusing_a_cooperative_act_is_a_rejection(code_text):
    coded, _ = code_text("Syria says it will not accept any more refugees.", date(2025, 3, 1))
    rej = _one(_rows(coded), event_type="REJECT")
    assert rej["source"] == "Syrian government" and rej["event_mode"] == "assist" and rej["modality"] == "asserted"


def test_a_pronoun_subject_of_a_reported_intention_is_the_speaker_and_verb_plus_noun_is_one_event(code_text):
    coded, _ = code_text("NATO said it would tighten the naval blockade of Serbia.", date(2025, 3, 1))
    rows = _rows(coded)
    assert _one(rows, event_type="THREATEN")["source"] == "NATO"
    assert len([r for r in rows if r["event_type"] in ("THREATEN", "COERCE")]) == 1
    coded, _ = code_text("The Sudanese army said eight people were shot in the city.", date(2025, 3, 1))
    assert all(r["source"] != "Sudanese military" for r in _rows(coded) if r["event_type"] == "ASSAULT")


def test_its_forces_belong_to_the_subject_of_the_highest_clause(code_text):
    coded, _ = code_text("Islamabad says TTP fighters launch attacks on its security forces.", date(2025, 3, 1))
    att = _one(_rows(coded), event_type="ASSAULT")
    assert (att["source"], att["target"]) == ("Tehreek-e-Taliban Pakistan", "Pakistani military")
    coded, _ = code_text("The Sudanese army said its forces had repelled an RSF attack on the city.", date(2025, 3, 1))
    assert ("Sudanese military", "Rapid Support Forces") in {
        (r["source"], r["target"]) for r in _rows(coded) if r["event_type"] == "ASSAULT"}


def test_a_protest_naming_no_target_is_addressed_to_the_government_and_a_with_object_is_no_target(code_text):
    coded, _ = code_text("Thousands of protesters marched in Nairobi against tax rises.", date(2025, 6, 26))
    pro = _one(_rows(coded), event_type="PROTEST")
    assert (pro["source"], pro["target"]) == ("Kenyan protesters", "Kenyan government")
    coded, _ = code_text("Russia has strengthened its forces in Crimea.", date(2025, 6, 26))
    mob = _one(_rows(coded), event_type="MOBILIZE")
    # the forces moved are no target; the place they are moved to stands for its country (GSR: "strengthened
    # its forces in Lebanon" targets Lebanon)
    assert (mob["source"], mob["target"]) == ("Russian government", "Ukrainian government")


def test_a_titled_person_of_no_named_country_belongs_to_the_only_country_of_the_text(code_text):
    coded, _ = code_text("President Yoweri Museveni has banned Ugandan opposition candidates from the elections.",
                         date(2025, 3, 1))
    assert {a["name"]: a["country_code"] for a in coded.actors.values()}["Yoweri Museveni"] == "UGA"
    coded, _ = code_text("President Yoweri Museveni thanked Kenya and Tanzania for their support.", date(2025, 3, 1))
    assert {a["name"]: a["country_code"] for a in coded.actors.values()}["Yoweri Museveni"] is None


def test_an_event_whose_sentence_names_no_place_takes_the_paragraphs_last_place_or_the_dateline(code_text):
    coded, _ = code_text("BRUSSELS — The European Union imposed sanctions on Iran Air on Monday. Iran condemned the "
                         "decision.\n\nFighting broke out in Goma. Rebels attacked the army, killing five soldiers.",
                         date(2025, 3, 1))
    rows = _rows(coded)
    acc = _one(rows, event_type="ACCUSE")
    assert (acc["place"], acc["location_text"]) == ("Brussels", None)
    assert _one(rows, event_type="ASSAULT")["place"] == "Goma"


def test_a_courtesy_call_is_a_visit_and_troops_sent_are_mobilised_by_their_owner(code_text):
    coded, _ = code_text("Sugiono paid a courtesy call on Prime Minister Xanana Gusmão.", date(2025, 3, 1))
    visit = _one(_rows(coded), event_type="CONSULT")
    assert (visit["source"], visit["target"], visit["event_mode"]) == ("Sugiono", "Xanana Gusmão", "visit")
    coded, _ = code_text("Nigerien troops had been sent to the area to hunt down the attackers.", date(2025, 3, 1))
    assert _one(_rows(coded), event_type="MOBILIZE")["source"] == "Nigerien military"


def test_the_place_after_a_locative_preposition_beats_a_country_that_is_an_actor_or_modifier(code_text):
    coded, _ = code_text("The Afghan foreign ministry summoned Pakistan's chargé d'affaires in Kabul on Wednesday.",
                         date(2025, 3, 1))
    assert _one(_rows(coded), event_type="ACCUSE")["place"] == "Kabul"


def test_a_possessive_date_dates_its_own_noun_not_the_event(code_text):
    coded, _ = code_text("Kenyan police fired tear gas at protesters in Nairobi on Wednesday, as marches marking the "
                         "anniversary of last year's deadly demonstrations turned into running battles.", date(2025, 6, 26))
    pro = _one(_rows(coded), event_type="PROTEST")
    assert (pro["event_date"], pro["date_text"]) == (date(2025, 6, 25), "Wednesday")


def test_in_a_roundup_bare_police_and_victims_belong_to_their_paragraphs_country(code_text):
    coded, _ = code_text("Colombia's ELN freed two soldiers in Arauca. The Colombian army welcomed the release.\n\n"
                         "Thousands of people marched through central Tbilisi on Saturday. Police detained three "
                         "people near the parliament building.", date(2025, 3, 9))
    arrest = _one(_rows(coded), event_type="COERCE")
    assert (arrest["source"], arrest["target"]) == ("Georgian police", "Georgian protesters")  # at a march


def test_a_denied_act_is_not_asserted(code_text):
    coded, _ = code_text("Rwanda denies supporting the M23.", date(2025, 3, 9))
    assert all(r["modality"] != "asserted" for r in _rows(coded) if r["event_type"] == "SUPPORT")


def test_what_is_rejected_is_no_event_and_a_protests_demand_is_its_purpose(code_text):
    coded, _ = code_text("Pakistan rejected an offer from Afghanistan for direct talks.", date(2025, 3, 9))
    assert {r["event_type"] for r in _rows(coded)} == {"REJECT"}
    coded, _ = code_text("Thousands of students in Indonesia staged mass demonstrations to demand political reforms.",
                         date(2025, 3, 9))
    assert {r["event_type"] for r in _rows(coded)} == {"PROTEST"}
    coded, _ = code_text("Russia launched an offensive in Kharkiv, killing 20 civilians.", date(2025, 3, 9))
    rows = [r for r in _rows(coded) if r["event_type"] == "ASSAULT"]
    assert len(rows) == 1 and rows[0]["fatalities"] == 20


def test_what_a_request_asks_for_is_no_event_of_its_own(code_text):
    coded, _ = code_text("Kenya called on Uganda to release the activists.", date(2025, 3, 9))
    rows = _rows(coded)
    req = _one(rows, event_type="REQUEST")
    assert (req["source"], req["target"], req["event_mode"]) == ("Kenyan government", "Ugandan government", "yield")
    assert all(r["event_type"] != "RETREAT" for r in rows)


def test_a_people_named_by_its_demonym_is_its_civilians_and_blocking_roads_is_a_protest(code_text):
    coded, _ = code_text("Young Algerians blocked roads leading to the city centre on Sunday.", date(2025, 3, 9))
    pro = _one(_rows(coded), event_type="PROTEST")
    assert (pro["source"], pro["event_mode"]) == ("Algerian civilians", "obstruct")


def test_they_and_them_refer_to_the_latest_group_but_never_to_their_own_clauses_subject(code_text):
    coded, _ = code_text("Thousands of protesters marched on parliament in Nairobi. Kenyan police fired volleys of "
                         "tear gas to stop them from reaching parliament.", date(2025, 6, 26))
    att = _one(_rows(coded), event_type="ASSAULT")
    assert (att["source"], att["target"]) == ("Kenyan police", "Kenyan protesters")
    coded, _ = code_text("Ukrainian forces repelled an attack near Pokrovsk. They also shot down 12 Russian drones.",
                         date(2025, 6, 26))
    assert {r["source"] for r in _rows(coded) if r["event_type"] == "ASSAULT"} == {"Ukrainian military"}


def test_untagged_capitals_are_governments_and_participle_adjectives_are_no_events(code_text):
    coded, _ = code_text("The UAE thanked both Moscow and Kyiv for their cooperation.", date(2025, 2, 5))
    assert {r["target"] for r in _rows(coded) if r["event_type"] == "SUPPORT"} == {
        "Russian government", "Ukrainian government"}
    coded, _ = code_text("U.N. helicopters evacuated the wounded from the besieged Bosnian town of Gorazde.",
                         date(2025, 2, 5))
    assert all(r["trigger"] != "besieged" for r in _rows(coded))


def test_a_countrys_possessive_event_noun_is_the_states_act(code_text):
    coded, _ = code_text("The move came in response to Iran's missile attack on Israel.", date(2024, 10, 14))
    att = _one(_rows(coded), event_type="ASSAULT")
    assert (att["source"], att["target"]) == ("Iranian government", "Israeli government")


def test_the_city_refers_to_the_latest_city_and_a_country_attacked_is_where_it_happened(code_text):
    coded, _ = code_text("Arab leaders met in Cairo on Tuesday.\n\nThey endorsed the Egyptian proposal at a summit in "
                         "the city the following day.", date(2025, 3, 5))
    assert _one(_rows(coded), event_type="SUPPORT")["place"] == "Cairo"
    coded, _ = code_text("BRUSSELS — The EU imposed sanctions on Iran Air. The move came in response to Iran's missile "
                         "attack on Israel.", date(2024, 10, 14))
    assert _one(_rows(coded), event_type="ASSAULT")["place"] == "Israel"


def test_allowing_access_or_return_is_retreat_and_detainees_are_civilians(code_text):
    coded, _ = code_text("Sudan allowed aid convoys into Darfur.", date(2025, 3, 9))
    assert _one(_rows(coded), event_type="RETREAT")["event_mode"] == "access"
    coded, _ = code_text("Turkey will allow 13,000 refugees to return home.", date(2025, 3, 9))
    assert _one(_rows(coded), event_type="AGREE")["source"] == "Turkish government"  # a pledge (PLOVER)
    coded, _ = code_text("Israeli soldiers beat up Palestinian detainees.", date(2025, 3, 9))
    assert _one(_rows(coded), event_type="ASSAULT")["target"] == "Palestinian civilians"


def test_a_warning_targets_whom_it_is_against_and_the_act_warned_against_is_no_event(code_text):
    coded, _ = code_text("Josep Borrell warned that the bloc was ready to take further steps against Iran.",
                         date(2024, 10, 14))
    assert _one(_rows(coded), event_type="THREATEN")["target"] == "Iranian government"
    coded, _ = code_text("Russia warned Ukraine against attacking Crimea.", date(2024, 10, 14))
    assert {r["event_type"] for r in _rows(coded)} == {"THREATEN"}


def test_a_subject_it_is_the_latest_singular_organisation_or_state(code_text):
    coded, _ = code_text("Russia and Ukraine freed 150 prisoners in an exchange mediated by the United Arab Emirates. "
                         "It thanked both Moscow and Kyiv for their cooperation.", date(2025, 2, 5))
    assert {(r["source"], r["target"]) for r in _rows(coded) if r["event_type"] == "SUPPORT"} == {
        ("Emirati government", "Russian government"), ("Emirati government", "Ukrainian government")}


def test_a_participle_after_its_victims_targets_them_and_not_the_main_subjects_act(code_text):
    coded, _ = code_text("Moscow agreed to hand over the bodies of 757 Ukrainian soldiers killed in fighting.",
                         date(2025, 2, 5))
    att = _one(_rows(coded), event_type="ASSAULT")
    assert (att["source"], att["target"], att["fatalities"]) == (None, "Ukrainian military", 757)


def test_a_mobilisation_targets_the_foreign_country_it_goes_to_never_the_forces_it_moves(code_text):
    coded, _ = code_text("Israel has strengthened its forces in Lebanon.", date(2025, 3, 1))
    assert _one(_rows(coded), event_type="MOBILIZE")["target"] == "Lebanese government"
    coded, _ = code_text("Kenya deployed troops in Nairobi.", date(2025, 3, 1))
    assert _one(_rows(coded), event_type="MOBILIZE")["target"] is None


def test_forces_put_or_kept_on_alert_are_mobilised(code_text):
    coded, _ = code_text("Russia put its nuclear forces on high alert.", date(2025, 3, 1))
    assert _one(_rows(coded), event_type="MOBILIZE")["source"] == "Russian government"
    coded, _ = code_text("Israeli troops remained on alert in the West Bank.", date(2025, 3, 1))
    assert _one(_rows(coded), event_type="MOBILIZE")["source"] == "Israeli military"


def test_fighting_between_two_sides_has_the_first_as_source_and_the_second_as_target(code_text):
    coded, _ = code_text("Aid deliveries stopped after fighting between the Congolese army and M23 rebels reached "
                         "the town in June.", date(2024, 11, 7))
    assert _pairs(_rows(coded), event_type="ASSAULT") == [("Congolese military", "M23")]


def test_a_named_person_killed_counts_one_death_through_who_or_an_apposition(code_text):
    coded, _ = code_text("The founder of the group, Abu Bakr al-Baghdadi, who was killed in a U.S. raid in 2019, "
                         "led it for years. His deputy, Abu Hassan al-Muhajir, was killed in an American "
                         "military operation.", date(2024, 10, 16))
    rows = [r for r in _rows(coded) if r["event_type"] == "ASSAULT"]
    assert {r["target"]: r["fatalities"] for r in rows} == {"Abu Bakr al-Baghdadi": 1, "Abu Hassan al-Muhajir": 1}


def test_the_possessor_of_an_arrest_is_the_one_arrested(code_text):
    coded, _ = code_text("After Ahmed Karimov's arrest in Istanbul, his supporters gathered outside the court.",
                         date(2024, 10, 16))
    rows = [r for r in _rows(coded) if r["event_type"] == "COERCE"]
    assert rows and rows[0]["target"] == "Ahmed Karimov" and rows[0]["source"] != "Ahmed Karimov"


def test_a_title_with_the_persons_name_in_apposition_is_that_person(code_text):
    coded, _ = code_text("Egypt's foreign minister, Badr Abdelatty, hosted his Jordanian counterpart, Ayman Safadi, "
                         "in Cairo.", date(2025, 3, 4))
    rows = [r for r in _rows(coded) if r["event_type"] == "CONSULT"]
    assert rows and rows[0]["source"] == "Badr Abdelatty"


def test_the_two_ministers_are_the_last_two_people_named_and_the_two_countries_a_named_pair(code_text):
    coded, _ = code_text("Ali Khan met Omar Farooq in Kabul on Monday. The two men held three hours of talks.",
                         date(2025, 3, 4))
    talks = {(r["source"], r["target"]) for r in _rows(coded) if r["trigger"] == "talks"}
    assert talks == {("Ali Khan", "Omar Farooq"), ("Omar Farooq", "Ali Khan")}
    coded, _ = code_text("Russia and Ukraine freed 150 prisoners each in an exchange mediated by the United Arab "
                         "Emirates, the first swap between the two countries this year.", date(2025, 2, 6))
    rows = _rows(coded)
    assert {(r["source"], r["target"]) for r in rows if r["event_type"] == "RETREAT"} == {
        ("Russian government", "Ukrainian government"), ("Ukrainian government", "Russian government")}
    # the mediator acts between the parties of what it mediated
    assert {(r["source"], r["target"]) for r in rows if r["event_type"] == "CONSULT"} == {
        ("Emirati government", "Russian government"), ("Emirati government", "Ukrainian government")}


def test_a_reaction_to_an_act_named_before_targets_whoever_did_it(code_text):
    coded, _ = code_text("The European Union imposed sanctions on Iran Air on Monday. Ukraine's foreign ministry "
                         "welcomed the sanctions.", date(2024, 10, 15))
    assert _pairs(_rows(coded), event_type="SUPPORT") == [("Ukrainian government", "European Union")]
    coded, _ = code_text("Pakistani jets bombed villages in Paktika, killing eight Afghan civilians. The Taliban "
                         "government vowed to retaliate.", date(2025, 3, 4))
    threats = [r for r in _rows(coded) if r["event_type"] == "THREATEN"]
    assert "Pakistani military" in {r["target"] for r in threats}
    # an act whose author is named in it is not a reaction to an earlier one
    coded, _ = code_text("Iran seized a tanker on Monday. Arab leaders endorsed the Egyptian proposal.",
                         date(2025, 3, 4))
    sup = [r for r in _rows(coded) if r["event_type"] == "SUPPORT"]
    assert sup and sup[0]["target"] == "Egyptian government"


def test_people_detained_at_a_protest_are_protesters_and_arrests_without_agent_are_by_police(code_text):
    coded, _ = code_text("Thousands of people marched through Tbilisi on Saturday against the government. Georgian "
                         "police detained three people near the parliament building.", date(2025, 3, 4))
    assert _pairs(_rows(coded), event_type="COERCE") == [("Georgian police", "Georgian protesters")]
    coded, _ = code_text("Fifty people were arrested in Nairobi on Wednesday, Kenyan media reported.", date(2025, 6, 26))
    assert _pairs(_rows(coded), event_type="COERCE") == [("Kenyan police", "Kenyan civilians")]
    coded, _ = code_text("Kenyan police fired tear gas at protesters in Nairobi. Fifty people were arrested in the "
                         "capital on Wednesday.", date(2025, 6, 26))
    assert _pairs(_rows(coded), event_type="COERCE") == [("Kenyan police", "Kenyan protesters")]


def test_hurt_by_stones_thrown_by_x_has_x_as_the_agent(code_text):
    coded, _ = code_text("Kenyan police fired tear gas at protesters in Nairobi on Wednesday. A police spokesperson "
                         "said that 12 officers had been hurt by stones thrown by demonstrators.", date(2025, 6, 26))
    hurt = [r for r in _rows(coded) if r["trigger"] == "hurt"]
    assert [(r["source"], r["target"], r["injured"]) for r in hurt] == [("Kenyan protesters", "Kenyan police", 12)]


def test_a_reaction_targets_the_doer_of_most_such_acts_so_far(code_text):
    coded, _ = code_text("The European Union imposed sanctions on Iran Air on Monday. The EU also imposed sanctions "
                         "on Mahan Air. Britain imposed sanctions on Saha Airlines. Ukraine's foreign ministry "
                         "welcomed the sanctions.", date(2024, 10, 15))
    assert _pairs(_rows(coded), event_type="SUPPORT") == [("Ukrainian government", "European Union")]


def test_a_conditional_or_punitive_withdrawal_is_a_threat_and_a_lodged_protest_an_accusation(code_text):
    def types(text):
        return {(r["event_type"], r["source"], r["target"]) for r in _rows(code_text(text, date(2025, 3, 4))[0])}

    assert ("THREATEN", "Nigerian government", "Chadian government") in types(
        "Nigeria said it will withdraw its peacekeeping force from Chad unless the government holds elections.")
    assert ("THREATEN", "Kofi Annan", "Iraqi government") in types(
        "Kofi Annan announced that he will withdraw weapons inspectors from Iraq.")
    assert ("AGREE", "German government", "Malian government") in types(
        "Germany said it will withdraw its troops from Mali next year.")  # a promised pull-out stays a pledge
    got = types("Serbia lodged an official protest with Albania on Monday.")
    assert got == {("ACCUSE", "Serbian government", "Albanian government")}  # no street protest
    assert {t for t, _, _ in types("Ethnic Albanian rebels have sworn to fight until they control the villages.")
            } == {"THREATEN"}


def test_a_curfew_in_a_town_targets_its_people_and_troops_on_alert_abroad_that_country(code_text):
    coded, _ = code_text("President Laurent Gbagbo extended the night-time curfew in Abidjan on Sunday.", date(2025, 3, 4))
    assert {(r["event_type"], r["target"]) for r in _rows(coded)} == {("COERCE", "Ivorian civilians")}
    coded, _ = code_text("Israeli troops remained on alert in the occupied West Bank on Sunday.", date(2025, 3, 4))
    rows = [r for r in _rows(coded) if r["event_type"] == "MOBILIZE"]
    assert rows and rows[0]["target"] == "Palestinian government"


def test_where_the_reporter_is_is_not_where_it_happened(code_text):
    coded, _ = code_text("Somali troops were deployed in Kismayo on Saturday. Al-Shabaab fighters attacked a "
                         "police post on Sunday, officials in Nairobi said.", date(2025, 3, 4))
    rows = [r for r in _rows(coded) if r["event_type"] == "ASSAULT"]
    assert rows and rows[0]["place"] == "Kismayo"


def test_a_repelled_attack_targets_whoever_repelled_it(code_text):
    coded, _ = code_text("Sudanese troops repelled an RSF attack on the city's southern outskirts on Sunday.",
                         date(2025, 5, 19))
    assert _pairs(_rows(coded), trigger="attack") == [("Rapid Support Forces", "Sudanese military")]


def test_a_convoy_from_an_organisation_is_that_organisations_act(code_text):
    coded, _ = code_text("Fighting has displaced thousands in North Kivu. A convoy of 18 trucks from the UN World "
                         "Food Programme delivered 400 tonnes of food to displaced families around Lubero.",
                         date(2024, 11, 8))
    aid = [r for r in _rows(coded) if r["event_type"] == "AID"]
    assert aid and aid[0]["source"] == "World Food Programme"


def test_places_of_joined_clauses_and_of_aid_stay_with_their_own_event(code_text):
    coded, _ = code_text("In the port city of Mombasa, hundreds of demonstrators blocked the main road to the ferry, "
                         "and smaller marches were reported in Nakuru.", date(2025, 6, 26))
    assert {r["trigger"]: r["place"] for r in _rows(coded)} == {"blocked": "Mombasa", "marches": "Nakuru"}
    coded, _ = code_text("Germany will provide 125 million euros in humanitarian aid for Sudan, the foreign office "
                         "in Berlin said.", date(2025, 3, 10))
    aid = [r for r in _rows(coded) if r["trigger"] == "aid"]
    assert aid and aid[0]["place"] == "Sudan"  # where the recipients are, not where the donor speaks



def test_a_group_that_governs_is_its_countrys_government_from_the_day_it_took_power(code_text):
    text = "Pakistan's special envoy for Afghanistan, Mohammad Sadiq, was in Kabul for talks with Taliban officials."
    coded, _ = code_text(text, date(2024, 12, 25))
    assert _pairs(_rows(coded), trigger="talks") == [("Mohammad Sadiq", "Afghan government")]
    coded, names = code_text("Taliban fighters attacked a police post in Kandahar.", date(2001, 3, 4))
    assert "Taliban" in names.values() and "Afghan government" not in names.values()  # in 2001: a rebel group


def test_force_used_by_a_state_named_as_a_whole_is_its_military_but_its_possessive_attack_its_own(code_text):
    coded, _ = code_text("The Taliban government accused Pakistan of carrying out airstrikes in Paktika province.",
                         date(2024, 12, 26))
    assert {(r["event_type"], r["source"]) for r in _rows(coded)} >= {("ASSAULT", "Pakistani military"),
                                                                       ("ACCUSE", "Afghan government")}
    coded, _ = code_text("Iran's missile attack on Israel drew condemnation.", date(2024, 10, 15))
    assert _one(_rows(coded), event_type="ASSAULT")["source"] == "Iranian government"
    coded, _ = code_text("The Iranian government executed two protesters.", date(2024, 10, 15))
    assert _one(_rows(coded), event_type="ASSAULT")["source"] == "Iranian government"


def test_withdrawing_a_bill_is_a_concession_to_whoever_pressed_for_it(code_text):
    coded, _ = code_text("Thousands of Kenyan protesters marched in Nairobi against the finance bill. President "
                         "William Ruto, who withdrew the finance bill last year, has not commented.", date(2025, 6, 26))
    assert _pairs(_rows(coded), event_type="CONCEDE") == [("William Ruto", "Kenyan protesters")]
    assert "RETREAT" not in {r["event_type"] for r in _rows(coded)}


def test_a_rejected_appeal_and_the_wounded_as_people_are_no_events_of_their_own(code_text):
    coded, _ = code_text("Beirut rejected a United Nations appeal for deploying army troops along its border.",
                         date(2025, 3, 4))
    assert {r["event_type"] for r in _rows(coded)} == {"REJECT"}
    coded, _ = code_text("U.N. helicopters evacuated the wounded from the Bosnian town of Gorazde.", date(2025, 3, 4))
    assert {r["event_type"] for r in _rows(coded)} == {"AID"}


def test_an_order_to_a_named_actor_is_coercion_and_what_it_orders_no_event_of_its_own(code_text):
    coded, _ = code_text("Kenyan police fired tear gas at protesters in Nairobi. The Communications Authority of "
                         "Kenya ordered television and radio stations to stop broadcasting the protests live.",
                         date(2025, 6, 26))
    rows = [r for r in _rows(coded) if r["trigger"] != "fired"]
    assert [(r["event_type"], r["source"], r["target"]) for r in rows] == [
        ("COERCE", "Communications Authority of Kenya", "Kenyan media")]


def test_people_who_march_are_protesters(code_text):
    coded, _ = code_text("Thousands of people marched through central Tbilisi on Saturday against the government. "
                         "Georgian police detained three people.", date(2025, 3, 9))
    assert _one(_rows(coded), event_type="PROTEST")["source"] == "Georgian protesters"


def test_completing_a_withdrawal_is_the_subjects_withdrawal(code_text):
    coded, _ = code_text("Russian forces completed their withdrawal from Kherson on Friday.", date(2022, 11, 12))
    ret = _one(_rows(coded), event_type="RETREAT")
    assert (ret["source"], ret["target"]) == ("Russian military", "Ukrainian government")


def test_an_ethnic_group_is_coded_with_the_country_it_lives_in(code_text):
    coded, _ = code_text("Bosnian Serbs blocked a road near Tuzla. Police arrested four ethnic Albanians in "
                         "northern Greece on Monday. The Albanians of southern Montenegro demanded more schools. "
                         "Thousands of Albanians marched in Tirana.", date(2025, 5, 6))
    actors = {a["name"]: a for a in coded.actors.values()}
    assert actors["Serbian civilians (Bosnia and Herzegovina)"]["country_code"] == "BIH"
    assert actors["Albanian civilians (Greece)"]["affiliation"] == "ethnic Albanian"
    assert actors["Albanian civilians (Montenegro)"]["country_code"] == "MNE"
    assert _one(_rows(coded), trigger="marched")["source"] == "Albanian protesters"  # no marker: their own


def test_an_attack_by_no_named_attacker_is_by_an_unidentified_armed_group_of_the_place(code_text):
    coded, _ = code_text("A roadside bomb near the town of Baqubah killed two Iraqi policemen on Monday.",
                         date(2025, 5, 6))
    kill = _one(_rows(coded), event_type="ASSAULT")
    assert (kill["source"], kill["target"]) == ("Unidentified armed group (Iraq)", "Iraqi police")
    assert coded.actors[kill["source_actor_id"]]["sector"] == "UAF"
    # a later mention of an attack whose attacker is named keeps its counts with that attack
    coded, _ = code_text("The Iraqi army launched an offensive against ISIS in the Hamrin Mountains, resulting in "
                         "the death of five militants.", date(2025, 5, 6))
    assert {r["source"] for r in _rows(coded) if r["event_type"] == "ASSAULT"} == {"Iraqi military"}


def test_what_a_group_is_for_or_against_is_not_its_country(code_text):
    coded, _ = code_text("An anti-Syria journalist was shot dead in Beirut. Pro-Russian separatists attacked a "
                         "checkpoint near Donetsk.", date(2025, 5, 6))
    rows = _rows(coded)
    assert _pairs(rows, event_type="ASSAULT") == [("Unidentified armed group (Lebanon)", "Lebanese media"),
                                                  ("Ukrainian rebels", None)]


def test_a_stance_is_no_event_and_a_named_militia_is_its_name(code_text):
    coded, _ = code_text("The vote was followed by attacks by militias opposed to independence. The army clashed "
                         "with pro-government militias known as Wazalendo near Goma.", date(2025, 5, 6))
    rows = _rows(coded)
    assert "REJECT" not in {r["event_type"] for r in rows}
    assert "Congolese militias" not in {a["name"] for a in coded.actors.values()}


def test_a_light_verb_carries_its_nouns_objects_and_clauses(code_text):
    coded, _ = code_text("A Peruvian prosecutor opened corruption investigations against 12 Bolivian officials. "
                         "The WHO repeated its demand on Monday that Israel allow fuel deliveries.", date(2025, 5, 6))
    rows = _rows(coded)
    assert _pairs(rows, event_type="ACCUSE") == [("Peruvian judiciary", "Bolivian government")]
    assert _pairs(rows, event_type="REQUEST") == [("World Health Organization", "Israeli government")]
    assert "AID" not in {r["event_type"] for r in rows}  # what is demanded has not happened


def test_property_targets_forces_led_by_a_country_and_fire_against_camps(code_text):
    coded, _ = code_text("Syrian army bulldozers razed Lebanese homes near Qusayr. "
                         "Ethiopian-led forces directed mortar fire against Somali militia camps near Baidoa.",
                         date(2025, 5, 6))
    rows = _rows(coded)
    assert _pairs(rows, event_type="ASSAULT") == [("Syrian military", "Lebanese civilians"),
                                                  ("Ethiopian military", "Somali militias")]


def test_harm_without_a_sign_of_an_attack_gets_no_invented_attacker(code_text):
    coded, _ = code_text("A fire broke out in a market in Lagos, killing four people. A bomb blast in a market in "
                         "Maiduguri killed six people.", date(2025, 5, 6))
    assert [s for s, _ in _pairs(_rows(coded), event_type="ASSAULT")] == [None, "Unidentified armed group (Nigeria)"]


def test_the_reporters_city_does_not_make_the_victims_its_citizens(code_text):
    coded, _ = code_text("Somali troops shelled the town of Beledweyne on Sunday, killing about 20 people, aid "
                         "officials in Nairobi said.", date(2025, 5, 6))
    assert _pairs(_rows(coded), event_type="ASSAULT") == [("Somali military", "Somali civilians")]


def test_what_is_threatened_is_the_threats_mode_not_an_event_of_its_own(code_text):
    coded, _ = code_text("The Chinese government threatened to impose tariffs on Australian wine.", date(2025, 5, 6))
    assert [(r["event_type"], r["event_mode"], r["source"], r["target"]) for r in _rows(coded)] == [
        ("THREATEN", "restrict", "Chinese government", "Australian government")]
    coded, _ = code_text("Hamas vowed to retaliate.", date(2025, 5, 6))  # a threat as the content stays one
    assert {r["event_type"] for r in _rows(coded)} == {"THREATEN"}


def test_a_purpose_is_no_event_and_a_conditional_meeting_is_an_offer(code_text):
    coded, _ = code_text("Egypt hosted Qatari envoys for talks aimed at establishing a truce.", date(2025, 5, 6))
    assert {r["event_type"] for r in _rows(coded)} == {"CONSULT"}  # not the truce (AGREE)
    coded, _ = code_text("Sudanese rebel leaders said they would meet the UN envoy if he came to Juba.",
                         date(2025, 5, 6))
    offer = _one(_rows(coded), trigger="meet")
    assert (offer["event_type"], offer["event_mode"], offer["source"]) == ("AGREE", "pledge", "Sudanese rebels")


def test_a_date_in_a_clause_of_its_own_does_not_date_the_act(code_text):
    coded, _ = code_text("Iran expelled two IAEA inspectors after officials said that the agency had leaked "
                         "reports in March 2024.", date(2025, 5, 6))
    expel = _one(_rows(coded), event_type="SANCTION")
    assert (expel["event_date"], expel["date_source"]) == (date(2025, 5, 6), "publication")


def test_a_peoples_forces_are_that_people_and_readiness_is_an_offer(code_text):
    coded, _ = code_text("Bosnian Croats said their forces had completed their withdrawal from Mostar. "
                         "Brazil is ready to contribute 800 troops to the UN force in Haiti. "
                         "Oman is willing to host a meeting between Iran and the United States. "
                         "Egypt is pressuring Hamas to accept the plan. The UK is pushing for a ceasefire in Sudan.",
                         date(2025, 5, 6))
    rows = _rows(coded)
    assert _one(rows, event_type="RETREAT")["source"] == "Croatian civilians (Bosnia and Herzegovina)"
    assert _pairs(rows, event_type="AGREE") == [("Brazilian government", "United Nations"),
                                                ("Omani government", "Iranian government")]
    assert _pairs(rows, event_type="REQUEST") == [("Egyptian government", "Hamas"),
                                                  ("British government", "Sudanese government")]


def test_put_under_investigation_or_arrest_and_continents_are_no_country(code_text):
    coded, _ = code_text("A French national has been put under investigation in Spain for her role in the riots. "
                         "Two British nationals were placed under house arrest in Tehran.", date(2025, 5, 6))
    rows = _rows(coded)
    assert _pairs(rows, event_type="ACCUSE") == [("Spanish judiciary", "French civilians")]
    assert _pairs(rows, event_type="COERCE") == [("Iranian police", "British civilians")]
    coded, _ = code_text("The UK is pushing hard for the US to support its plan to tackle poverty in Africa.",
                         date(2025, 5, 6))
    assert [(r["event_type"], r["source"], r["target"]) for r in _rows(coded)] == [
        ("REQUEST", "British government", "American government")]


def test_hosting_is_a_meeting_of_both_and_hosting_refugees_is_no_meeting(code_text):
    coded, _ = code_text("Qatar's emir, Sheikh Tamim, hosted Kenya's president, William Ruto, in Doha for talks on "
                         "trade.", date(2025, 5, 6))
    rows = _rows(coded)
    assert sorted(_pairs(rows, event_type="CONSULT")) == [("Sheikh Tamim", "William Ruto"),
                                                          ("William Ruto", "Sheikh Tamim")]
    coded, _ = code_text("Norway will give 10 million dollars in aid for Chad and for neighbouring countries hosting "
                         "Sudanese refugees. A court in Nairobi suspended the order.", date(2025, 5, 6))
    assert {r["event_type"] for r in _rows(coded)} == {"AGREE"}


def test_a_speech_act_joined_to_a_reported_clause_is_the_speakers(code_text):
    coded, _ = code_text("The UN mission in Mali said it had received reports that civilians were among the dead, "
                         "and called for an independent investigation. The Kurdistan Workers' Party issued a "
                         "declaration demanding that the Turkish government release the prisoners.", date(2025, 5, 6))
    assert _pairs(_rows(coded), event_type="REQUEST")[0][0] in ("United Nations", "MINUSMA")
    assert _pairs(_rows(coded), event_type="REQUEST")[-1] == ("Kurdistan Workers' Party", "Turkish government")


def test_a_sanctions_list_sanctions_each_entry_by_whoever_imposed_the_sanctions(code_text):
    coded, _ = code_text("The United Kingdom on Tuesday imposed sanctions on Russian oil traders. The list includes "
                         "senior officers of the Wagner Group and Aeroflot.", date(2025, 5, 6))
    rows = [r for r in _rows(coded) if r["trigger"] == "includes"]
    assert {r["source"] for r in rows} == {"British government"}
    assert "Wagner Group" in {r["target"] for r in rows} and "British police" not in {r["target"] for r in rows}
    coded, _ = code_text("The Kremlin said on Tuesday that the list includes Aeroflot.", date(2025, 5, 6))
    assert not _rows(coded)  # no sanction before it: not a sanctions list


def test_he_is_the_person_named_last_and_a_title_place_gives_a_persons_country(code_text):
    coded, _ = code_text("King Abdullah of Jordan was quoted as saying he would be ready to host talks between "
                         "Hamas and Fatah. Gunmen tried to assassinate the deputy governor of the Kherson region, "
                         "Ivan Petrenko. Doctors from two Canadian charities treated wounded civilians.",
                         date(2025, 5, 6))
    rows = _rows(coded)
    offer = _one(rows, trigger="host")
    assert (offer["event_type"], offer["source"]) == ("AGREE", "King Abdullah")  # the offer is his alone
    assert {r["source"] for r in rows if r["trigger"] == "host"} == {"King Abdullah"}
    actors = {a["name"]: a for a in coded.actors.values()}
    assert actors["King Abdullah"]["country_code"] == "JOR"
    assert actors["Ivan Petrenko"]["country_code"] == "UKR"
    assert any(a["country_code"] == "CAN" for a in actors.values() if a["sector"] == "HLH")


def test_a_roundup_paragraph_is_about_its_first_country_and_sent_troops_are_their_owners(code_text):
    coded, _ = code_text("Brazil's president met farmers in Brasilia on Monday.\n"
                         "Gunmen killed 12 civilians in a village in Niger's Tillaberi region on Friday.\n"
                         "The ministry blamed fighters near Niger's borders with Mali and Burkina Faso. Troops had "
                         "been sent to the area, it said.", date(2025, 5, 6))
    rows = _rows(coded)
    assert _one(rows, event_type="MOBILIZE")["source"] == "Nigerien military"
    actors = {a["name"] for a in coded.actors.values()}
    assert "Nigerien government" in actors and "Burkinabe government" not in actors  # "The ministry"


def test_the_attack_condemned_is_the_one_so_named_and_a_death_is_the_dead_persons_not_their_act(code_text):
    coded, _ = code_text("A Houthi drone attack hit a cargo ship in the Red Sea on Thursday. U.S. forces shot down "
                         "two other drones. Washington and London have carried out airstrikes on Houthi targets in "
                         "Yemen. The European Union condemned the attack. The death of Abu Bakr al-Baghdadi marked "
                         "a blow to ISIS.", date(2025, 5, 6))
    rows = _rows(coded)
    assert _pairs(rows, event_type="ACCUSE") == [("European Union", "Houthis")]
    assert ("Abu Bakr al-Baghdadi", None) not in _pairs(rows, event_type="ASSAULT")


def test_a_headline_line_is_not_coded_even_when_the_parser_cuts_it_in_pieces(code_text):
    coded, _ = code_text("Politics\nEgyptian and Jordanian foreign ministers meet in Cairo over Gaza plan\n"
                         "Egypt's foreign minister, Badr Abdelatty, hosted his Jordanian counterpart, Ayman Safadi, "
                         "in Cairo on Monday.", date(2025, 5, 6))
    assert {r["trigger"] for r in _rows(coded)} == {"hosted"}


def test_a_group_involved_in_clashes_is_their_source(code_text):
    coded, _ = code_text("Hayat Tahrir al-Sham has been increasingly involved in clashes with ISIS remnants along "
                         "the border.", date(2025, 5, 6))
    assert _pairs(_rows(coded), event_type="ASSAULT") == [("Hayat Tahrir al-Sham", "Islamic State")]
