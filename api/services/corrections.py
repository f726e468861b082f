"""Editors' corrections and readers' flags for the routes: schemas in, schemas out."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from api.schemas import (
    CorrectionOut,
    FlaggedQuoteOut,
    FlagQueueOut,
    QuoteCorrectionAction,
    QuoteCorrectionIn,
    QuoteOut,
    SpeakerEditIn,
    SpeakerSplitIn,
)
from db.api_keys.service import Principal
from db.articles import repository as article_repo
from db.corrections import flags, repository
from db.corrections import service as corrections
from db.corrections.service import CorrectionResult, NewSpeaker, SpeakerTarget
from db.search_index import SearchIndex
from db.speakers import repository as speaker_repo
from db.vocabulary import SpeakerKind


def editor_of(principal: Principal) -> str:
    """How the audit names the editor: the key's name and public prefix."""
    return f"{principal.name} ({principal.prefix})"


def _target(speaker: str | None, new_speaker: str | None, kind: SpeakerKind) -> SpeakerTarget:
    return speaker if speaker is not None else NewSpeaker(new_speaker or "", kind)


def _out(result: CorrectionResult) -> CorrectionOut:
    return CorrectionOut.of(result.correction, result.sync.pending)


def correct_quote(
    factory: sessionmaker[Session],
    index: SearchIndex,
    quote_id: int,
    body: QuoteCorrectionIn,
    editor: str,
) -> CorrectionOut:
    if body.action == QuoteCorrectionAction.reassign:
        target = _target(body.speaker, body.new_speaker, body.speaker_kind)
        result = corrections.reassign_quote(factory, index, quote_id, target, body.reason, editor)
    elif body.action == QuoteCorrectionAction.reject:
        result = corrections.reject_quote(factory, index, quote_id, body.reason, editor)
    else:
        assert body.said_on is not None  # the schema requires it for redate
        result = corrections.redate_quote(
            factory, index, quote_id, body.said_on, body.reason, editor
        )
    return _out(result)


def edit_speaker(
    factory: sessionmaker[Session],
    index: SearchIndex,
    speaker_id: int,
    body: SpeakerEditIn,
    editor: str,
) -> CorrectionOut:
    result = corrections.edit_speaker(
        factory,
        index,
        str(speaker_id),
        body.reason,
        editor,
        name=body.name,
        aliases=body.aliases,
        description=body.description,
    )
    return _out(result)


def split_speaker(
    factory: sessionmaker[Session],
    index: SearchIndex,
    speaker_id: int,
    body: SpeakerSplitIn,
    editor: str,
) -> CorrectionOut:
    target = _target(body.speaker, body.new_speaker, body.speaker_kind)
    result = corrections.split_speaker(
        factory, index, str(speaker_id), body.quote_ids, target, body.reason, editor
    )
    return _out(result)


def merge_speakers(
    factory: sessionmaker[Session],
    index: SearchIndex,
    keep_id: int,
    other: str,
    reason: str,
    editor: str,
) -> CorrectionOut:
    return _out(corrections.merge_speakers(factory, index, str(keep_id), other, reason, editor))


def revert(
    factory: sessionmaker[Session], index: SearchIndex, correction_id: int, editor: str
) -> CorrectionOut:
    return _out(corrections.revert_correction(factory, index, correction_id, editor))


def list_corrections(
    session: Session, quote_id: int | None, speaker: str | None, limit: int
) -> list[CorrectionOut] | None:
    """Newest first; None when `speaker` names no record."""
    speaker_id = None
    if speaker is not None:
        found = speaker_repo.find_speaker(session, speaker)
        if found is None:
            return None
        speaker_id = found.id
    rows = repository.list_corrections(session, quote_id, speaker_id, limit=limit)
    return [CorrectionOut.of(c) for c in rows]


def flag_queue(session: Session, limit: int) -> FlagQueueOut:
    queue = flags.flag_queue(session, limit)
    items = []
    for item in queue.quotes:
        quote = article_repo.get_quote(session, item.quote_id)
        items.append(
            FlaggedQuoteOut(
                quote_id=item.quote_id,
                count=item.count,
                reasons=item.reasons,
                notes=item.notes,
                last_at=item.last_at,
                quote=QuoteOut.of(quote) if quote is not None else None,
            )
        )
    return FlagQueueOut(open=queue.open, quotes=items)


def active_notes(session: Session, quote_id: int | None = None, speaker_id: int | None = None):
    """The pages' "corrected by an editor on …" lines: (date, what), newest first."""
    rows = repository.list_corrections(session, quote_id, speaker_id, active_only=True, limit=20)
    return [(c.created_at.date(), corrections.describe(c)) for c in rows]
