"""Fit the extractor's confidences on hand-labelled articles, so that 0.9 means right 9 times in 10.

Usage (from the repository root, with ../shared beside it):

    .venv/bin/python scripts/calibrate.py [SPLIT_DIR...] [--out PATH] [--folds K] [--repeats N]
                                          [--check]

It runs `onrecord extract` over the hand-labelled articles of each SPLIT_DIR (those with a
SPLIT_DIR/speakers/NAME.jsonl; default ../shared/polnear/dev and ../shared/polnear/train), pairs
every predicted quote with the gold attributions exactly as `../shared/eval/score_speakers.py`
does (all attributions, strict: the canonical speaker must be the person who really said it),
and marks each prediction right or wrong (a prediction with no gold attribution is wrong).

The fit is histogram binning by rule: each quote records the rule that produced it, and a rule's
confidence is its share of right predictions, shrunk towards the overall share by a Beta prior so
rare rules do not swing to 0 or 1. Rules the labels never saw take
their group's figure.

The expected calibration error (ECE, 10 equal-width bins) is reported out of fold: articles are
split into K folds, each fold scored with a table fitted on the others, so the figure is measured
on articles the fit did not see; the mean over several seeded shuffles of the split is printed,
since one split of ~80 articles moves the figure by about ±0.01. With several splits, each is
also scored with a table fitted on the others only (train → dev, dev → train). The table written
to --out (default indexer/extract/calibration.json) is then fitted on all articles. `--check`
fits and reports without writing.

The table must be refitted whenever a rule or the extractor's output changes.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from indexer.extract.rules import all_rules

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SPLITS = [REPO.parent / "shared" / "polnear" / name for name in ("dev", "train")]
DEFAULT_OUT = REPO / "indexer" / "extract" / "calibration.json"
PRIOR_WEIGHT = 10.0  # pseudo-observations pulling a rule's share towards the overall share
BINS = 10

Outcome = tuple[str, str, float | None, bool]  # doc, rule, raw confidence, right


def load_scorer(split_dir: Path) -> ModuleType:
    """score_speakers.py lives in ../shared/eval; it is read at run time, never copied."""
    eval_dir = split_dir.resolve().parent.parent / "eval"
    if not (eval_dir / "score_speakers.py").exists():
        sys.exit(f"{eval_dir}/score_speakers.py not found (is ../shared beside the repository?)")
    sys.path.insert(0, str(eval_dir))
    import score_speakers  # type: ignore[import-not-found]

    return score_speakers


def labelled_texts(split_dir: Path) -> list[Path]:
    """The article texts of a split that have hand speaker labels."""
    return [
        split_dir / "text" / f"{labels.stem}.txt"
        for labels in sorted((split_dir / "speakers").glob("*.jsonl"))
    ]


def extract(split_dir: Path) -> Path:
    """Predictions of the installed extractor, through the same command users run."""
    onrecord = Path(sys.executable).with_name("onrecord")
    out = Path(tempfile.mkstemp(suffix=".jsonl")[1])
    texts = [str(path) for path in labelled_texts(split_dir)]
    with out.open("w", encoding="utf-8") as handle:
        subprocess.run(
            [str(onrecord), "extract", *texts, "--format", "jsonl"], stdout=handle, check=True
        )
    return out


def outcomes(split_dir: Path, predictions: Path) -> list[Outcome]:
    """Each scored prediction with its rule and whether its speaker is the right person."""
    scorer = load_scorer(split_dir)
    gold = scorer.load_gold(split_dir)
    labels = scorer.load_labels(split_dir / "speakers")
    preds = scorer.load_preds(predictions)
    found: list[Outcome] = []
    for doc, g in sorted(gold.items()):
        if not any(key[0] == doc for key in labels):
            continue  # only labelled articles are scored
        golds = g["attributions"]
        lab = [labels.get((doc, i)) for i in range(len(golds))]
        people = {r["canonical"] for r in lab if r and r["kind"] == "person" and r["canonical"]}
        surnames = Counter(scorer.person_parts(c)[1] for c in people)
        ps = preds.get(doc, [])
        pairs = []
        for i, p in enumerate(ps):
            for j, a in enumerate(golds):
                ov = sum(scorer.overlap((p["start"], p["end"]), s) for s in a["content"])
                shorter = min(p["end"] - p["start"], scorer.span_len(a["content"]))
                if shorter > 0 and ov * 2 >= shorter:
                    pairs.append((ov, i, j))
        used_p: set[int] = set()
        used_g: set[int] = set()
        match_of: dict[int, int] = {}
        for _, i, j in sorted(pairs, reverse=True):
            if i not in used_p and j not in used_g:
                used_p.add(i)
                used_g.add(j)
                match_of[i] = j
        for i, p in enumerate(ps):
            matched = match_of.get(i)
            right: bool
            if matched is None:
                right = False
            else:
                label = lab[matched]
                if not golds[matched]["source"] or label is None or label["kind"] == "unknown":
                    continue  # not scorable, as in score_speakers.py
                if label["canonical"] is None:
                    continue
                right = bool(scorer.right_speaker(p.get("speaker"), label, surnames))
            if "rule" not in p:
                sys.exit("predictions carry no 'rule': is this the current extractor?")
            found.append((doc, p["rule"], p.get("confidence"), right))
    return found


def _levels(rule: str) -> list[str]:
    """A rule and the broader groups it backs off to: type + resolution, then resolution."""
    kind, rest = rule.split("_", 1)
    resolution = rest.rsplit(":", 1)[1]
    return [rule, f"{kind}:{resolution}", f":{resolution}"]


def fit(rows: Iterable[Outcome]) -> dict:
    """Each rule's share of right predictions, shrunk towards its group's share.

    Groups nest (rule → type and resolution → resolution → everything), each shrunk towards the
    next by PRIOR_WEIGHT pseudo-observations, so a rule seen a few times takes most of its
    figure from quotes resolved the same way. Every rule the extractor can produce gets a figure.
    """
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _, rule, _, is_right in rows:
        for group in _levels(rule):
            counts[group][0] += is_right
            counts[group][1] += 1
    total = sum(counts[g][1] for g in counts if g.startswith(":"))
    overall = sum(counts[g][0] for g in counts if g.startswith(":")) / total if total else 0.5

    def shrunk(groups: list[str]) -> float:
        prior = overall
        for group in reversed(groups):
            right, seen = counts.get(group, (0, 0))
            prior = (right + PRIOR_WEIGHT * prior) / (seen + PRIOR_WEIGHT)
        return prior

    unknown = {group for group in counts if "_" in group} - set(all_rules())
    if unknown:
        sys.exit(f"rules missing from indexer/extract/rules.py: {sorted(unknown)}")
    rules = {}
    for rule in all_rules():
        right, seen = counts.get(rule, (0, 0))
        rules[rule] = {"confidence": round(shrunk(_levels(rule)), 3), "right": right, "of": seen}
    return {"rules": rules}


def ece(pairs: list[tuple[float, bool]]) -> float:
    """Expected calibration error over equal-width bins, weighted by bin size."""
    bins: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for conf, right in pairs:
        bins[min(int(conf * BINS), BINS - 1)].append((conf, right))
    n = len(pairs)
    return sum(
        len(b) / n * abs(sum(c for c, _ in b) / len(b) - sum(r for _, r in b) / len(b))
        for b in bins.values()
    )


def out_of_fold(rows: list[Outcome], folds: int, seed: int) -> list[tuple[float, bool]]:
    """Confidence for each prediction from a table fitted without its article's fold.

    Articles are shuffled (seeded) before they are dealt into folds: in name order a fold would
    hold one outlet's articles, and the figure would measure the outlets, not the fit.
    """
    docs = sorted({doc for doc, *_ in rows})
    random.Random(seed).shuffle(docs)
    fold_of = {doc: k % folds for k, doc in enumerate(docs)}
    scored: list[tuple[float, bool]] = []
    for k in range(folds):
        table = fit(row for row in rows if fold_of[row[0]] != k)
        scored += [
            (table["rules"][rule]["confidence"], right)
            for doc, rule, _, right in rows
            if fold_of[doc] == k
        ]
    return scored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("splits", nargs="*", type=Path, default=DEFAULT_SPLITS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=8, help="shuffled fold splits to average")
    parser.add_argument("--check", action="store_true", help="report only, write nothing")
    args = parser.parse_args()
    splits = [split for split in args.splits if (split / "speakers").is_dir()]
    if not splits:
        sys.exit("no SPLIT_DIR/speakers found: calibration needs hand speaker labels")

    by_split: dict[str, list[Outcome]] = {}
    for split in splits:
        predictions = extract(split)
        try:
            by_split[split.name] = outcomes(split, predictions)
        finally:
            predictions.unlink()
    rows = [row for split_rows in by_split.values() for row in split_rows]
    right = sum(r for *_, r in rows)
    print(f"{len(rows)} scored predictions, {right} right ({right / len(rows):.3f})")
    raw = [(c, r) for _, _, c, r in rows if c is not None]
    if len(raw) == len(rows):
        print(f"ECE of the extractor's current confidences: {ece(raw):.3f}")
    eces = [ece(out_of_fold(rows, args.folds, seed)) for seed in range(args.repeats)]
    print(
        f"ECE out of fold ({args.folds} folds by article, mean of {args.repeats} shuffles):"
        f" {sum(eces) / len(eces):.3f} (range {min(eces):.3f}-{max(eces):.3f})"
    )
    for name, held_out in by_split.items():
        others = [
            row for other, split_rows in by_split.items() if other != name for row in split_rows
        ]
        if others:
            table = fit(others)
            scored = [(table["rules"][rule]["confidence"], r) for _, rule, _, r in held_out]
            print(f"ECE on {name} with a table fitted on the other splits: {ece(scored):.3f}")

    table = fit(rows)
    table["fitted_on"] = ", ".join(
        f"{name}: {len({d for d, *_ in split_rows})} articles"
        for name, split_rows in by_split.items()
    )
    in_sample = [(table["rules"][rule]["confidence"], right) for _, rule, _, right in rows]
    print(f"in-sample ECE of the fitted table: {ece(in_sample):.3f}")
    for rule, entry in table["rules"].items():
        if not entry["of"]:
            continue
        print(f"  {rule:32} {entry['confidence']:.3f}  ({entry['right']}/{entry['of']})")
    if not args.check:
        args.out.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
