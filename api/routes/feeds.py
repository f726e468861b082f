"""Feeds followed, for keys with the admin scope: list, add, remove, poll now.

"Poll now" makes a feed due: the feed worker of `onrecord serve` (or any `onrecord worker`)
polls it at its next look for due feeds, within `ONRECORD_FEED_TICK` seconds, so the request
never waits on another site.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from api import errors
from api.deps import FeedURLCheckDep, RowId, SessionFactoryDep, SettingsDep
from api.errors import APIError
from api.schemas import FeedIn, FeedList, FeedOut, FeedsDue
from api.security import KEY_REQUIRED, AdminKey
from api.services.feeds import feed_out
from api.web import page
from db.feeds import service as feeds

router = APIRouter(tags=["feeds"], responses=errors.responses(401, 403, 422, 503))


@router.get("/v1/feeds", response_model=FeedList, openapi_extra=KEY_REQUIRED)
def list_feeds(factory: SessionFactoryDep, _key: AdminKey) -> FeedList:
    """Every followed feed with its health: last success, last error, items seen, next poll."""
    return FeedList(feeds=[feed_out(feed) for feed in feeds.list_feeds(factory)])


@router.post(
    "/v1/feeds",
    response_model=FeedOut,
    status_code=201,
    openapi_extra=KEY_REQUIRED,
    responses=errors.responses(409),
)
def add_feed(
    body: FeedIn,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    url_check: FeedURLCheckDep,
    _key: AdminKey,
) -> FeedOut:
    """Follow a feed; a worker polls it at once, then at its interval. 409 if followed; 422
    for a URL that would never be fetched (not http(s), a literal internal address)."""
    refusal = url_check(body.url)
    if refusal:
        raise APIError(422, refusal)
    try:
        seconds = feeds.parse_interval(body.every or settings.feed_interval)
    except feeds.FeedError as exc:
        raise APIError(422, str(exc)) from None
    try:
        return feed_out(feeds.add_feed(factory, body.url, body.outlet, seconds))
    except feeds.FeedExists as exc:
        raise APIError(409, str(exc)) from None
    except feeds.FeedError as exc:
        raise APIError(422, str(exc)) from None


@router.get(
    "/v1/feeds/{feed_id}",
    response_model=FeedOut,
    openapi_extra=KEY_REQUIRED,
    responses=errors.responses(404),
)
def get_feed(feed_id: RowId, factory: SessionFactoryDep, _key: AdminKey) -> FeedOut:
    return feed_out(_feed(factory, feed_id))


@router.delete(
    "/v1/feeds/{feed_id}",
    status_code=204,
    openapi_extra=KEY_REQUIRED,
    responses=errors.responses(404),
)
def remove_feed(feed_id: RowId, factory: SessionFactoryDep, _key: AdminKey) -> Response:
    """Stop following a feed; its articles stay."""
    if feeds.remove_feed(factory, str(feed_id)) is None:
        raise APIError(404, f"no feed {feed_id}")
    return Response(status_code=204)


@router.post(
    "/v1/feeds/{feed_id}/poll",
    response_model=FeedOut,
    status_code=202,
    openapi_extra=KEY_REQUIRED,
    responses=errors.responses(404),
)
def poll_feed(feed_id: RowId, factory: SessionFactoryDep, _key: AdminKey) -> FeedOut:
    """Poll this feed now: due at once, a worker takes it within seconds."""
    _feed(factory, feed_id)
    feeds.make_due(factory, [feed_id])
    return feed_out(_feed(factory, feed_id))


@router.post("/v1/feeds/poll", response_model=FeedsDue, status_code=202, openapi_extra=KEY_REQUIRED)
def poll_feeds(factory: SessionFactoryDep, _key: AdminKey) -> FeedsDue:
    """Poll every feed now."""
    return FeedsDue(due=feeds.make_due(factory))


@router.get("/admin/feeds", response_class=HTMLResponse, include_in_schema=False)
def feeds_page(request: Request, factory: SessionFactoryDep, _key: AdminKey) -> HTMLResponse:
    """Feed health as a page, for a request that carries an admin key (`X-API-Key` or
    `Authorization: Bearer`): there are no browser sessions, so it is for tools and proxies
    that add the header, never a public page. Not cached."""
    listed = [feed_out(feed) for feed in feeds.list_feeds(factory)]
    now = f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S}"
    response = page(request, "admin_feeds.html", {"feeds": listed, "now": now})
    response.headers["Cache-Control"] = "no-store"
    return response


def _feed(factory: SessionFactoryDep, feed_id: int) -> feeds.FeedHealth:
    found = feeds.get_feed(factory, str(feed_id))
    if found is None:
        raise APIError(404, f"no feed {feed_id}")
    return found
