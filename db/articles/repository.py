"""Article and quote SQL: reads for the API and pages, and the row writes of storing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from db.bulk import lock_keys
from db.index_sync.outbox import count_pending
from db.models import Article, Quote, Speaker


def _quote_query() -> Select[Quote]:
    return select(Quote).options(joinedload(Quote.speaker), joinedload(Quote.article))


def get_article(session: Session, article_id: int) -> Article | None:
    return session.scalar(
        select(Article)
        .where(Article.id == article_id)
        .options(joinedload(Article.quotes).joinedload(Quote.speaker))
    )


def get_quote(session: Session, quote_id: int) -> Quote | None:
    return session.scalar(_quote_query().where(Quote.id == quote_id))


def recent_quotes_of_speaker(session: Session, speaker_id: int, limit: int = 20) -> list[Quote]:
    return list(
        session.scalars(
            _quote_query()
            .where(Quote.speaker_id == speaker_id)
            .order_by(Quote.said_on.desc().nulls_last(), Quote.id.desc())
            .limit(limit)
        )
    )


def counts(session: Session) -> dict[str, int]:
    return {
        "articles": session.scalar(select(func.count(Article.id))) or 0,
        "quotes": session.scalar(select(func.count(Quote.id))) or 0,
        "speakers": session.scalar(select(func.count(Speaker.id))) or 0,
        "pending": count_pending(session),
    }


# --- writes ---------------------------------------------------------------------------------

# Advisory locks on (this class, hash of a URL or content hash): the two-key space, apart
# from the outbox's one-key drain lock.
_ARTICLE_LOCK_CLASS = 0x0A4C


def lock_article_keys(session: Session, keys: Iterable[str]) -> None:
    """Hold, until this transaction ends, a lock on each URL or content hash it will write.

    Writers of one article then take turns: each sees the one before it committed, so an
    edit replaces exactly the quotes stored before it. Taken in the order of their lock ids,
    so two batches sharing articles cannot deadlock.
    """
    lock_keys(session, _ARTICLE_LOCK_CLASS, keys)


def ids_by_hash(session: Session, hashes: Iterable[str]) -> dict[str, int]:
    rows = session.execute(
        select(Article.content_hash, Article.id).where(Article.content_hash.in_(list(hashes)))
    )
    return {digest: article_id for digest, article_id in rows}


def metadata_of(session: Session, article_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each article's metadata that a re-post of the same content may correct."""
    rows = session.execute(
        select(Article.id, Article.url, Article.outlet, Article.author, Article.published_at).where(
            Article.id.in_(article_ids)
        )
    )
    return {
        row.id: {
            "url": row.url,
            "outlet": row.outlet,
            "author": row.author,
            "published_at": row.published_at,
        }
        for row in rows
    }


def ids_by_url(session: Session, urls: Iterable[str]) -> dict[str, int]:
    rows = session.execute(select(Article.url, Article.id).where(Article.url.in_(list(urls))))
    return {url: article_id for url, article_id in rows if url is not None}


def quote_ids_of(session: Session, article_ids: Sequence[int]) -> dict[int, list[int]]:
    """Each article's quote ids in text order."""
    found: dict[int, list[int]] = {article_id: [] for article_id in article_ids}
    rows = session.execute(
        select(Quote.article_id, Quote.id)
        .where(Quote.article_id.in_(article_ids))
        .order_by(Quote.start, Quote.id)
    )
    for article_id, quote_id in rows:
        found[article_id].append(quote_id)
    return found


def delete_quotes_of(session: Session, article_ids: Sequence[int]) -> list[int]:
    """Delete these articles' quotes; return their ids."""
    if not article_ids:
        return []
    return list(
        session.scalars(delete(Quote).where(Quote.article_id.in_(article_ids)).returning(Quote.id))
    )


def update_article(session: Session, article_id: int, values: dict[str, Any]) -> None:
    session.execute(update(Article).where(Article.id == article_id).values(**values))


def delete_article(session: Session, article_id: int) -> list[int] | None:
    """Delete an article and its quotes; return the quote ids, or None if there is no such
    article."""
    if session.get(Article, article_id) is None:
        return None
    removed = delete_quotes_of(session, [article_id])
    session.execute(delete(Article).where(Article.id == article_id))
    return removed
