"""Webhook deliveries out: POSTs through the same address guard and pinned connections as
every fetch, so an alert's URL cannot reach loopback, private or metadata addresses unless
the operator allows their network.

Redirects are not followed (a 3xx is a failed delivery: the receiver must give its final
URL), the answer's body is read only up to a small cap, and every way a POST can fail is a
`SendResult` with a reason, never an exception.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import httpx

from db.alerts.delivery import SendResult
from indexer.fetch.addresses import AddressGuard, check_url
from indexer.fetch.errors import FetchError
from indexer.fetch.transport import GuardedTransport, Resolver, system_resolve

MAX_ANSWER_BYTES = 64 * 1024  # of a receiver's answer we read; the rest is dropped


class WebhookSender:
    """The guarded client for webhook POSTs; thread-safe, keeps connections."""

    def __init__(
        self,
        user_agent: str,
        allow_networks: Iterable[str] = (),
        timeout: float = 10.0,
        resolve: Resolver = system_resolve,
    ):
        self.guard = AddressGuard(allow_networks)
        self.timeout = timeout
        self._resolve = resolve
        self._client = httpx.Client(
            transport=GuardedTransport(self.guard, resolve),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent},
        )

    def close(self) -> None:
        self._client.close()

    def refusal(self, url: str) -> str | None:
        """Why deliveries to `url` would be refused: not http(s), credentials in it, or a
        host that is (or resolves to) an address the guard refuses. A host that does not
        resolve now is refused too (most likely a typo)."""
        try:
            parsed = check_url(url, self.guard)
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
            addresses = self._resolve(parsed.host, port)
        except FetchError as exc:
            return exc.message
        except (OSError, UnicodeError) as exc:
            return f"cannot resolve {url[:200]} ({getattr(exc, 'strerror', None) or exc})"
        for ip in addresses:
            try:
                self.guard.check(ip, parsed.host)
            except FetchError as exc:
                return exc.message
        return None

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult:
        started = time.monotonic()

        def took() -> float:
            return (time.monotonic() - started) * 1000

        try:
            target = check_url(url, self.guard)
            with self._client.stream("POST", target, content=body, headers=headers) as answer:
                read = 0
                for chunk in answer.iter_raw():
                    read += len(chunk)
                    if read > MAX_ANSWER_BYTES:
                        break
                status = answer.status_code
        except FetchError as exc:
            return SendResult(None, took(), f"refused: {exc.message}")
        except httpx.TimeoutException as exc:
            return SendResult(
                None, took(), f"timed out after {self.timeout:g} s ({type(exc).__name__})"
            )
        except httpx.HTTPError as exc:
            return SendResult(None, took(), f"network error: {exc or type(exc).__name__}")
        if 200 <= status < 300:
            return SendResult(status, took())
        if 300 <= status < 400:
            return SendResult(status, took(), f"HTTP {status}: redirects are not followed")
        return SendResult(status, took(), f"HTTP {status}")
