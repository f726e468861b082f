"""Writing articles with their quotes inside one transaction, many at a time with COPY.

One path for one article and for an archive batch: plan rounds (a batch that holds the same
content or URL twice stores it in order), sort each round's articles into unchanged, updated
(a known URL with new content) and new, write the article rows, resolve speakers once per
distinct name, COPY the quotes and their outbox events, and apply editors' corrections again
to the re-extracted quotes of updated articles.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from db.articles import repository
from db.bulk import copy_rows, next_ids
from db.corrections.service import reapply_corrections
from db.index_sync.outbox import enqueue
from db.records import ArticleIn, QuoteDraft
from db.speakers.service import SpeakerCache, resolve_speakers
from db.vocabulary import QuoteType, StoreStatus

ArticleWithQuotes = tuple[ArticleIn, Sequence[QuoteDraft]]

_ARTICLE_COLUMNS = (
    *("url", "outlet", "title", "author", "published_at", "text", "content_hash"),
    *("source", "source_offset"),
)
# What a re-post of stored content may correct (the title is part of the content's hash).
_METADATA = ("url", "outlet", "author", "published_at")
# A quote's own columns, in the order `_quote_values` gives them.
_QUOTE_COLUMNS = (
    "mention",
    "mention_start",
    "mention_end",
    "text",
    "cited",
    "parts",
    "rule",
    "type",
    "start",
    "end",
    "cue",
    "context",
    "said_on",
    "confidence",
)


@dataclass
class StoredArticle:
    article_id: int
    status: StoreStatus
    quote_ids: list[int]  # the article's quotes now (for an unchanged one, the stored ones)


@dataclass
class _Planned:
    position: int
    article: ArticleIn
    drafts: Sequence[QuoteDraft]
    digest: str
    article_id: int = 0
    status: StoreStatus = StoreStatus.new
    corrected: dict[str, object] = field(default_factory=dict)  # metadata a re-post changes


def write_articles(
    session: Session, batch: Sequence[ArticleWithQuotes], cache: SpeakerCache
) -> list[StoredArticle]:
    """Store articles and their quotes in this transaction; results in the batch's order.

    Known content is `unchanged`, unless the re-post corrects its URL, outlet, author or
    date: then it is `updated` (a new date re-extracts its quotes, since dates said depend on
    it; the rest keeps them and re-indexes them). A known URL with new content is `updated`
    (its quotes are replaced); the rest is `new`. Every quote written or removed gets an
    outbox event.
    """
    outcomes: dict[int, StoredArticle] = {}
    for round_ in _rounds(batch):
        for planned, stored in _write_round(session, round_, cache):
            outcomes[planned.position] = stored
    return [outcomes[p] for p in range(len(batch))]


def _rounds(batch: Sequence[ArticleWithQuotes]) -> list[list[_Planned]]:
    """Split a batch so no round holds one content or URL twice; repeats go to a later round
    than their predecessor, so they are stored in the batch's order."""
    rounds: list[list[_Planned]] = []
    last_round: dict[str, int] = {}  # content hash or URL → the last round it is in
    for position, (article, drafts) in enumerate(batch):
        digest = article.content_hash()
        keys = [digest, *([f"url:{article.url}"] if article.url else [])]
        number = max((last_round[k] + 1 for k in keys if k in last_round), default=0)
        if number == len(rounds):
            rounds.append([])
        rounds[number].append(_Planned(position, article, drafts, digest))
        for key in keys:
            last_round[key] = number
    return rounds


def _write_round(
    session: Session, round_: list[_Planned], cache: SpeakerCache
) -> list[tuple[_Planned, StoredArticle]]:
    _classify(session, round_)
    # re-posts that correct only metadata keep their quotes (and their ids): re-tagged
    retagged = [p for p in round_ if p.corrected and "published_at" not in p.corrected]
    kept = [p for p in round_ if p.status == StoreStatus.unchanged or p in retagged]
    updated = [p for p in round_ if p.status == StoreStatus.updated and p not in retagged]
    new = [p for p in round_ if p.status == StoreStatus.new]
    removed = _replace_updated(session, updated)
    _insert_new(session, new)
    for p in retagged:
        repository.update_article(session, p.article_id, p.corrected)
    quote_ids = _insert_quotes(session, [*updated, *new], cache)
    existing = repository.quote_ids_of(session, [p.article_id for p in kept])
    retagged_ids = [i for p in retagged for i in existing[p.article_id]]  # new metadata
    enqueue(session, [*_flat(removed), *_flat(quote_ids), *retagged_ids])
    rejected = reapply_corrections(session, [p.article_id for p in updated])
    quote_ids = {pos: [i for i in ids if i not in rejected] for pos, ids in quote_ids.items()}
    for p in kept:
        quote_ids[p.position] = existing[p.article_id]
    return [(p, StoredArticle(p.article_id, p.status, quote_ids[p.position])) for p in round_]


def _classify(session: Session, round_: list[_Planned]) -> None:
    """Unchanged when the content is stored, updated when the URL is, else new."""
    by_hash = repository.ids_by_hash(session, [p.digest for p in round_])
    by_url = repository.ids_by_url(session, [p.article.url for p in round_ if p.article.url])
    for planned in round_:
        if planned.digest in by_hash:
            planned.status, planned.article_id = StoreStatus.unchanged, by_hash[planned.digest]
        elif planned.article.url in by_url:
            planned.status, planned.article_id = StoreStatus.updated, by_url[planned.article.url]
    known = [p for p in round_ if p.status != StoreStatus.new]
    stored = repository.metadata_of(session, [p.article_id for p in known])
    for planned in known:
        if planned.status == StoreStatus.unchanged:
            _correct_metadata(planned, stored[planned.article_id], by_url)
        else:
            _keep_left_out(planned, stored[planned.article_id])


def _correct_metadata(planned: _Planned, stored: dict[str, object], by_url: dict[str, int]) -> None:
    """A re-post of stored content with another URL, outlet, author or date corrects them
    (a value it leaves out keeps the stored one; a URL another article holds stays there)."""
    given = {name: getattr(planned.article, name) for name in _METADATA}
    corrected = {
        name: value for name, value in given.items() if value is not None and value != stored[name]
    }
    url = corrected.get("url")
    if url is not None and by_url.get(str(url), planned.article_id) != planned.article_id:
        del corrected["url"]
    if not corrected:
        return
    planned.status, planned.corrected = StoreStatus.updated, corrected
    _keep_left_out(planned, stored)


def _keep_left_out(planned: _Planned, stored: dict[str, object]) -> None:
    """Metadata a re-post leaves out keeps its stored value."""
    kept = {name: stored[name] for name in _METADATA if getattr(planned.article, name) is None}
    planned.article = planned.article.model_copy(update=kept)


def _article_values(planned: _Planned) -> tuple[object, ...]:
    a = planned.article
    return (
        *(a.url, a.outlet, a.title, a.author, a.published_at, a.text, planned.digest),
        *(a.source, a.source_offset),
    )


def _replace_updated(session: Session, updated: list[_Planned]) -> dict[int, list[int]]:
    """Give edited articles their new content and remove their old quotes."""
    removed: dict[int, list[int]] = {}
    for planned in updated:
        removed[planned.position] = repository.delete_quotes_of(session, [planned.article_id])
        values = dict(zip(_ARTICLE_COLUMNS, _article_values(planned), strict=True))
        repository.update_article(session, planned.article_id, values)
    return removed


def _insert_new(session: Session, new: list[_Planned]) -> None:
    for planned, article_id in zip(new, next_ids(session, "article", len(new)), strict=True):
        planned.article_id = article_id
    copy_rows(
        session,
        "article",
        ("id", *_ARTICLE_COLUMNS),
        ((p.article_id, *_article_values(p)) for p in new),
    )


def _quote_values(draft: QuoteDraft, published_at: date | None) -> tuple[object, ...]:
    """A quote's own columns from its draft; said on the publication day unless it says."""
    return (
        draft.mention,
        draft.mention_start,
        draft.mention_end,
        draft.text,
        draft.cited,
        json.dumps([list(part) for part in draft.parts]),  # COPY text: the jsonb parses it
        draft.rule or None,  # NULL: no rule recorded
        QuoteType(draft.type),  # psycopg writes an enum by name, as SQLAlchemy stores it
        draft.start,
        draft.end,
        draft.cue,
        draft.context,
        draft.said_on or published_at,
        draft.confidence,
    )


def _insert_quotes(
    session: Session, written: list[_Planned], cache: SpeakerCache
) -> dict[int, list[int]]:
    """COPY the quotes of written articles, speakers resolved for the lot; ids by position."""
    drafts = [(p, draft) for p in written for draft in p.drafts]
    quote_ids = next_ids(session, "quote", len(drafts))
    speaker_ids = resolve_speakers(session, [draft for _, draft in drafts], cache)
    copy_rows(
        session,
        "quote",
        ("id", "article_id", "speaker_id", *_QUOTE_COLUMNS),
        (
            (quote_id, p.article_id, speaker_id, *_quote_values(d, p.article.published_at))
            for quote_id, speaker_id, (p, d) in zip(quote_ids, speaker_ids, drafts, strict=True)
        ),
    )
    by_article: dict[int, list[int]] = {p.position: [] for p in written}
    for quote_id, (p, _) in zip(quote_ids, drafts, strict=True):
        by_article[p.position].append(quote_id)
    return by_article


def _flat(ids: dict[int, list[int]]) -> list[int]:
    return [i for group in ids.values() for i in group]
