"""Why a fetch did not give a usable document: one typed error with a human message.

`FetchRefused` is a policy decision (we will not fetch or keep this); `FetchFailed` is the
other side or the network letting us down, worth retrying later. Callers catch `FetchError`.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    BAD_URL = "bad_url"
    SCHEME = "scheme"
    ADDRESS = "address"
    ROBOTS = "robots"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    CONTENT_TYPE = "content_type"
    CONTENT_ENCODING = "content_encoding"
    TOO_LARGE = "too_large"
    NOT_A_FEED = "not_a_feed"
    NO_ARTICLE = "no_article"
    HTTP_STATUS = "http_status"
    TIMEOUT = "timeout"
    DNS = "dns"
    NETWORK = "network"
    ROBOTS_UNAVAILABLE = "robots_unavailable"


class FetchError(Exception):
    """A fetch that gave no usable document; `str(error)` is the message for people."""

    def __init__(self, reason: Reason, message: str, url: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.url = url

    def __str__(self) -> str:
        return f"{self.url}: {self.message}" if self.url else self.message


class FetchRefused(FetchError):
    """We will not fetch this (scheme, address, robots.txt, type, size, redirects)."""


class FetchFailed(FetchError):
    """The server or the network failed; trying again later may work."""

    def __init__(
        self,
        reason: Reason,
        message: str,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(reason, message, url)
        self.status = status
        self.retry_after = retry_after
