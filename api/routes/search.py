from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import IndexDep
from api.errors import APIError
from api.schemas import SearchResult
from api.search import run_search
from db.search_index import SearchQuery

router = APIRouter(tags=["search"])

MAX_Q = 500
MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 10_000
MAX_FILTER_VALUES = 20


@router.get("/v1/search", response_model=SearchResult)
def search(
    index: IndexDep,
    q: Annotated[str, Query(max_length=MAX_Q, description="Words to find.")] = "",
    speaker: Annotated[list[str], Query(description="Speaker name; repeat for OR.")] = [],  # noqa: B006
    outlet: Annotated[list[str], Query(description="Outlet; repeat for OR.")] = [],  # noqa: B006
    type_: Annotated[
        list[Literal["direct", "mixed", "indirect"]],
        Query(alias="type", description="Quote type; repeat for OR."),
    ] = [],  # noqa: B006
    year: Annotated[list[int], Query(description="Year said; repeat for OR.")] = [],  # noqa: B006
    date_from: Annotated[date | None, Query(alias="from", description="Said on or after.")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="Said on or before.")] = None,
    sort: Annotated[
        Literal["relevance", "date", "-date"] | None,
        Query(description="relevance (default with q), date, -date (newest first)"),
    ] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
) -> SearchResult:
    """Full-text and faceted quote search. Different filters AND, repeated values OR."""
    for name, values in (("speaker", speaker), ("outlet", outlet), ("year", year)):
        if len(values) > MAX_FILTER_VALUES:
            raise APIError(400, f"at most {MAX_FILTER_VALUES} {name} values")
    if page * per_page > MAX_RESULT_WINDOW:
        raise APIError(
            400,
            f"results beyond the first {MAX_RESULT_WINDOW} cannot be paged to; "
            "narrow the search with filters",
        )
    if date_from and date_to and date_from > date_to:
        raise APIError(400, "`from` is after `to`")
    query = SearchQuery(
        q=q.strip(),
        speakers=speaker,
        outlets=outlet,
        types=type_,
        years=year,
        date_from=date_from,
        date_to=date_to,
        sort=None if sort == "relevance" and not q.strip() else sort,
        page=page,
        per_page=per_page,
    )
    if sort == "relevance":
        query.sort = "relevance"
    return run_search(index, query)
