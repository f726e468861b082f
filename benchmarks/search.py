"""Search latency and throughput through the API against the same searches sent straight to
Meilisearch, at concurrency 1, 8 and 32, and the API's peak memory.

    python benchmarks/search.py [--quotes 100000] [--home DIR] [--requests 600]

With `--home DIR` of a `benchmarks/ingest.py --home DIR --keep` run, its data is searched;
otherwise QUOTES synthetic quotes are ingested first into private services. The API runs as
`onrecord serve` (a separate process, rate limits lifted); both sides get exactly the same
Meilisearch work — the direct requests carry the body the API builds for the same parameters
— so the difference is the API's own cost. Three kinds of search: words (with the four facet
counts the API returns by default), words + facet filters, and a speaker filter sorted by date.

Each cell's requests run in `CHUNKS` slices, the two sides alternating ABBA (direct, API, API,
direct, …) so drift in the machine's load falls on both. The load generator shares the cores:
its own CPU (this process, per side, as a share of one core over that side's wall time) is
printed beside each cell, since a busy generator pushes the ratio toward 1. A request whose
keep-alive connection the server closed while idle (uvicorn closes them after 5 s) is sent
again, at most `RETRIES` times, counted in the `retries` column; connections idle at most
`KEEPALIVE` seconds on our side.
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
CHUNKS = 6  # slices per cell, the sides alternating ABBA
RETRIES = 2  # resends of a request whose idle connection the server had closed
KEEPALIVE = 2.0  # seconds a client connection may idle, below uvicorn's 5 s
IDLE_DISCONNECTS = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


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


class Side:
    """One side of a cell: its latencies, wall and CPU seconds summed over its slices."""

    def __init__(self, send) -> None:
        self.send = send
        self.latencies: list[float] = []
        self.wall = 0.0
        self.cpu = 0.0
        self.retries = 0

    async def sent(self, item) -> None:
        for attempt in range(RETRIES + 1):
            try:
                await self.send(item)
                return
            except IDLE_DISCONNECTS:
                if attempt == RETRIES:
                    raise
                self.retries += 1

    async def load(self, requests: list, concurrency: int) -> None:
        """Every request of `requests`, `concurrency` in flight; latencies in ms."""
        queue = iter(requests)

        async def worker() -> None:
            for item in queue:
                started = time.perf_counter()
                await self.sent(item)
                self.latencies.append((time.perf_counter() - started) * 1000)

        cpu, started = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        self.wall += time.perf_counter() - started
        self.cpu += time.process_time() - cpu

    def figures(self) -> list[float]:
        lat = self.latencies
        return [pct(lat, 50), pct(lat, 95), pct(lat, 99), len(lat) / self.wall]


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


async def measure(api_url: str, meili_url: str, key: str, index: str, total: int) -> list[dict]:
    rows = []
    for kind in ("words", "words + filters", "speaker + sort by date"):
        pairs = searches(kind, total)
        for concurrency in CONCURRENCY:
            limits = httpx.Limits(
                max_connections=concurrency,
                max_keepalive_connections=concurrency,
                keepalive_expiry=KEEPALIVE,
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

                await Side(direct).load(pairs[:50], concurrency)  # warm both paths
                await Side(through_api).load(pairs[:50], concurrency)
                d, a = Side(direct), Side(through_api)
                size = -(-total // CHUNKS)
                for n, start in enumerate(range(0, total, size)):
                    chunk = pairs[start : start + size]
                    for side in (d, a) if n % 2 == 0 else (a, d):
                        await side.load(chunk, concurrency)
            row = {
                "kind": kind,
                "concurrency": concurrency,
                "direct": d.figures(),
                "api": a.figures(),
                "generator_cpu": [d.cpu / d.wall, a.cpu / a.wall],
                "retries": d.retries + a.retries,
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
        f"{a[3] / d[3]:5.2f} {a[0] - d[0]:+6.1f}   "
        f"{row['generator_cpu'][0]:4.0%} {row['generator_cpu'][1]:4.0%} {row['retries']:>3}",
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
            f"{'through the API (ms, req/s)':<32}  api/direct      "
            f"generator CPU"
        )
        print(
            f"{'search':<24}{'c':>3}  {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}   "
            f"{'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}   {'thr':>5} {'p50 +ms':>6}   "
            f"{'dir':>4} {'api':>4} {'retries':>3}"
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
