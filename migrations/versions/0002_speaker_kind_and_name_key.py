"""Speaker kind and name key, so one person is one speaker across articles.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from db.speaker_names import UNKNOWN, name_key

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "speaker", sa.Column("kind", sa.String(20), server_default="unknown", nullable=False)
    )
    op.add_column(
        "speaker", sa.Column("name_key", sa.String(300), server_default="", nullable=False)
    )
    speakers = sa.table("speaker", sa.column("id"), sa.column("name"), sa.column("name_key"))
    bind = op.get_bind()
    for speaker_id, name in bind.execute(sa.select(speakers.c.id, speakers.c.name)):
        bind.execute(
            speakers.update()
            .where(speakers.c.id == speaker_id)
            .values(name_key=name_key(name, UNKNOWN))
        )
    op.create_index(
        "ix_speaker_name_key",
        "speaker",
        ["name_key"],
        postgresql_ops={"name_key": "text_pattern_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_speaker_name_key", table_name="speaker")
    op.drop_column("speaker", "name_key")
    op.drop_column("speaker", "kind")
