"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import uuid

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db import migrate
from db.models import Base
from db.session import make_engine


def test_models_match_migrations(service_urls) -> None:
    engine = make_engine(service_urls["database_url"])
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": _ours})
        diff = compare_metadata(context, Base.metadata)
        job_tables = conn.scalar(
            text("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'procrastinate%'")
        )
    engine.dispose()
    assert diff == []
    assert job_tables == 4  # the job queue's schema, created by revision 0011


def _ours(name: str | None, kind: str, _parent: object) -> bool:
    """Procrastinate's tables are its own (revision 0011 creates them), not `db.models`."""
    return not (kind == "table" and name is not None and name.startswith("procrastinate_"))


def test_quotes_stored_before_0005_get_cited_words_and_parts(service_urls) -> None:
    """Rows from before revision 0005 get `parts` and best-effort cited words in SQL."""
    server = make_url(service_urls["database_url"])
    name = f"onrecord_legacy_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server.set(database="postgres").render_as_string(False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(False)
    legacy = [  # type, stored span
        ("direct", '"The harbour will reopen in May," Kovacs said at the port. "Ships wait."'),
        ("direct", "“We are ready,”"),
        ("mixed", "that the plan was “a sham,” and “a disgrace”"),
        ("indirect", "that talks would\n resume next week,"),
        ("indirect", "the ferries would run?"),
    ]
    try:
        migrate.upgrade(url, "0004")
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO article (id, title, text, content_hash) VALUES (1, 't', 'x', 'h')"
                )
            )
            for number, (kind, span) in enumerate(legacy, start=1):
                conn.execute(
                    text(
                        'INSERT INTO quote (id, article_id, text, type, start, "end", context, '
                        "confidence) VALUES (:id, 1, :text, :type, :start, :end, '', 0.9)"
                    ),
                    {"id": number, "text": span, "type": kind, "start": number, "end": 40},
                )
        migrate.upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT cited, parts, rule FROM quote ORDER BY id")).all()
        engine.dispose()
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    assert [row.cited for row in rows] == [
        "The harbour will reopen in May … Ships wait.",
        "We are ready.",
        "a sham … a disgrace",
        "talks would resume next week.",
        "the ferries would run?",
    ]
    assert rows[0].parts == [[1, 40]] and all(row.rule is None for row in rows)


def test_the_quick_schema_check_reads_the_head_alembic_knows(service_urls) -> None:
    """`ensure_migrated` answers the common case without Alembic: its reading of the
    migration files must name the head Alembic names."""
    url = service_urls["database_url"]
    assert migrate._declared_head() == migrate.head_revision(url) is not None
    engine = make_engine(url)
    assert migrate._stored_revision(engine) == migrate.current_revision(engine)
    engine.dispose()


def test_merges_made_before_the_audit_get_their_correction(service_urls) -> None:
    """Migration 0008 gives each earlier merge its audit row, which reverting then unmerges."""
    server = make_url(service_urls["database_url"])
    name = f"onrecord_merges_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server.set(database="postgres").render_as_string(False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(False)
    try:
        migrate.upgrade(url, "0007")
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO speaker (id, name, slug, aliases, kind, name_key) VALUES "
                    "(1, 'Ada Quill', 'ada-quill', ARRAY['Orla Finch'], 'person', 'quill')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO speaker_merge (kept_id, merged_id, name, slug, aliases,"
                    " added_aliases, kind, name_key, quote_ids) VALUES (1, 2, 'Orla Finch',"
                    " 'orla-finch', '{}', ARRAY['Orla Finch'], 'person', 'finch', ARRAY[7, 8])"
                )
            )
        migrate.upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT action, speaker_id, before, after FROM correction"))
            [row] = rows.all()
        engine.dispose()
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    assert (row.action, row.speaker_id) == ("merge", 1)
    assert row.before == {"speaker_id": 2, "speaker": "Orla Finch", "slug": "orla-finch"}
    assert row.after == {"speaker_id": 1, "speaker": "Ada Quill", "merge_id": 1, "moved": 2}


def test_the_job_queue_schema_goes_down_and_up_again(service_urls) -> None:
    """Revision 0011 (procrastinate's schema) downgrades to nothing of its own and back."""
    from alembic import command

    server = make_url(service_urls["database_url"])
    name = f"onrecord_jobs_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server.set(database="postgres").render_as_string(False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(False)
    left = "SELECT count(*) FROM pg_proc WHERE proname LIKE 'procrastinate%'"
    try:
        migrate.upgrade(url)
        command.downgrade(migrate.alembic_config(url), "0010")
        engine = make_engine(url)
        with engine.connect() as conn:
            after_down = (
                conn.scalar(text(left)),
                conn.scalar(
                    text("SELECT count(*) FROM pg_type WHERE typname LIKE 'procrastinate%'")
                ),
            )
        migrate.upgrade(url)
        with engine.connect() as conn:
            after_up = conn.scalar(text(left))
        engine.dispose()
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    assert after_down == (0, 0)
    assert after_up > 10
