"""Feeds as the admin API shows them; polling itself is the workers' (they poll due feeds)."""

from __future__ import annotations

from api.schemas import FeedOut
from db.feeds.service import FeedHealth, format_interval


def feed_out(feed: FeedHealth) -> FeedOut:
    return FeedOut(
        id=feed.id,
        url=feed.url,
        outlet=feed.outlet,
        title=feed.title,
        every=format_interval(feed.interval_seconds),
        interval_seconds=feed.interval_seconds,
        status=feed.status,
        next_poll_at=feed.next_poll_at,
        last_polled_at=feed.last_polled_at,
        last_success_at=feed.last_success_at,
        last_error=feed.last_error,
        last_error_at=feed.last_error_at,
        failures=feed.failures,
        items_seen=feed.items_seen,
        articles_stored=feed.articles_stored,
    )
