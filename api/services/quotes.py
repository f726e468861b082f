"""Quotes as the API and pages show them: with their statement (db/statements)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.schemas import QuoteOut, StatementRef
from db.models import Quote
from db.statements.repository import statements_of


def quotes_out(session: Session, quotes: list[Quote]) -> list[QuoteOut]:
    """Each quote with its statement, looked up for all of them at once."""
    statements = statements_of(session, [quote.id for quote in quotes])
    shown = []
    for quote in quotes:
        out = QuoteOut.of(quote)
        statement = statements.get(quote.id)
        out.statement = StatementRef.of(statement) if statement else None
        shown.append(out)
    return shown


def quote_out(session: Session, quote: Quote) -> QuoteOut:
    """One quote with its statement."""
    [out] = quotes_out(session, [quote])
    return out
