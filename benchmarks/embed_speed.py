"""Embedding speed on one core: quotes per second through the local model.

    python benchmarks/embed_speed.py [FOLDER] [--rounds N]

FOLDER defaults to ../shared/polnear/dev/text. Its quotes are extracted in memory, then their
cited words go through `Embedder.embed` (one thread, as indexing sends them), with the int8
products (the default) and with the float32 ones onnxruntime makes of the file as it is. In
the same run, on the same words: extraction of the articles (what ingest does per quote
anyway) and the tokeniser alone (the least the model must do), so the ratios say what
embeddings add to ingest and what the model itself costs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.embeddings import Embedder
from indexer.extract import extract_quotes
from indexer.sources import SourceArticle, read_articles

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "polnear" / "dev" / "text"


def best_of(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    articles = [i.article for i in read_articles([args.folder]) if isinstance(i, SourceArticle)]
    if not articles:
        sys.exit(f"no articles in {args.folder}")
    cited = [q.cited for a in articles for q in extract_quotes(a.text, a.published_at)]
    embedder = Embedder(threads=1)
    embedder.load()
    _session, tokenizer = embedder._load()

    def extract_all() -> None:
        for a in articles:
            extract_quotes(a.text, a.published_at)

    extract_s = best_of(args.rounds, extract_all)
    tokenize_s = best_of(args.rounds, lambda: tokenizer.encode_batch(cited))
    embed_s = best_of(args.rounds, lambda: embedder.embed(cited))
    float32 = Embedder(threads=1, int8=False)
    float32.load()
    float32_s = best_of(args.rounds, lambda: float32.embed(cited))
    n = len(cited)
    print(f"{n} quotes of {len(articles)} articles, one core, best of {args.rounds}")
    print(f"embedding:  {n / embed_s:8.1f} quotes/s")
    print(f"  float32:  {n / float32_s:8.1f} quotes/s (int8 is {float32_s / embed_s:.2f}x faster)")
    print(f"extraction: {n / extract_s:8.1f} quotes/s (embedding costs {embed_s / extract_s:.1f}x)")
    print(
        f"tokenising: {n / tokenize_s:8.1f} quotes/s (the model costs {embed_s / tokenize_s:.0f}x)"
    )


if __name__ == "__main__":
    main()
