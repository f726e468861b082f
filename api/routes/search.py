"""Search over the index: JSON for clients, CSV and JSON Lines for exports; one set of
parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from api import errors
from api.deps import BaseUrlDep, SearcherDep
from api.pagination import link_header, search_links
from api.schemas import SearchResult
from api.search_params import SearchParamsDep
from api.security import EXPORT_SEARCHES, limit_export
from api.services.alerts import search_feed
from api.services.atom import ATOM_TYPE
from api.services.search import (
    MAX_RESULT_WINDOW,
    QuoteUrl,
    csv_lines,
    jsonl_lines,
    linked,
    run_search,
)

router = APIRouter(tags=["search"], responses=errors.responses(400, 401, 422, 429, 503))

_EXPORT = "Every matching quote, streamed: in date order all of them, by relevance the first "
_EXPORT += "10,000. Page parameters are ignored. Each export counts as "
_EXPORT += f"{EXPORT_SEARCHES} searches against the search rate limit."


def quote_urls(request: Request) -> QuoteUrl:
    """Quote id → absolute permalink, with the route table walked once per request."""
    base = str(request.url_for("quote_page", quote_id=0)).removesuffix("0")
    return lambda quote_id: f"{base}{quote_id}"


@router.get("/v1/search", response_model=SearchResult)
async def search_quotes(
    request: Request, response: Response, searcher: SearcherDep, params: SearchParamsDep
) -> SearchResult:
    """Full-text and faceted quote search. Different filters AND, repeated values OR.

    `Link` gives the `next` and `prev` pages; in date order `next_cursor` (and `Link` past
    the 10,000th hit) continues beyond what pages reach.
    """
    result = linked(await run_search(searcher, params.query()), quote_urls(request))
    links = search_links(
        request.url,
        params.page,
        params.per_page,
        result.total,
        result.next_cursor,
        MAX_RESULT_WINDOW,
    )
    if links:
        response.headers["Link"] = link_header(links)
    return result


@router.get(
    "/v1/search.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The matching quotes as CSV."}},
    description=_EXPORT,
    dependencies=[Depends(limit_export)],
)
async def export_search_csv(
    request: Request,
    searcher: SearcherDep,
    params: SearchParamsDep,
    bom: Annotated[
        bool, Query(description="Start with a UTF-8 byte-order mark (for Excel).")
    ] = False,
) -> StreamingResponse:
    """The search as CSV."""
    return StreamingResponse(
        csv_lines(searcher, params.query(), quote_urls(request), bom=bom),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="onrecord-quotes.csv"'},
    )


@router.get(
    "/v1/search.jsonl",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"application/jsonl": {}},
            "description": "The matching quotes as JSON Lines: one hit as in /v1/search a line.",
        }
    },
    description=_EXPORT,
    dependencies=[Depends(limit_export)],
)
async def export_search_jsonl(
    request: Request, searcher: SearcherDep, params: SearchParamsDep
) -> StreamingResponse:
    """The search as JSON Lines."""
    return StreamingResponse(
        jsonl_lines(searcher, params.query(), quote_urls(request)),
        media_type="application/jsonl",
        headers={"Content-Disposition": 'attachment; filename="onrecord-quotes.jsonl"'},
    )


@router.get(
    "/v1/search.atom",
    response_class=Response,
    responses={200: {"content": {ATOM_TYPE: {}}, "description": "The search's Atom 1.0 feed."}},
)
async def search_feed_atom(
    request: Request, searcher: SearcherDep, params: SearchParamsDep, base_url: BaseUrlDep
) -> Response:
    """The search as an Atom feed for feed readers: its newest quotes (50, or `per_page`),
    one entry each with speaker, words, date said, source link and permalink."""
    body = await search_feed(searcher, params, quote_urls(request), base_url, str(request.url))
    return Response(
        body,
        media_type=f"{ATOM_TYPE}; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )
