"""Did X say Y? The verification endpoint and its page (read scope, limited like search)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api import errors
from api.deps import SearcherDep
from api.editors import OptionalEditor, public_page
from api.errors import APIError
from api.routes.search import quote_urls
from api.schemas import VerifyResult
from api.security import limit_search
from api.services.verify import (
    DEFAULT_MATCHES,
    MAX_CLAIM,
    MAX_MATCHES,
    MAX_SPEAKER,
    marked,
    verify,
)
from api.web import long_date
from db.search_index import AsyncSearcher

router = APIRouter(tags=["verify"], responses=errors.responses(400, 401, 422, 429, 503))

Limited = Annotated[None, Depends(limit_search)]
Speaker = Annotated[
    str, Query(max_length=MAX_SPEAKER, description="Who the claim says said it (optional).")
]
NO_WORDS = "The claim has no words to verify."


async def _verify(
    request: Request, searcher: AsyncSearcher, quote: str, speaker: str, limit: int
) -> VerifyResult:
    try:
        return await verify(searcher, quote, speaker.strip() or None, limit, quote_urls(request))
    except ValueError as exc:
        raise APIError(400, NO_WORDS) from exc


@router.get("/v1/verify", response_model=VerifyResult)
async def verify_quote(
    request: Request,
    searcher: SearcherDep,
    _limited: Limited,
    quote: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_CLAIM,
            description="The claimed words; '…' or '...' marks words left out.",
        ),
    ],
    speaker: Speaker = "",
    limit: Annotated[int, Query(ge=1, le=MAX_MATCHES)] = DEFAULT_MATCHES,
) -> VerifyResult:
    """Was this said, in these words, by this speaker? verbatim, altered (the diff says which
    words), misattributed (`said_by` says who said them), paraphrase or not_found (with the
    closest quotes). Paraphrases need an embedder: `paraphrase_checked` is false without one."""
    return await _verify(request, searcher, quote, speaker, limit)


@router.get("/verify", response_class=HTMLResponse, include_in_schema=False)
async def verify_page(
    request: Request,
    searcher: SearcherDep,
    _limited: Limited,
    editor: OptionalEditor,
    quote: Annotated[str, Query(max_length=MAX_CLAIM)] = "",
    speaker: Speaker = "",
) -> Response:
    """The form, and with a claim its verdict; the address holds the claim (a permalink)."""
    result = None
    if quote.strip():
        result = await _verify(request, searcher, quote, speaker, DEFAULT_MATCHES)
    context = {
        "claim": quote,
        "speaker": speaker,
        "result": result,
        "marked": marked,
        "long_date": long_date,
    }
    return public_page(request, "verify.html", context, editor)
