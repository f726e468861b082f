"""The words embeds show around a quote, per language (`lang=` on the embed card, oEmbed and
the widget). The labels are data, in labels.json beside this file: a language is added there
and as a member of `Lang`; tests/test_embed_lang.py checks that every language has every key.
The quote itself is never translated."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path

LABELS_FILE = Path(__file__).with_name("labels.json")


class Lang(StrEnum):
    en = "en"
    fr = "fr"
    de = "de"


LABELS: dict[str, dict[str, object]] = json.loads(LABELS_FILE.read_text(encoding="utf-8"))


class Labels:
    """One language's labels: `labels["quote"]`, `labels.date(day)`, `labels.by(...)`."""

    def __init__(self, lang: Lang):
        self.lang = lang
        self._words = LABELS[lang.value]

    def __getitem__(self, key: str) -> str:
        value = self._words[key]
        assert isinstance(value, str)
        return value

    def date(self, day: date | str | None) -> str:
        """'6 May 2024', '6 mai 2024', '6. Mai 2024'."""
        if day is None:
            return ""
        if isinstance(day, str):
            day = date.fromisoformat(day)
        months = self._words["months"]
        assert isinstance(months, list)
        return self["date"].format(day=day.day, month=months[day.month - 1], year=day.year)

    def title(self, speaker: str | None, paraphrase: bool) -> str:
        """'Quote by Anna Kovacs', 'Paraphrase of …': the iframe's and oEmbed's title."""
        name = speaker or self["unattributed"]
        return self["paraphrase_of" if paraphrase else "quote_by"].format(speaker=name)
