"""The day a quote was said, when the sentence says so ("on Saturday", "yesterday")."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|"
    "december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
DATE_EXPRESSION = re.compile(
    r"\b(?:(?:on|last|this|earlier|late|early)\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)\b"
    r"|\b(?P<relative>yesterday|today|last night|this morning|last week|two days ago|"
    r"three days ago|a day earlier|the day before)\b"
    rf"|\b(?:on\s+)?(?P<monthday>(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)\b",
    re.IGNORECASE,
)


def date_said(sentence: str, published: date | None) -> date | None:
    """Resolve the first date expression of a sentence against the article's date."""
    if published is None:
        return None
    match = DATE_EXPRESSION.search(sentence)
    if not match:
        return None
    if match.group("weekday"):
        target = _WEEKDAYS.index(match.group("weekday").lower())
        back = (published.weekday() - target) % 7
        return published - timedelta(days=back)
    if match.group("relative"):
        return _relative(match.group("relative").lower(), published)
    return _month_day(match.group("monthday"), published)


def _relative(expression: str, published: date) -> date | None:
    offsets = {
        "yesterday": 1,
        "today": 0,
        "last night": 1,
        "this morning": 0,
        "two days ago": 2,
        "three days ago": 3,
        "a day earlier": 1,
        "the day before": 1,
    }
    if expression in offsets:
        return published - timedelta(days=offsets[expression])
    return None  # "last week" names no single day


def _month_day(expression: str, published: date) -> date | None:
    import dateparser

    base = datetime(published.year, published.month, published.day)
    parsed = dateparser.parse(
        expression,
        languages=["en"],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "past",
            "REQUIRE_PARTS": ["day", "month"],
        },
    )
    return parsed.date() if parsed else None
