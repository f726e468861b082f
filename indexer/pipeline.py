"""Ingest: sources → extraction → PostgreSQL (with outbox events) → Meilisearch in batches."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.articles.service import StoreResult, store_article, store_articles
from db.index_sync.service import drain_outbox
from db.index_sync.worker import IndexWorker
from db.language import check_english
from db.search_index import SearchIndex
from db.speakers.service import SpeakerCache
from db.vocabulary import StoreStatus
from indexer.extract import ExtractedQuote, extract_quotes
from indexer.sources import SourceArticle, SourceError

ARTICLES_PER_BATCH = 200  # one transaction and one extraction task each


@dataclass
class IngestSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    quotes: int = 0
    indexed: int = 0
    pending: int = 0
    awaiting: int = 0  # sent to the index, searchable once Meilisearch has indexed them
    index_refused: int = 0  # quotes whose document Meilisearch refused (kept out of it)
    index_error: str | None = None
    errors: list[SourceError] = field(default_factory=list)
    # Where the articles that look clearly not English came from (stored all the same).
    not_english: list[str] = field(default_factory=list)

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
        elif self.awaiting:
            parts.append(f"{self.awaiting} sent to the search index (searchable in moments)")
        else:
            parts.append("all searchable")
        if self.index_refused:
            parts.append(
                f"{self.index_refused} quotes refused by the search index (kept out of it; "
                "`onrecord check` says why)"
            )
        return "; ".join(parts)


Extracted = list[tuple[SourceArticle | SourceError, list[ExtractedQuote]]]


def _batches(
    items: Iterable[SourceArticle | SourceError], size: int
) -> Iterator[list[SourceArticle | SourceError]]:
    batch: list[SourceArticle | SourceError] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _extract_batch(batch: list[SourceArticle | SourceError]) -> Extracted:
    """Quotes of every article in a batch (runs in a worker process when jobs > 1)."""
    return [(item, []) if isinstance(item, SourceError) else _extract(item) for item in batch]


def _extract(item: SourceArticle) -> tuple[SourceArticle | SourceError, list[ExtractedQuote]]:
    """One article's quotes; an extraction that raises refuses this article, not the batch."""
    try:
        return item, extract_quotes(item.article.text, item.article.published_at)
    except Exception as exc:  # any fault in one article is that article's refusal
        return SourceError(item.origin, f"extraction failed: {type(exc).__name__}: {exc}"), []


def ingest_articles(
    items: Iterable[SourceArticle | SourceError],
    factory: sessionmaker[Session],
    index: SearchIndex,
    batch_size: int = 1000,
    on_item: Callable[[SourceArticle | SourceError, str], None] | None = None,
    jobs: int = 1,
    confirm_later: bool = False,
) -> IngestSummary:
    """Extract, store and index a stream of articles; memory stays flat in their number.

    Articles go in batches of ARTICLES_PER_BATCH: extracted (in `jobs` processes), stored in
    one transaction with COPY, and their outbox events drained to Meilisearch by a background
    worker while the next batches are extracted. A batch that cannot be stored whole (a
    database error other than an outage) is retried one article at a time, so one bad article
    is refused by name and the rest go in. With `confirm_later`, the last changes are sent
    to Meilisearch without waiting for it to index them (a later drain confirms them).
    """
    summary = IngestSummary()
    cache = SpeakerCache()
    worker = IndexWorker(factory, index, batch_size, interval=0.2)
    pool = multiprocessing.get_context("spawn").Pool(jobs) if jobs > 1 else None
    try:
        batches = _batches(items, ARTICLES_PER_BATCH)
        extracted = pool.imap(_extract_batch, batches) if pool else map(_extract_batch, batches)
        for number, batch in enumerate(extracted):
            if number == 1:  # from the second batch on, the earlier ones are indexed meanwhile
                worker.start()
            _store_batch(factory, batch, cache, summary, on_item)
    finally:
        if pool:
            pool.terminate()
        if worker.started:
            worker.stop(timeout=120)
    _sync(factory, index, batch_size, summary, confirm_later)
    return summary


def _store_batch(
    factory: sessionmaker[Session],
    batch: Extracted,
    cache: SpeakerCache,
    summary: IngestSummary,
    on_item: Callable[[SourceArticle | SourceError, str], None] | None,
) -> None:
    good = [(item, quotes) for item, quotes in batch if isinstance(item, SourceArticle)]
    try:
        results = store_articles(factory, [(i.article, q) for i, q in good], cache)
    except OperationalError:
        raise  # PostgreSQL is gone: stop the run; this batch was not written at all
    except SQLAlchemyError:
        results = None  # store one by one to find the article at fault
    stored = iter(results or [])
    for item, quotes in batch:
        if isinstance(item, SourceError):
            _refuse(item, summary, on_item)
            continue
        if results is not None:
            result = next(stored)
        else:
            try:
                result = store_article(factory, item.article, quotes)
            except OperationalError:
                raise
            except SQLAlchemyError as exc:
                _refuse(SourceError(item.origin, f"not stored: {_short(exc)}"), summary, on_item)
                continue
        _count(result, summary)
        if (
            result.status != StoreStatus.unchanged
            and not check_english(item.article.text).looks_english
        ):
            summary.not_english.append(item.origin)
        if on_item:
            on_item(item, result.status.value)


def _refuse(
    error: SourceError,
    summary: IngestSummary,
    on_item: Callable[[SourceArticle | SourceError, str], None] | None,
) -> None:
    summary.refused += 1
    summary.errors.append(error)
    if on_item:
        on_item(error, "refused")


def _count(result: StoreResult, summary: IngestSummary) -> None:
    if result.status == StoreStatus.new:
        summary.new += 1
    elif result.status == StoreStatus.updated:
        summary.updated += 1
    else:
        summary.unchanged += 1
    if result.status != StoreStatus.unchanged:
        summary.quotes += len(result.quote_ids)


def _sync(
    factory: sessionmaker[Session],
    index: SearchIndex,
    batch_size: int,
    summary: IngestSummary,
    confirm_later: bool,
) -> None:
    result = drain_outbox(factory, index, batch_size, confirm_later=confirm_later)
    summary.indexed += result.indexed
    summary.pending = result.pending
    summary.awaiting = result.awaiting
    summary.index_refused += result.refused
    summary.index_error = result.error


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300]
