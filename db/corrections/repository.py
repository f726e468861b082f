"""Correction and flag SQL: the audit rows, the quotes they touched, the flag queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from db.models import Correction, CorrectionQuote, Quote, QuoteFlag


def get_correction(session: Session, correction_id: int) -> Correction | None:
    return session.scalar(
        select(Correction)
        .where(Correction.id == correction_id)
        .options(selectinload(Correction.quotes))
    )


def list_corrections(
    session: Session,
    quote_id: int | None = None,
    speaker_id: int | None = None,
    active_only: bool = False,
    limit: int = 100,
) -> list[Correction]:
    """Newest first; for a quote, by its current id; for a speaker, those that named it."""
    stmt = select(Correction).options(selectinload(Correction.quotes))
    if quote_id is not None:
        touched = select(CorrectionQuote.correction_id).where(CorrectionQuote.quote_id == quote_id)
        stmt = stmt.where(or_(Correction.quote_id == quote_id, Correction.id.in_(touched)))
    if speaker_id is not None:
        stmt = stmt.where(
            or_(
                Correction.speaker_id == speaker_id,
                Correction.after["speaker_id"].as_integer() == speaker_id,
                Correction.before["speaker_id"].as_integer() == speaker_id,
            )
        )
    if active_only:
        stmt = stmt.where(Correction.reverted_at.is_(None))
    return list(session.scalars(stmt.order_by(Correction.id.desc()).limit(limit)))


def merge_correction(session: Session, merge_id: int) -> Correction | None:
    """The audited, not reverted correction that made this merge (only merges name one)."""
    return session.scalar(
        select(Correction).where(
            Correction.after["merge_id"].as_integer() == merge_id,
            Correction.reverted_at.is_(None),
        )
    )


def active_on_articles(session: Session, article_ids: Sequence[int]) -> list[Correction]:
    """Corrections not reverted that touched quotes of these articles, oldest first."""
    touched = select(CorrectionQuote.correction_id).where(
        CorrectionQuote.article_id.in_(article_ids)
    )
    return list(
        session.scalars(
            select(Correction)
            .where(Correction.id.in_(touched), Correction.reverted_at.is_(None))
            .options(selectinload(Correction.quotes))
            .order_by(Correction.id)
        )
    )


def quotes_of_article(session: Session, article_id: int) -> list[Quote]:
    return list(session.scalars(select(Quote).where(Quote.article_id == article_id)))


# --- flags ----------------------------------------------------------------------------------


def add_flag(session: Session, quote_id: int, reason: str, note: str | None) -> QuoteFlag:
    flag = QuoteFlag(quote_id=quote_id, reason=reason, note=note)
    session.add(flag)
    session.flush()
    return flag


def resolve_flags(session: Session, quote_ids: Sequence[int], at: datetime) -> None:
    """Close the open flags of quotes an editor has corrected."""
    if quote_ids:
        session.execute(
            update(QuoteFlag)
            .where(QuoteFlag.quote_id.in_(quote_ids), QuoteFlag.resolved_at.is_(None))
            .values(resolved_at=at)
        )


def open_flags(session: Session, limit: int) -> list[QuoteFlag]:
    """Open flags of the most flagged quotes first (then the most recently flagged)."""
    counts = (
        select(QuoteFlag.quote_id, func.count().label("n"), func.max(QuoteFlag.id).label("last"))
        .where(QuoteFlag.resolved_at.is_(None))
        .group_by(QuoteFlag.quote_id)
        .order_by(func.count().desc(), func.max(QuoteFlag.id).desc())
        .limit(limit)
        .subquery()
    )
    return list(
        session.scalars(
            select(QuoteFlag)
            .join(counts, counts.c.quote_id == QuoteFlag.quote_id)
            .where(QuoteFlag.resolved_at.is_(None))
            .order_by(counts.c.n.desc(), counts.c.last.desc(), QuoteFlag.id)
        )
    )


def count_open_flags(session: Session) -> int:
    return (
        session.scalar(select(func.count(QuoteFlag.id)).where(QuoteFlag.resolved_at.is_(None))) or 0
    )
