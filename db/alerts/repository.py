"""The SQL of alerts, the new-quote queue they are matched from, and webhook deliveries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, bindparam, delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session, selectinload

from db.models import Alert, AlertOutbox, ApiKey, IndexOutbox, WebhookAttempt, WebhookDelivery
from db.vocabulary import DeliveryStatus


def add_alert(session: Session, alert: Alert) -> Alert:
    session.add(alert)
    session.flush()
    return alert


def alerts_of(session: Session, key_id: int) -> list[Alert]:
    return list(session.scalars(select(Alert).where(Alert.key_id == key_id).order_by(Alert.id)))


def alert_of(session: Session, key_id: int, alert_id: int, lock: bool = False) -> Alert | None:
    """The key's alert with this id; None for another key's (which must look absent)."""
    stmt = select(Alert).where(Alert.id == alert_id, Alert.key_id == key_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def alert_by_feed_token(session: Session, alert_id: int, token_hash: str) -> Alert | None:
    """The alert whose feed token has this digest, while its key is not revoked."""
    return session.scalar(
        select(Alert)
        .join(ApiKey, ApiKey.id == Alert.key_id)
        .where(
            Alert.id == alert_id,
            Alert.feed_token_hash == token_hash,
            ApiKey.revoked_at.is_(None),
        )
    )


def delete_alert(session: Session, alert: Alert) -> None:
    session.delete(alert)


def _live_webhook() -> list:
    """Alerts whose webhook may receive deliveries: set, not disabled, key not revoked."""
    return [
        Alert.webhook_url.is_not(None),
        Alert.webhook_disabled_at.is_(None),
        exists().where(ApiKey.id == Alert.key_id, ApiKey.revoked_at.is_(None)),
    ]


def live_webhook_alerts(session: Session) -> list[Alert]:
    return list(session.scalars(select(Alert).where(*_live_webhook()).order_by(Alert.id)))


def enqueue_new_quotes(session: Session, quote_ids: Sequence[int]) -> None:
    """Queue new quotes for matching, in one statement, only while some webhook is live (an
    archive ingested with no webhook defined costs one cheap EXISTS per batch)."""
    if not quote_ids:
        return
    ids = func.unnest(bindparam("ids", list(quote_ids), type_=ARRAY(BigInteger)))
    session.execute(
        insert(AlertOutbox).from_select(
            ["quote_id"], select(ids).where(exists(select(Alert.id).where(*_live_webhook())))
        )
    )


def claim_indexed_new_quotes(session: Session, limit: int) -> list[tuple[int, int]]:
    """Up to `limit` queued new quotes that the index has taken (no index event waits for
    them), as (queue id, quote id), locked for this transaction; rows another matcher holds
    are skipped."""
    rows = session.execute(
        select(AlertOutbox.id, AlertOutbox.quote_id)
        .where(~exists().where(IndexOutbox.quote_id == AlertOutbox.quote_id))
        .order_by(AlertOutbox.quote_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [(queue_id, quote_id) for queue_id, quote_id in rows]


def forget_new_quotes(session: Session, queue_ids: Sequence[int]) -> None:
    session.execute(delete(AlertOutbox).where(AlertOutbox.id.in_(queue_ids)))


def count_unmatched(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AlertOutbox)) or 0


def add_deliveries(session: Session, rows: Iterable[dict]) -> int:
    """Queue deliveries; one already queued for the same alert and quote is kept, not doubled.
    Returns how many were queued."""
    values = list(rows)
    if not values:
        return 0
    result = session.execute(
        insert(WebhookDelivery)
        .values(values)
        .on_conflict_do_nothing(constraint="uq_webhook_delivery_match")
        .returning(WebhookDelivery.id)
    )
    return len(result.all())


@dataclass(frozen=True)
class DueDelivery:
    """A delivery claimed for one attempt, with what sending it needs."""

    id: int
    alert_id: int
    message_id: str
    payload: str
    attempt: int  # the number this attempt will have
    created_at: datetime
    url: str
    secret: str


def claim_due(session: Session, limit: int, lease_seconds: float) -> list[DueDelivery]:
    """Claim up to `limit` due deliveries of live webhooks for one attempt each.

    `FOR UPDATE SKIP LOCKED` keeps two workers from claiming the same row; the claim moves
    its next attempt a lease ahead, so once committed no other worker takes it while it is
    being sent, and should this worker die, it is retried when the lease runs out.
    """
    due = (
        select(WebhookDelivery.id)
        .join(Alert, Alert.id == WebhookDelivery.alert_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.pending,
            WebhookDelivery.next_attempt_at <= func.now(),
            *_live_webhook(),
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    )
    rows = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(due.scalar_subquery()))
        .where(Alert.id == WebhookDelivery.alert_id)
        .values(next_attempt_at=func.now() + timedelta(seconds=lease_seconds))
        .returning(
            WebhookDelivery.id,
            WebhookDelivery.alert_id,
            WebhookDelivery.message_id,
            WebhookDelivery.payload,
            WebhookDelivery.attempts,
            WebhookDelivery.created_at,
            Alert.webhook_url,
            Alert.webhook_secret,
        )
    )
    return [
        DueDelivery(id_, alert_id, message_id, payload, attempts + 1, created, url, secret)
        for id_, alert_id, message_id, payload, attempts, created, url, secret in rows
        if url and secret  # always, for a live webhook
    ]


def delivery_for_update(session: Session, delivery_id: int) -> WebhookDelivery | None:
    return session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update()
    )


def alert_for_update(session: Session, alert_id: int) -> Alert | None:
    return session.scalar(select(Alert).where(Alert.id == alert_id).with_for_update())


def add_attempt(session: Session, attempt: WebhookAttempt) -> None:
    session.add(attempt)


def fail_pending(session: Session, alert_id: int, reason: str) -> None:
    """Give up every delivery still waiting for this alert's webhook."""
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.alert_id == alert_id,
            WebhookDelivery.status == DeliveryStatus.pending,
        )
        .values(status=DeliveryStatus.failed, last_error=reason, finished_at=func.now())
    )


def deliveries_of(
    session: Session, alert_id: int, limit: int, before: int | None = None
) -> list[WebhookDelivery]:
    """The alert's deliveries, newest first, with their attempts."""
    stmt = (
        select(WebhookDelivery)
        .where(WebhookDelivery.alert_id == alert_id)
        .options(selectinload(WebhookDelivery.attempt_log))
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(WebhookDelivery.id < before)
    return list(session.scalars(stmt))
