"""What every command group shares: the consoles, failing with a message, opening the stores.

The stores' libraries (SQLAlchemy, Alembic, the Meilisearch client) are imported by the
functions that use them, never at module level: `onrecord --help` loads none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console

from onrecord.root import read_settings, resolve_settings

if TYPE_CHECKING:
    from rich.progress import Progress

    from db.index_sync.service import SyncResult
    from db.stores import Stores

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def fail_if_waiting(sync: SyncResult) -> None:
    """A change stored in PostgreSQL whose index update failed: say so, exit 1."""
    if sync.error:
        raise fail(f"stored, but {sync.pending} quotes wait for `onrecord sync`: {sync.error}")


def open_stores(migrated: bool = True) -> Stores:
    """Resolve settings (starting private services when needed) and connect to both stores."""
    from sqlalchemy.exc import OperationalError

    from db import migrate
    from db.services import ServiceError
    from db.stores import Stores

    try:
        settings = resolve_settings(read_settings())
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    stores = Stores.open(settings)
    try:
        if migrated:
            migrate.ensure_migrated(stores.engine)
    except migrate.NotMigratedError as exc:
        raise fail(str(exc)) from exc
    except OperationalError as exc:
        url = stores.engine.url.render_as_string(hide_password=True)
        raise fail(f"cannot reach PostgreSQL at {url}: {exc.orig}") from exc
    return stores


def ensure_index(stores: Stores) -> str | None:
    """Create the index if needed; the problem when Meilisearch cannot."""
    from db.search_index import SearchIndexError

    try:
        stores.index.ensure()
    except SearchIndexError as exc:
        return str(exc)
    return None


def first_line(exc: object) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def progress_bar() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    )
