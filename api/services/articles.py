"""Articles through the API: store one (extract, write, queue for the index) and delete one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from db.articles import repository as article_repo
from db.articles import service as article_service
from db.models import Article
from db.records import ArticleIn, QuoteDraft
from db.search_index import SearchIndex
from db.vocabulary import StoreStatus

Extractor = Callable[[str, date | None], Sequence[QuoteDraft]]
"""Article text and publication date in, quotes out (the indexer's, found by entry point)."""


@dataclass
class StoredArticle:
    """An article as it is now stored, and what storing it did."""

    article: Article
    status: StoreStatus
    pending_index: int  # quote changes still waiting for the index


def store_article(
    factory: sessionmaker[Session],
    session: Session,
    extract: Extractor,
    body: ArticleIn,
) -> StoredArticle | None:
    """Extract the article's quotes, store both, and read the article back.

    Nothing waits for Meilisearch: the quotes wait in the outbox (`pending_index`) for the
    index worker, which the caller wakes. None if the article was deleted between storing
    and reading it back.
    """
    quotes = extract(body.text, body.published_at)
    result = article_service.store_article(factory, body, quotes)
    article = article_repo.get_article(session, result.article_id)
    if article is None:
        return None
    return StoredArticle(article, result.status, result.pending)


@dataclass
class DeletedArticle:
    quotes_removed: int
    pending_index: int


def delete_article(
    factory: sessionmaker[Session], index: SearchIndex, article_id: int, index_timeout: float
) -> DeletedArticle | None:
    """Delete from PostgreSQL, then from the index (or leave that to the index worker after
    `index_timeout` seconds); None if there is no such article."""
    deleted = article_service.delete_article(
        factory, index.with_timeout(index_timeout), article_id, lock_timeout=index_timeout
    )
    if deleted is None:
        return None
    removed, sync = deleted
    return DeletedArticle(quotes_removed=len(removed), pending_index=sync.pending)
