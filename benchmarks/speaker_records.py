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
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from instance import REPO, throwaway_instance

SHARED = REPO.parent / "shared"


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
    with throwaway_instance("onrecord-speakers-") as instance:
        texts = sorted((split / "text").glob("*.txt"))
        if args.one_by_one:
            for path in texts:
                instance.onrecord("ingest", str(path), "--meta-from-name")
            print(instance.onrecord("check").strip())
        else:
            ingested = instance.onrecord("ingest", str(split / "text"), "--meta-from-name")
            print(ingested.strip())
        export = args.keep_export or instance.home / "export.jsonl"
        instance.onrecord("export", "--format", "eval", "--out", str(export))
        result = score(split, export)
        for subset in ("direct", "all"):
            b = result[subset]["bcubed"]
            print(
                f"{args.split} {subset:6} records vs people, B-cubed P {b['precision']:.3f} "
                f"R {b['recall']:.3f} F1 {b['f1']:.3f} "
                f"({b['records']} records, {b['people']} people); "
                f"speaker acc {result[subset]['speaker_accuracy']:.3f}"
            )


if __name__ == "__main__":
    main()
