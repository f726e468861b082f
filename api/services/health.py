"""Readiness: can this process serve, i.e. are PostgreSQL and Meilisearch reachable, and are
its workers (index, alerts, and feeds under `onrecord serve`) running?"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.rate_limits import RateLimits
from api.schemas import Health
from db.index_sync import outbox
from db.index_sync.worker import WorkerHealth
from db.search_index import SearchIndex


def readiness(
    factory: sessionmaker[Session],
    index: SearchIndex,
    workers: dict[str, WorkerHealth],
    limits: RateLimits,
) -> Health:
    """Each store checked, never raising: an unreachable one is reported, not an error.

    The session is opened here rather than taken per request, so a database that is down
    becomes a check result instead of a 503 from the dependency. `index` should give up soon
    (a stalled Meilisearch is reported as unreachable, not waited for). A worker retrying
    after failures is still ready (it says why); a stopped one is not. Nor does a shared
    rate limit store that is down make a process unready: it counts limits alone meanwhile.
    """
    checks = {}
    backlog = None
    try:
        with factory() as session:
            backlog = outbox.count_pending(session)
        checks["postgres"] = "ok"
    except SQLAlchemyError as exc:
        checks["postgres"] = f"unreachable: {type(exc).__name__}"
    checks["meilisearch"] = "ok" if index.healthy() else "unreachable"
    stores_ok = all(v == "ok" for v in checks.values())
    checks.update({name: health.status for name, health in workers.items()})
    checks["rate_limits"] = limits.health()
    ready = stores_ok and all(health.alive for health in workers.values())
    return Health(status="ok" if ready else "unavailable", checks=checks, index_backlog=backlog)
