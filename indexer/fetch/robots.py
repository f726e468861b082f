"""robots.txt, fetched once per origin and kept for a while (RFC 9309 semantics).

A 2xx robots.txt is obeyed (including Crawl-delay); a 4xx one, or one that cannot be fetched
for a reason of ours (too many redirects), means no rules; a 5xx, 429 or unreachable one means
"do not crawl for now" (kept for a short time, then asked again). Matching is the standard
library's `urllib.robotparser`: prefix rules, no `*` or `$` wildcards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

import httpx

from indexer.fetch.errors import FetchError, FetchFailed, FetchRefused, Reason

MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
FAILURE_TTL = 300.0  # how long an unreachable robots.txt blocks a host before we ask again


@dataclass
class _Rules:
    parser: RobotFileParser | None  # None: no rules, everything allowed
    failure: FetchError | None  # set: robots.txt unavailable, nothing allowed
    expires: float


class RobotsCache:
    """Answers "may we fetch this URL?" per origin; `fetch_text` gets a robots.txt's text."""

    def __init__(
        self,
        fetch_text: Callable[[str], str],
        agent: str,
        ttl: float = 86_400.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._fetch_text = fetch_text
        self.agent = agent
        self.ttl = ttl
        self._clock = clock
        self._rules: dict[str, _Rules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def check(self, url: httpx.URL) -> float | None:
        """Raise unless robots.txt allows `url`; return the origin's Crawl-delay, if any."""
        rules = self._rules_for(url)
        if rules.failure is not None:
            raise FetchFailed(
                Reason.ROBOTS_UNAVAILABLE,
                f"robots.txt could not be read ({rules.failure.message}); trying again later",
                str(url),
            )
        if rules.parser is None:
            return None
        if not rules.parser.can_fetch(self.agent, str(url)):
            raise FetchRefused(Reason.ROBOTS, f"robots.txt disallows it for {self.agent}", str(url))
        delay = rules.parser.crawl_delay(self.agent)
        return float(delay) if delay is not None else None

    def _rules_for(self, url: httpx.URL) -> _Rules:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one robots.txt request per origin at a time
            rules = self._rules.get(origin)
            if rules is None or rules.expires <= self._clock():
                rules = self._load(origin)
                self._rules[origin] = rules
            return rules

    def _load(self, origin: str) -> _Rules:
        now = self._clock()
        try:
            text = self._fetch_text(f"{origin}/robots.txt")
        except FetchFailed as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                return _Rules(None, None, now + self.ttl)
            return _Rules(None, exc, now + min(self.ttl, FAILURE_TTL))
        except FetchRefused as exc:
            if exc.reason is Reason.ADDRESS:
                raise  # the page itself would be refused for the same reason
            return _Rules(None, None, now + self.ttl)
        parser = RobotFileParser()
        parser.parse(text.splitlines())
        return _Rules(parser, None, now + self.ttl)
