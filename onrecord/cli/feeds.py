"""`onrecord feeds` (follow feeds: add, list, remove, poll now) and `onrecord worker`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from onrecord.cli.common import ensure_index, err, fail, open_stores, out

if TYPE_CHECKING:
    from db.feeds.service import FeedHealth

app = typer.Typer(help="Feeds OnRecord follows: add, list, remove, poll.", no_args_is_help=True)


@app.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="The RSS or Atom feed's http(s) URL.")],
    outlet: Annotated[str | None, typer.Option(help="Outlet name for its articles.")] = None,
    every: Annotated[
        str | None,
        typer.Option(
            help="How often to poll: 90s, 15m, 1h30m, 1d (default ONRECORD_FEED_INTERVAL)."
        ),
    ] = None,
) -> None:
    """Follow a feed (polled at once by a running worker, then at its interval).

    `onrecord serve` and `onrecord worker` poll due feeds; `onrecord feeds poll` polls now.
    """
    from db.feeds import service as feeds
    from onrecord.root import feed_url_check

    stores = open_stores()
    refusal = feed_url_check(stores.settings)(url)
    if refusal:
        raise fail(refusal)
    try:
        seconds = feeds.parse_interval(every or stores.settings.feed_interval)
        feed = feeds.add_feed(stores.factory, url, outlet, seconds)
    except feeds.FeedError as exc:
        raise fail(str(exc)) from exc
    out.print(
        f"following feed {feed.id}: {feed.url} every {feeds.format_interval(seconds)}",
        highlight=False,
    )


@app.command("list")
def feeds_list(
    json_: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Feeds with their health: last success, last error, items seen, next poll."""
    from rich.table import Table

    from db.feeds import service as feeds

    stores = open_stores()
    found = feeds.list_feeds(stores.factory)
    if json_:
        for feed in found:
            typer.echo(json.dumps(_record(feed), ensure_ascii=False))
        return
    table = Table(
        "id", "url", "outlet", "every", "status", "last success", "items", "articles",
        "next poll", "last error", box=None,
    )  # fmt: skip
    for feed in found:
        table.add_row(
            str(feed.id),
            feed.url,
            feed.outlet or "",
            feeds.format_interval(feed.interval_seconds),
            feed.status,
            _when(feed.last_success_at) or "never",
            str(feed.items_seen),
            str(feed.articles_stored),
            _when(feed.next_poll_at) or "",
            f"{feed.last_error} ({feed.failures}×)" if feed.last_error else "",
        )
    out.print(table if found else "no feeds")


@app.command("remove")
def feeds_remove(
    feed: Annotated[list[str], typer.Argument(help="Feed ids or URLs.")],
) -> None:
    """Stop following feeds (their articles stay)."""
    from db.feeds import service as feeds

    stores = open_stores()
    missing = []
    for ref in feed:
        removed = feeds.remove_feed(stores.factory, ref)
        if removed is None:
            missing.append(ref)
        else:
            out.print(f"removed feed {removed.id}: {removed.url}", highlight=False)
    if missing:
        raise fail(f"no such feed: {', '.join(missing)}")


@app.command("poll")
def feeds_poll(
    feed: Annotated[
        list[str] | None, typer.Argument(help="Feed ids or URLs (default: every feed).")
    ] = None,
) -> None:
    """Poll feeds now, here, and say what each gave.

    A feed a worker is polling right now is left to it. Exit 1 if a feed failed or a page
    was refused.
    """
    from db.feeds import service as feeds
    from db.index_sync.service import drain_outbox
    from indexer.extract import extract_quotes
    from indexer.polling.poll import POLLERS, poll_due
    from onrecord.root import build_fetcher

    stores = open_stores()
    ids = None
    if feed:
        ids = []
        for ref in feed:
            found = feeds.get_feed(stores.factory, ref)
            if found is None:
                raise fail(f"no such feed: {ref}")
            ids.append(found.id)
    wanted = feeds.make_due(stores.factory, ids)
    index_problem = ensure_index(stores)
    with build_fetcher(stores.settings) as fetcher:
        reports = poll_due(stores.factory, fetcher, extract_quotes, ids, wanted, POLLERS)
    if not wanted:
        out.print("no feeds")
    for report in reports:
        out.print(report.line(), highlight=False)
        for refusal in report.refused:
            err.print(f"  [red]refused[/] {refusal}", highlight=False)
    if len(reports) < wanted:
        err.print(
            f"{wanted - len(reports)} feeds are being polled by a worker now", highlight=False
        )
    sync = drain_outbox(stores.factory, stores.index, stores.settings.index_batch_size)
    if sync.error or index_problem:
        err.print(
            f"[yellow]warning:[/] {sync.pending} quotes wait for the index: "
            f"{sync.error or index_problem}",
            highlight=False,
        )
    failed = any(report.error or report.refused for report in reports)
    raise typer.Exit(1 if failed else 0)


def worker_command(
    name: Annotated[str, typer.Option(help="Worker name in the job queue's records.")] = "feeds",
) -> None:
    """Poll due feeds and index their quotes until stopped (Ctrl-C or SIGTERM).

    Run any number beside `onrecord serve`, which polls too: a feed is never polled twice at
    once.
    """
    import logging

    from db.index_sync.worker import IndexWorker
    from onrecord.root import build_feed_worker, build_fetcher

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    stores = open_stores()
    problem = ensure_index(stores)
    if problem:
        err.print(f"[yellow]warning:[/] {problem}", highlight=False)
    settings = stores.settings
    index_worker = IndexWorker(
        stores.factory, stores.index, settings.index_batch_size, settings.index_worker_interval
    )
    with build_fetcher(settings) as fetcher:
        worker = build_feed_worker(stores, fetcher, on_stored=index_worker.wake, name=name)
        index_worker.start()
        err.print(f"feed worker {name!r} polling due feeds; Ctrl-C stops it", highlight=False)
        try:
            worker.run_forever()
        finally:
            index_worker.stop()
            stores.close()


def _when(value: object) -> str | None:
    return f"{value:%Y-%m-%d %H:%M:%S}" if value is not None else None


def _record(feed: FeedHealth) -> dict[str, object]:
    from dataclasses import asdict

    record = asdict(feed)
    record["status"] = feed.status
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in record.items()}
