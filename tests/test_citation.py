"""Quotes as a journalist cites them, on sentences written for these tests."""

from __future__ import annotations

import pytest

from indexer.extract.citation import cited_reported, cited_text


def _parts(article: str, *quoted: str) -> list[tuple[int, int]]:
    """Offsets of each quoted part, found in order."""
    spans, pos = [], 0
    for part in quoted:
        start = article.index(part, pos)
        spans.append((start, start + len(part)))
        pos = start + len(part)
    return spans


@pytest.mark.parametrize(
    ("article", "parts", "cited"),
    [
        # one part: the comma that handed over to the cue becomes a full stop
        (
            "“The harbour will reopen in May,” Anna Kovacs said.",
            ["The harbour will reopen in May,"],
            "The harbour will reopen in May.",
        ),
        ('"We are ready, " the chief said.', ["We are ready, "], "We are ready."),
        # ? ! and … stay as written
        ('"Who pays for it?" Kovacs asked.', ["Who pays for it?"], "Who pays for it?"),
        ('"Never again!" the crowd shouted.', ["Never again!"], "Never again!"),
        ("“We will see…” she said.", ["We will see…"], "We will see…"),
        # no punctuation at the end: left as written
        ("He called the plan “a good start” on Monday.", ["a good start"], "a good start"),
        # two parts: narration out, an ellipsis in, the comma before it dropped
        (
            "“The harbour will reopen in May,” Kovacs said at the port on Monday. “Ships wait.”",
            ["The harbour will reopen in May,", "Ships wait."],
            "The harbour will reopen in May … Ships wait.",
        ),
        # a part that goes on mid-sentence starts lower-case, as written
        (
            "“The harbour,” Kovacs said, “will reopen in May,” and left.",
            ["The harbour,", "will reopen in May,"],
            "The harbour … will reopen in May.",
        ),
        # three parts
        (
            '"First," he said. "Second," he added. "Third, and last," he said.',
            ["First,", "Second,", "Third, and last,"],
            "First … Second … Third, and last.",
        ),
        # a full stop or question ending a non-final part stays before the ellipsis
        (
            "“It is done.” Kovacs smiled. “Are you surprised?”",
            ["It is done.", "Are you surprised?"],
            "It is done. … Are you surprised?",
        ),
        # parts given with their own marks
        (
            "“The harbour will reopen in May,” Anna Kovacs said.",
            ["“The harbour will reopen in May,”"],
            "The harbour will reopen in May.",
        ),
        (
            "'The harbour will reopen in May,' Anna Kovacs said.",
            ["'The harbour will reopen in May,'"],
            "The harbour will reopen in May.",
        ),
        ("“The harbour is shut”, Kovacs said.", ["“The harbour is shut”,"], "The harbour is shut."),
        # whitespace collapsed
        (
            '"The  harbour\n will   reopen," she said.',
            ["The  harbour\n will   reopen,"],
            "The harbour will reopen.",
        ),
        # nested quotations in single curly marks, whatever marks they came in
        (
            '“He called it "a sham," and left,” she said.',
            ['He called it "a sham," and left,'],
            "He called it ‘a sham,’ and left.",
        ),
        (
            "«He called it “a sham” and left,» she said.",
            ["He called it “a sham” and left,"],
            "He called it ‘a sham’ and left.",
        ),
        (
            "“He called it 'a sham' and left,” she said.",
            ["He called it 'a sham' and left,"],
            "He called it ‘a sham’ and left.",
        ),
        (
            "“‘Fine’ is not a plan,” she said.",
            ["‘Fine’ is not a plan,"],
            "‘Fine’ is not a plan.",
        ),
        (
            "“It was ‘fine’ and ‘quick,’” she said.",
            ["It was ‘fine’ and ‘quick,’"],
            "It was ‘fine’ and ‘quick.’",
        ),
        (
            "“It was ‘quick,’” she said. “Done.”",
            ["It was ‘quick,’", "Done."],
            "It was ‘quick’ … Done.",
        ),
        # apostrophes stay untouched
        (
            "“I don't know Mr. O’Neill's plan,” she said.",
            ["I don't know Mr. O’Neill's plan,"],
            "I don't know Mr. O’Neill's plan.",
        ),
        (
            "'The voters' mood is sour,' she said.",
            ["'The voters' mood is sour,'"],
            "The voters' mood is sour.",
        ),
        (
            "“We loved the ’90s,” she said.",
            ["We loved the ’90s,"],
            "We loved the ’90s.",
        ),
        # stray marks at either edge go
        ("“We are ready,” she said.", ["“We are ready,"], "We are ready."),
        ("“We are ready,” she said.", ["We are ready,”"], "We are ready."),
        ("‘We are ready.’ she said.", ["‘We are ready."], "We are ready."),
        ('"We are "ready," she said.', ['We are "ready,'], "We are ready."),
        # paragraphs of one running quotation: nothing was left out, so a space
        (
            "“The harbour will reopen in May.\n\n“Ships are waiting,” Kovacs said.",
            ["The harbour will reopen in May.", "Ships are waiting,"],
            "The harbour will reopen in May. Ships are waiting.",
        ),
        (
            '"The harbour will reopen.\n"Ships wait.\n"Crews too," she said.',
            ["The harbour will reopen.", "Ships wait.", "Crews too,"],
            "The harbour will reopen. Ships wait. Crews too.",
        ),
        # a running quotation, then narration, then more
        (
            "“One.\n\n“Two,” she said. “Three.”",
            ["One.", "Two,", "Three."],
            "One. Two … Three.",
        ),
        # nothing quoted
        ("She said nothing.", [], ""),
    ],
)
def test_cited_text(article: str, parts: list[str], cited: str) -> None:
    assert cited_text(article, _parts(article, *parts)) == cited


def test_cited_text_keeps_no_outer_marks() -> None:
    article = "“Ready,” she said."
    assert cited_text(article, [(0, len("“Ready,”"))])[0] not in "“”\"'‘"


@pytest.mark.parametrize(
    ("article", "content", "cited"),
    [
        (
            "Kovacs said that the harbour would reopen.",
            "that the harbour would reopen",
            "the harbour would reopen.",
        ),
        (
            "Kovacs said the harbour would reopen.",
            "the harbour would reopen.",
            "the harbour would reopen.",
        ),
        ("Kovacs said: That  was\nfine, and left.", "That  was\nfine,", "That was fine."),
        ("Kovacs said Anna Marsh was wrong.", "Anna Marsh was wrong", "Anna Marsh was wrong."),
        ("Kovacs asked whether it was over?", "whether it was over?", "whether it was over?"),
        (
            "Kovacs said the plan was “a good start.”",
            "the plan was “a good start.”",
            "the plan was “a good start.”",
        ),
        (
            "Kovacs said the plan was “fair”, then left.",
            "the plan was “fair”",
            "the plan was “fair”.",
        ),
    ],
)
def test_cited_reported(article: str, content: str, cited: str) -> None:
    start = article.index(content)
    assert cited_reported(article, (start, start + len(content))) == cited
