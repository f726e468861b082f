"""The rate limiter: sliding-window counters per kind of request and per identity.

Kept apart from the FastAPI dependencies that use it (api/security.py) so the application
factory can build it and the dependencies can receive it without importing each other.
Counts live where ONRECORD_RATE_LIMIT_STORAGE says: `memory://` for one API process, a
Redis URL for several (every process then counts against the same allowance).

When the shared store cannot be reached, limits are counted in this process's memory
until it answers again (tried every `SHARED_RETRY` seconds), with one log line each way:
a Redis outage costs the limits their sharing (N processes allow up to N times the
allowance), never every request a 500 or a wait.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from functools import partial
from typing import TypeVar
from urllib.parse import urlsplit

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from api.errors import APIError

log = logging.getLogger(__name__)

_NOUNS = {
    "search": "search requests",
    "write": "write requests",
    "auth": "failed authentications",
}

# Every Redis call runs on the event loop: a store that does not answer within this many
# seconds counts as down (a healthy one answers in well under a millisecond).
SHARED_TIMEOUT = 0.5
SHARED_RETRY = 5.0

T = TypeVar("T")


def redacted(storage: str) -> str:
    """The storage URL fit for a log line: scheme, host, port and path, no credentials."""
    parts = urlsplit(storage)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _hit(
    limiter: SlidingWindowCounterRateLimiter,
    *,
    item: RateLimitItem,
    kind: str,
    identity: str,
    cost: int,
) -> bool:
    return limiter.hit(item, kind, identity, cost=cost)


class RateLimits:
    """Sliding-window limits for searches, writes and failed authentications, counted per key
    and per client address (the sliding-window counter costs the same at any limit; a moving
    window keeps every hit)."""

    def __init__(
        self,
        search: str,
        write: str,
        auth_failure: str,
        storage: str = "memory://",  # a URL of a scheme the settings accept
        key_prefix: str = "onrecord-limits",
    ):
        self.storage = redacted(storage)
        self.local = SlidingWindowCounterRateLimiter(MemoryStorage())
        if urlsplit(storage).scheme == "memory":
            self.shared = self.local
        else:
            self.shared = SlidingWindowCounterRateLimiter(
                storage_from_string(
                    storage,
                    key_prefix=key_prefix,
                    wrap_exceptions=True,
                    socket_connect_timeout=SHARED_TIMEOUT,
                    socket_timeout=SHARED_TIMEOUT,
                )
            )
        self.shared_down_until: float | None = None  # monotonic time of the next try
        self.items = {"search": parse(search), "write": parse(write), "auth": parse(auth_failure)}

    def hit(self, kind: str, *identities: str, cost: int = 1) -> None:
        """Count `cost` `kind` requests against each identity; 429 when any is over its limit."""
        item = self.items[kind]
        for identity in identities:
            if not self._counted(partial(_hit, item=item, kind=kind, identity=identity, cost=cost)):
                self._refuse(item, kind, identity)

    def check(self, kind: str, identity: str) -> None:
        """429 when `identity` has used up its `kind` allowance, without counting anything."""
        item = self.items[kind]
        if not self._counted(lambda limiter: limiter.test(item, kind, identity)):
            self._refuse(item, kind, identity)

    def health(self) -> str:
        """Where limits are counted, for the readiness probe: `ok` (the shared store answers),
        `in this process` (memory://), or why the shared store is not used right now."""
        if self.shared is self.local:
            return "in this process"
        if self.shared.storage.check():
            return "ok"
        return "unreachable: counted in this process"

    def _counted(self, call: Callable[[SlidingWindowCounterRateLimiter], T]) -> T:
        """`call` on the shared limiter, or on this process's while the shared store is down."""
        if self.shared is self.local:
            return call(self.local)
        if self.shared_down_until is not None and time.monotonic() < self.shared_down_until:
            return call(self.local)
        try:
            result = call(self.shared)
        except StorageError as exc:
            if self.shared_down_until is None:
                log.warning(
                    "rate limit storage %s unreachable (%s); counting in this process only "
                    "until it answers",
                    self.storage,
                    type(exc.storage_error).__name__,
                )
            self.shared_down_until = time.monotonic() + SHARED_RETRY
            return call(self.local)
        if self.shared_down_until is not None:
            log.warning("rate limit storage %s answers again; limits shared", self.storage)
            self.shared_down_until = None
        return result

    def _refuse(self, item: RateLimitItem, kind: str, identity: str) -> None:
        raise APIError(
            429,
            f"Too many {_NOUNS[kind]}; limit {item}.",
            headers={"Retry-After": str(self._retry_after(item, kind, identity))},
        )

    def _retry_after(self, item: RateLimitItem, kind: str, identity: str) -> int:
        reset_at, _ = self._counted(lambda limiter: limiter.get_window_stats(item, kind, identity))
        return max(1, math.ceil(reset_at - time.time()))
