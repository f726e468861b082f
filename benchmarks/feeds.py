"""Feeds in and webhooks out, the whole chain: F feeds × E entries served locally, polled and
ingested by `onrecord serve` (its feed, index and alert workers) with 1,000 alerts defined,
against ingesting the same pages from files; then how soon a new entry reaches a webhook.

    python benchmarks/feeds.py [--feeds 200] [--entries 50] [--new 30] [--interval 5]
                               [--alerts 1000] [--baseline-pages 2000]

Each run starts private PostgreSQL and Meilisearch instances (benchmarks/instance.py, fsync
off) and a local web site (tests/local_web.py) serving F RSS feeds of E synthetic article
pages each (benchmarks/synthetic.py, seeded, fictional). Figures, each against a baseline of
the same run:

1. ingest: `onrecord serve` as a process, every feed polled each `--interval` seconds (the
   scheduler tick at its default), `--alerts` alerts defined (half watch speakers who never
   speak, half search words that never occur, each with a webhook), every page fetched,
   extracted, stored, indexed and matched: articles/s until all are searchable and matched,
   against `onrecord ingest DIR` of the first `--baseline-pages` of the very same pages saved
   as .html files into a second fresh instance;
2. latency: N new entries are published one at a time in random feeds, at random moments,
   each with a quote of Ann Tovey, whom two alerts watch: one with a reliable receiver, one
   with a receiver that fails each event's first request (so each needs a retry, after
   ONRECORD_WEBHOOK_RETRY_BASE, 5 s by default). From publishing to each receiver's first
   2xx, p50/p95, and where the time went: publish → the feed fetched (waiting for the poll),
   → the article stored, → its matching transaction began (indexed), → accepted;
3. duplicates by `webhook-id` at both receivers, after a pause for late retries.

All pages live on 127.0.0.1, so the per-host pacing is off (`ONRECORD_FETCH_MIN_INTERVAL=0`)
and 127.0.0.1/32 is allowed; a real deployment paces each outlet's host.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from functools import partial
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from instance import Instance, measure_onrecord, throwaway_instance  # noqa: E402
from served import Receiver, percentile  # noqa: E402
from sqlalchemy import text  # noqa: E402
from synthetic import Generator  # noqa: E402

from db.feeds import service as feeds  # noqa: E402
from db.services import free_port  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from tests.local_web import Site, send, serve  # noqa: E402

KEY = "benchmark-feeds-key"
SPEAKER = "Ann Tovey"


def page_html(article: dict) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n"))
    title = html.escape(article["title"])
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<meta property="article:published_time" content="{article["published_at"]}">'
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}"
        "</article><footer>Copyright</footer></body></html>"
    )


class Newsroom:
    """F feeds of pages; `publish` adds an entry to one feed (its ETag changes)."""

    def __init__(self, site: Site, count: int, per_feed: int):
        self.site = site
        self.lock = threading.Lock()
        self.entries: list[list[str]] = [[] for _ in range(count)]
        self.versions = [0] * count
        self.pages: dict[str, str] = {}
        for n in range(count):
            site.routes[f"/feed{n}.xml"] = partial(self.feed, n=n)
        generator = Generator(seed=11)
        for number, article in enumerate(generator.articles(count * per_feed)):
            self.publish(number % count, f"/f{number % count}/s{number}", page_html(article))
        self.generator = generator

    def publish(self, feed: int, path: str, body: str) -> None:
        with self.lock:
            self.pages[path] = body
            self.site.page(path, body)
            self.entries[feed].append(path)
            self.versions[feed] += 1

    def feed(self, handler: BaseHTTPRequestHandler, n: int) -> None:
        with self.lock:
            etag, paths = f'"{n}-{self.versions[n]}"', list(self.entries[n][-60:])
        if handler.headers.get("If-None-Match") == etag:
            send(handler, 304, b"", {"ETag": etag})
            return
        items = "".join(
            f"<item><title>{p}</title><link>{self.site.url(p)}</link><guid>{p}</guid></item>"
            for p in paths
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
        body += f"<link>{self.site.url('/')}</link><description>d</description>{items}"
        headers = {"Content-Type": "application/rss+xml", "ETag": etag}
        send(handler, 200, body + "</channel></rss>", headers)


def serve_env(instance: Instance) -> dict[str, str]:
    return instance.env | {
        "ONRECORD_FETCH_ALLOW_NETWORKS": "127.0.0.1/32",
        "ONRECORD_FETCH_MIN_INTERVAL": "0",
        "ONRECORD_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",
        "ONRECORD_API_KEYS": KEY,
        "ONRECORD_RATE_LIMIT_WRITE": "1000000/minute",
        "ONRECORD_RATE_LIMIT_SEARCH": "1000000/minute",
        "ONRECORD_EMBEDDINGS": "off",
    }


def baseline_ingest(room: Newsroom, pages: int) -> float:
    """`onrecord ingest DIR` of the first `pages` pages as files, in a fresh instance: s."""
    with (
        throwaway_instance("onrecord-bench-files-") as instance,
        tempfile.TemporaryDirectory() as folder,
    ):
        for path, body in list(room.pages.items())[:pages]:
            Path(folder, path.strip("/").replace("/", "_") + ".html").write_text(body)
        env = instance.env | {"ONRECORD_EMBEDDINGS": "off"}
        return measure_onrecord(["ingest", folder], env, REPO, "articles:").seconds


def define_alerts(api: httpx.Client, count: int, reliable: Receiver, flaky: Receiver) -> None:
    """Two alerts watch SPEAKER (one per receiver); of the rest, half watch speakers who never
    speak and half search words that never occur, their webhooks on both receivers."""
    for n in range(count):
        if n < 2:
            search = f"speaker={SPEAKER}"
        elif n % 2:
            search = f"speaker=Person {n}"
        else:
            search = f"q=zzneverword{n}&type=direct"
        hook = (reliable, flaky)[n % 2].url
        body = {"name": f"alert {n}", "search": search, "webhook_url": hook}
        answer = api.post("/v1/alerts", json=body, headers={"X-API-Key": KEY})
        if answer.status_code != 201:
            raise SystemExit(f"alert not created: {answer.status_code} {answer.text}")


def count(database_url: str, sql: str, **params: object) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text(sql), params) or 0)
    finally:
        engine.dispose()


def ingested(instance: Instance, room: Newsroom, interval: int, articles: int) -> float:
    """Follow every feed (due at once, then every `interval` s); seconds until every page is
    stored, indexed and matched against the alerts."""
    url = instance.env["ONRECORD_DATABASE_URL"]
    engine = make_engine(url)
    factory = make_session_factory(engine)
    started = time.time()
    for n in range(len(room.entries)):
        feeds.add_feed(factory, room.site.url(f"/feed{n}.xml"), f"Outlet {n}", interval)
    engine.dispose()
    last = -1
    while True:
        stored = count(url, "SELECT count(*) FROM article")
        waiting = count(
            url, "SELECT (SELECT count(*) FROM index_outbox) + (SELECT count(*) FROM alert_outbox)"
        )
        if stored >= articles and waiting == 0:
            return time.time() - started
        if stored != last:
            last = stored
            print(f"  … {stored} articles stored, {waiting} waiting to be indexed or matched",
                  flush=True)  # fmt: skip
        if time.time() - started > 3600:
            raise SystemExit(f"only {stored} of {articles} articles stored in an hour")
        time.sleep(2)


def latency(
    instance: Instance, room: Newsroom, new: int, interval: int, reliable: Receiver, flaky: Receiver
) -> list[dict[str, float]]:
    """Publish `new` entries one at a time; each one's stage times, in seconds after it
    appeared."""
    url = instance.env["ONRECORD_DATABASE_URL"]
    clock = time.time() - time.monotonic()  # local_web stamps hits with time.monotonic()
    chooser = random.Random(5)
    runs, markers = [], []
    for k in range(new):
        marker = f"zqmark{chr(97 + k // 26 % 26)}{chr(97 + k % 26)}"  # letters: one word
        article = next(room.generator.articles(1))
        article["text"] = (
            f'"We will publish the {marker} plan today," said {SPEAKER}.\n' + (article["text"])
        )
        feed, path = chooser.randrange(len(room.entries)), f"/new/{k}"
        published = time.time()
        room.publish(feed, path, page_html(article))
        while (arrived := reliable.arrival(text=marker)) is None:
            if time.time() - published > 120:
                raise SystemExit(f"entry {k}: no webhook within 120 s")
            time.sleep(0.02)
        hits = list(room.site.hits)
        polls = [h.at + clock for h in hits if h.path == f"/feed{feed}.xml"]
        feed_at = min(at for at in polls if at >= published)
        page_at = min(h.at for h in hits if h.path == path) + clock
        stored, queued = _stored_and_queued(url, room.site.url(path))
        runs.append(
            {
                "published": published,
                "feed fetched": feed_at - published,
                "page fetched": page_at - published,
                "article stored": stored - published,
                "matching began": queued - published,
                "reliable": arrived - published,
            }
        )
        markers.append(marker)
        time.sleep(chooser.uniform(0, interval))  # entries appear at random moments
    for run, marker in zip(runs, markers, strict=True):
        deadline = time.time() + 120
        while (late := flaky.arrival(text=marker)) is None:
            if time.time() > deadline:
                raise SystemExit(f"{marker}: never accepted by the flaky receiver")
            time.sleep(0.05)
        run["flaky"] = late - run["published"]
    return runs


def _stored_and_queued(database_url: str, page_url: str) -> tuple[float, float]:
    """When the article at `page_url` was stored and its first delivery queued (epoch s)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT a.ingested_at, min(d.created_at) FROM article a"
                    " JOIN quote q ON q.article_id = a.id"
                    " JOIN webhook_delivery d ON d.quote_id = q.id"
                    " WHERE a.url = :url GROUP BY a.ingested_at"
                ),
                {"url": page_url},
            ).one()
    finally:
        engine.dispose()
    stored, queued = row
    return _epoch(stored), _epoch(queued)


def _epoch(moment: datetime) -> float:
    return moment.timestamp()


def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit("onrecord serve ended before it was ready")
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("onrecord serve not ready within 120 s")


def report(runs: list[dict[str, float]], interval: int) -> None:
    stages = ["feed fetched", "page fetched", "article stored", "matching began", "reliable"]
    print(f"\nnew entry → webhook, {len(runs)} entries, poll every {interval} s "
          "(seconds after the entry appeared):")  # fmt: skip
    print("| stage | p50 | p95 | max |")
    print("| --- | --- | --- | --- |")
    for stage in [*stages, "flaky"]:
        values = [run[stage] for run in runs]
        name = {
            "reliable": "webhook accepted, reliable receiver",
            "flaky": "webhook accepted, receiver failing each first attempt",
        }.get(stage, stage)
        print(f"| {name} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} | "
              f"{max(values):.1f} |")  # fmt: skip
    reliable = [run["reliable"] for run in runs]
    print(f"p50/interval (reliable): {statistics.median(reliable) / interval:.2f}; "
          f"p95 ≤ 10 s: {percentile(reliable, 95) <= 10}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--new", type=int, default=30, help="entries published for latency")
    parser.add_argument("--interval", type=int, default=5, help="poll interval (s)")
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--baseline-pages", type=int, default=2000)
    parser.add_argument("--log", type=Path, default=None, help="keep serve's log here")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores)")
    for site in serve():
        room = Newsroom(site, args.feeds, args.entries)
        articles = args.feeds * args.entries
        print(f"{args.feeds} feeds × {args.entries} entries = {articles} pages on {site.url()}")
        pages = min(args.baseline_pages, articles)
        file_seconds = baseline_ingest(room, pages)
        file_rate = pages / file_seconds
        print(f"baseline: onrecord ingest of {pages} of the pages as files: "
              f"{file_seconds:.1f} s, {file_rate:.1f} articles/s", flush=True)  # fmt: skip
        with throwaway_instance("onrecord-bench-feeds-") as instance:
            port = free_port()
            log = args.log or Path(instance.home, "serve.log")
            with log.open("wb") as log_file:
                process = subprocess.Popen(
                    [sys.executable, "-m", "onrecord", "serve", "--port", str(port)],
                    env=serve_env(instance),
                    cwd=REPO,
                    stdout=log_file,
                    stderr=log_file,
                )
                try:
                    base = f"http://127.0.0.1:{port}"
                    wait_ready(base, process)
                    reliable, flaky = Receiver(flaky=False), Receiver(flaky=True)
                    with httpx.Client(base_url=base, timeout=60) as api:
                        define_alerts(api, args.alerts, reliable, flaky)
                    print(f"{args.alerts} alerts defined", flush=True)
                    seconds = ingested(instance, room, args.interval, articles)
                    rate = articles / seconds
                    print(f"polled and ingested by onrecord serve, {args.alerts} alerts: "
                          f"{seconds:.1f} s, {rate:.1f} articles/s; "
                          f"ratio to files {rate / file_rate:.2f}", flush=True)  # fmt: skip
                    if args.new:
                        runs = latency(instance, room, args.new, args.interval, reliable, flaky)
                        report(runs, args.interval)
                        time.sleep(3 * 5)  # time for any late retry to show as a duplicate
                        for name, receiver in (("reliable", reliable), ("flaky", flaky)):
                            print(f"{name} receiver: {len(receiver.accepted)} events accepted, "
                                  f"{receiver.requests} requests, duplicates by webhook-id: "
                                  f"{receiver.duplicates}")  # fmt: skip
                finally:
                    process.terminate()
                    process.wait(60)
    print(f"load average at end: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
