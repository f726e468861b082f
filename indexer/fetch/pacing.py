"""A minimum interval between requests to one host, kept across threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class HostPacer:
    """Hands out request slots per host at least `interval` seconds apart and waits for them.

    Slots are reserved under a lock and waited for outside it, so concurrent callers for one
    host queue up in order while callers for other hosts are not held back.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, interval: float) -> None:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
            if len(self._next) > 10_000:  # forget hosts whose interval has passed
                self._next = {h: t for h, t in self._next.items() if t > now}
        if slot > now:
            self._sleep(slot - now)
