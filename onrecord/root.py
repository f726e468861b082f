"""The composition root: the one place that reads settings, starts the private services,
opens the stores and picks the extractor, and hands them to the API and the commands.

Nothing else reads the environment or starts a process; `api`, `indexer` and `db` are given
what they use. Imports are made where they are used, so a command loads only its own parts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastapi import FastAPI

    from api.main import FeedWorkerFactory
    from db.settings import ResolvedSettings, Settings
    from db.stores import Stores
    from indexer.fetch import Fetcher
    from indexer.polling.jobs import FeedWorker


def read_settings() -> Settings:
    """What the environment configures (`ONRECORD_*`)."""
    from db.settings import Settings

    return Settings()


def resolve_settings(settings: Settings) -> ResolvedSettings:
    """Both service URLs known: the configured ones, else the private services', started now
    when they are not running."""
    from db.services import start_private_services

    return start_private_services(settings)


def build_app(stores: Stores, feed_worker: FeedWorkerFactory | None = None) -> FastAPI:
    """The API over these stores, with the indexer's extractor for `POST /v1/articles`, the
    guarded client (public addresses only, unless allowed) for alert webhooks, the fetcher's
    URL check for `POST /v1/feeds`, and the feed worker it runs beside the API, if any."""
    from api.main import create_app
    from indexer.extract import extract_quotes
    from indexer.fetch.webhooks import WebhookSender

    settings = stores.settings
    contact = f" (+{settings.public_url})" if settings.public_url else ""
    webhooks = WebhookSender(
        f"OnRecord-Webhooks/0.1{contact}",
        settings.webhook_allow_networks,
        settings.webhook_timeout,
    )
    return create_app(
        stores,
        extract_quotes,
        webhooks,
        feed_url_check(settings),
        feed_worker,
    )


def feed_worker_factory(stores: Stores, fetcher: Fetcher) -> FeedWorkerFactory:
    """The feed worker `onrecord serve` runs beside the API, made once the app's index
    worker exists: a poll that stored articles wakes it."""
    return lambda wake_index: build_feed_worker(stores, fetcher, on_stored=wake_index)


def feed_url_check(settings: Settings) -> Callable[[str], str | None]:
    """Why a feed URL is refused before it is ever fetched, or None: the fetcher's own
    check (scheme, credentials, a literal internal address), with the operator's networks."""
    from indexer.fetch import AddressGuard, url_refusal

    guard = AddressGuard(settings.fetch_allow_networks)
    return lambda url: url_refusal(url, guard, ALLOW_NETWORKS_HINT)


ALLOW_NETWORKS_HINT = (
    " (an operator allows a network with ONRECORD_FETCH_ALLOW_NETWORKS, e.g. 10.0.0.0/8)"
)


def build_fetcher(settings: Settings) -> Fetcher:
    """The one HTTP client for feeds and pages, with the operator's policy."""
    from indexer.fetch import Fetcher, FetchPolicy, user_agent

    policy = FetchPolicy(
        user_agent=user_agent(settings.fetch_contact_url),
        allow_networks=tuple(settings.fetch_allow_networks),
        min_interval=settings.fetch_min_interval,
        max_bytes=settings.max_article_bytes,
    )
    return Fetcher(policy)


def build_feed_worker(
    stores: Stores, fetcher: Fetcher, on_stored: Callable[[], None], name: str = "feeds"
) -> FeedWorker:
    """The feed poller on the job queue, with the indexer's extractor; not started.
    `on_stored` wakes the index worker after a poll stored articles."""
    from indexer.extract import extract_quotes
    from indexer.polling.jobs import FeedWorker, feed_jobs

    settings = stores.settings
    app = feed_jobs(
        settings.database_url,
        stores.factory,
        fetcher,
        extract_quotes,
        on_stored,
        tick=settings.feed_tick,
    )
    return FeedWorker(app, name=name)
