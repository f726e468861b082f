"""A speaker with what is known about them: quote count, aliases and their latest quotes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.schemas import QuoteOut, SpeakerDetail, SpeakerSummary
from api.services.quotes import quotes_out
from db.articles import repository as article_repo
from db.models import Speaker
from db.speakers import repository as speaker_repo
from db.speakers.matching import keeps_first, might_be_same

TIMELINE_LENGTH = 200
ALSO_SEE_LENGTH = 10


def speaker_detail(session: Session, speaker_id: int) -> SpeakerDetail | None:
    """The API's view of a speaker: summary, count and most recent quotes; None if unknown."""
    speaker = speaker_repo.get_speaker(session, speaker_id)
    if speaker is None:
        return None
    summary = SpeakerSummary.of(speaker, speaker_repo.count_speaker_quotes(session, speaker_id))
    recent = article_repo.recent_quotes_of_speaker(session, speaker_id)
    return SpeakerDetail(**summary.model_dump(), recent_quotes=quotes_out(session, recent))


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
        timeline=quotes_out(session, recent),
    )


@dataclass
class AlsoSee:
    """A record that might be the same person as the page's, and which one a merge keeps."""

    speaker: Speaker
    quote_count: int
    keeps_this: bool  # the page's record is the one kept when the two are merged


def also_see(session: Session, speaker: Speaker, quote_count: int) -> list[AlsoSee]:
    """The speaker page's "also see": the matcher's near misses, most alike first."""
    counts = {s.id: (s, n) for s, n in speaker_repo.possible_namesakes(session, speaker)}
    similar = might_be_same(speaker.name, speaker.gender, [s for s, _ in counts.values()])
    return [
        AlsoSee(s, counts[s.id][1], keeps_first(speaker.name, quote_count, s.name, counts[s.id][1]))
        for s in similar[:ALSO_SEE_LENGTH]
    ]
