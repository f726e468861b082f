"""Extraction does linear work in the number of quotations of an article (issue 14, item 6).

An article with 10,000 quotes took minutes because stages scanned every earlier quotation or
entity for each sentence. Rather than time anything, this counts the calls and lines extraction
runs (`sys.settrace`, `sys.setprofile`) on a fictional article and on one four times as long:
linear work costs about four times as much; the scans that were fixed cost 7–14 times.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from types import FrameType
from typing import Any

from indexer.extract import extract_quotes

GIVEN = [
    "Anna",
    "Boris",
    "Carla",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Karin",
    "Luis",
]
SURNAMES = [
    "Abbott",
    "Berger",
    "Castillo",
    "Dimitrov",
    "Eriksen",
    "Fontaine",
    "Garcia",
    "Hoffmann",
    "Ivanova",
]
ROLES = ["mayor", "senator", "economist", "union leader", "minister", "judge"]


def _article(people: int) -> str:
    """Three attributed quotes per person (direct, a pronoun's follow-up, reported speech),
    many distinct names, organisations and roles, as in a long live blog."""
    lines = ["Live: the week in the fictional city of Norland"]
    for n in range(people):
        name = f"{GIVEN[n % len(GIVEN)]} {SURNAMES[(n // len(GIVEN)) % len(SURNAMES)]}{n}"
        surname = name.split()[-1]
        pronoun = "she" if n % 2 else "he"
        role = ROLES[n % len(ROLES)]
        lines += [
            f'"We will rebuild the bridge number {n} this year," {role} {name} said on Tuesday.',
            f'"The budget is ready. Nobody should doubt it," {pronoun} added.',
            f"{surname} said that the Norland Works Council would vote on plan {n} soon.",
            f'The Norland Works Council said in a statement that "talks continue" on item {n}.',
        ]
    return "\n".join(lines)


def _calls(work: Callable[[], object]) -> int:
    """Python calls, built-in calls and lines run (a loop's every turn runs a line, even
    inside a comprehension, so a scan hidden in one line is counted too)."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        nonlocal count
        count += 1
        return trace

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event == "c_call":
            count += 1

    sys.settrace(trace)
    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
        sys.settrace(None)
    return count


def test_extraction_work_grows_linearly_with_quotes() -> None:
    small, large = _article(60), _article(240)  # before: 8.4x
    found = extract_quotes(large, date(2024, 5, 7))
    assert len(found) >= 3 * 240  # the article really is full of attributed quotes
    extract_quotes(small)  # imports and caches warm before counting
    ratio = _calls(lambda: extract_quotes(large, date(2024, 5, 7))) / _calls(
        lambda: extract_quotes(small, date(2024, 5, 7))
    )
    assert 3.5 < ratio < 5.0, f"4x the quotes cost {ratio:.1f}x the calls"


def _transcript(turns: int) -> str:
    """A fictional debate transcript: 'NAME: …' paragraphs, each a turn."""
    names = ["VARGA", "OKAFOR", "MODERATOR"]
    return "Debate transcript\n" + "\n".join(
        f"{names[n % 3]}: We will fix road {n} this year. It matters to everyone here."
        for n in range(turns)
    )


def test_transcript_work_grows_linearly_with_turns() -> None:
    small, large = _transcript(200), _transcript(800)  # before: 6.3x
    assert len(extract_quotes(large)) == 800
    ratio = _calls(lambda: extract_quotes(large)) / _calls(lambda: extract_quotes(small))
    assert 3.5 < ratio < 5.0, f"4x the turns cost {ratio:.1f}x the calls"
