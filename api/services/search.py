"""Searching the index: its documents to typed hits with safe highlights, and CSV export.

Served from Meilisearch alone: no SQL per hit.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from api.schemas import ArticleRef, Evidence, SearchHit, SearchResult, SpeakerRef
from db.records import HIGHLIGHT_POST, HIGHLIGHT_PRE, LOW_CONFIDENCE
from db.search_index import AsyncSearcher, SearchQuery

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
)


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
    return SearchResult(
        hits=[hit_from_document(doc) for doc in raw.get("hits", [])],
        total=raw.get("totalHits", raw.get("estimatedTotalHits", 0)),
        page=query.page,
        per_page=query.per_page,
        facets=facets,
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
