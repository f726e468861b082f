"""The article this project started from: every direct and mixed quote with its speaker."""

from __future__ import annotations

import json
from datetime import date

from indexer.extract import extract_quotes
from indexer.sources import read_articles
from tests.conftest import shared_path


def _seed():
    folder = shared_path("samples", "seed")
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    [item] = list(read_articles([str(folder / "article.txt")]))
    file_text = (folder / "article.txt").read_text(encoding="utf-8")
    quotes = extract_quotes(item.article.text, date(2022, 4, 23))
    return expected, file_text, item.offset, quotes


def _found(expected_quote: dict, file_text: str, offset: int, quotes: list) -> object | None:
    start = expected_quote["offset"]
    end = start + len(expected_quote["contains"])
    assert file_text[start:end] == expected_quote["contains"]
    for quote in quotes:
        if quote.start + offset <= start and end <= quote.end + offset:
            return quote
    return None


def test_all_direct_and_mixed_quotes_with_their_speakers() -> None:
    expected, file_text, offset, quotes = _seed()
    assert len(expected["quotes"]) == 8
    for wanted in expected["quotes"]:
        quote = _found(wanted, file_text, offset, quotes)
        assert quote is not None, f"missing: {wanted['contains']}"
        assert quote.speaker == wanted["speaker"], wanted["contains"]
        assert quote.type == wanted["type"], wanted["contains"]


def test_reported_speech_is_found_too() -> None:
    expected, file_text, offset, quotes = _seed()
    found = [
        w
        for w in expected["indirect"]
        if (q := _found(w, file_text, offset, quotes)) and q.speaker == w["speaker"]
    ]
    assert len(found) >= 5, [w["contains"] for w in expected["indirect"] if w not in found]


def test_speaker_aliases_and_description() -> None:
    _, _, _, quotes = _seed()
    zelensky = next(q for q in quotes if q.speaker == "Volodymyr Zelensky")
    assert "Zelensky" in zelensky.speaker_aliases
    assert zelensky.speaker_description == "Ukrainian President"
