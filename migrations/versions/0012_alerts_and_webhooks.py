"""Alerts (saved searches owned by a key), the queue of new quotes to match against them, and
webhook deliveries with their attempt log.

`alert` holds the search as its canonical query string, the feed token's digest and the
webhook (URL, signing secret, failure and disabling state); `alert_outbox` the new quotes not
yet matched; `webhook_delivery` one row per event per alert (the payload as signed, its
`webhook-id`, status, next attempt); `webhook_attempt` every try.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _now() -> sa.sql.elements.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "key_id",
            sa.BigInteger(),
            sa.ForeignKey("api_key.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("feed_token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("webhook_secret", sa.Text(), nullable=True),
        sa.Column("webhook_failing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("webhook_disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("webhook_disabled_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
    )
    op.create_index("ix_alert_key_id", "alert", ["key_id"])
    op.create_table(
        "alert_outbox",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "quote_id",
            sa.BigInteger(),
            sa.ForeignKey("quote.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "alert_id",
            sa.BigInteger(),
            sa.ForeignKey("alert.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("message_id", sa.String(64), nullable=False, unique=True),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("quote_id", sa.BigInteger(), nullable=True),
        sa.Column("match_key", sa.Text(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False
        ),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_latency_ms", sa.Float(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("alert_id", "match_key", name="uq_webhook_delivery_match"),
    )
    op.create_index(
        "ix_webhook_delivery_due",
        "webhook_delivery",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index("ix_webhook_delivery_alert_id", "webhook_delivery", ["alert_id", "id"])
    op.create_table(
        "webhook_attempt",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "delivery_id",
            sa.BigInteger(),
            sa.ForeignKey("webhook_delivery.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column(
            "attempted_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False
        ),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_index("ix_webhook_attempt_delivery_id", "webhook_attempt", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("webhook_attempt")
    op.drop_table("webhook_delivery")
    op.drop_table("alert_outbox")
    op.drop_table("alert")
