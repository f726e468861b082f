"""`onrecord db`: the schema (Alembic)."""

from __future__ import annotations

import typer

from onrecord.cli.common import open_stores, out

app = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or upgrade the schema."""
    from db import migrate

    stores = open_stores(migrated=False)
    migrate.upgrade(stores.settings.database_url, revision)
    out.print(f"database at revision {migrate.current_revision(stores.engine)}")


@app.command("current")
def db_current() -> None:
    """Show the schema revision."""
    from db import migrate

    stores = open_stores(migrated=False)
    out.print(migrate.current_revision(stores.engine) or "no schema")
