"""One poll of one feed: fetch it (conditionally), fetch each new or changed entry's page,
extract and store its article through the article store, and record what was seen.

A feed is polled only by whoever claimed it (`db.feeds.service.claim_due`), so two workers
never fetch one feed at once. An entry already seen with the same link, title and dates has
its page asked again once a day in its first week (pages are corrected without the feed saying
so), even while the feed answers 304; an entry the feed shows changed is fetched at once. Both
are asked with the page's validators (a 304 changes nothing), and a changed page updates the
stored article (same URL). A page that
cannot be fetched for now is tried again at the next polls, a few times; one refused (robots,
not HTML, no article) is not, until the feed shows the entry changed.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.articles.service import store_article
from db.feeds import service as feeds
from db.feeds.service import ClaimedFeed, SeenState
from db.records import Extractor
from db.vocabulary import StoreStatus
from indexer.fetch import (
    FeedEntry,
    Fetched,
    Fetcher,
    FetchError,
    FetchFailed,
    NotModified,
    Validators,
    article_from_page,
    parse_feed,
)

log = logging.getLogger("onrecord.feeds")

PAGE_RECHECK = timedelta(days=1)  # how often a stored page is asked "changed?" …
RECHECK_WINDOW = timedelta(days=7)  # … in the first week after its entry appeared
RECHECKS_PER_POLL = 50
PAGE_ATTEMPTS = 3  # polls that try a page which failed before it waits for a change
RETRY = ""  # the signature of an entry to fetch again at the next poll


@dataclass
class PollReport:
    """How one poll went, for the command line, the log and the feed's health."""

    feed_id: int
    url: str
    not_modified: bool = False
    entries: int = 0  # in the feed document
    new: int = 0  # articles stored for the first time
    updated: int = 0  # stored articles whose page changed
    unchanged: int = 0  # pages fetched that gave an article already stored
    skipped: int = 0  # entries seen before and not changed
    rechecked: int = 0  # stored pages asked again whether they changed
    refused: list[str] = field(default_factory=list)  # "url: why", pages that gave no article
    error: str | None = None  # the feed itself could not be polled

    def line(self) -> str:
        if self.error:
            return f"{self.url}: failed: {self.error}"
        if self.not_modified:
            return f"{self.url}: not modified (304)"
        return (
            f"{self.url}: {self.entries} entries; articles: {self.new} new, {self.updated} "
            f"updated, {self.unchanged} unchanged, {len(self.refused)} refused; "
            f"{self.skipped} seen before"
        ) + (f"; {self.rechecked} pages checked again" if self.rechecked else "")


def poll_claimed(
    factory: sessionmaker[Session], fetcher: Fetcher, extract: Extractor, feed: ClaimedFeed
) -> PollReport:
    """Poll a feed this worker holds and release it with its next poll scheduled, whatever
    happens (an outage of PostgreSQL leaves the claim to expire)."""
    report = PollReport(feed.id, feed.url)
    try:
        _poll(factory, fetcher, extract, feed, report)
    except FetchError as exc:
        report.error = exc.message
        retry_after = exc.retry_after if isinstance(exc, FetchFailed) else None
        feeds.finish_poll(factory, feed, error=exc.message, retry_after=retry_after)
    except OperationalError:
        raise
    except Exception as exc:  # a bug in one feed is that feed's error, not the worker's end
        log.exception("feed %s: poll failed", feed.url)
        report.error = f"{type(exc).__name__}: {exc}"
        feeds.finish_poll(factory, feed, error=report.error)
    return report


def _poll(
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    extract: Extractor,
    feed: ClaimedFeed,
    report: PollReport,
) -> None:
    result = fetcher.fetch_feed(feed.url, Validators(feed.etag, feed.last_modified))
    if isinstance(result, NotModified):
        report.not_modified = True
        validators = result.validators
        _recheck(factory, fetcher, extract, feed, report)
        feeds.finish_poll(
            factory, feed, etag=validators.etag, last_modified=validators.last_modified
        )
        return
    parsed = parse_feed(result.body, result.final_url, result.charset)
    report.entries = len(parsed.entries) + len(parsed.skipped)
    for skipped in parsed.skipped:
        report.refused.append(f"entry {skipped.label}: {skipped.reason}")
    unique = list({entry.id: entry for entry in parsed.entries}.values())
    seen = feeds.seen_entries(factory, feed.id, [entry.id[:2000] for entry in unique])
    items_seen = 0
    for entry in unique:
        state = seen.get(entry.id[:2000])
        signature = _signature(entry)
        if state is not None and state.signature == signature:
            report.skipped += 1
            continue
        if _entry(factory, fetcher, extract, feed, entry, signature, state, report):
            items_seen += 1
    _recheck(factory, fetcher, extract, feed, report)
    feeds.finish_poll(
        factory,
        feed,
        title=parsed.title,
        etag=result.validators.etag,
        last_modified=result.validators.last_modified,
        items_seen=items_seen,
        articles_stored=report.new + report.updated,
    )


def _entry(
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    extract: Extractor,
    feed: ClaimedFeed,
    entry: FeedEntry,
    signature: str,
    state: SeenState | None,
    report: PollReport,
) -> bool:
    """Fetch and store one new or changed entry; True when the entry was new to the feed."""
    validators = Validators(state.etag, state.last_modified) if state else None
    fetched_at = datetime.now(UTC)
    try:
        page = fetcher.fetch_page(entry.url, validators)
        if isinstance(page, NotModified):
            report.skipped += 1
            return feeds.save_entry(
                factory,
                feed.id,
                entry.id,
                url=entry.url,
                signature=signature,
                etag=page.validators.etag,
                last_modified=page.validators.last_modified,
                fetched_at=fetched_at,
            )
        assert isinstance(page, Fetched)
        article = article_from_page(page, feed.outlet, entry)
    except FetchError as exc:
        report.refused.append(f"{entry.url}: {exc.message}")
        attempts = (state.attempts if state else 0) + 1
        retry = isinstance(exc, FetchFailed) and attempts < PAGE_ATTEMPTS
        return feeds.save_entry(
            factory,
            feed.id,
            entry.id,
            url=entry.url,
            signature=RETRY if retry else signature,
            error=exc.message,
            failed=True,
            fetched_at=fetched_at,
        )
    try:
        quotes = extract(article.text, article.published_at)
    except Exception as exc:  # one article's extraction fault refuses that article only
        message = f"extraction failed: {type(exc).__name__}: {exc}"
        report.refused.append(f"{entry.url}: {message}")
        return feeds.save_entry(
            factory, feed.id, entry.id, url=entry.url, signature=signature, error=message
        )
    stored = store_article(factory, article, quotes)
    if stored.status == StoreStatus.new:
        report.new += 1
    elif stored.status == StoreStatus.updated:
        report.updated += 1
    else:
        report.unchanged += 1
    return feeds.save_entry(
        factory,
        feed.id,
        entry.id,
        url=entry.url,
        signature=signature,
        article_id=stored.article_id,
        etag=page.validators.etag,
        last_modified=page.validators.last_modified,
        fetched_at=fetched_at,
    )


def _recheck(
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    extract: Extractor,
    feed: ClaimedFeed,
    report: PollReport,
) -> None:
    """Ask the pages this feed gave this week, not asked for a day, whether they changed."""
    now = datetime.now(UTC)
    stale = feeds.stale_entries(
        factory, feed.id, now - PAGE_RECHECK, now - RECHECK_WINDOW, RECHECKS_PER_POLL
    )
    for key, url, state in stale:
        report.rechecked += 1
        entry = FeedEntry(url=url, id=key)
        _entry(factory, fetcher, extract, feed, entry, state.signature, state, report)


def _signature(entry: FeedEntry) -> str:
    """What the feed says of an entry: when it changes, its page is fetched again."""
    parts = (entry.url, entry.title or "", entry.published, entry.updated)
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def poll_due(
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    extract: Extractor,
    ids: list[int] | None = None,
    limit: int = 100,
) -> list[PollReport]:
    """Claim the due feeds (of `ids`, or all) and poll them one after another."""
    return [
        poll_claimed(factory, fetcher, extract, feed)
        for feed in feeds.claim_due(factory, limit, ids)
    ]
