"""Feed and seen-entry SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from db.models import Feed, SeenEntry


def add_feed(session: Session, url: str, outlet: str | None, interval_seconds: int) -> Feed:
    feed = Feed(url=url, outlet=outlet, interval_seconds=interval_seconds)
    session.add(feed)
    session.flush()
    return feed


def feed_by_url(session: Session, url: str) -> Feed | None:
    return session.scalar(select(Feed).where(Feed.url == url))


def find_feed(session: Session, ref: str) -> Feed | None:
    """A feed by id or by its exact URL."""
    if ref.isdigit():
        return session.get(Feed, int(ref))
    return feed_by_url(session, ref)


def list_feeds(session: Session) -> list[Feed]:
    return list(session.scalars(select(Feed).order_by(Feed.id)))


def delete_feed(session: Session, feed: Feed) -> None:
    session.delete(feed)


def mark_due(session: Session, ids: Sequence[int] | None = None) -> int:
    """Make feeds due now (all of them without `ids`); how many."""
    stmt = update(Feed).values(next_poll_at=func.now()).returning(Feed.id)
    if ids is not None:
        stmt = stmt.where(Feed.id.in_(ids))
    return len(session.scalars(stmt).all())


def due_feed_ids(session: Session, limit: int) -> list[int]:
    """Feeds whose time has come and that no one is polling, soonest first."""
    stmt = (
        select(Feed.id)
        .where(Feed.next_poll_at <= func.now(), _unclaimed())
        .order_by(Feed.next_poll_at)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def seconds_until_due(session: Session, ids: Sequence[int] | None = None) -> float | None:
    """How long until the soonest unclaimed feed (of `ids`) is due (0 when one is), None
    when there is no such feed."""
    soonest = func.min(Feed.next_poll_at) - func.now()
    stmt = select(func.extract("epoch", soonest)).where(_unclaimed())
    if ids is not None:
        stmt = stmt.where(Feed.id.in_(ids))
    seconds = session.scalar(stmt)
    return None if seconds is None else max(0.0, float(seconds))


def claim_due(
    session: Session, lease_seconds: float, limit: int, ids: Sequence[int] | None = None
) -> list[Feed]:
    """Take due, unclaimed feeds for polling: rows another transaction holds are skipped and
    the ones taken are marked polled-until a lease, so no other worker takes them meanwhile."""
    due = select(Feed.id).where(Feed.next_poll_at <= func.now(), _unclaimed())
    if ids is not None:
        due = due.where(Feed.id.in_(ids))
    due = due.order_by(Feed.next_poll_at).limit(limit).with_for_update(skip_locked=True)
    stmt = (
        update(Feed)
        .where(Feed.id.in_(due.scalar_subquery()))
        .values(
            polling_until=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, lease_seconds),
            last_polled_at=func.now(),
        )
        .returning(Feed)
        .execution_options(synchronize_session=False)
    )
    return list(session.scalars(stmt))


def _unclaimed() -> ColumnElement[bool]:
    return or_(Feed.polling_until.is_(None), Feed.polling_until < func.now())


def finish_poll(
    session: Session,
    feed_id: int,
    *,
    next_in: float,
    error: str | None,
    title: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    items_seen: int = 0,
    articles_stored: int = 0,
) -> None:
    """Release the claim, schedule the next poll and record how this one went. A poll that
    succeeded is next due `next_in` after it started (not after it ended, which would add its
    duration to every interval), or now if that has passed."""
    now = func.now()
    after = func.make_interval(0, 0, 0, 0, 0, 0, next_in)
    values: dict[str, object] = {
        "polling_until": None,
        "next_poll_at": func.greatest(Feed.last_polled_at + after, now)
        if error is None
        else now + after,
        "items_seen": Feed.items_seen + items_seen,
        "articles_stored": Feed.articles_stored + articles_stored,
    }
    if error is None:
        values |= {"last_success_at": now, "failures": 0, "last_error": None}
        values |= {"etag": etag, "last_modified": last_modified}
        if title:
            values["title"] = title[:1000]
    else:
        values |= {"last_error": error, "last_error_at": now, "failures": Feed.failures + 1}
    session.execute(update(Feed).where(Feed.id == feed_id).values(**values))


def seen_entries(session: Session, feed_id: int, keys: Sequence[str]) -> dict[str, SeenEntry]:
    if not keys:
        return {}
    stmt = select(SeenEntry).where(SeenEntry.feed_id == feed_id, SeenEntry.entry_key.in_(keys))
    return {entry.entry_key: entry for entry in session.scalars(stmt)}


def save_entry(
    session: Session,
    feed_id: int,
    entry_key: str,
    *,
    url: str,
    signature: str,
    article_id: int | None,
    etag: str | None,
    last_modified: str | None,
    error: str | None,
    failed: bool,
    fetched_at: datetime | None,
) -> bool:
    """Insert or update the entry; True when it was new."""
    entry = session.scalar(
        select(SeenEntry)
        .where(SeenEntry.feed_id == feed_id, SeenEntry.entry_key == entry_key)
        .with_for_update()
    )
    new = entry is None
    if entry is None:
        entry = SeenEntry(feed_id=feed_id, entry_key=entry_key, attempts=0)
        session.add(entry)
    entry.url = url
    entry.signature = signature
    entry.error = error
    entry.attempts = entry.attempts + 1 if failed else 0
    if article_id is not None:
        entry.article_id = article_id
    if etag or last_modified:
        entry.etag, entry.last_modified = etag, last_modified
    if fetched_at is not None:
        entry.fetched_at = fetched_at
    session.flush()
    return new


def stale_entries(
    session: Session, feed_id: int, fetched_before: datetime, seen_after: datetime, limit: int
) -> list[SeenEntry]:
    stmt = (
        select(SeenEntry)
        .where(
            SeenEntry.feed_id == feed_id,
            SeenEntry.article_id.is_not(None),
            SeenEntry.error.is_(None),
            SeenEntry.first_seen_at > seen_after,
            SeenEntry.fetched_at < fetched_before,
        )
        .order_by(SeenEntry.fetched_at)
        .limit(limit)
    )
    return list(session.scalars(stmt))
