"""From a posted article to its quote's webhook, with many alerts defined and a receiver that
fails half the time: latency (p50/p95) against the time until the quote is searchable
(measured in the same run: the floor a webhook cannot beat), and duplicates by webhook-id.

    python benchmarks/alert_delivery.py [--runs 20] [--alerts 1000] [--home DIR]

Private PostgreSQL and Meilisearch in DIR (a temporary folder by default), the real app served
by uvicorn in this process, a local receiver written for this benchmark answering every
other request with 500. `--alerts` alerts are defined, each with a webhook to the receiver;
one watches the speaker of the posted articles; of the others, half watch speakers who never
speak (skipped by the filter pre-check) and half search for words that never occur (each
searched for in every batch). Each run posts one article with
a unique word and measures, from sending the POST: until `/v1/search` finds the word, and
until the receiver has accepted (2xx) the event of that quote.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import uvicorn

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from db import migrate  # noqa: E402
from db.services import MeiliProcess, PostgresCluster, find_meili_bin, free_port  # noqa: E402
from db.settings import ResolvedSettings, Settings  # noqa: E402
from db.stores import Stores  # noqa: E402
from onrecord.root import build_app  # noqa: E402

KEY = "benchmark-alerts-key"


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # this thread owns no signals
        pass


class FlakyReceiver:
    """Answers every other POST with 500; remembers when each webhook-id was first accepted."""

    def __init__(self) -> None:
        self.accepted: dict[str, tuple[float, dict]] = {}  # webhook-id → (time, payload)
        self.duplicates = 0
        self.requests = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.requests += 1
                    failing = receiver.requests % 2 == 1
                    if not failing:
                        message_id = self.headers["webhook-id"]
                        if message_id in receiver.accepted:
                            receiver.duplicates += 1
                        else:
                            receiver.accepted[message_id] = (time.perf_counter(), json.loads(body))
                self.send_response(500 if failing else 204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def arrival(self, quote_ids: set[int]) -> float | None:
        with self.lock:
            for when, event in self.accepted.values():
                if event["data"]["quote"]["id"] in quote_ids:
                    return when
        return None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="onrecord-alerts-"))
    cluster = PostgresCluster(home / "postgres", durable=True)
    meili = MeiliProcess(home / "meilisearch", find_meili_bin(Settings()))
    try:
        database_url = cluster.start()
        meili_url, meili_key = meili.start()
        migrate.upgrade(database_url)
        settings = ResolvedSettings(
            database_url=database_url,
            meili_url=meili_url,
            meili_master_key=meili_key,
            home=home,
            api_keys=[KEY],
            rate_limit_write="1000000/minute",
            rate_limit_search="1000000/minute",
            webhook_allow_networks=["127.0.0.0/8"],
            webhook_retry_base=0.5,
            public_url="http://quotes.bench",
        )
        run(settings, args.runs, args.alerts)
    finally:
        meili.stop()
        cluster.stop()
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)


def run(settings: ResolvedSettings, runs: int, alerts: int) -> None:
    port = free_port()
    server = _Server(
        uvicorn.Config(build_app(Stores.open(settings)), port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    receiver = FlakyReceiver()
    headers = {"X-API-Key": KEY}
    searchable, delivered = [], []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        started = time.perf_counter()
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
        print(f"{alerts} alerts defined in {time.perf_counter() - started:.1f} s", flush=True)
        for n in range(runs + 2):
            token = "zq" + "".join(chr(ord("a") + int(d)) for d in f"{n:05d}")
            article = {
                "url": f"https://bench.example/alerts/{n}",
                "title": f"Council vote {n}",
                "outlet": "Bench Post",
                "published_at": "2024-05-10",
                "text": f'"The {token} plan stands," mayor Ada Lind said.\nThe hall was full.',
            }
            sent = time.perf_counter()
            answer = client.post("/v1/articles", json=article, headers=headers)
            if answer.status_code != 201:
                raise SystemExit(f"POST failed: {answer.status_code} {answer.text}")
            quote_ids = {q["id"] for q in answer.json()["quotes"]}
            while client.get("/v1/search", params={"q": token}).json()["total"] == 0:
                time.sleep(0.01)
            found = time.perf_counter() - sent
            deadline = time.perf_counter() + 120
            while (arrived := receiver.arrival(quote_ids)) is None:
                if time.perf_counter() > deadline:
                    raise SystemExit(f"run {n}: no webhook within 120 s")
                time.sleep(0.01)
            if n >= 2:  # the first two warm up
                searchable.append(found)
                delivered.append(arrived - sent)
    server.should_exit = True
    ms = [
        f"{percentile(v, 50) * 1000:.0f} / {percentile(v, 95) * 1000:.0f} ms"
        for v in (searchable, delivered)
    ]
    print(f"runs: {runs}, alerts with webhooks: {alerts}, receiver fails every other request")
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
