"""The editors' pages: sign-in and sign-out, the flag queue, the audit, and the forms on the
quote and speaker pages. Every form is checked by `api.editors.editor_form` (same origin, a
live session, its form token) and calls the same services as the editors' API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.deps import IndexDep, RateLimitsDep, RowId, SessionDep, SessionFactoryDep, SettingsDep
from api.editors import (
    SIGN_IN_PATH,
    EditorForm,
    EditorFormDep,
    OptionalEditor,
    clear_session_cookie,
    editor_page,
    lifetimes,
    refuse_cross_site,
    session_token,
    set_session_cookie,
)
from api.errors import APIError
from api.forms import FormFields, read_form
from api.schemas import QuoteCorrectionIn, QuoteOut, SpeakerEditIn, SpeakerSplitIn
from api.security import client_address
from api.services import corrections as service
from api.services.speakers import also_see, speaker_profile
from db.articles import repository as article_repo
from db.corrections.service import CorrectionError
from db.editor_sessions import service as sessions
from db.editor_sessions.service import SignedIn, SignInError
from db.speakers import repository as speaker_repo

router = APIRouter(include_in_schema=False)

HOME = "/editor/flags"
SIGN_IN_FORM_BYTES = 4096
QUEUE_LENGTH = 200
AUDIT_LENGTH = 200


def _local(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never `//host` or a URL)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target[:500]
    return HOME


def _to_sign_in(request: Request) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{SIGN_IN_PATH}?{urlencode({'next': here})}", status_code=303)


def _problem(exc: ValidationError | CorrectionError) -> str:
    """A form's error in words: the model's messages without pydantic's prefixes."""
    if isinstance(exc, CorrectionError):
        return str(exc)
    messages = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        field = ".".join(str(p) for p in error["loc"])
        messages.append(f"{field}: {message}" if field else message)
    return "; ".join(messages)


# --- signing in and out -----------------------------------------------------------------------


@router.get("/editor/sign-in", response_class=HTMLResponse, response_model=None)
def sign_in_page(
    request: Request,
    editor: OptionalEditor,
    then: Annotated[str, Query(alias="next", max_length=500)] = HOME,
) -> Response:
    """The sign-in form; `next` is the page of this site to go to afterwards."""
    if editor is not None:
        return RedirectResponse(_local(then), status_code=303)
    return editor_page(request, "editor_sign_in.html", {"next": _local(then), "error": None})


@router.post("/editor/sign-in", response_model=None)
async def sign_in(
    request: Request, factory: SessionFactoryDep, settings: SettingsDep, limits: RateLimitsDep
) -> Response:
    """Exchange a pasted API key with the `edit` scope for a session cookie. Wrong keys
    count against the address as wrong API keys do (429 past the limit, before any lookup);
    the key is read from the form body only and never echoed."""
    refuse_cross_site(request)
    address = f"ip:{client_address(request)}"
    limits.check("auth", address)
    form = await read_form(request, SIGN_IN_FORM_BYTES)
    target = _local(form.get("next"))
    secret = form.get("key")
    if not secret:
        return _sign_in_refused(request, target, 400, "Paste an API key that has the edit scope.")
    try:
        token, _ = await run_in_threadpool(
            sessions.sign_in, factory, secret, lifetimes(settings), session_token(request)
        )
    except SignInError as exc:
        if exc.wrong_key:
            limits.hit("auth", address)
        return _sign_in_refused(request, target, 401 if exc.wrong_key else 403, str(exc))
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token, settings)
    return response


def _sign_in_refused(request: Request, target: str, status: int, error: str) -> HTMLResponse:
    return editor_page(request, "editor_sign_in.html", {"next": target, "error": error}, status)


@router.post("/editor/sign-out")
def sign_out(request: Request, _form: EditorFormDep, factory: SessionFactoryDep) -> Response:
    token = session_token(request)
    if token is not None:
        sessions.sign_out(factory, token)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.get("/editor")
def editor_home() -> RedirectResponse:
    return RedirectResponse(HOME, status_code=303)


# --- the queue and the audit ----------------------------------------------------------------


@router.get("/editor/flags", response_class=HTMLResponse, response_model=None)
def flags_page(request: Request, session: SessionDep, editor: OptionalEditor) -> Response:
    """The readers' flags, most flagged quote first, each linking to its quote."""
    if editor is None:
        return _to_sign_in(request)
    queue = service.flag_queue(session, QUEUE_LENGTH)
    return editor_page(request, "editor_flags.html", {"editor": editor, "queue": queue})


@router.get("/editor/corrections", response_class=HTMLResponse, response_model=None)
def corrections_page(
    request: Request,
    session: SessionDep,
    editor: OptionalEditor,
    quote: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    speaker: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    """The audit, newest first, with a revert button on each correction still in force."""
    if editor is None:
        return _to_sign_in(request)
    return _audit(request, session, editor, quote, speaker)


def _audit(
    request: Request,
    session: Session,
    editor: SignedIn,
    quote: int | None = None,
    speaker: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    rows = service.list_corrections(session, quote, speaker or None, AUDIT_LENGTH)
    if rows is None:
        raise APIError(404, f"There is no speaker {speaker!r}.")
    context = {
        "editor": editor,
        "corrections": rows,
        "error": error,
        "quote": quote,
        "speaker": speaker,
    }
    return editor_page(request, "editor_corrections.html", context, status)


@router.post("/editor/corrections/{correction_id}/revert", response_model=None)
def revert(
    correction_id: RowId,
    request: Request,
    sent: EditorFormDep,
    factory: SessionFactoryDep,
    index: IndexDep,
    session: SessionDep,
) -> Response:
    try:
        service.revert(factory, index, correction_id, service.editor_of(sent.editor.principal))
    except CorrectionError as exc:
        status = 404 if exc.missing else 400
        return _audit(request, session, sent.editor, error=str(exc), status=status)
    return RedirectResponse(f"/editor/corrections#correction-{correction_id}", status_code=303)


# --- a quote ----------------------------------------------------------------------------------


@router.post("/editor/quotes/{quote_id}", response_model=None)
def correct_quote(
    quote_id: RowId,
    request: Request,
    sent: EditorFormDep,
    factory: SessionFactoryDep,
    index: IndexDep,
    session: SessionDep,
) -> Response:
    """Reassign, reject ("not a quote") or redate, from the quote page's forms. A refused
    correction shows the forms again with what was typed and why."""
    form = sent.form
    try:
        body = QuoteCorrectionIn.model_validate(_quote_fields(form))
        service.correct_quote(
            factory, index, quote_id, body, service.editor_of(sent.editor.principal)
        )
    except (ValidationError, CorrectionError) as exc:
        return _quote_again(request, session, sent, quote_id, _problem(exc))
    if body.action == "reject":  # gone from the pages: the audit can bring it back
        return RedirectResponse("/editor/corrections", status_code=303)
    return RedirectResponse(f"/quotes/{quote_id}#corrections", status_code=303)


def _quote_fields(form: FormFields) -> dict[str, Any]:
    fields: dict[str, Any] = {"action": form.get("action"), "reason": form.get("reason")}
    if not fields["reason"]:
        raise CorrectionError("Give a reason: it is kept in the audit.")
    if fields["action"] == "reassign":
        fields |= {
            "speaker": form.optional("speaker"),
            "new_speaker": form.optional("new_speaker"),
        }
        if bool(fields["speaker"]) == bool(fields["new_speaker"]):
            raise CorrectionError("Give either a stored speaker or a new speaker's name.")
    elif fields["action"] == "redate":
        fields["said_on"] = form.optional("said_on")
    return fields


def _quote_again(
    request: Request, session: Session, sent: EditorForm, quote_id: int, error: str
) -> HTMLResponse:
    quote = article_repo.get_quote(session, quote_id)
    if quote is None:
        raise APIError(404, f"There is no quote {quote_id}.")
    context = {
        "editor": sent.editor,
        "quote": QuoteOut.of(quote),
        "error": error,
        "values": {name: sent.form.get(name) for name in sent.form.fields},
    }
    return editor_page(request, "editor_quote.html", context, 400)


# --- a speaker --------------------------------------------------------------------------------


@router.post("/editor/speakers/{speaker_id}/edit", response_model=None)
def edit_speaker(
    speaker_id: RowId,
    request: Request,
    sent: EditorFormDep,
    factory: SessionFactoryDep,
    index: IndexDep,
    session: SessionDep,
) -> Response:
    """Name, aliases (one a line) and description."""
    form = sent.form
    aliases = [line.strip() for line in form.get("aliases").splitlines() if line.strip()]
    return _speaker_change(
        request,
        session,
        sent,
        speaker_id,
        lambda editor: service.edit_speaker(
            factory,
            index,
            speaker_id,
            SpeakerEditIn(
                name=form.optional("name"),
                aliases=aliases,
                description=form.get("description"),
                reason=_reason(form),
            ),
            editor,
        ),
    )


@router.post("/editor/speakers/{speaker_id}/split", response_model=None)
def split_speaker(
    speaker_id: RowId,
    request: Request,
    sent: EditorFormDep,
    factory: SessionFactoryDep,
    index: IndexDep,
    session: SessionDep,
) -> Response:
    """Move the ticked quotes to a stored or a new speaker."""
    form = sent.form

    def split(editor: str) -> None:
        ids = [int(v) for v in form.all("quote_id") if v.isdigit() and len(v) < 19]
        if not ids:
            raise CorrectionError("Tick the quotes that belong to someone else.")
        target = {"speaker": form.optional("speaker"), "new_speaker": form.optional("new_speaker")}
        if bool(target["speaker"]) == bool(target["new_speaker"]):
            raise CorrectionError("Give either a stored speaker or a new speaker's name.")
        body = SpeakerSplitIn(quote_ids=ids, reason=_reason(form), **target)
        service.split_speaker(factory, index, speaker_id, body, editor)

    return _speaker_change(request, session, sent, speaker_id, split)


@router.post("/editor/speakers/{speaker_id}/merge", response_model=None)
def merge_speaker(
    speaker_id: RowId,
    request: Request,
    sent: EditorFormDep,
    factory: SessionFactoryDep,
    index: IndexDep,
    session: SessionDep,
) -> Response:
    """Fold another record (id, slug or exact name) into this one."""
    form = sent.form

    def merge(editor: str) -> None:
        other = form.get("other")
        if not other:
            raise CorrectionError("Name the record to merge into this one.")
        service.merge_speakers(factory, index, speaker_id, other, _reason(form), editor)

    return _speaker_change(request, session, sent, speaker_id, merge)


def _reason(form: FormFields) -> str:
    reason = form.get("reason")
    if not reason:
        raise CorrectionError("Give a reason: it is kept in the audit.")
    return reason


def _speaker_change(
    request: Request,
    session: Session,
    sent: EditorForm,
    speaker_id: int,
    change: Callable[[str], object],
) -> Response:
    """Run one speaker change; back to the speaker's page, or its forms again with the error."""
    try:
        change(service.editor_of(sent.editor.principal))
    except (ValidationError, CorrectionError) as exc:
        return _speaker_again(request, session, sent, speaker_id, _problem(exc))
    session.expire_all()
    speaker = speaker_repo.get_speaker(session, speaker_id)
    if speaker is None:
        raise APIError(404, f"There is no speaker {speaker_id}.")
    return RedirectResponse(f"/speakers/{speaker.slug}#corrections", status_code=303)


def _speaker_again(
    request: Request, session: Session, sent: EditorForm, speaker_id: int, error: str
) -> HTMLResponse:
    speaker = speaker_repo.get_speaker(session, speaker_id)
    profile = speaker_profile(session, speaker.slug) if speaker is not None else None
    if profile is None:
        raise APIError(404, f"There is no speaker {speaker_id}.")
    context = {
        "editor": sent.editor,
        "speaker": profile.speaker,
        "quote_count": profile.quote_count,
        "timeline": profile.timeline,
        "also_see": also_see(session, profile.speaker, profile.quote_count),
        "error": error,
        "values": {name: sent.form.get(name) for name in sent.form.fields},
        "ticked": set(sent.form.all("quote_id")),
    }
    return editor_page(request, "editor_speaker.html", context, 400)
