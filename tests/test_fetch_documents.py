"""Feeds of every flavour → entries, and fetched pages → articles (fictional fixtures)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from indexer.fetch import (
    FeedEntry,
    Fetched,
    Fetcher,
    FetchPolicy,
    FetchRefused,
    Reason,
    article_from_page,
    decode_html,
    parse_feed,
    user_agent,
)
from tests.local_web import Site, serve

BASE = "https://news.example/feeds/main.xml"

RSS091 = b"""<?xml version="1.0"?>
<rss version="0.91"><channel>
<title>Harbour Gazette</title><link>https://news.example/</link><description>d</description>
<language>en</language>
<item><title>Pier repairs approved</title><link>https://news.example/pier</link>
<description>summary, not the article</description></item>
</channel></rss>"""

RSS10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://news.example/"><title>Valley Courier</title>
<link>https://news.example/</link><description>d</description>
<items><rdf:Seq><rdf:li rdf:resource="https://news.example/dam"/></rdf:Seq></items></channel>
<item rdf:about="https://news.example/dam"><title>Dam inspection delayed</title>
<link>https://news.example/dam</link><dc:creator>Mara Quill</dc:creator>
<dc:date>2024-03-05T08:30:00Z</dc:date></item>
</rdf:RDF>"""

RSS20 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>The Lantern</title><link>https://news.example/</link><description>d</description>
<item><title>Council votes on ferry fares</title><link>/2024/ferry-fares</link>
<guid isPermaLink="false">lantern-1001</guid><dc:creator>Ivo Brandt</dc:creator>
<pubDate>Tue, 05 Mar 2024 09:15:00 +0100</pubDate></item>
<item><title>No link here</title><guid isPermaLink="false">lantern-1002</guid></item>
<item><title>Script link</title><link>javascript:alert(1)</link></item>
<item><title>Caf\xc3\xa9 reopens</title><link>https://news.example/cafe</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/atom/">
<title>Northern Ledger</title><id>urn:uuid:feed-1</id><updated>2024-03-06T10:00:00Z</updated>
<entry><title>Bridge tolls to fall</title><id>urn:uuid:entry-1</id>
<link rel="alternate" href="stories/bridge-tolls"/>
<author><name>Petra Lind</name></author>
<published>2024-03-06T09:00:00+02:00</published><updated>2024-03-06T10:00:00Z</updated></entry>
<entry><title>Only updated</title><id>urn:uuid:entry-2</id>
<link href="https://elsewhere.example/story"/><updated>2024-03-07T11:00:00Z</updated></entry>
<entry><title>Enclosure only</title><id>urn:uuid:entry-3</id>
<link rel="enclosure" type="audio/mpeg" href="https://news.example/a.mp3"/>
<updated>2024-03-07T12:00:00Z</updated></entry>
</feed>"""


def test_rss_091() -> None:
    feed = parse_feed(RSS091, BASE)
    assert feed.format == "rss091u"
    assert feed.title == "Harbour Gazette"
    assert feed.entries == [
        FeedEntry(
            url="https://news.example/pier",
            id="https://news.example/pier",
            title="Pier repairs approved",
        )
    ]


def test_rss_10() -> None:
    feed = parse_feed(RSS10, BASE)
    assert feed.format == "rss10"
    [entry] = feed.entries
    assert (entry.url, entry.title, entry.author) == (
        "https://news.example/dam",
        "Dam inspection delayed",
        "Mara Quill",
    )
    assert entry.published == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)


def test_rss_20_relative_links_and_skipped_entries() -> None:
    feed = parse_feed(RSS20, BASE)
    assert feed.format == "rss20"
    first, cafe = feed.entries
    assert first == FeedEntry(
        url="https://news.example/2024/ferry-fares",
        id="lantern-1001",
        title="Council votes on ferry fares",
        published=datetime(2024, 3, 5, 8, 15, tzinfo=UTC),
        author="Ivo Brandt",
    )
    assert cafe.title == "Café reopens"
    assert [(s.position, s.label) for s in feed.skipped] == [
        (2, "lantern-1002"),
        (3, "Script link"),
    ]
    assert feed.skipped[0].reason == "no link to an article page"
    assert "not an http(s) URL" in feed.skipped[1].reason


def test_atom_with_xml_base() -> None:
    feed = parse_feed(ATOM, BASE)
    assert feed.format == "atom10"
    bridge, updated_only = feed.entries
    assert bridge.url == "https://news.example/atom/stories/bridge-tolls"
    assert (bridge.id, bridge.author) == ("urn:uuid:entry-1", "Petra Lind")
    assert bridge.published == datetime(2024, 3, 6, 7, 0, tzinfo=UTC)
    assert updated_only.published == datetime(2024, 3, 7, 11, 0, tzinfo=UTC)
    assert [s.label for s in feed.skipped] == ["urn:uuid:entry-3"]


@pytest.mark.parametrize("body", [b"<html><body><p>a page</p></body></html>", b"", b"\x00\x01"])
def test_not_a_feed(body: bytes) -> None:
    with pytest.raises(FetchRefused) as caught:
        parse_feed(body, BASE)
    assert caught.value.reason is Reason.NOT_A_FEED


def test_a_feed_body_is_never_taken_for_a_file_path(tmp_path: Path) -> None:
    """feedparser opens a string argument as a URL or file; bodies go in as streams."""
    local = tmp_path / "local.xml"
    local.write_bytes(RSS20)
    with pytest.raises(FetchRefused) as caught:
        parse_feed(str(local).encode(), BASE)
    assert caught.value.reason is Reason.NOT_A_FEED


# --- pages ------------------------------------------------------------------------------------

PAGE = """<!doctype html><html><head><meta charset="windows-1252">
<title>Ferry fares to rise in spring | The Lantern</title>
<meta name="author" content="Ivo Brandt">
<meta property="article:published_time" content="2024-03-05T09:15:00+01:00">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Ferry fares to rise in spring</h1>
<p>The harbour council voted on Monday to raise ferry fares by a tenth from April.</p>
<p>"We kept the rise as small as the budget allows," said Lotte Varga, who chairs the
council's transport committee. She said the café on the pier would stay open all year.</p>
<p>Opponents said the vote came too quickly and asked for a public meeting in March.</p>
</article><footer>Copyright The Lantern</footer></body></html>"""


@pytest.fixture
def site() -> Iterator[Site]:
    yield from serve()


def test_page_to_article_over_http(site: Site) -> None:
    site.page("/story", PAGE.encode("cp1252"), "text/html")
    policy = FetchPolicy(
        user_agent=user_agent("https://onrecord.example/bot"),
        allow_networks=("127.0.0.1/32",),
        min_interval=0,
    )
    with Fetcher(policy) as f:
        page = f.fetch_page(site.url("/story"))
    assert isinstance(page, Fetched)
    article = article_from_page(page, outlet="The Lantern")
    assert article.title.startswith("Ferry fares to rise in spring")
    assert article.author == "Ivo Brandt"
    assert article.published_at == date(2024, 3, 5)
    assert article.url == site.url("/story")
    assert article.outlet == "The Lantern"
    assert "Lotte Varga" in article.text and "café on the pier" in article.text
    assert "Home" not in article.text and "Copyright" not in article.text


def test_feed_entry_fills_what_the_page_lacks() -> None:
    bare = "<html><body><article>" + "<p>The mayor opened the new library on Friday.</p>" * 5
    page = Fetched(
        "https://news.example/lib",
        "https://news.example/lib",
        200,
        "text/html",
        None,
        (bare + "</article></body></html>").encode(),
    )
    entry = FeedEntry(
        "https://news.example/lib",
        "x",
        "Library opens",
        datetime(2024, 4, 1, 12, 0, tzinfo=UTC),
        "Noor Adler",
    )
    article = article_from_page(page, entry=entry)
    assert (article.author, article.published_at) == ("Noor Adler", date(2024, 4, 1))


def test_page_without_article_text_is_refused() -> None:
    page = Fetched(
        "https://news.example/e",
        "https://news.example/e",
        200,
        "text/html",
        None,
        b"<html><head><title>Empty</title></head><body></body></html>",
    )
    with pytest.raises(FetchRefused) as caught:
        article_from_page(page)
    assert caught.value.reason is Reason.NO_ARTICLE
    assert caught.value.url == "https://news.example/e"


def test_decode_html_follows_header_then_meta_then_utf8() -> None:
    assert decode_html("café".encode("cp1252"), "windows-1252") == "café"
    meta = '<meta charset="iso-8859-1"><p>café</p>'.encode("latin-1")
    assert decode_html(meta).endswith("café</p>")
    assert decode_html("café".encode()) == "café"
    assert decode_html(b"caf\xe9", "no-such-charset") == "caf\ufffd"
