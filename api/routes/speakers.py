"""Speakers: who is quoted, how often, and their latest quotes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from api import errors
from api.deps import RowId, SessionDep
from api.errors import APIError
from api.pagination import link_header
from api.schemas import SpeakerDetail, SpeakerSummary
from api.services.speakers import speaker_detail
from db.speakers import repository as speaker_repo

router = APIRouter(tags=["speakers"], responses=errors.responses(422, 503))


@router.get("/v1/speakers", response_model=list[SpeakerSummary])
def list_speakers(
    request: Request,
    response: Response,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="Part of a name or alias.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Speakers to skip.")] = 0,
) -> list[SpeakerSummary]:
    """Speakers with their quote counts, most quoted first; `Link` gives next and prev."""
    found = speaker_repo.search_speakers(session, q, limit + 1, offset)
    links = {}
    if len(found) > limit:
        links["next"] = str(request.url.include_query_params(offset=offset + limit))
    if offset:
        links["prev"] = str(request.url.include_query_params(offset=max(0, offset - limit)))
    if links:
        response.headers["Link"] = link_header(links)
    return [SpeakerSummary.of(s, n) for s, n in found[:limit]]


@router.get(
    "/v1/speakers/{speaker_id}",
    response_model=SpeakerDetail,
    responses={**errors.responses(404), 308: {"description": "Merged into another speaker."}},
)
def get_speaker(
    speaker_id: RowId, request: Request, session: SessionDep
) -> SpeakerDetail | RedirectResponse:
    """A speaker; the id of one merged into another redirects (308) to the kept record, so
    saved API links keep working after a merge."""
    detail = speaker_detail(session, speaker_id)
    if detail is not None:
        return detail
    kept = speaker_repo.find_merged(session, str(speaker_id))
    if kept is None:
        raise APIError(404, f"no speaker {speaker_id}")
    return RedirectResponse(request.url_for("get_speaker", speaker_id=kept.id).path, 308)
