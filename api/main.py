"""The FastAPI application factory: the app over stores and an extractor it is given.

The composition root (`onrecord.root`) opens the stores and picks the extractor; `api` never
imports `indexer`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Protocol

import anyio.to_thread
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.middleware.gzip import GZipMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import editors, errors
from api.deps import FeedURLCheck
from api.extraction import ExtractionPool
from api.headers import CrossOriginAndFraming
from api.middleware import (
    BodyLimitMiddleware,
    HeadAsGetMiddleware,
    PublicHostMiddleware,
    RequestLogMiddleware,
)
from api.routes import (
    admin,
    alerts,
    articles,
    docs,
    editor,
    editor_pages,
    embeds,
    feeds,
    health,
    pages,
    quotes,
    search,
    speakers,
    verify,
)
from api.search_params import parse_search
from api.security import SECURITY_SCHEMES, RateLimits
from api.web import STATIC_DIR
from db import migrate
from db.alerts.delivery import RetryPolicy, WebhookClient
from db.alerts.worker import AlertWorker
from db.api_keys import service as api_keys
from db.index_sync.worker import IndexWorker, WorkerHealth
from db.records import Extractor
from db.search_index import AsyncSearcher, SearchIndexError
from db.stores import Stores

log = logging.getLogger("onrecord.api")


class BackgroundWorker(Protocol):
    """A worker the app starts and stops with itself, and whose health /readyz reports."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def health(self) -> WorkerHealth: ...


FeedWorkerFactory = Callable[[Callable[[], None]], BackgroundWorker]  # given the index's wake

GZIP_MIN_BYTES = 1024  # smaller answers gain less than compressing costs


def operation_id(route: APIRoute) -> str:
    """The route function's name (`search_quotes`), so generated clients read well."""
    return route.name


def _with_security_schemes(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's schema plus the two ways to present a key, which routes refer to by name."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        return schema

    return openapi


def create_app(
    stores: Stores,
    extract: Extractor,
    webhooks: WebhookClient,
    feed_url_check: FeedURLCheck,
    feed_worker: FeedWorkerFactory | None = None,
) -> FastAPI:
    """The app; it owns `stores` from here on and closes them when it stops. `webhooks` is
    the guarded HTTP client alert webhooks are delivered with; `feed_url_check` says why a
    feed URL is refused before it is fetched; `feed_worker`, given the index worker's wake,
    makes the feed worker the app runs beside the API (`onrecord serve`), in /readyz."""
    settings, factory, index = stores.settings, stores.factory, stores.index
    migrate.ensure_migrated(stores.engine)
    searcher = AsyncSearcher(index)
    alert_worker = AlertWorker(
        factory,
        index,
        webhooks,
        lambda query: parse_search(query).query(),
        # payloads name quotes by their permalinks: without a public URL, the first allowed host
        settings.public_url or f"http://{settings.allowed_hosts[0]}",
        RetryPolicy(
            base=settings.webhook_retry_base,
            window=settings.webhook_retry_window,
            lease=max(120.0, 3 * settings.webhook_timeout),
        ),
        settings.alert_worker_interval,
    )
    worker = IndexWorker(
        factory,
        index,
        settings.index_batch_size,
        settings.index_worker_interval,
        on_indexed=alert_worker.wake,
    )
    extraction = ExtractionPool(extract, settings.extract_workers, settings.extract_waiting)
    feeds_worker = feed_worker(worker.wake) if feed_worker else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Start what the app needs; every part started is stopped in reverse order, even
        when a later start or the shutdown of another part fails."""
        async with AsyncExitStack() as started:
            started.callback(stores.close)
            try:
                api_keys.bootstrap(factory, settings.api_keys)
            except SQLAlchemyError as exc:
                log.warning("could not store the bootstrap API keys: %s", exc)
            if index.embedder is not None:  # load and check the model now, not on a first search
                await anyio.to_thread.run_sync(index.embedder.load)
            started.push_async_callback(searcher.close)
            try:
                index.ensure()
                await searcher.open()
            except SearchIndexError as exc:
                log.warning("search index not ready at start: %s", exc)
            extraction.warm()
            started.callback(extraction.close)
            for background in (worker, alert_worker, feeds_worker):
                if background:
                    background.start()
                    started.callback(background.stop)
            yield

    app = FastAPI(
        title="OnRecord",
        summary="Who said what, when, where: search attributed quotes from the news.",
        version="0.1.0",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,  # served by routes/docs.py from local files
        redoc_url=None,
    )
    app.openapi = _with_security_schemes(app)  # type: ignore[method-assign]
    app.state.settings = settings
    app.state.session_factory = factory
    app.state.index = index
    app.state.searcher = searcher
    app.state.index_worker = worker
    app.state.alert_worker = alert_worker
    app.state.webhook_client = webhooks
    app.state.feed_url_check = feed_url_check
    app.state.feed_worker = feeds_worker.health if feeds_worker else None
    app.state.rate_limits = RateLimits(
        settings.rate_limit_search,
        settings.rate_limit_write,
        settings.rate_limit_auth_failure,
        storage=settings.rate_limit_storage,
        key_prefix=settings.rate_limit_key_prefix,
    )
    app.state.extract = extraction.extract
    errors.install(app, editors.error_page)
    for module in (
        health,
        search,
        verify,
        quotes,
        speakers,
        articles,
        admin,
        feeds,
        docs,
        pages,
        embeds,
        editor,
        editor_pages,
        alerts,
    ):
        app.include_router(module.router)
    app.mount(docs.SWAGGER_UI_URL, StaticFiles(directory=docs.SWAGGER_UI_DIR), name="swagger-ui")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Outermost last: the log sees every request, the proxy rewrite happens before limits,
    # HEAD runs as GET through all the rest.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=6)
    app.add_middleware(CrossOriginAndFraming)
    app.add_middleware(PublicHostMiddleware, settings.public_url, settings.allowed_hosts)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_request_bytes)
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(RequestLogMiddleware)
    return app
