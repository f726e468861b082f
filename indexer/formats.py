"""Input formats, apart from the readers so the command line can name them without loading them."""

from __future__ import annotations

from enum import StrEnum


class SourceFormat(StrEnum):
    """How an input is read: given by `--format`, else by the file's extension; never guessed."""

    jsonl = "jsonl"
    txt = "txt"
    html = "html"
