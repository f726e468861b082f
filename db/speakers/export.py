"""Every stored quote with its speaker record, streamed: what `onrecord export` writes.

Offsets are shifted back into the source file's text (`article.source_offset`: a `.txt`
file's headline and newline), so a stored archive is scored exactly as `onrecord extract`'s
output of the same files.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Article, Quote, Speaker

STREAM_ROWS = 2000


def eval_records(session: Session) -> Iterator[dict]:
    """One dict per quote in the shared scorer's format (`../shared/eval/README.md`) plus
    `speaker_id` and `speaker_slug`: the stored record, which B-cubed scores against people.

    `doc` is the article's source document name, else its URL, else `article-ID`.
    """
    stmt = (
        select(
            Quote.start,
            Quote.end,
            Quote.type,
            Quote.mention_start,
            Quote.mention_end,
            Quote.confidence,
            Quote.speaker_id,
            Speaker.name.label("speaker"),
            Speaker.slug.label("speaker_slug"),
            Article.id.label("article_id"),
            Article.source,
            Article.source_offset,
            Article.url,
        )
        .join(Article, Article.id == Quote.article_id)
        .outerjoin(Speaker, Speaker.id == Quote.speaker_id)
        .order_by(Quote.article_id, Quote.start, Quote.id)
        .execution_options(yield_per=STREAM_ROWS)  # a server-side cursor: memory stays flat
    )
    for row in session.execute(stmt):
        shift = row.source_offset or 0
        yield {
            "doc": row.source or row.url or f"article-{row.article_id}",
            "start": row.start + shift,
            "end": row.end + shift,
            "speaker": row.speaker,
            "speaker_id": row.speaker_id,
            "speaker_slug": row.speaker_slug,
            "speaker_start": None if row.mention_start is None else row.mention_start + shift,
            "speaker_end": None if row.mention_end is None else row.mention_end + shift,
            "type": row.type.value,
            "confidence": row.confidence,
        }
