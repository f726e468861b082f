"""The fetcher against local web servers: good-citizen rules and the SSRF guard.

Every server here listens on 127.0.0.1, so the fetchers under test allow 127.0.0.1/32 only;
the default policy (nothing allowed) is shown refusing internal addresses without connecting.
"""

from __future__ import annotations

import gzip
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from ipaddress import IPv4Address, ip_address

import pytest

from indexer.fetch import (
    Fetched,
    Fetcher,
    FetchFailed,
    FetchPolicy,
    FetchRefused,
    NotModified,
    Reason,
    Validators,
    user_agent,
)
from indexer.fetch.addresses import IPAddress
from tests.local_web import Site, send, serve

UA = user_agent("https://onrecord.example/about/crawler")
LOCAL = ("127.0.0.1/32",)


@pytest.fixture
def site() -> Iterator[Site]:
    yield from serve()


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connection opened (httpcore connects with socket.create_connection)."""
    opened: list[tuple[str, int]] = []
    real = socket.create_connection

    def recording(address, *args, **kwargs):
        opened.append((address[0], address[1]))
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    return opened


def fetcher(**changes) -> Fetcher:
    fields = {"user_agent": UA, "allow_networks": LOCAL, "min_interval": 0.0, **changes}
    return Fetcher(FetchPolicy(**fields))


# --- the basics -------------------------------------------------------------------------------


def test_page_fetched_with_our_user_agent(site: Site) -> None:
    site.page("/a", "<html><body>hello</body></html>", "text/html; charset=utf-8")
    with fetcher() as f:
        result = f.fetch_page(site.url("/a"))
    assert isinstance(result, Fetched)
    assert result.body == b"<html><body>hello</body></html>"
    assert (result.media_type, result.charset) == ("text/html", "utf-8")
    assert UA == "OnRecord/0.1 (+https://onrecord.example/about/crawler)"
    assert site.paths() == ["/robots.txt", "/a"]
    assert all(hit.headers["user-agent"] == UA for hit in site.hits)


def test_conditional_get_returns_not_modified(site: Site) -> None:
    def versioned(h) -> None:
        if h.headers.get("If-None-Match") == '"v1"':
            send(h, 304, b"", {"ETag": '"v1"'})
        else:
            send(h, 200, "<p>v1</p>", {"Content-Type": "text/html", "ETag": '"v1"'})

    def dated(h) -> None:
        stamp = "Wed, 01 Jan 2025 10:00:00 GMT"
        if h.headers.get("If-Modified-Since") == stamp:
            send(h, 304)
        else:
            send(h, 200, "<p>dated</p>", {"Content-Type": "text/html", "Last-Modified": stamp})

    site.routes["/etag"] = versioned
    site.routes["/dated"] = dated
    with fetcher() as f:
        first = f.fetch_page(site.url("/etag"))
        assert isinstance(first, Fetched)
        assert first.validators == Validators(etag='"v1"')
        again = f.fetch_page(site.url("/etag"), first.validators)
        assert isinstance(again, NotModified)
        assert again.validators.etag == '"v1"'

        first = f.fetch_page(site.url("/dated"))
        assert isinstance(first, Fetched)
        assert first.validators.last_modified == "Wed, 01 Jan 2025 10:00:00 GMT"
        assert isinstance(f.fetch_page(site.url("/dated"), first.validators), NotModified)
        # A stale validator gets the new version.
        changed = f.fetch_page(site.url("/etag"), Validators(etag='"v0"'))
        assert isinstance(changed, Fetched) and changed.body == b"<p>v1</p>"


def test_http_errors_are_typed_with_status_and_retry_after(site: Site) -> None:
    site.routes["/busy"] = lambda h: send(h, 503, "later", {"Retry-After": "30"})
    with fetcher() as f, pytest.raises(FetchFailed) as caught:
        f.fetch_page(site.url("/busy"))
    assert caught.value.reason is Reason.HTTP_STATUS
    assert (caught.value.status, caught.value.retry_after) == (503, 30.0)
    assert "503" in str(caught.value) and site.url("/busy") in str(caught.value)


def test_silent_server_times_out(site: Site) -> None:
    site.routes["/stall"] = lambda h: time.sleep(2)
    with fetcher(read_timeout=0.3) as f, pytest.raises(FetchFailed) as caught:
        f.fetch_page(site.url("/stall"))
    assert caught.value.reason is Reason.TIMEOUT


# --- robots.txt -------------------------------------------------------------------------------


def test_robots_disallow_is_honoured_and_cached(site: Site) -> None:
    site.page(
        "/robots.txt",
        "User-agent: OtherBot\nDisallow: /\n\nUser-agent: OnRecord\nDisallow: /private/\n",
        "text/plain",
    )
    site.page("/private/memo", "<p>secret</p>")
    site.page("/news/1", "<p>news</p>")
    with fetcher() as f:
        with pytest.raises(FetchRefused) as caught:
            f.fetch_page(site.url("/private/memo"))
        assert caught.value.reason is Reason.ROBOTS
        assert "robots.txt disallows" in str(caught.value)
        assert isinstance(f.fetch_page(site.url("/news/1")), Fetched)
    assert site.paths() == ["/robots.txt", "/news/1"]  # asked once, the memo never requested


def test_robots_server_error_means_not_now(site: Site) -> None:
    site.routes["/robots.txt"] = lambda h: send(h, 500, "oops")
    site.page("/news/1", "<p>news</p>")
    with fetcher() as f, pytest.raises(FetchFailed) as caught:
        f.fetch_page(site.url("/news/1"))
    assert caught.value.reason is Reason.ROBOTS_UNAVAILABLE
    assert "/news/1" not in site.paths()


def test_robots_crawl_delay_spaces_requests(site: Site) -> None:
    site.page("/robots.txt", "User-agent: *\nCrawl-delay: 1\nDisallow:\n", "text/plain")
    site.page("/a", "<p>a</p>")
    site.page("/b", "<p>b</p>")
    with fetcher() as f:
        f.fetch_page(site.url("/a"))
        f.fetch_page(site.url("/b"))
    times = {hit.path: hit.at for hit in site.hits}
    assert times["/b"] - times["/a"] >= 0.95


# --- pacing -----------------------------------------------------------------------------------


def test_per_host_interval_holds_across_threads(site: Site) -> None:
    interval = 0.4
    for name in "abc":
        site.page(f"/{name}", f"<p>{name}</p>")
    with fetcher(min_interval=interval) as f:
        f.fetch_page(site.url("/a"))
        f.fetch_page(site.url("/b"))
        threads = [threading.Thread(target=f.fetch_page, args=(site.url("/c"),)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    times = sorted(hit.at for hit in site.hits)
    assert len(times) == 6  # robots.txt, /a, /b and /c three times
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # Slots start exactly `interval` apart on the client; what the server sees adds delivery
    # jitter (tens of ms on a loaded machine). Without pacing the gaps would be a few ms.
    assert min(gaps) >= interval * 0.75, gaps
    assert times[-1] - times[0] >= 5 * interval - 0.05, gaps


# --- size cap ---------------------------------------------------------------------------------


def test_size_cap_stops_an_endless_body(site: Site) -> None:
    sent = [0]
    done = threading.Event()

    def endless(h) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        chunk = b"<p>" + b"x" * 65_000 + b"</p>"
        try:
            while sent[0] < 2_000_000_000:
                h.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent[0] += len(chunk)
        except OSError:
            pass
        finally:
            done.set()

    site.routes["/endless"] = endless
    started = time.monotonic()
    with fetcher(max_bytes=200_000) as f, pytest.raises(FetchRefused) as caught:
        f.fetch_page(site.url("/endless"))
    assert caught.value.reason is Reason.TOO_LARGE
    assert "200,000-byte limit" in str(caught.value)
    assert done.wait(10), "the server kept streaming: the client never hung up"
    assert time.monotonic() - started < 10
    assert sent[0] < 20_000_000  # what socket buffers took, not the 2 GB on offer


def test_size_cap_counts_decompressed_bytes(site: Site) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # ~50 kB on the wire
    site.page("/bomb", bomb, "text/html", **{"Content-Encoding": "gzip"})
    site.page("/small", gzip.compress(b"<p>fine</p>"), "text/html", **{"Content-Encoding": "gzip"})
    with fetcher(max_bytes=1_000_000) as f:
        with pytest.raises(FetchRefused) as caught:
            f.fetch_page(site.url("/bomb"))
        assert caught.value.reason is Reason.TOO_LARGE
        small = f.fetch_page(site.url("/small"))
    assert isinstance(small, Fetched) and small.body == b"<p>fine</p>"


def test_declared_length_over_cap_refused_before_reading(site: Site) -> None:
    site.page("/big", b"x" * 300_000)
    with fetcher(max_bytes=100_000) as f, pytest.raises(FetchRefused) as caught:
        f.fetch_page(site.url("/big"))
    assert caught.value.reason is Reason.TOO_LARGE
    assert "300,000 bytes" in str(caught.value)


# --- content types ----------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/json", ""])
def test_non_html_page_refused(site: Site, content_type: str) -> None:
    site.page("/file", b"%PDF-1.7 not a page", content_type)
    with fetcher() as f, pytest.raises(FetchRefused) as caught:
        f.fetch_page(site.url("/file"))
    assert caught.value.reason is Reason.CONTENT_TYPE
    assert "is not an HTML page" in str(caught.value)


def test_feeds_accept_xml_types_only(site: Site) -> None:
    for path, kind in [
        ("/rss", "application/rss+xml"),
        ("/atom", "application/atom+xml"),
        ("/xml", "text/xml; charset=utf-8"),
        ("/html", "text/html"),
    ]:
        site.page(path, "<rss version='2.0'><channel/></rss>", kind)
    with fetcher() as f:
        for path in ("/rss", "/atom", "/xml"):
            assert isinstance(f.fetch_feed(site.url(path)), Fetched)
        with pytest.raises(FetchRefused) as caught:
            f.fetch_feed(site.url("/html"))
    assert caught.value.reason is Reason.CONTENT_TYPE


# --- redirects --------------------------------------------------------------------------------


def test_redirects_followed_and_bounded(site: Site) -> None:
    for n in range(10):
        site.routes[f"/hop/{n}"] = lambda h, n=n: send(h, 302, b"", {"Location": f"/hop/{n + 1}"})
    site.routes["/moved"] = lambda h: send(h, 301, b"", {"Location": site.url("/hop/8")})
    site.page("/hop/10", "<p>arrived</p>")
    with fetcher(max_redirects=3) as f:
        with pytest.raises(FetchRefused) as caught:
            f.fetch_page(site.url("/hop/0"))
        assert caught.value.reason is Reason.TOO_MANY_REDIRECTS
        assert [p for p in site.paths() if p.startswith("/hop/")] == [f"/hop/{n}" for n in range(4)]
        arrived = f.fetch_page(site.url("/moved"))
    assert isinstance(arrived, Fetched)
    assert (arrived.url, arrived.final_url) == (site.url("/moved"), site.url("/hop/10"))


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/admin",
        "http://[::ffff:10.0.0.1]/",
        "http://[::1]/",
        "file:///etc/passwd",
    ],
)
def test_redirect_to_internal_address_refused_without_connecting(
    site: Site, connections: list[tuple[str, int]], target: str
) -> None:
    site.routes["/go"] = lambda h: send(h, 302, b"", {"Location": target})
    with fetcher() as f, pytest.raises(FetchRefused) as caught:  # only 127.0.0.1 allowed
        f.fetch_page(site.url("/go"))
    assert caught.value.reason in (Reason.ADDRESS, Reason.SCHEME)
    assert caught.value.url == site.url("/go")
    assert "redirected to" in str(caught.value)
    assert {host for host, _ in connections} == {"127.0.0.1"}


def test_redirect_to_a_name_of_an_internal_address_refused_at_connect(
    site: Site, connections: list[tuple[str, int]]
) -> None:
    site.routes["/go"] = lambda h: send(h, 302, b"", {"Location": "http://metadata.test/latest"})

    def resolve(host: str, port: int) -> list[IPAddress]:
        return [IPv4Address("169.254.169.254") if host == "metadata.test" else ip_address(host)]

    f = Fetcher(FetchPolicy(user_agent=UA, allow_networks=LOCAL, min_interval=0), resolve)
    with f, pytest.raises(FetchRefused) as caught:
        f.fetch_page(site.url("/go"))
    assert caught.value.reason is Reason.ADDRESS
    assert "metadata.test (169.254.169.254) is a link-local address" in str(caught.value)
    assert caught.value.url == site.url("/go")
    assert "redirected to http://metadata.test/latest" in str(caught.value)
    assert {host for host, _ in connections} == {"127.0.0.1"}


def test_every_connection_checks_the_address_it_connects_to(
    site: Site, connections: list[tuple[str, int]]
) -> None:
    """DNS rebinding: the name answers 127.0.0.1 (allowed) first, then 10.0.0.1. Each connection
    resolves once and connects to exactly the address it checked, so the second is refused."""
    site.page("/robots.txt", "User-agent: *\nDisallow:\n", "text/plain", Connection="close")
    site.page("/news", "<p>news</p>", Connection="close")
    answers = iter(["127.0.0.1", "10.0.0.1"])

    def rebinding(host: str, port: int) -> list[IPAddress]:
        return [ip_address(next(answers))]

    f = Fetcher(FetchPolicy(user_agent=UA, allow_networks=LOCAL, min_interval=0), rebinding)
    with f, pytest.raises(FetchRefused) as caught:
        f.fetch_page(f"http://news.test:{site.port}/news")
    assert caught.value.reason is Reason.ADDRESS
    assert "news.test (10.0.0.1) is a private address" in str(caught.value)
    assert connections == [("127.0.0.1", site.port)]  # robots.txt only
    assert site.paths() == ["/robots.txt"]
    assert site.hits[0].headers["host"] == f"news.test:{site.port}"  # Host kept, IP pinned


# --- the address guard with default settings --------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://0.0.0.0/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://[fd12:3456::1]/",
        "http://[fe80::1]/",
        "http://[64:ff9b::a00:1]/",
        "http://[2002:7f00:1::]/",
        "http://localhost/",
    ],
)
def test_default_policy_refuses_internal_addresses(
    url: str, connections: list[tuple[str, int]]
) -> None:
    with Fetcher(FetchPolicy(user_agent=UA)) as f, pytest.raises(FetchRefused) as caught:
        f.fetch_page(url)
    assert caught.value.reason is Reason.ADDRESS
    assert "not fetched" in str(caught.value)
    assert connections == []


def test_default_policy_refuses_a_real_local_server(
    site: Site, connections: list[tuple[str, int]]
) -> None:
    site.page("/", "<p>home</p>")
    with Fetcher(FetchPolicy(user_agent=UA)) as f, pytest.raises(FetchRefused) as caught:
        f.fetch_page(site.url("/"))
    assert "127.0.0.1 is a loopback address" in str(caught.value)
    assert connections == [] and site.hits == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", Reason.SCHEME),
        ("javascript:alert(1)", Reason.SCHEME),
        ("ftp://ftp.example.org/pub/file", Reason.SCHEME),
        ("gopher://example.org/", Reason.SCHEME),
        ("data:text/html,<p>hi</p>", Reason.SCHEME),
        ("http://user:secret@example.org/", Reason.BAD_URL),
        ("http:///no-host", Reason.BAD_URL),
        ("http://0177.0.0.1/", Reason.BAD_URL),  # octal 127.0.0.1: httpx rejects the URL
        ("http://example.org/" + "a" * 2100, Reason.BAD_URL),
    ],
)
def test_other_schemes_and_malformed_urls_refused(url: str, reason: Reason) -> None:
    with Fetcher(FetchPolicy(user_agent=UA)) as f, pytest.raises(FetchRefused) as caught:
        f.fetch_page(url)
    assert caught.value.reason is reason
