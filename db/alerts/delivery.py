"""The webhook outbox: claim due deliveries, sign and send them, log every attempt, retry
with exponential backoff for the retry window, and disable an endpoint that keeps failing.

At least once: a delivery is marked delivered only after a 2xx answer, so a crash between
sending and recording sends it again, with the same `webhook-id`, and receivers deduplicate.
The HTTP client is handed in (`WebhookClient`): the composition root gives the guarded one
that refuses private and loopback addresses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.alerts import repository
from db.alerts.repository import DueDelivery
from db.alerts.service import disable_webhook
from db.alerts.signing import signed_headers
from db.models import Alert, WebhookAttempt, WebhookDelivery
from db.session import transaction
from db.vocabulary import DeliveryStatus


@dataclass(frozen=True)
class SendResult:
    """What one POST got: the status (None: no answer), how long it took, what went wrong."""

    status: int | None
    latency_ms: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookClient(Protocol):
    """Sends webhook POSTs (never following redirects) to the addresses it allows."""

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult: ...

    def refusal(self, url: str) -> str | None:
        """Why deliveries to `url` would be refused (scheme, address), or None."""
        ...


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: `base`, twice that, … (at most `cap`, ±10 %), for `window`
    seconds after the event; `lease` is how long a claimed delivery is left to its sender."""

    base: float = 5.0
    window: float = 86_400.0
    cap: float = 6 * 3600.0
    lease: float = 120.0

    def delay(self, attempts: int) -> float:
        """Seconds before the next try after `attempts` failed ones."""
        return min(self.base * 2 ** (attempts - 1), self.cap) * random.uniform(0.9, 1.1)


def claim(factory: sessionmaker[Session], limit: int, policy: RetryPolicy) -> list[DueDelivery]:
    with transaction(factory) as session:
        return repository.claim_due(session, limit, policy.lease)


def send(client: WebhookClient, due: DueDelivery) -> SendResult:
    """One signed attempt (its timestamp is now; the id and body are the event's)."""
    headers = signed_headers(due.secret, due.message_id, due.payload)
    return client.post(due.url, due.payload.encode(), headers)


def record(
    factory: sessionmaker[Session], due: DueDelivery, result: SendResult, policy: RetryPolicy
) -> DeliveryStatus | None:
    """Log the attempt and decide what follows: delivered, retried later, or given up (and
    the endpoint disabled when nothing has succeeded for this delivery's whole window).
    None when the delivery or its alert was deleted meanwhile."""
    with transaction(factory) as session:
        alert = repository.alert_for_update(session, due.alert_id)
        delivery = repository.delivery_for_update(session, due.id)
        if alert is None or delivery is None:
            return None
        now = datetime.now(UTC)
        delivery.attempts = due.attempt
        delivery.last_status_code = result.status
        delivery.last_latency_ms = round(result.latency_ms, 2)
        delivery.last_error = result.error
        repository.add_attempt(
            session,
            WebhookAttempt(
                delivery_id=delivery.id,
                attempt=due.attempt,
                attempted_at=now,
                status_code=result.status,
                latency_ms=round(result.latency_ms, 2),
                error=result.error,
            ),
        )
        if result.ok:
            delivery.status = DeliveryStatus.delivered
            delivery.finished_at = now
            alert.webhook_failing_since = None
            return delivery.status
        alert.webhook_failing_since = alert.webhook_failing_since or now
        retry_at = now + timedelta(seconds=policy.delay(due.attempt))
        if retry_at - delivery.created_at <= timedelta(seconds=policy.window):
            delivery.next_attempt_at = retry_at
            return delivery.status
        delivery.status = DeliveryStatus.failed
        delivery.finished_at = now
        delivery.last_error = (
            f"gave up after {due.attempt} attempts over {_span(now - delivery.created_at)}: "
            f"{result.error}"
        )
        if alert.webhook_failing_since <= _first_attempt(session, delivery):
            _disable(session, alert, delivery, now, result)
        return delivery.status


def _first_attempt(session: Session, delivery: WebhookDelivery) -> datetime:
    first = session.scalar(
        select(func.min(WebhookAttempt.attempted_at)).where(
            WebhookAttempt.delivery_id == delivery.id
        )
    )
    return first or delivery.created_at


def _disable(
    session: Session, alert: Alert, delivery: WebhookDelivery, now: datetime, result: SendResult
) -> None:
    """Persistent failure: nothing has succeeded for this delivery's whole window."""
    since = alert.webhook_failing_since or now
    disable_webhook(
        session,
        alert,
        f"disabled automatically at {now:%Y-%m-%d %H:%M:%S} UTC: no delivery has succeeded "
        f"since {since:%Y-%m-%d %H:%M:%S} UTC, and event {delivery.message_id} failed "
        f"{delivery.attempts} attempts over {_span(now - delivery.created_at)} "
        f"(last: {result.error}). Fix the receiver, then PATCH the alert with "
        '{"webhook_enabled": true}.',
    )


def _span(elapsed: timedelta) -> str:
    seconds = elapsed.total_seconds()
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.1f} s"
