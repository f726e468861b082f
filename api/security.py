"""Who is asking and how often: API keys with scopes, and rate limits per key and address.

Keys come as `Authorization: Bearer KEY` or `X-API-Key: KEY` and are checked against their
SHA-256 digests in PostgreSQL. The limits themselves are counted by `api.rate_limits`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from api.deps import RateLimitsDep, SessionFactoryDep
from api.errors import APIError
from api.rate_limits import RateLimits as RateLimits  # api.main builds it from here
from db.api_keys.service import Principal, Scope, authenticate

_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}

# The two ways to present a key, as OpenAPI security schemes, and a route's requirement of one.
SECURITY_SCHEMES = {
    "BearerKey": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer KEY"},
    "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}
KEY_REQUIRED: dict[str, Any] = {"security": [{"BearerKey": []}, {"ApiKeyHeader": []}]}


def _presented_key(authorization: str | None, x_api_key: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return (x_api_key or "").strip() or None


def _look_up(factory: sessionmaker[Session], secret: str) -> Principal | None:
    """The key's principal, its use recorded (at most once a minute); None for an unknown or
    revoked key."""
    with factory() as session:
        principal = authenticate(session, secret)
        session.commit()
    return principal


async def optional_principal(
    request: Request,
    factory: SessionFactoryDep,
    limits: RateLimitsDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_api_key: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal | None:
    """The caller's key when one is presented (a wrong one is refused, not ignored).

    Async so that anonymous searches never leave the event loop; the database lookup for a
    presented key runs in the thread pool. Wrong keys count against the client address, and
    an address past its allowance gets 429 before any lookup, so keys cannot be guessed at
    the database's pace. The principal is left on `request.state` for the request log, which
    prints its public prefix.
    """
    secret = _presented_key(authorization, x_api_key)
    if secret is None:
        return None
    address = f"ip:{client_address(request)}"
    limits.check("auth", address)
    principal = await run_in_threadpool(_look_up, factory, secret)
    if principal is None:
        limits.hit("auth", address)
        raise APIError(401, "Unknown or revoked API key.", headers=_UNAUTHORIZED)
    request.state.principal = principal
    return principal


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def require_scope(scope: Scope) -> Callable[..., Awaitable[Principal]]:
    """A dependency: 401 without a valid key, 403 when the key lacks `scope`."""

    async def check(principal: OptionalPrincipal) -> Principal:
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


def client_address(request: Request) -> str:
    """The peer address (uvicorn's proxy-header middleware rewrites it for trusted proxies)."""
    return request.client.host if request.client else "unknown"


def _limit(kind: str, cost: int = 1) -> Callable[..., Awaitable[None]]:
    """A dependency counting `cost` `kind` requests: per key for searches with a key (a read
    key gets its own allowance), per key and address for writes, per address without a key."""

    async def check(request: Request, principal: OptionalPrincipal, limits: RateLimitsDep) -> None:
        if principal is not None and kind == "search":
            limits.hit(kind, f"key:{principal.key_id}", cost=cost)
        elif principal is not None:
            limits.hit(kind, f"key:{principal.key_id}", f"ip:{client_address(request)}", cost=cost)
        else:
            limits.hit(kind, f"ip:{client_address(request)}", cost=cost)

    return check


# An export reads up to 10,000 hits, about as much work as EXPORT_SEARCHES searches, and
# counts so against the search limit (the one every search counts, plus the rest here).
EXPORT_SEARCHES = 20

limit_search = _limit("search")
limit_write = _limit("write")
limit_export = _limit("search", cost=EXPORT_SEARCHES - 1)

WriteKey = Annotated[Principal, Depends(require_scope(Scope.write))]
AdminKey = Annotated[Principal, Depends(require_scope(Scope.admin))]
