"""`onrecord speakers`: list, merge and unmerge speaker records."""

from __future__ import annotations

from typing import Annotated

import typer

from onrecord.cli.common import fail, open_stores, out

app = typer.Typer(help="Speaker records: list, merge and unmerge.", no_args_is_help=True)


@app.command("list")
def speakers_list(
    query: Annotated[str | None, typer.Argument(help="Part of a name or alias.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Speakers with their ids, slugs, aliases and quote counts, most quoted first."""
    from rich.table import Table

    from db.speakers import repository as speaker_repo

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


@app.command("merge")
def speakers_merge(
    keep: Annotated[str, typer.Argument(help="Speaker to keep: id, slug or exact name.")],
    other: Annotated[str, typer.Argument(help="Speaker folded into it and removed.")],
) -> None:
    """Merge speaker OTHER into KEEP: quotes move, names become aliases, the index follows."""
    from db.speakers import service as speaker_service

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


@app.command("unmerge")
def speakers_unmerge(
    merged: Annotated[str, typer.Argument(help="The merged speaker's old slug or id.")],
) -> None:
    """Undo a merge: the speaker comes back with its id, slug, names and moved quotes."""
    from db.speakers import service as speaker_service

    stores = open_stores()
    try:
        result = speaker_service.unmerge_speaker(stores.factory, stores.index, merged)
    except speaker_service.SpeakerMergeError as exc:
        raise fail(str(exc)) from exc
    out.print(f"split {result.merged} from {result.kept}: {result.moved} quotes moved back")
    if result.sync.error:
        raise fail(
            f"stored, but {result.sync.pending} quotes wait for `onrecord sync`: "
            f"{result.sync.error}"
        )
