"""Who is asking and how often: API keys with scopes, and rate limits per key and address.

Keys come as `Authorization: Bearer KEY` or `X-API-Key: KEY` and are checked against their
SHA-256 digests in PostgreSQL. Limits use the `limits` library's sliding window counter in
memory (one API process; several would need a shared store).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from api.errors import APIError
from db.api_keys import repository as api_key_repo
from db.api_keys.service import Principal, Scope, authenticate

_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def _presented_key(authorization: str | None, x_api_key: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return (x_api_key or "").strip() or None


def _look_up(request: Request, secret: str) -> Principal | None:
    with request.app.state.session_factory() as session:
        principal = authenticate(session, secret)
        if principal is not None:
            api_key_repo.touch_api_key(session, principal.key_id)
            session.commit()
    return principal


async def optional_principal(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_api_key: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal | None:
    """The caller's key when one is presented (a wrong one is refused, not ignored).

    Async so that anonymous searches never leave the event loop; the database lookup for a
    presented key runs in the thread pool.
    """
    secret = _presented_key(authorization, x_api_key)
    if secret is None:
        return None
    principal = await run_in_threadpool(_look_up, request, secret)
    if principal is None:
        raise APIError(401, "Unknown or revoked API key.", headers=_UNAUTHORIZED)
    request.state.principal = principal
    return principal


def require_scope(scope: Scope) -> Callable[..., Principal]:
    """A dependency: 401 without a valid key, 403 when the key lacks `scope`."""

    async def check(
        principal: Annotated[Principal | None, Depends(optional_principal)],
    ) -> Principal:
        if principal is None:
            raise APIError(
                401,
                "An API key is required (Authorization: Bearer KEY or X-API-Key).",
                headers=_UNAUTHORIZED,
            )
        if not principal.allows(scope):
            raise APIError(403, f"This API key lacks the {scope.value!r} scope.")
        return principal

    return check


class RateLimits:
    """Sliding-window limits for searches and writes, counted per key and per client address
    (the sliding-window counter costs the same at any limit; a moving window keeps every hit)."""

    def __init__(self, search: str, write: str):
        self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())
        self.items = {"search": parse(search), "write": parse(write)}

    def hit(self, kind: str, *identities: str) -> None:
        item = self.items[kind]
        for identity in identities:
            if not self.limiter.hit(item, kind, identity):
                raise APIError(
                    429,
                    f"Too many {kind} requests; limit {item}.",
                    headers={"Retry-After": str(self._retry_after(item, kind, identity))},
                )

    def _retry_after(self, item: RateLimitItem, kind: str, identity: str) -> int:
        reset_at, _ = self.limiter.get_window_stats(item, kind, identity)
        return max(1, math.ceil(reset_at - time.time()))


def client_address(request: Request) -> str:
    """The peer address (uvicorn's proxy-header middleware rewrites it for trusted proxies)."""
    return request.client.host if request.client else "unknown"


def _limit(kind: str) -> Callable[..., None]:
    async def check(
        request: Request,
        principal: Annotated[Principal | None, Depends(optional_principal)],
    ) -> None:
        limits: RateLimits = request.app.state.rate_limits
        if principal is not None and kind == "search":
            limits.hit(kind, f"key:{principal.key_id}")  # a read key gets its own allowance
        elif principal is not None:
            limits.hit(kind, f"key:{principal.key_id}", f"ip:{client_address(request)}")
        else:
            limits.hit(kind, f"ip:{client_address(request)}")

    return check


limit_search = _limit("search")
limit_write = _limit("write")

WriteKey = Annotated[Principal, Depends(require_scope(Scope.write))]
AdminKey = Annotated[Principal, Depends(require_scope(Scope.admin))]
