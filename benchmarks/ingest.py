"""Ingest at scale: end to end, PostgreSQL writes against plain COPY, Meilisearch indexing
against sending the same documents straight to it, and peak memory.

    python benchmarks/ingest.py --quotes 100000 [--home DIR] [--keep] [--fsync on|off]

Runs on private PostgreSQL (durable, fsync on, as `onrecord` runs it, unless `--fsync off`)
and Meilisearch processes it starts in DIR (a temporary folder by default), with synthetic
articles from benchmarks/synthetic.py (seeded, so every run ingests the same text).
Figures, each with its same-run baseline:

1. end to end: `onrecord ingest FILE.jsonl` as a process — extract → PostgreSQL →
   searchable in Meilisearch — articles/s, quotes/s and the process's peak RSS; then
   `onrecord check` must find no drift (the run exits otherwise);
2. PostgreSQL: our bulk write path (`ingest.store_many`, extraction done beforehand and not
   timed) into a fresh database, against `COPY FROM` of exactly the rows it wrote into
   identical fresh tables;
3. Meilisearch: draining the outbox of (2) into a fresh index (`ingest.drain_outbox`),
   against POSTing the same documents straight to another fresh index, same settings and
   batch size.

`--keep` leaves the services running with the end-to-end data, for benchmarks/search.py.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from instance import measure_onrecord  # noqa: E402
from sqlalchemy import text  # noqa: E402
from synthetic import write_jsonl  # noqa: E402

from db import migrate  # noqa: E402
from db.articles.service import store_articles  # noqa: E402
from db.index_sync.documents import documents, iter_quote_id_batches  # noqa: E402
from db.index_sync.service import drain_outbox  # noqa: E402
from db.search_index import SearchIndex  # noqa: E402
from db.services import MeiliProcess, PostgresCluster, find_meili_bin  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from db.settings import Settings  # noqa: E402
from db.speakers.service import SpeakerCache  # noqa: E402
from indexer.pipeline import ARTICLES_PER_BATCH, _batches, _extract_batch  # noqa: E402
from indexer.sources import Overrides, SourceArticle, read_articles  # noqa: E402

QUOTES_PER_ARTICLE = 8.6  # what the extractor finds in a synthetic article, on average
BATCH = 10_000


def start_services(
    home: Path, durable: bool
) -> tuple[PostgresCluster, MeiliProcess, str, str, str]:
    cluster = PostgresCluster(home / "postgres", durable=durable)
    database_url = cluster.start()
    meili = MeiliProcess(home / "meilisearch", find_meili_bin(Settings()))
    meili_url, key = meili.start()
    return cluster, meili, database_url, meili_url, key


def end_to_end(jsonl: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of `onrecord ingest`."""
    measured = measure_onrecord(
        ["ingest", str(jsonl), "--wait"], env, REPO, expect="all searchable"
    )
    print(f"  {measured.stdout.strip()}")
    return measured.seconds, measured.peak_rss


def check_clean(env: dict[str, str]) -> float:
    """Wall seconds of `onrecord check`; exits unless it finds no drift (the index holds
    exactly what PostgreSQL does, every alias and correction included)."""
    measured = measure_onrecord(["check"], env, REPO, expect="no drift")
    return measured.seconds


def our_postgres_writes(jsonl: Path, database_url: str) -> tuple[float, int, int]:
    """Seconds spent in store_many (extraction beforehand, untimed); articles and quotes."""
    engine = make_engine(database_url)
    migrate.upgrade(database_url)
    factory = make_session_factory(engine)
    cache = SpeakerCache()
    spent, articles, quotes = 0.0, 0, 0
    items = read_articles([str(jsonl)], Overrides())
    for batch in _batches(items, ARTICLES_PER_BATCH):
        extracted = _extract_batch(batch)
        pairs = [(i.article, q) for i, q in extracted if isinstance(i, SourceArticle)]
        started = time.perf_counter()
        results = store_articles(factory, pairs, cache)
        spent += time.perf_counter() - started
        articles += len(results)
        quotes += sum(len(r.quote_ids) for r in results)
    engine.dispose()
    return spent, articles, quotes


def plain_copy(source_url: str, target_url: str, folder: Path) -> float:
    """Seconds to COPY the rows our path wrote into identical, empty tables."""
    engine = make_engine(source_url)
    dumps = {}
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None  # a live psycopg connection
        for table in ("speaker", "article", "quote", "index_outbox"):
            path = folder / f"{table}.copy"
            with path.open("wb") as handle, driver.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                for data in copy:
                    handle.write(data)
            dumps[table] = path
    engine.dispose()
    migrate.upgrade(target_url)
    target = make_engine(target_url)
    with target.begin() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        started = time.perf_counter()
        for table, path in dumps.items():
            with (
                path.open("rb") as handle,
                driver.cursor().copy(f"COPY {table} FROM STDIN") as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        elapsed = time.perf_counter() - started
    target.dispose()
    return elapsed


def our_indexing(database_url: str, index: SearchIndex) -> tuple[float, int]:
    engine = make_engine(database_url)
    started = time.perf_counter()
    result = drain_outbox(make_session_factory(engine), index, BATCH)
    elapsed = time.perf_counter() - started
    engine.dispose()
    if result.error or result.pending:
        raise SystemExit(f"drain failed: {result.error}")
    return elapsed, result.indexed


def straight_indexing(database_url: str, index: SearchIndex, folder: Path) -> float:
    """The same documents, prepared beforehand, POSTed in the same batches to a fresh index."""
    engine = make_engine(database_url)
    files = []
    with make_session_factory(engine)() as session:
        for n, ids in enumerate(iter_quote_id_batches(session, BATCH)):
            path = folder / f"docs-{n}.json"
            path.write_text(json.dumps(documents(session, ids)))
            files.append(path)
    engine.dispose()
    url = f"{index.client.config.url}/indexes/{index.name}/documents?primaryKey=id"
    headers = {
        "Authorization": f"Bearer {index.client.config.api_key}",
        "Content-Type": "application/json",
        "Accept-Encoding": "identity",
    }
    with httpx.Client(timeout=600) as client:
        started = time.perf_counter()
        tasks = [client.post(url, content=p.read_bytes(), headers=headers).json() for p in files]
        for task in tasks:
            index.client.wait_for_task(task["taskUid"], timeout_in_ms=3_600_000, interval_in_ms=100)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--home", type=Path, help="where the services and files live")
    parser.add_argument("--keep", action="store_true", help="leave the services running")
    parser.add_argument(
        "--embeddings",
        choices=["off", "local"],
        default="off",
        help="ONRECORD_EMBEDDINGS for the end-to-end ingest (off: the keyword-only figures)",
    )
    parser.add_argument(
        "--fsync",
        choices=["on", "off"],
        default="on",
        help="PostgreSQL durability (on: as `onrecord` runs it; off: the earlier figures)",
    )
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="onrecord-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    articles = math.ceil(args.quotes / QUOTES_PER_ARTICLE)
    jsonl = home / f"synthetic-{articles}.jsonl"
    if not jsonl.exists():
        write_jsonl(jsonl, articles)
    print(f"{articles:,} synthetic articles ({jsonl.stat().st_size / 1e6:.0f} MB) in {home}")
    cluster, meili, _database_url, meili_url, key = start_services(home, args.fsync == "on")
    try:
        for name in ("onrecord_e2e", "onrecord_ours", "onrecord_copy"):
            with (
                make_engine(cluster.url("postgres"))
                .connect()
                .execution_options(isolation_level="AUTOCOMMIT") as conn
            ):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        stamp = int(time.time())
        e2e_index = f"quotes_e2e_{stamp}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ONRECORD_")}
        env.update(
            ONRECORD_DATABASE_URL=cluster.url("onrecord_e2e"),
            ONRECORD_MEILI_URL=meili_url,
            ONRECORD_MEILI_MASTER_KEY=key,
            ONRECORD_MEILI_INDEX=e2e_index,
            ONRECORD_EMBEDDINGS=args.embeddings,
        )
        migrate.upgrade(cluster.url("onrecord_e2e"))
        print("1. end to end: onrecord ingest")
        e2e_seconds, e2e_rss = end_to_end(jsonl, env)
        e2e_engine = make_engine(cluster.url("onrecord_e2e"))
        with e2e_engine.connect() as conn:
            quotes = conn.scalar(text("SELECT count(*) FROM quote"))
        e2e_engine.dispose()
        searchable = SearchIndex(meili_url, key, e2e_index).index.get_stats().number_of_documents
        assert searchable == quotes, (searchable, quotes)
        check_seconds = check_clean(env)
        print(f"  onrecord check: no drift ({check_seconds:.1f} s)")

        print("2. PostgreSQL: store_many vs plain COPY")
        ours_pg, n_articles, n_quotes = our_postgres_writes(jsonl, cluster.url("onrecord_ours"))
        copy_pg = plain_copy(cluster.url("onrecord_ours"), cluster.url("onrecord_copy"), home)

        print("3. Meilisearch: outbox drain vs documents sent straight")
        ours_index = SearchIndex(meili_url, key, f"quotes_ours_{stamp}")
        straight_index = SearchIndex(meili_url, key, f"quotes_straight_{stamp}")
        for index in (ours_index, straight_index):  # both fresh and set up before timing
            index.ensure()
        straight_meili = straight_indexing(cluster.url("onrecord_ours"), straight_index, home)
        ours_meili, indexed = our_indexing(cluster.url("onrecord_ours"), ours_index)
        for index in (ours_index, straight_index):
            index.client.delete_index(index.name)

        rows = n_articles + 2 * n_quotes  # article, quote and outbox rows
        print()
        print(
            f"machine: {os.cpu_count()} cores; {articles:,} articles, {quotes:,} quotes; "
            f"PostgreSQL fsync {args.fsync}"
        )
        print(f"{'measure':<44}{'ours':>14}{'baseline':>14}{'ratio':>8}")
        print(
            f"{'end to end, quotes/s (articles/s)':<44}"
            f"{quotes / e2e_seconds:>9,.0f} ({articles / e2e_seconds:,.0f})"
            f"{'—':>14}{'—':>8}   {e2e_seconds:,.1f} s"
        )
        print(
            f"{'PostgreSQL rows/s: store_many vs COPY':<44}{rows / ours_pg:>14,.0f}"
            f"{rows / copy_pg:>14,.0f}{copy_pg / ours_pg:>8.2f}"
        )
        print(
            f"{'Meilisearch docs/s: drain vs straight':<44}{indexed / ours_meili:>14,.0f}"
            f"{indexed / straight_meili:>14,.0f}{straight_meili / ours_meili:>8.2f}"
        )
        print(f"{'peak RSS of onrecord ingest, MB':<44}{e2e_rss / 1e6:>14,.0f}")
        if args.keep:
            kept = {
                "database_url": cluster.url("onrecord_e2e"),
                "meili_url": meili_url,
                "meili_key": key,
                "index": e2e_index,
            }
            (home / "bench.json").write_text(json.dumps(kept))
            (home / "bench.json").chmod(0o600)
            print(f"\nkept running for benchmarks/search.py --home {home}: {home / 'bench.json'}")
    finally:
        if not args.keep:
            meili.stop()
            cluster.stop()
            if args.home is None:  # a temporary folder of ours: gigabytes at 1M quotes
                shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
