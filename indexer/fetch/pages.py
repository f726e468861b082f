"""A fetched HTML page → the article in it (main text, title, author, date), as `ArticleIn`.

The extraction is the one `onrecord ingest page.html` uses (trafilatura, in `indexer.sources`),
so a page fetched and the same page saved to a file give the same article.
"""

from __future__ import annotations

import codecs
import re

from db.records import ArticleIn
from indexer.fetch.client import Fetched
from indexer.fetch.errors import FetchRefused, Reason
from indexer.fetch.feeds import FeedEntry
from indexer.sources import Overrides, SourceError, article_from_html

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(body: bytes, charset: str | None = None) -> str:
    """Text of an HTML body: byte-order mark, then the HTTP charset, then `<meta charset>`,
    then UTF-8; undecodable bytes become U+FFFD rather than failing the page."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    candidates = [charset] if charset else []
    found = _META_CHARSET.search(body[:4096])
    if found:
        candidates.append(found.group(1).decode("ascii"))
    for encoding in candidates:
        try:
            return body.decode(encoding, errors="replace")
        except LookupError:
            continue  # an unknown charset name: try the next clue
    return body.decode("utf-8", errors="replace")


def article_from_page(
    page: Fetched, outlet: str | None = None, entry: FeedEntry | None = None
) -> ArticleIn:
    """The article on `page`, its URL the page's final URL. A feed `entry` fills in the title,
    author and date the page itself does not give. Raise `FetchRefused(NO_ARTICLE)` when the
    page holds no article text (or nothing valid as an article)."""
    html = decode_html(page.body, page.charset)
    found = article_from_html(
        html, page.final_url, "", Overrides(outlet=outlet, url=page.final_url)
    )
    if isinstance(found, SourceError):
        raise FetchRefused(Reason.NO_ARTICLE, found.message, page.final_url)
    article = found.article
    if entry is None:
        return article
    fill = {
        "author": article.author or entry.author,
        "published_at": article.published_at
        or (entry.published.date() if entry.published else None),
    }
    return article.model_copy(update=fill)
