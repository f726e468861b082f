"""Editors' corrections: each one transaction with its outbox events, audited and reversible.

A quote correction (reassign, reject, redate, split) records the quotes it touched by
article, offsets and words; when an edited article is stored again its new quotes get new
ids, and `reapply_corrections` (called by the article writer in the same transaction) finds
each corrected quote again and applies the correction to it, so re-extraction never silently
undoes an editor. A rejected quote ("not a quote") leaves the `quote` table, so no search,
page or export shows it, and is kept whole in its correction, which brings it back on revert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.articles import repository as article_repo
from db.corrections import repository
from db.index_sync.outbox import enqueue
from db.index_sync.service import SyncResult, drain_outbox
from db.models import Article, Correction, CorrectionQuote, Quote, Speaker, SpeakerMerge
from db.search_index import SearchIndex
from db.session import transaction
from db.speakers import repository as speaker_repo
from db.speakers.matching import name_key
from db.speakers.service import UnmergeError, assign_slugs, merge_records, unmerge_record
from db.vocabulary import QuoteType, SpeakerKind


class CorrectionAction(StrEnum):
    reassign = "reassign"  # the quote is someone else's (another or a new record)
    reject = "reject"  # not a quote: hidden everywhere, kept in its correction
    redate = "redate"  # the date it was said
    edit_speaker = "edit_speaker"  # a record's name, aliases or description
    split_speaker = "split"  # some of a record's quotes belong to another or a new record
    merge = "merge"  # two records of one person made one (reverting it unmerges)


class CorrectionError(ValueError):
    """A correction that cannot be made: `missing` when what it names does not exist."""

    def __init__(self, message: str, missing: bool = False):
        super().__init__(message)
        self.missing = missing


@dataclass
class CorrectionResult:
    correction: Correction
    sync: SyncResult


@dataclass(frozen=True)
class NewSpeaker:
    """A record an editor creates for a reassigned or split-off quote."""

    name: str
    kind: SpeakerKind = SpeakerKind.person
    description: str | None = None


SpeakerTarget = str | NewSpeaker  # an existing record by id, slug or exact name; or a new one


def _now() -> datetime:
    return datetime.now(UTC)


# --- quote corrections ----------------------------------------------------------------------


def reassign_quote(
    factory: sessionmaker[Session],
    index: SearchIndex,
    quote_id: int,
    target: SpeakerTarget,
    reason: str,
    editor: str,
) -> CorrectionResult:
    """Attribute a quote to another speaker record, or to a new one."""
    with transaction(factory) as session:
        quote = _quote(session, quote_id)
        speaker, created = _target_speaker(session, target)
        if speaker.id == quote.speaker_id:
            raise CorrectionError(f"quote {quote_id} is already attributed to {speaker.name}")
        correction = _record(
            session,
            CorrectionAction.reassign,
            [quote],
            before=_speaker_state(session, quote.speaker_id),
            after={**_speaker_state(session, speaker.id), "created": created},
            reason=reason,
            editor=editor,
        )
        _apply_all(session, correction, [quote])
    return CorrectionResult(correction, drain_outbox(factory, index))


def reject_quote(
    factory: sessionmaker[Session], index: SearchIndex, quote_id: int, reason: str, editor: str
) -> CorrectionResult:
    """Mark a quote "not a quote": gone from search and pages, kept in the correction."""
    with transaction(factory) as session:
        quote = _quote(session, quote_id)
        correction = _record(
            session, CorrectionAction.reject, [quote], {}, {}, reason=reason, editor=editor
        )
        _apply_all(session, correction, [quote])
    return CorrectionResult(correction, drain_outbox(factory, index))


def redate_quote(
    factory: sessionmaker[Session],
    index: SearchIndex,
    quote_id: int,
    said_on: date,
    reason: str,
    editor: str,
) -> CorrectionResult:
    """Fix the date a quote was said."""
    with transaction(factory) as session:
        quote = _quote(session, quote_id)
        before = quote.said_on.isoformat() if quote.said_on else None
        if before == said_on.isoformat():
            raise CorrectionError(f"quote {quote_id} is already dated {before}")
        correction = _record(
            session,
            CorrectionAction.redate,
            [quote],
            before={"said_on": before},
            after={"said_on": said_on.isoformat()},
            reason=reason,
            editor=editor,
        )
        _apply_all(session, correction, [quote])
    return CorrectionResult(correction, drain_outbox(factory, index))


# --- speaker corrections --------------------------------------------------------------------


def edit_speaker(
    factory: sessionmaker[Session],
    index: SearchIndex,
    ref: str,
    reason: str,
    editor: str,
    name: str | None = None,
    aliases: Sequence[str] | None = None,
    description: str | None = None,
) -> CorrectionResult:
    """Change a record's name, aliases or description (what is not given stays); its slug
    stays, so links keep working, and every quote's index document follows."""
    with transaction(factory) as session:
        speaker = _speaker(session, ref)
        before = _record_fields(speaker)
        if name is not None and name.strip():
            speaker.name = name.strip()
            speaker.name_key = name_key(speaker.name, speaker.kind)
        if aliases is not None:
            speaker.aliases = [a for a in dict.fromkeys(a.strip() for a in aliases) if a]
        if description is not None:
            speaker.description = description.strip() or None
        after = _record_fields(speaker)
        if after == before:
            raise CorrectionError(f"nothing to change on speaker {speaker.name!r}")
        correction = Correction(
            action=CorrectionAction.edit_speaker,
            speaker_id=speaker.id,
            before=before,
            after=after,
            reason=reason,
            editor=editor,
            quotes=[],
        )
        session.add(correction)
        session.flush()
        enqueue(session, speaker_repo.speaker_quote_ids(session, speaker.id))
    return CorrectionResult(correction, drain_outbox(factory, index))


def split_speaker(
    factory: sessionmaker[Session],
    index: SearchIndex,
    ref: str,
    quote_ids: Sequence[int],
    target: SpeakerTarget,
    reason: str,
    editor: str,
) -> CorrectionResult:
    """Move the chosen quotes of a record that mixes two people to another or a new one."""
    with transaction(factory) as session:
        source = _speaker(session, ref)
        wanted = sorted(set(quote_ids))
        if not wanted:
            raise CorrectionError("choose the quotes to move")
        quotes = _locked_quotes(session, wanted)
        strays = [i for i, q in zip(wanted, quotes, strict=True) if q is None]
        strays += [q.id for q in quotes if q is not None and q.speaker_id != source.id]
        if strays:
            raise CorrectionError(f"not quotes of {source.name}: {sorted(strays)}")
        speaker, created = _target_speaker(session, target)
        if speaker.id == source.id:
            raise CorrectionError("a split moves quotes to another record")
        chosen = [q for q in quotes if q is not None]
        correction = _record(
            session,
            CorrectionAction.split_speaker,
            chosen,
            before=_speaker_state(session, source.id),
            after={**_speaker_state(session, speaker.id), "created": created},
            reason=reason,
            editor=editor,
            speaker_id=source.id,
        )
        _apply_all(session, correction, chosen)
    return CorrectionResult(correction, drain_outbox(factory, index))


def merge_speakers(
    factory: sessionmaker[Session],
    index: SearchIndex,
    keep_ref: str,
    other_ref: str,
    reason: str,
    editor: str,
) -> CorrectionResult:
    """Fold speaker `other_ref` into `keep_ref` (ids, slugs or names; `merge_records`),
    audited like any correction; reverting it unmerges."""
    with transaction(factory) as session:
        keep, other = _speaker(session, keep_ref), _speaker(session, other_ref)
        if keep.id == other.id:
            raise CorrectionError(f"{keep_ref!r} and {other_ref!r} are the same speaker")
        before = {"speaker_id": other.id, "speaker": other.name, "slug": other.slug}
        merge, moved = merge_records(session, keep, other)
        correction = Correction(
            action=CorrectionAction.merge,
            speaker_id=keep.id,
            before=before,
            after={
                "speaker_id": keep.id,
                "speaker": keep.name,
                "merge_id": merge.id,
                "moved": moved,
            },
            reason=reason.strip(),
            editor=editor,
            quotes=[],
        )
        session.add(correction)
        session.flush()
    return CorrectionResult(correction, drain_outbox(factory, index))


@dataclass
class MergeUndone:
    kept: str
    merged: str
    moved: int
    sync: SyncResult


def unmerge_speaker(
    factory: sessionmaker[Session], index: SearchIndex, ref: str, editor: str
) -> MergeUndone:
    """Undo the latest merge of the speaker once called `ref` (its old slug or id); its
    correction, if it was audited, is marked reverted."""
    with transaction(factory) as session:
        merge = speaker_repo.latest_merge(session, ref)
        if merge is None:
            raise CorrectionError(f"no merged speaker {ref!r} (give its old slug or id)", True)
        correction = repository.merge_correction(session, merge.id)
        keep, restored, moved = _unmerge(session, merge)
        if correction is not None:
            correction.reverted_at, correction.reverted_by = _now(), editor
        kept, merged = keep.name, restored.name
    return MergeUndone(kept, merged, moved, drain_outbox(factory, index))


def _unmerge(session: Session, merge: SpeakerMerge) -> tuple[Speaker, Speaker, int]:
    try:
        return unmerge_record(session, merge)
    except UnmergeError as exc:
        raise CorrectionError(str(exc)) from exc


# --- revert ---------------------------------------------------------------------------------


def revert_correction(
    factory: sessionmaker[Session], index: SearchIndex, correction_id: int, editor: str
) -> CorrectionResult:
    """Undo exactly this correction. Refused when what it changed has changed since (revert
    the later correction first), so a revert never undoes someone else's work."""
    with transaction(factory) as session:
        correction = repository.get_correction(session, correction_id)
        if correction is None:
            raise CorrectionError(f"no correction {correction_id}", missing=True)
        if correction.reverted_at is not None:
            raise CorrectionError(f"correction {correction_id} is already reverted")
        _lock_articles(session, [cq.article_id for cq in correction.quotes])
        session.refresh(correction)  # a re-ingest that held the lock may have moved its quotes
        if correction.action == CorrectionAction.edit_speaker:
            changed = _revert_speaker_edit(session, correction)
        elif correction.action == CorrectionAction.merge:
            changed = []  # unmerging queues what it moves
            merge = session.get(SpeakerMerge, correction.after["merge_id"])
            if merge is None:
                raise CorrectionError(f"the merge of correction {correction_id} is undone")
            _unmerge(session, merge)
        else:
            touched = [_revert_on_quote(session, correction, cq) for cq in correction.quotes]
            changed = [i for i in touched if i is not None]
            if correction.after.get("created"):
                _drop_if_unused(session, correction.after["speaker_id"])
        correction.reverted_at = _now()
        correction.reverted_by = editor
        enqueue(session, changed)
    return CorrectionResult(correction, drain_outbox(factory, index))


def _revert_on_quote(session: Session, correction: Correction, cq: CorrectionQuote) -> int | None:
    """Put one quote back as it was; its id, or None when the article no longer holds it."""
    action = correction.action
    quote = session.get(Quote, cq.quote_id)
    if action == CorrectionAction.reject:
        if quote is not None or session.get(Article, cq.article_id) is None:
            return None
        session.add(_restored_quote(session, correction.before["quote"]))
        session.flush()
        return cq.quote_id
    if quote is None:
        return None
    if action == CorrectionAction.redate:
        current = quote.said_on.isoformat() if quote.said_on else None
        _refuse_if_changed(correction, current != correction.after["said_on"])
        quote.said_on = _day(correction.before["said_on"])
    else:  # reassign, split
        _refuse_if_changed(correction, quote.speaker_id != correction.after["speaker_id"])
        previous = correction.before["speaker_id"]
        if previous is not None and session.get(Speaker, previous) is None:
            raise CorrectionError(f"the speaker {previous} it came from no longer exists")
        quote.speaker_id = previous
    return quote.id


def _revert_speaker_edit(session: Session, correction: Correction) -> list[int]:
    speaker = session.get(Speaker, correction.speaker_id)
    if speaker is None:
        raise CorrectionError(f"speaker {correction.speaker_id} no longer exists")
    _refuse_if_changed(correction, _record_fields(speaker) != correction.after)
    speaker.name = correction.before["name"]
    speaker.name_key = correction.before["name_key"]
    speaker.aliases = list(correction.before["aliases"])
    speaker.description = correction.before["description"]
    return speaker_repo.speaker_quote_ids(session, speaker.id)


def _drop_if_unused(session: Session, speaker_id: int) -> None:
    """A record made for a correction goes with its revert once nothing else uses it."""
    speaker = session.get(Speaker, speaker_id)
    if speaker is None or speaker_repo.count_speaker_quotes(session, speaker_id):
        return
    if session.scalar(select(SpeakerMerge.id).where(SpeakerMerge.kept_id == speaker_id).limit(1)):
        return
    session.delete(speaker)


def _refuse_if_changed(correction: Correction, changed: bool) -> None:
    if changed:
        raise CorrectionError(
            f"correction {correction.id} was changed by a later edit; revert that one first"
        )


# --- re-extraction --------------------------------------------------------------------------


def reapply_corrections(session: Session, article_ids: Sequence[int]) -> set[int]:
    """Apply the corrections of articles whose quotes were just stored again to the quotes
    now at the same place (same offsets and words; else the same words nearest it). Returns
    the ids of quotes removed as "not a quote"."""
    if not article_ids:
        return set()
    wanted = set(article_ids)
    removed: set[int] = set()
    stored: dict[int, list[Quote]] = {}
    for correction in repository.active_on_articles(session, article_ids):
        for cq in correction.quotes:
            if cq.article_id not in wanted:
                continue
            if cq.article_id not in stored:
                stored[cq.article_id] = repository.quotes_of_article(session, cq.article_id)
            quote = _found_again(cq, stored[cq.article_id])
            if quote is None or quote.id in removed:
                continue
            cq.quote_id, cq.start, cq.end = quote.id, quote.start, quote.end
            removed |= _apply(session, correction, quote)
    session.flush()
    return removed


def _found_again(cq: CorrectionQuote, quotes: list[Quote]) -> Quote | None:
    same_words = [q for q in quotes if q.text == cq.text]
    exact = [q for q in same_words if (q.start, q.end) == (cq.start, cq.end)]
    if exact:
        return exact[0]
    return min(same_words, key=lambda q: abs(q.start - cq.start), default=None)


# --- what a correction says -----------------------------------------------------------------


def describe(correction: Correction) -> str:
    """One line for pages and lists: what the editor changed."""
    before, after = correction.before, correction.after
    match correction.action:
        case CorrectionAction.reassign:
            was = f" (was {before['speaker']})" if before.get("speaker") else ""
            return f"attributed to {after['speaker']}{was}"
        case CorrectionAction.reject:
            return "marked as not a quote"
        case CorrectionAction.redate:
            return f"date said changed from {before['said_on']} to {after['said_on']}"
        case CorrectionAction.merge:
            return f"{before['speaker']} merged into {after['speaker']}"
        case CorrectionAction.split_speaker:
            moved = len(correction.quotes)
            return f"{moved} quote(s) moved from {before['speaker']} to {after['speaker']}"
        case _:
            fields = [k for k in ("name", "aliases", "description") if before[k] != after[k]]
            return f"speaker {', '.join(fields)} edited"


# --- shared steps ---------------------------------------------------------------------------


def _quote(session: Session, quote_id: int) -> Quote:
    """The quote, read again under its article's write lock."""
    [quote] = _locked_quotes(session, [quote_id])
    if quote is None:
        raise CorrectionError(f"no quote {quote_id}", missing=True)
    return quote


def _locked_quotes(session: Session, quote_ids: Sequence[int]) -> list[Quote | None]:
    """These quotes (None for any not stored), read after taking their articles' write locks:
    an ingest of the same article then waits for the correction and applies it again, rather
    than replacing the quotes under it."""
    article_ids = set(session.scalars(select(Quote.article_id).where(Quote.id.in_(quote_ids))))
    _lock_articles(session, article_ids)
    return [session.get(Quote, i, populate_existing=True) for i in quote_ids]


def _lock_articles(session: Session, article_ids: Iterable[int]) -> None:
    """The article writers' locks (`lock_article_keys`: content hash and URL)."""
    rows = session.execute(
        select(Article.url, Article.content_hash).where(Article.id.in_(set(article_ids)))
    )
    keys = [key for url, digest in rows for key in (digest, *([f"url:{url}"] if url else []))]
    article_repo.lock_article_keys(session, keys)


def _speaker(session: Session, ref: str) -> Speaker:
    speaker = speaker_repo.find_speaker(session, ref)
    if speaker is None:
        raise CorrectionError(f"no speaker {ref!r} (give an id, slug or exact name)", True)
    return speaker


def _target_speaker(session: Session, target: SpeakerTarget) -> tuple[Speaker, bool]:
    """The record quotes go to, and whether it was created for them."""
    if isinstance(target, str):
        return _speaker(session, target), False
    name = target.name.strip()
    if not name:
        raise CorrectionError("a new speaker needs a name")
    speaker = Speaker(
        name=name,
        slug="",
        aliases=[],
        description=target.description,
        kind=target.kind,
        name_key=name_key(name, target.kind),
    )
    assign_slugs(session, [speaker])
    session.add(speaker)
    session.flush()
    return speaker, True


def _speaker_state(session: Session, speaker_id: int | None) -> dict[str, Any]:
    speaker = session.get(Speaker, speaker_id) if speaker_id is not None else None
    return {"speaker_id": speaker_id, "speaker": speaker.name if speaker else None}


def _record_fields(speaker: Speaker) -> dict[str, Any]:
    return {
        "name": speaker.name,
        "name_key": speaker.name_key,
        "aliases": list(speaker.aliases or []),
        "description": speaker.description,
    }


def _record(
    session: Session,
    action: CorrectionAction,
    quotes: Sequence[Quote],
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str,
    editor: str,
    speaker_id: int | None = None,
) -> Correction:
    correction = Correction(
        action=action,
        quote_id=quotes[0].id if len(quotes) == 1 else None,
        speaker_id=speaker_id if speaker_id is not None else after.get("speaker_id"),
        before=before,
        after=after,
        reason=reason.strip(),
        editor=editor,
        quotes=[
            CorrectionQuote(
                article_id=q.article_id, quote_id=q.id, start=q.start, end=q.end, text=q.text
            )
            for q in quotes
        ],
    )
    session.add(correction)
    session.flush()
    return correction


def _apply_all(session: Session, correction: Correction, quotes: Sequence[Quote]) -> None:
    """Apply a new correction, queue its quotes for the index and close their flags."""
    ids = [q.id for q in quotes]
    repository.resolve_flags(session, ids, _now())
    for quote in quotes:
        _apply(session, correction, quote)
    session.flush()
    enqueue(session, ids)


def _apply(session: Session, correction: Correction, quote: Quote) -> set[int]:
    """What the correction says of this quote, done to it; the id if it was removed."""
    if correction.action == CorrectionAction.reject:
        correction.before = {"quote": _snapshot(quote)}  # the latest extraction comes back
        session.delete(quote)
        return {quote.id}
    if correction.action == CorrectionAction.redate:
        quote.said_on = _day(correction.after["said_on"])
    else:  # reassign, split
        quote.speaker_id = correction.after["speaker_id"]
    return set()


_QUOTE_FIELDS = (
    *("id", "article_id", "speaker_id", "mention", "mention_start", "mention_end"),
    *("text", "cited", "parts", "rule", "start", "end", "cue", "context", "confidence"),
)


def _snapshot(quote: Quote) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(quote, name) for name in _QUOTE_FIELDS}
    row["type"] = QuoteType(quote.type).value
    row["said_on"] = quote.said_on.isoformat() if quote.said_on else None
    return row


def _restored_quote(session: Session, row: dict[str, Any]) -> Quote:
    """A rejected quote back from its snapshot (unattributed if its speaker is gone since)."""
    values = {name: row[name] for name in _QUOTE_FIELDS}
    if values["speaker_id"] is not None and session.get(Speaker, values["speaker_id"]) is None:
        values["speaker_id"] = None
    return Quote(**values, type=QuoteType(row["type"]), said_on=_day(row["said_on"]))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
