"""Which speaker record a name is, and merging two records into one.

Storage keeps one record per person or organisation across all articles: exact names and
aliases first; then people by surname key and compatible given names ("Zelenskyy" →
Volodymyr Zelensky, see `matching`); organisations by name without a leading "the".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from db.bulk import next_ids
from db.index_sync.outbox import enqueue
from db.models import Speaker, SpeakerMerge
from db.records import LOW_CONFIDENCE, QuoteDraft
from db.speakers import repository
from db.speakers.matching import (
    Gender,
    agreed_gender,
    consistent_alias,
    name_gender,
    name_key,
    org_key,
    parse_person,
    pronoun_gender,
    same_person,
    slug_base,
    unique_slug,
)
from db.speakers.repository import SpeakerCandidates
from db.vocabulary import PERSON_LIKE, SpeakerKind


@dataclass
class SpeakerMatch:
    speaker: Speaker
    changed: bool  # a stored record learned a name or alias: its quotes need reindexing


def resolve_speaker(
    candidates: SpeakerCandidates,
    name: str,
    kind: str | None = None,
    aliases: Iterable[str] = (),
    description: str | None = None,
    confidence: float = 1.0,
    mention: str | None = None,
) -> SpeakerMatch:
    """The one speaker record for this person or organisation, created when there is none.

    What the record learns (aliases, a fuller name, gender) comes only from quotes resolved
    with confidence (`LOW_CONFIDENCE`), and only names consistent with the record's own.
    """
    kind = SpeakerKind(kind or SpeakerKind.unknown)
    person_like = kind in PERSON_LIKE
    person = parse_person(name) if person_like else None
    confident = confidence >= LOW_CONFIDENCE
    gender = _evidence_gender(name, aliases, mention) if person_like else None
    speaker = None
    if person is not None and not person.full:  # a bare surname: a consistent full record
        found = same_person(name, candidates.people(person.surname_key[:4]), gender)
        found_person = parse_person(found.name) if found is not None else None
        if found is not None and found_person is not None and found_person.full:
            speaker = candidates.load(found)
    speaker = speaker or candidates.exact(name, kind)
    if speaker is None and person is not None:
        found = same_person(name, candidates.people(person.surname_key[:4]), gender)
        speaker = candidates.load(found) if found is not None else None
    elif speaker is None and not person_like:
        speaker = candidates.organisation(org_key(name))
    changed = False
    if speaker is None:
        speaker = Speaker(
            name=name,
            slug="",  # given by `assign_slugs` before the batch is flushed
            aliases=[],
            description=description,
            kind=kind,
            name_key=name_key(name, kind),
            gender=gender if confident else None,
        )
        candidates.created(speaker)
        stored = False
    else:
        stored = speaker.id is not None
        if person_like and speaker.kind in PERSON_LIKE:
            changed = confident and _learn_fuller_name(speaker, name)
            if kind == SpeakerKind.person:
                speaker.kind = kind
        if confident and gender and speaker.gender is None:
            speaker.gender = gender
    if confident:
        learned = _new_aliases(speaker, [name, *aliases])
        if learned:
            speaker.aliases = [*(speaker.aliases or []), *learned]
            changed = True
    if description and not speaker.description:
        speaker.description = description
    candidates.settle(speaker)
    return SpeakerMatch(speaker, changed and stored)


def _evidence_gender(name: str, aliases: Iterable[str], mention: str | None) -> Gender | None:
    """What the article says of this person's gender: the honorific in the name, else the
    pronoun that quote is attributed to, else the honorifics of its aliases when they agree
    (aliases are the article's resolution, the likeliest to mix two people)."""
    return (
        name_gender(name)
        or pronoun_gender(mention)
        or agreed_gender(name_gender(a) for a in aliases)
    )


def _new_aliases(speaker: Speaker, names: Iterable[str]) -> list[str]:
    """The names not yet on the record that can name it (any for an organisation)."""
    known = {speaker.name, *(speaker.aliases or [])}
    fresh = [a for a in dict.fromkeys(names) if a and a not in known]
    if speaker.kind not in PERSON_LIKE or parse_person(speaker.name) is None:
        return fresh
    return [a for a in fresh if consistent_alias(a, speaker.name, speaker.gender)]


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


def assign_slugs(session: Session, speakers: Sequence[Speaker]) -> None:
    """Unique, readable slugs for new speakers (any script, transliterated; a number on a
    clash; `speaker-ID` when nothing transliterates). Only labels for URLs: no record is
    ever found by its slug when names are resolved."""
    bases = {id(s): slug_base(s.name) for s in speakers}
    taken = repository.taken_slugs(session, [b for b in bases.values() if b])
    unnamed = [s for s in speakers if not bases[id(s)]]
    ids = next_ids(session, "speaker", len(unnamed))
    for speaker, speaker_id in zip(unnamed, ids, strict=True):
        speaker.id = speaker_id
        speaker.slug = f"speaker-{speaker_id}"
    for speaker in speakers:
        if bases[id(speaker)]:
            speaker.slug = unique_slug(bases[id(speaker)], taken)
            taken.add(speaker.slug)


@dataclass
class _KnownSpeaker:
    id: int
    names: set[str]  # name and aliases already stored
    described: bool


_DraftKey = tuple[str, str | None, str | None]  # name, kind, pronoun mention


def _draft_key(draft: QuoteDraft) -> _DraftKey:
    return (draft.speaker or "", draft.speaker_kind, pronoun_gender(draft.mention))


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
        key = _draft_key(draft)
        entry = self.staged.get(key) or self.known.get(key)
        if entry is None or not entry.names.issuperset(draft.speaker_aliases):
            return None
        if draft.speaker_description and not entry.described:
            return None
        return entry.id

    def learn(self, draft: QuoteDraft, speaker: Speaker) -> None:
        names = {speaker.name, *(speaker.aliases or [])}
        entry = _KnownSpeaker(speaker.id, names, bool(speaker.description))
        self.staged[_draft_key(draft)] = entry

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
    one prefetch of every speaker they could be, new ones inserted with one flush. Every
    quote of a stored speaker that learned a name or alias is queued for reindexing in this
    transaction, so no index document keeps an old name or alias list."""
    uncached = [d for d in drafts if d.speaker and cache.get(d) is None]
    if not uncached:
        return [cache.get(d) if d.speaker else None for d in drafts]
    candidates = SpeakerCandidates(session, {(d.speaker or "", d.speaker_kind) for d in uncached})
    resolved: dict[int, Speaker] = {}
    changed: dict[int, Speaker] = {}
    created: dict[int, Speaker] = {}
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
                draft.confidence >= LOW_CONFIDENCE,
                pronoun_gender(draft.mention),
            )
            if details not in seen:
                match = resolve_speaker(
                    candidates,
                    draft.speaker,
                    draft.speaker_kind,
                    draft.speaker_aliases,
                    draft.speaker_description,
                    draft.confidence,
                    draft.mention,
                )
                seen[details] = match.speaker
                if match.changed:
                    changed[id(match.speaker)] = match.speaker
                if match.speaker.id is None:
                    created[id(match.speaker)] = match.speaker
            resolved[position] = seen[details]
        assign_slugs(session, [s for s in created.values() if not s.slug])
    session.flush()
    for speaker in {s.id: s for s in changed.values()}.values():
        enqueue(session, repository.speaker_quote_ids(session, speaker.id))
    for position, speaker in resolved.items():
        cache.learn(drafts[position], speaker)
    return [
        resolved[p].id if p in resolved else (cache.get(d) if d.speaker else None)
        for p, d in enumerate(drafts)
    ]


def merge_records(session: Session, keep: Speaker, other: Speaker) -> tuple[SpeakerMerge, int]:
    """Fold speaker `other` into `keep` in this transaction: its quotes, name, aliases and
    description; the kept speaker's quotes are queued for the index. What the merge moved is
    kept (`SpeakerMerge`, returned with the number of quotes moved): the old slug and id lead
    to the kept record, and `unmerge_record` undoes it. Audited merges go through
    `db.corrections.service.merge_speakers`."""
    moved = repository.move_quotes(session, other.id, keep.id)
    known = {keep.name, *(keep.aliases or [])}
    learned = [a for a in dict.fromkeys([other.name, *(other.aliases or [])]) if a not in known]
    merge = SpeakerMerge(
        kept_id=keep.id,
        merged_id=other.id,
        name=other.name,
        slug=other.slug,
        aliases=list(other.aliases or []),
        added_aliases=learned,
        description=other.description,
        kind=str(other.kind),
        name_key=other.name_key,
        quote_ids=moved,
    )
    session.add(merge)
    repository.move_merges(session, other.id, keep.id)  # merges into `other` follow it
    keep.aliases = [*(keep.aliases or []), *learned]
    keep.description = keep.description or other.description
    session.delete(other)
    session.flush()
    enqueue(session, repository.speaker_quote_ids(session, keep.id))  # aliases are in documents
    return merge, len(moved)


class UnmergeError(ValueError):
    """A merge that cannot be undone (its old slug is taken again)."""


def unmerge_record(session: Session, merge: SpeakerMerge) -> tuple[Speaker, Speaker, int]:
    """Undo one merge in this transaction: the merged speaker comes back with its id, slug,
    names and the quotes the merge moved (those still on the kept record), and the kept
    record loses the aliases the merge gave it. Returns (kept, restored, quotes moved back)."""
    keep = session.get(Speaker, merge.kept_id)
    assert keep is not None  # the merge row is deleted with its kept speaker
    if repository.get_speaker_by_slug(session, merge.slug) is not None:
        raise UnmergeError(f"the slug {merge.slug!r} is taken again; cannot unmerge")
    restored = Speaker(
        id=merge.merged_id,
        name=merge.name,
        slug=merge.slug,
        aliases=list(merge.aliases),
        description=merge.description,
        kind=SpeakerKind(merge.kind),
        name_key=merge.name_key,
    )
    session.add(restored)
    added = set(merge.added_aliases)
    keep.aliases = [a for a in keep.aliases or [] if a not in added]
    session.delete(merge)
    session.flush()
    moved = repository.move_quotes(session, keep.id, restored.id, only=merge.quote_ids)
    enqueue(session, [*repository.speaker_quote_ids(session, keep.id), *moved])
    return keep, restored, len(moved)
