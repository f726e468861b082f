"""Ingest: sources → extraction → PostgreSQL (with outbox events) → Meilisearch in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db import ingest
from db.repositories import StoreStatus
from db.search_index import SearchIndex
from indexer.extract import extract_quotes
from indexer.sources import SourceArticle, SourceError

SYNC_EVERY = 200  # articles between index pushes: large batches, bounded pending backlog


@dataclass
class IngestSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    quotes: int = 0
    indexed: int = 0
    pending: int = 0
    index_error: str | None = None
    errors: list[SourceError] = field(default_factory=list)

    def line(self) -> str:
        parts = [
            f"articles: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.refused} refused",
            f"quotes stored: {self.quotes}",
        ]
        if self.pending:
            parts.append(
                f"{self.pending} quotes wait for the search index (they follow when it is back: "
                "`onrecord serve` drains them, or run `onrecord sync`)"
            )
        else:
            parts.append("all searchable")
        return "; ".join(parts)


def ingest_articles(
    items: Iterable[SourceArticle | SourceError],
    factory: sessionmaker[Session],
    index: SearchIndex,
    batch_size: int = 1000,
    on_item: Callable[[SourceArticle | SourceError, str], None] | None = None,
) -> IngestSummary:
    """Store every article (with its outbox events, one transaction each) and drain the outbox
    to the index every SYNC_EVERY articles and at the end."""
    summary = IngestSummary()
    since_sync = 0
    for item in items:
        if isinstance(item, SourceError):
            summary.refused += 1
            summary.errors.append(item)
            if on_item:
                on_item(item, "refused")
            continue
        try:
            quotes = extract_quotes(item.article.text, item.article.published_at)
            result = ingest.store(factory, item.article, quotes)
        except OperationalError:
            raise  # PostgreSQL is gone: stop the run, nothing of this article was written
        except SQLAlchemyError as exc:
            error = SourceError(item.origin, f"not stored: {_short(exc)}")
            summary.refused += 1
            summary.errors.append(error)
            if on_item:
                on_item(error, "refused")
            continue
        status = result.status
        if status == StoreStatus.new:
            summary.new += 1
        elif status == StoreStatus.updated:
            summary.updated += 1
        else:
            summary.unchanged += 1
        if status != StoreStatus.unchanged:
            summary.quotes += len(result.quote_ids)
            since_sync += 1
        if on_item:
            on_item(item, status.value)
        if since_sync >= SYNC_EVERY:
            _sync(factory, index, batch_size, summary)
            since_sync = 0
    _sync(factory, index, batch_size, summary)
    return summary


def _sync(
    factory: sessionmaker[Session], index: SearchIndex, batch_size: int, summary: IngestSummary
) -> None:
    result = ingest.drain_outbox(factory, index, batch_size)
    summary.indexed += result.indexed
    summary.pending = result.pending
    summary.index_error = result.error


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300]
