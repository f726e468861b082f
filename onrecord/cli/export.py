"""`onrecord export`: every stored quote, streamed, in a scorer's format."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from onrecord.cli.common import fail, open_stores


def export_command(
    format_: Annotated[
        str, typer.Option("--format", help="eval: one JSON line per quote, as the scorers read.")
    ] = "eval",
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Every stored quote with its speaker record (`speaker_id`), offsets into its source
    file, for `../shared/eval/score_speakers.py` (B-cubed of records against people)."""
    from db.speakers.export import eval_records

    if format_ != "eval":
        raise fail("--format must be eval")
    stores = open_stores()
    target = out_path.open("w", encoding="utf-8") if out_path else nullcontext(sys.stdout)
    with target as handle, stores.factory() as session:
        for record in eval_records(session):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
