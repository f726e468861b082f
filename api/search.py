"""Search: a validated query to Meilisearch, its documents to typed hits. No SQL per hit."""

from __future__ import annotations

import html

from api.schemas import ArticleRef, SearchHit, SearchResult, SpeakerRef
from db.records import HIGHLIGHT_POST, HIGHLIGHT_PRE, LOW_CONFIDENCE
from db.search_index import FACETS, SearchIndex, SearchQuery


def highlight_html(formatted: str) -> str:
    """Escape everything, then turn the private highlight markers into <mark> tags."""
    return (
        html.escape(formatted, quote=True)
        .replace(HIGHLIGHT_PRE, "<mark>")
        .replace(HIGHLIGHT_POST, "</mark>")
    )


def hit_from_document(doc: dict) -> SearchHit:
    formatted = doc.get("_formatted") or {}
    speaker = None
    if doc.get("speaker_id") is not None and doc.get("speaker"):
        speaker = SpeakerRef(id=doc["speaker_id"], name=doc["speaker"])
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


def run_search(index: SearchIndex, query: SearchQuery) -> SearchResult:
    raw = index.search(query)
    distribution = raw.get("facetDistribution") or {}
    facets = {name: dict(distribution.get(name, {})) for name in FACETS}
    return SearchResult(
        hits=[hit_from_document(doc) for doc in raw.get("hits", [])],
        total=raw.get("totalHits", raw.get("estimatedTotalHits", 0)),
        page=query.page,
        per_page=query.per_page,
        facets=facets,
    )
