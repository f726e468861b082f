"""Editors' browser sessions, and merges in the correction audit.

`editor_session` keeps each signed-in browser's session: the SHA-256 digest of its cookie's
token (never the token), the form token its pages carry against cross-site requests, when it
was last used, when it expires and when it was revoked (signed out). It belongs to the API
key the editor signed in with and goes with it.

Merges are corrections now (action `merge`, reverted by unmerging): each merge made before
gets its audit row, dated when it was made, so the audit can undo it too.

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
    op.execute(
        """
        INSERT INTO correction (action, speaker_id, before, after, reason, editor, created_at)
        SELECT 'merge', m.kept_id,
               jsonb_build_object('speaker_id', m.merged_id, 'speaker', m.name, 'slug', m.slug),
               jsonb_build_object('speaker_id', m.kept_id, 'speaker', s.name,
                                  'merge_id', m.id, 'moved', cardinality(m.quote_ids)),
               'merged before merges were audited', 'unknown', m.merged_at
        FROM speaker_merge m JOIN speaker s ON s.id = m.kept_id
        WHERE NOT EXISTS (
            SELECT 1 FROM correction c WHERE (c.after ->> 'merge_id')::bigint = m.id
        )
        ORDER BY m.id
        """
    )


def downgrade() -> None:
    op.execute("DELETE FROM correction WHERE action = 'merge'")  # older code cannot read them
    op.drop_table("editor_session")
