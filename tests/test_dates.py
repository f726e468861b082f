"""The day a quote was said, from the narration around it, on sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from indexer.extract.dates import date_said, date_said_around

THURSDAY = date(2023, 3, 16)


@pytest.mark.parametrize(
    ("narration", "published", "expected"),
    [
        # a weekday next to the cue: the most recent such day on or before publication
        ("the mayor said Thursday.", THURSDAY, THURSDAY),
        ("the mayor said Monday.", THURSDAY, date(2023, 3, 13)),
        ("the mayor said on Friday.", THURSDAY, date(2023, 3, 10)),
        ("the mayor said late Monday.", THURSDAY, date(2023, 3, 13)),
        ("the mayor said earlier Wednesday.", THURSDAY, date(2023, 3, 15)),
        ("the mayor said on Sunday night at a rally.", THURSDAY, date(2023, 3, 12)),
        ("On Tuesday, the mayor told reporters.", THURSDAY, date(2023, 3, 14)),
        # "last" never means the publication day itself
        ("the mayor said last Friday.", THURSDAY, date(2023, 3, 10)),
        ("the mayor said last Thursday.", THURSDAY, date(2023, 3, 9)),
        # relative days
        ("the mayor said yesterday.", THURSDAY, date(2023, 3, 15)),
        ("the mayor said last night.", THURSDAY, date(2023, 3, 15)),
        ("the mayor said today.", THURSDAY, THURSDAY),
        ("the mayor said two days ago.", THURSDAY, date(2023, 3, 14)),
        # a possessive weekday names an event, not the day of speaking ...
        ("the mayor said Tuesday's vote was close.", THURSDAY, None),
        ("After Tuesday's vote, the mayor said Wednesday.", THURSDAY, date(2023, 3, 15)),
        # ... unless the words were said at that event
        ("At Tuesday's hearing, the mayor said.", THURSDAY, date(2023, 3, 14)),
        # days ahead are not when anything was said
        ("the mayor said the vote comes next Monday.", THURSDAY, None),
        ("the mayor said it would wait until Friday.", THURSDAY, None),
        # a week is no single day, and does not hide the day that follows it
        ("Last week's storm was bad, the mayor said Monday.", THURSDAY, date(2023, 3, 13)),
        ("the mayor said this week.", THURSDAY, None),
        # month and day: on or before publication; a later day means the year before
        ("the mayor said on March 2.", THURSDAY, date(2023, 3, 2)),
        ("the mayor said April 20.", date(2023, 5, 1), date(2023, 4, 20)),
        ("the mayor said April 20.", date(2023, 4, 10), date(2022, 4, 20)),
        ("the mayor said Sept. 3rd.", THURSDAY, date(2022, 9, 3)),
        ("the mayor said on April 20, 2021.", THURSDAY, date(2021, 4, 20)),
        ("the mayor said Feb. 30.", THURSDAY, None),
        ("they may 2 or 3 times, the mayor said.", THURSDAY, None),
        # the day first, as most outlets outside the US write it
        ("the mayor said on 2 March.", THURSDAY, date(2023, 3, 2)),
        ("the mayor said on 20 April 2021.", THURSDAY, date(2021, 4, 20)),
        ("the mayor said on the 3rd of Sept.", THURSDAY, date(2022, 9, 3)),
        ("the mayor said 30 Feb.", THURSDAY, None),
        ("the mayor said 2 may be enough.", THURSDAY, None),
        # nothing to go on
        ("the mayor said.", THURSDAY, None),
        ("the mayor said Monday.", None, None),
    ],
)
def test_date_said(narration: str, published: date | None, expected: date | None) -> None:
    assert date_said(narration, published) == expected


def _around(text: str, quote: str, published: date | None = THURSDAY) -> date | None:
    start = text.index(quote)
    return date_said_around(text, (0, len(text)), (start, start + len(quote)), published)


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        # the cue and its day sit between the parts of a direct quote
        (
            '"The bridge stays shut," the mayor said Monday. "We will not rush it."',
            '"The bridge stays shut," the mayor said Monday. "We will not rush it."',
            date(2023, 3, 13),
        ),
        (
            "“The bridge stays shut,” the mayor said on Sunday night, “until spring.”",
            "“The bridge stays shut,” the mayor said on Sunday night, “until spring.”",
            date(2023, 3, 12),
        ),
        # a day inside the quoted words is what the speaker talks about
        (
            '"We vote on Tuesday," the mayor said.',
            '"We vote on Tuesday," the mayor said.',
            None,
        ),
        (
            '"We vote on Tuesday," the mayor said Wednesday.',
            '"We vote on Tuesday," the mayor said Wednesday.',
            date(2023, 3, 15),
        ),
        # a paragraph that continues the quote is quoted words too
        (
            '"We vote on Tuesday,\n\n"and count on Monday," the mayor said Wednesday.',
            '"We vote on Tuesday,\n\n"and count on Monday," the mayor said Wednesday.',
            date(2023, 3, 15),
        ),
        # reported content is the speaker's, not narration
        (
            "The mayor said Monday that the vote was on Tuesday.",
            "the vote was on Tuesday",
            date(2023, 3, 13),
        ),
        (
            "The mayor said that the vote was on Tuesday.",
            "the vote was on Tuesday",
            None,
        ),
        # the narration of a mixed quote still counts
        (
            "The mayor on Monday called the plan “a fair start.”",
            "the plan “a fair start.”",
            date(2023, 3, 13),
        ),
    ],
)
def test_date_said_around(text: str, quote: str, expected: date | None) -> None:
    assert _around(text, quote) == expected


def test_date_said_around_without_article_date() -> None:
    assert _around('"Soon," the mayor said Monday.', '"Soon,"', published=None) is None
