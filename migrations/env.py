"""Alembic environment. Imports nothing of the application: `db.migrate` passes the URL in the
config, and migrations describe the schema themselves (tests/test_migrations.py checks that
they end where `db.models` is)."""

from alembic import context
from sqlalchemy import create_engine

config = context.config


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no sqlalchemy.url: run migrations with `onrecord db upgrade`")
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
