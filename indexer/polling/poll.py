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
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.articles.service import store_article, store_articles
from db.feeds import service as feeds
from db.feeds.service import ClaimedFeed, EntryRecord, SeenState
from db.records import ArticleIn, Extractor, QuoteDraft
from db.speakers.service import SpeakerCache
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

POLLERS = 4  # feeds polled at once by one poll run (fetching waits on the network mostly)
PAGE_RECHECK = timedelta(days=1)  # how often a stored page is asked "changed?" …
RECHECK_WINDOW = timedelta(days=7)  # … in the first week after its entry appeared
RECHECKS_PER_POLL = 50
PAGE_ATTEMPTS = 3  # polls that try a page which failed before it waits for a change
RETRY = ""  # the signature of an entry to fetch again at the next poll
WATCH = 0.5  # seconds a poller waiting for the next due feed sleeps at most


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
        articles = (
            f"articles: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.refused)} refused"
        )
        rechecked = f"{self.rechecked} pages checked again" if self.rechecked else ""
        if self.not_modified:
            return f"{self.url}: not modified (304)" + (
                f"; {rechecked}; {articles}" if rechecked else ""
            )
        seen = f"{self.entries} entries; {articles}; {self.skipped} seen before"
        return f"{self.url}: {seen}" + (f"; {rechecked}" if rechecked else "")


def poll_claimed(
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    extract: Extractor,
    feed: ClaimedFeed,
    report: PollReport,
) -> None:
    """Poll a feed this worker holds, filling in `report`, and release it with its next poll
    scheduled, whatever happens (an outage of PostgreSQL leaves the claim to expire)."""
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
        items_seen = _save(
            factory, feed, _rechecked(factory, fetcher, extract, feed, report), report
        )
        validators = result.validators
        feeds.finish_poll(
            factory,
            feed,
            etag=validators.etag,
            last_modified=validators.last_modified,
            items_seen=items_seen,
            articles_stored=report.new + report.updated,
        )
        return
    parsed = parse_feed(result.body, result.final_url, result.charset)
    report.entries = len(parsed.entries) + len(parsed.skipped)
    for skipped in parsed.skipped:
        report.refused.append(f"entry {skipped.label}: {skipped.reason}")
    unique = list({entry.id[:2000]: entry for entry in parsed.entries}.values())
    seen = feeds.seen_entries(factory, feed.id, [entry.id[:2000] for entry in unique])
    done: list[EntryRecord | _Page] = []
    for entry in unique:
        state = seen.get(entry.id[:2000])
        signature = _signature(entry)
        if state is not None and state.signature == signature:
            report.skipped += 1
            continue
        done.append(_entry(fetcher, extract, feed, entry, signature, state, report))
    done += _rechecked(factory, fetcher, extract, feed, report)
    items_seen = _save(factory, feed, done, report)
    feeds.finish_poll(
        factory,
        feed,
        title=parsed.title,
        etag=result.validators.etag,
        last_modified=result.validators.last_modified,
        items_seen=items_seen,
        articles_stored=report.new + report.updated,
    )


@dataclass
class _Page:
    """A page that gave an article: stored with the others of its poll, in one transaction."""

    record: EntryRecord
    article: ArticleIn
    quotes: Sequence[QuoteDraft]


def _entry(
    fetcher: Fetcher,
    extract: Extractor,
    feed: ClaimedFeed,
    entry: FeedEntry,
    signature: str,
    state: SeenState | None,
    report: PollReport,
) -> EntryRecord | _Page:
    """Fetch one new or changed entry's page: the article to store, or what to remember."""
    validators = Validators(state.etag, state.last_modified) if state else None
    record = EntryRecord(entry.id[:2000], entry.url, signature, fetched_at=datetime.now(UTC))
    try:
        page = fetcher.fetch_page(entry.url, validators)
        if isinstance(page, NotModified):
            report.skipped += 1
            record.etag, record.last_modified = page.validators.etag, page.validators.last_modified
            return record
        assert isinstance(page, Fetched)
        article = article_from_page(page, feed.outlet, entry)
    except FetchError as exc:
        report.refused.append(f"{entry.url}: {exc.message}")
        attempts = (state.attempts if state else 0) + 1
        if isinstance(exc, FetchFailed) and attempts < PAGE_ATTEMPTS:
            record.signature = RETRY
        record.error, record.failed = exc.message, True
        return record
    try:
        quotes = extract(article.text, article.published_at)
    except Exception as exc:  # one article's extraction fault refuses that article only
        record.error = f"extraction failed: {type(exc).__name__}: {exc}"
        report.refused.append(f"{entry.url}: {record.error}")
        return record
    record.etag, record.last_modified = page.validators.etag, page.validators.last_modified
    return _Page(record, article, quotes)


def _save(
    factory: sessionmaker[Session],
    feed: ClaimedFeed,
    done: list[EntryRecord | _Page],
    report: PollReport,
) -> int:
    """Store the poll's articles in one transaction through the article store (one by one
    only if that fails, so one bad article is refused alone), then remember every entry;
    how many entries were new to the feed."""
    pages = [item for item in done if isinstance(item, _Page)]
    try:
        results = store_articles(factory, [(p.article, p.quotes) for p in pages], SpeakerCache())
    except OperationalError:
        raise
    except SQLAlchemyError:
        results = None
    for number, item in enumerate(pages):
        if results is not None:
            stored = results[number]
        else:
            try:
                stored = store_article(factory, item.article, item.quotes)
            except OperationalError:
                raise
            except SQLAlchemyError as exc:
                item.record.error = f"not stored: {str(exc).splitlines()[0][:300]}"
                report.refused.append(f"{item.record.url}: {item.record.error}")
                continue
        item.record.article_id = stored.article_id
        if stored.status == StoreStatus.new:
            report.new += 1
        elif stored.status == StoreStatus.updated:
            report.updated += 1
        else:
            report.unchanged += 1
    records = [item.record if isinstance(item, _Page) else item for item in done]
    return feeds.save_entries(factory, feed.id, records)


def _rechecked(
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    extract: Extractor,
    feed: ClaimedFeed,
    report: PollReport,
) -> list[EntryRecord | _Page]:
    """Ask the pages this feed gave this week, not asked for a day, whether they changed."""
    now = datetime.now(UTC)
    stale = feeds.stale_entries(
        factory, feed.id, now - PAGE_RECHECK, now - RECHECK_WINDOW, RECHECKS_PER_POLL
    )
    report.rechecked += len(stale)
    return [
        _entry(fetcher, extract, feed, FeedEntry(url=url, id=key), state.signature, state, report)
        for key, url, state in stale
    ]


def _signature(entry: FeedEntry) -> str:
    """What the feed says of an entry: when it changes, its page is fetched again."""
    parts = (entry.url, entry.title or "", entry.published, entry.updated)
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def poll_due(
    factory: sessionmaker[Session],
    fetcher: Fetcher,
    extract: Extractor,
    ids: list[int] | None = None,
    limit: int | None = None,
    pollers: int = 1,
    on_report: Callable[[PollReport], None] | None = None,
    until: float | None = None,
) -> list[PollReport]:
    """Poll due feeds (of `ids`, or all) until none is due or `limit` polls are done: each of
    `pollers` threads claims one feed at a time, so a slow site holds up only its thread.

    With `until` (a `time.time()`), the pollers go on until then, each waking when the next
    feed falls due (looking again at least every WATCH seconds, for feeds made due by hand):
    a feed is polled at its interval, not at the first scheduler tick after it."""
    reports: list[PollReport] = []
    lock = threading.Lock()

    def poller() -> None:
        while True:
            with lock:
                if limit is not None and len(reports) >= limit:
                    return
                claimed = feeds.claim_due(factory, 1, ids)
                if claimed:
                    reports.append(report := PollReport(claimed[0].id, claimed[0].url))
            if not claimed:
                left = 0.0 if until is None else until - time.time()
                if left <= 0:
                    return
                soonest = feeds.seconds_until_due(factory, ids)
                time.sleep(max(0.05, min(left, WATCH, WATCH if soonest is None else soonest)))
                continue
            poll_claimed(factory, fetcher, extract, claimed[0], report)
            if on_report:
                on_report(report)

    with ThreadPoolExecutor(pollers, thread_name_prefix="feed-poll") as pool:
        for done in [pool.submit(poller) for _ in range(pollers)]:
            done.result()  # a poller's failure (PostgreSQL gone) is the caller's
    return reports
