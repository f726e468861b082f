"""Readers' flags: a report that a quote is wrong, from anyone, and the editors' queue of them
(closed when an editor corrects the quote)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session, sessionmaker

from db.corrections import repository
from db.corrections.service import CorrectionError
from db.models import Quote
from db.session import transaction


class FlagReason(StrEnum):
    wrong_speaker = "wrong_speaker"
    not_a_quote = "not_a_quote"
    wrong_words = "wrong_words"
    wrong_date = "wrong_date"
    other = "other"


@dataclass
class FlaggedQuote:
    quote_id: int
    count: int
    reasons: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    last_at: datetime | None = None


@dataclass
class FlagQueue:
    open: int
    quotes: list[FlaggedQuote]


def flag_quote(
    factory: sessionmaker[Session], quote_id: int, reason: FlagReason, note: str | None
) -> int:
    """A reader's report on a quote; the flag's id."""
    with transaction(factory) as session:
        if session.get(Quote, quote_id) is None:
            raise CorrectionError(f"no quote {quote_id}", missing=True)
        note = (note or "").strip() or None
        return repository.add_flag(session, quote_id, reason, note).id


def flag_queue(session: Session, limit: int = 100) -> FlagQueue:
    """The open flags grouped by quote, most flagged first, with counts per reason."""
    grouped: dict[int, FlaggedQuote] = {}
    for flag in repository.open_flags(session, limit):
        item = grouped.setdefault(flag.quote_id, FlaggedQuote(flag.quote_id, 0))
        item.count += 1
        item.reasons[flag.reason] = item.reasons.get(flag.reason, 0) + 1
        if flag.note:
            item.notes.append(flag.note)
        item.last_at = max(filter(None, [item.last_at, flag.created_at]))
    return FlagQueue(repository.count_open_flags(session), list(grouped.values()))
