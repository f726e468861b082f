"""`onrecord backup` and `onrecord restore`: PostgreSQL dumped with a manifest, restored
safely, and the search index rebuilt from what was restored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from onrecord.cli.common import ensure_index, fail, first_line, open_stores, out, progress_bar


def backup_command(
    path: Annotated[Path, typer.Argument(help="A new (or empty) folder for the backup.")],
) -> None:
    """Dump PostgreSQL (pg_dump custom format) with a manifest: row counts, versions,
    schema revision and the dump's SHA-256. The index is rebuilt on restore, not saved."""
    from importlib.metadata import PackageNotFoundError, version

    from sqlalchemy.exc import SQLAlchemyError

    from db import backup

    stores = open_stores()
    try:
        own_version = version("onrecord")
    except PackageNotFoundError:
        own_version = "unknown"
    try:
        manifest = backup.backup(stores.engine, path, own_version)
    except backup.BackupError as exc:
        raise fail(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise fail(f"backup stopped, PostgreSQL failed: {first_line(exc)}") from exc
    counts = ", ".join(f"{n} {table}" for table, n in manifest.counts.items() if n)
    out.print(f"backed up to {path} ({manifest.dump_bytes:,} bytes): {counts or 'no rows'}")


def restore_command(
    path: Annotated[Path, typer.Argument(help="A folder made by `onrecord backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace what a non-empty database holds.")
    ] = False,
) -> None:
    """Restore PostgreSQL from a backup (one transaction; refused over existing rows without
    --force), migrate it to this code's schema, then rebuild the search index from it."""
    from sqlalchemy.exc import SQLAlchemyError

    from db import backup, migrate
    from db.index_sync import service as index_sync
    from db.search_index import SearchIndexError

    stores = open_stores(migrated=False)
    url = stores.settings.database_url
    try:
        manifest = backup.restore(stores.engine, path, migrate.known_revisions(url), force)
    except backup.BackupError as exc:
        raise fail(f"nothing restored: {exc}") from exc
    except SQLAlchemyError as exc:
        raise fail(f"restore stopped, PostgreSQL failed: {first_line(exc)}") from exc
    if migrate.current_revision(stores.engine) != migrate.head_revision(url):
        migrate.upgrade(url)
    problem = ensure_index(stores)
    if problem:
        raise fail(f"restored PostgreSQL; the index waits for `onrecord reindex`: {problem}")
    with progress_bar() as progress:
        task = progress.add_task("reindexing", total=manifest.counts.get("quote"), rate="")
        try:
            total = index_sync.rebuild_index(
                stores.factory,
                stores.index,
                stores.settings.index_batch_size,
                on_batch=lambda n: progress.update(task, advance=n),
            )
        except SearchIndexError as exc:
            message = f"restored PostgreSQL; reindex failed, run `onrecord reindex`: {exc}"
            raise fail(message) from exc
    counts = ", ".join(f"{n} {table}" for table, n in manifest.counts.items() if n)
    out.print(f"restored {path} (made {manifest.created_at}): {counts}; indexed {total} quotes")
