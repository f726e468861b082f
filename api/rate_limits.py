"""The rate limiter: sliding-window counters per kind of request and per identity.

Kept apart from the FastAPI dependencies that use it (api/security.py) so the application
factory can build it and the dependencies can receive it without importing each other.
Counts live in memory: one API process; several would need a shared store.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from api.errors import APIError

_NOUNS = {
    "search": "search requests",
    "write": "write requests",
    "auth": "failed authentications",
}


class RateLimits:
    """Sliding-window limits for searches, writes and failed authentications, counted per key
    and per client address (the sliding-window counter costs the same at any limit; a moving
    window keeps every hit)."""

    def __init__(self, search: str, write: str, auth_failure: str):
        self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())
        self.items = {"search": parse(search), "write": parse(write), "auth": parse(auth_failure)}

    def hit(self, kind: str, *identities: str, cost: int = 1) -> None:
        """Count `cost` `kind` requests against each identity; 429 when any is over its limit."""
        item = self.items[kind]
        for identity in identities:
            if not self.limiter.hit(item, kind, identity, cost=cost):
                self._refuse(item, kind, identity)

    def check(self, kind: str, identity: str) -> None:
        """429 when `identity` has used up its `kind` allowance, without counting anything."""
        item = self.items[kind]
        if not self.limiter.test(item, kind, identity):
            self._refuse(item, kind, identity)

    def _refuse(self, item: RateLimitItem, kind: str, identity: str) -> None:
        raise APIError(
            429,
            f"Too many {_NOUNS[kind]}; limit {item}.",
            headers={"Retry-After": str(self._retry_after(item, kind, identity))},
        )

    def _retry_after(self, item: RateLimitItem, kind: str, identity: str) -> int:
        reset_at, _ = self.limiter.get_window_stats(item, kind, identity)
        return max(1, math.ceil(reset_at - time.time()))
