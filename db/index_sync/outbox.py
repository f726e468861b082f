"""The index outbox: one row per quote change the search index has not yet taken."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db.bulk import copy_rows
from db.models import IndexOutbox

# One drainer at a time: two could push an older and a newer version of a quote out of order.
_OUTBOX_LOCK = 0x0E1C0D

# Events Meilisearch refused the document of are kept but never sent: not waiting
_REFUSED = IndexOutbox.refused_at.is_not(None)
_WAITING = IndexOutbox.refused_at.is_(None)


def enqueue(session: Session, quote_ids: Iterable[int]) -> None:
    """Record that these quotes changed; the index takes them when the outbox is drained."""
    copy_rows(session, "index_outbox", ("quote_id",), ((quote_id,) for quote_id in quote_ids))


def lock_outbox(session: Session, wait: bool, timeout: float | None = None) -> bool:
    """Take the drain lock for this transaction; without `wait`, False when someone holds it.

    With a `timeout` (seconds), waiting longer raises `OperationalError` (`is_lock_timeout`).
    """
    if not wait:
        return bool(session.scalar(select(func.pg_try_advisory_xact_lock(_OUTBOX_LOCK))))
    if timeout is not None:
        session.execute(
            select(func.set_config("lock_timeout", f"{max(int(timeout * 1000), 1)}ms", True))
        )
    session.execute(select(func.pg_advisory_xact_lock(_OUTBOX_LOCK)))
    if timeout is not None:
        session.execute(select(func.set_config("lock_timeout", "0", True)))
    return True


@contextmanager
def drain_lock_held(connection: Connection) -> Iterator[None]:
    """Hold the drain lock on this connection across its transactions, taken outside any of
    them: a transaction begun inside then has a snapshot no drainer can have changed."""
    connection.execute(select(func.pg_advisory_lock(_OUTBOX_LOCK)))
    connection.commit()
    try:
        yield
    finally:
        connection.rollback()
        connection.execute(select(func.pg_advisory_unlock(_OUTBOX_LOCK)))
        connection.commit()


def is_lock_timeout(exc: OperationalError) -> bool:
    """The error `lock_outbox` raises when its timeout passed (SQLSTATE 55P03)."""
    return getattr(exc.orig, "sqlstate", None) == "55P03"


def outbox_batch(session: Session, limit: int, after: int = 0) -> list[tuple[int, int]]:
    """The oldest changes not yet sent after event `after`, as (event id, quote id)."""
    rows = session.execute(
        select(IndexOutbox.id, IndexOutbox.quote_id)
        .where(
            IndexOutbox.id > after,
            IndexOutbox.task_uids.is_(None),
            _WAITING,
        )
        .order_by(IndexOutbox.id)
        .limit(limit)
    )
    return [(event_id, quote_id) for event_id, quote_id in rows]


def mark_sent(session: Session, event_ids: Sequence[int], task_uids: Sequence[int]) -> None:
    """These changes went to Meilisearch in these tasks, not yet confirmed."""
    session.execute(
        update(IndexOutbox).where(IndexOutbox.id.in_(event_ids)).values(task_uids=list(task_uids))
    )


def sent_events(session: Session) -> list[tuple[int, int, list[int]]]:
    """Changes sent without waiting, as (event id, quote id, task uids)."""
    rows = session.execute(
        select(IndexOutbox.id, IndexOutbox.quote_id, IndexOutbox.task_uids)
        .where(IndexOutbox.task_uids.is_not(None))
        .order_by(IndexOutbox.id)
    )
    return [(event_id, quote_id, list(uids or ())) for event_id, quote_id, uids in rows]


def resend_events(session: Session, event_ids: Sequence[int], error: str) -> None:
    """Their tasks failed or were lost: count the attempt and queue the changes again."""
    session.execute(
        update(IndexOutbox)
        .where(IndexOutbox.id.in_(event_ids))
        .values(attempts=IndexOutbox.attempts + 1, last_error=error[:2000], task_uids=None)
    )


def finish_events(session: Session, event_ids: Sequence[int]) -> None:
    session.execute(delete(IndexOutbox).where(IndexOutbox.id.in_(event_ids)))


def refuse_events(session: Session, event_ids: Sequence[int], error: str) -> None:
    """Meilisearch refused these changes' document on its own: keep them, with why, unsent."""
    session.execute(
        update(IndexOutbox)
        .where(IndexOutbox.id.in_(event_ids))
        .values(
            attempts=IndexOutbox.attempts + 1,
            last_error=error[:2000],
            task_uids=None,
            refused_at=func.now(),
        )
    )


def clear_refused(session: Session, quote_ids: Sequence[int]) -> None:
    """These quotes' documents were just taken: their earlier refusals no longer stand."""
    session.execute(delete(IndexOutbox).where(IndexOutbox.quote_id.in_(quote_ids), _REFUSED))


def refused_summary(session: Session) -> tuple[int, str | None]:
    """How many quotes' documents Meilisearch refused (kept out of the search until they
    change or are repaired), and the latest reason."""
    count = session.scalar(select(func.count(func.distinct(IndexOutbox.quote_id))).where(_REFUSED))
    reason = session.scalar(
        select(IndexOutbox.last_error).where(_REFUSED).order_by(IndexOutbox.id.desc()).limit(1)
    )
    return count or 0, reason


def fail_events(session: Session, event_ids: Sequence[int], error: str) -> None:
    session.execute(
        update(IndexOutbox)
        .where(IndexOutbox.id.in_(event_ids))
        .values(attempts=IndexOutbox.attempts + 1, last_error=error[:2000])
    )


def drop_visible_events(session: Session) -> None:
    """Forget the changes this transaction's snapshot can see (a rebuild in that snapshot took
    them); changes committed after the snapshot stay queued."""
    session.execute(delete(IndexOutbox))


def count_pending(session: Session) -> int:
    """Quotes whose change waits for the index (sent ones too, until confirmed; refused
    ones not: nothing will send them)."""
    return (
        session.scalar(select(func.count(func.distinct(IndexOutbox.quote_id))).where(_WAITING)) or 0
    )


def count_unsent_and_sent(session: Session) -> tuple[int, int]:
    """Quotes whose change is not yet sent, and those sent and not yet confirmed, in one
    query."""
    quote = func.distinct(IndexOutbox.quote_id)
    unsent, sent = session.execute(
        select(
            func.count(quote).filter(IndexOutbox.task_uids.is_(None)),
            func.count(quote).filter(IndexOutbox.task_uids.is_not(None)),
        ).where(_WAITING)
    ).one()
    return unsent, sent


def outbox_last_error(session: Session) -> str | None:
    """The latest failure of a change still waiting (refusals are `refused_summary`'s)."""
    return session.scalar(
        select(IndexOutbox.last_error)
        .where(IndexOutbox.last_error.is_not(None), _WAITING)
        .order_by(IndexOutbox.id.desc())
        .limit(1)
    )
