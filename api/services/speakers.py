"""A speaker with what is known about them: quote count, aliases and their latest quotes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.schemas import QuoteOut, SpeakerDetail, SpeakerSummary
from db.articles import repository as article_repo
from db.models import Speaker
from db.speakers import repository as speaker_repo

TIMELINE_LENGTH = 200


def speaker_detail(session: Session, speaker_id: int) -> SpeakerDetail | None:
    """The API's view of a speaker: summary, count and most recent quotes; None if unknown."""
    speaker = speaker_repo.get_speaker(session, speaker_id)
    if speaker is None:
        return None
    summary = SpeakerSummary.of(speaker, speaker_repo.count_speaker_quotes(session, speaker_id))
    recent = article_repo.recent_quotes_of_speaker(session, speaker_id)
    return SpeakerDetail(**summary.model_dump(), recent_quotes=[QuoteOut.of(q) for q in recent])


@dataclass
class SpeakerProfile:
    """What the speaker page shows besides a search: fully loaded, so it renders anywhere."""

    speaker: Speaker
    quote_count: int
    timeline: list[QuoteOut]


def speaker_profile(session: Session, slug: str) -> SpeakerProfile | None:
    """The speaker page's data for `slug`; None if no speaker has it."""
    speaker = speaker_repo.get_speaker_by_slug(session, slug)
    if speaker is None:
        return None
    recent = article_repo.recent_quotes_of_speaker(session, speaker.id, TIMELINE_LENGTH)
    return SpeakerProfile(
        speaker=speaker,
        quote_count=speaker_repo.count_speaker_quotes(session, speaker.id),
        timeline=[QuoteOut.of(q) for q in recent],
    )
