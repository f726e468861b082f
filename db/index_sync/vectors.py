"""Quote vectors: computed once from the cited words, kept in PostgreSQL, sent with documents.

A quote's cited words never change under its id (an edited article gets new quotes), so a
vector is computed the first time a document of the quote is prepared with an embedder and
stored in `quote.embedding`; reindexing and later changes reuse it. Quotes stored while
embeddings were off get theirs when next indexed (`onrecord reindex` fills all of them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from db.embeddings import Embedder, from_bytes, to_bytes
from db.models import Quote
from db.session import transaction


def vectors_for(
    session: Session, rows: Sequence[Mapping[str, Any]], embedder: Embedder, store: bool = True
) -> dict[int, list[float]]:
    """The vector of each row's quote (`document_rows` rows): the stored one, else computed
    now in one batch and, with `store`, kept in this transaction."""
    vectors = {r["id"]: from_bytes(r["embedding"]) for r in rows if r["embedding"] is not None}
    missing = [r for r in rows if r["embedding"] is None]
    if missing:
        computed = embedder.embed([r["cited"] for r in missing])
        if store:
            session.execute(
                update(Quote),
                [
                    {"id": r["id"], "embedding": to_bytes(v)}
                    for r, v in zip(missing, computed, strict=True)
                ],
            )
        vectors.update((r["id"], v) for r, v in zip(missing, computed, strict=True))
    return {quote_id: vector.tolist() for quote_id, vector in vectors.items()}


def stored(rows: Sequence[Mapping[str, Any]]) -> dict[int, list[float]]:
    """The stored vector of each row's quote that has one (`document_rows` rows)."""
    return {
        r["id"]: from_bytes(r["embedding"]).tolist() for r in rows if r["embedding"] is not None
    }


def count_missing(session: Session) -> int:
    """How many quotes have no vector yet."""
    return session.scalar(select(func.count()).where(Quote.embedding.is_(None))) or 0


def embed_missing(
    factory: sessionmaker[Session],
    embedder: Embedder,
    batch_size: int = 512,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Compute and store the vector of every quote that has none, a batch per transaction;
    how many were computed."""
    done, after = 0, 0
    while True:
        with transaction(factory) as session:
            rows = list(
                session.execute(
                    select(Quote.id, Quote.cited)
                    .where(Quote.embedding.is_(None), Quote.id > after)
                    .order_by(Quote.id)
                    .limit(batch_size)
                ).mappings()
            )
            if not rows:
                return done
            computed = embedder.embed([r["cited"] for r in rows])
            session.execute(
                update(Quote),
                [
                    {"id": r["id"], "embedding": to_bytes(v)}
                    for r, v in zip(rows, computed, strict=True)
                ],
            )
        done += len(rows)
        after = rows[-1]["id"]
        if on_batch:
            on_batch(len(rows))
