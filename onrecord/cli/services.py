"""`onrecord services`: the private PostgreSQL and Meilisearch."""

from __future__ import annotations

import typer

from onrecord.cli.common import fail, out
from onrecord.root import read_settings, resolve_settings

app = typer.Typer(help="The private PostgreSQL and Meilisearch.", no_args_is_help=True)


@app.command("start")
def services_start() -> None:
    """Start the private PostgreSQL and Meilisearch (those no URL replaces)."""
    from db.services import ServiceError

    try:
        resolve_settings(read_settings())
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    services_status()


@app.command("status")
def services_status() -> None:
    """Show the private services and whether configured URLs replace them."""
    from db.services import private_meili, private_postgres

    settings = read_settings()
    pg, meili = private_postgres(settings), private_meili(settings)
    if settings.database_url:
        out.print("PostgreSQL: configured by ONRECORD_DATABASE_URL")
    else:
        state = f"running on port {pg.port}" if pg.running() else "stopped"
        out.print(f"PostgreSQL: private cluster in {pg.root} — {state}")
    if settings.meili_url:
        out.print("Meilisearch: configured by ONRECORD_MEILI_URL")
    else:
        state = f"running at {meili.url()}" if meili.running() else "stopped"
        out.print(f"Meilisearch: private instance in {meili.root} — {state}")


@app.command("stop")
def services_stop() -> None:
    """Stop the private PostgreSQL and Meilisearch."""
    from db.services import ServiceError, private_meili, private_postgres

    settings = read_settings()
    try:
        pg_stopped = private_postgres(settings).stop()
    except ServiceError:
        pg_stopped = False
    meili_stopped = private_meili(settings).stop()
    out.print(
        f"PostgreSQL: {'stopped' if pg_stopped else 'was not running'}; "
        f"Meilisearch: {'stopped' if meili_stopped else 'was not running'}"
    )
