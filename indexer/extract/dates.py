"""The day a quote was said, when the narration around it says so ("said Monday", "yesterday").

Only narration counts: a date inside the quoted words or inside reported content is what the
speaker talks about, not when they spoke ("he said the vote is on Friday").
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from indexer.extract.text import QUOTE_CHARS, paragraphs, quoted_spans

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_DAYS_BACK = {
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "yesterday": 1,
    "last night": 1,
    "a day earlier": 1,
    "the day before": 1,
    "two days ago": 2,
    "three days ago": 3,
}
_MONTH_NAMES = "|".join(sorted((m.capitalize() for m in _MONTHS), key=len, reverse=True))
_RELATIVE = "|".join(sorted((re.escape(k) for k in _DAYS_BACK), key=len, reverse=True))
# Month names only capitalised ("may 5" is a verb and a number). "next Monday" and a
# possessive ("Monday's debate") name another day than the one the words were said on, unless
# the words were said there ("at Monday's debate"); they are matched, so not read as a bare
# "Monday", and then skipped.
DATE_EXPRESSION = re.compile(
    r"\b(?:(?P<prefix>on|last|this|earlier|late|early|next|until|by|at|during|in)\s+)?"
    rf"(?P<weekday>{'|'.join(_WEEKDAYS)})\b(?P<possessive>['’]s\b)?"
    rf"|\b(?P<relative>{_RELATIVE})\b"
    rf"|\b(?:on\s+)?(?P<month>(?-i:{_MONTH_NAMES}))\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
    r"(?:,?\s+(?P<year>\d{4})\b)?"
    # the day first, as British and most non-US outlets write it: "on 2 May 2024"
    rf"|\b(?:on\s+)?(?P<day_first>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"(?P<month_after>(?-i:{_MONTH_NAMES}))\b\.?(?:,?\s+(?P<year_after>\d{{4}})\b)?",
    re.IGNORECASE,
)
_FORWARD = {"next", "until", "by"}
_AT_EVENT = {"at", "during", "in"}


def date_said_around(
    text: str, frame: tuple[int, int], quote: tuple[int, int], published: date | None
) -> date | None:
    """The day the narration of `frame` (the sentences holding a quote and its cue) names.

    Quoted words anywhere in the frame are blanked, and so is the quote itself when it is
    reported speech (it does not open with a quotation mark). The narration between the parts
    of a direct quote stays: that is where "…," she said Monday. "…" puts the cue and its day.
    """
    if published is None:
        return None
    start, end = frame
    narration = list(text[start:end])
    piece = text[start:end]
    for span in quoted_spans(piece, paragraphs(piece)):
        narration[span.start : span.end] = " " * (span.end - span.start)
    quoted = text[quote[0] : quote[1]].lstrip()
    if quoted[:1] not in QUOTE_CHARS:
        lo, hi = max(quote[0], start) - start, min(quote[1], end) - start
        narration[lo:hi] = " " * max(hi - lo, 0)
    return date_said("".join(narration), published)


def date_said(narration: str, published: date | None) -> date | None:
    """Resolve the first date expression of some narration that names the day words were said."""
    if published is None:
        return None
    for match in DATE_EXPRESSION.finditer(narration):
        resolved = _resolve(match, published)
        if resolved is not None:
            return resolved
    return None


def _resolve(match: re.Match[str], published: date) -> date | None:
    if match.group("weekday"):
        prefix = (match.group("prefix") or "").lower()
        if prefix in _FORWARD or (match.group("possessive") and prefix not in _AT_EVENT):
            return None
        back = (published.weekday() - _WEEKDAYS.index(match.group("weekday").lower())) % 7
        if prefix == "last" and back == 0:
            back = 7  # "last Friday" written on a Friday is a week ago
        return _days_before(published, back)
    if match.group("relative"):
        return _days_before(published, _DAYS_BACK[match.group("relative").lower()])
    return _month_day(match, published)


def _days_before(published: date, days: int) -> date | None:
    """`days` before publication; None before the calendar's first day (a year-1 date)."""
    try:
        return published - timedelta(days=days)
    except OverflowError:
        return None


def _month_day(match: re.Match[str], published: date) -> date | None:
    """A month and day; without a year, the latest such day on or before publication."""
    first = match.group("day_first") is not None
    month_name, day_given, year_given = (
        match.group("month_after", "day_first", "year_after")
        if first
        else match.group("month", "day", "year")
    )
    month, day = _MONTHS[month_name.lower()], int(day_given)
    year = int(year_given) if year_given else published.year
    try:
        said = date(year, month, day)
        if not year_given and said > published:
            said = date(year - 1, month, day)
    except ValueError:
        return None  # "Feb. 30", or Feb. 29 in a year without it
    return said
