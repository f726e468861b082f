"""Extraction time per quote as one article grows: linear work keeps it about constant.

    python benchmarks/extract_scaling.py [--sizes 1000,4000,16000] [--speakers 5000]

Each size is one synthetic article (`synthetic.long_article`, fictional) of about that many
quotes, extracted on one core. The baseline is the smallest size, measured in the same run:
the ratio column is its time per quote over the baseline's (1.0 = linear; quadratic work
would make it about 4 and 16 at 4× and 16× the quotes).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import long_article

from indexer.extract import extract_quotes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000,16000")
    parser.add_argument("--speakers", type=int, default=5000, help="distinct people to draw")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    extract_quotes(long_article(50))  # warm imports and caches
    baseline: float | None = None
    print(f"{'quotes asked':>12} {'found':>7} {'chars':>10} {'seconds':>8} {'ms/quote':>9} ratio")
    for size in (int(n) for n in args.sizes.split(",")):
        text = long_article(size, speakers=args.speakers)
        start = time.perf_counter()
        found = len(extract_quotes(text, date(2022, 4, 23)))
        per_quote = (time.perf_counter() - start) / max(found, 1)
        baseline = baseline or per_quote
        print(
            f"{size:>12,} {found:>7,} {len(text):>10,} {per_quote * found:>8.2f}"
            f" {per_quote * 1000:>9.3f} {per_quote / baseline:.2f}"
        )


if __name__ == "__main__":
    main()
