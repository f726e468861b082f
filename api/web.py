"""What the HTML pages share: templates, security headers, dates and citations."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.schemas import QuoteOut, Resolution, SearchHit
from db.records import http_url
from db.vocabulary import QuoteType

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
# `{{ url | http_url }}`: an article's link only when it is http(s) (rows stored before URLs
# were checked may hold anything).
TEMPLATES.env.filters["http_url"] = http_url
STATIC_DIR = Path(__file__).parent / "static"

# Our pages run only our own script and styles, and may not be framed; embeds may be.
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The embed card runs one script of ours: embed.js, which reports the card's height.
EMBED_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; base-uri 'none'; "
    "frame-ancestors *"
)


def page(
    request: Request, template: str, context: dict, status: int = 200, csp: str = PAGE_CSP
) -> HTMLResponse:
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status)
    response.headers["Content-Security-Policy"] = csp
    return response


def long_date(day: date | str | None) -> str:
    if day is None:
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.day} {day:%B %Y}"


# a final full stop (or comma, semicolon, colon), inside a closing single mark or not
_SENTENCE_END = re.compile(r"[.,;:]+(’?)$")
_ENDS_ASKING = re.compile(r"[?!…]$")
_FIRST_PERSON = re.compile(r"(?:I|[Ww]e|[Mm]y|[Oo]ur|[Mm]e|[Uu]s)\b")
_ARTICLES = {"the", "a", "an", "one", "another"}


def type_label(quote_type: str) -> str:
    """What a card calls it: reported speech is a paraphrase, never shown as a quotation."""
    return "paraphrase" if quote_type == QuoteType.indirect else "quote"


def citation(quote: SearchHit | QuoteOut) -> str | None:
    """A sentence to paste into copy, or None when none can be formed honestly.

    Quotes: '“The harbour will reopen,” Anna Kovacs said on 4 May 2024 (Outlet).' — the cited
    words (nested quotations already in ‘ ’) in one pair of curly marks, their final full stop
    handed over as a comma. Paraphrase: 'Anna Kovacs said on 4 May 2024 that the harbour would
    reopen (Outlet).' — the clause as written; none when it speaks in the first person ("X
    said that I …" would make the reporter's words the speaker's).
    """
    words = quote.cited.strip()
    if not words:
        return None
    when = f" on {long_date(quote.said_on)}" if quote.said_on else ""
    source = quote.article.outlet or quote.article.title
    if quote.type == QuoteType.indirect:
        clause = _SENTENCE_END.sub(r"\1", words)
        if _FIRST_PERSON.match(clause):
            return None
        speaker = _speaker_phrase(quote, opens_sentence=True)
        return f"{speaker} said{when} that {clause} ({source})."
    speaker = _speaker_phrase(quote, opens_sentence=False)
    return f"“{_handed_over(words)}” {speaker} said{when} ({source})."


def _handed_over(words: str) -> str:
    """The words as they stand before "X said": a final full stop becomes a comma, inside a
    closing nested mark when there is one ("called it ‘a sham,’"); ? ! … stay."""
    closing = "’" if words.endswith("’") and "‘" in words else ""
    body = words[: len(words) - len(closing)]
    if not _ENDS_ASKING.search(body):
        body = body.rstrip(".,;: ") + ","
    return body + closing


def _speaker_phrase(quote: SearchHit | QuoteOut, opens_sentence: bool) -> str:
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


TEMPLATES.env.globals.update(citation=citation, type_label=type_label)
