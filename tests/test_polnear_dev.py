"""Quality floor on the PolNeAR dev split, scored by ../shared/eval/score_polnear.py (lenient:
the mention next to the cue) and score_speakers.py (strict: the canonical speaker against hand
labels of who really said it).

The floors sit just under the figures measured when they were set (see README); a change
that lowers extraction quality fails here.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from indexer.extract import extract_quotes
from indexer.sources import read_articles
from tests.conftest import shared_path

DIRECT_F1_FLOOR = 0.87
ALL_F1_FLOOR = 0.675
STRICT_DIRECT_F1_FLOOR = 0.86
STRICT_DIRECT_SPEAKER_ACCURACY_FLOOR = 0.94
STRICT_ALL_F1_FLOOR = 0.65


def _load(name: str) -> ModuleType:
    path = shared_path("eval", f"{name}.py")
    sys.path.insert(0, str(Path(path).parent))  # score_speakers imports score_polnear
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.pop(0)
    return module


@pytest.fixture(scope="module")
def dev_predictions(tmp_path_factory) -> tuple[Path, Path]:
    dev = shared_path("polnear", "dev")
    predictions = tmp_path_factory.mktemp("dev") / "dev.jsonl"
    with predictions.open("w", encoding="utf-8") as out:
        for item in read_articles([str(dev / "text")]):
            for quote in extract_quotes(item.article.text, item.article.published_at):
                record = quote.as_eval_record(item.doc)
                for key in ("start", "end", "speaker_start", "speaker_end"):
                    if record[key] is not None:
                        record[key] += item.offset
                out.write(json.dumps(record) + "\n")
    return dev, predictions


def test_dev_split_scores_stay_above_the_floor(dev_predictions) -> None:
    dev, predictions = dev_predictions
    scorer = _load("score_polnear")
    gold = scorer.load_gold(dev)
    preds = scorer.load_preds(predictions)
    direct = scorer.score(gold, preds, True)
    everything = scorer.score(gold, preds, False)
    assert direct["f1"] >= DIRECT_F1_FLOOR, direct
    assert everything["f1"] >= ALL_F1_FLOOR, everything


def test_dev_split_strict_speaker_scores_stay_above_the_floor(dev_predictions) -> None:
    dev, predictions = dev_predictions
    scorer = _load("score_speakers")
    labels = scorer.load_labels(dev / "speakers")
    if not labels:
        pytest.skip("no speaker labels in the dev split")
    labelled = {doc for doc, _ in labels}
    gold = {doc: g for doc, g in scorer.load_gold(dev).items() if doc in labelled}
    preds = scorer.load_preds(predictions)
    direct = scorer.score(gold, labels, preds, True)
    everything = scorer.score(gold, labels, preds, False)
    assert direct["f1"] >= STRICT_DIRECT_F1_FLOOR, direct
    assert direct["speaker_accuracy"] >= STRICT_DIRECT_SPEAKER_ACCURACY_FLOOR, direct
    assert everything["f1"] >= STRICT_ALL_F1_FLOOR, everything
