"""`POST /v1/articles` with one 780-word article: the answer after the PostgreSQL commit (the
index worker, woken by it, indexes the quotes) against the synchronous path it replaced
(store, then wait for Meilisearch to confirm), measured in the same run; and how long until
the posted quotes are searchable.

    python benchmarks/post_article.py [--runs 40] [--home DIR]

Runs on private PostgreSQL (durable: fsync on) and Meilisearch processes started in DIR (a
temporary folder by default) and the real app served by uvicorn in this process. The two
paths alternate, one article each, every article new (a unique word in its first quote):

- POST: wall time of the HTTP request, then, polling `GET /v1/search` for the unique word
  every 10 ms, the time from sending the POST until the quote is found;
- synchronous (baseline): what the POST did before, in this process without HTTP:
  extracting, `store_and_index` (commit, then drain the outbox and wait for Meilisearch).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served import AppServer, percentile, private_stores, settings_for
from synthetic import Generator

from db.articles.service import store_and_index
from db.records import ArticleIn
from db.settings import ResolvedSettings
from db.stores import Stores
from indexer.extract import extract_quotes

KEY = "benchmark-write-key"
WORDS = 780


def articles(count: int) -> list[dict]:
    """`count` articles of about WORDS words from synthetic ones, each with a unique word."""
    made = []
    source = Generator(seed=11).articles(count * 8)
    for n in range(count):
        first = next(source)
        while len(first["text"].split()) < WORDS:
            first["text"] += "\n" + next(source)["text"]
        token = "zq" + "".join(chr(ord("a") + int(d)) for d in f"{n:05d}")
        first["text"] = (
            f'"The {token} plan stands," mayor Ada Lind said on Monday.\n' + first["text"]
        )
        first["url"] = f"https://bench.example/post/{n}"
        first["token"] = token
        made.append(first)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    with private_stores("onrecord-post-", args.home) as stores:
        settings = settings_for(
            stores,
            api_keys=[KEY],
            rate_limit_write="100000/minute",
            rate_limit_search="1000000/minute",
        )
        run(settings, args.runs)


def run(settings: ResolvedSettings, runs: int) -> None:
    server = AppServer(settings)
    direct = Stores.open(settings)
    bodies = articles(2 * runs + 4)
    words = statistics.mean(len(b["text"].split()) for b in bodies)
    posts, searchable, synchronous = [], [], []
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for n, body in enumerate(bodies):
            warm = n < 4
            if n % 2 == 0:
                started = time.perf_counter()
                answer = client.post(
                    "/v1/articles",
                    json={k: v for k, v in body.items() if k != "token"},
                    headers={"X-API-Key": KEY},
                )
                posted = time.perf_counter() - started
                if answer.status_code != 201:
                    raise SystemExit(f"POST failed: {answer.status_code} {answer.text}")
                while client.get("/v1/search", params={"q": body["token"]}).json()["total"] == 0:
                    time.sleep(0.01)
                found = time.perf_counter() - started
                if not warm:
                    posts.append(posted)
                    searchable.append(found)
            else:
                article = ArticleIn.model_validate({k: v for k, v in body.items() if k != "token"})
                started = time.perf_counter()
                quotes = extract_quotes(article.text, article.published_at)
                result = store_and_index(direct.factory, direct.index, article, quotes)
                elapsed = time.perf_counter() - started
                if result.pending:
                    raise SystemExit(f"synchronous path left {result.pending} pending")
                if not warm:
                    synchronous.append(elapsed)
    server.stop()
    direct.close()
    ms = 1000
    print(f"\n{runs} articles each way, {words:.0f} words on average, alternating")
    print("| path | p50 ms | p95 ms | max ms |")
    print("| --- | --- | --- | --- |")
    for name, values in (
        ("POST /v1/articles (answers after the commit)", posts),
        ("baseline: extract + store + wait for Meilisearch (synchronous)", synchronous),
        ("POST until its quote is searchable (from sending)", searchable),
    ):
        print(
            f"| {name} | {statistics.median(values) * ms:.1f} | "
            f"{percentile(values, 95) * ms:.1f} | {max(values) * ms:.1f} |"
        )
    ratio = statistics.median(posts) / statistics.median(synchronous)
    print(f"\nPOST p50 / synchronous p50: {ratio:.2f}")
    print(f"searchable within 2 s: {sum(s <= 2 for s in searchable)}/{len(searchable)}")


if __name__ == "__main__":
    main()
