"""Each quote records the rule it rests on and the exact offsets of its quoted parts."""

from __future__ import annotations

from indexer.extract import extract_quotes
from indexer.extract.rules import all_rules

ARTICLE = (
    "Mayor Elena Marsh opened the bridge on Monday.\n"
    '"It is a good day for the city," Marsh said. "We waited ten years.\n'
    '"And now it is done."\n'
    'She said the council had been "very patient" with the builders.\n'
    "According to the city engineer, the bridge will carry many cars a day."
)


def test_rule_names_say_pattern_and_resolution() -> None:
    rules = [q.rule for q in extract_quotes(ARTICLE)]
    assert rules == [
        "direct_cue_after:name",
        "mixed_cue_before:pronoun",
        "reported_according_to:description",
    ]
    assert set(rules) <= set(all_rules())


def test_parts_are_the_words_inside_the_marks() -> None:
    parts = [[ARTICLE[a:b] for a, b in q.parts] for q in extract_quotes(ARTICLE)]
    assert parts == [
        ["It is a good day for the city,", "We waited ten years.", "And now it is done."],
        ["very patient"],
        ["the bridge will carry many cars a day"],
    ]


def test_parts_of_one_quote_split_by_its_cue() -> None:
    text = '"The road is open," Anna Kovacs said. "The tolls are gone."'
    [quote] = extract_quotes(text)
    assert [text[a:b] for a, b in quote.parts] == ["The road is open,", "The tolls are gone."]
    assert (quote.start, quote.end) == (0, len(text))
