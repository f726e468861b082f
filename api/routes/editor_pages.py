"""The editors' pages: sign-in and sign-out, the flag queue, the audit, and the forms on the
quote and speaker pages. Every form is checked by `api.editors.editor_form` (same origin, a
live session, its form token) and calls the same services as the editors' API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

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
from db.search_index import SearchIndex
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


# --- what every form shares -----------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    """A checked editor form and what its route needs to apply it or to show it again."""

    request: Request
    sent: EditorForm
    factory: sessionmaker[Session]
    index: SearchIndex
    session: Session

    @property
    def form(self) -> FormFields:
        return self.sent.form

    @property
    def editor(self) -> str:
        """Who the audit names."""
        return service.editor_of(self.sent.editor.principal)


def _submitted(
    request: Request,
    sent: EditorFormDep,
    factory: SessionFactoryDep,
    index: IndexDep,
    session: SessionDep,
) -> Submitted:
    return Submitted(request, sent, factory, index, session)


SubmittedDep = Annotated[Submitted, Depends(_submitted)]
Refusal = ValidationError | CorrectionError


def _apply(
    change: Callable[[], object],
    refused: Callable[[Refusal], HTMLResponse],
    done: Callable[[], str],
) -> Response:
    """Make one correction and go on to `done()`; a refused one shows `refused`'s page."""
    try:
        change()
    except (ValidationError, CorrectionError) as exc:
        return refused(exc)
    return RedirectResponse(done(), status_code=303)


def _form_again(
    sub: Submitted, template: str, context: dict[str, Any], exc: Refusal
) -> HTMLResponse:
    """A refused form's page again (400), with what was typed and why it was refused."""
    typed = {
        "editor": sub.sent.editor,
        "error": _problem(exc),
        "values": {name: sub.form.get(name) for name in sub.form.fields},
        "ticked": set(sub.form.all("quote_id")),
    }
    return editor_page(sub.request, template, {**typed, **context}, 400)


def _reason(form: FormFields) -> str:
    reason = form.get("reason")
    if not reason:
        raise CorrectionError("Give a reason: it is kept in the audit.")
    return reason


def _target(form: FormFields) -> dict[str, str | None]:
    """Where quotes go: a stored speaker or a new speaker's name, exactly one of them."""
    target = {"speaker": form.optional("speaker"), "new_speaker": form.optional("new_speaker")}
    if bool(target["speaker"]) == bool(target["new_speaker"]):
        raise CorrectionError("Give either a stored speaker or a new speaker's name.")
    return target


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
def revert(correction_id: RowId, sub: SubmittedDep) -> Response:
    def refused(exc: Refusal) -> HTMLResponse:
        status = 404 if isinstance(exc, CorrectionError) and exc.missing else 400
        return _audit(sub.request, sub.session, sub.sent.editor, error=_problem(exc), status=status)

    return _apply(
        lambda: service.revert(sub.factory, sub.index, correction_id, sub.editor),
        refused,
        lambda: f"/editor/corrections#correction-{correction_id}",
    )


# --- a quote ----------------------------------------------------------------------------------


@router.post("/editor/quotes/{quote_id}", response_model=None)
def correct_quote(quote_id: RowId, sub: SubmittedDep) -> Response:
    """Reassign, reject ("not a quote") or redate, from the quote page's forms."""

    def correct() -> None:
        body = QuoteCorrectionIn.model_validate(_quote_fields(sub.form))
        service.correct_quote(sub.factory, sub.index, quote_id, body, sub.editor)

    def refused(exc: Refusal) -> HTMLResponse:
        quote = article_repo.get_quote(sub.session, quote_id)
        if quote is None:
            raise APIError(404, f"There is no quote {quote_id}.")
        return _form_again(sub, "editor_quote.html", {"quote": QuoteOut.of(quote)}, exc)

    def done() -> str:  # a rejected quote is gone from the pages: the audit can bring it back
        return (
            "/editor/corrections"
            if sub.form.get("action") == "reject"
            else (f"/quotes/{quote_id}#corrections")
        )

    return _apply(correct, refused, done)


def _quote_fields(form: FormFields) -> dict[str, Any]:
    fields: dict[str, Any] = {"action": form.get("action"), "reason": _reason(form)}
    if fields["action"] == "reassign":
        fields |= _target(form)
    elif fields["action"] == "redate":
        fields["said_on"] = form.optional("said_on")
    return fields


# --- a speaker --------------------------------------------------------------------------------


@router.post("/editor/speakers/{speaker_id}/edit", response_model=None)
def edit_speaker(speaker_id: RowId, sub: SubmittedDep) -> Response:
    """Name, aliases (one a line) and description."""
    form = sub.form

    def edit() -> None:
        aliases = [line.strip() for line in form.get("aliases").splitlines() if line.strip()]
        body = SpeakerEditIn(
            name=form.optional("name"),
            aliases=aliases,
            description=form.get("description"),
            reason=_reason(form),
        )
        service.edit_speaker(sub.factory, sub.index, speaker_id, body, sub.editor)

    return _speaker_change(sub, speaker_id, edit)


@router.post("/editor/speakers/{speaker_id}/split", response_model=None)
def split_speaker(speaker_id: RowId, sub: SubmittedDep) -> Response:
    """Move the ticked quotes to a stored or a new speaker."""
    form = sub.form

    def split() -> None:
        ids = [int(v) for v in form.all("quote_id") if v.isdigit() and len(v) < 19]
        if not ids:
            raise CorrectionError("Tick the quotes that belong to someone else.")
        target = _target(form)
        body = SpeakerSplitIn(quote_ids=ids, reason=_reason(form), **target)
        service.split_speaker(sub.factory, sub.index, speaker_id, body, sub.editor)

    return _speaker_change(sub, speaker_id, split)


@router.post("/editor/speakers/{speaker_id}/merge", response_model=None)
def merge_speaker(speaker_id: RowId, sub: SubmittedDep) -> Response:
    """Fold another record (id, slug or exact name) into this one."""
    form = sub.form

    def merge() -> None:
        other = form.get("other")
        if not other:
            raise CorrectionError("Name the record to merge into this one.")
        reason = _reason(form)
        service.merge_speakers(sub.factory, sub.index, speaker_id, other, reason, sub.editor)

    return _speaker_change(sub, speaker_id, merge)


def _speaker_change(sub: Submitted, speaker_id: int, change: Callable[[], object]) -> Response:
    """Run one speaker change; back to the speaker's page, or its forms again with the error."""

    def refused(exc: Refusal) -> HTMLResponse:
        speaker = speaker_repo.get_speaker(sub.session, speaker_id)
        profile = speaker_profile(sub.session, speaker.slug) if speaker is not None else None
        if profile is None:
            raise APIError(404, f"There is no speaker {speaker_id}.")
        context = {
            "speaker": profile.speaker,
            "quote_count": profile.quote_count,
            "timeline": profile.timeline,
            "also_see": also_see(sub.session, profile.speaker, profile.quote_count),
        }
        return _form_again(sub, "editor_speaker.html", context, exc)

    def done() -> str:
        sub.session.expire_all()
        speaker = speaker_repo.get_speaker(sub.session, speaker_id)
        if speaker is None:
            raise APIError(404, f"There is no speaker {speaker_id}.")
        return f"/speakers/{speaker.slug}#corrections"

    return _apply(change, refused, done)
