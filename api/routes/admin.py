"""Index administration for keys with the admin scope."""

from __future__ import annotations

from fastapi import APIRouter

from api import errors
from api.deps import IndexDep, SessionDep, SessionFactoryDep
from api.schemas import IndexStatus
from api.security import KEY_REQUIRED, AdminKey
from api.services import index_admin

router = APIRouter(tags=["admin"], responses=errors.responses(401, 403, 422, 503))


@router.get("/v1/admin/index", response_model=IndexStatus, openapi_extra=KEY_REQUIRED)
def get_index_status(session: SessionDep, _key: AdminKey) -> IndexStatus:
    """Counts and the outbox backlog: how far the search index lags PostgreSQL."""
    return index_admin.index_status(session)


@router.post("/v1/admin/index/sync", response_model=IndexStatus, openapi_extra=KEY_REQUIRED)
def sync_index(
    factory: SessionFactoryDep, index: IndexDep, session: SessionDep, _key: AdminKey
) -> IndexStatus:
    """Drain the outbox now instead of waiting for the index worker."""
    return index_admin.sync_index(factory, index, session)
