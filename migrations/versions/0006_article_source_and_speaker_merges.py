"""Where an article was read from, speakers' gender and name index, and undoable merges.

`article.source` is the document name an article was read from (a file's stem, as
`onrecord extract` names it) and `article.source_offset` where the stored text starts in that
file (after a `.txt` headline), so stored quotes can be scored against the file.
`speaker.gender` is what honorifics and pronouns said ("Mr. Obama" never joins a woman's
record); `ix_speaker_name` finds a record by its exact name (never by its slug).
`speaker_merge` keeps what a merge folded away (the other record's names, slug, kind and the
quotes it moved), so its old slug and id still lead to the kept record and the merge can be
undone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("article", sa.Column("source", sa.Text(), nullable=True))
    op.add_column("article", sa.Column("source_offset", sa.Integer(), nullable=True))
    op.add_column("speaker", sa.Column("gender", sa.String(1), nullable=True))
    op.create_index("ix_speaker_name", "speaker", ["name"])
    op.create_table(
        "speaker_merge",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "kept_id",
            sa.BigInteger(),
            sa.ForeignKey("speaker.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("merged_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("slug", sa.String(300), nullable=False),
        sa.Column("aliases", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("added_aliases", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name_key", sa.String(300), nullable=False),
        sa.Column("quote_ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.Column(
            "merged_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index("ix_speaker_merge_kept_id", "speaker_merge", ["kept_id"])
    op.create_index("ix_speaker_merge_slug", "speaker_merge", ["slug"])
    op.create_index("ix_speaker_merge_merged_id", "speaker_merge", ["merged_id"])


def downgrade() -> None:
    op.drop_table("speaker_merge")
    op.drop_index("ix_speaker_name", table_name="speaker")
    op.drop_column("speaker", "gender")
    op.drop_column("article", "source_offset")
    op.drop_column("article", "source")
