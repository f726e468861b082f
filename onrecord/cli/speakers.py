"""`onrecord speakers`: list, merge, unmerge, rename and split speaker records."""

from __future__ import annotations

from typing import Annotated

import typer

from db.vocabulary import SpeakerKind
from onrecord.cli.common import fail, fail_if_waiting, open_stores, out
from onrecord.cli.quotes import Editor, Kind, New, Reason, To, editor_name, report, speaker_target

app = typer.Typer(
    help="Speaker records: list, merge, unmerge, rename and split.", no_args_is_help=True
)


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
    reason: Reason,
    editor: Editor = None,
) -> None:
    """Merge speaker OTHER into KEEP: quotes move, names become aliases, the index follows.
    Audited; `corrections revert` or `speakers unmerge` undoes it."""
    from db.corrections import service as corrections

    stores = open_stores()
    try:
        result = corrections.merge_speakers(
            stores.factory, stores.index, keep, other, reason, editor_name(editor)
        )
    except corrections.CorrectionError as exc:
        raise fail(str(exc)) from exc
    done = result.correction
    out.print(
        f"merged {done.before['speaker']} into {done.after['speaker']}: "
        f"{done.after['moved']} quotes moved (correction {done.id})"
    )
    fail_if_waiting(result.sync)


@app.command("unmerge")
def speakers_unmerge(
    merged: Annotated[str, typer.Argument(help="The merged speaker's old slug or id.")],
    editor: Editor = None,
) -> None:
    """Undo a merge: the speaker comes back with its id, slug, names and moved quotes."""
    from db.corrections import service as corrections

    stores = open_stores()
    try:
        result = corrections.unmerge_speaker(
            stores.factory, stores.index, merged, editor_name(editor)
        )
    except corrections.CorrectionError as exc:
        raise fail(str(exc)) from exc
    out.print(f"split {result.merged} from {result.kept}: {result.moved} quotes moved back")
    fail_if_waiting(result.sync)


@app.command("rename")
def speakers_rename(
    speaker: Annotated[str, typer.Argument(help="Speaker: id, slug or exact name.")],
    reason: Reason,
    name: Annotated[str | None, typer.Option(help="The new name.")] = None,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="The aliases, all of them; repeatable.")
    ] = None,
    description: Annotated[str | None, typer.Option(help="The new description.")] = None,
    editor: Editor = None,
) -> None:
    """Edit a speaker's name, aliases or description (an audited, reversible correction)."""
    from db.corrections import service as corrections

    stores = open_stores()
    try:
        result = corrections.edit_speaker(
            stores.factory,
            stores.index,
            speaker,
            reason,
            editor_name(editor),
            name=name,
            aliases=alias,
            description=description,
        )
    except corrections.CorrectionError as exc:
        raise fail(str(exc)) from exc
    report(result)


@app.command("split")
def speakers_split(
    speaker: Annotated[str, typer.Argument(help="The mixed record: id, slug or exact name.")],
    quote_ids: Annotated[list[int], typer.Argument(help="The quotes that move.")],
    reason: Reason,
    to: To = None,
    new: New = None,
    kind: Kind = SpeakerKind.person,
    editor: Editor = None,
) -> None:
    """Move the chosen quotes of a record that mixes two people to another (--to) or a new
    (--new) record."""
    from db.corrections import service as corrections

    stores = open_stores()
    target = speaker_target(to, new, kind)
    try:
        result = corrections.split_speaker(
            stores.factory, stores.index, speaker, quote_ids, target, reason, editor_name(editor)
        )
    except corrections.CorrectionError as exc:
        raise fail(str(exc)) from exc
    report(result)
