"""Connections pinned to the address that was checked, so DNS rebinding cannot swap it.

The choice: httpcore asks its network backend to `connect_tcp(host, port)`. `GuardedBackend`
resolves the host once, refuses the connection if any address is not allowed, and connects to
the checked IP itself. TLS still runs afterwards with the host name (SNI and certificate checks
unchanged), and the Host header is untouched, because httpcore never sees the IP. The
alternative, rewriting the URL to the IP with a preserved Host header, needs the `sni_hostname`
extension for TLS and lets pooled connections be shared between names on one IP; this way the
address checked and the address connected to are the same object, by construction.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

from indexer.fetch.addresses import AddressGuard, IPAddress
from indexer.fetch.errors import FetchFailed, FetchRefused, Reason

Resolver = Callable[[str, int], list[IPAddress]]


def system_resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for `host`, in its order, without repeats."""
    addresses: list[IPAddress] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's plain TCP backend behind the address guard: resolve once, check, pin."""

    def __init__(self, guard: AddressGuard, resolve: Resolver = system_resolve):
        self._guard = guard
        self._resolve = resolve
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            detail = getattr(exc, "strerror", None) or str(exc)
            raise FetchFailed(Reason.DNS, f"cannot resolve {host} ({detail})") from None
        if not addresses:
            raise FetchFailed(Reason.DNS, f"{host} resolves to no address")
        for ip in addresses:  # a name with any internal address is refused as a whole
            self._guard.check(ip, host)
        error: Exception | None = None
        for ip in addresses:
            try:
                return self._inner.connect_tcp(
                    str(ip), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise FetchRefused(Reason.ADDRESS, "Unix sockets are never connected to")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (request/response mapping, error mapping) over `GuardedBackend`.

    httpx does not take a network backend as an argument, so the connection pool it builds is
    replaced by an equal one on the guarded backend; no proxies, no environment settings.
    """

    def __init__(
        self,
        guard: AddressGuard,
        resolve: Resolver = system_resolve,
        limits: httpx.Limits | None = None,
    ):
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        super().__init__(limits=limits, trust_env=False)
        self._pool.close()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(guard, resolve),
        )
