"""Searching the index: its documents to typed hits with safe highlights, and exports.

Served from Meilisearch alone: no SQL per hit.
"""

from __future__ import annotations

import asyncio
import csv
import html
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import orjson

from api.citations import with_links
from api.labels import ENGLISH
from api.pagination import encode_cursor
from api.schemas import (
    ArticleRef,
    Evidence,
    Facet,
    SearchHit,
    SearchResult,
    SpeakerRef,
    StatementRef,
)
from db.records import HIGHLIGHT_POST, HIGHLIGHT_PRE, LOW_CONFIDENCE
from db.search_index import AsyncSearcher, SearchCursor, SearchQuery

MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 10_000  # the index's pagination.maxTotalHits: no hit beyond it is reachable

CSV_COLUMNS = (
    "id",
    "text",
    "cited",
    "type",
    "speaker",
    "said_on",
    "outlet",
    "article_title",
    "article_url",
    "confidence",
    "mention",
    "cue",
    "rule",
    "context",
    "speaker_id",
    "published_at",
    "permalink",
    # the statement (db/statements): the cards' line, empty unless others reported the same
    # words, then its parts, filled in for every grouped quote
    "statement",
    "statement_id",
    "statement_reports",
    "statement_outlets",
    "first_reported_outlet",
    "first_reported_on",
    "first_reported_permalink",
)
UTF8_BOM = "\ufeff"  # lets Excel read the file as UTF-8 (curly quotes intact)

QuoteUrl = Callable[[int], str]  # a quote id to its permalink


def highlight_html(formatted: str) -> str:
    """Escape everything, then turn the private highlight markers into <mark> tags."""
    return (
        html.escape(formatted, quote=True)
        .replace(HIGHLIGHT_PRE, "<mark>")
        .replace(HIGHLIGHT_POST, "</mark>")
    )


def hit_from_document(doc: dict[str, Any]) -> SearchHit:
    formatted = doc.get("_formatted") or {}
    speaker = None
    if doc.get("speaker_id") is not None and doc.get("speaker"):
        speaker = SpeakerRef(
            id=doc["speaker_id"], name=doc["speaker"], slug=doc.get("speaker_slug")
        )
    return SearchHit(
        id=doc["id"],
        text=doc["text"],
        cited=_cited(doc),
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
        highlight=highlight_html(formatted.get("cited", _cited(doc))),
        evidence=Evidence.of(
            doc.get("rule"), doc.get("mention"), doc.get("cue"), doc.get("speaker")
        ),
        statement=StatementRef.from_document(doc),
    )


def _cited(doc: dict[str, Any]) -> str:
    """The cited words; documents indexed before they existed have only the source span
    (until `onrecord reindex`), so a search never fails on them."""
    return doc.get("cited") or doc["text"]


async def run_search(searcher: AsyncSearcher, query: SearchQuery) -> SearchResult:
    """One search: a page of hits, the total and the counts of the facets asked for."""
    raw = await searcher.search(query)
    distribution = raw.get("facetDistribution") or {}
    facets = {name: dict(distribution.get(name, {})) for name in query.facets}
    total = raw.get("totalHits", raw.get("estimatedTotalHits", 0))
    return SearchResult(
        hits=[hit_from_document(doc) for doc in raw.get("hits", [])],
        total=total,
        total_exact=total < MAX_RESULT_WINDOW,
        page=query.page,
        per_page=query.per_page,
        facets=facets,
        next_cursor=_next_cursor(query, raw.get("hits", []), total),
    )


# The SearchQuery field each facet's filter sets.
_FACET_FILTERS = {
    Facet.speaker: "speakers",
    Facet.outlet: "outlets",
    Facet.type: "types",
    Facet.year: "years",
}


async def run_disjunctive_search(searcher: AsyncSearcher, query: SearchQuery) -> SearchResult:
    """A search whose facet counts keep a facet's other values once one is picked
    (Meilisearch's disjunctive-facet pattern): each facet with a value picked is counted
    again without its own filter, in one hitless query per such facet, run concurrently.
    With no facet filter it costs exactly one search (and a search by meaning embeds its
    words once)."""
    query = await searcher.with_vector(query)
    picked = [f for f in _FACET_FILTERS if f in query.facets and getattr(query, _FACET_FILTERS[f])]
    recounts = [_recount(query, f) for f in picked]
    result, *others = await asyncio.gather(
        run_search(searcher, query), *(searcher.search(q) for q in recounts)
    )
    for facet, raw in zip(picked, others, strict=True):
        result.facets[facet] = dict((raw.get("facetDistribution") or {}).get(facet, {}))
    return result


def _recount(query: SearchQuery, facet: Facet) -> SearchQuery:
    """The hitless query that counts `facet` as if none of its values were picked."""
    recount = replace(query, facets=[facet], page=1, per_page=0, after=None)
    setattr(recount, _FACET_FILTERS[facet], [])
    return recount


def _next_cursor(query: SearchQuery, docs: list[dict[str, Any]], total: int) -> str | None:
    """The cursor after this page's last hit, when hits are in date order and more follow."""
    if query.date_order() is None or not docs or len(docs) < query.per_page:
        return None
    if total <= query.page * query.per_page and total < MAX_RESULT_WINDOW:
        return None  # the last page (a capped total means more may follow)
    return encode_cursor(_cursor_of(docs[-1]))


def _cursor_of(doc: dict[str, Any]) -> SearchCursor:
    return SearchCursor(said_ts=doc.get("said_ts"), id=doc["id"])


def linked(result: SearchResult, quote_url: QuoteUrl) -> SearchResult:
    """The result with each hit's permalink and citations filled in."""
    for hit in result.hits:
        with_links(hit, quote_url(hit.id))
    return result


async def export_documents(
    searcher: AsyncSearcher, query: SearchQuery
) -> AsyncIterator[dict[str, Any]]:
    """Every hit of a search, a page at a time so memory stays flat.

    In date order the walk follows a cursor and has no end but the last hit; in relevance
    order it stops at the index's 10,000-hit window.
    """
    query = await searcher.with_vector(replace(query, page=1, per_page=MAX_PER_PAGE, facets=[]))
    if query.date_order() is not None:
        while True:
            docs = (await searcher.search(query)).get("hits", [])
            for doc in docs:
                yield doc
            if len(docs) < MAX_PER_PAGE:
                return
            query = replace(query, after=_cursor_of(docs[-1]))
    for page in range(1, MAX_RESULT_WINDOW // MAX_PER_PAGE + 1):
        raw = await searcher.search(replace(query, page=page))
        for doc in raw.get("hits", []):
            yield doc
        if page >= raw.get("totalPages", 0):
            return


async def jsonl_lines(
    searcher: AsyncSearcher, query: SearchQuery, quote_url: QuoteUrl
) -> AsyncIterator[bytes]:
    """Every hit of a search as JSON Lines: one hit (as /v1/search gives it) a line."""
    lines: list[bytes] = []
    async for doc in export_documents(searcher, query):
        hit = hit_from_document(doc)
        with_links(hit, quote_url(hit.id))
        lines.append(orjson.dumps(hit.model_dump(mode="json")) + b"\n")
        if len(lines) == MAX_PER_PAGE:
            yield b"".join(lines)
            lines.clear()
    if lines:
        yield b"".join(lines)


async def csv_lines(
    searcher: AsyncSearcher, query: SearchQuery, quote_url: QuoteUrl, bom: bool = False
) -> AsyncIterator[str]:
    """Every hit of a search as CSV lines; `bom` starts with a UTF-8 byte-order mark."""
    buffer = io.StringIO()
    if bom:
        buffer.write(UTF8_BOM)
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    rows = 0
    async for doc in export_documents(searcher, query):
        cells = {**doc, "permalink": quote_url(doc["id"]), **_statement_cells(doc, quote_url)}
        writer.writerow([_csv_safe(cells.get(column)) for column in CSV_COLUMNS])
        rows += 1
        if rows % MAX_PER_PAGE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _statement_cells(doc: dict[str, Any], quote_url: QuoteUrl) -> dict[str, object]:
    """The statement columns of a hit's CSV row (none before the quote is grouped)."""
    statement = StatementRef.from_document(doc)
    if statement is None:
        return {}
    first = statement.first_reported
    return {
        "statement": str(ENGLISH.statement(doc["id"], statement) or ""),
        "first_reported_outlet": first.outlet,
        "first_reported_on": first.on,
        "first_reported_permalink": quote_url(first.quote_id),
    }


def _csv_safe(value: object) -> object:
    """Spreadsheets run cells starting with = + - @ as formulas; a quote is never a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
