"""`onrecord check` on a synthetic archive: wall time, CPU and peak memory, against another
checkout's `onrecord check` on the same PostgreSQL in the same run (say, the tree before
check compared digests: `git archive 54fbfc2 | tar -x -C /tmp/old`).

    python benchmarks/check.py --quotes 100000 --against /tmp/old [--runs 3] [--home DIR]
    python benchmarks/check.py --quotes 100000 --copies 10 --runs 1   # 1M, this tree alone
    python benchmarks/check.py --home /tmp/check1m --reuse [--reindex]   # what a run kept there

Starts private PostgreSQL (durable, as `onrecord` runs it) and Meilisearch in DIR (a
temporary folder by default), ingests synthetic articles from benchmarks/synthetic.py with
`onrecord ingest` (embeddings off); `--copies N` then stores every quote N - 1 more times in
SQL (same articles and speakers, new ids: an archive N times the size without N times the
extraction) and `onrecord reindex` indexes them all. The other tree indexes the same
PostgreSQL into an index of its own with its own `onrecord reindex` (the documents each
version writes differ), then the two checks alternate; each must report no drift. With
`--reuse`, the archive an earlier run built in `--home` is checked again, each tree against
the index it wrote then (`--reindex` rebuilds this tree's first): a 1M archive takes far
longer to build than to check. Every reindex is timed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from instance import measure_onrecord, onrecord_env  # noqa: E402
from served import private_stores  # noqa: E402
from sqlalchemy import text  # noqa: E402
from synthetic import write_jsonl  # noqa: E402

from db.session import make_engine  # noqa: E402

QUOTES_PER_ARTICLE = 8.6  # what the extractor finds in a synthetic article, on average

# every quote column but the id, for --copies
COPY_QUOTES = """
INSERT INTO quote (article_id, speaker_id, mention, mention_start, mention_end, text, cited,
                   parts, rule, type, start, "end", cue, context, said_on, confidence)
SELECT article_id, speaker_id, mention, mention_start, mention_end, text, cited,
       parts, rule, type, start, "end", cue, context, said_on, confidence
FROM quote, generate_series(2, {copies})
"""


def check(tree: Path, env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (user + system), peak RSS (bytes) and first output line of
    `onrecord check` run from `tree`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    measured = measure_onrecord(["check"], env, tree, expect="no drift")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return measured.seconds, cpu, measured.peak_rss, measured.stdout.splitlines()[0]


def build(home: Path, env: dict[str, str], quotes: int, copies: int) -> None:
    """Ingest the synthetic archive, then store every quote `copies` - 1 more times."""
    jsonl = write_jsonl(home / "archive.jsonl", round(quotes / QUOTES_PER_ARTICLE))
    measure_onrecord(["ingest", str(jsonl), "--wait"], env, REPO, expect="all searchable")
    if copies > 1:
        engine = make_engine(env["ONRECORD_DATABASE_URL"])
        with engine.begin() as connection:
            connection.execute(text(COPY_QUOTES.format(copies=int(copies))))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quotes", type=int, default=20_000)
    parser.add_argument("--copies", type=int, default=1, help="store every quote N times")
    parser.add_argument("--against", type=Path, default=None, help="another checkout")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="check what --home holds")
    parser.add_argument("--reindex", action="store_true", help="with --reuse: reindex this tree")
    args = parser.parse_args()
    if args.reuse and args.home is None:
        parser.error("--reuse needs --home")
    with private_stores("onrecord-check-", args.home) as stores:
        env = onrecord_env(stores, ONRECORD_MEILI_INDEX="quotes", ONRECORD_EMBEDDINGS="off")
        trees = {"this tree": (REPO, env)}
        if args.against is not None:
            other_env = {**env, "ONRECORD_MEILI_INDEX": "quotes_other"}
            trees["other tree"] = (args.against.resolve(), other_env)
        if not args.reuse:
            build(stores.home, env, args.quotes, args.copies)
        for name, (tree, tree_env) in trees.items():  # each version's own documents
            building = not args.reuse and (name != "this tree" or args.copies > 1)
            if building or (args.reindex and name == "this tree"):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                done = measure_onrecord(["reindex"], tree_env, tree, expect="reindexed")
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                load = " ".join(f"{x:.1f}" for x in os.getloadavg())
                print(
                    f"  {name}: reindex {done.seconds:.1f} s, CPU {cpu:.1f} s, "
                    f"{done.peak_rss / 2**20:.0f} MB, load {load}"
                )
        figures: dict[str, list[tuple[float, float, int, str]]] = {name: [] for name in trees}
        for _ in range(args.runs):
            for name, (tree, tree_env) in trees.items():
                figures[name].append(check(tree, tree_env))
                wall, cpu, peak, counts = figures[name][-1]
                load = " ".join(f"{x:.1f}" for x in os.getloadavg())
                print(
                    f"  {name}: {wall:.1f} s, CPU {cpu:.1f} s, {peak / 2**20:.0f} MB, load {load}"
                )
                print(f"    {counts}")
    size = f"the archive in {args.home}" if args.reuse else f"~{args.quotes * args.copies} quotes"
    print(f"\n`onrecord check`, {size}, {args.runs} runs each")
    print("| tree | median wall s | median CPU s | peak RSS MB |")
    print("| --- | --- | --- | --- |")
    for name, runs in figures.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs) / 2**20
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss:.0f} |")
    if len(figures) == 2:
        ours, other = (statistics.median(r[0] for r in figures[n]) for n in trees)
        print(f"\nwall time, this tree / other tree: {ours / other:.2f}")


if __name__ == "__main__":
    main()
