"""The one write path: an article and its quotes go to PostgreSQL in one transaction, then to
Meilisearch. A quote whose index write did not happen stays `pending` for `sync`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from db import repositories
from db.models import Quote
from db.records import ArticleIn, QuoteDraft
from db.search_index import SearchIndex, SearchIndexError, quote_document
from db.session import transaction


@dataclass
class IngestResult:
    article_id: int
    status: repositories.StoreStatus
    quote_ids: list[int]
    pending: int = 0
    index_error: str | None = None


@dataclass
class SyncResult:
    indexed: int = 0
    pending: int = 0
    error: str | None = None


@dataclass
class DriftReport:
    in_database: int
    in_index: int
    missing_from_index: list[int] = field(default_factory=list)
    not_in_database: list[int] = field(default_factory=list)
    pending: int = 0

    @property
    def clean(self) -> bool:
        return not self.missing_from_index and not self.not_in_database and not self.pending


def store(
    factory: sessionmaker[Session], article: ArticleIn, quotes: Sequence[QuoteDraft]
) -> tuple[IngestResult, list[dict], list[int]]:
    """Write an article and its quotes in one transaction; return the documents to index."""
    with transaction(factory) as session:
        stored = repositories.store_article(session, article, quotes)
        result = IngestResult(stored.article.id, stored.status, [q.id for q in stored.quotes])
        changed = stored.status != repositories.StoreStatus.unchanged
        documents = [quote_document(q) for q in stored.quotes] if changed else []
        if stored.reindex_quote_ids:
            documents += [
                quote_document(q)
                for q in repositories.quotes_by_ids(session, stored.reindex_quote_ids)
            ]
    return result, documents, stored.removed_quote_ids


def store_and_index(
    factory: sessionmaker[Session],
    index: SearchIndex,
    article: ArticleIn,
    quotes: Sequence[QuoteDraft],
) -> IngestResult:
    """Store, then index at once; on an index failure the quotes stay pending for `sync`."""
    result, documents, removed = store(factory, article, quotes)
    if documents or removed:
        try:
            index.delete(removed)
            index.add(documents)
        except SearchIndexError as exc:
            result.index_error = str(exc)
            result.pending = len(documents)
            return result
        with transaction(factory) as session:
            repositories.mark_indexed(session, [d["id"] for d in documents])
    return result


def sync_pending(
    factory: sessionmaker[Session],
    index: SearchIndex,
    batch_size: int = 1000,
    on_batch: Callable[[int], None] | None = None,
) -> SyncResult:
    """Push every pending quote to the index, batch by batch; stop at the first index failure."""
    result = SyncResult()
    while True:
        with factory() as session:
            ids = repositories.pending_quote_ids(session, batch_size)
            if not ids:
                return result
            documents = [quote_document(q) for q in repositories.quotes_by_ids(session, ids)]
        try:
            index.add(documents)
        except SearchIndexError as exc:
            with factory() as session:
                result.pending = repositories.count_pending(session)
            result.error = str(exc)
            return result
        with transaction(factory) as session:
            repositories.mark_indexed(session, ids)
        result.indexed += len(ids)
        if on_batch:
            on_batch(len(ids))


def rebuild_index(
    factory: sessionmaker[Session],
    index: SearchIndex,
    batch_size: int = 1000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Rebuild the whole index from PostgreSQL into a fresh index and swap it in."""

    def batches():
        with factory() as session:
            for ids in repositories.iter_quote_id_batches(session, batch_size):
                quotes: list[Quote] = repositories.quotes_by_ids(session, ids)
                yield [quote_document(q) for q in quotes]
                if on_batch:
                    on_batch(len(ids))
                session.expunge_all()

    with factory() as session:
        all_ids = sorted(repositories.all_quote_ids(session))
    total = index.rebuild(batches())
    with transaction(factory) as session:
        for start in range(0, len(all_ids), 10000):
            repositories.mark_indexed(session, all_ids[start : start + 10000])
    return total


def check_drift(factory: sessionmaker[Session], index: SearchIndex) -> DriftReport:
    with factory() as session:
        in_db = repositories.all_quote_ids(session)
        pending = repositories.count_pending(session)
    in_index = index.document_ids()
    return DriftReport(
        in_database=len(in_db),
        in_index=len(in_index),
        missing_from_index=sorted(in_db - in_index),
        not_in_database=sorted(in_index - in_db),
        pending=pending,
    )


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
        repositories.mark_speaker_quotes_pending(session, keep.id)  # aliases are in documents
    return MergeResult(kept, merged, len(moved), sync_pending(factory, index))
