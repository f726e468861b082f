"""From a posted article to its quote's webhook, with many alerts defined and a receiver that
fails half the time: latency (p50/p95) against the time until the quote is searchable
(measured in the same run: the floor a webhook cannot beat), and duplicates by webhook-id.

    python benchmarks/alert_delivery.py [--runs 20] [--alerts 1000] [--home DIR]

Private PostgreSQL and Meilisearch in DIR (a temporary folder by default), the real app served
by uvicorn in this process, a local receiver written for this benchmark answering the first
request of each webhook-id with 500. `--alerts` alerts are defined, each with a webhook to
the receiver;
one watches the speaker of the posted articles; of the others, half watch speakers who never
speak (skipped by the filter pre-check) and half search for words that never occur (each
searched for in every batch). Each run posts one article with
a unique word and measures, from sending the POST: until `/v1/search` finds the word, and
until the receiver has accepted (2xx) the event of that quote.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served import AppServer, Receiver, percentile, private_stores, settings_for

from db.settings import ResolvedSettings

KEY = "benchmark-alerts-key"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    with private_stores("onrecord-alerts-", args.home) as stores:
        settings = settings_for(
            stores,
            api_keys=[KEY],
            rate_limit_write="1000000/minute",
            rate_limit_search="1000000/minute",
            webhook_allow_networks=["127.0.0.0/8"],
            webhook_retry_base=0.5,
            public_url="http://quotes.bench",
        )
        run(settings, args.runs, args.alerts)


def run(settings: ResolvedSettings, runs: int, alerts: int) -> None:
    server = AppServer(settings)
    receiver = Receiver(flaky=True)
    headers = {"X-API-Key": KEY}
    searchable, delivered = [], []
    with httpx.Client(base_url=server.url, timeout=60) as client:
        started = time.time()
        for n in range(alerts):
            if n == 0:
                search = "speaker=Ada Lind"
            elif n % 2:  # a speaker who never speaks here: the filter pre-check skips it
                search = f"speaker=Person {n}"
            else:  # words that never occur: searched for every batch
                search = f"q=zzneverword{n}&type=direct"
            body = {"name": f"alert {n}", "search": search, "webhook_url": receiver.url}
            answer = client.post("/v1/alerts", json=body, headers=headers)
            if answer.status_code != 201:
                raise SystemExit(f"alert not created: {answer.status_code} {answer.text}")
        print(f"{alerts} alerts defined in {time.time() - started:.1f} s", flush=True)
        for n in range(runs + 2):
            token = "zq" + "".join(chr(ord("a") + int(d)) for d in f"{n:05d}")
            article = {
                "url": f"https://bench.example/alerts/{n}",
                "title": f"Council vote {n}",
                "outlet": "Bench Post",
                "published_at": "2024-05-10",
                "text": f'"The {token} plan stands," mayor Ada Lind said.\nThe hall was full.',
            }
            sent = time.time()
            answer = client.post("/v1/articles", json=article, headers=headers)
            if answer.status_code != 201:
                raise SystemExit(f"POST failed: {answer.status_code} {answer.text}")
            quote_ids = {q["id"] for q in answer.json()["quotes"]}
            while client.get("/v1/search", params={"q": token}).json()["total"] == 0:
                time.sleep(0.01)
            found = time.time() - sent
            deadline = time.time() + 120
            while (arrived := receiver.arrival(quote_ids)) is None:
                if time.time() > deadline:
                    raise SystemExit(f"run {n}: no webhook within 120 s")
                time.sleep(0.01)
            if n >= 2:  # the first two warm up
                searchable.append(found)
                delivered.append(arrived - sent)
    server.stop()
    ms = [
        f"{percentile(v, 50) * 1000:.0f} / {percentile(v, 95) * 1000:.0f} ms"
        for v in (searchable, delivered)
    ]
    print(f"runs: {runs}, alerts with webhooks: {alerts}, each event's first request fails")
    print(f"POST → searchable (baseline, same run) p50 / p95: {ms[0]}")
    print(f"POST → webhook accepted p50 / p95:                 {ms[1]}")
    ratio = percentile(delivered, 50) / percentile(searchable, 50)
    print(f"ratio of p50s (webhook / searchable): {ratio:.2f}")
    print(
        f"events accepted: {len(receiver.accepted)} of {runs + 2}, requests received: "
        f"{receiver.requests}, duplicates by webhook-id: {receiver.duplicates}"
    )


if __name__ == "__main__":
    main()
