"""Request dependencies, declared once as `Annotated` types so routes name what they need.

Routes and services never read `request.app.state`; only this module does, and only what the
application factory puts there. The ones that do not block are async, so FastAPI does not hop
to a thread for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session, sessionmaker

from api.rate_limits import RateLimits
from api.services.articles import Extractor
from db.alerts.delivery import WebhookClient
from db.alerts.worker import AlertWorker
from db.index_sync.worker import IndexWorker, WorkerHealth
from db.search_index import AsyncSearcher, SearchIndex
from db.settings import Settings


async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_session_factory(request: Request) -> sessionmaker[Session]:
    """For work that commits on its own terms (writes, key lookups, readiness probes)."""
    return request.app.state.session_factory


SessionFactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]


def get_session(factory: SessionFactoryDep) -> Iterator[Session]:
    """One session per request, closed when the response is sent."""
    with factory() as session:
        yield session


async def get_index(request: Request) -> SearchIndex:
    return request.app.state.index


async def get_searcher(request: Request) -> AsyncSearcher:
    return request.app.state.searcher


async def get_extractor(request: Request) -> Extractor:
    return request.app.state.extract


async def get_index_worker(request: Request) -> IndexWorker:
    return request.app.state.index_worker


async def get_alert_worker(request: Request) -> AlertWorker:
    return request.app.state.alert_worker


async def get_webhook_client(request: Request) -> WebhookClient:
    return request.app.state.webhook_client


FeedURLCheck = Callable[[str], str | None]  # why a feed URL is refused before fetching, or None


async def get_feed_url_check(request: Request) -> FeedURLCheck:
    return request.app.state.feed_url_check


async def get_feed_worker(request: Request) -> Callable[[], WorkerHealth] | None:
    """The health of the feed worker this process runs (None: it runs none)."""
    return request.app.state.feed_worker


async def get_base_url(request: Request) -> str:
    """The scheme and host absolute URLs name (the public URL, or an allowed Host)."""
    return str(request.base_url).rstrip("/")


async def get_rate_limits(request: Request) -> RateLimits:
    return request.app.state.rate_limits


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
IndexDep = Annotated[SearchIndex, Depends(get_index)]
SearcherDep = Annotated[AsyncSearcher, Depends(get_searcher)]
ExtractorDep = Annotated[Extractor, Depends(get_extractor)]
IndexWorkerDep = Annotated[IndexWorker, Depends(get_index_worker)]
RateLimitsDep = Annotated[RateLimits, Depends(get_rate_limits)]
AlertWorkerDep = Annotated[AlertWorker, Depends(get_alert_worker)]
WebhookClientDep = Annotated[WebhookClient, Depends(get_webhook_client)]
FeedURLCheckDep = Annotated[FeedURLCheck, Depends(get_feed_url_check)]
FeedWorkerDep = Annotated[Callable[[], WorkerHealth] | None, Depends(get_feed_worker)]
BaseUrlDep = Annotated[str, Depends(get_base_url)]

# Ids are PostgreSQL bigints: anything outside is a 422, never a database error.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
