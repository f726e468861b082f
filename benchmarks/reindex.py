"""`onrecord reindex` on a synthetic archive: the rebuild with batches left queued in
Meilisearch (as it runs now) against one batch at a time (as it ran before), alternating in
the same run on the same stores, and the same documents POSTed straight to a fresh index as
the floor (Meilisearch's own indexing of them, nothing read from PostgreSQL).

    python benchmarks/reindex.py [--quotes 100000] [--runs 3]

Starts private PostgreSQL and Meilisearch in a temporary folder (removed afterwards), ingests
synthetic articles from benchmarks/synthetic.py with embeddings off, then times each way;
`onrecord check` must find no drift after every rebuild.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from ingest import BATCH, straight_indexing  # noqa: E402
from instance import measure_onrecord, throwaway_instance  # noqa: E402
from synthetic import write_jsonl  # noqa: E402

from db import search_index  # noqa: E402
from db.index_sync.service import rebuild_index  # noqa: E402
from db.search_index import SearchIndex  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402

QUOTES_PER_ARTICLE = 8.6  # what the extractor finds in a synthetic article, on average


def timed_rebuild(database_url: str, index: SearchIndex, in_flight: int) -> float:
    """Wall seconds of one rebuild with `in_flight` batches left queued (0: wait for each)."""
    search_index.REBUILD_BATCHES_IN_FLIGHT = in_flight
    engine = make_engine(database_url)
    try:
        started = time.perf_counter()
        rebuild_index(make_session_factory(engine), index, BATCH)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    queued = search_index.REBUILD_BATCHES_IN_FLIGHT
    with throwaway_instance("onrecord-reindex-") as instance:
        home = instance.home
        env = {**instance.env, "ONRECORD_EMBEDDINGS": "off"}
        os.environ.update(env)
        jsonl = write_jsonl(home / "archive.jsonl", round(args.quotes / QUOTES_PER_ARTICLE))
        measure_onrecord(["ingest", str(jsonl), "--wait"], env, REPO, expect="all searchable")
        database_url = env["ONRECORD_DATABASE_URL"]
        index = SearchIndex(instance.meili_url, instance.meili_key, "quotes")
        ways = {f"{queued} batches queued (now)": queued, "one batch at a time (before)": 0}
        times: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(args.runs):
            for name, in_flight in ways.items():
                times[name].append(timed_rebuild(database_url, index, in_flight))
                measure_onrecord(["check"], env, REPO, expect="no drift")
        command = measure_onrecord(["reindex"], env, REPO, expect="reindexed")
        floor_index = SearchIndex(instance.meili_url, instance.meili_key, "quotes_straight")
        floor_index.ensure()
        floor = straight_indexing(database_url, floor_index, home)
        quotes = index.client.index("quotes").get_stats().number_of_documents
    print(f"\nrebuild of {quotes} quotes, batches of {BATCH}, {args.runs} alternating runs each")
    print("| way | median wall s | quotes/s | / straight |")
    print("| --- | --- | --- | --- |")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.1f} | {quotes / median:,.0f} | {median / floor:.2f} |")
    print(
        f"| the same documents POSTed straight (floor) | {floor:.1f} | {quotes / floor:,.0f} | 1 |"
    )
    print(
        f"\n`onrecord reindex` (the command, {queued} queued): {command.seconds:.1f} s wall, "
        f"peak RSS {command.peak_rss / 2**20:.0f} MB; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
