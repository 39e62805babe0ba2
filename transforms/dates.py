"""Resolve date expressions against the publication date, with precision (day / week / month / year).

dateparser with RELATIVE_BASE = publication date and past preference; "this year"/"last year"/"this
month"/"last month" are rewritten to explicit values first (dateparser returns None on "May of this year").
Expressions without a resolvable point ("nearly a decade", "recent years") give None.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta

from dateparser.date import DateDataParser

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_LEADING = re.compile(r"^(?:early|late|earlier|later|in|on|during|since|by|from|until|till|before|after|around|at|the|of|mid-?)\s+", re.I)
_VAGUE = re.compile(r"\b(decade|decades|years|months|weeks|recent|ongoing|past few|coming|next|future|times?|ago)\b", re.I)
_SETTINGS = {"PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first", "PREFER_MONTH_OF_YEAR": "first",
             "RETURN_TIME_AS_PERIOD": True, "STRICT_PARSING": False}


def _rewrite(text: str, base: date) -> str:
    t = text.strip().strip(".,;:").lower()
    t = t.replace("’", "'")
    t = re.sub(r"'s?\b", "", t)  # "last year's", "Tuesdays'"
    t = re.sub(r"\b(?:of )?this year\b", str(base.year), t)
    t = re.sub(r"\blast year\b", str(base.year - 1), t)
    t = re.sub(r"\bnext year\b", str(base.year + 1), t)
    month_name = _MONTHS[base.month - 1]
    prev = base.replace(day=1) - timedelta(days=1)
    t = re.sub(r"\b(?:earlier )?this month\b", f"{month_name} {base.year}", t)
    t = re.sub(r"\blast month\b", f"{_MONTHS[prev.month - 1]} {prev.year}", t)
    t = re.sub(r"\b(?:at )?the (?:start|beginning|end) of the month\b", f"{month_name} {base.year}", t)
    t = re.sub(r"\b(late|early|mid)[- ]", "", t)
    for _ in range(3):
        t = _LEADING.sub("", t)
    return t.strip()


@functools.lru_cache(maxsize=16384)
def resolve_date(text: str, published: date | None) -> tuple[date, str] | None:
    """(date, precision) for a date expression relative to ``published``; None when it names no point
    in time. Precision is the period dateparser reports (day, week, month, year)."""
    if not text or published is None:
        return None
    raw = text.lower()
    if _VAGUE.search(raw) and not re.search(r"\b(19|20)\d{2}\b", raw) and "last week" not in raw:
        return None
    t = _rewrite(text, published)
    if not t:
        return None
    if re.fullmatch(r"(19|20)\d{2}", t):
        return date(int(t), 1, 1), "year"
    if re.fullmatch(r"(last|this) week", t):
        monday = published - timedelta(days=published.weekday())
        return (monday - timedelta(days=7) if t.startswith("last") else monday), "week"
    base = datetime(published.year, published.month, published.day, 12, 0)
    settings = dict(_SETTINGS, RELATIVE_BASE=base)
    try:
        data = DateDataParser(languages=["en"], settings=settings).get_date_data(t)
    except (ValueError, OverflowError):
        return None
    if not data or data.date_obj is None:
        return None
    d = data.date_obj.date()
    period = data.period or "day"
    word = t.split()[-1] if t.split() else ""
    if word in _WEEKDAYS and d >= published:  # "on Tuesday" in a story means the past one
        d -= timedelta(days=7)
    if period in ("time", "hour", "minute", "second"):
        period = "day"
    if period == "month":
        d = d.replace(day=1)
    elif period == "year":
        d = date(d.year, 1, 1)
    if d > published + timedelta(days=1) or d.year < 1900:
        return None
    return d, period

