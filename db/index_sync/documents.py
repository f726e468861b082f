"""Search documents from PostgreSQL: one query for what a batch of quotes' documents need."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Numeric,
    RowMapping,
    Select,
    Text,
    and_,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from db.models import Article, Quote, QuoteStatement, Speaker, SpeakerMerge, Statement
from db.search_index import QuoteDocument, day_ts
from db.speakers.matching import speaker_keys
from db.vocabulary import QuoteType

if TYPE_CHECKING:
    from db.embeddings import Embedder


# The version of what `quote_document` makes of a row: part of every document's digest, so
# documents written by another version of the builder show up in `onrecord check`. Bump it
# whenever the builder (or `speaker_keys`) makes a different document of the same row.
DOCUMENT_FORMAT_VERSION = 1

# What a quote's search document is made of: exactly these columns (its `digest` hashes them)
_DOCUMENT_COLUMNS = (
    Quote.id,
    Quote.text,
    Quote.cited,
    Quote.type,
    Quote.speaker_id,
    Speaker.name.label("speaker_name"),
    Speaker.slug.label("speaker_slug"),
    Speaker.aliases.label("speaker_aliases"),
    Speaker.kind.label("speaker_kind"),
    select(func.array_agg(aggregate_order_by(SpeakerMerge.slug, SpeakerMerge.id)))
    .where(SpeakerMerge.kept_id == Speaker.id)
    .scalar_subquery()
    .label("speaker_merged_slugs"),
    select(func.array_agg(aggregate_order_by(SpeakerMerge.merged_id, SpeakerMerge.id)))
    .where(SpeakerMerge.kept_id == Speaker.id)
    .scalar_subquery()
    .label("speaker_merged_ids"),
    Quote.mention,
    Quote.cue,
    Quote.rule,
    Quote.context,
    Quote.confidence,
    Quote.said_on,
    Quote.article_id,
    Article.title.label("article_title"),
    Article.url.label("article_url"),
    Article.outlet,
    Article.published_at,
    Statement.id.label("statement_id"),
    Statement.first_quote_id,
    Statement.first_outlet,
    Statement.first_on,
    Statement.reports.label("statement_reports"),
    Statement.outlets.label("statement_outlets"),
)


def _digest_of(columns: Sequence[Any]) -> ColumnElement[str]:
    """`VERSION:md5` of the columns as one JSON array (NULLs and string boundaries are kept
    apart; dates are ISO; the confidence as numeric, whatever extra_float_digits says)."""
    values = [c.cast(Numeric) if c is Quote.confidence else c for c in columns]
    array = func.json_build_array(*values).cast(Text)
    return literal(f"{DOCUMENT_FORMAT_VERSION}:", Text) + func.md5(array)


# The digest of a quote's document, computed by PostgreSQL: written into the document by
# the drain and the rebuild, compared by `onrecord check` without building the document.
# The vector is left out: the document carries the stored one, or one computed as it is
# written, and `check` looks for missing vectors in the index itself.
DOCUMENT_DIGEST = _digest_of(_DOCUMENT_COLUMNS).label("digest")

_S = TypeVar("_S", bound=Select)


def _from_documents_tables(stmt: _S, after: int = 0) -> _S:
    """The statement over a quote and what its document shows of other tables (for quotes
    past id `after`: said to the statements' join too, or it would merge-join them all)."""
    in_range = and_(QuoteStatement.quote_id == Quote.id, QuoteStatement.quote_id > after)
    return (
        stmt.join(Article, Article.id == Quote.article_id)
        .outerjoin(Speaker, Speaker.id == Quote.speaker_id)
        .outerjoin(QuoteStatement, in_range)
        .outerjoin(Statement, Statement.id == QuoteStatement.statement_id)
    )


def document_rows(session: Session, ids: Sequence[int]) -> list[RowMapping]:
    """What the search documents of these quotes need, in one query without article texts."""
    stmt = _from_documents_tables(
        select(*_DOCUMENT_COLUMNS, Quote.embedding, DOCUMENT_DIGEST)
    ).where(Quote.id.in_(ids))
    return list(session.execute(stmt.order_by(Quote.id)).mappings())


def document_digests(session: Session, after: int, limit: int) -> list[tuple[int, str]]:
    """The next `limit` quotes after id `after`, ascending: each id with its document's digest
    (nothing is built, only hashed in PostgreSQL)."""
    # The planner costs this query as the whole table's digests, past jit_above_cost, and
    # compiling it would take longer than running it.
    session.execute(text("SET LOCAL jit = off"))
    stmt = _from_documents_tables(select(Quote.id, DOCUMENT_DIGEST), after)
    compiled = stmt.where(Quote.id > after).order_by(Quote.id).limit(limit).compile(session.bind)
    # straight from the driver: SQLAlchemy's result rows cost more than the comparison
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(str(compiled), compiled.params)
        return cursor.fetchall()


def quote_document(row: RowMapping) -> QuoteDocument:
    """The search document of a quote (a `document_rows` row)."""
    said_on = row["said_on"] or row["published_at"]
    return QuoteDocument(
        id=row["id"],
        text=row["text"],
        cited=row["cited"],
        type=QuoteType(row["type"]),
        speaker_id=row["speaker_id"],
        speaker=row["speaker_name"],
        speaker_slug=row["speaker_slug"],
        speaker_aliases=list(row["speaker_aliases"] or []),
        speaker_keys=speaker_keys(
            row["speaker_id"],
            row["speaker_slug"],
            row["speaker_name"],
            row["speaker_kind"],
            [*(row["speaker_aliases"] or []), *(row["speaker_merged_slugs"] or [])],
            row["speaker_merged_ids"] or [],
        ),
        mention=row["mention"],
        cue=row["cue"],
        rule=row["rule"],
        context=row["context"],
        confidence=row["confidence"],
        said_on=said_on.isoformat() if said_on else None,
        said_ts=day_ts(said_on) if said_on else None,
        year=said_on.year if said_on else None,
        article_id=row["article_id"],
        article_title=row["article_title"],
        article_url=row["article_url"],
        outlet=row["outlet"],
        published_at=row["published_at"].isoformat() if row["published_at"] else None,
        statement_id=row["statement_id"],
        statement_reports=row["statement_reports"],
        statement_outlets=row["statement_outlets"],
        first_quote_id=row["first_quote_id"],
        first_outlet=row["first_outlet"],
        first_on=row["first_on"].isoformat() if row["first_on"] else None,
        digest=row["digest"],
    )


def documents(
    session: Session,
    ids: Sequence[int],
    embedder: Embedder | None = None,
    store: bool = True,
    stored_vectors: str | None = None,
) -> list[QuoteDocument]:
    """The search documents of these quotes; with an embedder, each with its vector (missing
    ones computed now and, with `store`, kept: see `vectors`); without one, with
    `stored_vectors` (an embedder's name), each with the vector PostgreSQL holds, or null,
    under that name, none computed (`SearchIndex.stored_vectors`)."""
    rows = document_rows(session, ids)
    docs = [quote_document(row) for row in rows]
    if embedder is not None and rows:
        from db.index_sync.vectors import vectors_for

        vectors = vectors_for(session, rows, embedder, store=store)
        for doc in docs:
            doc["_vectors"] = {embedder.name: vectors.get(doc["id"])}
    elif stored_vectors is not None:
        kept = {}
        if any(row["embedding"] is not None for row in rows):  # numpy only for stored ones
            from db.index_sync.vectors import stored

            kept = stored(rows)
        for doc in docs:
            doc["_vectors"] = {stored_vectors: kept.get(doc["id"])}
    return docs


def iter_quote_id_batches(session: Session, batch_size: int) -> Iterator[list[int]]:
    """Every quote id, ascending, in batches."""
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
