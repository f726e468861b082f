"""Search by meaning against keyword search on the same index, same queries, same run.

    python benchmarks/semantic_search.py [--split dev] [--queries 200] [--seed 7]

Starts private PostgreSQL and Meilisearch in a throwaway folder, ingests SPLIT/text with
embeddings on, then sends each query (four to eight words taken from stored quotes) as
`mode=keyword`, `hybrid` and `semantic` searches through `AsyncSearcher` (what /v1/search
uses; the query's vector is computed in the timed part, never taken from the searcher's
cache) and prints p50/p95 per mode and the ratio to keyword search; `hybrid, thread` is the
same hybrid search with the query's vector always computed in a worker thread (as before
short queries were embedded on the event loop), interleaved with the others; `hybrid, again`
is the same hybrid search's next page, whose vector the API's cache of query vectors holds;
then the model's CPU time per query and the load average. Nothing of the split is written
anywhere but the throwaway folder.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from instance import REPO, throwaway_instance

from db.embeddings import local_embedder
from db.search_index import AsyncSearcher, SearchIndex, SearchQuery
from db.settings import Settings
from db.vocabulary import SearchMode

SHARED = REPO.parent / "shared"


AGAIN = "hybrid, again"
THREAD = "hybrid, thread"


async def run(index: SearchIndex, queries: list[str]) -> None:
    fresh = AsyncSearcher(index, vector_cache=0)  # every vector computed in the timed part
    threaded = AsyncSearcher(index, vector_cache=0, inline_embed_chars=0)  # the hop, always
    cached = AsyncSearcher(index)  # as the API runs it
    timings: dict[str, list[float]] = {mode: [] for mode in [*SearchMode, THREAD, AGAIN]}
    searchers = (fresh, threaded, cached)
    try:
        for searcher in searchers:
            await searcher.search(SearchQuery(q="warm", mode=SearchMode.hybrid))
        for n, q in enumerate(queries):
            runs: list[tuple[str, AsyncSearcher, SearchMode]] = [
                (mode, fresh, mode) for mode in SearchMode
            ]
            runs.append((THREAD, threaded, SearchMode.hybrid))
            if n % 2:  # alternate the order: neither side always follows the other
                runs.reverse()
            for label, searcher, mode in runs:
                started = time.perf_counter()
                await searcher.search(SearchQuery(q=q, mode=mode))
                timings[label].append(1000 * (time.perf_counter() - started))
            await cached.search(SearchQuery(q=q, mode=SearchMode.hybrid))
            started = time.perf_counter()
            await cached.search(SearchQuery(q=q, mode=SearchMode.hybrid, page=2))
            timings[AGAIN].append(1000 * (time.perf_counter() - started))
    finally:
        for searcher in searchers:
            await searcher.close()
    keyword = statistics.median(timings[SearchMode.keyword])
    for label, ms in timings.items():
        ms.sort()
        p50 = statistics.median(ms)
        p95 = ms[int(0.95 * (len(ms) - 1))]
        print(f"{label:14} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p50 / keyword {p50 / keyword:.2f}")
    assert index.embedder is not None
    started = time.process_time()
    for q in queries:
        index.embedder.embed_one(q)
    cpu = 1000 * (time.process_time() - started) / len(queries)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"model: {cpu:.1f} ms CPU per query; load average {load}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    split = SHARED / "polnear" / args.split
    if not split.exists():
        raise SystemExit(f"{split} is absent")
    with throwaway_instance("onrecord-semantic-") as instance:
        instance.env["ONRECORD_EMBEDDINGS"] = "local"
        print(
            instance.onrecord("ingest", str(split / "text"), "--meta-from-name", "--wait").strip()
        )
        index = SearchIndex(
            instance.meili_url,
            instance.meili_key,
            Settings().meili_index,
            embedder=local_embedder(),
        )
        rng = random.Random(args.seed)
        cited = [d["cited"].split() for d in index.documents() if len(d["cited"].split()) >= 8]
        queries = []
        for _ in range(args.queries):
            words = rng.choice(cited)
            size = rng.randint(4, 8)
            start = rng.randint(0, len(words) - size)
            queries.append(" ".join(words[start : start + size]))
        print(f"{len(queries)} queries over {len(cited)} quotes of eight words or more")
        asyncio.run(run(index, queries))


if __name__ == "__main__":
    main()
