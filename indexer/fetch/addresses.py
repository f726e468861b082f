"""The SSRF guard: only http(s) URLs, and only connections to public addresses.

An address is judged after every unwrapping that could hide an internal one (IPv4-mapped,
NAT64, 6to4 and Teredo IPv6, and the legacy numeric IPv4 forms `2130706433`, `0x7f.1`,
`127.1` that resolvers accept). The operator may allow networks explicitly (tests allow
127.0.0.0/8); nothing else that is not globally routable unicast is ever connected to.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

import httpx

from indexer.fetch.errors import FetchRefused, Reason

IPAddress = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

SCHEMES = frozenset({"http", "https"})
MAX_URL_LENGTH = 2000  # what an article URL may be (db.records.ArticleIn)

_CGNAT = IPv4Network("100.64.0.0/10")
_ULA = IPv6Network("fc00::/7")
_NAT64 = IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = IPv6Network("64:ff9b:1::/48")


def parse_networks(values: Iterable[str | Network]) -> tuple[Network, ...]:
    """Networks from operator input such as `127.0.0.0/8` or `::1` (a bare address is /32, /128)."""
    return tuple(
        v if isinstance(v, IPv4Network | IPv6Network) else ipaddress.ip_network(v.strip())
        for v in values
    )


def literal_ip(host: str) -> IPAddress | None:
    """The address a host name denotes by itself, in any form a resolver would accept."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host):
        try:
            return IPv4Address(socket.inet_aton(host))  # 2130706433, 0x7f.1, 0177.0.0.1, 127.1
        except OSError:
            return None
    return None


def _names_loopback(host: str) -> bool:
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def _embedded_ipv4(ip: IPv6Address) -> IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def why_not_public(ip: IPAddress) -> str | None:
    """None for a public unicast address, otherwise what kind of address it is."""
    if isinstance(ip, IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            why = why_not_public(inner)
            return f"an IPv6 form of {inner}, {why}" if why else None
        if ip in _NAT64_LOCAL:
            return "a local-use NAT64 address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (where cloud metadata services live)"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if isinstance(ip, IPv4Address) and ip in _CGNAT:
        return "a carrier-grade NAT (shared) address"
    if isinstance(ip, IPv6Address) and ip in _ULA:
        return "an IPv6 unique-local address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "not a public address"
    return None


class AddressGuard:
    """Decides which addresses may be connected to: public ones, plus the allowed networks."""

    def __init__(self, allow: Iterable[str | Network] = ()):
        self.allow = parse_networks(allow)

    def _allowed(self, ip: IPAddress) -> bool:
        candidates: list[IPAddress] = [ip]
        if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        return any(c in net for c in candidates for net in self.allow if c.version == net.version)

    def check(self, ip: IPAddress, host: str) -> None:
        """Raise `FetchRefused` unless `ip` (what `host` resolved to) may be connected to."""
        if self._allowed(ip):
            return
        why = why_not_public(ip)
        if why:
            same = host == str(ip) or (ip.version == 6 and literal_ip(host) == ip)
            shown = host if same else f"{host} ({ip})"
            raise FetchRefused(
                Reason.ADDRESS,
                f"{shown} is {why}; not fetched (an operator can allow the network explicitly)",
            )


def url_refusal(url: str, guard: AddressGuard, hint: str = "") -> str | None:
    """Why `url` is refused before anything is fetched (not http(s), credentials, too long,
    a literal internal address), or None; `hint` follows an address refusal (how an operator
    allows a network). Host names are judged when fetched, on what they resolve to."""
    try:
        check_url(url.strip(), guard)
    except FetchRefused as exc:
        return f"{exc}{hint if exc.reason is Reason.ADDRESS else ''}"
    return None


def check_url(url: str | httpx.URL, guard: AddressGuard) -> httpx.URL:
    """The URL parsed, if it is one we may fetch: http(s), a host, no credentials, not too long.

    A host written as an IP address (in any form) is judged here; host names are judged on the
    address they resolve to, at connection time (see `transport`).
    """
    shown = str(url)[:200]
    if len(str(url)) > MAX_URL_LENGTH:
        raise FetchRefused(Reason.BAD_URL, f"URL is over {MAX_URL_LENGTH} characters", shown)
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise FetchRefused(Reason.BAD_URL, f"not a valid URL ({exc})", shown) from None
    if parsed.scheme not in SCHEMES:
        scheme = parsed.scheme or "(none)"
        raise FetchRefused(
            Reason.SCHEME, f"scheme {scheme}: is not fetched; only http and https", shown
        )
    if not parsed.host:
        raise FetchRefused(Reason.BAD_URL, "URL has no host", shown)
    if parsed.userinfo:
        raise FetchRefused(
            Reason.BAD_URL, "URLs with a user name or password are not fetched", shown
        )
    ip = literal_ip(parsed.host)
    if ip is None and _names_loopback(parsed.host):
        ip = IPv4Address("127.0.0.1")  # RFC 6761: whatever a resolver says, it is this host
    if ip is not None:
        try:
            guard.check(ip, parsed.host)
        except FetchRefused as exc:
            exc.url = shown
            raise
    return parsed
