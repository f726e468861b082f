"""The one HTTP client OnRecord fetches the web with, and the rules it keeps.

A clear User-Agent, robots.txt, a minimum interval per host, conditional requests, timeouts,
a size cap counted on the decoded bytes as they stream in, a bounded number of redirects with
every hop checked again (URL, robots.txt, address), only http(s) to public addresses. Every way
a fetch can go wrong is a `FetchError` (see `errors`); nothing else escapes.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

import httpx

from indexer.fetch.addresses import AddressGuard, check_url
from indexer.fetch.errors import FetchError, FetchFailed, FetchRefused, Reason
from indexer.fetch.pacing import HostPacer
from indexer.fetch.robots import MAX_ROBOTS_BYTES, RobotsCache
from indexer.fetch.transport import GuardedTransport, Resolver, system_resolve

REDIRECTS = frozenset({301, 302, 303, 307, 308})


class Kind(StrEnum):
    """What is being fetched decides the Accept header and which content types are kept."""

    PAGE = "page"
    FEED = "feed"
    ROBOTS = "robots"


ACCEPT = {
    Kind.PAGE: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    Kind.FEED: "application/atom+xml,application/rss+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.1",
    Kind.ROBOTS: "text/plain,*/*;q=0.5",
}
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def user_agent(contact_url: str, version: str = "0.1") -> str:
    """`OnRecord/0.1 (+https://…)`: who we are and where a site owner can read about us."""
    return f"OnRecord/{version} (+{contact_url})"


def _accepts(kind: Kind, media_type: str) -> bool:
    if kind is Kind.PAGE:
        return media_type in PAGE_TYPES
    if kind is Kind.FEED:
        return media_type.endswith(("/xml", "+xml"))
    return True


@dataclass(frozen=True)
class Validators:
    """What a server said identifies this version of a resource; sent back to ask "changed?"."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Fetched:
    """A document received: the body as bytes (decoded from gzip/deflate, not from its charset)."""

    url: str  # as asked
    final_url: str  # after redirects: relative links resolve against this
    status: int
    media_type: str  # "text/html", lower case, without parameters
    charset: str | None
    body: bytes
    validators: Validators = field(default_factory=Validators)


@dataclass(frozen=True)
class NotModified:
    """The server confirmed the stored version is current (HTTP 304)."""

    url: str
    final_url: str
    validators: Validators


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how far we fetch; `allow_networks` lifts the address guard."""

    user_agent: str
    allow_networks: tuple[str, ...] = ()
    min_interval: float = 1.0  # seconds between two requests to one host
    max_crawl_delay: float = 60.0  # a robots.txt Crawl-delay is obeyed up to this
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # longest silence while reading
    transfer_timeout: float = 60.0  # longest time for one response, start to end
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    robots_ttl: float = 86_400.0

    @property
    def agent_token(self) -> str:
        """The product token robots.txt groups are matched against ("OnRecord")."""
        return self.user_agent.split("/")[0].split()[0]


class Fetcher:
    """One shared client: thread-safe, keeps connections, robots.txt rules and host pacing."""

    def __init__(self, policy: FetchPolicy, resolve: Resolver = system_resolve):
        self.policy = policy
        self.guard = AddressGuard(policy.allow_networks)
        self._client = httpx.Client(
            transport=GuardedTransport(self.guard, resolve),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(
                connect=policy.connect_timeout,
                read=policy.read_timeout,
                write=policy.read_timeout,
                pool=policy.connect_timeout,
            ),
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._pacer = HostPacer()
        self._robots = RobotsCache(self._robots_text, policy.agent_token, policy.robots_ttl)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch_page(self, url: str, validators: Validators | None = None) -> Fetched | NotModified:
        """An HTML page (anything else is refused by its Content-Type, before its body is read)."""
        return self.fetch(url, Kind.PAGE, validators)

    def fetch_feed(self, url: str, validators: Validators | None = None) -> Fetched | NotModified:
        """An RSS or Atom document (any XML media type)."""
        return self.fetch(url, Kind.FEED, validators)

    def fetch(
        self, url: str, kind: Kind = Kind.PAGE, validators: Validators | None = None
    ) -> Fetched | NotModified:
        target: str | httpx.URL = url
        for hop in range(self.policy.max_redirects + 1):
            try:
                current = check_url(target, self.guard)
                delay = None if kind is Kind.ROBOTS else self._robots.check(current)
                wait = max(self.policy.min_interval, min(delay or 0.0, self.policy.max_crawl_delay))
                self._pacer.wait(current.host, wait)
                result = self._request(url, current, kind, validators)
            except FetchError as exc:  # named after the URL asked for, whatever hop failed
                if hop:
                    exc.message = f"redirected to {str(target)[:200]}: {exc.message}"
                exc.url = url
                raise
            if not isinstance(result, httpx.URL):
                return result
            target = result
        raise FetchRefused(
            Reason.TOO_MANY_REDIRECTS, f"more than {self.policy.max_redirects} redirects", url
        )

    def _robots_text(self, url: str) -> str:
        result = self.fetch(url, Kind.ROBOTS)
        assert isinstance(result, Fetched)  # no validators sent, so never NotModified
        return result.body.decode("utf-8", errors="replace")

    def _request(
        self, asked: str, url: httpx.URL, kind: Kind, validators: Validators | None
    ) -> Fetched | NotModified | httpx.URL:
        headers = {"Accept": ACCEPT[kind], **(validators.headers() if validators else {})}
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                return self._response(asked, url, kind, validators, response)
        except httpx.TimeoutException as exc:
            raise FetchFailed(
                Reason.TIMEOUT, f"timed out ({type(exc).__name__})", str(url)
            ) from None
        except httpx.HTTPError as exc:
            raise FetchFailed(
                Reason.NETWORK, f"network error: {exc or type(exc).__name__}", str(url)
            ) from None

    def _response(
        self,
        asked: str,
        url: httpx.URL,
        kind: Kind,
        validators: Validators | None,
        response: httpx.Response,
    ) -> Fetched | NotModified | httpx.URL:
        status = response.status_code
        where = str(url)
        if status in REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise FetchFailed(
                    Reason.HTTP_STATUS, f"HTTP {status} without a Location", where, status
                )
            try:
                return url.join(location)
            except (httpx.InvalidURL, UnicodeError, ValueError):
                raise FetchRefused(
                    Reason.BAD_URL, f"redirect to an invalid URL {location[:200]!r}", where
                ) from None
        if status == 304 and validators is not None:
            return NotModified(asked, where, _validators(response, validators))
        if not 200 <= status < 300:
            raise FetchFailed(
                Reason.HTTP_STATUS,
                f"HTTP {status} {response.reason_phrase}".strip(),
                where,
                status,
                _retry_after(response.headers.get("retry-after")),
            )
        media_type, charset = _content_type(response.headers.get("content-type", ""))
        if not _accepts(kind, media_type):
            wanted = "an HTML page" if kind is Kind.PAGE else "an RSS or Atom (XML) feed"
            raise FetchRefused(
                Reason.CONTENT_TYPE, f"content type {media_type or '(none)'} is not {wanted}", where
            )
        cap = MAX_ROBOTS_BYTES if kind is Kind.ROBOTS else self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if kind is not Kind.ROBOTS and declared.isdigit() and int(declared) > cap:
            raise FetchRefused(
                Reason.TOO_LARGE, f"{int(declared):,} bytes, over the {cap:,}-byte limit", where
            )
        body = self._read(response, cap, truncate=kind is Kind.ROBOTS, where=where)
        return Fetched(asked, where, status, media_type, charset, body, _validators(response))

    def _read(self, response: httpx.Response, cap: int, truncate: bool, where: str) -> bytes:
        """At most `cap` decoded bytes: decompression is bounded too, so a gzip bomb stops."""
        encoding = response.headers.get("content-encoding", "").strip().lower()
        if encoding in ("", "identity"):
            decoder = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header
        else:
            raise FetchRefused(
                Reason.CONTENT_ENCODING, f"content encoding {encoding} is not supported", where
            )
        deadline = time.monotonic() + self.policy.transfer_timeout
        body = bytearray()
        try:
            for raw in response.iter_raw():
                body += raw if decoder is None else decoder.decompress(raw, cap + 1 - len(body))
                if len(body) > cap:
                    if truncate:
                        return bytes(body[:cap])
                    raise FetchRefused(
                        Reason.TOO_LARGE, f"body is over the {cap:,}-byte limit", where
                    )
                if time.monotonic() > deadline:
                    raise FetchFailed(
                        Reason.TIMEOUT,
                        f"transfer took over {self.policy.transfer_timeout:g} s",
                        where,
                    )
            if decoder is not None:
                body += decoder.flush()
        except zlib.error as exc:
            raise FetchFailed(
                Reason.CONTENT_ENCODING, f"corrupt {encoding} body ({exc})", where
            ) from None
        if len(body) > cap and not truncate:
            raise FetchRefused(Reason.TOO_LARGE, f"body is over the {cap:,}-byte limit", where)
        return bytes(body[:cap])


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media_type.strip().lower(), charset


def _validators(response: httpx.Response, previous: Validators | None = None) -> Validators:
    previous = previous or Validators()
    return Validators(
        etag=response.headers.get("etag") or previous.etag,
        last_modified=response.headers.get("last-modified") or previous.last_modified,
    )


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds from now, given as seconds or as an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
