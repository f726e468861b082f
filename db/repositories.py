"""All SQL lives here: functions that take a session and return models or plain values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Select, any_, delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from db.models import Article, IndexState, Quote, QuoteType, Speaker
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


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "speaker"


# --- speakers ---------------------------------------------------------------------------


def find_speaker_by_name(session: Session, name: str) -> Speaker | None:
    speaker = session.scalar(select(Speaker).where(Speaker.slug == slugify(name)))
    if speaker is not None:
        return speaker
    return session.scalar(
        select(Speaker).where(any_(Speaker.aliases) == name).order_by(Speaker.id).limit(1)
    )


def get_or_create_speaker(
    session: Session, name: str, aliases: Iterable[str] = (), description: str | None = None
) -> Speaker:
    """The speaker record for a canonical name, learning new aliases and a description."""
    speaker = find_speaker_by_name(session, name)
    if speaker is None:
        speaker = Speaker(
            name=name, slug=_free_slug(session, slugify(name)), aliases=[], description=description
        )
        session.add(speaker)
    known = set(speaker.aliases or [])
    new_aliases = [a for a in dict.fromkeys(aliases) if a and a != speaker.name and a not in known]
    if new_aliases:
        speaker.aliases = [*(speaker.aliases or []), *new_aliases]
    if description and not speaker.description:
        speaker.description = description
    session.flush()
    return speaker


def _free_slug(session: Session, slug: str) -> str:
    candidate, n = slug, 1
    while session.scalar(select(Speaker.id).where(Speaker.slug == candidate)) is not None:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


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
        return StoredArticle(existing, StoreStatus.unchanged, list(existing.quotes), [])
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
    for draft in drafts:
        if draft.speaker and draft.speaker not in speakers:
            speakers[draft.speaker] = get_or_create_speaker(
                session, draft.speaker, draft.speaker_aliases, draft.speaker_description
            )
    quotes = [
        Quote(
            article=article,
            speaker=speakers.get(draft.speaker) if draft.speaker else None,
            mention=draft.mention,
            mention_start=draft.mention_start,
            mention_end=draft.mention_end,
            text=draft.text,
            type=QuoteType(draft.type),
            start=draft.start,
            end=draft.end,
            cue=draft.cue,
            context=draft.context,
            said_on=draft.said_on or article_in.published_at,
            confidence=draft.confidence,
            index_state=IndexState.pending,
        )
        for draft in drafts
    ]
    session.add_all(quotes)
    session.flush()
    return StoredArticle(article, status, quotes, removed)


def get_article(session: Session, article_id: int) -> Article | None:
    return session.scalar(
        select(Article)
        .where(Article.id == article_id)
        .options(joinedload(Article.quotes).joinedload(Quote.speaker))
    )


def get_quote(session: Session, quote_id: int) -> Quote | None:
    return session.scalar(_quote_query().where(Quote.id == quote_id))


def quotes_by_ids(session: Session, ids: Sequence[int]) -> list[Quote]:
    return list(session.scalars(_quote_query().where(Quote.id.in_(ids)).order_by(Quote.id)))


def recent_quotes_of_speaker(session: Session, speaker_id: int, limit: int = 20) -> list[Quote]:
    return list(
        session.scalars(
            _quote_query()
            .where(Quote.speaker_id == speaker_id)
            .order_by(Quote.said_on.desc().nulls_last(), Quote.id.desc())
            .limit(limit)
        )
    )


def pending_quote_ids(session: Session, limit: int) -> list[int]:
    return list(
        session.scalars(
            select(Quote.id)
            .where(Quote.index_state == IndexState.pending)
            .order_by(Quote.id)
            .limit(limit)
        )
    )


def count_pending(session: Session) -> int:
    return (
        session.scalar(select(func.count(Quote.id)).where(Quote.index_state == IndexState.pending))
        or 0
    )


def mark_indexed(session: Session, ids: Sequence[int]) -> None:
    session.execute(update(Quote).where(Quote.id.in_(ids)).values(index_state=IndexState.indexed))


def mark_all_pending(session: Session) -> None:
    session.execute(update(Quote).values(index_state=IndexState.pending))


def all_quote_ids(session: Session) -> set[int]:
    return set(session.scalars(select(Quote.id)))


def indexed_quote_ids(session: Session) -> set[int]:
    return set(session.scalars(select(Quote.id).where(Quote.index_state == IndexState.indexed)))


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
