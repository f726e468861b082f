"""Search: a validated query to Meilisearch, its documents to typed hits. No SQL per hit."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from pydantic import Field

from api.errors import APIError
from api.schemas import ArticleRef, SearchHit, SearchResult, SpeakerRef
from api.security import limit_search
from db.records import HIGHLIGHT_POST, HIGHLIGHT_PRE, LOW_CONFIDENCE
from db.search_index import FACETS, AsyncSearcher, QuoteHit, SearchQuery


def highlight_html(formatted: str) -> str:
    """Escape everything, then turn the private highlight markers into <mark> tags."""
    return (
        html.escape(formatted, quote=True)
        .replace(HIGHLIGHT_PRE, "<mark>")
        .replace(HIGHLIGHT_POST, "</mark>")
    )


def hit_from_document(doc: QuoteHit) -> SearchHit:
    formatted = doc.get("_formatted") or {}
    speaker = None
    if doc.get("speaker_id") is not None and doc.get("speaker"):
        speaker = SpeakerRef(
            id=doc["speaker_id"], name=doc["speaker"], slug=doc.get("speaker_slug")
        )
    return SearchHit(
        id=doc["id"],
        text=doc["text"],
        type=doc["type"],
        speaker=speaker,
        article=ArticleRef(
            id=doc["article_id"],
            title=doc["article_title"],
            url=doc.get("article_url"),
            outlet=doc.get("outlet"),
            published_at=doc.get("published_at"),
        ),
        said_on=doc.get("said_on"),
        context=doc.get("context") or "",
        confidence=doc.get("confidence", 0.0),
        low_confidence=doc.get("confidence", 0.0) < LOW_CONFIDENCE,
        highlight=highlight_html(formatted.get("text", doc["text"])),
    )


async def run_search(searcher: AsyncSearcher, query: SearchQuery) -> SearchResult:
    """One search, served from the index alone."""
    raw = await searcher.search(query)
    distribution = raw.get("facetDistribution") or {}
    facets = {name: dict(distribution.get(name, {})) for name in query.facets}
    return SearchResult(
        hits=[hit_from_document(doc) for doc in raw.get("hits", [])],
        total=raw.get("totalHits", raw.get("estimatedTotalHits", 0)),
        page=query.page,
        per_page=query.per_page,
        facets=facets,
    )


MAX_Q = 500
MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 10_000
MAX_FILTER_VALUES = 20


_KNOWN_PARAMS = {
    "q",
    "speaker",
    "outlet",
    "type",
    "year",
    "from",
    "to",
    "sort",
    "page",
    "per_page",
    "facet",
    "partial",
}


async def search_query(
    request: Request,
    _limited: Annotated[None, Depends(limit_search)],
    q: Annotated[str, Query(max_length=MAX_Q, description="Words to find.")] = "",
    speaker: Annotated[list[str], Query(description="Speaker name; repeat for OR.")] = [],  # noqa: B006
    outlet: Annotated[list[str], Query(description="Outlet; repeat for OR.")] = [],  # noqa: B006
    type_: Annotated[
        list[Literal["direct", "mixed", "indirect"]],
        Query(alias="type", description="Quote type; repeat for OR."),
    ] = [],  # noqa: B006
    year: Annotated[
        list[Annotated[int, Field(ge=1, le=9999)]], Query(description="Year said; repeat for OR.")
    ] = [],  # noqa: B006
    date_from: Annotated[date | None, Query(alias="from", description="Said on or after.")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="Said on or before.")] = None,
    sort: Annotated[
        Literal["relevance", "date", "-date"] | None,
        Query(description="relevance (default with q), date, -date (newest first)"),
    ] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
    facet: Annotated[
        list[str],
        Query(description=f"Facet counts to return ({', '.join(FACETS)}); default all."),
    ] = [],  # noqa: B006
) -> SearchQuery:
    """The validated search from query parameters, shared by the API, CSV export and page.

    Unknown parameters and facet names are refused rather than ignored, so a typo such as
    `spekaer=` cannot silently return everything.
    """
    unknown = sorted(set(request.query_params) - _KNOWN_PARAMS)
    if unknown:
        raise APIError(400, f"unknown search parameter(s): {', '.join(unknown)}")
    bad_facets = sorted(set(facet) - set(FACETS))
    if bad_facets:
        raise APIError(400, f"unknown facet(s) {', '.join(bad_facets)}; known: {', '.join(FACETS)}")
    for name, values in (("speaker", speaker), ("outlet", outlet), ("year", year)):
        if len(values) > MAX_FILTER_VALUES:
            raise APIError(400, f"at most {MAX_FILTER_VALUES} {name} values")
    if page * per_page > MAX_RESULT_WINDOW:
        raise APIError(
            400,
            f"results beyond the first {MAX_RESULT_WINDOW} cannot be paged to; "
            "narrow the search with filters",
        )
    if date_from and date_to and date_from > date_to:
        raise APIError(400, "`from` is after `to`")
    query = SearchQuery(
        q=q.strip(),
        speakers=speaker,
        outlets=outlet,
        types=type_,
        years=year,
        date_from=date_from,
        date_to=date_to,
        sort=None if sort == "relevance" and not q.strip() else sort,
        page=page,
        per_page=per_page,
        facets=list(dict.fromkeys(facet)) or list(FACETS),
    )
    if sort == "relevance":
        query.sort = "relevance"
    return query


SearchQueryDep = Annotated[SearchQuery, Depends(search_query)]

CSV_COLUMNS = (
    "id",
    "text",
    "type",
    "speaker",
    "said_on",
    "outlet",
    "article_title",
    "article_url",
    "confidence",
    "context",
)


async def csv_lines(searcher: AsyncSearcher, query: SearchQuery) -> AsyncIterator[str]:
    """Every hit of a search as CSV lines, fetched page by page so memory stays flat."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for page in range(1, MAX_RESULT_WINDOW // MAX_PER_PAGE + 1):
        raw = await searcher.search(replace(query, page=page, per_page=MAX_PER_PAGE, facets=[]))
        for doc in raw.get("hits", []):
            writer.writerow([_csv_safe(doc.get(column)) for column in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if page >= raw.get("totalPages", 0):
            return


def _csv_safe(value: object) -> object:
    """Spreadsheets run cells starting with = + - @ as formulas; a quote is never a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
