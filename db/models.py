"""ORM models: PostgreSQL is the source of truth for articles, speakers and quotes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.vocabulary import DeliveryStatus, QuoteType, SpeakerKind, WebhookEvent


class Base(DeclarativeBase):
    pass


class Article(Base):
    __tablename__ = "article"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    url: Mapped[str | None] = mapped_column(Text, unique=True)
    outlet: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(300))
    published_at: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The document it was read from (a file's stem, as `onrecord extract` names it) and where
    # `text` starts in that file's text: how stored quotes are scored against the file.
    source: Mapped[str | None] = mapped_column(Text)
    source_offset: Mapped[int | None] = mapped_column(Integer)
    ingested_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    quotes: Mapped[list[Quote]] = relationship(
        back_populates="article", order_by="Quote.start", passive_deletes=True
    )


class Speaker(Base):
    __tablename__ = "speaker"
    __table_args__ = (
        Index("ix_speaker_name_key", "name_key", postgresql_ops={"name_key": "text_pattern_ops"}),
        Index("ix_speaker_aliases", "aliases", postgresql_using="gin"),
        Index("ix_speaker_name", "name"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    slug: Mapped[str] = mapped_column(String(300), unique=True)
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    description: Mapped[str | None] = mapped_column(Text)
    # people are matched across articles by name_key (see db/speakers/matching.py)
    kind: Mapped[SpeakerKind] = mapped_column(
        Enum(
            SpeakerKind,
            native_enum=False,  # a VARCHAR as migration 0002 made it
            length=20,
            values_callable=lambda kinds: [k.value for k in kinds],
        ),
        server_default=SpeakerKind.unknown.value,
    )
    name_key: Mapped[str] = mapped_column(String(300), server_default="")
    # "m" or "f" once an honorific or pronoun of a confident quote said so; None unknown
    gender: Mapped[str | None] = mapped_column(String(1))

    quotes: Mapped[list[Quote]] = relationship(back_populates="speaker")


class SpeakerMerge(Base):
    """A speaker record folded into another: what it was and which quotes moved, so its old
    slug and id still lead to the kept record and the merge can be undone."""

    __tablename__ = "speaker_merge"
    __table_args__ = (
        Index("ix_speaker_merge_kept_id", "kept_id"),
        Index("ix_speaker_merge_slug", "slug"),
        Index("ix_speaker_merge_merged_id", "merged_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kept_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("speaker.id", ondelete="CASCADE"), nullable=False
    )
    merged_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    slug: Mapped[str] = mapped_column(String(300), nullable=False)
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    added_aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    name_key: Mapped[str] = mapped_column(String(300), nullable=False)
    quote_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), nullable=False)
    merged_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class Quote(Base):
    __tablename__ = "quote"
    __table_args__ = (
        Index("ix_quote_article_id", "article_id"),
        Index("ix_quote_speaker_id", "speaker_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speaker.id", ondelete="SET NULL"))
    mention: Mapped[str | None] = mapped_column(Text)
    mention_start: Mapped[int | None] = mapped_column(Integer)
    mention_end: Mapped[int | None] = mapped_column(Integer)
    # the exact source span, article.text[start:end] (narration between parts included)
    text: Mapped[str] = mapped_column(Text)
    # the words as a journalist cites them: parts joined with " … ", narration left out
    cited: Mapped[str] = mapped_column(Text)
    # [[start, end], …]: each quoted part inside its marks (reported speech: its content)
    parts: Mapped[list[list[int]]] = mapped_column(JSONB)
    # '<type>_<pattern>:<resolution>' (indexer/extract/rules.py); NULL for quotes stored
    # before migration 0005, which did not record it
    rule: Mapped[str | None] = mapped_column(String(60))
    type: Mapped[QuoteType] = mapped_column(Enum(QuoteType, name="quote_type"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    cue: Mapped[str | None] = mapped_column(String(100))
    context: Mapped[str] = mapped_column(Text)
    said_on: Mapped[date | None] = mapped_column(Date)
    confidence: Mapped[float] = mapped_column(Float)
    # the cited words' unit vector (db/embeddings: 384 little-endian float32), computed once
    # when the quote is first indexed with embeddings on; deferred: only indexing reads it
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    article: Mapped[Article] = relationship(back_populates="quotes")
    speaker: Mapped[Speaker | None] = relationship(back_populates="quotes")


class Statement(Base):
    """Near-identical quotes of one speaker across articles: one statement, reported again.

    Its id is the smallest id among its quotes; the first report (earliest date, then
    smallest id) and the counts are kept here, so a search document shows them without a
    query of its own. Grouped after commit, when the outbox is drained (db/statements).
    """

    __tablename__ = "statement"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    speaker_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    first_quote_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    first_outlet: Mapped[str | None] = mapped_column(String(200))
    first_on: Mapped[date | None] = mapped_column(Date)  # the first report's article date
    reports: Mapped[int] = mapped_column(Integer, nullable=False)  # quotes
    outlets: Mapped[int] = mapped_column(Integer, nullable=False)  # distinct outlets


class QuoteStatement(Base):
    """Which statement a quote belongs to, and the speaker it was grouped under (a quote
    whose speaker changed since is grouped again). No foreign key: a deleted quote's row
    stays until its outbox event is drained, which regroups what it leaves behind."""

    __tablename__ = "quote_statement"
    __table_args__ = (Index("ix_quote_statement_statement_id", "statement_id"),)

    quote_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    statement_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    speaker_id: Mapped[int] = mapped_column(BigInteger, nullable=False)


class QuoteFingerprint(Base):
    """A winnowed hash of five words of a grouped quote: quotes of one speaker that share
    one are the candidates compared word by word (db/statements/fingerprints.py)."""

    __tablename__ = "quote_fingerprint"
    __table_args__ = (Index("ix_quote_fingerprint_speaker_hash", "speaker_id", "hash"),)

    quote_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    speaker_id: Mapped[int] = mapped_column(BigInteger, nullable=False)


class IndexOutbox(Base):
    """One row per quote change the search index has not yet taken.

    Written in the transaction that changes the quote, so no change can be lost between
    PostgreSQL and Meilisearch; deleted once Meilisearch confirms the write. `task_uids`: the
    Meilisearch tasks it was sent in, when sent without waiting (confirmed by a later drain).
    `refused_at`: when Meilisearch refused the quote's document on its own (`last_error` says
    why); such an event is no longer sent, so it cannot hold up the changes behind it.
    """

    __tablename__ = "index_outbox"
    __table_args__ = (
        Index(
            "ix_index_outbox_refused_quote",
            "quote_id",
            postgresql_where=text("refused_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    quote_id: Mapped[int] = mapped_column(BigInteger)
    enqueued_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    task_uids: Mapped[list[int] | None] = mapped_column(ARRAY(BigInteger))
    refused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiKey(Base):
    """An API key, kept only as a SHA-256 digest of its secret, with the scopes it grants."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(32))  # shown in lists and logs, never the secret
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Correction(Base):
    """An editor's correction: who, when, what (before and after) and why; reversible.

    A quote correction also lists the quotes it touched by their place in the article
    (`CorrectionQuote`), so it is applied again to the quote a re-extraction stores there.
    """

    __tablename__ = "correction"
    __table_args__ = (
        Index("ix_correction_quote_id", "quote_id"),
        Index("ix_correction_speaker_id", "speaker_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    quote_id: Mapped[int | None] = mapped_column(BigInteger)  # the quote's id when corrected
    speaker_id: Mapped[int | None] = mapped_column(BigInteger)
    before: Mapped[dict] = mapped_column(JSONB)
    after: Mapped[dict] = mapped_column(JSONB)
    reason: Mapped[str] = mapped_column(Text)
    editor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    reverted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reverted_by: Mapped[str | None] = mapped_column(String(200))

    quotes: Mapped[list[CorrectionQuote]] = relationship(
        back_populates="correction", cascade="all, delete-orphan", order_by="CorrectionQuote.id"
    )


class CorrectionQuote(Base):
    """A quote a correction touched, by its article, offsets and words (its id changes when
    the article is re-extracted; the place does not)."""

    __tablename__ = "correction_quote"
    __table_args__ = (Index("ix_correction_quote_article_id", "article_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    correction_id: Mapped[int] = mapped_column(
        ForeignKey("correction.id", ondelete="CASCADE"), nullable=False
    )
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    quote_id: Mapped[int] = mapped_column(BigInteger)  # the quote's current id
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    correction: Mapped[Correction] = relationship(back_populates="quotes")


class QuoteFlag(Base):
    """A reader's report that a quote is wrong: the editors' queue until resolved."""

    __tablename__ = "quote_flag"
    __table_args__ = (Index("ix_quote_flag_quote_id", "quote_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EditorSession(Base):
    """A signed-in editor's browser session: revocable and expiring, kept only as a SHA-256
    digest of its cookie's token, with the form token (CSRF) its pages carry. It acts with
    the API key the editor signed in with, so revoking the key ends it too."""

    __tablename__ = "editor_session"
    __table_args__ = (Index("ix_editor_session_key_id", "key_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_key.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Feed(Base):
    """A feed OnRecord follows: how often, what the server last said (validators) and how
    polling goes (health). `next_poll_at` is the schedule; claiming a feed moves it forward
    (see `db.feeds.repository.claim_due`), so two workers never poll one feed at once."""

    __tablename__ = "feed"
    __table_args__ = (Index("ix_feed_next_poll_at", "next_poll_at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    outlet: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(1000))  # as the feed names itself
    interval_seconds: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(String(1000))
    last_modified: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    next_poll_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    polling_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # claimed
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(Integer, server_default="0")  # in a row
    items_seen: Mapped[int] = mapped_column(Integer, server_default="0")
    articles_stored: Mapped[int] = mapped_column(Integer, server_default="0")  # new or updated


class SeenEntry(Base):
    """An entry of a feed, seen: its page's validators and the article it gave, so an entry
    is fetched once and again only when the feed says it changed (`signature`)."""

    __tablename__ = "feed_entry"
    __table_args__ = (Index("uq_feed_entry_key", "feed_id", "entry_key", unique=True),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed.id", ondelete="CASCADE"))
    entry_key: Mapped[str] = mapped_column(String(2000))  # Atom id, RSS guid, or the link
    url: Mapped[str] = mapped_column(String(2000))
    signature: Mapped[str] = mapped_column(String(64))  # link, title and dates, hashed
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"))
    etag: Mapped[str | None] = mapped_column(String(1000))
    last_modified: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)  # why its page gave no article
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")  # failed fetches in a row
    first_seen_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Alert(Base):
    """A saved search owned by an API key: an Atom feed, and optionally a webhook.

    `query` is the search's canonical URL query string (`api.search_params`: the one mapping
    of URL to search), so the alert runs exactly the search its URL shows. The feed token is
    kept only as its SHA-256 digest; the webhook secret (`whsec_…`) is kept as it is, since
    every delivery is signed with it.
    """

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_key_id", "key_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    key_id: Mapped[int] = mapped_column(
        ForeignKey("api_key.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    query: Mapped[str] = mapped_column(Text, nullable=False)
    feed_token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_secret: Mapped[str | None] = mapped_column(Text)
    # since when every delivery attempt failed (None after a success); past the retry window
    # the webhook is disabled with a reason
    webhook_failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    webhook_disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    webhook_disabled_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class AlertOutbox(Base):
    """A new quote not yet matched against the alerts that have a webhook.

    Written in the transaction that stores the quote (only while some alert has a live
    webhook); matched, in batches, once the quote is in the index, then deleted.
    """

    __tablename__ = "alert_outbox"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    quote_id: Mapped[int] = mapped_column(
        ForeignKey("quote.id", ondelete="CASCADE"), nullable=False
    )
    enqueued_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


_EVENT = Enum(
    WebhookEvent,
    native_enum=False,
    length=40,
    values_callable=lambda events: [e.value for e in events],
)
_DELIVERY_STATUS = Enum(
    DeliveryStatus,
    native_enum=False,
    length=20,
    values_callable=lambda statuses: [s.value for s in statuses],
)


class WebhookDelivery(Base):
    """One event for one alert's webhook: the delivery outbox and its log.

    The payload is kept as the exact text that is signed, and `message_id` is the
    `webhook-id` of every attempt, so receivers can deduplicate retries. `match_key` (the
    quote's article and words) keeps one delivery per quote even when its article is stored
    again with new quote ids.
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("alert_id", "match_key", name="uq_webhook_delivery_match"),
        Index(
            "ix_webhook_delivery_due",
            "next_attempt_at",
            postgresql_where="status = 'pending'",
        ),
        Index("ix_webhook_delivery_alert_id", "alert_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("alert.id", ondelete="CASCADE"), nullable=False
    )
    message_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    event: Mapped[WebhookEvent] = mapped_column(_EVENT, nullable=False)
    quote_id: Mapped[int | None] = mapped_column(BigInteger)
    match_key: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[DeliveryStatus] = mapped_column(
        _DELIVERY_STATUS, nullable=False, server_default=DeliveryStatus.pending.value
    )
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_latency_ms: Mapped[float | None] = mapped_column(Float)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    attempt_log: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="delivery", order_by="WebhookAttempt.attempt", passive_deletes=True
    )


class WebhookAttempt(Base):
    """One try at a delivery: when, the answer's status (None: no answer), latency, error."""

    __tablename__ = "webhook_attempt"
    __table_args__ = (Index("ix_webhook_attempt_delivery_id", "delivery_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), nullable=False
    )
    attempt: Mapped[int] = mapped_column(Integer, nullable=False)
    attempted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[float] = mapped_column(Float, nullable=False)
    error: Mapped[str | None] = mapped_column(Text)

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempt_log")
