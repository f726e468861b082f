"""Editors' browser sessions.

`editor_session` keeps each signed-in browser's session: the SHA-256 digest of its cookie's
token (never the token), the form token its pages carry against cross-site requests, when it
was last used, when it expires and when it was revoked (signed out). It belongs to the API
key the editor signed in with and goes with it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "editor_session",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "key_id",
            sa.BigInteger(),
            sa.ForeignKey("api_key.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_editor_session_key_id", "editor_session", ["key_id"])


def downgrade() -> None:
    op.drop_table("editor_session")
