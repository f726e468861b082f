"""Fetching the web politely and safely: feeds and article pages in, `ArticleIn` out.

`Fetcher` is the one shared HTTP client (see `client`); `parse_feed` reads RSS and Atom;
`article_from_page` turns a fetched page into an article. Every failure is a `FetchError`.
"""

from indexer.fetch.addresses import AddressGuard, check_url, url_refusal, why_not_public
from indexer.fetch.client import (
    Fetched,
    Fetcher,
    FetchPolicy,
    Kind,
    NotModified,
    Validators,
    user_agent,
)
from indexer.fetch.errors import FetchError, FetchFailed, FetchRefused, Reason
from indexer.fetch.feeds import FeedEntry, ParsedFeed, SkippedEntry, parse_feed
from indexer.fetch.pages import article_from_page, decode_html

__all__ = [
    "AddressGuard",
    "FeedEntry",
    "FetchError",
    "FetchFailed",
    "FetchPolicy",
    "FetchRefused",
    "Fetched",
    "Fetcher",
    "Kind",
    "NotModified",
    "ParsedFeed",
    "Reason",
    "SkippedEntry",
    "Validators",
    "article_from_page",
    "check_url",
    "decode_html",
    "parse_feed",
    "url_refusal",
    "user_agent",
    "why_not_public",
]
