"""Do PostgreSQL and the search index agree? Compare every quote; make the index follow."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from db.index_sync import outbox
from db.index_sync.documents import document_rows, iter_quote_id_batches, quote_document
from db.index_sync.service import SyncResult, drain_outbox
from db.search_index import SearchIndex
from db.session import transaction


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


def _digest(document: Mapping[str, object]) -> bytes:
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
        for ids in iter_quote_id_batches(session, batch_size):
            for row in document_rows(session, ids):
                seen.add(row["id"])
                indexed = in_index.get(row["id"])
                if indexed is None:
                    report.missing_from_index.append(row["id"])
                elif indexed != _digest(quote_document(row)):
                    report.different.append(row["id"])
        report.pending = outbox.count_pending(session)
        report.last_error = outbox.outbox_last_error(session)
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
        outbox.enqueue(
            session, [*report.missing_from_index, *report.different, *report.not_in_database]
        )
    return drain_outbox(factory, index, batch_size)
