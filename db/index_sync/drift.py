"""Do PostgreSQL and the search index agree? Compare every quote; make the index follow.

Every document carries the digest PostgreSQL computes of the row it was made of
(`documents.DOCUMENT_DIGEST`), so the comparison needs no document: it walks the quote ids
in ranges, each range's (id, digest) pairs hashed by PostgreSQL against the (id, digest)
pairs of the index's documents in the same range, so memory holds one range whatever the
archive's size. A document written by another version of the document builder (or before
digests) is `outdated`.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from db.index_sync import outbox
from db.index_sync.documents import DOCUMENT_FORMAT_VERSION, document_digests
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
    # in both, written by an older OnRecord (no digest, or another document format): their
    # content may differ from what this version writes (`onrecord reindex` rewrites them all)
    outdated: list[int] = field(default_factory=list)
    # in both, but without their vector although embeddings are on: search by meaning
    # cannot find them
    missing_vectors: list[int] = field(default_factory=list)
    pending: int = 0
    last_error: str | None = None
    # quotes whose document Meilisearch refused (missing or stale in the index, so counted
    # above too), and the latest reason
    refused: int = 0
    refused_reason: str | None = None

    @property
    def clean(self) -> bool:
        return not (
            self.missing_from_index
            or self.not_in_database
            or self.different
            or self.outdated
            or self.missing_vectors
            or self.pending
        )


_CURRENT_FORMAT = f"{DOCUMENT_FORMAT_VERSION}:"

MEILISEARCH_READS = 2  # ranges read from Meilisearch at once: one a core of a small machine
MEILISEARCH_PAGE = 10_000  # documents a page past PostgreSQL's last id


def check_drift(
    factory: sessionmaker[Session], index: SearchIndex, batch_size: int = 10_000
) -> DriftReport:
    """Compare the id and digest of every quote in PostgreSQL with its search document's,
    once the changes sent without waiting are confirmed (or queued again); with embeddings
    on, also whether each document has its vector (the index's statistics say whether any
    lacks one; only then are the documents' vectors walked)."""
    settle_sent(factory, index)
    report = DriftReport(in_database=0, in_index=0)
    # Meilisearch takes several times PostgreSQL's time to read a range (it reads each whole
    # document for its digest), so PostgreSQL hashes ahead while MEILISEARCH_READS ranges are
    # read at once; the ranges are compared in order, a few held at a time
    reading: deque[tuple[list[tuple[int, str]], Future[dict[int, str | None]]]] = deque()
    with factory() as session, ThreadPoolExecutor(MEILISEARCH_READS) as meilisearch:
        after = 0
        while rows := document_digests(session, after, batch_size):
            upto = rows[-1][0]
            reading.append((rows, meilisearch.submit(_indexed_digests, index, after, upto)))
            after = upto
            if len(reading) > MEILISEARCH_READS:
                _compare_range(report, *_read(reading.popleft()))
        reading.append(([], meilisearch.submit(_indexed_digests, index, after, None)))
        while reading:  # the last ranges, and the index's documents past the last id
            _compare_range(report, *_read(reading.popleft()))
        report.pending = outbox.count_pending(session)
        report.last_error = outbox.outbox_last_error(session)
        report.refused, report.refused_reason = outbox.refused_summary(session)
    embedder = index.embedder_name
    if embedder is not None and index.unembedded_count() > 0:
        gone = set(report.not_in_database)  # removed by the repair, not given a vector
        report.missing_vectors = [i for i in index.ids_without_vector(embedder) if i not in gone]
    return report


def _indexed_digests(index: SearchIndex, after: int, upto: int | None) -> dict[int, str | None]:
    # a range in one page (a page of exactly its size would take a second request)
    size = MEILISEARCH_PAGE if upto is None else min(upto - after, 5 * MEILISEARCH_PAGE) + 1
    return dict(index.digests(after, upto, page_size=size))


def _read(
    range_: tuple[list[tuple[int, str]], Future[dict[int, str | None]]],
) -> tuple[list[tuple[int, str]], dict[int, str | None]]:
    rows, indexed = range_
    return rows, indexed.result()


def _compare_range(
    report: DriftReport, rows: list[tuple[int, str]], indexed: dict[int, str | None]
) -> None:
    """Compare PostgreSQL's (id, digest) `rows` (all its quotes in a range of ids) with the
    index's documents in the same range, counted into `report`."""
    report.in_index += len(indexed)
    report.in_database += len(rows)
    for quote_id, digest in rows:
        if quote_id not in indexed:
            report.missing_from_index.append(quote_id)
            continue
        theirs = indexed.pop(quote_id)
        if theirs == digest:
            continue
        if theirs is None or not theirs.startswith(_CURRENT_FORMAT):
            report.outdated.append(quote_id)
        else:
            report.different.append(quote_id)
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
                *report.outdated,
                *report.missing_vectors,
                *report.not_in_database,
            ],
        )
    return drain_outbox(factory, index, batch_size)
