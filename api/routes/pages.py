"""The journalists' pages: search, quote permalinks, speakers and articles (server-rendered)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import og_image
from api.citations import citations
from api.deps import RowId, SearcherDep, SessionDep
from api.editors import OptionalEditor, public_page
from api.errors import APIError
from api.headers import cached
from api.schemas import ArticleLanguage, Facet, QuoteOut, SearchResult
from api.search_params import MAX_Q, SearchParamsDep, UrlParams, search_url
from api.services.corrections import active_notes
from api.services.quotes import quote_out, quotes_out
from api.services.search import MAX_RESULT_WINDOW, run_disjunctive_search, run_search
from api.services.speakers import also_see, speaker_profile
from api.web import long_date
from db.articles import repository as article_repo
from db.search_index import SearchQuery
from db.speakers import repository as speaker_repo
from db.vocabulary import CitationStyle

router = APIRouter(include_in_schema=False)

FACET_LABELS = {
    Facet.speaker: "Speaker",
    Facet.outlet: "Outlet",
    Facet.type: "Quote type",
    Facet.year: "Year",
}
CITATION_LABELS = {
    CitationStyle.plain: "Plain",
    CitationStyle.ap: "AP style",
    CitationStyle.link: "With link",
}
FacetValue = tuple[str, int, bool, str]  # value, count, selected, URL that toggles it
FacetList = tuple[Facet, str, list[FacetValue], list[FacetValue]]
FACET_SHOWN = 8  # values a facet lists at once; the rest wait behind "Show more"


@router.get("/", response_class=HTMLResponse)
async def search_page(
    request: Request,
    searcher: SearcherDep,
    params: SearchParamsDep,
    editor: OptionalEditor,
    partial: Annotated[bool, Query(description="Only the results, for live search.")] = False,
) -> Response:
    """The search page, or with `partial` only its results (what live search swaps in).
    Facets are disjunctive: picking a value keeps the facet's other values to add."""
    result = await run_disjunctive_search(searcher, params.query())
    links = params.link_params()
    pages = max(1, -(-result.total // params.per_page))
    context = {
        "query": params,
        "semantic": searcher.semantic,  # offer the match-by-meaning toggle
        "result": result,
        "facets": _facet_lists(result, links),
        "long_date": long_date,
        "page_count": min(pages, MAX_RESULT_WINDOW // params.per_page),
        "prev_url": search_url("/", links, page=params.page - 1) if params.page > 1 else None,
        "next_url": search_url("/", links, page=params.page + 1) if params.page < pages else None,
        "export_query": search_url("", links),
        "base_url": str(request.base_url).rstrip("/"),
        "selected": [
            (name, value, search_url("/", links, toggle=(name, value)))
            for name, value in links
            if name in FACET_LABELS
        ],
    }
    return public_page(request, "_results.html" if partial else "search.html", context, editor)


def _facet_lists(result: SearchResult, links: UrlParams) -> list[FacetList]:
    """Per facet: its label, the values it shows at once (the most frequent, and every
    picked one) and the rest, which the page puts behind "Show more" with a filter box."""
    selected = set(links)
    lists: list[FacetList] = []
    for facet in Facet:
        values = [
            (
                value,
                count,
                (facet.value, value) in selected,
                search_url("/", links, toggle=(facet.value, value)),
            )
            for value, count in result.facets.get(facet, {}).items()
        ]
        shown = [v for i, v in enumerate(values) if i < FACET_SHOWN or v[2]]
        lists.append((facet, FACET_LABELS[facet], shown, [v for v in values if v not in shown]))
    return lists


PERMALINK_MAX_AGE = 300  # a quote can change: caches revalidate with the ETag after this


@router.get("/quotes/{quote_id}", response_class=HTMLResponse)
def quote_page(
    quote_id: RowId, request: Request, session: SessionDep, editor: OptionalEditor
) -> Response:
    quote = article_repo.get_quote(session, quote_id)
    if quote is None:
        raise APIError(404, f"There is no quote {quote_id}.")
    out = quote_out(session, quote)
    permalink = str(request.url_for("quote_page", quote_id=quote_id))
    cited = citations(out, permalink)
    context = {
        "quote": out,
        "permalink": permalink,
        "cites": [(style, CITATION_LABELS[style], getattr(cited, style)) for style in CitationStyle]
        if cited
        else [],
        "embed_url": str(request.url_for("embed_quote", quote_id=quote_id)),
        "image_url": str(request.url_for("quote_image", quote_id=quote_id)),
        "image_size": (og_image.WIDTH, og_image.HEIGHT),
        "oembed_url": f"{request.url_for('oembed')}?{urlencode({'url': permalink})}",
        "long_date": long_date,
        "corrections": active_notes(session, quote_id=quote_id),
    }
    return public_page(request, "quote.html", context, editor, PERMALINK_MAX_AGE)


@router.get("/quotes/{quote_id}/image.png")
def quote_image(quote_id: RowId, request: Request, session: SessionDep) -> Response:
    """The permalink's Open Graph image: the quote drawn on a 1200 × 630 card (PNG)."""
    quote = article_repo.get_quote(session, quote_id)
    if quote is None:
        raise APIError(404, f"There is no quote {quote_id}.")
    _, png = og_image.IMAGES.get(og_image.card_of(QuoteOut.of(quote)))
    return cached(request, Response(png, media_type="image/png"), PERMALINK_MAX_AGE)


@router.get("/speakers/{slug}", response_class=HTMLResponse, response_model=None)
async def speaker_page(
    slug: str,
    request: Request,
    session: SessionDep,
    searcher: SearcherDep,
    editor: OptionalEditor,
    q: Annotated[str, Query(max_length=MAX_Q)] = "",
) -> Response:
    """The speaker, their timeline and, with `q`, a search within their quotes; the slug of
        a speaker merged into another (or a speaker's id) redirects (308) to the page's current
    address, so saved links keep working.

        Async for the search; the database part runs in the thread pool, as a sync route would.
    """
    profile = await run_in_threadpool(speaker_profile, session, slug)
    if profile is None:
        kept = await run_in_threadpool(speaker_repo.find_elsewhere, session, slug)
        if kept is not None:
            target = request.url_for("speaker_page", slug=kept.slug).path
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(target + query, status_code=308)
        raise APIError(404, f"There is no speaker {slug!r}.")
    found = None
    if q.strip():
        within = SearchQuery(q=q.strip(), speakers=[str(profile.speaker.id)], per_page=100)
        found = await run_search(searcher, within)
    notes = await run_in_threadpool(active_notes, session, None, profile.speaker.id)
    namesakes = await run_in_threadpool(also_see, session, profile.speaker, profile.quote_count)
    context = {
        "also_see": namesakes,
        "corrections": notes,
        "speaker": profile.speaker,
        "quote_count": profile.quote_count,
        "timeline": profile.timeline,
        "found": found,
        "q": q,
        "long_date": long_date,
    }
    return public_page(request, "speaker.html", context, editor)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(
    article_id: RowId, request: Request, session: SessionDep, editor: OptionalEditor
) -> Response:
    article = article_repo.get_article(session, article_id)
    if article is None:
        raise APIError(404, f"There is no article {article_id}.")
    quotes = quotes_out(session, list(article.quotes))
    context = {
        "article": article,
        "quotes": quotes,
        "language": ArticleLanguage.of(article.text),
        "long_date": long_date,
    }
    return public_page(request, "article.html", context, editor)
