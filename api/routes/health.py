"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import (
    AlertWorkerDep,
    FeedWorkerDep,
    IndexDep,
    IndexWorkerDep,
    RateLimitsDep,
    SessionFactoryDep,
    SettingsDep,
)
from api.schemas import Health
from api.services.health import readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def get_health() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def get_readiness(
    settings: SettingsDep,
    factory: SessionFactoryDep,
    index: IndexDep,
    worker: IndexWorkerDep,
    alert_worker: AlertWorkerDep,
    feed_worker: FeedWorkerDep,
    limits: RateLimitsDep,
) -> JSONResponse:
    """PostgreSQL and Meilisearch are reachable and the index, alert and (under `onrecord
    serve`) feed workers run (503 otherwise); the outbox backlog; where rate limits are
    counted."""
    timed = index.with_timeout(settings.index_write_timeout)
    workers = {"index_worker": worker.health(), "alert_worker": alert_worker.health()}
    if feed_worker is not None:
        workers["feed_worker"] = feed_worker()
    health = readiness(factory, timed, workers, limits)
    return JSONResponse(health.model_dump(), status_code=200 if health.status == "ok" else 503)
