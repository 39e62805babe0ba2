"""Date resolution against the publication date, and counts of people."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.counts import parse_count
from transforms.dates import resolve_date

PUB = date(2024, 10, 16)  # a Wednesday


@pytest.mark.parametrize(("text", "expected"), [
    ("on Tuesday", (date(2024, 10, 15), "day")),
    ("In May of this year", (date(2024, 5, 1), "month")),
    ("in July 2023", (date(2023, 7, 1), "month")),
    ("In 2015", (date(2015, 1, 1), "year")),
    ("since May last year", (date(2023, 5, 1), "month")),
    ("Last month", (date(2024, 9, 1), "month")),
    ("last week", (date(2024, 10, 7), "week")),
    ("On 25 June 2024", (date(2024, 6, 25), "day")),
    ("nearly a decade", None),
    ("recent years", None),
])
def test_resolve_date(text, expected):
    assert resolve_date(text, PUB) == expected


def test_no_publication_date_no_resolution():
    assert resolve_date("on Tuesday", None) is None


@pytest.mark.parametrize(("text", "best"), [
    ("at least eight", 8), ("21", 21), ("twenty-one", 21), ("dozens", 12), ("at least two dozen", 24),
    ("hundreds", 100), ("more than 60", 60), ("1,200", 1200), ("a dozen", 12),
])
def test_parse_count(text, best):
    assert parse_count(text)[0] == best


def test_vague_small_counts_have_a_lower_bound():
    assert parse_count("several") == (3, 2)
    assert parse_count("no number here") is None


def test_shot_dead_counts_the_killed(code_text):
    from datetime import date

    coded, _ = code_text("At least eight people had been shot dead by police in Nairobi.", date(2025, 6, 26))
    assert [e["fatalities"] for e in coded.events if e["event_type"] == "ASSAULT"] == [8]
