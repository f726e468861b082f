"""Which speaker record a name is, and merging two records into one.

Storage keeps one record per person or organisation across all articles: exact names and
aliases first; then people by surname key and compatible given names ("Zelenskyy" →
Volodymyr Zelensky, see `matching`); organisations by name without a leading "the".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from db.index_sync.outbox import enqueue
from db.index_sync.service import SyncResult, drain_outbox
from db.models import Speaker
from db.records import QuoteDraft
from db.search_index import SearchIndex
from db.session import transaction
from db.speakers import repository
from db.speakers.matching import name_key, org_key, parse_person, same_person, slugify
from db.speakers.repository import SpeakerCandidates
from db.vocabulary import PERSON_LIKE, SpeakerKind


@dataclass
class SpeakerMatch:
    speaker: Speaker
    renamed: bool  # a surname-only record learned the full name: its quotes need reindexing


def resolve_speaker(
    candidates: SpeakerCandidates,
    name: str,
    kind: str | None = None,
    aliases: Iterable[str] = (),
    description: str | None = None,
) -> SpeakerMatch:
    """The one speaker record for this person or organisation, created when there is none."""
    kind = SpeakerKind(kind or SpeakerKind.unknown)
    person_like = kind in PERSON_LIKE
    speaker = candidates.exact(name)
    if speaker is None and person_like:
        person = parse_person(name)
        found = same_person(name, candidates.people(person.surname_key[:4])) if person else None
        speaker = candidates.load(found) if found is not None else None
    elif speaker is None:
        speaker = candidates.organisation(org_key(name))
    renamed = False
    if speaker is None:
        speaker = Speaker(
            name=name,
            slug=slugify(name),  # free: the exact lookup found no speaker with it
            aliases=[],
            description=description,
            kind=kind,
            name_key=name_key(name, kind),
        )
        candidates.created(speaker)
    elif person_like and speaker.kind in PERSON_LIKE:
        renamed = _learn_fuller_name(speaker, name)
        if kind == SpeakerKind.person:
            speaker.kind = kind
    known = {speaker.name, *(speaker.aliases or [])}
    new_aliases = [a for a in dict.fromkeys([name, *aliases]) if a and a not in known]
    if new_aliases:
        speaker.aliases = [*(speaker.aliases or []), *new_aliases]
    if description and not speaker.description:
        speaker.description = description
    candidates.settle(speaker)
    return SpeakerMatch(speaker, renamed)


def _learn_fuller_name(speaker: Speaker, name: str) -> bool:
    """ "Zelensky" becomes "Volodymyr Zelensky" once an article gives the full name."""
    stored = parse_person(speaker.name)
    offered = parse_person(name)
    if stored is None or offered is None or stored.full or not offered.full:
        return False
    speaker.aliases = [*(speaker.aliases or []), speaker.name]
    speaker.name = name
    speaker.name_key = name_key(name, SpeakerKind.person)
    return True


@dataclass
class _KnownSpeaker:
    id: int
    names: set[str]  # name and aliases already stored
    described: bool


_DraftKey = tuple[str, str | None]


@dataclass
class SpeakerCache:
    """What a run of batches has learned about speakers, by name and kind.

    A draft whose aliases are all known and whose description adds nothing would leave its
    speaker unchanged, so resolving it again is skipped. Entries made inside a transaction are
    staged and kept only once it commits.
    """

    known: dict[_DraftKey, _KnownSpeaker] = field(default_factory=dict)
    staged: dict[_DraftKey, _KnownSpeaker] = field(default_factory=dict)

    def get(self, draft: QuoteDraft) -> int | None:
        key = (draft.speaker or "", draft.speaker_kind)
        entry = self.staged.get(key) or self.known.get(key)
        if entry is None or not entry.names.issuperset(draft.speaker_aliases):
            return None
        if draft.speaker_description and not entry.described:
            return None
        return entry.id

    def learn(self, draft: QuoteDraft, speaker: Speaker) -> None:
        names = {speaker.name, *(speaker.aliases or [])}
        entry = _KnownSpeaker(speaker.id, names, bool(speaker.description))
        self.staged[(draft.speaker or "", draft.speaker_kind)] = entry

    def commit(self) -> None:
        self.known.update(self.staged)
        self.staged.clear()

    def rollback(self) -> None:
        self.staged.clear()

    def forget(self) -> None:
        """After a failed transaction whose cause may be a cached speaker merged away."""
        self.staged.clear()
        self.known.clear()


def resolve_speakers(
    session: Session, drafts: Sequence[QuoteDraft], cache: SpeakerCache
) -> list[int | None]:
    """Speaker ids for a batch's quotes: cached ones as they are, the rest resolved against
    one prefetch of every speaker they could be, new ones inserted with one flush. Quotes of
    speakers that learned their full name are queued for reindexing."""
    uncached = [d for d in drafts if d.speaker and cache.get(d) is None]
    if not uncached:
        return [cache.get(d) if d.speaker else None for d in drafts]
    candidates = SpeakerCandidates(session, {(d.speaker or "", d.speaker_kind) for d in uncached})
    resolved: dict[int, Speaker] = {}
    renamed: dict[int, Speaker] = {}
    seen: dict[tuple, Speaker] = {}  # the same name and details again in this batch
    with session.no_autoflush:  # one INSERT for the batch's new speakers, below
        for position, draft in enumerate(drafts):
            if not draft.speaker or cache.get(draft) is not None:
                continue
            details = (
                draft.speaker,
                draft.speaker_kind,
                tuple(draft.speaker_aliases),
                draft.speaker_description,
            )
            if details not in seen:
                match = resolve_speaker(candidates, *details)
                seen[details] = match.speaker
                if match.renamed:
                    renamed[id(match.speaker)] = match.speaker
            resolved[position] = seen[details]
    session.flush()
    for speaker in {s.id: s for s in renamed.values()}.values():
        enqueue(session, repository.speaker_quote_ids(session, speaker.id))
    for position, speaker in resolved.items():
        cache.learn(drafts[position], speaker)
    return [
        resolved[p].id if p in resolved else (cache.get(d) if d.speaker else None)
        for p, d in enumerate(drafts)
    ]


class SpeakerMergeError(ValueError):
    """A merge that names an unknown speaker or the same speaker twice."""


@dataclass
class MergeResult:
    kept: str
    merged: str
    moved: int
    sync: SyncResult


def merge_speakers(
    factory: sessionmaker[Session], index: SearchIndex, keep_ref: str, other_ref: str
) -> MergeResult:
    """Fold speaker `other_ref` into `keep_ref` (ids, slugs or names): its quotes, name,
    aliases and description; then reindex the kept speaker's quotes."""
    with transaction(factory) as session:
        keep = repository.find_speaker(session, keep_ref)
        other = repository.find_speaker(session, other_ref)
        if keep is None or other is None:
            missing = keep_ref if keep is None else other_ref
            raise SpeakerMergeError(f"no speaker {missing!r} (give an id, slug or exact name)")
        if keep.id == other.id:
            raise SpeakerMergeError(f"{keep_ref!r} and {other_ref!r} are the same speaker")
        kept, merged = keep.name, other.name
        moved = repository.move_quotes(session, other.id, keep.id)
        known = {keep.name, *(keep.aliases or [])}
        learned = [a for a in dict.fromkeys([other.name, *(other.aliases or [])]) if a not in known]
        keep.aliases = [*(keep.aliases or []), *learned]
        keep.description = keep.description or other.description
        session.delete(other)
        session.flush()
        enqueue(session, repository.speaker_quote_ids(session, keep.id))  # aliases are in documents
    return MergeResult(kept, merged, len(moved), drain_outbox(factory, index))
