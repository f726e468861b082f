"""Search over the index: JSON for clients, CSV for spreadsheets; the same parameters."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.deps import SearcherDep
from api.schemas import SearchResult
from api.search_params import SearchParamsDep
from api.services.search import csv_lines, run_search

router = APIRouter(tags=["search"])


@router.get("/v1/search", response_model=SearchResult)
async def search(searcher: SearcherDep, params: SearchParamsDep) -> SearchResult:
    """Full-text and faceted quote search. Different filters AND, repeated values OR."""
    return await run_search(searcher, params.query())


@router.get(
    "/v1/search.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The matching quotes as CSV."}},
)
async def search_csv(searcher: SearcherDep, params: SearchParamsDep) -> StreamingResponse:
    """The same search as CSV, every matching quote (up to 10,000), page parameters ignored."""
    return StreamingResponse(
        csv_lines(searcher, params.query()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="onrecord-quotes.csv"'},
    )
