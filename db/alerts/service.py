"""Alerts: created, changed and deleted for the key that owns them; feed tokens and webhook
secrets made here and shown once; test events queued.

The search itself arrives as its canonical query string (the API parses and checks it with
the one URL↔search mapping); this package never parses URLs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from db.alerts import repository
from db.alerts.signing import new_message_id, new_secret
from db.models import Alert, WebhookDelivery
from db.search_index import QuoteDocument
from db.vocabulary import DeliveryStatus, WebhookEvent

FEED_TOKEN_PREFIX = "oft_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token() -> str:
    """A feed token: 256 random bits, stored only as a digest (like API keys)."""
    return FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Created:
    """A new alert and its secrets, which are shown this once."""

    alert: Alert
    feed_token: str
    webhook_secret: str | None


def create_alert(
    session: Session, key_id: int, name: str, query: str, webhook_url: str | None
) -> Created:
    token = new_feed_token()
    secret = new_secret() if webhook_url else None
    alert = repository.add_alert(
        session,
        Alert(
            key_id=key_id,
            name=name,
            query=query,
            feed_token_hash=_digest(token),
            webhook_url=webhook_url,
            webhook_secret=secret,
        ),
    )
    return Created(alert, token, secret)


def set_webhook(alert: Alert, url: str | None) -> str | None:
    """Point the alert's webhook at `url` (None removes it); a new URL gets a new secret
    (returned, to show once) and starts enabled. The same URL again changes nothing."""
    if url == alert.webhook_url:
        return None
    alert.webhook_url = url
    alert.webhook_secret = new_secret() if url else None
    enable_webhook(alert)
    return alert.webhook_secret


def enable_webhook(alert: Alert) -> None:
    """Enable a disabled webhook again (deliveries resume with new events)."""
    alert.webhook_disabled_at = None
    alert.webhook_disabled_reason = None
    alert.webhook_failing_since = None


def disable_webhook(session: Session, alert: Alert, reason: str) -> None:
    """Stop deliveries to the alert's webhook, saying why; what still waits for it is given
    up (the alert's Atom feed still has every quote)."""
    alert.webhook_disabled_at = datetime.now(UTC)
    alert.webhook_disabled_reason = reason
    session.flush()
    repository.fail_pending(session, alert.id, "not sent: the webhook was disabled")


def rotate_webhook_secret(alert: Alert) -> str:
    """A new signing secret for the same URL; the old one stops working at once."""
    if not alert.webhook_url:
        raise ValueError("the alert has no webhook")
    alert.webhook_secret = new_secret()
    return alert.webhook_secret


def rotate_feed_token(alert: Alert) -> str:
    """A new feed token; the old feed URL stops working at once."""
    token = new_feed_token()
    alert.feed_token_hash = _digest(token)
    return token


def feed_alert(session: Session, alert_id: int, token: str) -> Alert | None:
    """The alert this feed token opens; None for a wrong token (or a revoked key)."""
    presented = _digest(token)
    alert = repository.alert_by_feed_token(session, alert_id, presented)
    if alert is None or not hmac.compare_digest(alert.feed_token_hash, presented):
        return None
    return alert


def alert_data(alert: Alert, base_url: str) -> dict[str, Any]:
    """The alert as a webhook payload names it."""
    search = f"?{alert.query}" if alert.query else ""
    return {
        "id": alert.id,
        "name": alert.name,
        "query": alert.query,
        "search_url": f"{base_url}/{search}",
    }


def quote_data(doc: QuoteDocument, base_url: str) -> dict[str, Any]:
    """A quote as a webhook payload gives it: the fields of a search hit that a receiver
    needs to show and cite it, with its permalink."""
    speaker = None
    if doc["speaker_id"] is not None and doc["speaker"]:
        speaker = {"id": doc["speaker_id"], "name": doc["speaker"], "slug": doc["speaker_slug"]}
    return {
        "id": doc["id"],
        "cited": doc["cited"],
        "text": doc["text"],
        "type": doc["type"],
        "speaker": speaker,
        "said_on": doc["said_on"],
        "context": doc["context"],
        "confidence": doc["confidence"],
        "article": {
            "id": doc["article_id"],
            "title": doc["article_title"],
            "url": doc["article_url"],
            "outlet": doc["outlet"],
            "published_at": doc["published_at"],
        },
        "permalink": f"{base_url}/quotes/{doc['id']}",
    }


def payload(event: WebhookEvent, data: dict[str, Any]) -> str:
    """The body of a delivery, as the spec suggests: `type`, `timestamp`, `data`."""
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return orjson.dumps({"type": event.value, "timestamp": now, "data": data}).decode()


def match_key(doc: QuoteDocument) -> str:
    """What makes two quote rows the same quote for an alert: its article and its words (an
    article stored again gives its quotes new ids, and they must not be delivered twice)."""
    words = hashlib.sha256(doc["cited"].encode()).hexdigest()[:32]
    return f"{doc['article_id']}:{words}"


def queue_test_event(session: Session, alert: Alert, base_url: str) -> WebhookDelivery:
    """A test event for the alert's webhook, sent by the worker like any other delivery."""
    if not alert.webhook_url:
        raise ValueError("the alert has no webhook")
    data = {
        "alert": alert_data(alert, base_url),
        "message": "A test event from OnRecord: the webhook is reachable and signed.",
    }
    delivery = WebhookDelivery(
        alert_id=alert.id,
        message_id=new_message_id(),
        event=WebhookEvent.test,
        payload=payload(WebhookEvent.test, data),
        status=DeliveryStatus.pending,
    )
    session.add(delivery)
    session.flush()
    return delivery
