"""The `onrecord` command: one module per command group, all opened through `onrecord.root`."""

from __future__ import annotations

from typing import Annotated

import typer

from onrecord.cli import articles, database, keys, quotes, services, speakers
from onrecord.cli.backup import backup_command, restore_command
from onrecord.cli.export import export_command
from onrecord.cli.index import check_command, reindex_command, sync_command
from onrecord.cli.ingest import extract_command, ingest_command
from onrecord.cli.serve import serve_command

app = typer.Typer(
    help="OnRecord: who said what, when, where. Ingest articles, search quotes.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("ingest")(ingest_command)
app.command("extract")(extract_command)
app.command("sync")(sync_command)
app.command("reindex")(reindex_command)
app.command("check")(check_command)
app.command("export")(export_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("serve")(serve_command)
app.add_typer(database.app, name="db")
app.add_typer(articles.app, name="articles")
app.add_typer(keys.app, name="keys")
app.add_typer(services.app, name="services")
app.add_typer(speakers.app, name="speakers")
app.add_typer(quotes.app, name="quotes")
app.add_typer(quotes.corrections_app, name="corrections")


def _print_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import PackageNotFoundError, version  # costs --help 0.1 s

        try:
            typer.echo(f"onrecord {version('onrecord')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            typer.echo("onrecord (not installed)")
        raise typer.Exit()


@app.callback()
def main(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """OnRecord: who said what, when, where. Ingest articles, search quotes."""
