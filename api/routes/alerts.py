"""Alerts: saved searches owned by a key with the `alerts` scope, their Atom feeds and their
webhooks (delivery log, test event, secret)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api import errors
from api.deps import (
    AlertWorkerDep,
    BaseUrlDep,
    RowId,
    SearcherDep,
    SessionDep,
    SessionFactoryDep,
    WebhookClientDep,
)
from api.errors import APIError
from api.routes.search import quote_urls
from api.schemas import (
    AlertCreated,
    AlertIn,
    AlertList,
    AlertOut,
    AlertPatch,
    DeliveryList,
    DeliveryOut,
    FeedTokenOut,
    WebhookSecretOut,
)
from api.security import KEY_REQUIRED, OptionalPrincipal, limit_search, limit_write, require_scope
from api.services import alerts as service
from api.services.atom import ATOM_TYPE
from db.alerts import repository
from db.alerts import service as alert_service
from db.api_keys.service import Principal, Scope
from db.models import Alert

router = APIRouter(tags=["alerts"], responses=errors.responses(401, 403, 422, 429, 503))

AlertsKey = Annotated[Principal, Depends(require_scope(Scope.alerts))]
_WRITE: dict[str, Any] = {"dependencies": [Depends(limit_write)], "openapi_extra": KEY_REQUIRED}
_READ: dict[str, Any] = {"dependencies": [Depends(limit_search)], "openapi_extra": KEY_REQUIRED}


@router.post(
    "/v1/alerts",
    response_model=AlertCreated,
    status_code=201,
    responses=errors.responses(400),
    **_WRITE,
)
def create_alert(
    body: AlertIn,
    factory: SessionFactoryDep,
    client: WebhookClientDep,
    base_url: BaseUrlDep,
    key: AlertsKey,
) -> AlertCreated:
    """Save a search as an alert. The answer holds, this once, the Atom feed URL with its
    token (`feed_subscribe_url`) and the webhook's `whsec_` signing secret."""
    return service.create_alert(factory, key.key_id, body, client, base_url)


@router.get("/v1/alerts", response_model=AlertList, **_READ)
def list_alerts(session: SessionDep, base_url: BaseUrlDep, key: AlertsKey) -> AlertList:
    """This key's alerts."""
    return service.list_alerts(session, key.key_id, base_url)


@router.get(
    "/v1/alerts/{alert_id}", response_model=AlertOut, responses=errors.responses(404), **_READ
)
def get_alert(
    alert_id: RowId, session: SessionDep, base_url: BaseUrlDep, key: AlertsKey
) -> AlertOut:
    """One of this key's alerts (another key's is 404)."""
    return service.get_alert(session, key.key_id, alert_id, base_url)


@router.patch(
    "/v1/alerts/{alert_id}",
    response_model=AlertCreated | AlertOut,
    responses=errors.responses(400, 404),
    **_WRITE,
)
def update_alert(
    alert_id: RowId,
    body: AlertPatch,
    factory: SessionFactoryDep,
    client: WebhookClientDep,
    base_url: BaseUrlDep,
    key: AlertsKey,
) -> AlertOut:
    """Rename, change the search, set or remove the webhook, enable or disable it. A new
    webhook URL gets a new secret, in `webhook_secret` this once."""
    out, secret = service.update_alert(factory, key.key_id, alert_id, body, client, base_url)
    if secret is None:
        return out
    return AlertCreated(**out.model_dump(), feed_subscribe_url=out.feed_url, webhook_secret=secret)


@router.delete("/v1/alerts/{alert_id}", status_code=204, responses=errors.responses(404), **_WRITE)
def delete_alert(alert_id: RowId, factory: SessionFactoryDep, key: AlertsKey) -> Response:
    """Delete the alert, its feed and its webhook deliveries."""
    service.delete_alert(factory, key.key_id, alert_id)
    return Response(status_code=204)


@router.post(
    "/v1/alerts/{alert_id}/feed-token",
    response_model=FeedTokenOut,
    responses=errors.responses(404),
    **_WRITE,
)
def renew_feed_token(
    alert_id: RowId, factory: SessionFactoryDep, base_url: BaseUrlDep, key: AlertsKey
) -> FeedTokenOut:
    """A new feed token: the old feed URL stops working at once."""
    url = service.rotate_feed_token(factory, key.key_id, alert_id, base_url)
    return FeedTokenOut(feed_subscribe_url=url)


@router.post(
    "/v1/alerts/{alert_id}/webhook/secret",
    response_model=WebhookSecretOut,
    responses=errors.responses(400, 404),
    **_WRITE,
)
def renew_webhook_secret(
    alert_id: RowId, factory: SessionFactoryDep, key: AlertsKey
) -> WebhookSecretOut:
    """A new signing secret; deliveries from now on are signed with it only."""
    return WebhookSecretOut(
        webhook_secret=service.rotate_webhook_secret(factory, key.key_id, alert_id)
    )


@router.post(
    "/v1/alerts/{alert_id}/webhook/test",
    response_model=DeliveryOut,
    status_code=202,
    responses=errors.responses(400, 404),
    **_WRITE,
)
def send_test_event(
    alert_id: RowId,
    factory: SessionFactoryDep,
    worker: AlertWorkerDep,
    base_url: BaseUrlDep,
    key: AlertsKey,
) -> DeliveryOut:
    """Queue an `alert.test` event for the webhook and send it now; follow it in
    `/deliveries` (it is retried like any other event)."""
    delivery = service.queue_test_event(factory, key.key_id, alert_id, base_url)
    worker.wake()
    return delivery


@router.get(
    "/v1/alerts/{alert_id}/deliveries",
    response_model=DeliveryList,
    responses=errors.responses(404),
    **_READ,
)
def list_deliveries(
    alert_id: RowId,
    session: SessionDep,
    key: AlertsKey,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[
        int | None, Query(ge=1, le=2**63 - 1, description="Older than this id.")
    ] = None,
) -> DeliveryList:
    """The webhook's delivery log, newest first: status, attempts with status, latency and
    error each."""
    return service.deliveries(session, key.key_id, alert_id, limit, before)


def _feed_alert(
    factory: SessionFactoryDep, alert_id: int, token: str | None, principal: Principal | None
) -> Alert | None:
    with factory() as session:
        if principal is not None and principal.allows(Scope.alerts):
            owned = repository.alert_of(session, principal.key_id, alert_id)
            if owned is not None:
                return owned
        return alert_service.feed_alert(session, alert_id, token) if token else None


@router.get(
    "/v1/alerts/{alert_id}/feed.atom",
    response_class=Response,
    responses={
        200: {"content": {ATOM_TYPE: {}}, "description": "The alert's Atom 1.0 feed."},
        **errors.responses(404),
    },
    dependencies=[Depends(limit_search)],
)
async def alert_feed(
    request: Request,
    alert_id: RowId,
    factory: SessionFactoryDep,
    searcher: SearcherDep,
    base_url: BaseUrlDep,
    principal: OptionalPrincipal,
    token: Annotated[
        str | None,
        Query(max_length=200, description="The feed token from `feed_subscribe_url`."),
    ] = None,
) -> Response:
    """The alert's Atom feed: its search's newest quotes, one entry each. Opened by the
    alert's feed token (`?token=`, for feed readers) or by the owner's key; anything else is
    404, as if there were no such alert."""
    alert = await run_in_threadpool(_feed_alert, factory, alert_id, token, principal)
    if alert is None:
        raise APIError(404, f"no alert {alert_id}, or a wrong feed token")
    body = await service.alert_feed(searcher, alert, quote_urls(request), base_url)
    return Response(
        body,
        media_type=f"{ATOM_TYPE}; charset=utf-8",
        headers={"Cache-Control": "private, max-age=60", "Referrer-Policy": "no-referrer"},
    )
