"""Search latency and throughput through the API against the same searches sent straight to
Meilisearch, at concurrency 1, 8 and 32, and the API's peak memory.

    python benchmarks/search.py [--quotes 100000] [--home DIR] [--requests 600]

With `--home DIR` of a `benchmarks/ingest.py --home DIR --keep` run, its data is searched;
otherwise QUOTES synthetic quotes are ingested first into private services. The API runs as
`onrecord serve` (a separate process, rate limits lifted); both sides get exactly the same
Meilisearch work — the direct requests carry the body the API builds for the same parameters
— so the difference is the API's own cost. Three kinds of search: words (with the four facet
counts the API returns by default), words + facet filters, and a speaker filter sorted by date.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from synthetic import OUTLETS, WORDS, Generator  # noqa: E402

from db.search_index import FACETS, SearchIndex, SearchQuery  # noqa: E402
from db.services import MeiliProcess, PostgresCluster, free_port  # noqa: E402

CONCURRENCY = (1, 8, 32)


def searches(kind: str, count: int) -> list[tuple[dict, SearchQuery]]:
    """Deterministic (API parameters, the same search as a SearchQuery) pairs of one kind."""
    rng = random.Random(11)
    people = [name for name, _, _ in Generator(7).people[:200]]
    found = []
    for _ in range(count):
        if kind == "words":
            q = " ".join(rng.sample(WORDS[:150], 2))
            found.append(({"q": q}, SearchQuery(q=q)))
        elif kind == "words + filters":
            q, outlet = rng.choice(WORDS[:150]), rng.choice(OUTLETS[:8])
            found.append(
                (
                    {"q": q, "outlet": outlet, "type": "direct"},
                    SearchQuery(q=q, outlets=[outlet], types=["direct"]),
                )
            )
        else:
            speaker = rng.choice(people)
            found.append(
                (
                    {"speaker": speaker, "sort": "-date"},
                    SearchQuery(speakers=[speaker], sort="-date"),
                )
            )
    return found


async def load(send, requests: list, concurrency: int) -> tuple[list[float], float]:
    """Latencies (ms) of every request and the wall time, `concurrency` in flight."""
    latencies: list[float] = []
    queue = iter(requests)

    async def worker() -> None:
        for item in queue:
            started = time.perf_counter()
            await send(item)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


async def measure(api_url: str, meili_url: str, key: str, index: str, total: int) -> list[dict]:
    rows = []
    for kind in ("words", "words + filters", "speaker + sort by date"):
        pairs = searches(kind, total)
        for concurrency in CONCURRENCY:
            limits = httpx.Limits(
                max_connections=concurrency, max_keepalive_connections=concurrency
            )
            headers = {"Accept-Encoding": "identity", "Authorization": f"Bearer {key}"}
            async with (
                httpx.AsyncClient(base_url=meili_url, limits=limits, headers=headers) as meili,
                httpx.AsyncClient(base_url=api_url, limits=limits) as api,
            ):

                async def direct(pair, meili=meili) -> None:
                    body = {"q": pair[1].q, **pair[1].params()}
                    response = await meili.post(
                        f"/indexes/{index}/search",
                        content=orjson.dumps(body),
                        headers={"Content-Type": "application/json"},
                    )
                    response.raise_for_status()

                async def through_api(pair, api=api) -> None:
                    response = await api.get("/v1/search", params=pair[0])
                    response.raise_for_status()

                await load(direct, pairs[:50], concurrency)  # warm both paths
                await load(through_api, pairs[:50], concurrency)
                d_lat, d_wall = await load(direct, pairs, concurrency)
                a_lat, a_wall = await load(through_api, pairs, concurrency)
            row = {
                "kind": kind,
                "concurrency": concurrency,
                "direct": [pct(d_lat, 50), pct(d_lat, 95), pct(d_lat, 99), total / d_wall],
                "api": [pct(a_lat, 50), pct(a_lat, 95), pct(a_lat, 99), total / a_wall],
            }
            rows.append(row)
            print_row(row)
    return rows


def print_row(row: dict) -> None:
    d, a = row["direct"], row["api"]
    print(
        f"{row['kind']:<24}{row['concurrency']:>3}  "
        f"{d[0]:6.1f} {d[1]:6.1f} {d[2]:6.1f} {d[3]:7.0f}   "
        f"{a[0]:6.1f} {a[1]:6.1f} {a[2]:6.1f} {a[3]:7.0f}   "
        f"{a[3] / d[3]:5.2f} {a[0] - d[0]:+6.1f}",
        flush=True,
    )


def ingest_fresh(home: Path, quotes: int) -> dict:
    """Ingest synthetic quotes with benchmarks/ingest.py and return its kept services."""
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "ingest.py"),
            "--quotes",
            str(quotes),
            "--home",
            str(home),
            "--keep",
        ],
        check=True,
    )
    return json.loads((home / "bench.json").read_text())


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--requests", type=int, default=600)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="onrecord-search-bench-"))
    kept = home / "bench.json"
    services = json.loads(kept.read_text()) if kept.exists() else ingest_fresh(home, args.quotes)
    index = SearchIndex(services["meili_url"], services["meili_key"], services["index"])
    documents = index.index.get_stats().number_of_documents
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONRECORD_")}
    env.update(
        ONRECORD_DATABASE_URL=services["database_url"],
        ONRECORD_MEILI_URL=services["meili_url"],
        ONRECORD_MEILI_MASTER_KEY=services["meili_key"],
        ONRECORD_MEILI_INDEX=services["index"],
        ONRECORD_RATE_LIMIT_SEARCH="100000000/minute",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "onrecord", "serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{api_url}/readyz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the API did not become ready")
            time.sleep(0.2)
        search_key = index.search_key()  # what the API itself searches with
        if search_key is None:
            raise SystemExit("the benchmark's Meilisearch runs with a master key; got none")
        print(
            f"machine: {os.cpu_count()} cores; {documents:,} quotes in the index; "
            f"{args.requests} requests per cell; facets returned: {', '.join(FACETS)}"
        )
        print(
            f"{'':<24}{'':>3}  {'straight to Meilisearch (ms, req/s)':<32}  "
            f"{'through the API (ms, req/s)':<32}  api/direct"
        )
        print(
            f"{'search':<24}{'c':>3}  {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}   "
            f"{'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}   {'thr':>5} {'p50 +ms':>6}"
        )
        asyncio.run(
            measure(api_url, services["meili_url"], search_key, services["index"], args.requests)
        )
        print(f"peak RSS of the API process: {peak_rss(server.pid) / 1e6:.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)
        if args.home is None:  # services and data of our own: stop them and clean up
            MeiliProcess(home / "meilisearch").stop()
            PostgresCluster(home / "postgres").stop()
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
