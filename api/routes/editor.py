"""Editors' corrections (a key with the `edit` scope) and readers' flags (no account)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from api import errors
from api.deps import IndexDep, RowId, SessionDep, SessionFactoryDep
from api.errors import APIError
from api.forms import read_form
from api.schemas import (
    CorrectionOut,
    FlagIn,
    FlagQueueOut,
    FlagStored,
    QuoteCorrectionIn,
    SpeakerEditIn,
    SpeakerMergeIn,
    SpeakerSplitIn,
)
from api.security import KEY_REQUIRED, limit_write, require_scope
from api.services import corrections as service
from db.api_keys.service import Principal, Scope
from db.corrections.flags import FlagReason, flag_quote
from db.corrections.service import CorrectionError

router = APIRouter(tags=["editors"], responses=errors.responses(422, 503))

EditKey = Annotated[Principal, Depends(require_scope(Scope.edit))]
_EDIT: dict[str, Any] = {
    "responses": errors.responses(400, 401, 403, 404, 429),
    "dependencies": [Depends(limit_write)],
    "openapi_extra": KEY_REQUIRED,
}
FLAG_FORM_BYTES = 4096


def _refused(exc: CorrectionError) -> APIError:
    return APIError(404 if exc.missing else 400, str(exc))


@router.post(
    "/v1/quotes/{quote_id}/corrections", response_model=CorrectionOut, status_code=201, **_EDIT
)
def correct_quote(
    quote_id: RowId,
    body: QuoteCorrectionIn,
    factory: SessionFactoryDep,
    index: IndexDep,
    key: EditKey,
) -> CorrectionOut:
    """Reassign a quote to another or a new speaker, reject it ("not a quote") or fix its
    date said. Audited, reversible, and kept when the article is ingested or re-extracted."""
    try:
        return service.correct_quote(factory, index, quote_id, body, service.editor_of(key))
    except CorrectionError as exc:
        raise _refused(exc) from exc


@router.patch("/v1/speakers/{speaker_id}", response_model=CorrectionOut, **_EDIT)
def edit_speaker(
    speaker_id: RowId,
    body: SpeakerEditIn,
    factory: SessionFactoryDep,
    index: IndexDep,
    key: EditKey,
) -> CorrectionOut:
    """Edit a speaker's name, aliases or description (the slug stays)."""
    try:
        return service.edit_speaker(factory, index, speaker_id, body, service.editor_of(key))
    except CorrectionError as exc:
        raise _refused(exc) from exc


@router.post(
    "/v1/speakers/{speaker_id}/split", response_model=CorrectionOut, status_code=201, **_EDIT
)
def split_speaker(
    speaker_id: RowId,
    body: SpeakerSplitIn,
    factory: SessionFactoryDep,
    index: IndexDep,
    key: EditKey,
) -> CorrectionOut:
    """Move the chosen quotes of a mixed record to another or a new speaker."""
    try:
        return service.split_speaker(factory, index, speaker_id, body, service.editor_of(key))
    except CorrectionError as exc:
        raise _refused(exc) from exc


@router.post(
    "/v1/speakers/{speaker_id}/merge", response_model=CorrectionOut, status_code=201, **_EDIT
)
def merge_speaker(
    speaker_id: RowId,
    body: SpeakerMergeIn,
    factory: SessionFactoryDep,
    index: IndexDep,
    key: EditKey,
) -> CorrectionOut:
    """Fold another record of the same person into this one: its quotes move, its names
    become aliases, its slug and id lead here. Audited; reverting it unmerges."""
    try:
        return service.merge_speakers(
            factory, index, speaker_id, body.other, body.reason, service.editor_of(key)
        )
    except CorrectionError as exc:
        raise _refused(exc) from exc


@router.get(
    "/v1/corrections",
    response_model=list[CorrectionOut],
    responses=errors.responses(401, 403, 404),
    openapi_extra=KEY_REQUIRED,
)
def list_corrections(
    session: SessionDep,
    _key: EditKey,
    quote_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    speaker: Annotated[str | None, Query(max_length=300, description="Id, slug or name.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[CorrectionOut]:
    """The audit: corrections newest first, reverted ones included."""
    found = service.list_corrections(session, quote_id, speaker, limit)
    if found is None:
        raise APIError(404, f"no speaker {speaker!r}")
    return found


@router.post("/v1/corrections/{correction_id}/revert", response_model=CorrectionOut, **_EDIT)
def revert_correction(
    correction_id: RowId, factory: SessionFactoryDep, index: IndexDep, key: EditKey
) -> CorrectionOut:
    """Undo exactly this correction (refused when a later one changed the same thing)."""
    try:
        return service.revert(factory, index, correction_id, service.editor_of(key))
    except CorrectionError as exc:
        raise _refused(exc) from exc


@router.post(
    "/v1/quotes/{quote_id}/flags",
    response_model=FlagStored,
    status_code=201,
    dependencies=[Depends(limit_write)],
    responses=errors.responses(404, 429),
)
def flag(quote_id: RowId, body: FlagIn, factory: SessionFactoryDep) -> FlagStored:
    """Report a wrong quote (no account; limited per address). It joins the editors' queue."""
    try:
        flag_id = flag_quote(factory, quote_id, body.reason, body.note)
    except CorrectionError as exc:
        raise _refused(exc) from exc
    return FlagStored(id=flag_id, quote_id=quote_id)


@router.get(
    "/v1/flags",
    response_model=FlagQueueOut,
    responses=errors.responses(401, 403),
    openapi_extra=KEY_REQUIRED,
)
def flag_queue(
    session: SessionDep, _key: EditKey, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> FlagQueueOut:
    """The editors' queue: open flags grouped by quote, most flagged first, with counts."""
    return service.flag_queue(session, limit)


@router.post(
    "/quotes/{quote_id}/flag",
    include_in_schema=False,
    dependencies=[Depends(limit_write)],
)
async def flag_from_page(
    quote_id: RowId, request: Request, factory: SessionFactoryDep
) -> RedirectResponse:
    """The permalink page's form (works without script): flag, then back to the page."""
    form = await read_form(request, FLAG_FORM_BYTES)
    try:
        body = FlagIn(reason=FlagReason(form.get("reason")), note=form.get("note")[:1000] or None)
    except ValueError as exc:
        raise APIError(422, "choose a reason from the list") from exc
    try:
        await run_in_threadpool(flag_quote, factory, quote_id, body.reason, body.note)
    except CorrectionError as exc:
        raise _refused(exc) from exc
    target = request.url_for("quote_page", quote_id=quote_id).path
    return RedirectResponse(f"{target}?flagged=1#flag", status_code=303)
