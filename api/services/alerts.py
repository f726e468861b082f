"""Alerts for the routes: the search parsed with the one URL↔search mapping, the alert's owner
checked (another key's alert is absent: 404), secrets shown once, schemas out; and the Atom
feeds of searches and alerts."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from api.errors import APIError
from api.schemas import (
    AlertCreated,
    AlertIn,
    AlertList,
    AlertOut,
    AlertPatch,
    DeliveryAttemptOut,
    DeliveryList,
    DeliveryOut,
    WebhookOut,
)
from api.search_params import SearchParams, canonical_query, parse_search
from api.services.atom import FeedInfo, atom_feed, tag_uri
from api.services.search import QuoteUrl, linked, run_search
from db.alerts import repository
from db.alerts import service as alerts
from db.alerts.delivery import WebhookClient
from db.models import Alert, WebhookDelivery
from db.search_index import AsyncSearcher, SearchQuery
from db.session import transaction
from db.vocabulary import DeliveryStatus

FEED_ENTRIES = 50  # quotes in a feed unless `per_page` says otherwise (at most 100)


def feed_path(alert_id: int) -> str:
    return f"/v1/alerts/{alert_id}/feed.atom"


def _webhook(alert: Alert) -> WebhookOut | None:
    if not alert.webhook_url:
        return None
    return WebhookOut(
        url=alert.webhook_url,
        enabled=alert.webhook_disabled_at is None,
        disabled_at=alert.webhook_disabled_at,
        disabled_reason=alert.webhook_disabled_reason,
        failing_since=alert.webhook_failing_since,
    )


def alert_out(alert: Alert, base_url: str) -> AlertOut:
    return AlertOut(
        id=alert.id,
        name=alert.name,
        search=alert.query,
        search_url=f"{base_url}/" + (f"?{alert.query}" if alert.query else ""),
        feed_url=f"{base_url}{feed_path(alert.id)}",
        webhook=_webhook(alert),
        created_at=alert.created_at,
    )


def _search(search: str) -> str:
    """The canonical query string of a search given as a URL or query string (400 if bad)."""
    return canonical_query(parse_search(search))


def _checked_webhook(client: WebhookClient, url: str | None) -> str | None:
    if url is None:
        return None
    why = client.refusal(url.strip())
    if why:
        raise APIError(400, f"webhook_url is refused: {why}")
    return url.strip()


def _owned(session: Session, key_id: int, alert_id: int) -> Alert:
    alert = repository.alert_of(session, key_id, alert_id, lock=True)
    if alert is None:
        raise APIError(404, f"no alert {alert_id} for this key")
    return alert


def create_alert(
    factory: sessionmaker[Session],
    key_id: int,
    body: AlertIn,
    client: WebhookClient,
    base_url: str,
) -> AlertCreated:
    query = _search(body.search)
    webhook_url = _checked_webhook(client, body.webhook_url)
    with transaction(factory) as session:
        created = alerts.create_alert(session, key_id, body.name.strip(), query, webhook_url)
        out = alert_out(created.alert, base_url)
    return AlertCreated(
        **out.model_dump(),
        feed_subscribe_url=f"{out.feed_url}?token={created.feed_token}",
        webhook_secret=created.webhook_secret,
    )


def list_alerts(session: Session, key_id: int, base_url: str) -> AlertList:
    return AlertList(alerts=[alert_out(a, base_url) for a in repository.alerts_of(session, key_id)])


def get_alert(session: Session, key_id: int, alert_id: int, base_url: str) -> AlertOut:
    return alert_out(_owned(session, key_id, alert_id), base_url)


def update_alert(
    factory: sessionmaker[Session],
    key_id: int,
    alert_id: int,
    body: AlertPatch,
    client: WebhookClient,
    base_url: str,
) -> tuple[AlertOut, str | None]:
    """The changed alert, and the new webhook secret when the webhook URL changed."""
    given = body.model_fields_set
    query = _search(body.search) if body.search is not None else None
    webhook_url = _checked_webhook(client, body.webhook_url) if "webhook_url" in given else None
    secret = None
    with transaction(factory) as session:
        alert = _owned(session, key_id, alert_id)
        if body.name is not None:
            alert.name = body.name.strip()
        if query is not None:
            alert.query = query
        if "webhook_url" in given:
            secret = alerts.set_webhook(alert, webhook_url)
        if body.webhook_enabled is not None:
            if not alert.webhook_url:
                raise APIError(400, "the alert has no webhook to enable or disable")
            if body.webhook_enabled:
                alerts.enable_webhook(alert)
            elif alert.webhook_disabled_at is None:
                alerts.disable_webhook(session, alert, "disabled by its owner")
        session.flush()
        out = alert_out(alert, base_url)
    return out, secret


def delete_alert(factory: sessionmaker[Session], key_id: int, alert_id: int) -> None:
    with transaction(factory) as session:
        repository.delete_alert(session, _owned(session, key_id, alert_id))


def rotate_feed_token(
    factory: sessionmaker[Session], key_id: int, alert_id: int, base_url: str
) -> str:
    """The new feed URL with its token."""
    with transaction(factory) as session:
        token = alerts.rotate_feed_token(_owned(session, key_id, alert_id))
    return f"{base_url}{feed_path(alert_id)}?token={token}"


def rotate_webhook_secret(factory: sessionmaker[Session], key_id: int, alert_id: int) -> str:
    with transaction(factory) as session:
        alert = _owned(session, key_id, alert_id)
        if not alert.webhook_url:
            raise APIError(400, "the alert has no webhook")
        return alerts.rotate_webhook_secret(alert)


def delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    pending = delivery.status == DeliveryStatus.pending
    return DeliveryOut(
        id=delivery.id,
        message_id=delivery.message_id,
        event=delivery.event.value,
        quote_id=delivery.quote_id,
        status=delivery.status.value,
        attempts=delivery.attempts,
        created_at=delivery.created_at,
        next_attempt_at=delivery.next_attempt_at if pending else None,
        finished_at=delivery.finished_at,
        last_status_code=delivery.last_status_code,
        last_latency_ms=delivery.last_latency_ms,
        last_error=delivery.last_error,
        attempt_log=[
            DeliveryAttemptOut(
                attempt=a.attempt,
                attempted_at=a.attempted_at,
                status_code=a.status_code,
                latency_ms=a.latency_ms,
                error=a.error,
            )
            for a in delivery.attempt_log
        ],
    )


def queue_test_event(
    factory: sessionmaker[Session], key_id: int, alert_id: int, base_url: str
) -> DeliveryOut:
    with transaction(factory) as session:
        alert = _owned(session, key_id, alert_id)
        if not alert.webhook_url:
            raise APIError(400, "the alert has no webhook: set webhook_url first")
        if alert.webhook_disabled_at is not None:
            raise APIError(400, f"the webhook is disabled: {alert.webhook_disabled_reason}")
        delivery = alerts.queue_test_event(session, alert, base_url)
        session.refresh(delivery, ["attempt_log"])
        return delivery_out(delivery)


def deliveries(
    session: Session, key_id: int, alert_id: int, limit: int, before: int | None
) -> DeliveryList:
    alert = _owned(session, key_id, alert_id)
    rows = repository.deliveries_of(session, alert.id, limit, before)
    return DeliveryList(deliveries=[delivery_out(d) for d in rows])


def feed_query(params: SearchParams) -> SearchQuery:
    """A search as its feed runs it: newest first, FEED_ENTRIES quotes unless `per_page`
    was given, no facet counts."""
    per_page = params.per_page if "per_page" in params.model_fields_set else FEED_ENTRIES
    return replace(params.query(), sort="-date", per_page=per_page, facets=[], after=None)


def search_label(params: SearchParams) -> str:
    """The search in words for a feed title: “words”, speaker: X, type: direct."""
    parts = [f"“{params.q}”"] if params.q else []
    parts += [f"{name}: {value}" for name, value in params.link_params() if name != "q"]
    return ", ".join(parts) or "every quote"


async def search_feed(
    searcher: AsyncSearcher,
    params: SearchParams,
    quote_url: QuoteUrl,
    base_url: str,
    self_url: str | None,
) -> bytes:
    """The Atom feed of a search (public: its URL holds no secret)."""
    query = canonical_query(params)
    result = linked(await run_search(searcher, feed_query(params)), quote_url)
    info = FeedInfo(
        id=tag_uri(base_url, f"search?{query}"),
        title=f"OnRecord: {search_label(params)}",
        subtitle="New quotes for this search, newest first.",
        alternate=f"{base_url}/" + (f"?{query}" if query else ""),
        self_url=self_url,
    )
    return atom_feed(info, result.hits, base_url)


async def alert_feed(
    searcher: AsyncSearcher, alert: Alert, quote_url: QuoteUrl, base_url: str
) -> bytes:
    """The Atom feed of an alert: its saved search's newest quotes. Its URL holds the feed
    token, so the feed names no `self` link (the token appears nowhere but the URL)."""
    params = parse_search(alert.query)
    result = linked(await run_search(searcher, feed_query(params)), quote_url)
    info = FeedInfo(
        id=tag_uri(base_url, f"alert:{alert.id}"),
        title=f"OnRecord alert: {alert.name}",
        subtitle=f"New quotes for {search_label(params)}, newest first.",
        alternate=f"{base_url}/" + (f"?{alert.query}" if alert.query else ""),
        self_url=None,
    )
    return atom_feed(info, result.hits, base_url)
