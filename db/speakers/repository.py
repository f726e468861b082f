"""Speaker SQL: lookups by id, slug, name and alias; the candidates a batch of names could be."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from db.bulk import lock_keys
from db.models import Quote, Speaker, SpeakerMerge
from db.speakers.matching import org_key, parse_person
from db.vocabulary import PERSON_LIKE, SpeakerKind

MAX_CANDIDATES = 500  # people sharing a surname prefix, enough for any real surname


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_speaker(session: Session, speaker_id: int) -> Speaker | None:
    return session.get(Speaker, speaker_id)


def get_speaker_by_slug(session: Session, slug: str) -> Speaker | None:
    return session.scalar(select(Speaker).where(Speaker.slug == slug))


def alias_identifies(name: str, kind: str | None) -> bool:
    """Whether a stored alias equal to `name` may decide who it is: a person's full name
    ("Barack Obama") or an organisation's several words; never a bare or titled surname
    ("Obama", "Mr. Obama"), which several people share."""
    if (kind or SpeakerKind.unknown) in PERSON_LIKE:
        person = parse_person(name)
        return person is not None and person.full
    return len(name.split()) >= 2


def find_by_exact_name(session: Session, name: str) -> Speaker | None:
    """The oldest speaker with this exact name, else with this alias (several words only)."""
    found = session.scalar(
        select(Speaker).where(Speaker.name == name).order_by(Speaker.id).limit(1)
    )
    if found is None and len(name.split()) >= 2:
        found = session.scalar(
            select(Speaker)
            .where(Speaker.aliases.contains([name]))  # `@>`: the GIN index
            .order_by(Speaker.id)
            .limit(1)
        )
    return found


def find_merged(session: Session, ref: str) -> Speaker | None:
    """The record a speaker merged away (by its old id or slug) now lives on in."""
    merge = session.scalar(
        select(SpeakerMerge)
        .where(SpeakerMerge.merged_id == int(ref) if ref.isdigit() else SpeakerMerge.slug == ref)
        .order_by(SpeakerMerge.id.desc())
        .limit(1)
    )
    return session.get(Speaker, merge.kept_id) if merge else None


def find_elsewhere(session: Session, ref: str) -> Speaker | None:
    """The speaker a reference that is not a current slug leads to: an id, or the slug or id
    of a speaker merged away."""
    if ref.isdigit() and len(ref) < 19:
        speaker = session.get(Speaker, int(ref))
        if speaker is not None:
            return speaker
    return find_merged(session, ref)


def find_speaker(session: Session, ref: str) -> Speaker | None:
    """A speaker by id, slug or exact name or alias: how a person names one on the CLI."""
    if ref.isdigit() and len(ref) < 19:
        return session.get(Speaker, int(ref))
    return get_speaker_by_slug(session, ref) or find_by_exact_name(session, ref)


def taken_slugs(session: Session, bases: Iterable[str]) -> set[str]:
    """The stored slugs that are one of `bases` or one of them with a number suffix."""
    bases = sorted(set(bases))
    clashing = set(session.scalars(select(Speaker.slug).where(Speaker.slug.in_(bases))))
    if not clashing:
        return set()
    numbered = or_(
        *(Speaker.slug.like(f"{escape_like(b)}-%", escape="\\") for b in sorted(clashing))
    )
    return clashing | set(session.scalars(select(Speaker.slug).where(numbered)))


def search_speakers(
    session: Session, query: str | None, limit: int = 50, offset: int = 0
) -> list[tuple[Speaker, int]]:
    """Speakers whose name or aliases contain `query`, with quote counts, most quoted first
    (then by name and id, an order that pages can follow)."""
    counts = (
        select(Quote.speaker_id, func.count(Quote.id).label("n"))
        .group_by(Quote.speaker_id)
        .subquery()
    )
    stmt = (
        select(Speaker, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.speaker_id == Speaker.id)
        .order_by(func.coalesce(counts.c.n, 0).desc(), Speaker.name, Speaker.id)
        .limit(limit)
        .offset(offset)
    )
    query = (query or "").replace("\0", "")  # PostgreSQL text cannot hold NUL
    if query:
        pattern = f"%{escape_like(query.lower())}%"
        stmt = stmt.where(
            func.lower(Speaker.name).like(pattern, escape="\\")
            | func.lower(func.array_to_string(Speaker.aliases, " ")).like(pattern, escape="\\")
        )
    return [(speaker, count) for speaker, count in session.execute(stmt)]


def possible_namesakes(
    session: Session, speaker: Speaker, limit: int = MAX_CANDIDATES
) -> list[tuple[Speaker, int]]:
    """Other person records whose surname key starts like this one's, with quote counts:
    what `matching.might_be_same` chooses the "also see" records from."""
    if speaker.kind not in PERSON_LIKE or not speaker.name_key:
        return []
    counts = (
        select(func.count(Quote.id))
        .where(Quote.speaker_id == Speaker.id)
        .correlate(Speaker)
        .scalar_subquery()
    )
    prefix = escape_like(speaker.name_key[:4])
    rows = session.execute(
        select(Speaker, counts)
        .where(
            Speaker.id != speaker.id,
            Speaker.kind.in_(sorted(PERSON_LIKE)),
            Speaker.name_key.like(f"{prefix}%", escape="\\"),
        )
        .order_by(Speaker.id)
        .limit(limit)
    )
    return [(found, count) for found, count in rows]


def count_speaker_quotes(session: Session, speaker_id: int) -> int:
    return session.scalar(select(func.count(Quote.id)).where(Quote.speaker_id == speaker_id)) or 0


def speaker_quote_ids(session: Session, speaker_id: int) -> list[int]:
    return list(session.scalars(select(Quote.id).where(Quote.speaker_id == speaker_id)))


def move_quotes(
    session: Session, from_id: int, to_id: int, only: Sequence[int] | None = None
) -> list[int]:
    """Give one speaker's quotes (or `only` these of them) to another; return the ids moved."""
    stmt = update(Quote).where(Quote.speaker_id == from_id)
    if only is not None:
        stmt = stmt.where(Quote.id.in_(only))
    return list(session.scalars(stmt.values(speaker_id=to_id).returning(Quote.id)))


def move_merges(session: Session, from_id: int, to_id: int) -> None:
    """Merges into one speaker now lead to another (it was merged in turn)."""
    session.execute(
        update(SpeakerMerge).where(SpeakerMerge.kept_id == from_id).values(kept_id=to_id)
    )


def latest_merge(session: Session, ref: str) -> SpeakerMerge | None:
    """The latest merge of the speaker once called `ref` (its old slug or id)."""
    return session.scalar(
        select(SpeakerMerge)
        .where(
            SpeakerMerge.merged_id == int(ref)
            if ref.isdigit() and len(ref) < 19
            else SpeakerMerge.slug == ref
        )
        .order_by(SpeakerMerge.id.desc())
        .limit(1)
    )


class StoredSpeaker(Protocol):
    """What matching reads of a stored speaker: an ORM `Speaker` or a light `SpeakerRow`."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def aliases(self) -> list[str]: ...
    @property
    def kind(self) -> str: ...
    @property
    def name_key(self) -> str: ...
    @property
    def gender(self) -> str | None: ...


@dataclass(slots=True)
class SpeakerRow:
    """A stored speaker as plain values, for candidates that are never chosen."""

    id: int
    name: str
    slug: str
    aliases: list[str]
    kind: str
    name_key: str
    gender: str | None

    COLUMNS: ClassVar = (
        Speaker.id,
        Speaker.name,
        Speaker.slug,
        Speaker.aliases,
        Speaker.kind,
        Speaker.name_key,
        Speaker.gender,
    )


_SPEAKER_LOCK_CLASS = 0x5E4C  # advisory locks (class, hash of a lookup key); see below


def lock_speaker_keys(session: Session, keys: Iterable[str]) -> None:
    """Hold, until this transaction ends, a lock on each speaker lookup key, taken in the
    order of their lock ids (after the article locks, which every writer takes first), so
    two writers cannot deadlock on them."""
    lock_keys(session, _SPEAKER_LOCK_CLASS, keys)


class SpeakerCandidates:
    """Every stored speaker a batch of names could be, fetched in one query, answering
    resolution's questions from memory; speakers created meanwhile join in.

    Entries are light rows until one is chosen (`load`); then the ORM speaker replaces its
    row. Nothing is flushed here: the caller writes the batch's new speakers in one INSERT.

    Before fetching, the transaction locks what it looks up (surname prefixes, organisation
    keys, unparsed names) until it ends: a writer in another process resolving the same
    person waits for this one to commit and then finds its new record, instead of both
    creating one (with two slugs, so no unique key would catch it).
    """

    def __init__(self, session: Session, names: Iterable[tuple[str, str | None]]):
        self.session = session
        exact, multi_word, prefixes, org_keys = set(), set(), set(), set()
        locks = set()
        for name, kind in names:
            exact.add(name)
            if alias_identifies(name, kind):
                multi_word.add(name)
            if (kind or SpeakerKind.unknown) in PERSON_LIKE:
                person = parse_person(name)
                if person is not None:
                    prefixes.add(person.surname_key[:4])
                    locks.add(f"p:{person.surname_key[:4]}")
                else:
                    locks.add(f"n:{name}")
            else:
                org_keys.add(org_key(name))
                locks.add(f"o:{org_key(name)}")
        lock_speaker_keys(session, locks)
        conditions = [Speaker.name.in_(exact), Speaker.name_key.in_(org_keys)]
        if multi_word:
            conditions.append(Speaker.aliases.overlap(sorted(multi_word)))
        conditions += [
            Speaker.name_key.like(f"{escape_like(prefix)}%", escape="\\") for prefix in prefixes
        ]
        self._entries: dict[object, StoredSpeaker] = {}
        self._by_name: dict[str, object] = {}
        self._by_alias: dict[str, dict[object, None]] = {}
        self._by_key: dict[str, dict[object, None]] = {}  # name_key[:4]
        rows = session.execute(
            select(*SpeakerRow.COLUMNS).where(or_(*conditions)).order_by(Speaker.id)
        )
        for row in rows:
            self._index(row.id, SpeakerRow(*row))

    def _index(self, key: object, entry: StoredSpeaker) -> None:
        """(Re-)index an entry by name, aliases and key prefix: index entries only grow, and
        every answer re-checks the entry's current values."""
        self._entries[key] = entry
        self._by_name.setdefault(entry.name, key)
        for alias in entry.aliases or []:
            self._by_alias.setdefault(alias, {})[key] = None
        self._by_key.setdefault(entry.name_key[:4], {})[key] = None

    @staticmethod
    def _key(speaker: Speaker) -> object:
        return speaker.id if speaker.id is not None else ("new", id(speaker))

    def exact(self, name: str, kind: str | None) -> Speaker | None:
        """The oldest speaker with this exact name, else the oldest with it as an alias that
        identifies (`alias_identifies`); never by slug."""
        key = self._by_name.get(name)
        if key is None and alias_identifies(name, kind):
            key = next(iter(self._by_alias.get(name, {})), None)
        return self.load(self._entries[key]) if key is not None else None

    def people(self, surname_prefix: str) -> list[StoredSpeaker]:
        """People whose name key starts with this prefix, oldest first."""
        if len(surname_prefix) == 4:
            keys = list(self._by_key.get(surname_prefix, {}))
        else:  # a short surname: its prefix spans several index entries
            keys = [k for group in self._by_key.values() for k in group]
        entries = (self._entries[k] for k in dict.fromkeys(keys))
        return [
            e for e in entries if e.kind in PERSON_LIKE and e.name_key.startswith(surname_prefix)
        ][:MAX_CANDIDATES]

    def organisation(self, key: str) -> Speaker | None:
        for k in self._by_key.get(key[:4], {}):
            entry = self._entries[k]
            if entry.kind not in PERSON_LIKE and entry.name_key == key:
                return self.load(entry)
        return None

    def load(self, entry: StoredSpeaker) -> Speaker:
        """The ORM speaker of a chosen entry."""
        if isinstance(entry, Speaker):
            return entry
        speaker = self.session.get(Speaker, entry.id)
        assert speaker is not None
        self._entries[entry.id] = speaker
        return speaker

    def created(self, speaker: Speaker) -> None:
        self.session.add(speaker)
        self._index(self._key(speaker), speaker)

    def settle(self, speaker: Speaker) -> None:
        """Index what resolving changed (new name, aliases)."""
        self._index(self._key(speaker), speaker)
