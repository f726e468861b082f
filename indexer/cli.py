"""The `onrecord` command."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.api_keys import repository as api_key_repo
from db.api_keys import service as api_keys
from db.api_keys.service import Scope
from db.articles import service as article_service
from db.index_sync import drift, outbox
from db.index_sync import service as index_sync
from db.search_index import SearchIndex, SearchIndexError
from db.services import ServiceError, private_meili, private_postgres, resolve_settings
from db.session import make_engine, make_session_factory, transaction
from db.settings import Settings, get_settings
from db.speakers import repository as speaker_repo
from db.speakers import service as speaker_service
from indexer.extract import extract_quotes
from indexer.pipeline import ingest_articles
from indexer.sources import Overrides, SourceArticle, SourceError, expand_paths, read_articles

app = typer.Typer(
    help="OnRecord: who said what, when, where. Ingest articles, search quotes.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)
services_app = typer.Typer(help="The private PostgreSQL and Meilisearch.", no_args_is_help=True)
speakers_app = typer.Typer(help="Speaker records: list and merge.", no_args_is_help=True)
articles_app = typer.Typer(help="Stored articles.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(articles_app, name="articles")
app.add_typer(keys_app, name="keys")
app.add_typer(services_app, name="services")
app.add_typer(speakers_app, name="speakers")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@dataclass
class Stores:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    index: SearchIndex


def open_stores(migrated: bool = True) -> Stores:
    """Resolve settings (starting private services when needed) and connect to both stores."""
    try:
        settings = resolve_settings(get_settings())
    except ServiceError as exc:
        raise fail(str(exc)) from exc
    engine = make_engine(settings.database_url)
    try:
        if migrated:
            migrate.ensure_migrated(engine)
    except migrate.NotMigratedError as exc:
        raise fail(str(exc)) from exc
    except OperationalError as exc:
        raise fail(
            f"cannot reach PostgreSQL at "
            f"{engine.url.render_as_string(hide_password=True)}: {exc.orig}"
        ) from exc
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    return Stores(settings, engine, make_session_factory(engine), index)


def _ensure_index(stores: Stores) -> str | None:
    try:
        stores.index.ensure()
    except SearchIndexError as exc:
        return str(exc)
    return None


def _progress() -> Progress:
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


# --- ingest and extract -------------------------------------------------------------------


@app.command("ingest")
def ingest_command(
    paths: Annotated[
        list[str], typer.Argument(help="Files (.txt, .html, .jsonl), folders, or - for stdin.")
    ],
    outlet: Annotated[str | None, typer.Option(help="Outlet name for every article.")] = None,
    date_: Annotated[
        str | None, typer.Option("--date", help="Publication date YYYY-MM-DD.")
    ] = None,
    url: Annotated[str | None, typer.Option(help="Source URL (one article only).")] = None,
    title: Annotated[str | None, typer.Option(help="Headline (one article only).")] = None,
    jobs: Annotated[
        int, typer.Option(min=1, max=64, help="Extraction processes (archives: one per core).")
    ] = 1,
) -> None:
    """Extract quotes from articles and store them in PostgreSQL and Meilisearch.

    Safe to interrupt and rerun: stored articles are recognised and skipped.
    """
    overrides = _overrides(paths, outlet, date_, url, title)
    stores = open_stores()
    index_problem = _ensure_index(stores)
    if index_problem:
        err.print(
            f"[yellow]warning:[/] search index unavailable; quotes will wait for "
            f"`onrecord sync`: {index_problem}",
            highlight=False,
        )
    items = read_articles(paths, overrides, stores.settings.max_article_bytes)
    logging.getLogger("onrecord.index_worker").setLevel(logging.ERROR)  # the summary says it
    total = _count_inputs(paths)
    with _progress() as progress:
        task = progress.add_task("ingesting", total=total, rate="")

        def on_item(item: SourceArticle | SourceError, status: str) -> None:
            if isinstance(item, SourceError):
                progress.console.print(
                    f"[red]refused[/] {item.origin}: {item.message}", highlight=False
                )
            elapsed = progress.tasks[0].elapsed or 0
            done = progress.tasks[0].completed + 1
            rate = f"{done / elapsed:.1f} articles/s" if elapsed > 0 else ""
            progress.update(task, advance=1, rate=rate)

        try:
            summary = ingest_articles(
                items,
                stores.factory,
                stores.index,
                stores.settings.index_batch_size,
                on_item,
                jobs=jobs,
            )
        except KeyboardInterrupt:
            done = int(progress.tasks[0].completed)
            raise fail(
                f"interrupted after {done} inputs. {RERUN_HINT}",
                code=130,
            ) from None
        except OperationalError as exc:
            done = int(progress.tasks[0].completed)
            raise fail(
                f"PostgreSQL became unavailable after {done} inputs: {_first_line(exc.orig)}. "
                f"{RERUN_HINT}"
            ) from exc
    if summary.index_error:
        err.print(f"[yellow]warning:[/] {summary.index_error}", highlight=False)
    out.print(summary.line(), highlight=False)
    raise typer.Exit(1 if summary.refused else 0)


RERUN_HINT = (
    "Every article is stored whole or not at all; run the same command again to continue "
    "(stored articles are recognised and skipped)."
)


def _first_line(exc: object) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _overrides(
    paths: list[str], outlet: str | None, date_: str | None, url: str | None, title: str | None
) -> Overrides:
    published = None
    if date_:
        try:
            published = date.fromisoformat(date_)
        except ValueError as exc:
            raise fail(f"--date must be YYYY-MM-DD, got {date_!r}") from exc
    if (url or title) and (
        len(paths) != 1 or Path(paths[0]).is_dir() or paths[0].endswith(".jsonl")
    ):
        raise fail("--url and --title apply to a single article file")
    return Overrides(outlet=outlet, published_at=published, url=url, title=title)


def _count_inputs(paths: list[str]) -> int | None:
    """Number of articles for the progress bar (lines of .jsonl files count one each)."""
    total = 0
    for item in expand_paths(paths):
        if item == "-":
            return None
        path = Path(item)
        if path.suffix.lower() == ".jsonl" and path.is_file():
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


@app.command("extract")
def extract_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for stdin.")],
    format_: Annotated[str, typer.Option("--format", help="jsonl or table.")] = "jsonl",
) -> None:
    """Extract quotes without storing them (offsets are into each file's text)."""
    if format_ not in {"jsonl", "table"}:
        raise fail("--format must be jsonl or table")
    refused = 0
    table = Table("doc", "type", "speaker", "quote", "conf", show_lines=False)
    for item in read_articles(paths, Overrides(), get_settings().max_article_bytes):
        if isinstance(item, SourceError):
            refused += 1
            err.print(f"refused {item.origin}: {item.message}", highlight=False)
            continue
        for quote in extract_quotes(item.article.text, item.article.published_at):
            record = quote.as_eval_record(item.doc)
            record["start"] += item.offset
            record["end"] += item.offset
            if record["speaker_start"] is not None:
                record["speaker_start"] += item.offset
                record["speaker_end"] += item.offset
            if format_ == "jsonl":
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                table.add_row(
                    item.doc,
                    quote.type,
                    quote.speaker or "—",
                    quote.text[:120],
                    f"{quote.confidence:.2f}",
                )
    if format_ == "table":
        out.print(table)
    raise typer.Exit(1 if refused else 0)


# --- index maintenance --------------------------------------------------------------------


@app.command("sync")
def sync_command() -> None:
    """Carry every waiting change (the index outbox) to Meilisearch now."""
    stores = open_stores()
    problem = _ensure_index(stores)
    if problem:
        raise fail(f"search index unavailable: {problem}")
    with stores.factory() as session:
        waiting = outbox.count_pending(session)
    with _progress() as progress:
        task = progress.add_task("syncing", total=waiting or None, rate="")
        result = index_sync.drain_outbox(
            stores.factory,
            stores.index,
            stores.settings.index_batch_size,
            on_batch=lambda n: progress.update(task, advance=n),
        )
    if result.error:
        raise fail(
            f"indexed {result.indexed}, removed {result.deleted}; {result.pending} still "
            f"waiting: {result.error}"
        )
    out.print(f"indexed {result.indexed}, removed {result.deleted}; nothing waiting")


@speakers_app.command("list")
def speakers_list(
    query: Annotated[str | None, typer.Argument(help="Part of a name or alias.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Speakers with their ids, slugs, aliases and quote counts, most quoted first."""
    stores = open_stores()
    with stores.factory() as session:
        found = speaker_repo.search_speakers(session, query, limit)
        table = Table("id", "name", "slug", "kind", "quotes", "aliases", box=None)
        for speaker, count in found:
            table.add_row(
                str(speaker.id),
                speaker.name,
                speaker.slug,
                speaker.kind,
                str(count),
                ", ".join(speaker.aliases or []),
            )
    out.print(table if found else "no speakers match")


@speakers_app.command("merge")
def speakers_merge(
    keep: Annotated[str, typer.Argument(help="Speaker to keep: id, slug or exact name.")],
    other: Annotated[str, typer.Argument(help="Speaker folded into it and removed.")],
) -> None:
    """Merge speaker OTHER into KEEP: quotes move, names become aliases, the index follows."""
    stores = open_stores()
    try:
        result = speaker_service.merge_speakers(stores.factory, stores.index, keep, other)
    except speaker_service.SpeakerMergeError as exc:
        raise fail(str(exc)) from exc
    out.print(f"merged {result.merged} into {result.kept}: {result.moved} quotes moved")
    if result.sync.error:
        raise fail(
            f"stored, but {result.sync.pending} quotes wait for `onrecord sync`: "
            f"{result.sync.error}"
        )


@app.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from PostgreSQL into a fresh index and swap it in."""
    stores = open_stores()
    with _progress() as progress:
        task = progress.add_task("reindexing", total=None, rate="")
        try:
            total = index_sync.rebuild_index(
                stores.factory,
                stores.index,
                stores.settings.index_batch_size,
                on_batch=lambda n: progress.update(task, advance=n),
            )
        except SearchIndexError as exc:
            raise fail(f"reindex failed, the old index is untouched: {exc}") from exc
    out.print(f"reindexed {total} quotes into {stores.index.name}")


@app.command("check")
def check_command(
    repair: Annotated[
        bool, typer.Option("--repair", help="Make the index match PostgreSQL.")
    ] = False,
) -> None:
    """Compare the id and content of every quote in PostgreSQL and Meilisearch; exit 1 on drift."""
    stores = open_stores()
    try:
        report = drift.check_drift(stores.factory, stores.index)
    except SearchIndexError as exc:
        raise fail(str(exc)) from exc
    _print_report(report)
    if report.clean:
        out.print("no drift")
        return
    if not repair:
        raise fail("drift found: run `onrecord check --repair` (or `onrecord reindex`)")
    if _ensure_index(stores) is None:
        result = drift.repair_drift(
            stores.factory, stores.index, report, stores.settings.index_batch_size
        )
        if result.error:
            raise fail(f"repair stopped, {result.pending} still waiting: {result.error}")
    after = drift.check_drift(stores.factory, stores.index)
    if not after.clean:
        _print_report(after)
        raise fail("drift remains after the repair")
    out.print("repaired: no drift")


def _print_report(report: drift.DriftReport) -> None:
    out.print(
        f"quotes in PostgreSQL: {report.in_database}; in Meilisearch: {report.in_index}; "
        f"waiting in the outbox: {report.pending}"
    )
    for label, ids in (
        ("missing from the index", report.missing_from_index),
        ("in the index but not in PostgreSQL", report.not_in_database),
        ("different in the index", report.different),
    ):
        if ids:
            out.print(f"{label}: {len(ids)} (e.g. {ids[:10]})")
    if report.pending and report.last_error:
        out.print(f"last index error: {report.last_error}", highlight=False)


# --- articles and keys --------------------------------------------------------------------


@articles_app.command("delete")
def articles_delete(
    article_ids: Annotated[list[int], typer.Argument(help="Article ids to delete.")],
) -> None:
    """Delete articles and their quotes from PostgreSQL and from the search index."""
    stores = open_stores()
    missing = []
    for article_id in article_ids:
        deleted = article_service.delete_article(stores.factory, stores.index, article_id)
        if deleted is None:
            missing.append(article_id)
            continue
        removed, sync = deleted
        out.print(f"deleted article {article_id} and {len(removed)} quotes")
        if sync.error:
            err.print(
                f"[yellow]warning:[/] removed from PostgreSQL; the index follows when "
                f"Meilisearch is back ({sync.pending} waiting): {sync.error}",
                highlight=False,
            )
    if missing:
        raise fail(f"no article {', '.join(map(str, missing))}")


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="Who the key is for, e.g. 'cms-prod'.")],
    scope: Annotated[
        list[Scope], typer.Option("--scope", "-s", help="read, write or admin; repeatable.")
    ] = [Scope.write],  # noqa: B006
) -> None:
    """Create an API key; the secret is printed once and stored only as a digest."""
    stores = open_stores()
    with transaction(stores.factory) as session:
        secret, key_id = api_keys.create_key(session, name, scope)
    err.print(
        f"created key {key_id} for {name!r} with scopes {', '.join(s.value for s in scope)}; "
        "store it now, it cannot be shown again:",
        highlight=False,
    )
    out.print(secret, highlight=False)


@keys_app.command("list")
def keys_list(
    all_: Annotated[bool, typer.Option("--all", help="Include revoked keys.")] = False,
) -> None:
    """API keys with their prefixes, scopes and last use (never the secrets)."""
    stores = open_stores()
    with stores.factory() as session:
        keys = api_key_repo.list_api_keys(session, include_revoked=all_)
        table = Table("id", "name", "prefix", "scopes", "created", "last used", "revoked", box=None)
        for key in keys:
            table.add_row(
                str(key.id),
                key.name,
                key.prefix,
                ",".join(key.scopes),
                f"{key.created_at:%Y-%m-%d %H:%M}",
                f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never",
                f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "",
            )
    out.print(table if keys else "no keys")


@keys_app.command("revoke")
def keys_revoke(
    ref: Annotated[str, typer.Argument(help="Key id or prefix (from `keys list`).")],
) -> None:
    """Revoke an API key at once."""
    stores = open_stores()
    with transaction(stores.factory) as session:
        key = api_key_repo.find_api_key(session, ref)
        if key is None:
            raise fail(f"no key {ref!r}")
        if key.name == api_keys.BOOTSTRAP_NAME:
            raise fail("this key comes from ONRECORD_API_KEYS: remove it there instead")
        api_key_repo.revoke_api_key(session, key)
        out.print(f"revoked key {key.id} ({key.prefix})", highlight=False)


# --- serving ------------------------------------------------------------------------------


# JSON lines on stderr: the app's one line per request, its warnings, and uvicorn's own messages.
SERVE_LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{asctime}{levelname}{name}{message}",
            "style": "{",
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "onrecord": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the search API (OpenAPI docs at /docs)."""
    import uvicorn

    stores = open_stores()
    problem = _ensure_index(stores)
    if problem:
        err.print(f"[yellow]warning:[/] {problem}", highlight=False)
    settings = stores.settings
    # The app reads its settings from the environment; hand it the resolved service URLs.
    os.environ["ONRECORD_DATABASE_URL"] = settings.database_url
    os.environ["ONRECORD_MEILI_URL"] = settings.meili_url
    if settings.meili_master_key:
        os.environ["ONRECORD_MEILI_MASTER_KEY"] = settings.meili_master_key
    get_settings.cache_clear()
    err.print(f"OnRecord API on http://{host}:{port} (docs at /docs)", highlight=False)
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        log_config=SERVE_LOG_CONFIG,
        access_log=False,  # the app logs one JSON line per request instead
        proxy_headers=False,  # see ONRECORD_TRUSTED_PROXIES
    )


# --- database and services ----------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or upgrade the schema."""
    stores = open_stores(migrated=False)
    migrate.upgrade(stores.settings.database_url, revision)
    out.print(f"database at revision {migrate.current_revision(stores.engine)}")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision."""
    stores = open_stores(migrated=False)
    out.print(migrate.current_revision(stores.engine) or "no schema")


@services_app.command("status")
def services_status() -> None:
    """Show the private services and whether configured URLs replace them."""
    settings = get_settings()
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


@services_app.command("stop")
def services_stop() -> None:
    """Stop the private PostgreSQL and Meilisearch."""
    settings = get_settings()
    try:
        pg_stopped = private_postgres(settings).stop()
    except ServiceError:
        pg_stopped = False
    meili_stopped = private_meili(settings).stop()
    out.print(
        f"PostgreSQL: {'stopped' if pg_stopped else 'was not running'}; "
        f"Meilisearch: {'stopped' if meili_stopped else 'was not running'}"
    )
