"""Grouping quotes into statements: this tree's `group_quotes` against a baseline revision's,
on the same stored quotes, in the same run.

    python benchmarks/statements.py --quotes 20000 [--baseline main] [--rounds 2] [--profile]

Stores a synthetic archive (benchmarks/synthetic.py) once in a private PostgreSQL (every
fifth quote made a report of an earlier one, see REPORTED_AGAIN), then groups every quote
from scratch — in batches of 10,000, as the drain does — alternately with the baseline's
code (`git show BASELINE:db/statements/…`) and this tree's, emptying the statement tables
before each round. Prints wall and CPU seconds per quote of each, their ratio, and checks
that both put exactly the same quotes together, with the same statement rows. `--profile`
runs cProfile on one more round of this tree's code and prints the 25 costliest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import math
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from ingest import QUOTES_PER_ARTICLE, our_postgres_writes  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from synthetic import write_jsonl  # noqa: E402

from db.models import Quote  # noqa: E402
from db.services import PostgresCluster  # noqa: E402
from db.session import make_engine, make_session_factory  # noqa: E402
from db.statements import grouping  # noqa: E402

BATCH = 10_000  # the drain's batch in benchmarks/ingest.py
Group = Callable[[Session, list[int]], list[int]]
# Synthetic quotes are all different; here every fifth is made another report of its
# speaker's previous quote, and every tenth has its first word changed on top (still one
# statement when the quote is long enough, another when not).
REPORTED_AGAIN = text(
    "UPDATE quote SET cited = CASE WHEN quote.id % 10 = 0"
    " THEN regexp_replace(earlier.cited, '^\\W*\\w+', 'Meanwhile') ELSE earlier.cited END"
    " FROM (SELECT id, lag(cited) OVER (PARTITION BY speaker_id ORDER BY id) AS cited"
    " FROM quote) AS earlier"
    " WHERE earlier.id = quote.id AND earlier.cited IS NOT NULL AND quote.id % 5 = 0"
)


def baseline_grouping(revision: str, folder: Path) -> ModuleType:
    """The baseline revision's grouping module, importing its own fingerprints."""
    package = folder / "baseline_statements"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    for name in ("fingerprints", "grouping"):
        source = subprocess.run(
            ["git", "-C", str(REPO), "show", f"{revision}:db/statements/{name}.py"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        source = source.replace("db.statements.fingerprints", "baseline_statements.fingerprints")
        (package / f"{name}.py").write_text(source)
    sys.path.insert(0, str(folder))
    return importlib.import_module("baseline_statements.grouping")


def one_round(factory, group: Group) -> tuple[float, float, list]:
    """Wall and CPU seconds to group every quote from scratch; the resulting statements."""
    with factory() as session, session.begin():
        session.execute(text("TRUNCATE quote_fingerprint, quote_statement, statement"))
        session.execute(text("ANALYZE quote_fingerprint"))  # as a fresh archive's would be
    with factory() as session:
        ids = list(session.scalars(select(Quote.id).order_by(Quote.id)))
    wall, cpu = time.perf_counter(), time.process_time()
    with factory() as session, session.begin():
        for start in range(0, len(ids), BATCH):
            group(session, ids[start : start + BATCH])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, statements(factory, ids)


def statements(factory, ids: list[int]) -> list[tuple[frozenset[int], tuple | None]]:
    """Which quotes are together, each group with its statement row (first report, counts);
    a quote without a statement row stands alone."""
    members: dict[int, set[int]] = {}
    with factory() as session:
        rows = session.execute(text("SELECT quote_id, statement_id FROM quote_statement"))
        placed = set()
        for quote_id, statement_id in rows:
            members.setdefault(statement_id, set()).add(quote_id)
            placed.add(quote_id)
        stored = {row[0]: tuple(row) for row in session.execute(text("SELECT * FROM statement"))}
    groups = [(frozenset(m), stored.get(s)) for s, m in members.items()]
    groups += [(frozenset({q}), None) for q in ids if q not in placed]
    return sorted(groups, key=lambda group: min(group[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=20_000)
    parser.add_argument("--baseline", default="main", help="the git revision compared against")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each, alternating")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="onrecord-statements-") as tmp:
        home = Path(tmp)
        articles = math.ceil(args.quotes / QUOTES_PER_ARTICLE)
        jsonl = home / "synthetic.jsonl"
        write_jsonl(jsonl, articles)
        cluster = PostgresCluster(home / "postgres", durable=False)
        database_url = cluster.start()
        try:
            _, _, quotes = our_postgres_writes(jsonl, database_url)
            engine = make_engine(database_url)
            factory = make_session_factory(engine)
            with factory() as session, session.begin():
                session.execute(REPORTED_AGAIN)
            variants: dict[str, Group] = {
                "baseline": baseline_grouping(args.baseline, home).group_quotes,
                "this tree": grouping.group_quotes,
            }
            times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
            results: dict[str, list] = {}
            for n in range(args.rounds):  # baseline, this tree, this tree, baseline, …
                for name in list(variants) if n % 2 == 0 else reversed(variants):
                    wall, cpu, grouped = one_round(factory, variants[name])
                    times[name].append((wall, cpu))
                    assert results.setdefault(name, grouped) == grouped
                    print(f"  {name:<10} {wall:6.2f} s wall, {cpu:6.2f} s CPU", flush=True)
            together = [g for g, _ in results["this tree"] if len(g) > 1]
            print(f"\n{quotes:,} quotes, {len(together):,} statements of several reports")
            print(f"same grouping: {results['baseline'] == results['this tree']}")
            per = {
                n: [(w / quotes * 1e3, c / quotes * 1e3) for w, c in t] for n, t in times.items()
            }
            for name, figures in per.items():
                shown = ", ".join(f"{w:.3f}/{c:.3f}" for w, c in figures)
                print(f"{name:<10} ms a quote, wall/CPU: {shown}")
            best = {n: (min(w for w, _ in f), min(c for _, c in f)) for n, f in per.items()}
            print(
                f"ratio this tree / baseline (best rounds): wall "
                f"{best['this tree'][0] / best['baseline'][0]:.2f}, CPU "
                f"{best['this tree'][1] / best['baseline'][1]:.2f}"
            )
            print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
                one_round(factory, grouping.group_quotes)
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            if results["baseline"] != results["this tree"]:
                raise SystemExit("the groupings differ")
            engine.dispose()
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
