"""Feeds in: following feeds served by a local newsroom site, polling them, ingesting their
articles once, conditional requests, changed pages, the SSRF guard, and workers sharing polls.

The site listens on 127.0.0.1, so the fetchers here allow 127.0.0.1/32 except where the
default policy is shown refusing it. Articles and people are fictional.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, text

from db.api_keys import service as api_keys
from db.feeds import service as feeds
from db.models import Article, Quote, SeenEntry
from db.services import free_port
from db.session import make_engine, make_session_factory, transaction
from db.settings import ResolvedSettings
from db.vocabulary import Scope
from indexer.extract import extract_quotes
from indexer.fetch import Fetcher, FetchPolicy, user_agent
from indexer.polling.jobs import FeedWorker, feed_jobs
from indexer.polling.poll import poll_due
from tests.conftest import API_KEY, cli_env, run_cli
from tests.local_web import Site, send, serve

UA = user_agent("https://onrecord.example/about/crawler")
LOCAL = ("127.0.0.1/32",)


def article_html(title: str, speaker: str, words: str, extra: str = "") -> str:
    return f"""<!doctype html><html><head><title>{title}</title>
<meta property="article:published_time" content="2024-05-02T08:00:00Z"></head><body>
<nav><a href="/">Home</a></nav><article><h1>{title}</h1>
<p>The harbour council met on Wednesday to discuss the plan for the old pier.</p>
<p>"{words}," said {speaker}, who chairs the council's harbour committee.</p>
<p>Residents asked for a public meeting before any final vote is taken. {extra}</p>
</article><footer>Copyright The Lantern</footer></body></html>"""


@dataclass
class Newsroom:
    """A local outlet: an RSS feed with an ETag, its article pages, and what was asked."""

    site: Site
    version: int = 1
    items: list[tuple[str, str, str]] = field(default_factory=list)  # path, title, updated

    def publish(self, path: str, title: str, speaker: str, words: str, updated: str) -> None:
        self.site.page(path, article_html(title, speaker, words))
        self.items = [item for item in self.items if item[0] != path]
        self.items.append((path, title, updated))
        self.version += 1

    def feed(self, handler) -> None:  # type: ignore[no-untyped-def]
        etag = f'"v{self.version}"'
        if handler.headers.get("If-None-Match") == etag:
            send(handler, 304, b"", {"ETag": etag})
            return
        entries = "".join(
            f"<item><title>{title}</title><link>{self.site.url(path)}</link>"
            f"<guid>{path}</guid><pubDate>{updated}</pubDate></item>"
            for path, title, updated in self.items
        )
        body = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>The Lantern</title>'
            f"<link>{self.site.url('/')}</link><description>d</description>{entries}"
            "</channel></rss>"
        )
        send(handler, 200, body, {"Content-Type": "application/rss+xml", "ETag": etag})

    def hits(self, path: str) -> int:
        return self.site.paths().count(path)


@pytest.fixture
def newsroom() -> Iterator[Newsroom]:
    for site in serve():
        room = Newsroom(site)
        site.routes["/feed.xml"] = room.feed
        room.publish(
            "/pier", "Pier plan approved", "Lotte Varga", "We will rebuild the pier by May",
            "Thu, 02 May 2024 08:00:00 GMT",
        )  # fmt: skip
        room.publish(
            "/fares", "Ferry fares to rise", "Ivo Brandt", "The rise is the smallest we could make",
            "Thu, 02 May 2024 09:00:00 GMT",
        )  # fmt: skip
        yield room


@pytest.mark.parametrize(
    ("spec", "seconds"), [("15m", 900), ("1h30m", 5400), ("90s", 90), ("1d", 86400), ("2H", 7200)]
)
def test_intervals_read_as_people_write_them(spec: str, seconds: int) -> None:
    assert feeds.parse_interval(spec) == seconds
    assert feeds.parse_interval(feeds.format_interval(seconds)) == seconds


@pytest.mark.parametrize("spec", ["15", "soon", "1x", "m", "15m x", "0m", "1s", "8d", ""])
def test_bad_intervals_are_refused(spec: str) -> None:
    with pytest.raises(feeds.FeedError):
        feeds.parse_interval(spec)


def local_fetcher(**changes: object) -> Fetcher:
    fields: dict = {"user_agent": UA, "allow_networks": LOCAL, "min_interval": 0} | changes
    return Fetcher(FetchPolicy(**fields))


def follow(factory, newsroom: Newsroom, path: str = "/feed.xml", interval: int = 3600):  # type: ignore[no-untyped-def]
    return feeds.add_feed(factory, newsroom.site.url(path), "The Lantern", interval)


def poll_now(factory, fetcher: Fetcher, feed_id: int):  # type: ignore[no-untyped-def]
    feeds.make_due(factory, [feed_id])
    [report] = poll_due(factory, fetcher, extract_quotes, [feed_id])
    return report


def test_entries_ingested_once_then_the_feed_answers_304(stores, newsroom: Newsroom) -> None:
    factory, _index = stores
    feed = follow(factory, newsroom)
    with local_fetcher() as fetcher:
        first = poll_now(factory, fetcher, feed.id)
        second = poll_now(factory, fetcher, feed.id)
    assert (first.entries, first.new, first.refused, first.error) == (2, 2, [], None)
    assert second.not_modified and second.new == 0
    feed_requests = [h for h in newsroom.site.hits if h.path == "/feed.xml"]
    assert feed_requests[1].headers.get("if-none-match") == '"v3"'
    assert newsroom.hits("/pier") == newsroom.hits("/fares") == 1
    with factory() as session:
        articles = session.scalars(select(Article).order_by(Article.id)).all()
        speakers = session.scalars(
            text("SELECT s.name FROM quote q JOIN speaker s ON s.id = q.speaker_id ORDER BY 1")
        ).all()
    assert [a.url for a in articles] == [newsroom.site.url("/pier"), newsroom.site.url("/fares")]
    assert {a.outlet for a in articles} == {"The Lantern"}
    assert speakers == ["Ivo Brandt", "Lotte Varga"]
    [health] = feeds.list_feeds(factory)
    assert (health.status, health.items_seen, health.articles_stored) == ("ok", 2, 2)
    assert health.title == "The Lantern" and health.last_success_at is not None
    assert health.next_poll_at > health.last_success_at  # an hour on


def test_new_entry_fetched_changed_page_updates_unchanged_skipped(
    stores, newsroom: Newsroom
) -> None:
    factory, _index = stores
    feed = follow(factory, newsroom)
    with local_fetcher() as fetcher:
        poll_now(factory, fetcher, feed.id)
        with factory() as session:
            pier_id = session.scalar(select(Article.id).where(Article.url.like("%/pier")))
        newsroom.publish(
            "/pier", "Pier plan approved", "Lotte Varga", "We will rebuild the pier by June",
            "Fri, 03 May 2024 10:00:00 GMT",
        )  # fmt: skip
        newsroom.publish(
            "/ferry", "New ferry ordered", "Ivo Brandt", "The new ferry arrives next spring",
            "Fri, 03 May 2024 11:00:00 GMT",
        )  # fmt: skip
        report = poll_now(factory, fetcher, feed.id)
    assert (report.new, report.updated, report.skipped, report.refused) == (1, 1, 1, [])
    assert newsroom.hits("/fares") == 1 and newsroom.hits("/pier") == 2
    with factory() as session:
        pier = session.get(Article, pier_id)
        assert pier is not None and "by June" in pier.text
        quotes = session.scalars(select(Quote.text).where(Quote.article_id == pier_id)).all()
        assert any("by June" in q for q in quotes) and not any("by May" in q for q in quotes)
        assert session.scalar(select(text("count(*)")).select_from(Article)) == 3
        assert len(session.scalars(select(SeenEntry)).all()) == 3
    [health] = feeds.list_feeds(factory)
    assert (health.items_seen, health.articles_stored) == (3, 4)


def test_a_page_corrected_without_the_feed_saying_so_is_found_within_a_day(
    stores, newsroom: Newsroom
) -> None:
    factory, _index = stores
    feed = follow(factory, newsroom)
    with local_fetcher() as fetcher:
        poll_now(factory, fetcher, feed.id)
        newsroom.site.page(
            "/pier", article_html("Pier plan approved", "Lotte Varga", "We rebuild it by July")
        )  # the feed stays as it was: it answers 304
        fresh = poll_now(factory, fetcher, feed.id)
        with factory() as session, session.begin():
            session.execute(text("UPDATE feed_entry SET fetched_at = now() - interval '25 hours'"))
        day_later = poll_now(factory, fetcher, feed.id)
        again = poll_now(factory, fetcher, feed.id)
    assert fresh.not_modified and fresh.rechecked == 0
    assert day_later.not_modified and day_later.rechecked == 2
    assert "not modified (304); 2 pages checked again; articles: 0 new, 1 updated" in (
        day_later.line()
    )
    assert (day_later.updated, day_later.unchanged) == (1, 1)
    assert again.rechecked == 0 and newsroom.hits("/pier") == 2
    with factory() as session:
        texts = session.scalars(select(Article.text).where(Article.url.like("%/pier"))).all()
    assert len(texts) == 1 and "by July" in texts[0]


def test_same_article_in_two_feeds_is_stored_once(stores, newsroom: Newsroom) -> None:
    factory, _index = stores
    newsroom.site.routes["/other.xml"] = newsroom.feed
    one, two = follow(factory, newsroom), follow(factory, newsroom, "/other.xml")
    with local_fetcher() as fetcher:
        first = poll_now(factory, fetcher, one.id)
        second = poll_now(factory, fetcher, two.id)
    assert (first.new, second.new, second.unchanged) == (2, 0, 2)
    with factory() as session:
        assert session.scalar(select(text("count(*)")).select_from(Article)) == 2


def test_a_feed_on_a_loopback_address_is_refused_by_default(stores, newsroom: Newsroom) -> None:
    factory, _index = stores
    feed = follow(factory, newsroom)
    with Fetcher(FetchPolicy(user_agent=UA)) as fetcher:  # the default: public addresses only
        report = poll_now(factory, fetcher, feed.id)
    assert report.error is not None and "loopback" in report.error
    assert newsroom.site.hits == []  # not even connected to
    [health] = feeds.list_feeds(factory)
    assert (health.status, health.failures) == ("failing", 1)
    assert health.last_error == report.error
    assert (health.next_poll_at - health.last_error_at).total_seconds() >= 3599  # type: ignore[operator]


def test_page_that_fails_is_retried_and_one_refused_is_not(stores, newsroom: Newsroom) -> None:
    factory, _index = stores
    newsroom.site.routes["/fares"] = lambda h: send(h, 503, "busy", {"Content-Type": "text/plain"})
    newsroom.site.page("/pier", b"%PDF-1.4", "application/pdf")
    feed = follow(factory, newsroom)
    with local_fetcher() as fetcher:
        first = poll_now(factory, fetcher, feed.id)
        second = poll_now(factory, fetcher, feed.id)  # the feed is 304: nothing is retried yet
        newsroom.version += 1  # the feed document changes (same entries)
        third = poll_now(factory, fetcher, feed.id)
    assert len(first.refused) == 2 and first.error is None
    assert any("HTTP 503" in r for r in first.refused)
    assert any("application/pdf" in r for r in first.refused)
    assert second.not_modified
    assert third.skipped == 1 and len(third.refused) == 1  # the 503 page again, not the PDF
    assert newsroom.hits("/fares") == 2 and newsroom.hits("/pier") == 1


def test_concurrent_claims_never_share_a_feed(stores, newsroom: Newsroom) -> None:
    factory, _index = stores
    for n in range(20):
        feeds.add_feed(factory, newsroom.site.url(f"/feed{n}.xml"), None, 3600)
    start = threading.Barrier(4)
    claimed: list[list[int]] = []

    def claim() -> None:
        start.wait()
        claimed.append([feed.id for feed in feeds.claim_due(factory, limit=8)])

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [feed_id for batch in claimed for feed_id in batch]
    assert len(every) == len(set(every)) == 20
    assert feeds.claim_due(factory) == []  # all held


def test_two_job_queue_workers_poll_each_feed_once(
    settings: ResolvedSettings, stores, newsroom: Newsroom
) -> None:
    """Two procrastinate workers on one database: every due feed is fetched exactly once, and
    the workers' `on_stored` (the index worker's wake) is called for the polls that stored."""
    factory, _index = stores
    woken: list[int] = []

    def stored() -> None:
        woken.append(1)

    paths = [f"/feed{n}.xml" for n in range(8)]
    slow = newsroom.feed

    def feed_slowly(handler) -> None:  # type: ignore[no-untyped-def]
        time.sleep(0.3)  # polls overlap, so a double poll would show
        slow(handler)

    for path in paths:
        newsroom.site.routes[path] = feed_slowly
        follow(factory, newsroom, path)
    fetcher = local_fetcher()
    workers = [
        FeedWorker(
            feed_jobs(settings.database_url, factory, fetcher, extract_quotes, stored, tick=1),
            name=f"test-{n}",
        )
        for n in range(2)
    ]
    for worker in workers:
        worker.start()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if all(f.last_success_at for f in feeds.list_feeds(factory)):
                break
            time.sleep(0.5)
        time.sleep(3)  # a few more ticks: nothing is polled again before its interval
    finally:
        for worker in workers:
            worker.stop()
        fetcher.close()
    assert all(f.last_success_at for f in feeds.list_feeds(factory))
    assert [newsroom.hits(path) for path in paths] == [1] * len(paths)
    # every feed lists the same two pages: each feed fetches each page once, and the two
    # articles are stored once
    assert newsroom.hits("/pier") == newsroom.hits("/fares") == len(paths)
    with factory() as session:
        assert session.scalar(select(text("count(*)")).select_from(Article)) == 2
    assert 1 <= len(woken) <= 2  # the poll(s) that stored the two articles, not the others


def test_a_feed_is_due_its_interval_after_its_poll_started_not_ended(
    stores, newsroom: Newsroom
) -> None:
    """A slow poll does not push the schedule back: with a 5 s interval, a feed is polled
    every 5 s, not every 5 s plus its poll's duration."""
    factory, _index = stores
    fast = newsroom.feed

    def feed_slowly(handler) -> None:  # type: ignore[no-untyped-def]
        time.sleep(1.5)
        fast(handler)

    newsroom.site.routes["/feed.xml"] = feed_slowly
    feed = follow(factory, newsroom, interval=5)
    with local_fetcher() as fetcher:
        poll_now(factory, fetcher, feed.id)
    with factory() as session:
        started, due = session.execute(
            text("SELECT last_polled_at, next_poll_at FROM feed WHERE id = :id"), {"id": feed.id}
        ).one()
    assert due - started == timedelta(seconds=5)


def test_pollers_wait_for_the_next_due_feed_until_their_deadline(
    stores, newsroom: Newsroom
) -> None:
    """A tick's pollers poll a feed when it falls due, not at the first tick after that."""
    factory, _index = stores
    feed = follow(factory, newsroom, interval=5)
    with transaction(factory) as session:  # shorter than people may ask, for a short test
        session.execute(
            text("UPDATE feed SET interval_seconds = 1 WHERE id = :id"), {"id": feed.id}
        )
    with local_fetcher() as fetcher:
        started = time.time()
        reports = poll_due(
            factory, fetcher, extract_quotes, [feed.id], pollers=2, until=started + 3.4
        )
        ended = time.time()
    polls = [hit.at for hit in newsroom.site.hits if hit.path == "/feed.xml"]
    assert len(reports) == len(polls) >= 3  # at 0, 1, 2 (and 3) s: one feed, never two at once
    gaps = [b - a for a, b in itertools.pairwise(polls)]
    assert all(0.9 <= gap <= 1.8 for gap in gaps), gaps
    assert 3.2 <= ended - started <= 5  # the pollers stop at their deadline


def test_cli_follows_lists_polls_and_removes_feeds(settings, newsroom: Newsroom) -> None:
    env = cli_env(settings) | {
        "ONRECORD_FETCH_ALLOW_NETWORKS": "127.0.0.1/32",
        "ONRECORD_FETCH_MIN_INTERVAL": "0",
    }
    url = newsroom.site.url("/feed.xml")
    added = run_cli(
        settings, "feeds", "add", url, "--outlet", "The Lantern", "--every", "30m", env=env
    )
    assert added.returncode == 0, added.stderr
    assert "every 30m" in added.stdout
    again = run_cli(settings, "feeds", "add", url, env=env)
    assert again.returncode == 1 and "followed already" in again.stderr
    bad = run_cli(settings, "feeds", "add", "http://x.example/f", "--every", "soon", env=env)
    assert bad.returncode == 1 and "not like 90s" in bad.stderr
    polled = run_cli(settings, "feeds", "poll", env=env)
    assert polled.returncode == 0, polled.stderr
    assert "articles: 2 new" in polled.stdout
    listed = run_cli(settings, "feeds", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert '"items_seen": 2' in listed.stdout and '"status": "ok"' in listed.stdout
    removed = run_cli(settings, "feeds", "remove", url, env=env)
    assert removed.returncode == 0 and "removed feed" in removed.stdout
    assert run_cli(settings, "feeds", "list", env=env).stdout.strip() == "no feeds"


def test_cli_ingests_pages_by_url_and_refuses_loopback_by_default(
    settings, newsroom: Newsroom
) -> None:
    feed = run_cli(settings, "feeds", "add", newsroom.site.url("/feed.xml"))
    assert feed.returncode == 1 and "is a loopback address" in feed.stderr
    assert "ONRECORD_FETCH_ALLOW_NETWORKS" in feed.stderr
    url = newsroom.site.url("/pier")
    refused = run_cli(settings, "ingest", url)
    assert refused.returncode == 1
    assert "loopback" in refused.stderr and "ONRECORD_FETCH_ALLOW_NETWORKS" in refused.stderr
    assert newsroom.site.hits == []
    env = cli_env(settings) | {"ONRECORD_FETCH_ALLOW_NETWORKS": "127.0.0.0/8"}
    missing = newsroom.site.url("/gone")
    done = run_cli(settings, "ingest", url, missing, "--outlet", "The Lantern", env=env)
    assert done.returncode == 1  # one page is missing
    assert "articles: 1 new, 0 updated, 0 unchanged, 1 refused" in done.stdout
    assert f"{missing}: HTTP 404" in done.stderr
    again = run_cli(settings, "ingest", url, env=env)
    assert again.returncode == 0 and "1 unchanged" in again.stdout


def test_feeds_api_needs_admin_and_lists_adds_polls_removes(api, settings) -> None:
    engine = make_engine(settings.database_url)
    with transaction(make_session_factory(engine)) as session:
        writer, _ = api_keys.create_key(session, "writer", [Scope.write])
    engine.dispose()
    admin = {"X-API-Key": API_KEY}
    body = {"url": "https://news.example/feed.xml", "outlet": "Example News", "every": "10m"}
    assert api.get("/v1/feeds").status_code == 401
    assert api.post("/v1/feeds", json=body, headers={"X-API-Key": writer}).status_code == 403
    added = api.post("/v1/feeds", json=body, headers=admin)
    assert added.status_code == 201, added.text
    feed = added.json()
    assert (feed["every"], feed["interval_seconds"], feed["status"]) == ("10m", 600, "new")
    assert api.post("/v1/feeds", json=body, headers=admin).status_code == 409
    bad = api.post("/v1/feeds", json=body | {"url": "ftp://x.example/f"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    assert "only http and https" in bad.json()["error"]["message"]
    internal_urls = (
        "http://127.0.0.1:8080/feed.xml",
        "http://[::1]/f",
        "http://169.254.169.254/",
        "http://localhost:8000/feed.xml",
        "http://feeds.localhost./x",
    )
    for internal in internal_urls:
        refused = api.post("/v1/feeds", json=body | {"url": internal}, headers=admin)
        assert refused.status_code == 422, (internal, refused.text)
        message = refused.json()["error"]["message"]
        assert "not fetched" in message and "ONRECORD_FETCH_ALLOW_NETWORKS" in message
    slow = api.post(
        "/v1/feeds", json=body | {"url": "https://b.example/f", "every": "1s"}, headers=admin
    )
    assert slow.status_code == 422 and "between 5 s" in slow.json()["error"]["message"]
    [listed] = api.get("/v1/feeds", headers=admin).json()["feeds"]
    assert listed["url"] == body["url"] and listed["items_seen"] == 0
    engine = make_engine(settings.database_url)
    with engine.begin() as conn:  # as after a poll: due again in a day
        conn.execute(text("UPDATE feed SET next_poll_at = now() + interval '1 day'"))
        tomorrow = conn.scalar(text("SELECT next_poll_at FROM feed"))
    polled = api.post(f"/v1/feeds/{feed['id']}/poll", headers=admin)
    assert polled.status_code == 202
    assert datetime.fromisoformat(polled.json()["next_poll_at"]) < tomorrow - timedelta(hours=23)
    engine.dispose()
    assert api.post("/v1/feeds/poll", headers=admin).json() == {"due": 1}
    page = api.get("/admin/feeds", headers=admin | {"Accept": "text/html"})
    assert page.status_code == 200 and "https://news.example/feed.xml" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert api.get("/admin/feeds", headers={"Accept": "text/html"}).status_code == 401
    assert api.delete(f"/v1/feeds/{feed['id']}", headers=admin).status_code == 204
    assert api.delete(f"/v1/feeds/{feed['id']}", headers=admin).status_code == 404
    assert api.get("/v1/feeds", headers=admin).json() == {"feeds": []}


def test_serve_polls_a_feed_added_through_the_api_and_its_quotes_become_searchable(
    settings, newsroom: Newsroom, tmp_path
) -> None:
    """`onrecord serve` as deployed: its feed worker polls a feed the API added, within the
    tick, and the article's quotes are searchable moments later."""
    port = free_port()
    env = cli_env(settings) | {
        "ONRECORD_FETCH_ALLOW_NETWORKS": "127.0.0.1/32",
        "ONRECORD_FETCH_MIN_INTERVAL": "0",
        "ONRECORD_FEED_TICK": "1",
    }
    log = (tmp_path / "serve.log").open("w+")  # a pipe nobody reads would block serve once full
    server = subprocess.Popen(
        [sys.executable, "-m", "onrecord", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline and server.poll() is None, "serve did not start"
                time.sleep(0.2)
            added = client.post(
                "/v1/feeds",
                json={"url": newsroom.site.url("/feed.xml")},
                headers={"X-API-Key": API_KEY},
            )
            assert added.status_code == 201, added.text
            started = time.monotonic()
            while time.monotonic() - started < 30:
                found = client.get("/v1/search", params={"q": "rebuild the pier"}).json()
                if found["total"]:
                    break
                time.sleep(0.3)
            took = time.monotonic() - started
            assert found["total"] == 1, "the feed's quote never became searchable"
            assert found["hits"][0]["speaker"]["name"] == "Lotte Varga"
            [feed] = client.get("/v1/feeds", headers={"X-API-Key": API_KEY}).json()["feeds"]
            assert (feed["status"], feed["items_seen"]) == ("ok", 2)
            ready = client.get("/readyz")
            assert ready.status_code == 200 and ready.json()["checks"]["feed_worker"] == "ok"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.seek(0)
        stderr = log.read()
        log.close()
    assert took < 15, stderr[-2000:]
    assert server.returncode is not None


def test_worker_command_polls_due_feeds_and_stops_on_sigterm(
    settings, stores, newsroom: Newsroom
) -> None:
    factory, _index = stores
    feed = follow(factory, newsroom)
    env = cli_env(settings) | {
        "ONRECORD_FETCH_ALLOW_NETWORKS": "127.0.0.1/32",
        "ONRECORD_FETCH_MIN_INTERVAL": "0",
        "ONRECORD_FEED_TICK": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "onrecord", "worker", "--name", "test-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            health = feeds.get_feed(factory, str(feed.id))
            if health is not None and health.last_success_at is not None:
                break
            time.sleep(0.3)
    finally:
        worker.terminate()
        _, stderr = worker.communicate(timeout=30)
    assert health is not None and (health.items_seen, health.articles_stored) == (2, 2), stderr
    assert worker.returncode == 0, stderr[-2000:]
