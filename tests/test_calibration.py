"""Calibrated confidence: the shipped table covers every rule, a quote carries its rule's
figure, and a table fitted by scripts/calibrate.py is calibrated on articles it did not see."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.resources import files

from indexer.extract import extract_quotes
from indexer.extract.calibration import CONFIDENCE
from indexer.extract.rules import all_rules
from tests.conftest import REPO, shared_path

ECE_TARGET = 0.05


def test_the_shipped_table_covers_exactly_every_rule() -> None:
    table = json.loads(files("indexer.extract").joinpath("calibration.json").read_text("utf-8"))
    assert set(table["rules"]) == set(all_rules())
    assert table["fitted_on"]
    for rule, entry in table["rules"].items():
        assert 0.0 <= entry["confidence"] <= 1.0, rule
        assert 0 <= entry["right"] <= entry["of"], rule


def test_a_quote_carries_its_rules_figure() -> None:
    text = (
        "“The ferry will run all winter,” harbour chief Tove Lind said.\n"
        "She said the old timetable had been “a mess.”\n"
        "Some residents said that the timetable was too thin."
    )
    found = extract_quotes(text)
    assert len(found) == 3, [(q.text, q.rule) for q in found]
    for quote in found:
        assert quote.confidence == CONFIDENCE[quote.rule]
    assert len({q.rule for q in found}) == 3


def test_calibrate_check_reports_out_of_fold_ece_within_target() -> None:
    dev = shared_path("polnear", "dev", "speakers").parent
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "calibrate.py"), str(dev), "--check"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    match = re.search(r"ECE out of fold \(.*?\): (\d\.\d+)", done.stdout)
    assert match, done.stdout
    assert float(match.group(1)) <= ECE_TARGET, done.stdout
    current = re.search(r"ECE of the extractor's current confidences: (\d\.\d+)", done.stdout)
    assert current and float(current.group(1)) <= ECE_TARGET, done.stdout
