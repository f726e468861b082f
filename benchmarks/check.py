"""`onrecord check` on a synthetic archive: wall time and peak memory, against another
checkout's `onrecord check` on the same stores in the same run (say, the tree before the
batched check: `git archive 0ac836a | tar -x -C /tmp/old`).

    python benchmarks/check.py --quotes 100000 --against /tmp/old [--runs 3] [--home DIR]

Starts private PostgreSQL (durable, as `onrecord` runs it) and Meilisearch in DIR (a
temporary folder by default), ingests synthetic articles from benchmarks/synthetic.py with
`onrecord ingest`, then alternates the two checks; each must report no drift.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from instance import measure_onrecord  # noqa: E402
from synthetic import write_jsonl  # noqa: E402

QUOTES_PER_ARTICLE = 8.6  # what the extractor finds in a synthetic article, on average


def check(tree: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of `onrecord check` run from `tree`."""
    measured = measure_onrecord(["check"], env, tree, expect="no drift")
    return measured.seconds, measured.peak_rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quotes", type=int, default=20_000)
    parser.add_argument("--against", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="onrecord-check-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONRECORD_")}
    env["ONRECORD_HOME"] = str(home / "onrecord")
    onrecord = [sys.executable, "-m", "onrecord"]
    trees = {"this tree": REPO, "other tree": args.against.resolve()}
    try:
        subprocess.run([*onrecord, "services", "start"], env=env, cwd=REPO, check=True)
        subprocess.run([*onrecord, "db", "upgrade"], env=env, cwd=REPO, check=True)
        jsonl = write_jsonl(home / "archive.jsonl", round(args.quotes / QUOTES_PER_ARTICLE))
        subprocess.run(
            [*onrecord, "ingest", str(jsonl)],
            env=env,
            cwd=REPO,
            check=True,
            stderr=subprocess.DEVNULL,
        )
        figures: dict[str, list[tuple[float, int]]] = {name: [] for name in trees}
        for _ in range(args.runs):
            for name, tree in trees.items():
                figures[name].append(check(tree, env))
    finally:
        subprocess.run([*onrecord, "services", "stop"], env=env, cwd=REPO, capture_output=True)
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)
    print(f"\n`onrecord check`, ~{args.quotes} quotes, {args.runs} alternating runs each")
    print("| tree | median wall s | peak RSS MB |")
    print("| --- | --- | --- |")
    for name, runs in figures.items():
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs) / 2**20
        print(f"| {name} | {wall:.2f} | {rss:.0f} |")
    ours, other = (statistics.median(r[0] for r in figures[n]) for n in trees)
    print(f"\nwall time, this tree / other tree: {ours / other:.2f}")


if __name__ == "__main__":
    main()
