"""How fast the `onrecord` command starts: `--help`, `--version` and `ingest one.txt`,
each against `python -c pass` measured in the same run (the interpreter's own start).

    python benchmarks/cli_startup.py [--runs 7] [--home DIR] [--against TREE]

`ingest one.txt` runs as a user would (the model on, the index confirmation left to a later
drain), with `ONRECORD_EMBEDDINGS=off`, and with `--wait` (until Meilisearch has indexed the
quotes, as every ingest did before). `--against TREE` also times `--help` and `ingest` of
another checkout (say, `git archive` of an older commit unpacked in TREE, on the same schema),
interleaved in the same run on the same services.

Starts a private PostgreSQL and Meilisearch in DIR (a temporary folder by default; PostgreSQL
durable, fsync on, as `onrecord` runs it) and migrates the database first, so `ingest` times
the command alone, not starting services. Each `ingest` run stores a new one-article file of
fictional sentences (nothing is skipped as already stored). The runs of the four commands
are interleaved, so load drift on a shared machine falls on all of them alike; the figures
are medians and the slowest run, in wall seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ARTICLE = (
    '"The harbour will reopen on Monday," port director Mira Kovac said on {day}.\n'
    "Fisheries minister Paul Senn said that the quota talks would go on.\n"
    '"We have waited {n} days for this," said skipper Ola Brandt.\n'
)
TARGETS = {"--help": 0.3, "ingest one.txt": 0.6, "ingest one.txt, ONRECORD_EMBEDDINGS=off": 0.6}


def wall(command: list[str], env: dict[str, str], cwd: Path = REPO) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--against", type=Path, default=None)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="onrecord-startup-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONRECORD_")}
    env["ONRECORD_HOME"] = str(home / "onrecord")
    onrecord = [sys.executable, "-m", "onrecord"]
    try:
        print(f"private services in {home}: starting and migrating (not timed)")
        wall([*onrecord, "services", "start"], env)
        wall([*onrecord, "db", "upgrade"], env)
        wall([*onrecord, "ingest", str(write_article(home, -1))], env)  # index created
        off = {**env, "ONRECORD_EMBEDDINGS": "off"}
        commands: dict[str, tuple[Path, Callable[[int], list[str]], dict[str, str]]] = {
            "python -c pass (baseline)": (REPO, lambda _: [sys.executable, "-c", "pass"], env),
            "--help": (REPO, lambda _: [*onrecord, "--help"], env),
            "--version": (REPO, lambda _: [*onrecord, "--version"], env),
            "ingest one.txt": (REPO, lambda n: ingest(home, n), env),
            "ingest one.txt, ONRECORD_EMBEDDINGS=off": (
                REPO,
                lambda n: ingest(home, n + 1000),
                off,
            ),
            "ingest one.txt --wait (until Meilisearch has indexed it)": (
                REPO,
                lambda n: [*ingest(home, n + 2000), "--wait"],
                env,
            ),
        }
        if args.against:
            tree = args.against.resolve()
            commands["--help, other tree"] = (tree, lambda _: [*onrecord, "--help"], env)
            commands["ingest one.txt, other tree"] = (tree, lambda n: ingest(home, n + 3000), env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for n in range(args.runs):
            for name, (cwd, command, command_env) in commands.items():
                times[name].append(wall(command(n), command_env, cwd))
        report(times, args.runs)
    finally:
        subprocess.run([*onrecord, "services", "stop"], env=env, cwd=REPO, capture_output=True)
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)


def ingest(home: Path, n: int) -> list[str]:
    return [sys.executable, "-m", "onrecord", "ingest", str(write_article(home, n))]


def write_article(home: Path, n: int) -> Path:
    path = home / f"one-{n + 1}.txt"
    path.write_text(ARTICLE.format(day="Tuesday", n=n + 10), encoding="utf-8")
    return path


def report(times: dict[str, list[float]], runs: int) -> None:
    baseline = statistics.median(times["python -c pass (baseline)"])
    print(f"\n{runs} interleaved runs each, wall seconds")
    print("| command | median | slowest | median / baseline | target |")
    print("| --- | --- | --- | --- | --- |")
    for name, values in times.items():
        median = statistics.median(values)
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else f"≤ {target} s: {'met' if median <= target else 'NOT met'}"
        )
        print(
            f"| `{name}` | {median:.3f} | {max(values):.3f} | "
            f"{median / baseline:.1f}× | {verdict} |"
        )


if __name__ == "__main__":
    main()
