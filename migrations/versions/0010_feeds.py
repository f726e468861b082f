"""Feeds followed and the entries seen in them.

`feed` holds each feed's URL, outlet, interval, the validators its server last sent (ETag,
Last-Modified), its schedule (`next_poll_at`) and health; `feed_entry` one row per entry seen,
with its page's validators and the article it gave.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True, now: bool = False) -> sa.Column:
    default = sa.func.now() if now else None
    return sa.Column(name, sa.DateTime(timezone=True), server_default=default, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "feed",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False, unique=True),
        sa.Column("outlet", sa.String(200), nullable=True),
        sa.Column("title", sa.String(1000), nullable=True),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(1000), nullable=True),
        sa.Column("last_modified", sa.String(200), nullable=True),
        _when("created_at", nullable=False, now=True),
        _when("next_poll_at", nullable=False, now=True),
        _when("polling_until"),
        _when("last_polled_at"),
        _when("last_success_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        _when("last_error_at"),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("items_seen", sa.Integer(), server_default="0", nullable=False),
        sa.Column("articles_stored", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_index("ix_feed_next_poll_at", "feed", ["next_poll_at"])
    op.create_table(
        "feed_entry",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "feed_id", sa.BigInteger(), sa.ForeignKey("feed.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("entry_key", sa.String(2000), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column(
            "article_id",
            sa.BigInteger(),
            sa.ForeignKey("article.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("etag", sa.String(1000), nullable=True),
        sa.Column("last_modified", sa.String(200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        _when("first_seen_at", nullable=False, now=True),
        _when("fetched_at"),
    )
    op.create_index("uq_feed_entry_key", "feed_entry", ["feed_id", "entry_key"], unique=True)


def downgrade() -> None:
    op.drop_table("feed_entry")
    op.drop_table("feed")
