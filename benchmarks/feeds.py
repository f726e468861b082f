"""Feeds in at scale: F feeds × E entries served locally, polled and ingested, against
ingesting the same pages from files; and how soon a new entry's quote is searchable.

    python benchmarks/feeds.py [--feeds 200] [--entries 50] [--new 20] [--interval 5]

Each run starts private PostgreSQL and Meilisearch instances (benchmarks/instance.py) and a
local web site (tests/local_web.py) serving F RSS feeds of E synthetic article pages each
(benchmarks/synthetic.py, seeded). Figures, each against a baseline of the same run:

1. polling: `onrecord feeds poll` as a process — every feed fetched, every page fetched,
   extracted, stored and made searchable — in articles/s, against `onrecord ingest DIR` of
   the very same pages saved as .html files into a second fresh instance (the cost of
   fetching and feed bookkeeping is the ratio);
2. latency: with `onrecord worker` running (tick 1 s) and every feed polled each `--interval`
   seconds, N new entries are published one at a time in random feeds; the time from an entry
   appearing to its quote being found in Meilisearch, p50/p95, against the interval (a poll
   can only see an entry at its next poll: about half the interval on average).

All pages live on 127.0.0.1, so the per-host pacing is off (`ONRECORD_FETCH_MIN_INTERVAL=0`)
and 127.0.0.1/32 is allowed; a real deployment paces each outlet's host.
"""

from __future__ import annotations

import argparse
import html
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import BaseHTTPRequestHandler
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from instance import Instance, measure_onrecord, throwaway_instance  # noqa: E402
from sqlalchemy import text  # noqa: E402
from synthetic import Generator  # noqa: E402

from db.feeds import service as feeds  # noqa: E402
from db.search_index import SearchIndex  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from tests.local_web import Site, send, serve  # noqa: E402


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


def local_env(instance: Instance) -> dict[str, str]:
    return instance.env | {
        "ONRECORD_FETCH_ALLOW_NETWORKS": "127.0.0.1/32",
        "ONRECORD_FETCH_MIN_INTERVAL": "0",
        "ONRECORD_FEED_TICK": "1",
    }


def baseline_ingest(room: Newsroom) -> tuple[float, int]:
    """`onrecord ingest DIR` of the same pages as files, in a fresh instance."""
    with (
        throwaway_instance("onrecord-bench-files-") as instance,
        tempfile.TemporaryDirectory() as folder,
    ):
        for path, body in room.pages.items():
            Path(folder, path.strip("/").replace("/", "_") + ".html").write_text(body)
        measured = measure_onrecord(["ingest", folder], instance.env, REPO, "articles:")
        return measured.seconds, len(room.pages)


def polled(instance: Instance, room: Newsroom, count: int) -> tuple[float, str]:
    engine = make_engine(instance.env["ONRECORD_DATABASE_URL"])
    factory = make_session_factory(engine)
    for n in range(count):
        feeds.add_feed(factory, room.site.url(f"/feed{n}.xml"), f"Outlet {n}", 3600)
    engine.dispose()
    measured = measure_onrecord(["feeds", "poll"], local_env(instance), REPO, "entries")
    last = measured.stdout.strip().splitlines()[-1]
    return measured.seconds, last


def latency(instance: Instance, room: Newsroom, count: int, new: int, interval: int) -> list[float]:
    """Seconds from publishing an entry to its quote being searchable, with a worker running."""
    engine = make_engine(instance.env["ONRECORD_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE feed SET interval_seconds = :s, next_poll_at = now()"), {"s": interval}
        )
    engine.dispose()
    index = SearchIndex(instance.meili_url, instance.meili_key, "quotes")
    worker = subprocess.Popen(
        [sys.executable, "-m", "onrecord", "worker"],
        env=local_env(instance),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    chooser = random.Random(5)
    waits = []
    try:
        _wait_until_every_feed_polled(engine_url=instance.env["ONRECORD_DATABASE_URL"])
        for k in range(new):
            marker = f"zqmark{chr(97 + k // 26 % 26)}{chr(97 + k % 26)}"  # letters: one word
            article = next(room.generator.articles(1))
            article["text"] = (
                f'"We will publish the {marker} plan today," said Ann Tovey.\n' + article["text"]
            )
            feed = chooser.randrange(count)
            room.publish(feed, f"/new/{k}", page_html(article))
            started = time.monotonic()
            while time.monotonic() - started < 120:
                hits = index.client.index("quotes").search(marker)["hits"]
                if any(marker in hit["text"] for hit in hits):  # not a typo-tolerant neighbour
                    break
                time.sleep(0.1)
            else:
                raise SystemExit(f"entry {k} never became searchable")
            waits.append(time.monotonic() - started)
            time.sleep(chooser.uniform(0, interval))  # entries appear at random moments
    finally:
        worker.terminate()
        worker.wait(30)
    return waits


def _wait_until_every_feed_polled(engine_url: str) -> None:
    """The worker is up and has polled every feed once since the schedule changed."""
    engine = make_engine(engine_url)
    started = time.monotonic()
    with engine.connect() as conn:
        while time.monotonic() - started < 120:
            late = conn.scalar(text("SELECT count(*) FROM feed WHERE next_poll_at <= now()"))
            conn.commit()
            if late == 0:
                break
            time.sleep(0.2)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--new", type=int, default=20, help="entries published for latency")
    parser.add_argument("--interval", type=int, default=5, help="poll interval (s), latency")
    args = parser.parse_args()
    for site in serve():
        room = Newsroom(site, args.feeds, args.entries)
        articles = args.feeds * args.entries
        print(f"{args.feeds} feeds × {args.entries} entries = {articles} pages on {site.url()}")
        file_seconds, _ = baseline_ingest(room)
        print(f"baseline: onrecord ingest of the pages as files: {file_seconds:.1f} s, "
              f"{articles / file_seconds:.1f} articles/s")  # fmt: skip
        with throwaway_instance("onrecord-bench-feeds-") as instance:
            poll_seconds, last = polled(instance, room, args.feeds)
            rate = articles / poll_seconds
            print(f"onrecord feeds poll: {poll_seconds:.1f} s, {rate:.1f} articles/s; "
                  f"ratio to files {file_seconds / poll_seconds:.2f} ({last})")  # fmt: skip
            if args.new:
                waits = sorted(latency(instance, room, args.feeds, args.new, args.interval))
                p50 = statistics.median(waits)
                p95 = waits[min(len(waits) - 1, round(0.95 * (len(waits) - 1)))]
                print(f"new entry → searchable, {len(waits)} entries, poll every "
                      f"{args.interval} s: p50 {p50:.1f} s, p95 {p95:.1f} s, "
                      f"max {waits[-1]:.1f} s; p50/interval {p50 / args.interval:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
