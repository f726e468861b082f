"""Quality floor on the PolNeAR dev split, scored by ../shared/eval/score_polnear.py.

The floors sit just under the figures measured when they were set (see README); a change
that lowers extraction quality fails here.
"""

from __future__ import annotations

import importlib.util
import json

from indexer.extract import extract_quotes
from indexer.sources import read_articles
from tests.conftest import shared_path

DIRECT_F1_FLOOR = 0.81
ALL_F1_FLOOR = 0.58


def test_dev_split_scores_stay_above_the_floor(tmp_path) -> None:
    dev = shared_path("polnear", "dev")
    scorer_path = shared_path("eval", "score_polnear.py")
    spec = importlib.util.spec_from_file_location("score_polnear", scorer_path)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)

    predictions = tmp_path / "dev.jsonl"
    with predictions.open("w", encoding="utf-8") as out:
        for item in read_articles([str(dev / "text")]):
            for quote in extract_quotes(item.article.text):
                record = quote.as_eval_record(item.doc)
                for key in ("start", "end", "speaker_start", "speaker_end"):
                    if record[key] is not None:
                        record[key] += item.offset
                out.write(json.dumps(record) + "\n")
    gold = scorer.load_gold(dev)
    preds = scorer.load_preds(predictions)
    direct = scorer.score(gold, preds, True)
    everything = scorer.score(gold, preds, False)
    assert direct["f1"] >= DIRECT_F1_FLOOR, direct
    assert everything["f1"] >= ALL_F1_FLOOR, everything
