"""Index outbox and hashed API keys.

The per-quote `index_state` flag could not remember deletions; an outbox row per change
(written in the same transaction as the change) can. API keys move from the environment into
PostgreSQL, stored as SHA-256 digests with scopes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "index_outbox",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("quote_id", sa.BigInteger, nullable=False),
        sa.Column(
            "enqueued_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("attempts", sa.Integer, server_default="0", nullable=False),
        sa.Column("last_error", sa.Text),
    )
    op.execute(
        "INSERT INTO index_outbox (quote_id) "
        "SELECT id FROM quote WHERE index_state = 'pending' ORDER BY id"
    )
    op.drop_index("ix_quote_pending", table_name="quote")
    op.drop_column("quote", "index_state")
    op.execute("DROP TYPE IF EXISTS index_state")

    op.create_table(
        "api_key",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("prefix", sa.String(32), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("scopes", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("api_key")
    index_state = postgresql.ENUM("pending", "indexed", name="index_state")
    index_state.create(op.get_bind(), checkfirst=True)
    op.add_column(
        "quote",
        sa.Column("index_state", index_state, nullable=False, server_default="indexed"),
    )
    op.execute(
        "UPDATE quote SET index_state = 'pending' WHERE id IN (SELECT quote_id FROM index_outbox)"
    )
    op.create_index(
        "ix_quote_pending", "quote", ["id"], postgresql_where=sa.text("index_state = 'pending'")
    )
    op.drop_table("index_outbox")
