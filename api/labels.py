"""The words embeds show around a quote, per language (`lang=` on the embed card, oEmbed and
the widget). The labels are data, in labels.json beside this file: a language is added there
and as a member of `Lang`; tests/test_embed_lang.py checks that every language has every key.
The quote itself is never translated."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from api.schemas import StatementRef

LABELS_FILE = Path(__file__).with_name("labels.json")


class Lang(StrEnum):
    en = "en"
    fr = "fr"
    de = "de"


LABELS: dict[str, dict[str, object]] = json.loads(LABELS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class StatementLine:
    """ "First reported by Coastal Tribune on 1 May 2024, then in 2 outlets", in the pieces a
    page marks up: the lead links to the first report (unless it is this quote), the date
    goes in a <time>. `str()` is the plain line (oEmbed's blockquote, CSV)."""

    lead: str
    first_quote_id: int | None  # the first report when it is another quote, else None
    by: str
    before_date: str  # the words around the date ("on ", "am "); all three "" without one
    date: str
    after_date: str
    iso_date: str
    then: str

    def __str__(self) -> str:
        dated = f" {self.before_date}{self.date}{self.after_date}" if self.date else ""
        return f"{self.lead} {self.by}{dated}, {self.then}"


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

    def statement(self, quote_id: int, statement: StatementRef | None) -> StatementLine | None:
        """The statement line of a quote card; None unless others reported the same words
        (a quote alone, or not yet grouped, shows none)."""
        if statement is None or statement.reports < 2:
            return None
        first = statement.first_reported
        more = statement.outlets - 1
        if more > 0:
            then = self["then_in_outlet" if more == 1 else "then_in_outlets"].format(n=more)
        else:  # every report in one outlet
            then = self["reported_times"].format(n=statement.reports)
        before, after = "", ""
        if first.on is not None:
            before, _, after = self["first_reported_on"].partition("{date}")
        return StatementLine(
            lead=self["first_reported"],
            first_quote_id=None if first.quote_id == quote_id else first.quote_id,
            by=self["first_reported_by"].format(outlet=first.outlet or self["unnamed_outlet"]),
            before_date=before,
            date=self.date(first.on),
            after_date=after,
            iso_date=first.on.isoformat() if first.on else "",
            then=then,
        )

    def title(self, speaker: str | None, paraphrase: bool) -> str:
        """'Quote by Anna Kovacs', 'Paraphrase of …': the iframe's and oEmbed's title."""
        name = speaker or self["unattributed"]
        return self["paraphrase_of" if paraphrase else "quote_by"].format(speaker=name)


ENGLISH = Labels(Lang.en)  # our own pages' and the CSV export's language
