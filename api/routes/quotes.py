"""One quote by id."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import RowId, SessionDep
from api.errors import APIError
from api.schemas import QuoteOut
from db.articles import repository as article_repo

router = APIRouter(tags=["quotes"])


@router.get("/v1/quotes/{quote_id}", response_model=QuoteOut)
def get_quote(quote_id: RowId, session: SessionDep) -> QuoteOut:
    quote = article_repo.get_quote(session, quote_id)
    if quote is None:
        raise APIError(404, f"no quote {quote_id}")
    return QuoteOut.of(quote)
