"""The search index as an administrator sees it: how far it lags PostgreSQL, and a drain."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from api.schemas import IndexStatus
from db import ingest, repositories
from db.search_index import SearchIndex


def index_status(session: Session) -> IndexStatus:
    """Counts, the outbox backlog and the latest index failure still waiting."""
    return IndexStatus(
        **repositories.counts(session), last_error=repositories.outbox_last_error(session)
    )


def sync_index(factory: sessionmaker[Session], index: SearchIndex, session: Session) -> IndexStatus:
    """Drain the outbox now instead of waiting for the index worker; the status after it."""
    ingest.drain_outbox(factory, index)
    return index_status(session)
