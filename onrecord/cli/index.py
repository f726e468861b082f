"""`onrecord sync`, `reindex` and `check`: keeping the search index in step with PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from onrecord.cli.common import ensure_index, fail, first_line, open_stores, out, progress_bar

if TYPE_CHECKING:
    from db.index_sync.drift import DriftReport


def sync_command() -> None:
    """Carry every waiting change (the index outbox) to Meilisearch now."""
    from db.index_sync import outbox
    from db.index_sync import service as index_sync

    stores = open_stores()
    problem = ensure_index(stores)
    if problem:
        raise fail(f"search index unavailable: {problem}")
    with stores.factory() as session:
        waiting = outbox.count_pending(session)
    with progress_bar() as progress:
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
    if result.refused:
        raise fail(
            f"indexed {result.indexed}, removed {result.deleted}; Meilisearch refused the "
            f"documents of {result.refused} quotes, set aside: `onrecord check` says why"
        )
    out.print(f"indexed {result.indexed}, removed {result.deleted}; nothing waiting")


def reindex_command() -> None:
    """Rebuild the search index from PostgreSQL into a fresh index and swap it in."""
    from sqlalchemy.exc import SQLAlchemyError

    from db.embeddings import EmbedderError
    from db.index_sync import service as index_sync
    from db.search_index import SearchIndexError

    stores = open_stores()
    missing = None  # quotes without a vector, when the model is on
    if stores.index.embedder is not None:
        from db.index_sync.vectors import count_missing

        with stores.factory() as session:
            missing = count_missing(session)
    with progress_bar() as progress:
        vectors = (
            progress.add_task("computing vectors", total=missing, rate="") if missing else None
        )

        def embedded(count: int) -> None:
            if vectors is not None:
                progress.update(vectors, advance=count)

        task = progress.add_task("reindexing", total=None, rate="")
        try:
            total = index_sync.rebuild_index(
                stores.factory,
                stores.index,
                stores.settings.index_batch_size,
                on_batch=lambda n: progress.update(task, advance=n),
                on_embedded=embedded,
            )
        except EmbedderError as exc:
            raise fail(f"reindex failed, the old index is untouched: {exc}") from exc
        except SearchIndexError as exc:
            raise fail(f"reindex failed, the old index is untouched: {exc}") from exc
        except SQLAlchemyError as exc:  # rolled back: every change stays queued for the index
            raise fail(f"reindex stopped, PostgreSQL failed: {first_line(exc)}") from exc
    out.print(f"reindexed {total} quotes into {stores.index.name}")


def check_command(
    repair: Annotated[
        bool, typer.Option("--repair", help="Make the index match PostgreSQL.")
    ] = False,
) -> None:
    """Compare the id and content of every quote in PostgreSQL and Meilisearch; exit 1 on drift."""
    from db.index_sync import drift
    from db.search_index import SearchIndexError

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
    if ensure_index(stores) is None:
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


def _print_report(report: DriftReport) -> None:
    out.print(
        f"quotes in PostgreSQL: {report.in_database}; in Meilisearch: {report.in_index}; "
        f"waiting in the outbox: {report.pending}"
    )
    for label, ids in (
        ("missing from the index", report.missing_from_index),
        ("in the index but not in PostgreSQL", report.not_in_database),
        ("different in the index", report.different),
        (
            "indexed by an older OnRecord (`onrecord reindex` rewrites them all)",
            report.outdated,
        ),
        (
            "in the index without their vector (search by meaning misses them)",
            report.missing_vectors,
        ),
    ):
        if ids:
            out.print(f"{label}: {len(ids)} (e.g. {ids[:10]})")
    if report.refused:
        out.print(
            f"refused by Meilisearch, set aside: {report.refused} "
            f"(last reason: {report.refused_reason})",
            highlight=False,
        )
    if report.pending and report.last_error:
        out.print(f"last index error: {report.last_error}", highlight=False)
