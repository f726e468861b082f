"""Following feeds: add, list, remove, make due, and the polling bookkeeping, one transaction
each. Fetching is not here (`db` never touches the network): the indexer's poller claims a
feed, fetches it and reports back through these functions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.feeds import repository
from db.models import Feed, SeenEntry
from db.records import http_url
from db.session import transaction

MIN_INTERVAL = 5  # seconds; a feed polled more often than this helps no one
MAX_INTERVAL = 7 * 86_400
POLL_LEASE = 30 * 60.0  # a claim a crashed worker left behind expires after this
MAX_BACKOFF = 6 * 3600.0  # a failing feed is retried at least this often
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
_INTERVAL = re.compile(r"(\d+)([smhd])")


class FeedError(ValueError):
    """A feed request that cannot be done as asked; the message says why."""


class FeedExists(FeedError):
    """The feed is followed already."""


def parse_interval(text: str) -> int:
    """'15m', '1h30m', '90s', '1d' → seconds, between MIN_INTERVAL and MAX_INTERVAL."""
    spec = text.strip().lower()
    if not spec or _INTERVAL.sub("", spec):
        raise FeedError(f"interval {text!r} is not like 90s, 15m, 1h30m or 1d")
    seconds = sum(int(n) * _UNITS[unit] for n, unit in _INTERVAL.findall(spec))
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise FeedError(f"interval {text!r} must lie between {MIN_INTERVAL} s and 7 days")
    return seconds


def format_interval(seconds: int) -> str:
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class FeedHealth:
    """A feed as `feeds list`, the admin API and the admin page show it."""

    id: int
    url: str
    outlet: str | None
    title: str | None
    interval_seconds: int
    next_poll_at: datetime
    polling: bool  # a worker holds it right now
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    failures: int
    items_seen: int
    articles_stored: int

    @property
    def status(self) -> str:
        if self.polling:
            return "polling"
        if self.last_error and self.failures:
            return "failing"
        return "ok" if self.last_success_at else "new"

    @classmethod
    def of(cls, feed: Feed, now: datetime | None = None) -> FeedHealth:
        polling = feed.polling_until is not None and (now is None or feed.polling_until > now)
        return cls(
            feed.id,
            feed.url,
            feed.outlet,
            feed.title,
            feed.interval_seconds,
            feed.next_poll_at,
            polling,
            feed.last_polled_at,
            feed.last_success_at,
            feed.last_error if feed.failures else None,
            feed.last_error_at,
            feed.failures,
            feed.items_seen,
            feed.articles_stored,
        )


@dataclass(frozen=True)
class ClaimedFeed:
    """What a poller needs of a feed it holds."""

    id: int
    url: str
    outlet: str | None
    interval_seconds: int
    failures: int
    etag: str | None
    last_modified: str | None


def add_feed(
    factory: sessionmaker[Session], url: str, outlet: str | None, interval_seconds: int
) -> FeedHealth:
    """Follow a feed; it is due at once. The URL must be http(s); whether it may be fetched
    (address, robots.txt) is the fetcher's decision at poll time."""
    clean = http_url(url.strip())
    if not clean:
        raise FeedError(f"{url.strip()[:200]!r} is not an http(s) URL with a host")
    if len(clean) > 2000:
        raise FeedError("the feed URL is over 2000 characters")
    if not MIN_INTERVAL <= interval_seconds <= MAX_INTERVAL:
        raise FeedError(f"interval must lie between {MIN_INTERVAL} s and 7 days")
    outlet = (outlet or "").strip() or None
    if outlet and len(outlet) > 200:
        raise FeedError("the outlet name is over 200 characters")
    try:
        with transaction(factory) as session:
            feed = repository.add_feed(session, clean, outlet, interval_seconds)
            return FeedHealth.of(feed)
    except IntegrityError:
        raise FeedExists(f"{clean} is followed already") from None


def list_feeds(factory: sessionmaker[Session]) -> list[FeedHealth]:
    with factory() as session:
        now = _now(session)
        return [FeedHealth.of(feed, now) for feed in repository.list_feeds(session)]


def get_feed(factory: sessionmaker[Session], ref: str) -> FeedHealth | None:
    with factory() as session:
        feed = repository.find_feed(session, ref)
        return FeedHealth.of(feed, _now(session)) if feed else None


def remove_feed(factory: sessionmaker[Session], ref: str) -> FeedHealth | None:
    """Stop following a feed (by id or URL); its articles stay. None when there is none."""
    with transaction(factory) as session:
        feed = repository.find_feed(session, ref)
        if feed is None:
            return None
        health = FeedHealth.of(feed)
        repository.delete_feed(session, feed)
        return health


def make_due(factory: sessionmaker[Session], ids: Sequence[int] | None = None) -> int:
    """Poll these feeds (all without `ids`) at the next chance; a poll under way finishes
    first. How many feeds that is."""
    with transaction(factory) as session:
        return repository.mark_due(session, ids)


def due_feed_ids(factory: sessionmaker[Session], limit: int = 1000) -> list[int]:
    with factory() as session:
        return repository.due_feed_ids(session, limit)


def seconds_until_due(
    factory: sessionmaker[Session], ids: Sequence[int] | None = None
) -> float | None:
    """How long until a feed (of `ids`) nobody holds is due; None when there is none."""
    with factory() as session:
        return repository.seconds_until_due(session, ids)


def claim_due(
    factory: sessionmaker[Session], limit: int = 100, ids: Sequence[int] | None = None
) -> list[ClaimedFeed]:
    """Take due feeds for polling: a feed taken is no other worker's until `finish_poll`
    (or until its lease runs out, should this process die)."""
    with transaction(factory) as session:
        feeds = repository.claim_due(session, POLL_LEASE, limit, ids)
        return [
            ClaimedFeed(
                f.id, f.url, f.outlet, f.interval_seconds, f.failures, f.etag, f.last_modified
            )
            for f in feeds
        ]


def finish_poll(
    factory: sessionmaker[Session],
    feed: ClaimedFeed,
    *,
    error: str | None = None,
    retry_after: float | None = None,
    title: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    items_seen: int = 0,
    articles_stored: int = 0,
) -> None:
    """Record a poll and release the feed: next due after its interval, or after a backoff
    that doubles with each failure in a row (at least what Retry-After asked)."""
    if error is None:
        next_in = float(feed.interval_seconds)
    else:
        backoff = feed.interval_seconds * 2.0 ** min(feed.failures, 16)
        next_in = max(min(backoff, max(MAX_BACKOFF, feed.interval_seconds)), retry_after or 0.0)
    with transaction(factory) as session:
        repository.finish_poll(
            session,
            feed.id,
            next_in=next_in,
            error=error,
            title=title,
            etag=etag,
            last_modified=last_modified,
            items_seen=items_seen,
            articles_stored=articles_stored,
        )


@dataclass(frozen=True)
class SeenState:
    signature: str
    etag: str | None
    last_modified: str | None
    attempts: int
    fetched_at: datetime | None
    error: str | None  # why its page gave no article


def seen_entries(
    factory: sessionmaker[Session], feed_id: int, keys: Sequence[str]
) -> dict[str, SeenState]:
    with factory() as session:
        found = repository.seen_entries(session, feed_id, keys)
        return {key: _state(entry) for key, entry in found.items()}


def _state(entry: SeenEntry) -> SeenState:
    return SeenState(
        entry.signature,
        entry.etag,
        entry.last_modified,
        entry.attempts,
        entry.fetched_at,
        entry.error,
    )


@dataclass
class EntryRecord:
    """What a poll learnt of one entry, to remember: its page, the article it gave (or why
    not) and the signature that decides whether it is fetched again."""

    entry_key: str
    url: str
    signature: str
    fetched_at: datetime | None = None
    article_id: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    failed: bool = False  # a failed fetch: counted, tried again while attempts last


def save_entries(
    factory: sessionmaker[Session], feed_id: int, records: Sequence[EntryRecord]
) -> int:
    """Remember a poll's entries in one transaction; how many were new to the feed."""
    if not records:
        return 0
    with transaction(factory) as session:
        return sum(
            repository.save_entry(
                session,
                feed_id,
                record.entry_key[:2000],
                url=record.url,
                signature=record.signature,
                article_id=record.article_id,
                etag=record.etag,
                last_modified=record.last_modified,
                error=record.error,
                failed=record.failed,
                fetched_at=record.fetched_at,
            )
            for record in records
        )


def stale_entries(
    factory: sessionmaker[Session],
    feed_id: int,
    fetched_before: datetime,
    seen_after: datetime,
    limit: int,
) -> list[tuple[str, str, SeenState]]:
    """Entries whose page gave an article, first seen after `seen_after` and not fetched since
    `fetched_before`, least recently fetched first: (entry key, page URL, state)."""
    with factory() as session:
        found = repository.stale_entries(session, feed_id, fetched_before, seen_after, limit)
        return [(entry.entry_key, entry.url, _state(entry)) for entry in found]


def _now(session: Session) -> datetime:
    """The database's clock, which claims are judged by."""
    return session.execute(select(func.now())).scalar_one()
