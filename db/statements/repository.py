"""Statement reads for the API and pages."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import BigInteger, any_, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from db.models import QuoteStatement, Statement


def statements_of(session: Session, quote_ids: Iterable[int]) -> dict[int, Statement]:
    """The statement of each of these quotes that the drain has grouped, by quote id, in one
    query (a speaker's timeline asks for 200)."""
    ids = list(quote_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(QuoteStatement.quote_id, Statement)
        .join(Statement, Statement.id == QuoteStatement.statement_id)
        .where(QuoteStatement.quote_id == any_(literal(ids, ARRAY(BigInteger))))
    )
    return {quote_id: statement for quote_id, statement in rows}
