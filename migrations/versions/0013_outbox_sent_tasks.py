"""Outbox events sent without waiting: the Meilisearch tasks that carry them.

`onrecord ingest` sends a small change and returns instead of waiting for Meilisearch to
index it; the event stays, holding the uids of the tasks it went in, until a later drain
(the server's index worker, `sync`, `check`, the next ingest) sees those tasks succeed and
deletes it, or sees them fail and sends it again.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "index_outbox", sa.Column("task_uids", postgresql.ARRAY(sa.BigInteger()), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("index_outbox", "task_uids")
