"""The job queue feed polling runs on: procrastinate's schema (tables `procrastinate_*`).

The SQL is procrastinate 3.10.0's own `schema.sql`, frozen in `migrations/sql/` so this
revision always creates the same schema. A later procrastinate release that changes its schema
ships migration scripts (`procrastinate/sql/migrations/`): copy those into a new revision
before upgrading the package. `tests/test_migrations.py` leaves these tables out of the models
comparison; they belong to procrastinate, not to `db.models`.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from pathlib import Path

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SCHEMA = Path(__file__).resolve().parent.parent / "sql" / "procrastinate-3.10.0.sql"


def upgrade() -> None:
    _run(SCHEMA.read_text(encoding="utf-8"))


def downgrade() -> None:
    _run(
        """
        DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers,
            procrastinate_jobs, procrastinate_workers CASCADE;
        DO $$
        DECLARE f record;
        BEGIN
            FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE p.proname LIKE 'procrastinate\\_%' AND n.nspname = current_schema()
            LOOP
                EXECUTE 'DROP FUNCTION ' || f.sig || ' CASCADE';
            END LOOP;
        END $$;
        DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type,
            procrastinate_job_status CASCADE;
        """
    )


def _run(script: str) -> None:
    """Run a script as it is, on the migration's own connection and transaction: straight to
    psycopg without parameters, so its `%` and `:` are never read as placeholders."""
    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    driver.execute(script)
