"""Storing and deleting articles with their quotes, each in one transaction with its outbox
events, and carrying the change to the search index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.articles import repository
from db.articles.writer import ArticleWithQuotes, write_articles
from db.index_sync.outbox import enqueue
from db.index_sync.service import SyncResult, drain_outbox
from db.records import ArticleIn, QuoteDraft
from db.search_index import SearchIndex
from db.session import transaction
from db.speakers.service import SpeakerCache
from db.vocabulary import StoreStatus

STORE_ATTEMPTS = 3


@dataclass
class StoreResult:
    article_id: int
    status: StoreStatus
    quote_ids: list[int]
    sync: SyncResult | None = None

    @property
    def pending(self) -> int:
        """Quote changes waiting for the index: after a drain, all of them; without one,
        those this store queued (none for an unchanged article)."""
        if self.sync:
            return self.sync.pending
        return 0 if self.status == StoreStatus.unchanged else len(self.quote_ids)


def store_articles(
    factory: sessionmaker[Session], batch: Sequence[ArticleWithQuotes], cache: SpeakerCache
) -> list[StoreResult]:
    """Store a batch of articles in one transaction (see `writer.write_articles`).

    Writers of the same article (URL or content) take turns on its lock, so exactly one
    version wins and its quotes alone remain. Two writers may create the same new speaker at
    the same moment; the loser's transaction fails on the unique key and is retried, then
    finds the winner's record. A cached speaker merged away meanwhile fails it too, so the
    retry starts with the cache cleared.
    """
    attempt = 1
    while True:
        try:
            with transaction(factory) as session:
                repository.lock_article_keys(session, _article_keys(batch))
                stored = write_articles(session, batch, cache)
        except IntegrityError:
            cache.forget()
            if attempt >= STORE_ATTEMPTS:
                raise
            attempt += 1
            continue
        except BaseException:
            cache.rollback()
            raise
        cache.commit()
        return [StoreResult(s.article_id, s.status, s.quote_ids) for s in stored]


def _article_keys(batch: Sequence[ArticleWithQuotes]) -> list[str]:
    """What identifies the batch's articles: each URL and each content hash."""
    keys = [article.content_hash() for article, _ in batch]
    return keys + [f"url:{article.url}" for article, _ in batch if article.url]


def store_article(
    factory: sessionmaker[Session], article: ArticleIn, quotes: Sequence[QuoteDraft]
) -> StoreResult:
    """Store one article: unchanged if known, its quotes replaced if its URL is."""
    [result] = store_articles(factory, [(article, quotes)], SpeakerCache())
    return result


def store_and_index(
    factory: sessionmaker[Session],
    index: SearchIndex,
    article: ArticleIn,
    quotes: Sequence[QuoteDraft],
    lock_timeout: float | None = None,
) -> StoreResult:
    """Store, then drain the outbox at once; on an index failure the events simply wait (see
    `drain_outbox` for `lock_timeout`)."""
    result = store_article(factory, article, quotes)
    result.sync = drain_outbox(factory, index, lock_timeout=lock_timeout)
    return result


def delete_article(
    factory: sessionmaker[Session],
    index: SearchIndex,
    article_id: int,
    lock_timeout: float | None = None,
) -> tuple[list[int], SyncResult] | None:
    """Delete an article and its quotes from PostgreSQL, then from the index; None if absent."""
    with transaction(factory) as session:
        removed = repository.delete_article(session, article_id)
        if removed is not None:
            enqueue(session, removed)
    if removed is None:
        return None
    return removed, drain_outbox(factory, index, lock_timeout=lock_timeout)
