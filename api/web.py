"""What the HTML pages share: templates, security headers, dates and citations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.schemas import SearchHit
from db.records import http_url

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
EMBED_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors *"
QUOTE_MARKS = "\"“”«»„'‘’ "


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


def citation(hit: SearchHit) -> str:
    """'“…,” Volodymyr Zelensky said on 23 April 2022 (Outlet).' for pasting into copy."""
    speaker = hit.speaker.name if hit.speaker else "An unnamed source"
    when = f" on {long_date(hit.said_on)}" if hit.said_on else ""
    source = hit.article.outlet or hit.article.title
    words = hit.text.strip().strip(QUOTE_MARKS).rstrip(",.;: ").strip(QUOTE_MARKS)
    if hit.type == "direct":
        return f"“{words},” {speaker} said{when} ({source})."
    return f"{speaker} said{when} that {words} ({source})."
