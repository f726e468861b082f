"""The journalists' pages: search, quote permalinks, speakers and articles (server-rendered)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.deps import RowId, SearcherDep, SessionDep
from api.errors import APIError
from api.schemas import QuoteOut
from api.search import SearchQueryDep, run_search
from api.services.speakers import speaker_profile
from api.web import citation, long_date, page, query_params, search_url
from db import repositories
from db.search_index import FACETS, SearchQuery

router = APIRouter(include_in_schema=False)

FACET_LABELS = {"speaker": "Speaker", "outlet": "Outlet", "type": "Quote type", "year": "Year"}


@router.get("/", response_class=HTMLResponse)
async def search_page(
    request: Request,
    searcher: SearcherDep,
    query: SearchQueryDep,
    partial: Annotated[bool, Query(description="Only the results, for live search.")] = False,
) -> HTMLResponse:
    result = await run_search(searcher, query)
    params = query_params(query)
    selected = set(params)
    facets = [
        (
            name,
            FACET_LABELS[name],
            [
                (
                    value,
                    count,
                    (name, value) in selected,
                    search_url("/", params, toggle=(name, value)),
                )
                for value, count in result.facets.get(name, {}).items()
            ],
        )
        for name in FACETS
    ]
    pages = max(1, -(-result.total // query.per_page))
    context = {
        "query": query,
        "result": result,
        "facets": facets,
        "citations": {hit.id: citation(hit) for hit in result.hits},
        "long_date": long_date,
        "page_count": min(pages, 10_000 // query.per_page),
        "prev_url": search_url("/", params, page=query.page - 1) if query.page > 1 else None,
        "next_url": search_url("/", params, page=query.page + 1) if query.page < pages else None,
        "export_query": search_url("", params),
        "selected": [
            (name, value, search_url("/", params, toggle=(name, value)))
            for name, value in params
            if name in FACETS
        ],
    }
    return page(request, "_results.html" if partial else "search.html", context)


@router.get("/quotes/{quote_id}", response_class=HTMLResponse)
def quote_page(quote_id: RowId, request: Request, session: SessionDep) -> HTMLResponse:
    quote = repositories.get_quote(session, quote_id)
    if quote is None:
        raise APIError(404, f"There is no quote {quote_id}.")
    out = QuoteOut.of(quote)
    permalink = str(request.url_for("quote_page", quote_id=quote_id))
    context = {
        "quote": out,
        "permalink": permalink,
        "embed_url": str(request.url_for("embed_quote", quote_id=quote_id)),
        "oembed_url": f"{request.url_for('oembed')}?{urlencode({'url': permalink})}",
        "long_date": long_date,
    }
    return page(request, "quote.html", context)


@router.get("/speakers/{slug}", response_class=HTMLResponse)
async def speaker_page(
    slug: str,
    request: Request,
    session: SessionDep,
    searcher: SearcherDep,
    q: Annotated[str, Query(max_length=500)] = "",
) -> HTMLResponse:
    """The speaker, their timeline and, with `q`, a search within their quotes.

    Async for the search; the database part runs in the thread pool, as a sync route would.
    """
    profile = await run_in_threadpool(speaker_profile, session, slug)
    if profile is None:
        raise APIError(404, f"There is no speaker {slug!r}.")
    found = None
    if q.strip():
        within = SearchQuery(q=q.strip(), speakers=[profile.speaker.name], per_page=100)
        found = await run_search(searcher, within)
    context = {
        "speaker": profile.speaker,
        "quote_count": profile.quote_count,
        "timeline": profile.timeline,
        "found": found,
        "q": q,
        "long_date": long_date,
    }
    return page(request, "speaker.html", context)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(article_id: RowId, request: Request, session: SessionDep) -> HTMLResponse:
    article = repositories.get_article(session, article_id)
    if article is None:
        raise APIError(404, f"There is no article {article_id}.")
    quotes = [QuoteOut.of(q) for q in article.quotes]
    return page(
        request, "article.html", {"article": article, "quotes": quotes, "long_date": long_date}
    )
