"""Alembic environment: the URL comes from the caller's config or from OnRecord settings."""

from alembic import context
from sqlalchemy import create_engine

from db.models import Base

config = context.config


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from db.services import resolve_settings

    return resolve_settings().database_url


def run_migrations_online() -> None:
    engine = create_engine(_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
