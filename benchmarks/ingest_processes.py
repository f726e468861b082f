"""Ingest with 1, 2 and 4 processes on one PostgreSQL and one Meilisearch (as workers on
several machines would): quotes/s against one process in the same run, and proof that
more processes store nothing twice.

    python benchmarks/ingest_processes.py [--quotes 50000] [--processes 1 2 4] [--durable]

The same seeded synthetic archive (benchmarks/synthetic.py) is split into N shards of
interleaved lines, and N `onrecord ingest SHARD` processes start together on a fresh
instance; the time is from their start until the last exits (each exits once its quotes are
searchable). Each count runs twice, in the order 1 2 4 4 2 1 (drift cancels), and every run
must end with the same articles and quotes as the others, no name in two speaker records and
`onrecord check` clean. Speaker counts may differ by a few between runs: a surname met
before or after its full name resolves differently, and shards change that order.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from instance import Instance, throwaway_instance  # noqa: E402
from sqlalchemy import text  # noqa: E402
from synthetic import write_jsonl  # noqa: E402

from db.session import make_engine  # noqa: E402

QUOTES_PER_ARTICLE = 8.6  # what the extractor finds in a synthetic article, on average


def shards(archive: Path, count: int, folder: Path) -> list[Path]:
    """`count` files holding every count-th line of the archive, each starting at its own."""
    paths = [folder / f"shard-{n}-of-{count}.jsonl" for n in range(count)]
    handles = [path.open("w", encoding="utf-8") for path in paths]
    with archive.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            handles[number % count].write(line)
    for handle in handles:
        handle.close()
    return paths


def run(instance: Instance, files: list[Path]) -> float:
    """Wall seconds for one `onrecord ingest` per file, all started together."""
    with contextlib.ExitStack() as stack:
        logs = [stack.enter_context(tempfile.TemporaryFile()) for _ in files]
        started = time.perf_counter()
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "onrecord", "ingest", str(path)],
                env={**instance.env, "ONRECORD_EMBEDDINGS": "off"},
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for path, log in zip(files, logs, strict=True)
        ]
        codes = [process.wait() for process in processes]
        seconds = time.perf_counter() - started
        for code, log, path in zip(codes, logs, files, strict=True):
            if code != 0:
                log.seek(0)
                raise SystemExit(f"onrecord ingest {path} failed ({code}):\n{log.read().decode()}")
    return seconds


def counts(instance: Instance) -> tuple[int, int, int]:
    """Articles, quotes and speakers stored; exits unless `check` finds no drift and no
    name has two records (what two writers creating one person at once would leave)."""
    instance.onrecord("check")  # exits non-zero (and so do we) on any drift
    engine = make_engine(instance.env["ONRECORD_DATABASE_URL"])
    with engine.connect() as conn:
        articles, quotes, speakers = (
            int(conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
            for table in ("article", "quote", "speaker")
        )
        twice = conn.scalar(
            text(
                "SELECT count(*) FROM"
                " (SELECT name FROM speaker GROUP BY name HAVING count(*) > 1) AS twice"
            )
        )
    engine.dispose()
    if twice:
        raise SystemExit(f"{twice} names have more than one speaker record")
    return articles, quotes, speakers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=50_000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--durable", action="store_true", help="PostgreSQL with fsync on")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="onrecord-procs-"))
    archive = write_jsonl(folder / "archive.jsonl", math.ceil(args.quotes / QUOTES_PER_ARTICLE))
    order = args.processes + args.processes[::-1]
    seconds: dict[int, list[float]] = {n: [] for n in args.processes}
    stored: set[tuple[int, int]] = set()
    speakers: dict[int, list[int]] = {n: [] for n in args.processes}
    for count in order:
        files = shards(archive, count, folder)
        with throwaway_instance("onrecord-procs-", durable=args.durable) as instance:
            took = run(instance, files)
            found = counts(instance)
        stored.add(found[:2])
        speakers[count].append(found[2])
        seconds[count].append(took)
        load = os.getloadavg()[0]
        print(f"  {count} process(es): {took:6.1f} s, {found[1]:,} quotes (load {load:.1f})")
    if len(stored) != 1:
        raise SystemExit(f"runs stored different articles/quotes: {sorted(stored)}")
    articles, quotes = stored.pop()
    print(
        f"\n{os.cpu_count()} cores; {articles:,} articles, {quotes:,} quotes in every run;"
        f" PostgreSQL fsync {'on' if args.durable else 'off'}"
    )
    print("| processes | wall s (median of 2) | quotes/s | ratio to 1 process | speakers |")
    print("| --- | --- | --- | --- | --- |")
    base = statistics.median(seconds[args.processes[0]])
    for count in args.processes:
        median = statistics.median(seconds[count])
        records = "/".join(str(n) for n in speakers[count])
        print(
            f"| {count} | {median:.1f} | {quotes / median:,.0f} | {base / median:.2f} | {records} |"
        )


if __name__ == "__main__":
    main()
