"""RSS 0.9x/1.0/2.0 and Atom documents → the entries worth fetching, via feedparser.

Only the entry's link, title, date, author and id are kept: the summary in a feed is not the
article, the page it links to is (see `pages`). Entries without a usable link are reported as
skipped with a reason, not silently lost.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from indexer.fetch.errors import FetchRefused, Reason


@dataclass(frozen=True)
class FeedEntry:
    url: str  # absolute http(s) link to the article page
    id: str  # the feed's id (Atom id, RSS guid), or the link when it gives none
    title: str | None = None
    published: datetime | None = None  # UTC; the updated date when no published date
    author: str | None = None
    updated: datetime | None = None  # UTC; when the feed says the entry last changed


@dataclass(frozen=True)
class SkippedEntry:
    position: int  # 1-based, in document order
    label: str  # the entry's id or title, for messages
    reason: str


@dataclass(frozen=True)
class ParsedFeed:
    format: str  # feedparser's version: rss090, rss091u, rss092, rss10, rss20, atom10, …
    title: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)


def parse_feed(body: bytes, url: str, charset: str | None = None) -> ParsedFeed:
    """Parse a feed fetched from `url` (relative links resolve against it); raise
    `FetchRefused(NOT_A_FEED)` for a document that is not RSS or Atom."""
    content_type = f"application/xml; charset={charset}" if charset else "application/xml"
    # A BytesIO, never the bytes themselves: feedparser treats a string as a URL or file path.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-location": url, "content-type": content_type},
        sanitize_html=True,
    )
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        raise FetchRefused(Reason.NOT_A_FEED, f"not an RSS or Atom feed{detail}", url)
    entries: list[FeedEntry] = []
    skipped: list[SkippedEntry] = []
    for position, raw in enumerate(parsed.entries, 1):
        entry = _entry(raw, url)
        if isinstance(entry, str):
            label = raw.get("id") or raw.get("title") or f"entry {position}"
            skipped.append(SkippedEntry(position, str(label)[:200], entry))
        else:
            entries.append(entry)
    title = parsed.feed.get("title") or None
    return ParsedFeed(parsed.version, title, entries, skipped)


def _entry(raw: Any, base: str) -> FeedEntry | str:
    """The entry, or why it cannot be fetched."""
    link = (raw.get("link") or "").strip()
    if not link:
        return "no link to an article page"
    url = urljoin(base, link)
    if urlsplit(url).scheme not in ("http", "https"):
        return f"link {link[:200]!r} is not an http(s) URL"
    return FeedEntry(
        url=url,
        id=(raw.get("id") or "").strip() or url,
        title=(raw.get("title") or "").strip() or None,
        published=_when(raw.get("published_parsed") or raw.get("updated_parsed")),
        author=(raw.get("author") or "").strip() or None,
        # dict.get: feedparser's own get maps a missing `updated` to `published`, with a warning
        updated=_when(dict.get(raw, "updated_parsed")),
    )


def _when(parsed: time.struct_time | None) -> datetime | None:
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None
