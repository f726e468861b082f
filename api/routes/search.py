"""Search over the index: JSON for clients, CSV for spreadsheets; the same parameters."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.deps import IndexDep
from api.schemas import SearchResult
from api.search import SearchQueryDep, csv_lines, run_search

router = APIRouter(tags=["search"])


@router.get("/v1/search", response_model=SearchResult)
def search(index: IndexDep, query: SearchQueryDep) -> SearchResult:
    """Full-text and faceted quote search. Different filters AND, repeated values OR."""
    return run_search(index, query)


@router.get(
    "/v1/search.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The matching quotes as CSV."}},
)
def search_csv(index: IndexDep, query: SearchQueryDep) -> StreamingResponse:
    """The same search as CSV, every matching quote (up to 10,000), page parameters ignored."""
    return StreamingResponse(
        csv_lines(index, query),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="onrecord-quotes.csv"'},
    )
