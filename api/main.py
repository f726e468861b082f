"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib.metadata import entry_points

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import errors
from api.headers import CrossOriginAndFraming
from api.middleware import BodyLimitMiddleware, RequestLogMiddleware
from api.routes import admin, articles, embeds, health, pages, quotes, search, speakers
from api.security import RateLimits
from api.web import STATIC_DIR
from db import migrate
from db.api_keys import service as api_keys
from db.index_sync.worker import IndexWorker
from db.search_index import AsyncSearcher, SearchIndex, SearchIndexError
from db.services import resolve_settings
from db.session import make_engine, make_session_factory
from db.settings import Settings, get_settings

log = logging.getLogger("onrecord.api")

Extractor = Callable[..., list]


def default_extractor() -> Extractor:
    """The extractor registered under the `onrecord.extractors` entry point (the indexer's)."""
    found = entry_points(group="onrecord.extractors", name="default")
    if not found:
        raise RuntimeError("no quote extractor installed: `pip install -e .` registers it")
    return next(iter(found)).load()


def create_app(settings: Settings | None = None, extract: Extractor | None = None) -> FastAPI:
    settings = resolve_settings(settings or get_settings())
    engine = make_engine(settings.database_url)
    migrate.ensure_migrated(engine)
    factory = make_session_factory(engine)
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    searcher = AsyncSearcher(index)
    worker = IndexWorker(factory, index, settings.index_batch_size, settings.index_worker_interval)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            api_keys.bootstrap(factory, settings.api_keys)
        except SQLAlchemyError as exc:
            log.warning("could not store the bootstrap API keys: %s", exc)
        try:
            index.ensure()
            await searcher.open()
        except SearchIndexError as exc:
            log.warning("search index not ready at start: %s", exc)
        worker.start()
        yield
        worker.stop()
        await searcher.close()
        engine.dispose()

    app = FastAPI(
        title="OnRecord",
        summary="Who said what, when, where: search attributed quotes from the news.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.session_factory = factory
    app.state.index = index
    app.state.searcher = searcher
    app.state.rate_limits = RateLimits(settings.rate_limit_search, settings.rate_limit_write)
    app.state.extract = extract or default_extractor()
    errors.install(app)
    for module in (health, search, quotes, speakers, articles, admin, pages, embeds):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Outermost last: the log sees every request, the proxy rewrite happens before limits.
    app.add_middleware(CrossOriginAndFraming)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_request_bytes)
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.add_middleware(RequestLogMiddleware)
    return app
