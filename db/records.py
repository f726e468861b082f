"""Plain types that cross into the storage layer: an article to store and the quotes found in it."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Attributions below this confidence are stored and searchable but marked as uncertain: the
# extractor's confidences are calibrated (scripts/calibrate.py), so below 0.5 a quote's speaker
# is more likely wrong than right.
LOW_CONFIDENCE = 0.5

# Publication dates outside these bounds are mistakes (a zero time, a swapped field), and days
# said are computed back from them.
EARLIEST_PUBLISHED = date(1800, 1, 1)
FUTURE_DAYS_ALLOWED = 3  # time zones and embargoed stories

# Private-use characters that mark highlights in Meilisearch results; stripped from input so
# article text can never forge a highlight.
HIGHLIGHT_PRE = "\ue000"
HIGHLIGHT_POST = "\ue001"


def clean_text(value: str) -> str:
    """Blank out characters that have no place in article text (control characters, carriage
    returns, the highlight markers). Length-preserving, so quote offsets stay file offsets."""
    return "".join(
        ch
        if ch in "\n\t" or (ch >= " " and ch not in (HIGHLIGHT_PRE, HIGHLIGHT_POST, "\x7f"))
        else " "
        for ch in value
    )


def http_url(value: str | None) -> str | None:
    """`value` if it is an absolute http(s) URL with a host and nothing a browser would strip
    or reinterpret (whitespace, control characters), else None: the only links we store or
    render, so `javascript:`, `data:` and `java\tscript:` never become one."""
    if not value or any(ch <= " " or ch == "\x7f" for ch in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return value


# Meilisearch (1.21) filters on a string only if its normalised form fits in an index key:
# 500 bytes less 32 (MAX_FACET_VALUE_LENGTH in milli). Longer values are stored but never
# match a filter, so they are refused where they come in.
MAX_FILTER_VALUE_BYTES = 468


def filterable(value: str) -> bool:
    """Whether a filter on this value can match: measured after lower-casing and Unicode
    decomposition (é counts as e + accent, as the index normalises it), which is the longest
    form the index may give it."""
    normalised = unicodedata.normalize("NFKD", value.lower())
    return len(normalised.encode()) <= MAX_FILTER_VALUE_BYTES


class ArticleIn(BaseModel):
    """An article as fed in: one `.jsonl` line, a `POST /v1/articles` body, or a parsed file."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=1000)
    text: str = Field(min_length=1)
    url: str | None = Field(default=None, max_length=2000)
    outlet: str | None = Field(default=None, max_length=200)
    author: str | None = Field(default=None, max_length=300)
    published_at: date | None = None
    # Where it was read from: a file's stem (the document name `onrecord extract` uses) and
    # where `text` starts in that file's text; what `onrecord export --format eval` reports.
    source: str | None = Field(default=None, max_length=500)
    source_offset: int | None = Field(default=None, ge=0, le=2**31 - 1)  # an INTEGER column

    @field_validator("title", mode="before")
    @classmethod
    def _clean_title(cls, value: object) -> object:
        return " ".join(clean_text(value).split()) if isinstance(value, str) else value

    @field_validator("text", mode="before")
    @classmethod
    def _clean_text(cls, value: object) -> object:
        if isinstance(value, str):
            value = clean_text(value)
            if not value.strip():
                raise ValueError("article text is empty")
        return value

    @field_validator("url", mode="before")
    @classmethod
    def _http_url(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if value and http_url(value) is None:
                raise ValueError("url must be an absolute http:// or https:// address")
            return value or None
        return value

    @field_validator("outlet", "author", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            value = " ".join(clean_text(value).split())
            return value or None
        return value

    @field_validator("outlet")
    @classmethod
    def _outlet_filterable(cls, value: str | None) -> str | None:
        if value is not None and not filterable(value):
            raise ValueError(
                f"outlet is too long to search by (at most {MAX_FILTER_VALUE_BYTES} bytes)"
            )
        return value

    @field_validator("published_at", mode="before")
    @classmethod
    def _date_from_timestamp(cls, value: object) -> object:
        if isinstance(value, str) and len(value) > 10:
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
            except ValueError:
                return value
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("published_at")
    @classmethod
    def _plausible_date(cls, value: date | None) -> date | None:
        latest = date.today() + timedelta(days=FUTURE_DAYS_ALLOWED)
        if value is not None and not EARLIEST_PUBLISHED <= value <= latest:
            raise ValueError(
                f"{value.isoformat()} is not a plausible publication date: it must lie between "
                f"{EARLIEST_PUBLISHED.isoformat()} and {FUTURE_DAYS_ALLOWED} days from today"
            )
        return value

    def content_hash(self) -> str:
        """Same title and text, same article: re-ingesting it changes nothing."""
        digest = hashlib.sha256()
        digest.update(self.title.encode())
        digest.update(b"\0")
        digest.update(self.text.encode())
        return digest.hexdigest()


class QuoteDraft(Protocol):
    """What the storage layer needs of an extracted quote (offsets are into the article text).

    `text` is the exact source span; `cited` the words as a journalist cites them; `parts` the
    offsets of each quoted part inside its marks (reported speech: its content); `rule` the
    '<type>_<pattern>:<resolution>' the attribution rests on.

    `type` and `speaker_kind` are `QuoteType` and `SpeakerKind` values (the enums, or their
    strings); storage turns them into the enums, refusing anything else.
    """

    @property
    def text(self) -> str: ...
    @property
    def cited(self) -> str: ...
    @property
    def parts(self) -> Sequence[tuple[int, int]]: ...
    @property
    def rule(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def speaker(self) -> str | None: ...
    @property
    def speaker_kind(self) -> str | None: ...
    @property
    def speaker_aliases(self) -> tuple[str, ...]: ...
    @property
    def speaker_description(self) -> str | None: ...
    @property
    def mention(self) -> str | None: ...
    @property
    def mention_start(self) -> int | None: ...
    @property
    def mention_end(self) -> int | None: ...
    @property
    def cue(self) -> str | None: ...
    @property
    def context(self) -> str: ...
    @property
    def said_on(self) -> date | None: ...
    @property
    def confidence(self) -> float: ...


# Article text and publication date in, quotes out: what the write paths are given.
Extractor = Callable[[str, date | None], Sequence[QuoteDraft]]
