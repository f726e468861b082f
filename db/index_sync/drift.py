"""Do PostgreSQL and the search index agree? Compare every quote; make the index follow.

The comparison walks the quote ids in ranges: each range's rows from PostgreSQL against the
index's documents in the same range, so memory holds one batch whatever the archive's size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import orjson
from sqlalchemy.orm import Session, sessionmaker

from db.index_sync import outbox
from db.index_sync.documents import document_rows, iter_quote_id_batches, quote_document
from db.index_sync.service import SyncResult, drain_outbox, settle_sent
from db.search_index import SearchIndex
from db.session import transaction


@dataclass
class DriftReport:
    in_database: int
    in_index: int
    missing_from_index: list[int] = field(default_factory=list)
    not_in_database: list[int] = field(default_factory=list)
    different: list[int] = field(default_factory=list)  # present in both, content differs
    # in both, but without their vector although embeddings are on: search by meaning
    # cannot find them
    missing_vectors: list[int] = field(default_factory=list)
    pending: int = 0
    last_error: str | None = None

    @property
    def clean(self) -> bool:
        return not (
            self.missing_from_index
            or self.not_in_database
            or self.different
            or self.missing_vectors
            or self.pending
        )


def _digest(document: Mapping[str, object]) -> bytes:
    return hashlib.blake2b(
        orjson.dumps(document, option=orjson.OPT_SORT_KEYS), digest_size=16
    ).digest()


def check_drift(
    factory: sessionmaker[Session], index: SearchIndex, batch_size: int = 2000
) -> DriftReport:
    """Compare the id and content of every quote in PostgreSQL with its search document,
    once the changes sent without waiting are confirmed (or queued again); with embeddings
    on, also whether each document has its vector (the index's statistics say whether any
    lacks one; only then are the documents' vectors walked)."""
    settle_sent(factory, index)
    report = DriftReport(in_database=0, in_index=0)
    with factory() as session:
        after = 0
        for ids in iter_quote_id_batches(session, batch_size):
            _compare_range(session, index, report, ids, after, ids[-1])
            after = ids[-1]
        _compare_range(session, index, report, [], after, None)  # documents past the last id
        report.pending = outbox.count_pending(session)
        report.last_error = outbox.outbox_last_error(session)
    embedder = index.embedder_name
    if embedder is not None and index.unembedded_count() > 0:
        gone = set(report.not_in_database)  # removed by the repair, not given a vector
        report.missing_vectors = [i for i in index.ids_without_vector(embedder) if i not in gone]
    return report


def _compare_range(
    session: Session,
    index: SearchIndex,
    report: DriftReport,
    ids: Sequence[int],
    after: int,
    upto: int | None,
) -> None:
    """Compare the quotes `ids` (all of PostgreSQL's in `after < id <= upto`) with the index's
    documents in that range, counted into `report`."""
    indexed = {int(doc["id"]): _digest(doc) for doc in index.documents(after, upto)}
    report.in_index += len(indexed)
    for row in document_rows(session, ids) if ids else []:
        report.in_database += 1
        digest = indexed.pop(row["id"], None)
        if digest is None:
            report.missing_from_index.append(row["id"])
        elif digest != _digest(quote_document(row)):
            report.different.append(row["id"])
    report.not_in_database.extend(sorted(indexed))


def repair_drift(
    factory: sessionmaker[Session],
    index: SearchIndex,
    report: DriftReport,
    batch_size: int = 1000,
) -> SyncResult:
    """Queue every quote the report found out of step, then drain: the index follows PostgreSQL."""
    with transaction(factory) as session:
        outbox.enqueue(
            session,
            [
                *report.missing_from_index,
                *report.different,
                *report.missing_vectors,
                *report.not_in_database,
            ],
        )
    return drain_outbox(factory, index, batch_size)
