"""Quotes as a journalist cites them, in each style we offer: one module for cards, the
permalink page and the API's `citation`/`citations`."""

from __future__ import annotations

import re
from datetime import date

from api.schemas import Citations, QuoteOut, Resolution, SearchHit
from db.vocabulary import CitationStyle, QuoteType

# a final full stop (or comma, semicolon, colon), inside a closing single mark or not
_SENTENCE_END = re.compile(r"[.,;:]+(’?)$")
_ENDS_ASKING = re.compile(r"[?!…]$")
_FIRST_PERSON = re.compile(r"(?:I|[Ww]e|[Mm]y|[Oo]ur|[Mm]e|[Uu]s)\b")
_ARTICLES = {"the", "a", "an", "one", "another"}
# AP style abbreviates these months before a day; March to July are always spelt out.
_AP_MONTHS = {1: "Jan.", 2: "Feb.", 8: "Aug.", 9: "Sept.", 10: "Oct.", 11: "Nov.", 12: "Dec."}

Quote = SearchHit | QuoteOut


def as_date(day: date | str) -> date:
    return date.fromisoformat(day) if isinstance(day, str) else day


def long_date(day: date | str | None) -> str:
    """'4 May 2024': how our pages and plain citations give a date."""
    if day is None:
        return ""
    day = as_date(day)
    return f"{day.day} {day:%B %Y}"


def ap_date(day: date | str) -> str:
    """'Sept. 4, 2024', 'May 4, 2024': the AP Stylebook's form of a full date."""
    day = as_date(day)
    return f"{_AP_MONTHS.get(day.month, f'{day:%B}')} {day.day}, {day.year}"


def citation(
    quote: Quote, style: CitationStyle = CitationStyle.plain, permalink: str = ""
) -> str | None:
    """A sentence to paste into copy, or None when none can be formed honestly.

    Quotes: '“The harbour will reopen,” Anna Kovacs said on 4 May 2024 (Outlet).' — the cited
    words (nested quotations already in ‘ ’) in one pair of curly marks, their final full stop
    handed over as a comma. Paraphrase: 'Anna Kovacs said on 4 May 2024 that the harbour would
    reopen (Outlet).' — the clause as written; none when it speaks in the first person ("X
    said that I …" would make the reporter's words the speaker's). AP style dates the quote
    "May 4, 2024" and credits the outlet with "according to"; the link style is the plain one
    followed by the quote's permalink.
    """
    words = quote.cited.strip()
    if not words:
        return None
    source = quote.article.outlet or quote.article.title
    if style == CitationStyle.ap:
        when = f" {ap_date(quote.said_on)}" if quote.said_on else ""
        credit = f", according to {source}."
    else:
        when = f" on {long_date(quote.said_on)}" if quote.said_on else ""
        credit = f" ({source})."
    if quote.type == QuoteType.indirect:
        clause = _SENTENCE_END.sub(r"\1", words)
        if _FIRST_PERSON.match(clause):
            return None
        speaker = _speaker_phrase(quote, opens_sentence=True)
        if style == CitationStyle.ap and when:
            when += ","  # AP sets a full date off with commas: "said May 4, 2024, that"
        text = f"{speaker} said{when} that {clause}{credit}"
    else:
        speaker = _speaker_phrase(quote, opens_sentence=False)
        text = f"“{_handed_over(words)}” {speaker} said{when}{credit}"
    if style == CitationStyle.link and permalink:
        text = f"{text} {permalink}"
    return text


def citations(quote: Quote, permalink: str) -> Citations | None:
    """The quote in every style, or None when it cannot be cited honestly."""
    plain = citation(quote, CitationStyle.plain, permalink)
    if plain is None:
        return None
    return Citations(
        plain=plain,
        ap=citation(quote, CitationStyle.ap, permalink) or plain,
        link=citation(quote, CitationStyle.link, permalink) or plain,
    )


def with_links(hit: SearchHit, permalink: str) -> SearchHit:
    """The hit with its permalink and citations filled in (what every API answer carries)."""
    hit.permalink = permalink
    hit.citations = citations(hit, permalink)
    hit.citation = hit.citations.plain if hit.citations else None
    return hit


def _handed_over(words: str) -> str:
    """The words as they stand before "X said": a final full stop becomes a comma, inside a
    closing nested mark when there is one ("called it ‘a sham,’"); ? ! … stay."""
    closing = "’" if words.endswith("’") and "‘" in words else ""
    body = words[: len(words) - len(closing)]
    if not _ENDS_ASKING.search(body):
        body = body.rstrip(".,;: ") + ","
    return body + closing


def _speaker_phrase(quote: Quote, opens_sentence: bool) -> str:
    """The speaker's name; an unnamed source as the text describes it ("a senior official")."""
    evidence = quote.evidence
    if evidence.resolution == Resolution.description and evidence.mention:
        first, _, rest = evidence.mention.partition(" ")
        if first.lower() in _ARTICLES:
            first = first.lower()
        phrase = f"{first} {rest}".strip()
    elif quote.speaker:
        return quote.speaker.name
    else:
        phrase = "an unnamed source"
    return phrase[:1].upper() + phrase[1:] if opens_sentence else phrase
