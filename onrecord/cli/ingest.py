"""`onrecord ingest` and `onrecord extract`: reading articles, extracting, storing."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from functools import partial
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from indexer.formats import SourceFormat
from onrecord.cli.common import ensure_index, err, fail, first_line, open_stores, out, progress_bar
from onrecord.root import ALLOW_NETWORKS_HINT, build_fetcher, read_settings

if TYPE_CHECKING:
    from indexer.sources import Overrides, SourceArticle, SourceError


def ingest_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files (.txt, .html, .jsonl), folders, - for stdin, or http(s) URLs of pages."
        ),
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
    meta_from_name: Annotated[
        bool,
        typer.Option(
            "--meta-from-name",
            help="Outlet and date from file names like outlet_YYYY-MM-DD_slug.txt "
            "(--outlet and --date still win).",
        ),
    ] = False,
    source_format: Annotated[
        SourceFormat | None,
        typer.Option(
            "--format",
            help="How to read the input: required for stdin (-); for files it overrides the "
            "extension.",
        ),
    ] = None,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="Return once Meilisearch has indexed every quote (by default the last ones "
            "are sent and searchable moments later; the next sync, check or server confirms).",
        ),
    ] = False,
) -> None:
    """Extract quotes from articles and store them in PostgreSQL and Meilisearch.

    Safe to interrupt and rerun: stored articles are recognised and skipped.
    """
    from sqlalchemy.exc import OperationalError

    from indexer.pipeline import ingest_articles
    from indexer.sources import SourceError, is_url, read_articles

    if "-" in paths and source_format is None:
        raise fail("reading stdin (-) needs --format jsonl, txt or html")
    overrides = _overrides(paths, outlet, date_, url, title, source_format)
    overrides.meta_from_name = meta_from_name
    stores = open_stores()
    index_problem = ensure_index(stores)
    if index_problem:
        err.print(
            f"[yellow]warning:[/] search index unavailable; quotes will wait for "
            f"`onrecord sync`: {index_problem}",
            highlight=False,
        )
    files = [path for path in paths if not is_url(path)]
    urls = [path for path in paths if is_url(path)]
    items: Iterable[SourceArticle | SourceError] = read_articles(
        files, overrides, stores.settings.max_article_bytes, source_format
    )
    fetcher = None
    if urls:  # the fetching stack (httpx, feedparser, trafilatura) only when pages are named
        from indexer.fetch.articles import fetch_articles

        fetcher = build_fetcher(stores.settings)
        items = chain(items, fetch_articles(urls, fetcher, overrides, ALLOW_NETWORKS_HINT))
    logging.getLogger("onrecord.index_worker").setLevel(logging.ERROR)  # the summary says it
    counted = _count_inputs(files)
    total = None if counted is None else counted + len(urls)
    with progress_bar() as progress:
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
                confirm_later=not wait,
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
                f"PostgreSQL became unavailable after {done} inputs: {first_line(exc.orig)}. "
                f"{RERUN_HINT}"
            ) from exc
        finally:
            if fetcher:
                fetcher.close()
    if summary.index_error:
        err.print(f"[yellow]warning:[/] {summary.index_error}", highlight=False)
    if summary.not_english:
        err.print(
            f"[yellow]warning:[/] {not_english_warning(summary.not_english)}", highlight=False
        )
    out.print(summary.line(), highlight=False)
    raise typer.Exit(1 if summary.refused else 0)


def not_english_warning(origins: list[str], named: int = 5) -> str:
    """One line for every article that looks clearly not English (stored all the same)."""
    count = len(origins)
    listed = ", ".join(origins[:named]) + (f" and {count - named} more" if count > named else "")
    return (
        f"{count} article{'s' if count > 1 else ''} look{'' if count > 1 else 's'} clearly not "
        f"English and may have few or no quotes (extraction is English-only): {listed}"
    )


RERUN_HINT = (
    "Every article is stored whole or not at all; run the same command again to continue "
    "(stored articles are recognised and skipped)."
)


def _overrides(
    paths: list[str],
    outlet: str | None,
    date_: str | None,
    url: str | None,
    title: str | None,
    source_format: SourceFormat | None,
) -> Overrides:
    from indexer.sources import Overrides

    published = None
    if date_:
        try:
            published = date.fromisoformat(date_)
        except ValueError as exc:
            raise fail(f"--date must be YYYY-MM-DD, got {date_!r}") from exc
    several = source_format == SourceFormat.jsonl or (
        source_format is None and paths[0].endswith(".jsonl")
    )
    if (url or title) and (len(paths) != 1 or Path(paths[0]).is_dir() or several):
        raise fail("--url and --title apply to a single article file")
    return Overrides(outlet=outlet, published_at=published, url=url, title=title)


def _count_inputs(paths: list[str]) -> int | None:
    """Number of inputs for the progress bar (each line of a .jsonl file counts one)."""
    from indexer.sources import expand_paths

    total = 0
    for item in expand_paths(paths):
        if item == "-":
            return None
        path = Path(item)
        if path.suffix.lower() == ".jsonl" and path.is_file():
            with path.open("rb") as handle:  # chunks: a huge line is never held whole
                chunks = iter(partial(handle.read, 1 << 20), b"")
                total += sum(chunk.count(b"\n") for chunk in chunks)
        else:
            total += 1
    return total


class ExtractFormat(StrEnum):
    """How `onrecord extract` prints quotes."""

    jsonl = "jsonl"
    table = "table"


def extract_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for stdin.")],
    format_: Annotated[
        ExtractFormat,
        typer.Option("--format", help="One JSON object a line, or a table for reading."),
    ] = ExtractFormat.jsonl,
    input_format: Annotated[
        SourceFormat | None,
        typer.Option(
            "--input-format",
            help="How to read the input: required for stdin (-); for files it overrides the "
            "extension.",
        ),
    ] = None,
) -> None:
    """Extract quotes without storing them (offsets are into each file's text)."""
    from rich.table import Table

    from indexer.extract import extract_quotes
    from indexer.sources import Overrides, SourceError, read_articles

    if "-" in paths and input_format is None:
        raise fail("reading stdin (-) needs --input-format jsonl, txt or html")

    refused = 0
    table = Table("doc", "type", "speaker", "quote", "conf", show_lines=False)
    max_bytes = read_settings().max_article_bytes
    for item in read_articles(paths, Overrides(), max_bytes, input_format):
        if isinstance(item, SourceError):
            refused += 1
            err.print(f"refused {item.origin}: {item.message}", highlight=False)
            continue
        for quote in extract_quotes(item.article.text, item.article.published_at):
            record = quote.as_eval_record(item.doc)
            record["start"] += item.offset
            record["end"] += item.offset
            record["parts"] = [[a + item.offset, b + item.offset] for a, b in quote.parts]
            record["cited"] = quote.cited
            if record["speaker_start"] is not None:
                record["speaker_start"] += item.offset
                record["speaker_end"] += item.offset
            if format_ == ExtractFormat.jsonl:
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                table.add_row(
                    item.doc,
                    quote.type,
                    quote.speaker or "—",
                    quote.cited[:120],
                    f"{quote.confidence:.2f}",
                )
    if format_ == ExtractFormat.table:
        out.print(table)
    raise typer.Exit(1 if refused else 0)
