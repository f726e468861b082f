"""Quotes keep the words as cited, the offsets of each quoted part and the rule they rest on.

`text` stays the exact source span (offsets unchanged); `cited` is what pages show, search
finds and citations quote. Rows stored before this revision get, in SQL and best effort:
`parts` = their one span; `cited` = for reported speech the clause as it reads after "said
that" (a leading "that" dropped, a full stop added), for quotations the words inside each pair
of double marks joined with " … " (narration left out, the comma before an ellipsis dropped
and a final comma turned into a full stop); `rule` stays NULL (it was not recorded).
Re-extracting an article (delete it and ingest it again) gives the extractor's exact values.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ONE_LINE = r"btrim(regexp_replace(text, '\s+', ' ', 'g'))"
_CLAUSE = rf"regexp_replace(regexp_replace({_ONE_LINE}, '^that\s+', ''), '[,;: ]+$', '')"
_REPORTED = (
    rf"CASE WHEN {_CLAUSE} ~ '[.!?…][\"“”„«»''‘’]*$' OR {_CLAUSE} = '' "
    rf"THEN {_CLAUSE} ELSE {_CLAUSE} || '.' END"
)
# the words inside each pair of double marks, in order, joined with an ellipsis
_INSIDE_MARKS = (
    "array_to_string(ARRAY("
    rf"SELECT btrim(m[1]) FROM regexp_matches({_ONE_LINE}, '[“\"„«]([^“”\"„«»]+)[”\"»]', 'g') AS m"
    "), ' … ')"
)
_WORDS = rf"COALESCE(NULLIF({_INSIDE_MARKS}, ''), btrim({_ONE_LINE}, ' \"“”„«»'))"
_QUOTED = rf"regexp_replace(regexp_replace({_WORDS}, ',\s*…', ' …', 'g'), ',\s*(’?)$', '.\1')"


def upgrade() -> None:
    op.add_column("quote", sa.Column("cited", sa.Text(), nullable=True))
    op.add_column("quote", sa.Column("parts", postgresql.JSONB(), nullable=True))
    op.add_column("quote", sa.Column("rule", sa.String(length=60), nullable=True))
    op.execute(
        "UPDATE quote SET "
        'parts = jsonb_build_array(jsonb_build_array(start, "end")), '
        f"cited = CASE WHEN type = 'indirect' THEN {_REPORTED} ELSE {_QUOTED} END"
    )
    op.alter_column("quote", "cited", nullable=False)
    op.alter_column("quote", "parts", nullable=False)


def downgrade() -> None:
    op.drop_column("quote", "rule")
    op.drop_column("quote", "parts")
    op.drop_column("quote", "cited")
