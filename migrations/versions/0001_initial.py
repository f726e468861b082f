"""Articles, speakers and quotes with their search-index state.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

quote_type = postgresql.ENUM("direct", "mixed", "indirect", name="quote_type", create_type=False)
index_state = postgresql.ENUM("pending", "indexed", name="index_state", create_type=False)


def upgrade() -> None:
    quote_type.create(op.get_bind(), checkfirst=True)
    index_state.create(op.get_bind(), checkfirst=True)
    op.create_table(
        "article",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("url", sa.Text(), unique=True),
        sa.Column("outlet", sa.String(200)),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("author", sa.String(300)),
        sa.Column("published_at", sa.Date()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "ingested_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_table(
        "speaker",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("slug", sa.String(300), nullable=False, unique=True),
        sa.Column("aliases", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("description", sa.Text()),
    )
    op.create_table(
        "quote",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "article_id",
            sa.BigInteger(),
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("speaker_id", sa.BigInteger(), sa.ForeignKey("speaker.id", ondelete="SET NULL")),
        sa.Column("mention", sa.Text()),
        sa.Column("mention_start", sa.Integer()),
        sa.Column("mention_end", sa.Integer()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("type", quote_type, nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("cue", sa.String(100)),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("said_on", sa.Date()),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("index_state", index_state, nullable=False, server_default="pending"),
    )
    op.create_index("ix_quote_article_id", "quote", ["article_id"])
    op.create_index("ix_quote_speaker_id", "quote", ["speaker_id"])
    op.create_index(
        "ix_quote_pending", "quote", ["id"], postgresql_where=sa.text("index_state = 'pending'")
    )


def downgrade() -> None:
    op.drop_table("quote")
    op.drop_table("speaker")
    op.drop_table("article")
    index_state.drop(op.get_bind(), checkfirst=True)
    quote_type.drop(op.get_bind(), checkfirst=True)
