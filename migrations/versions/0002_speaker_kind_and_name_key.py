"""Speaker kind and name key, so one person is one speaker across articles.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# Frozen: the name key as this revision computed it (from db/speaker_names.py at the time), so
# later changes to key folding do not change what this migration wrote.
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_GROUP_WORDS = {
    "republican",
    "republicans",
    "democrat",
    "democrats",
    "independents",
    "conservatives",
    "liberals",
    "progressives",
    "americans",
    "voters",
    "officials",
    "committee",
    "county",
    "states",
}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "president", "prof"}
_ENDING = re.compile(r"(?:iy|yy|ii|ij|yi|y|i)$")


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_text.lower())


def _surname_key(surname: str) -> str:
    folded = re.sub(r"(.)\1+", r"\1", _fold(surname))
    stem = _ENDING.sub("", folded)
    return (stem + "i") if stem != folded and len(stem) >= 3 else folded


def _name_key(name: str) -> str:
    """The key of a speaker of kind "unknown": its surname key, else its organisation key."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    while words and _fold(words[0]) in _HONORIFICS and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and _fold(words[-1]) in _SUFFIXES:
        words = words[:-1]
    if words and _fold(words[-1]) not in _GROUP_WORDS:
        key = _surname_key(words[-1])
        if key:
            return key
    return _fold(re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.IGNORECASE))


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
            speakers.update().where(speakers.c.id == speaker_id).values(name_key=_name_key(name))
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
