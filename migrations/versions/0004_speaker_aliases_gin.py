"""GIN index on speaker aliases: exact alias lookups stay fast with many speakers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_speaker_aliases", "speaker", ["aliases"], postgresql_using="gin")


def downgrade() -> None:
    op.drop_index("ix_speaker_aliases", table_name="speaker")
