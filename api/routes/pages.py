"""The journalists' pages: search, quote permalinks, speakers and articles (server-rendered)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import anyio.from_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import RowId, SearcherDep, SessionDep
from api.errors import APIError
from api.schemas import QuoteOut
from api.search import SearchQueryDep, run_search
from api.web import citation, long_date, page, query_params, search_url
from db.articles import repository as article_repo
from db.search_index import FACETS, SearchQuery
from db.speakers import repository as speaker_repo

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
    quote = article_repo.get_quote(session, quote_id)
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
def speaker_page(
    slug: str,
    request: Request,
    session: SessionDep,
    searcher: SearcherDep,
    q: Annotated[str, Query(max_length=500)] = "",
) -> HTMLResponse:
    speaker = speaker_repo.get_speaker_by_slug(session, slug)
    if speaker is None:
        raise APIError(404, f"There is no speaker {slug!r}.")
    found = None
    if q.strip():
        within = SearchQuery(q=q.strip(), speakers=[speaker.name], per_page=100)
        found = anyio.from_thread.run(run_search, searcher, within)  # a sync route's thread
    timeline = [
        QuoteOut.of(x) for x in article_repo.recent_quotes_of_speaker(session, speaker.id, 200)
    ]
    context = {
        "speaker": speaker,
        "quote_count": speaker_repo.count_speaker_quotes(session, speaker.id),
        "timeline": timeline,
        "found": found,
        "q": q,
        "long_date": long_date,
    }
    return page(request, "speaker.html", context)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(article_id: RowId, request: Request, session: SessionDep) -> HTMLResponse:
    article = article_repo.get_article(session, article_id)
    if article is None:
        raise APIError(404, f"There is no article {article_id}.")
    quotes = [QuoteOut.of(q) for q in article.quotes]
    return page(
        request, "article.html", {"article": article, "quotes": quotes, "long_date": long_date}
    )
