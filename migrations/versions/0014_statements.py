"""Statements: near-identical quotes of one speaker across articles, grouped after commit.

`quote_fingerprint` holds winnowed hashes of each grouped quote's 5-word shingles (btree on
speaker and hash: the candidate lookup), `quote_statement` each quote's statement, and
`statement` its first report and counts. Every stored quote is queued for the index once,
so the drain groups the archive and its documents gain their statement.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statement",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("speaker_id", sa.BigInteger(), nullable=False),
        sa.Column("first_quote_id", sa.BigInteger(), nullable=False),
        sa.Column("first_outlet", sa.String(length=200), nullable=True),
        sa.Column("first_on", sa.Date(), nullable=True),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("outlets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "quote_statement",
        sa.Column("quote_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("statement_id", sa.BigInteger(), nullable=False),
        sa.Column("speaker_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("quote_id"),
    )
    op.create_index("ix_quote_statement_statement_id", "quote_statement", ["statement_id"])
    op.create_table(
        "quote_fingerprint",
        sa.Column("quote_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("speaker_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("quote_id", "hash"),
    )
    op.create_index(
        "ix_quote_fingerprint_speaker_hash", "quote_fingerprint", ["speaker_id", "hash"]
    )
    op.execute("INSERT INTO index_outbox (quote_id) SELECT id FROM quote ORDER BY id")


def downgrade() -> None:
    op.drop_table("quote_fingerprint")
    op.drop_table("quote_statement")
    op.drop_table("statement")
