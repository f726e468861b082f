"""Editors' corrections, the quotes they touched, and readers' flags.

`correction` is the audit table (action, before and after as JSON, reason, editor, when,
reverted when); `correction_quote` keeps each corrected quote's article, offsets and words so
the correction is applied again when the article is re-extracted; `quote_flag` holds readers'
reports of a wrong quote.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "correction",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("quote_id", sa.BigInteger(), nullable=True),
        sa.Column("speaker_id", sa.BigInteger(), nullable=True),
        sa.Column("before", postgresql.JSONB(), nullable=False),
        sa.Column("after", postgresql.JSONB(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("editor", sa.String(200), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("reverted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reverted_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_correction_quote_id", "correction", ["quote_id"])
    op.create_index("ix_correction_speaker_id", "correction", ["speaker_id"])
    op.create_table(
        "correction_quote",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "correction_id",
            sa.BigInteger(),
            sa.ForeignKey("correction.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "article_id",
            sa.BigInteger(),
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("quote_id", sa.BigInteger(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_correction_quote_article_id", "correction_quote", ["article_id"])
    op.create_table(
        "quote_flag",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "quote_id",
            sa.BigInteger(),
            sa.ForeignKey("quote.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_quote_flag_quote_id", "quote_flag", ["quote_id"])


def downgrade() -> None:
    op.drop_table("quote_flag")
    op.drop_table("correction_quote")
    op.drop_table("correction")
