"""The vector of each quote's cited words, kept so reindexing never recomputes it.

`quote.embedding` holds 384 little-endian float32 values (all-MiniLM-L6-v2, unit length),
NULL until the quote is first indexed with embeddings on. Existing quotes get theirs from
`onrecord reindex` (or as they are next indexed).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("quote", sa.Column("embedding", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.drop_column("quote", "embedding")
