"""Grouping changed quotes into statements, inside the outbox drain (after ingest's commit).

A statement is the quotes of one speaker whose words are near-identical: an in-order word
match ratio (`word_match_ratio`, on the verifier's folded words) of at least MATCH_RATIO with
another member. Candidates are the quotes of the same speaker sharing a fingerprint
(`fingerprints`), found through the btree on (speaker, hash); only they are compared.

The drain calls `group_quotes` with each batch of changed quotes before it builds their
documents, under the drain lock, so groupings never race. A new quote joins (or joins up)
the statements it matches; a quote that leaves one (deleted, rejected, or given another
speaker) dissolves it and its other members are grouped afresh, since it may have been the
link between them. A statement's id is its smallest quote id; its first report and counts
are recomputed for every statement a batch touches, and the quotes of those that changed are
handed back to be queued for the index, so their documents follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Text,
    any_,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.orm import QueryableAttribute, Session, aliased

from db.bulk import copy_rows
from db.models import Article, Quote, QuoteFingerprint, QuoteStatement, Statement
from db.statements.fingerprints import fingerprints, folded_words
from db.verification.compare import word_match_ratio
from db.verification.normalise import Words

MATCH_RATIO = 0.9
STATEMENT_COLUMNS = (
    "id", "speaker_id", "first_quote_id", "first_outlet", "first_on", "reports", "outlets"
)  # fmt: skip


def _among(column: QueryableAttribute[int], ids: Iterable[int]) -> ColumnElement[bool]:
    """`column = ANY(array)`: one parameter however many ids (an IN list of ten thousand
    parameters costs more to build and parse than the query takes)."""
    return column == any_(literal(list(ids), ARRAY(BigInteger)))


def _words(cited: str) -> Words:
    """A quote's folded words as `word_match_ratio` compares them; their spans in the text,
    which it never reads, are left out (finding them cost more than the folding)."""
    return Words(text=cited, folded=folded_words(cited), spans=())


@dataclass
class _Quote:
    speaker_id: int
    words: Words


@dataclass
class _Components:
    """Union-find over quotes being grouped ("q", id) and existing statements ("s", id)."""

    parent: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)

    def find(self, node: tuple[str, int]) -> tuple[str, int]:
        root = self.parent.setdefault(node, node)
        while root != self.parent[root]:
            root = self.parent[root]
        while node != root:  # path compression
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: tuple[str, int], b: tuple[str, int]) -> None:
        self.parent[self.find(a)] = self.find(b)

    def groups(self) -> list[list[tuple[str, int]]]:
        by_root: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for node in list(self.parent):
            by_root.setdefault(self.find(node), []).append(node)
        return list(by_root.values())


def group_quotes(session: Session, quote_ids: Iterable[int]) -> list[int]:
    """Bring the statements of these changed quotes up to date in this transaction; the
    other quotes whose documents changed with them, for the caller to queue."""
    ids = sorted(set(quote_ids))
    if not ids:
        return []
    grouped = {
        q: (s, sp)
        for q, s, sp in session.execute(
            select(
                QuoteStatement.quote_id, QuoteStatement.statement_id, QuoteStatement.speaker_id
            ).where(_among(QuoteStatement.quote_id, ids))
        )
    }
    current = {
        q: (sp, cited)
        for q, sp, cited in session.execute(
            select(Quote.id, Quote.speaker_id, Quote.cited).where(_among(Quote.id, ids))
        )
    }
    leaving = {q for q, (_, sp) in grouped.items() if q not in current or current[q][0] != sp}
    dissolved = {grouped[q][0] for q in leaving}
    touched = {s for q, (s, _) in grouped.items() if q not in leaving}
    regroup = set(leaving)
    if dissolved:  # their other members are grouped again, from scratch
        rest = session.execute(
            select(QuoteStatement.quote_id, Quote.speaker_id, Quote.cited)
            .outerjoin(Quote, Quote.id == QuoteStatement.quote_id)
            .where(_among(QuoteStatement.statement_id, dissolved))
        )
        for q, sp, cited in rest:
            regroup.add(q)
            if cited is not None:
                current.setdefault(q, (sp, cited))
        touched |= dissolved
    if regroup:
        session.execute(delete(QuoteStatement).where(_among(QuoteStatement.quote_id, regroup)))
        session.execute(delete(QuoteFingerprint).where(_among(QuoteFingerprint.quote_id, regroup)))
    pending = {
        q: _Quote(sp, _words(cited))
        for q, (sp, cited) in current.items()
        if sp is not None and (q not in grouped or q in regroup)
    }
    alone: set[int] = set()
    if pending:
        written, alone = _group(session, pending)
        alone -= touched  # a row of that id may be stored: compared as any other statement
        touched |= written - alone
    return _refresh(session, touched, exclude=set(ids)) + _store_alone(
        session, alone, exclude=set(ids)
    )


def _group(session: Session, pending: dict[int, _Quote]) -> tuple[set[int], set[int]]:
    """Store the fingerprints and statements of the quotes in `pending` (none grouped now);
    the ids of the statements written or emptied, and of those that are one pending quote
    alone (most of them: a statement is mostly reported once)."""
    rows = [
        (q, h, quote.speaker_id)
        for q, quote in pending.items()
        for h in fingerprints(quote.words.folded)
    ]
    copy_rows(session, "quote_fingerprint", ("quote_id", "hash", "speaker_id"), rows)
    _fresh_statistics(session, len(rows))
    mine, theirs = aliased(QuoteFingerprint), aliased(QuoteFingerprint)
    pairs = set(
        session.execute(
            select(mine.quote_id, theirs.quote_id)
            .join(
                theirs,
                (theirs.speaker_id == mine.speaker_id)
                & (theirs.hash == mine.hash)
                & (theirs.quote_id != mine.quote_id),
            )
            .where(_among(mine.quote_id, list(pending)))
            .distinct()
        ).all()
    )
    others = {b for _, b in pairs if b not in pending}
    statement_of: dict[int, int] = {}
    words_of: dict[int, Words] = {}
    if others:  # grouped quotes still of the speaker they were grouped under
        for q, s, cited in session.execute(
            select(Quote.id, QuoteStatement.statement_id, Quote.cited)
            .join(QuoteStatement, QuoteStatement.quote_id == Quote.id)
            .where(_among(Quote.id, others), Quote.speaker_id == QuoteStatement.speaker_id)
        ):
            statement_of[q], words_of[q] = s, _words(cited)
    components = _Components()
    for q in pending:
        components.find(("q", q))
    for a, b in pairs:
        if b in pending:
            if a < b and _same(pending[a].words, pending[b].words):
                components.union(("q", a), ("q", b))
        elif b in statement_of and _same(pending[a].words, words_of[b]):
            components.union(("q", a), ("s", statement_of[b]))
    written: set[int] = set()
    alone: set[int] = set()
    rows = []
    for group in components.groups():
        quotes = [n for kind, n in group if kind == "q"]
        statements = [n for kind, n in group if kind == "s"]
        if len(group) == 1 and quotes:
            alone.add(quotes[0])
        statement_id = min(quotes + statements)
        merged = [s for s in statements if s != statement_id]
        if merged:
            session.execute(
                update(QuoteStatement)
                .where(_among(QuoteStatement.statement_id, merged))
                .values(statement_id=statement_id)
            )
        written |= {statement_id, *merged}
        rows += [(q, statement_id, pending[q].speaker_id) for q in quotes]
    copy_rows(session, "quote_statement", ("quote_id", "statement_id", "speaker_id"), rows)
    return written, alone


def _fresh_statistics(session: Session, written: int) -> None:
    """ANALYZE the fingerprints while PostgreSQL believes them fewer than one batch wrote.

    Statistics taken of a new or nearly empty table make the planner expect a row or two and
    join the batch against the table by scanning it once per fingerprint (minutes for one
    batch); autovacuum would catch up only after the drain's transaction. Once the table
    holds more than a batch, its statistics scale with its size and this never runs again.
    """
    believed = session.scalar(
        text("SELECT reltuples FROM pg_class WHERE oid = 'quote_fingerprint'::regclass")
    )
    if believed is not None and believed < written:
        session.execute(text("ANALYZE quote_fingerprint"))


def _same(first: Words, second: Words) -> bool:
    """Near-identical: the lengths allow the ratio (a cheap test first), then the words do."""
    shorter, longer = sorted((len(first), len(second)))
    if 2 * shorter < MATCH_RATIO * (shorter + longer):
        return False
    return word_match_ratio(first, second) >= MATCH_RATIO


def _store_alone(session: Session, statement_ids: set[int], exclude: set[int]) -> list[int]:
    """Write the statements of quotes alone, whose ids no stored row has, in one INSERT from
    their quotes and articles: the row `_refresh` would compute (first report the quote
    itself, one report, one outlet) without its aggregate and comparison; their quotes
    outside `exclude`, whose documents change with them."""
    if not statement_ids:
        return []
    session.execute(
        insert(Statement).from_select(
            STATEMENT_COLUMNS,
            select(
                Quote.id,
                QuoteStatement.speaker_id,
                Quote.id,
                Article.outlet,
                func.coalesce(Article.published_at, Quote.said_on),
                literal(1),
                literal(1),
            )
            .join(QuoteStatement, QuoteStatement.quote_id == Quote.id)
            .join(Article, Article.id == Quote.article_id)
            .where(_among(Quote.id, statement_ids)),
        )
    )
    return sorted(statement_ids - exclude)


def _refresh(session: Session, statement_ids: set[int], exclude: set[int]) -> list[int]:
    """Recompute the first report and counts of these statements, drop the emptied ones; the
    quotes (outside `exclude`) of each statement whose row changed."""
    if not statement_ids:
        return []
    wanted = list(statement_ids)
    day = func.coalesce(Article.published_at, Quote.said_on)
    order = (day.asc().nulls_last(), Quote.id.asc())
    fresh = {
        row[0]: tuple(row[1:])
        for row in session.execute(
            select(
                QuoteStatement.statement_id,
                func.min(QuoteStatement.speaker_id),
                func.array_agg(aggregate_order_by(Quote.id, *order))[1],
                func.array_agg(aggregate_order_by(Article.outlet, *order))[1],
                func.array_agg(aggregate_order_by(day, *order))[1],
                func.count(),
                func.count(
                    func.distinct(
                        func.coalesce(Article.outlet, literal("article ") + cast(Article.id, Text))
                    )
                ),
            )
            .join(Quote, Quote.id == QuoteStatement.quote_id)
            .join(Article, Article.id == Quote.article_id)
            .where(_among(QuoteStatement.statement_id, wanted))
            .group_by(QuoteStatement.statement_id)
        )
    }
    stored = {
        row[0]: tuple(row[1:])
        for row in session.execute(
            select(
                Statement.id,
                Statement.speaker_id,
                Statement.first_quote_id,
                Statement.first_outlet,
                Statement.first_on,
                Statement.reports,
                Statement.outlets,
            ).where(_among(Statement.id, wanted))
        )
    }
    changed = [s for s, row in fresh.items() if stored.get(s) != row]
    gone = [s for s in stored if s not in fresh]
    if changed or gone:
        session.execute(delete(Statement).where(_among(Statement.id, [*changed, *gone])))
    if not changed:
        return []
    copy_rows(
        session,
        "statement",
        STATEMENT_COLUMNS,
        ((s, *fresh[s]) for s in changed),
    )
    return [
        q
        for q in session.scalars(
            select(QuoteStatement.quote_id).where(_among(QuoteStatement.statement_id, changed))
        )
        if q not in exclude
    ]
