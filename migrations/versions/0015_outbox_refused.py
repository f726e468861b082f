"""Outbox events whose document Meilisearch refuses: set aside instead of blocking the rest.

Meilisearch fails a whole document task (and every task it batched with it) for one
document it refuses (say, a vector of the wrong dimensions); sent again as it was, the batch
fails again and every change queued behind it waits forever. A refused batch is now sent
again in halves until the refused documents stand alone; their events are kept with the
time and the reason (`refused_at`, `last_error`) and no longer sent, until the quote changes
again or `onrecord check --repair` queues it anew.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "index_outbox", sa.Column("refused_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_index_outbox_refused_quote",
        "index_outbox",
        ["quote_id"],
        postgresql_where=sa.text("refused_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_index_outbox_refused_quote", table_name="index_outbox")
    op.drop_column("index_outbox", "refused_at")
