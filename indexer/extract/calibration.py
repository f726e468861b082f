"""Calibrated confidence: a quote's confidence is the share of right speakers its rule had on
hand-labelled articles, fitted by `scripts/calibrate.py` into `calibration.json` (refit it
whenever the rules or their output change)."""

from __future__ import annotations

import json
from importlib.resources import files


def _load() -> dict[str, float]:
    table = json.loads(files(__package__).joinpath("calibration.json").read_text("utf-8"))
    return {rule: entry["confidence"] for rule, entry in table["rules"].items()}


CONFIDENCE: dict[str, float] = _load()


def confidence_of(rule: str) -> float:
    """The calibrated confidence of a rule (every name of `rules.all_rules()` has one)."""
    return CONFIDENCE[rule]
