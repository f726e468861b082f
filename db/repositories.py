"""All SQL lives here: functions that take a session and return models or plain values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import RowMapping, Select, delete, func, insert, or_, select, text, update
from sqlalchemy.orm import Session, joinedload

from db import speaker_names
from db.models import ApiKey, Article, IndexOutbox, Quote, QuoteType, Speaker
from db.records import ArticleIn, QuoteDraft


class StoreStatus(StrEnum):
    new = "new"
    unchanged = "unchanged"
    updated = "updated"


@dataclass
class StoredArticle:
    article: Article
    status: StoreStatus
    quotes: list[Quote]
    removed_quote_ids: list[int]
    reindex_quote_ids: list[int]  # other quotes of speakers that learned their full name


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "speaker"


# --- speakers ---------------------------------------------------------------------------


def find_speaker(session: Session, ref: str) -> Speaker | None:
    """A speaker by id, slug or exact name or alias: how a person names one on the CLI."""
    if ref.isdigit():
        return session.get(Speaker, int(ref))
    return SpeakerLookup(session).exact(ref)


class SpeakerLookup:
    """Where `resolve_speaker` finds stored speakers: one query per question."""

    def __init__(self, session: Session):
        self.session = session

    def exact(self, name: str) -> Speaker | None:
        """The speaker with this name's slug, else one with this exact multi-word alias (a
        bare surname alias, "Obama", may belong to several people)."""
        slug = slugify(name)
        matches = Speaker.slug == slug
        if len(name.split()) >= 2:
            matches = matches | Speaker.aliases.contains([name])  # `@>`: the GIN index
        return self.session.scalar(
            select(Speaker)
            .where(matches)
            .order_by((Speaker.slug == slug).desc(), Speaker.id)
            .limit(1)
        )

    def people(self, surname_prefix: str) -> list[Speaker]:
        """People whose name key starts with this prefix, oldest first."""
        return list(
            self.session.scalars(
                select(Speaker)
                .where(
                    Speaker.kind.in_(speaker_names.PERSON_LIKE),
                    Speaker.name_key.like(f"{_escape_like(surname_prefix)}%", escape="\\"),
                )
                .order_by(Speaker.id)
                .limit(500)
            )
        )

    def organisation(self, key: str) -> Speaker | None:
        return self.session.scalar(
            select(Speaker)
            .where(Speaker.kind.not_in(speaker_names.PERSON_LIKE), Speaker.name_key == key)
            .order_by(Speaker.id)
            .limit(1)
        )

    def load(self, speaker: Speaker) -> Speaker:
        """The ORM speaker for a candidate `people` returned."""
        return speaker

    def created(self, speaker: Speaker) -> None:
        self.session.add(speaker)
        self.session.flush()

    def settle(self, speaker: Speaker) -> None:
        """Write what resolving changed (new aliases, descriptions) now."""
        self.session.flush()


class PrefetchedSpeakers(SpeakerLookup):
    """The same questions answered from memory, for a batch of names: every speaker that could
    answer any of them is fetched in one query first, and speakers created meanwhile join in.
    Flushing is left to the caller (one INSERT for the batch)."""

    def __init__(self, session: Session, names: Iterable[tuple[str, str | None]]):
        super().__init__(session)
        slugs, multi_word, prefixes, org_keys = set(), set(), set(), set()
        for name, kind in names:
            slugs.add(slugify(name))
            if len(name.split()) >= 2:
                multi_word.add(name)
            if (kind or speaker_names.UNKNOWN) in speaker_names.PERSON_LIKE:
                person = speaker_names.parse_person(name)
                if person is not None:
                    prefixes.add(person.surname_key[:4])
            else:
                org_keys.add(speaker_names.org_key(name))
        conditions = [Speaker.slug.in_(slugs), Speaker.name_key.in_(org_keys)]
        if multi_word:
            conditions.append(Speaker.aliases.overlap(sorted(multi_word)))
        conditions += [
            Speaker.name_key.like(f"{_escape_like(prefix)}%", escape="\\") for prefix in prefixes
        ]
        # Entries are light rows until one is chosen; then the ORM speaker replaces its row.
        self._entries: dict[object, _SpeakerRow | Speaker] = {}
        self._by_slug: dict[str, object] = {}
        self._by_alias: dict[str, dict[object, None]] = {}
        self._by_key: dict[str, dict[object, None]] = {}  # name_key[:4]
        rows = session.execute(
            select(*_SpeakerRow.COLUMNS).where(or_(*conditions)).order_by(Speaker.id)
        )
        for row in rows:
            self._index(row.id, _SpeakerRow(*row))

    def _index(self, key: object, entry: _SpeakerRow | Speaker) -> None:
        """(Re-)index an entry by slug, aliases and key prefix: index entries only grow, and
        every answer re-checks the entry's current values."""
        self._entries[key] = entry
        self._by_slug.setdefault(entry.slug, key)
        for alias in entry.aliases or []:
            self._by_alias.setdefault(alias, {})[key] = None
        self._by_key.setdefault(entry.name_key[:4], {})[key] = None

    def _key(self, speaker: Speaker) -> object:
        return speaker.id if speaker.id is not None else ("new", id(speaker))

    def exact(self, name: str) -> Speaker | None:
        key = self._by_slug.get(slugify(name))
        if key is None and len(name.split()) >= 2:
            key = next(iter(self._by_alias.get(name, {})), None)
        return self.load(self._entries[key]) if key is not None else None

    def people(self, surname_prefix: str) -> list[Speaker]:
        if len(surname_prefix) == 4:
            keys = list(self._by_key.get(surname_prefix, {}))
        else:  # a short surname: its prefix spans several index entries
            keys = [k for group in self._by_key.values() for k in group]
        entries = (self._entries[k] for k in dict.fromkeys(keys))
        return [
            e
            for e in entries
            if e.kind in speaker_names.PERSON_LIKE and e.name_key.startswith(surname_prefix)
        ][:500]  # type: ignore[return-value]  # rows stand in until `load`

    def organisation(self, key: str) -> Speaker | None:
        for k in self._by_key.get(key[:4], {}):
            entry = self._entries[k]
            if entry.kind not in speaker_names.PERSON_LIKE and entry.name_key == key:
                return self.load(entry)
        return None

    def load(self, entry: _SpeakerRow | Speaker) -> Speaker:
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
        """Index what resolving changed; the batch flushes once, when every name is resolved."""
        self._index(self._key(speaker), speaker)


@dataclass(slots=True)
class _SpeakerRow:
    """What matching reads of a stored speaker, without an ORM object."""

    id: int
    name: str
    slug: str
    aliases: list[str]
    kind: str
    name_key: str

    COLUMNS: ClassVar = (
        Speaker.id,
        Speaker.name,
        Speaker.slug,
        Speaker.aliases,
        Speaker.kind,
        Speaker.name_key,
    )


def _same_person(lookup: SpeakerLookup, name: str) -> Speaker | None:
    """The one stored person this name can only be, or None when none or several could be."""
    person = speaker_names.parse_person(name)
    if person is None:
        return None
    scored = []
    for candidate in lookup.people(person.surname_key[:4]):
        other = speaker_names.parse_person(candidate.name)
        score = speaker_names.person_match_score(person, other) if other else 0.0
        if score > 0:
            scored.append((score, other is not None and other.full, candidate))
    if not scored:
        return None
    if person.full:
        full = sorted((s for s in scored if s[1]), key=lambda s: -s[0])
        if full:
            if len(full) == 1 or full[0][0] - full[1][0] >= 5:
                return full[0][2]
            return None  # two people it could be: keep this one apart
        surname_only = [s for s in scored if not s[1]]
        return surname_only[0][2] if len(surname_only) == 1 else None
    return scored[0][2] if len(scored) == 1 else None


@dataclass
class SpeakerMatch:
    speaker: Speaker
    renamed: bool  # a surname-only record learned the full name: its quotes need reindexing


def resolve_speaker(
    session: Session,
    name: str,
    kind: str | None = None,
    aliases: Iterable[str] = (),
    description: str | None = None,
    lookup: SpeakerLookup | None = None,
) -> SpeakerMatch:
    """The one speaker record for this person or organisation across all articles.

    Exact names and aliases first; then people by surname key and compatible given names
    ("Zelenskyy" → Volodymyr Zelensky); organisations by name without a leading "the".
    """
    lookup = lookup or SpeakerLookup(session)
    kind = kind or speaker_names.UNKNOWN
    person_like = kind in speaker_names.PERSON_LIKE
    speaker = lookup.exact(name)
    if speaker is None and person_like:
        candidate = _same_person(lookup, name)
        speaker = lookup.load(candidate) if candidate is not None else None
    elif speaker is None:
        speaker = lookup.organisation(speaker_names.org_key(name))
    renamed = False
    if speaker is None:
        speaker = Speaker(
            name=name,
            slug=slugify(name),  # free: the exact lookup found no speaker with it
            aliases=[],
            description=description,
            kind=kind,
            name_key=speaker_names.name_key(name, kind),
        )
        lookup.created(speaker)
    elif person_like and speaker.kind in speaker_names.PERSON_LIKE:
        renamed = _learn_fuller_name(speaker, name)
        if kind == speaker_names.PERSON:
            speaker.kind = kind
    known = {speaker.name, *(speaker.aliases or [])}
    new_aliases = [a for a in dict.fromkeys([name, *aliases]) if a and a not in known]
    if new_aliases:
        speaker.aliases = [*(speaker.aliases or []), *new_aliases]
    if description and not speaker.description:
        speaker.description = description
    lookup.settle(speaker)
    return SpeakerMatch(speaker, renamed)


def _learn_fuller_name(speaker: Speaker, name: str) -> bool:
    """ "Zelensky" becomes "Volodymyr Zelensky" once an article gives the full name."""
    stored = speaker_names.parse_person(speaker.name)
    offered = speaker_names.parse_person(name)
    if stored is None or offered is None or stored.full or not offered.full:
        return False
    speaker.aliases = [*(speaker.aliases or []), speaker.name]
    speaker.name = name
    speaker.name_key = speaker_names.name_key(name, speaker_names.PERSON)
    return True


def merge_speakers(session: Session, keep: Speaker, other: Speaker) -> list[int]:
    """Fold `other` into `keep`: its quotes, name, aliases and description; return moved ids."""
    moved = list(
        session.scalars(
            update(Quote)
            .where(Quote.speaker_id == other.id)
            .values(speaker_id=keep.id)
            .returning(Quote.id)
        )
    )
    known = {keep.name, *(keep.aliases or [])}
    learned = [a for a in dict.fromkeys([other.name, *(other.aliases or [])]) if a not in known]
    keep.aliases = [*(keep.aliases or []), *learned]
    keep.description = keep.description or other.description
    session.delete(other)
    session.flush()
    return moved


def enqueue_speaker_quotes(session: Session, speaker_id: int) -> list[int]:
    """Queue a speaker's quotes for reindexing (their documents carry the speaker's name)."""
    ids = list(session.scalars(select(Quote.id).where(Quote.speaker_id == speaker_id)))
    enqueue(session, ids)
    return ids


def get_speaker(session: Session, speaker_id: int) -> Speaker | None:
    return session.get(Speaker, speaker_id)


def search_speakers(
    session: Session, query: str | None, limit: int = 50
) -> list[tuple[Speaker, int]]:
    """Speakers whose name or aliases contain `query`, with quote counts, most quoted first."""
    counts = (
        select(Quote.speaker_id, func.count(Quote.id).label("n"))
        .group_by(Quote.speaker_id)
        .subquery()
    )
    stmt = (
        select(Speaker, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.speaker_id == Speaker.id)
        .order_by(func.coalesce(counts.c.n, 0).desc(), Speaker.name)
        .limit(limit)
    )
    query = (query or "").replace("\0", "")  # PostgreSQL text cannot hold NUL
    if query:
        pattern = f"%{_escape_like(query.lower())}%"
        stmt = stmt.where(
            func.lower(Speaker.name).like(pattern, escape="\\")
            | func.lower(func.array_to_string(Speaker.aliases, " ")).like(pattern, escape="\\")
        )
    return [(speaker, count) for speaker, count in session.execute(stmt)]


def count_speaker_quotes(session: Session, speaker_id: int) -> int:
    return session.scalar(select(func.count(Quote.id)).where(Quote.speaker_id == speaker_id)) or 0


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- articles and quotes ------------------------------------------------------------------


def _quote_query() -> Select[tuple[Quote]]:
    return select(Quote).options(joinedload(Quote.speaker), joinedload(Quote.article))


def store_article(
    session: Session, article_in: ArticleIn, drafts: Sequence[QuoteDraft]
) -> StoredArticle:
    """Insert an article and its quotes or report it unchanged; an edited URL replaces quotes."""
    digest = article_in.content_hash()
    existing = session.scalar(select(Article).where(Article.content_hash == digest))
    if existing is not None:
        return StoredArticle(existing, StoreStatus.unchanged, list(existing.quotes), [], [])
    removed: list[int] = []
    article = None
    if article_in.url:
        article = session.scalar(select(Article).where(Article.url == article_in.url))
    if article is not None:
        removed = list(session.scalars(select(Quote.id).where(Quote.article_id == article.id)))
        session.execute(delete(Quote).where(Quote.article_id == article.id))
        status = StoreStatus.updated
    else:
        article = Article()
        session.add(article)
        status = StoreStatus.new
    article.url = article_in.url
    article.outlet = article_in.outlet
    article.title = article_in.title
    article.author = article_in.author
    article.published_at = article_in.published_at
    article.text = article_in.text
    article.content_hash = digest
    session.flush()

    speakers: dict[str, Speaker] = {}
    reindex: list[int] = []
    for draft in drafts:
        if draft.speaker and draft.speaker not in speakers:
            match = resolve_speaker(
                session,
                draft.speaker,
                draft.speaker_kind,
                draft.speaker_aliases,
                draft.speaker_description,
            )
            speakers[draft.speaker] = match.speaker
            if match.renamed:
                reindex += enqueue_speaker_quotes(session, match.speaker.id)
    quotes = [
        Quote(
            article=article,
            speaker=speakers.get(draft.speaker) if draft.speaker else None,
            **_quote_fields(draft, article_in.published_at),
        )
        for draft in drafts
    ]
    session.add_all(quotes)
    session.flush()
    enqueue(session, [*removed, *(q.id for q in quotes)])
    return StoredArticle(article, status, quotes, removed, reindex)


def _quote_fields(draft: QuoteDraft, published_at: date | None) -> dict:
    """A quote's own columns from its draft, for both write paths (one by one and COPY)."""
    return {
        "mention": draft.mention,
        "mention_start": draft.mention_start,
        "mention_end": draft.mention_end,
        "text": draft.text,
        "type": QuoteType(draft.type),
        "start": draft.start,
        "end": draft.end,
        "cue": draft.cue,
        "context": draft.context,
        "said_on": draft.said_on or published_at,
        "confidence": draft.confidence,
    }


def delete_article(session: Session, article_id: int) -> list[int] | None:
    """Delete an article and its quotes, queueing their removal from the index; None if absent."""
    if session.get(Article, article_id) is None:
        return None
    removed = list(
        session.scalars(delete(Quote).where(Quote.article_id == article_id).returning(Quote.id))
    )
    session.execute(delete(Article).where(Article.id == article_id))
    enqueue(session, removed)
    return removed


def get_article(session: Session, article_id: int) -> Article | None:
    return session.scalar(
        select(Article)
        .where(Article.id == article_id)
        .options(joinedload(Article.quotes).joinedload(Quote.speaker))
    )


def get_quote(session: Session, quote_id: int) -> Quote | None:
    return session.scalar(_quote_query().where(Quote.id == quote_id))


def document_rows(session: Session, ids: Sequence[int]) -> list[RowMapping]:
    """What the search documents of these quotes need, in one query without article texts."""
    stmt = (
        select(
            Quote.id,
            Quote.text,
            Quote.type,
            Quote.speaker_id,
            Speaker.name.label("speaker_name"),
            Speaker.slug.label("speaker_slug"),
            Speaker.aliases.label("speaker_aliases"),
            Quote.mention,
            Quote.cue,
            Quote.context,
            Quote.confidence,
            Quote.said_on,
            Quote.article_id,
            Article.title.label("article_title"),
            Article.url.label("article_url"),
            Article.outlet,
            Article.published_at,
        )
        .join(Article, Article.id == Quote.article_id)
        .outerjoin(Speaker, Speaker.id == Quote.speaker_id)
        .where(Quote.id.in_(ids))
        .order_by(Quote.id)
    )
    return list(session.execute(stmt).mappings())


def get_speaker_by_slug(session: Session, slug: str) -> Speaker | None:
    return session.scalar(select(Speaker).where(Speaker.slug == slug))


def recent_quotes_of_speaker(session: Session, speaker_id: int, limit: int = 20) -> list[Quote]:
    return list(
        session.scalars(
            _quote_query()
            .where(Quote.speaker_id == speaker_id)
            .order_by(Quote.said_on.desc().nulls_last(), Quote.id.desc())
            .limit(limit)
        )
    )


# --- the index outbox ---------------------------------------------------------------------

# One drainer at a time: two could push an older and a newer version of a quote out of order.
_OUTBOX_LOCK = 0x0E1C0D


def enqueue(session: Session, quote_ids: Iterable[int]) -> None:
    """Record that these quotes changed; the index takes them when the outbox is drained."""
    rows = [{"quote_id": quote_id} for quote_id in quote_ids]
    if rows:
        session.execute(insert(IndexOutbox), rows)


def lock_outbox(session: Session, wait: bool) -> bool:
    """Take the drain lock for this transaction; without `wait`, False when someone holds it."""
    if wait:
        session.execute(select(func.pg_advisory_xact_lock(_OUTBOX_LOCK)))
        return True
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(_OUTBOX_LOCK))))


def outbox_batch(session: Session, limit: int, after: int = 0) -> list[tuple[int, int]]:
    """The oldest waiting changes after event `after`, as (event id, quote id)."""
    rows = session.execute(
        select(IndexOutbox.id, IndexOutbox.quote_id)
        .where(IndexOutbox.id > after)
        .order_by(IndexOutbox.id)
        .limit(limit)
    )
    return [(event_id, quote_id) for event_id, quote_id in rows]


def finish_events(session: Session, event_ids: Sequence[int]) -> None:
    session.execute(delete(IndexOutbox).where(IndexOutbox.id.in_(event_ids)))


def fail_events(session: Session, event_ids: Sequence[int], error: str) -> None:
    session.execute(
        update(IndexOutbox)
        .where(IndexOutbox.id.in_(event_ids))
        .values(attempts=IndexOutbox.attempts + 1, last_error=error[:2000])
    )


def drop_visible_events(session: Session) -> None:
    """Forget the changes this transaction's snapshot can see (a rebuild in that snapshot took
    them); changes committed after the snapshot stay queued."""
    session.execute(delete(IndexOutbox))


def count_pending(session: Session) -> int:
    """Quotes whose change waits for the index."""
    return session.scalar(select(func.count(func.distinct(IndexOutbox.quote_id)))) or 0


def outbox_last_error(session: Session) -> str | None:
    return session.scalar(
        select(IndexOutbox.last_error)
        .where(IndexOutbox.last_error.is_not(None))
        .order_by(IndexOutbox.id.desc())
        .limit(1)
    )


def iter_quote_id_batches(session: Session, batch_size: int) -> Iterable[list[int]]:
    last = 0
    while True:
        ids = list(
            session.scalars(
                select(Quote.id).where(Quote.id > last).order_by(Quote.id).limit(batch_size)
            )
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def counts(session: Session) -> dict[str, int]:
    return {
        "articles": session.scalar(select(func.count(Article.id))) or 0,
        "quotes": session.scalar(select(func.count(Quote.id))) or 0,
        "speakers": session.scalar(select(func.count(Speaker.id))) or 0,
        "pending": count_pending(session),
    }


# --- API keys -----------------------------------------------------------------------------


def add_api_key(
    session: Session, name: str, prefix: str, secret_hash: str, scopes: Sequence[str]
) -> ApiKey:
    key = ApiKey(name=name, prefix=prefix, secret_hash=secret_hash, scopes=list(scopes))
    session.add(key)
    session.flush()
    return key


def api_key_by_hash(session: Session, secret_hash: str) -> ApiKey | None:
    return session.scalar(select(ApiKey).where(ApiKey.secret_hash == secret_hash))


def list_api_keys(session: Session, include_revoked: bool = False) -> list[ApiKey]:
    stmt = select(ApiKey).order_by(ApiKey.id)
    if not include_revoked:
        stmt = stmt.where(ApiKey.revoked_at.is_(None))
    return list(session.scalars(stmt))


def find_api_key(session: Session, ref: str) -> ApiKey | None:
    """A key by id or by the prefix shown in `keys list`."""
    if ref.isdigit():
        return session.get(ApiKey, int(ref))
    return session.scalar(select(ApiKey).where(ApiKey.prefix == ref))


def revoke_api_key(session: Session, key: ApiKey) -> None:
    key.revoked_at = key.revoked_at or func.now()
    session.flush()


def touch_api_key(session: Session, key_id: int) -> None:
    session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=func.now()))


# --- bulk ingest ----------------------------------------------------------------------------


@dataclass
class _KnownSpeaker:
    id: int
    names: set[str]  # name and aliases already stored
    described: bool


@dataclass
class SpeakerCache:
    """What one bulk run has learned about speakers, by name and kind.

    A draft whose aliases are all known and whose description adds nothing would leave its
    speaker unchanged, so resolving it again is skipped. Entries made inside a transaction are
    staged and kept only once it commits.
    """

    known: dict[tuple[str, str | None], _KnownSpeaker] = field(default_factory=dict)
    staged: dict[tuple[str, str | None], _KnownSpeaker] = field(default_factory=dict)

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


@dataclass
class BulkOutcome:
    article_id: int
    status: StoreStatus
    quote_ids: list[int]


_ARTICLE_COPY = "COPY article (id, url, outlet, title, author, published_at, text, content_hash)"
_QUOTE_FIELDS = (
    "mention",
    "mention_start",
    "mention_end",
    "text",
    "type",
    "start",
    "end",
    "cue",
    "context",
    "said_on",
    "confidence",
)


def _copy_values(fields: dict) -> tuple:
    # psycopg writes an enum by name, as SQLAlchemy stores it
    return tuple(fields[name] for name in _QUOTE_FIELDS)


_QUOTE_COPY = "COPY quote (id, article_id, speaker_id, {})".format(
    ", ".join(f'"{name}"' for name in _QUOTE_FIELDS)
)


def _next_ids(session: Session, table: str, count: int) -> list[int]:
    if count == 0:
        return []
    sequence = f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))"
    return list(session.scalars(text(f"{sequence} FROM generate_series(1, :n)"), {"n": count}))


def _copy_rows(session: Session, statement: str, rows: Iterable[tuple]) -> None:
    """COPY rows into a table inside the session's transaction (psycopg 3)."""
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"{statement} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def store_articles_bulk(
    session: Session,
    batch: Sequence[tuple[ArticleIn, Sequence[QuoteDraft]]],
    cache: SpeakerCache,
) -> list[BulkOutcome]:
    """Store many articles in this transaction with COPY: the archive-import path.

    Same results as `store_article` one by one: known content is `unchanged`, a known URL with
    new content is `updated` (through `store_article`), the rest is copied in with its quotes
    and their outbox events. Speakers are resolved once per distinct name and details.
    """
    hashes = [article.content_hash() for article, _ in batch]
    known = {
        digest: article_id
        for digest, article_id in session.execute(
            select(Article.content_hash, Article.id).where(Article.content_hash.in_(hashes))
        )
    }
    urls = [article.url for article, _ in batch if article.url]
    taken_urls = set(session.scalars(select(Article.url).where(Article.url.in_(urls))))
    fresh: list[int] = []
    later: list[int] = []  # updates and in-batch repeats, stored one by one afterwards
    new_hashes: set[str] = set()
    new_urls: set[str] = set()
    for position, ((article, _), digest) in enumerate(zip(batch, hashes, strict=True)):
        if digest in known:
            continue
        if digest in new_hashes or (article.url and (article.url in taken_urls | new_urls)):
            later.append(position)
            continue
        fresh.append(position)
        new_hashes.add(digest)
        if article.url:
            new_urls.add(article.url)

    article_ids = dict(zip(fresh, _next_ids(session, "article", len(fresh)), strict=True))
    _copy_rows(
        session,
        _ARTICLE_COPY,
        (
            (
                article_ids[p],
                batch[p][0].url,
                batch[p][0].outlet,
                batch[p][0].title,
                batch[p][0].author,
                batch[p][0].published_at,
                batch[p][0].text,
                hashes[p],
            )
            for p in fresh
        ),
    )
    drafts = [(p, draft) for p in fresh for draft in batch[p][1]]
    quote_ids = _next_ids(session, "quote", len(drafts))
    speaker_ids = _batch_speaker_ids(session, [draft for _, draft in drafts], cache)
    _copy_rows(
        session,
        _QUOTE_COPY,
        (
            (
                quote_id,
                article_ids[p],
                speaker_id,
                *_copy_values(_quote_fields(d, batch[p][0].published_at)),
            )
            for quote_id, speaker_id, (p, d) in zip(quote_ids, speaker_ids, drafts, strict=True)
        ),
    )
    _copy_rows(session, "COPY index_outbox (quote_id)", ((quote_id,) for quote_id in quote_ids))

    by_article: dict[int, list[int]] = {}
    for quote_id, (p, _) in zip(quote_ids, drafts, strict=True):
        by_article.setdefault(p, []).append(quote_id)
    outcomes: dict[int, BulkOutcome] = {
        p: BulkOutcome(article_ids[p], StoreStatus.new, by_article.get(p, [])) for p in fresh
    }
    for p in later:
        stored = store_article(session, *batch[p])
        outcomes[p] = BulkOutcome(stored.article.id, stored.status, [q.id for q in stored.quotes])
    for p, digest in enumerate(hashes):
        if p not in outcomes:
            outcomes[p] = BulkOutcome(known[digest], StoreStatus.unchanged, [])
    return [outcomes[p] for p in range(len(batch))]


def _batch_speaker_ids(
    session: Session, drafts: Sequence[QuoteDraft], cache: SpeakerCache
) -> list[int | None]:
    """Speaker ids for a batch's quotes: cached ones as they are, the rest resolved against
    one prefetch of every speaker they could be, then inserted with one flush."""
    uncached = [d for d in drafts if d.speaker and cache.get(d) is None]
    if not uncached:
        return [cache.get(d) if d.speaker else None for d in drafts]
    lookup = PrefetchedSpeakers(session, {(d.speaker or "", d.speaker_kind) for d in uncached})
    resolved: dict[int, Speaker] = {}
    renamed: list[Speaker] = []
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
                match = resolve_speaker(session, *details, lookup=lookup)
                seen[details] = match.speaker
                if match.renamed:
                    renamed.append(match.speaker)
            resolved[position] = seen[details]
    session.flush()
    for speaker in {s.id: s for s in renamed}.values():
        enqueue_speaker_quotes(session, speaker.id)
    for position, speaker in resolved.items():
        cache.learn(drafts[position], speaker)
    return [
        resolved[p].id if p in resolved else (cache.get(d) if d.speaker else None)
        for p, d in enumerate(drafts)
    ]
