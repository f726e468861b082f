"""The write paths. Every change to a quote is written to PostgreSQL together with an outbox
event in one transaction; `drain_outbox` carries the events to Meilisearch and deletes them only
once Meilisearch confirms the write, so nothing is lost when Meilisearch is down."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db import repositories
from db.records import ArticleIn, QuoteDraft
from db.search_index import SearchIndex, SearchIndexError, quote_document
from db.session import transaction

STORE_ATTEMPTS = 3


@dataclass
class SyncResult:
    indexed: int = 0  # documents written
    deleted: int = 0  # documents removed
    pending: int = 0  # quotes still waiting after this drain
    error: str | None = None


@dataclass
class IngestResult:
    article_id: int
    status: repositories.StoreStatus
    quote_ids: list[int]
    sync: SyncResult | None = None

    @property
    def pending(self) -> int:
        return self.sync.pending if self.sync else len(self.quote_ids)


def store(
    factory: sessionmaker[Session], article: ArticleIn, quotes: Sequence[QuoteDraft]
) -> IngestResult:
    """Write an article, its quotes and their outbox events in one transaction.

    Two writers may create the same new speaker (or article) at the same moment; the loser's
    transaction fails on the unique key and is retried, then finds the winner's record.
    """
    attempt = 1
    while True:
        try:
            with transaction(factory) as session:
                stored = repositories.store_article(session, article, quotes)
                return IngestResult(stored.article.id, stored.status, [q.id for q in stored.quotes])
        except IntegrityError:
            if attempt >= STORE_ATTEMPTS:
                raise
            attempt += 1


def store_many(
    factory: sessionmaker[Session],
    batch: Sequence[tuple[ArticleIn, Sequence[QuoteDraft]]],
    cache: repositories.SpeakerCache,
) -> list[IngestResult]:
    """Store a batch of articles in one transaction with COPY (see `store_articles_bulk`).

    A unique-key race with another writer, or a cached speaker merged away meanwhile, fails
    the transaction; it is retried with the cache cleared.
    """
    attempt = 1
    while True:
        try:
            with transaction(factory) as session:
                outcomes = repositories.store_articles_bulk(session, batch, cache)
        except IntegrityError:
            cache.rollback()
            cache.known.clear()
            if attempt >= STORE_ATTEMPTS:
                raise
            attempt += 1
            continue
        except BaseException:
            cache.rollback()
            raise
        cache.commit()
        return [IngestResult(o.article_id, o.status, o.quote_ids) for o in outcomes]


def store_and_index(
    factory: sessionmaker[Session],
    index: SearchIndex,
    article: ArticleIn,
    quotes: Sequence[QuoteDraft],
) -> IngestResult:
    """Store, then drain the outbox at once; on an index failure the events simply wait."""
    result = store(factory, article, quotes)
    result.sync = drain_outbox(factory, index)
    return result


def drain_outbox(
    factory: sessionmaker[Session],
    index: SearchIndex,
    batch_size: int = 1000,
    wait: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> SyncResult:
    """Carry waiting changes to Meilisearch, oldest first, until none are left or one fails.

    Each round is one transaction holding the drain lock: up to BATCHES_IN_FLIGHT batches are
    read (the current state of each changed quote) and sent without waiting, so Meilisearch
    indexes one while the next is prepared; then each batch's events are deleted only once
    its task succeeded. A failure keeps the events and counts the attempt.
    """
    result = SyncResult()
    while result.error is None:
        with transaction(factory) as session:
            if not repositories.lock_outbox(session, wait):
                break  # another drainer is at work
            sent, unsent = _send_round(session, index, batch_size)
            if not sent and unsent is None:
                break
            if unsent is not None:
                event_ids, result.error = unsent
                repositories.fail_events(session, event_ids, result.error)
            for batch in sent:
                try:
                    for task in batch.tasks:
                        index.wait(task)
                except SearchIndexError as exc:
                    repositories.fail_events(session, batch.event_ids, str(exc))
                    result.error = result.error or str(exc)
                    continue
                repositories.finish_events(session, batch.event_ids)
                result.indexed += batch.documents
                result.deleted += batch.removed
                if on_batch:
                    on_batch(batch.documents + batch.removed)
    with factory() as session:
        result.pending = repositories.count_pending(session)
    return result


BATCHES_IN_FLIGHT = 4


@dataclass
class _SentBatch:
    event_ids: list[int]
    tasks: list
    documents: int
    removed: int


def _send_round(
    session: Session, index: SearchIndex, batch_size: int
) -> tuple[list[_SentBatch], tuple[list[int], str] | None]:
    """Read and send up to BATCHES_IN_FLIGHT batches; the first that cannot be sent stops it."""
    sent: list[_SentBatch] = []
    after = 0
    for _ in range(BATCHES_IN_FLIGHT):
        events = repositories.outbox_batch(session, batch_size, after)
        if not events:
            break
        after = events[-1][0]
        event_ids = [event_id for event_id, _ in events]
        quote_ids = sorted({quote_id for _, quote_id in events})
        documents = [quote_document(row) for row in repositories.document_rows(session, quote_ids)]
        gone = sorted(set(quote_ids) - {d["id"] for d in documents})
        try:
            tasks = index.submit(documents, gone)
        except SearchIndexError as exc:
            return sent, (event_ids, str(exc))
        sent.append(_SentBatch(event_ids, tasks, len(documents), len(gone)))
    return sent, None


def delete_article(
    factory: sessionmaker[Session], index: SearchIndex, article_id: int
) -> tuple[list[int], SyncResult] | None:
    """Delete an article and its quotes from PostgreSQL, then from the index; None if absent."""
    with transaction(factory) as session:
        removed = repositories.delete_article(session, article_id)
    if removed is None:
        return None
    return removed, drain_outbox(factory, index)


def rebuild_index(
    factory: sessionmaker[Session],
    index: SearchIndex,
    batch_size: int = 1000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Rebuild the whole index from PostgreSQL into a fresh index and swap it in.

    Searches keep using the old index until the swap. One repeatable-read transaction holds
    the drain lock and reads every quote from a single snapshot, then forgets exactly the
    outbox events that snapshot saw; changes committed meanwhile wait and are drained after.
    """
    with factory() as session, session.begin():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        repositories.lock_outbox(session, wait=True)

        def batches() -> Iterator[list[dict]]:
            for ids in repositories.iter_quote_id_batches(session, batch_size):
                yield [quote_document(row) for row in repositories.document_rows(session, ids)]
                if on_batch:
                    on_batch(len(ids))

        total = index.rebuild(batches())
        repositories.drop_visible_events(session)
    return total


@dataclass
class DriftReport:
    in_database: int
    in_index: int
    missing_from_index: list[int] = field(default_factory=list)
    not_in_database: list[int] = field(default_factory=list)
    different: list[int] = field(default_factory=list)  # present in both, content differs
    pending: int = 0
    last_error: str | None = None

    @property
    def clean(self) -> bool:
        return not (
            self.missing_from_index or self.not_in_database or self.different or self.pending
        )


def _digest(document: dict) -> bytes:
    return hashlib.blake2b(
        json.dumps(document, sort_keys=True, ensure_ascii=False).encode(), digest_size=16
    ).digest()


def check_drift(
    factory: sessionmaker[Session], index: SearchIndex, batch_size: int = 2000
) -> DriftReport:
    """Compare the id and content of every quote in PostgreSQL with its search document."""
    in_index = {int(doc["id"]): _digest(doc) for doc in index.documents()}
    report = DriftReport(in_database=0, in_index=len(in_index))
    seen: set[int] = set()
    with factory() as session:
        for ids in repositories.iter_quote_id_batches(session, batch_size):
            for row in repositories.document_rows(session, ids):
                seen.add(row["id"])
                indexed = in_index.get(row["id"])
                if indexed is None:
                    report.missing_from_index.append(row["id"])
                elif indexed != _digest(quote_document(row)):
                    report.different.append(row["id"])
        report.pending = repositories.count_pending(session)
        report.last_error = repositories.outbox_last_error(session)
    report.in_database = len(seen)
    report.not_in_database = sorted(set(in_index) - seen)
    return report


def repair_drift(
    factory: sessionmaker[Session],
    index: SearchIndex,
    report: DriftReport,
    batch_size: int = 1000,
) -> SyncResult:
    """Queue every quote the report found out of step, then drain: the index follows PostgreSQL."""
    with transaction(factory) as session:
        repositories.enqueue(
            session, [*report.missing_from_index, *report.different, *report.not_in_database]
        )
    return drain_outbox(factory, index, batch_size)


class SpeakerMergeError(ValueError):
    """A merge that names an unknown speaker or the same speaker twice."""


@dataclass
class MergeResult:
    kept: str
    merged: str
    moved: int
    sync: SyncResult


def merge_speakers(
    factory: sessionmaker[Session], index: SearchIndex, keep_ref: str, other_ref: str
) -> MergeResult:
    """Fold speaker `other_ref` into `keep_ref` (ids, slugs or names), then reindex its quotes."""
    with transaction(factory) as session:
        keep = repositories.find_speaker(session, keep_ref)
        other = repositories.find_speaker(session, other_ref)
        for ref, found in ((keep_ref, keep), (other_ref, other)):
            if found is None:
                raise SpeakerMergeError(f"no speaker {ref!r} (give an id, slug or exact name)")
        assert keep is not None and other is not None
        if keep.id == other.id:
            raise SpeakerMergeError(f"{keep_ref!r} and {other_ref!r} are the same speaker")
        kept, merged = keep.name, other.name
        moved = repositories.merge_speakers(session, keep, other)
        repositories.enqueue_speaker_quotes(session, keep.id)  # aliases are in documents
    return MergeResult(kept, merged, len(moved), drain_outbox(factory, index))
