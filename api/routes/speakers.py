"""Speakers: who is quoted, how often, and their latest quotes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import RowId, SessionDep
from api.errors import APIError
from api.schemas import SpeakerDetail, SpeakerSummary
from api.services.speakers import speaker_detail
from db.speakers import repository as speaker_repo

router = APIRouter(tags=["speakers"])


@router.get("/v1/speakers", response_model=list[SpeakerSummary])
def list_speakers(
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="Part of a name or alias.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SpeakerSummary]:
    """Speakers with their quote counts, most quoted first."""
    return [SpeakerSummary.of(s, n) for s, n in speaker_repo.search_speakers(session, q, limit)]


@router.get("/v1/speakers/{speaker_id}", response_model=SpeakerDetail)
def get_speaker(speaker_id: RowId, session: SessionDep) -> SpeakerDetail:
    detail = speaker_detail(session, speaker_id)
    if detail is None:
        raise APIError(404, f"no speaker {speaker_id}")
    return detail
