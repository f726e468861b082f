"""Pure quote extraction: article text in, attributed quotes out. No database, no network."""

from __future__ import annotations

from datetime import date

from indexer.extract.model import ExtractedQuote
from indexer.extract.quotes import extract


def extract_quotes(text: str, published: date | None = None) -> list[ExtractedQuote]:
    """All attributed quotes of an article (direct, mixed, reported), in text order."""
    return extract(text, published)


__all__ = ["ExtractedQuote", "extract_quotes"]
