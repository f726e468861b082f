"""`onrecord quotes` and `onrecord corrections`: editors' corrections from the command line,
audited like the API's (the editor is `cli:<user>` unless `--editor` says)."""

from __future__ import annotations

import getpass
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from db.vocabulary import SpeakerKind
from onrecord.cli.common import fail, fail_if_waiting, open_stores, out

if TYPE_CHECKING:  # the storage layer loads only when a command runs (fast --help)
    from db.corrections.service import CorrectionResult, SpeakerTarget

app = typer.Typer(help="Correct quotes: reassign, reject, redate; list corrections.")
corrections_app = typer.Typer(help="Editors' corrections: revert one.", no_args_is_help=True)

Reason = Annotated[str, typer.Option("--reason", "-r", help="Why (kept in the audit).")]
Editor = Annotated[str | None, typer.Option(help="Who corrects (default: cli:<user>).")]
To = Annotated[str | None, typer.Option("--to", help="Speaker id, slug or exact name.")]
New = Annotated[str | None, typer.Option("--new", help="Name of a new speaker record.")]
Kind = Annotated[SpeakerKind, typer.Option(help="Kind of a new speaker record.")]


def editor_name(editor: str | None) -> str:
    return editor or f"cli:{getpass.getuser()}"


def speaker_target(to: str | None, new: str | None, kind: SpeakerKind) -> SpeakerTarget:
    """`--to REF` or `--new NAME`, exactly one."""
    from db.corrections.service import NewSpeaker

    if (to is None) == (new is None):
        raise fail("give exactly one of --to SPEAKER or --new NAME")
    return to if to is not None else NewSpeaker(new or "", kind)


def report(result: CorrectionResult) -> None:
    """Print what was done; exit 1 when the index could not take it yet."""
    from db.corrections import service as corrections

    correction = result.correction
    out.print(f"correction {correction.id}: {corrections.describe(correction)}")
    fail_if_waiting(result.sync)


@app.command("reassign")
def quotes_reassign(
    quote_id: int,
    reason: Reason,
    to: To = None,
    new: New = None,
    kind: Kind = SpeakerKind.person,
    editor: Editor = None,
) -> None:
    """Attribute quote QUOTE_ID to another speaker (--to) or a new one (--new)."""
    from db.corrections import service as corrections

    stores = open_stores()
    target = speaker_target(to, new, kind)
    try:
        result = corrections.reassign_quote(
            stores.factory, stores.index, quote_id, target, reason, editor_name(editor)
        )
    except corrections.CorrectionError as exc:
        raise fail(str(exc)) from exc
    report(result)


@app.command("reject")
def quotes_reject(quote_id: int, reason: Reason, editor: Editor = None) -> None:
    """Mark quote QUOTE_ID "not a quote": hidden from search and pages, kept for revert."""
    from db.corrections import service as corrections

    stores = open_stores()
    try:
        result = corrections.reject_quote(
            stores.factory, stores.index, quote_id, reason, editor_name(editor)
        )
    except corrections.CorrectionError as exc:
        raise fail(str(exc)) from exc
    report(result)


@app.command("redate")
def quotes_redate(
    quote_id: int,
    said_on: Annotated[str, typer.Argument(help="The date it was said, YYYY-MM-DD.")],
    reason: Reason,
    editor: Editor = None,
) -> None:
    """Fix the date quote QUOTE_ID was said."""
    from db.corrections import service as corrections

    try:
        day = date.fromisoformat(said_on)
    except ValueError as exc:
        raise fail(f"not a date: {said_on!r} (YYYY-MM-DD)") from exc
    stores = open_stores()
    try:
        result = corrections.redate_quote(
            stores.factory, stores.index, quote_id, day, reason, editor_name(editor)
        )
    except corrections.CorrectionError as exc:
        raise fail(str(exc)) from exc
    report(result)


@app.command("corrections")
def quotes_corrections(
    quote: Annotated[int | None, typer.Option(help="Only this quote's.")] = None,
    speaker: Annotated[str | None, typer.Option(help="Only this speaker's.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
) -> None:
    """Corrections, newest first: who, when, what, why, and whether reverted."""
    from rich.table import Table

    from db.corrections import repository as correction_repo
    from db.corrections import service as corrections
    from db.speakers import repository as speaker_repo

    stores = open_stores()
    with stores.factory() as session:
        speaker_id = None
        if speaker is not None:
            found = speaker_repo.find_speaker(session, speaker)
            if found is None:
                raise fail(f"no speaker {speaker!r}")
            speaker_id = found.id
        rows = correction_repo.list_corrections(session, quote, speaker_id, limit=limit)
        table = Table("id", "when", "editor", "action", "what", "why", "reverted", box=None)
        for c in rows:
            table.add_row(
                str(c.id),
                f"{c.created_at:%Y-%m-%d %H:%M}",
                c.editor,
                c.action,
                corrections.describe(c),
                c.reason,
                f"{c.reverted_at:%Y-%m-%d}" if c.reverted_at else "",
            )
    out.print(table if rows else "no corrections")


@corrections_app.command("revert")
def corrections_revert(correction_id: int, editor: Editor = None) -> None:
    """Undo exactly correction CORRECTION_ID."""
    from db.corrections import service as corrections

    stores = open_stores()
    try:
        result = corrections.revert_correction(
            stores.factory, stores.index, correction_id, editor_name(editor)
        )
    except corrections.CorrectionError as exc:
        raise fail(str(exc)) from exc
    out.print(f"reverted correction {correction_id}")
    fail_if_waiting(result.sync)
