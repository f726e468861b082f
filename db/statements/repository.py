"""Statement reads for the API and pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import QuoteStatement, Statement


def statement_of(session: Session, quote_id: int) -> Statement | None:
    """The statement a quote belongs to; None until the drain has grouped it."""
    return session.scalar(
        select(Statement)
        .join(QuoteStatement, QuoteStatement.statement_id == Statement.id)
        .where(QuoteStatement.quote_id == quote_id)
    )
