"""Index administration for keys with the admin scope."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import IndexDep, SessionDep
from api.schemas import IndexStatus
from api.security import AdminKey
from db.articles import repository as article_repo
from db.index_sync import outbox
from db.index_sync import service as index_sync

router = APIRouter(tags=["admin"])


@router.get("/v1/admin/index", response_model=IndexStatus)
def index_status(session: SessionDep, _key: AdminKey) -> IndexStatus:
    """Counts and the outbox backlog: how far the search index lags PostgreSQL."""
    return IndexStatus(**article_repo.counts(session), last_error=outbox.outbox_last_error(session))


@router.post("/v1/admin/index/sync", response_model=IndexStatus)
def sync_index(
    request: Request, index: IndexDep, session: SessionDep, _key: AdminKey
) -> IndexStatus:
    """Drain the outbox now instead of waiting for the index worker."""
    index_sync.drain_outbox(request.app.state.session_factory, index)
    return index_status(session, _key)
