from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from api.schemas import Health
from db.index_sync import outbox

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(request: Request) -> JSONResponse:
    """PostgreSQL and Meilisearch are reachable (503 when either is not); the outbox backlog."""
    checks = {}
    backlog = None
    try:
        with request.app.state.session_factory() as session:
            backlog = outbox.count_pending(session)
        checks["postgres"] = "ok"
    except SQLAlchemyError as exc:
        checks["postgres"] = f"unreachable: {type(exc).__name__}"
    checks["meilisearch"] = "ok" if request.app.state.index.healthy() else "unreachable"
    ready = all(v == "ok" for v in checks.values())
    body = Health(status="ok" if ready else "unavailable", checks=checks, index_backlog=backlog)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
