"""Speaker records against people: ingest a PolNeAR split, export, score B-cubed.

    python benchmarks/speaker_records.py [--split dev] [--one-by-one] [--keep-export FILE]

Starts private PostgreSQL and Meilisearch in a throwaway folder, runs
`onrecord ingest SPLIT/text --meta-from-name` (every file a separate article; outlets and
dates from the file names), `onrecord export --format eval` and
`../shared/eval/score_speakers.py`, and prints its figures: "records vs people, B-cubed P/R"
is how often a record mixes two people (precision) and how often a person is split over
records (recall). `--one-by-one` ingests the articles one run each, as an archive grows, and
then requires `onrecord check` to be clean.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from db import migrate  # noqa: E402
from db.services import MeiliProcess, PostgresCluster, find_meili_bin  # noqa: E402
from db.settings import Settings  # noqa: E402

SHARED = REPO.parent / "shared"


def onrecord(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "onrecord", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"onrecord {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def score(split: Path, export: Path) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            str(SHARED / "eval" / "score_speakers.py"),
            str(split),
            str(export),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--one-by-one", action="store_true")
    parser.add_argument("--keep-export", type=Path)
    args = parser.parse_args()
    split = SHARED / "polnear" / args.split
    if not split.exists():
        raise SystemExit(f"{split} is absent")
    home = Path(tempfile.mkdtemp(prefix="onrecord-speakers-"))
    cluster = PostgresCluster(home / "postgres", durable=False)
    meili = MeiliProcess(home / "meilisearch", find_meili_bin(Settings()))
    try:
        database_url = cluster.start()
        meili_url, key = meili.start()
        migrate.upgrade(database_url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ONRECORD_")}
        env.update(
            ONRECORD_DATABASE_URL=database_url,
            ONRECORD_MEILI_URL=meili_url,
            ONRECORD_MEILI_MASTER_KEY=key,
            ONRECORD_HOME=str(home),
        )
        texts = sorted((split / "text").glob("*.txt"))
        if args.one_by_one:
            for path in texts:
                onrecord(env, "ingest", str(path), "--meta-from-name")
            print(onrecord(env, "check").strip())
        else:
            print(onrecord(env, "ingest", str(split / "text"), "--meta-from-name").strip())
        export = args.keep_export or home / "export.jsonl"
        onrecord(env, "export", "--format", "eval", "--out", str(export))
        result = score(split, export)
        for subset in ("direct", "all"):
            b = result[subset]["bcubed"]
            print(
                f"{args.split} {subset:6} records vs people, B-cubed P {b['precision']:.3f} "
                f"R {b['recall']:.3f} F1 {b['f1']:.3f} "
                f"({b['records']} records, {b['people']} people); "
                f"speaker acc {result[subset]['speaker_accuracy']:.3f}"
            )
    finally:
        meili.stop()
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
