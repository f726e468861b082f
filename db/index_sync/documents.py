"""Search documents from PostgreSQL: one query for what a batch of quotes' documents need."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from psycopg.rows import RowFactory, dict_row, tuple_row
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Enum,
    Select,
    Text,
    and_,
    any_,
    bindparam,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.orm import Session

from db.models import Article, Quote, QuoteStatement, Speaker, SpeakerMerge, Statement
from db.search_index import QuoteDocument, day_ts
from db.speakers.matching import speaker_keys
from db.vocabulary import QuoteType

if TYPE_CHECKING:
    from db.embeddings import Embedder


# The version of what `quote_document` makes of a row: part of every document's digest, so
# documents written by another version of the builder show up in `onrecord check`. Bump it
# whenever the builder (or `speaker_keys`) makes a different document of the same row, or
# the digest is computed another way (2: a row hash instead of the md5 of a JSON array).
DOCUMENT_FORMAT_VERSION = 2

# The records merged into each speaker record, aggregated once for a query and joined (two
# subqueries a row cost PostgreSQL more than the rest of a quote's digest); no merge: NULLs,
# as the subqueries gave, so the digests are unchanged.
_MERGES = (
    select(
        SpeakerMerge.kept_id,
        func.array_agg(aggregate_order_by(SpeakerMerge.slug, SpeakerMerge.id)).label("slugs"),
        func.array_agg(aggregate_order_by(SpeakerMerge.merged_id, SpeakerMerge.id)).label("ids"),
    )
    .group_by(SpeakerMerge.kept_id)
    .subquery("merges")
)

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
    _MERGES.c.slugs.label("speaker_merged_slugs"),
    _MERGES.c.ids.label("speaker_merged_ids"),
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
    """`VERSION:hex` of PostgreSQL's 64-bit hash of the columns as one row: each value by its
    type's own hash function, none printed as text (which cost three times as much as the
    join, and depended on DateStyle and extra_float_digits); NULLs and positions are kept
    apart. Enums as text: one hashes by its label's OID, which a restore changes. pg_upgrade
    keeps hash-partitioned rows where these hashes put them, so they do not change between
    PostgreSQL versions; another CPU's byte order may: `check` would then report every
    quote, and `onrecord reindex` rewrites them."""
    values = [c.cast(Text) if isinstance(c.type, Enum) else c for c in columns]
    hashed = func.to_hex(func.hash_record_extended(func.row(*values), 0))
    return literal(f"{DOCUMENT_FORMAT_VERSION}:", Text) + hashed


# The digest of a quote's document, computed by PostgreSQL: written into the document by
# the drain and the rebuild, compared by `onrecord check` without building the document.
# The vector is left out: the document carries the stored one, or one computed as it is
# written, and `check` looks for missing vectors in the index itself.
DOCUMENT_DIGEST = _digest_of(_DOCUMENT_COLUMNS).label("digest")

_S = TypeVar("_S", bound=Select)
_R = TypeVar("_R")

# A `document_rows` row: column name to value, as the driver gives it
DocumentRow = dict[str, Any]


def _documents_of(stmt: _S, quotes: Callable[[Any], ColumnElement[bool]]) -> _S:
    """The statement over the quotes whose id satisfies `quotes` and what their documents
    show of other tables (the condition is said to the statements' join too, or it would
    merge-join them all)."""
    in_range = and_(QuoteStatement.quote_id == Quote.id, quotes(QuoteStatement.quote_id))
    return (
        stmt.join(Article, Article.id == Quote.article_id)
        .outerjoin(Speaker, Speaker.id == Quote.speaker_id)
        .outerjoin(_MERGES, _MERGES.c.kept_id == Speaker.id)
        .outerjoin(QuoteStatement, in_range)
        .outerjoin(Statement, Statement.id == QuoteStatement.statement_id)
        .where(quotes(Quote.id))
    )


def _driver_rows(session: Session, stmt: Select, row_factory: RowFactory[_R]) -> list[_R]:
    """The statement's rows straight from the driver: SQLAlchemy's result rows cost several
    times what PostgreSQL takes to run these queries. Without JIT: the planner costs them as
    the whole table's, past jit_above_cost, and compiling took longer than running them; a
    batch's rows sorted in memory (4 MB spilled them to disk)."""
    session.execute(text("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"))
    compiled = stmt.compile(session.bind)
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor(row_factory=row_factory) as cursor:
        cursor.execute(str(compiled), compiled.params)
        return cursor.fetchall()


def document_rows(session: Session, ids: Sequence[int]) -> list[DocumentRow]:
    """What the search documents of these quotes need, in one query without article texts."""
    wanted = bindparam("ids", list(ids), type_=ARRAY(BigInteger))
    stmt = _documents_of(
        select(*_DOCUMENT_COLUMNS, Quote.embedding, DOCUMENT_DIGEST),
        lambda quote_id: quote_id == any_(wanted),
    )
    return _driver_rows(session, stmt.order_by(Quote.id), dict_row)


def document_digests(session: Session, after: int, limit: int) -> list[tuple[int, str]]:
    """The next `limit` quotes after id `after`, ascending: each id with its document's digest
    (nothing is built, only hashed in PostgreSQL)."""
    stmt = _documents_of(select(Quote.id, DOCUMENT_DIGEST), lambda quote_id: quote_id > after)
    return _driver_rows(session, stmt.order_by(Quote.id).limit(limit), tuple_row)


_QUOTE_TYPES = {t.value: t for t in QuoteType}  # a lookup: calling the enum cost more


@lru_cache(maxsize=16_384)  # pure; the quotes of a batch share far fewer speaker records
def _speaker_keys(
    speaker_id: int | None,
    slug: str | None,
    name: str | None,
    kind: str | None,
    names: tuple[str, ...],
    old_ids: tuple[int, ...],
) -> tuple[str, ...]:
    return tuple(speaker_keys(speaker_id, slug, name, kind, names, old_ids))


def quote_document(row: Mapping[str, Any]) -> QuoteDocument:
    """The search document of a quote (a `document_rows` row)."""
    said_on = row["said_on"] or row["published_at"]
    return QuoteDocument(
        id=row["id"],
        text=row["text"],
        cited=row["cited"],
        type=_QUOTE_TYPES[row["type"]],
        speaker_id=row["speaker_id"],
        speaker=row["speaker_name"],
        speaker_slug=row["speaker_slug"],
        speaker_aliases=list(row["speaker_aliases"] or []),
        speaker_keys=list(
            _speaker_keys(
                row["speaker_id"],
                row["speaker_slug"],
                row["speaker_name"],
                row["speaker_kind"],
                (*(row["speaker_aliases"] or ()), *(row["speaker_merged_slugs"] or ())),
                tuple(row["speaker_merged_ids"] or ()),
            )
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
