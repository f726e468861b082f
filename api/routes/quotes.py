"""One quote by id."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from api import errors
from api.deps import RowId, SessionDep
from api.errors import APIError
from api.headers import cached
from api.schemas import QuoteOut
from api.services.quotes import quote_out
from db.articles import repository as article_repo

router = APIRouter(tags=["quotes"], responses=errors.responses(404, 422, 503))

QUOTE_MAX_AGE = 300  # a quote can change (an edited article, a merged speaker): revalidate


@router.get("/v1/quotes/{quote_id}", response_model=QuoteOut)
def get_quote(quote_id: RowId, request: Request, session: SessionDep) -> Response:
    """One quote with its mention, cue and offsets; `ETag` for conditional requests."""
    quote = article_repo.get_quote(session, quote_id)
    if quote is None:
        raise APIError(404, f"no quote {quote_id}")
    body = quote_out(session, quote).model_dump(mode="json")
    return cached(request, JSONResponse(body), QUOTE_MAX_AGE)
