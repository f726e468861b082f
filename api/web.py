"""What the HTML pages share: templates, security headers and the helpers templates call."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.citations import citation, long_date
from api.labels import ENGLISH, Labels, StatementLine
from api.schemas import QuoteOut, SearchHit
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


def type_label(quote_type: str) -> str:
    """What a card calls it: reported speech is a paraphrase, never shown as a quotation."""
    return "paraphrase" if quote_type == QuoteType.indirect else "quote"


def statement_line(
    quote: QuoteOut | SearchHit, labels: Labels | None = None
) -> StatementLine | None:
    """A card's statement line, in the embed's language or our pages' English."""
    return (labels or ENGLISH).statement(quote.id, quote.statement)


TEMPLATES.env.globals.update(
    citation=citation, long_date=long_date, statement_line=statement_line, type_label=type_label
)
