"""Extraction speed on one core: articles per second on a folder of articles.

    python benchmarks/extract_speed.py [FOLDER] [--rounds N] [--cpu-time]

FOLDER defaults to ../shared/polnear/dev/text. The baseline, measured in the same run on the
same texts, is tokenising every article once (the least any extractor must do), so the ratio
says how much the whole extraction costs over reading the words. `--cpu-time` times with the
process's CPU clock instead of the wall clock: on a loaded machine it leaves out the time other
processes hold the core.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.extract import extract_quotes
from indexer.extract.tokens import tokenize
from indexer.sources import SourceArticle, read_articles

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "polnear" / "dev" / "text"


def best_of(rounds: int, work: Callable[[], None], clock: Callable[[], float]) -> float:
    times = []
    for _ in range(rounds):
        start = clock()
        work()
        times.append(clock() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cpu-time", action="store_true", help="time with the CPU clock")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    articles = [i.article for i in read_articles([args.folder]) if isinstance(i, SourceArticle)]
    if not articles:
        sys.exit(f"no articles in {args.folder}")
    words = sum(len(a.text.split()) for a in articles)
    extract_quotes(articles[0].text)  # warm imports and caches

    quotes = 0

    def extract_all() -> None:
        nonlocal quotes
        quotes = sum(len(extract_quotes(a.text, a.published_at)) for a in articles)

    def tokenize_all() -> None:
        for a in articles:
            tokenize(a.text)

    clock = time.process_time if args.cpu_time else time.perf_counter
    extract_s = best_of(args.rounds, extract_all, clock)
    baseline_s = best_of(args.rounds, tokenize_all, clock)
    n = len(articles)
    print(
        f"articles: {n} ({words:,} words), quotes found: {quotes}, best of {args.rounds} rounds"
        f"{' (CPU time)' if args.cpu_time else ''}"
    )
    print(f"extraction:            {n / extract_s:8.1f} articles/s  ({extract_s * 1000:.0f} ms)")
    print(f"baseline (tokenising): {n / baseline_s:8.1f} articles/s  ({baseline_s * 1000:.0f} ms)")
    print(f"ratio extraction/baseline time: {extract_s / baseline_s:.1f}x")


if __name__ == "__main__":
    main()
