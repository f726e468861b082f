"""The search index as an administrator sees it: how far it lags PostgreSQL, and a drain."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from api.schemas import IndexStatus
from db.articles import repository as article_repo
from db.index_sync import outbox
from db.index_sync import service as index_sync
from db.search_index import SearchIndex


def index_status(session: Session) -> IndexStatus:
    """Counts, the outbox backlog, the latest index failure still waiting and the refused."""
    refused, reason = outbox.refused_summary(session)
    return IndexStatus(
        **article_repo.counts(session),
        last_error=outbox.outbox_last_error(session),
        refused=refused,
        refused_reason=reason,
    )


def sync_index(factory: sessionmaker[Session], index: SearchIndex, session: Session) -> IndexStatus:
    """Drain the outbox now instead of waiting for the index worker; the status after it."""
    index_sync.drain_outbox(factory, index)
    return index_status(session)
