"""Article pages named by URL → articles, as `onrecord ingest URL` reads them.

Each URL is fetched through the one shared `Fetcher` and its article taken out as a saved page
would be (`pages.article_from_page`); a URL that cannot be fetched or holds no article becomes
a `SourceError` naming it and why, so the rest of a run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from db.records import ArticleIn
from indexer.fetch.client import Fetched, Fetcher
from indexer.fetch.errors import FetchError, Reason
from indexer.fetch.pages import article_from_page
from indexer.sources import Overrides, SourceArticle, SourceError


def fetch_articles(
    urls: Iterable[str],
    fetcher: Fetcher,
    overrides: Overrides | None = None,
    address_hint: str = "",
) -> Iterator[SourceArticle | SourceError]:
    """The article of each page in order; `address_hint` is added to an address refusal
    (how the operator allows a network)."""
    overrides = overrides or Overrides()
    for url in urls:
        try:
            page = fetcher.fetch_page(url)
            assert isinstance(page, Fetched)  # no validators sent, so never NotModified
            article = article_from_page(page, overrides.outlet)
        except FetchError as exc:
            hint = address_hint if exc.reason is Reason.ADDRESS else ""
            yield SourceError(url, exc.message + hint)
            continue
        fill = {
            name: value
            for name, value in (
                ("published_at", overrides.published_at),
                ("title", overrides.title),
            )
            if value is not None
        }
        yield SourceArticle(
            url, _doc(page.final_url), ArticleIn.model_validate(article.model_dump() | fill)
        )


def _doc(url: str) -> str:
    """A document name for a page: the last path segment, else the host."""
    path = url.split("?", 1)[0].rstrip("/")
    return path.rsplit("/", 1)[-1] or url
