"""Editors signed in from the browser: the session cookie, and the checks every editor form
passes (same origin, a live session, that session's form token).

The cookie is HttpOnly and SameSite=Strict, and on https `Secure` with the `__Host-` prefix
(so no subdomain or plain-http page can set or overwrite it); it holds only the session's
random token, which PostgreSQL keeps as a digest (`db.editor_sessions`). A form is refused
(403) when the browser says it came from another site (`Sec-Fetch-Site`, `Origin`), and
unless it carries the session's own form token, compared in constant time.

Pages never show the form token itself: each response carries it masked afresh (a random
one-time pad, then the pad XOR the token, base64url, as Rails' `mask_token` does), so no
secret repeats byte for byte across compressed responses for a BREACH attack to guess at.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from sqlalchemy.exc import SQLAlchemyError

from api.deps import SessionFactoryDep, SettingsDep
from api.errors import APIError
from api.forms import FormFields, read_form
from api.headers import cached
from api.web import long_date, page
from db.editor_sessions import service as sessions
from db.editor_sessions.service import Lifetimes, SignedIn
from db.settings import Settings

COOKIE = "onrecord_editor"
SECURE_COOKIE = "__Host-onrecord_editor"  # https: Secure, Path=/, no Domain (enforced by browsers)
CSRF_FIELD = "csrf_token"
EDITOR_FORM_BYTES = 256 * 1024  # a split form lists up to a few thousand quote ids
MAX_TOKEN = 200
SIGN_IN_PATH = "/editor/sign-in"
NOT_LOOKED_UP = object()  # request.state.editor before this request looked its session up


def lifetimes(settings: Settings) -> Lifetimes:
    return Lifetimes.of(settings.editor_session_hours, settings.editor_session_idle_minutes)


def _secure(request: Request) -> bool:
    """https as the public URL (or a trusted proxy) says: the public host middleware sets it."""
    return request.url.scheme == "https"


def cookie_name(request: Request) -> str:
    return SECURE_COOKIE if _secure(request) else COOKIE


def session_token(request: Request) -> str | None:
    token = request.cookies.get(cookie_name(request))
    return token if token and len(token) <= MAX_TOKEN else None


def set_session_cookie(
    request: Request, response: Response, token: str, settings: Settings
) -> None:
    response.set_cookie(
        cookie_name(request),
        token,
        max_age=int(lifetimes(settings).absolute.total_seconds()),
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        cookie_name(request), path="/", secure=_secure(request), httponly=True, samesite="strict"
    )


def mask_form_token(token: str) -> str:
    """The form token as one response shows it: a fresh one-time pad and the pad XOR token."""
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    masked = pad + bytes(a ^ b for a, b in zip(pad, raw, strict=True))
    return base64.urlsafe_b64encode(masked).decode().rstrip("=")


def form_token_matches(sent: str, token: str) -> bool:
    """Whether a posted (masked) form token unmasks to the session's token; the bare token,
    a tampered or truncated one, and anything not base64url are refused."""
    expected = token.encode()
    if not sent or len(sent) > 4 * MAX_TOKEN:
        return False
    try:
        masked = base64.urlsafe_b64decode(sent + "=" * (-len(sent) % 4))
    except (binascii.Error, ValueError):
        return False
    if len(masked) != 2 * len(expected):
        return False
    pad, cipher = masked[: len(expected)], masked[len(expected) :]
    return hmac.compare_digest(bytes(a ^ b for a, b in zip(pad, cipher, strict=True)), expected)


def editor_page(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    """A page only a signed-in editor sees: never stored by any cache. Its forms carry the
    session's form token masked for this response only."""
    editor = context.get("editor")
    shared: dict[str, Any] = {"long_date": long_date, "csrf_field": CSRF_FIELD}
    if isinstance(editor, SignedIn):
        shared["form_token"] = mask_form_token(editor.csrf_token)
    response = page(request, template, {**shared, **context}, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def public_page(
    request: Request,
    template: str,
    context: dict[str, Any],
    editor: SignedIn | None,
    max_age: int | None = None,
    status: int = 200,
) -> Response:
    """A page readers and editors share. A signed-in editor's copy (the header's editor links,
    a form token) is never stored by any cache; readers' copies are cacheable as before
    (`max_age`, with an ETag) and say `Vary: Cookie`, so a browser that signs in asks again."""
    if editor is not None:
        return editor_page(request, template, {**context, "editor": editor}, status)
    response: Response = page(request, template, {**context, "editor": None}, status)
    if max_age is not None:
        response = cached(request, response, max_age)
    response.headers["Vary"] = "Cookie"
    return response


async def optional_editor(
    request: Request, factory: SessionFactoryDep, settings: SettingsDep
) -> SignedIn | None:
    """The signed-in editor, or None; readers (no cookie) cost no database lookup."""
    token = session_token(request)
    if token is None:
        return None
    editor = await run_in_threadpool(sessions.current, factory, token, lifetimes(settings))
    request.state.editor = editor  # an error page later in this request shows the same site
    if editor is not None:
        request.state.principal = editor.principal  # the request log prints its prefix
    return editor


async def error_page(request: Request, context: dict[str, Any], status: int) -> Response:
    """An error page as the person asking sees the site: a signed-in editor keeps the editor
    bar and is not offered a sign-in. An error raised before any lookup (an unknown path)
    looks the session up here; when that fails too (the database is what failed), the
    reader's page is shown."""
    looked_up = getattr(request.state, "editor", NOT_LOOKED_UP)
    editor = looked_up if isinstance(looked_up, SignedIn) else None
    if looked_up is NOT_LOOKED_UP:
        state = request.app.state
        try:
            editor = await optional_editor(request, state.session_factory, state.settings)
        except SQLAlchemyError:
            editor = None
    return public_page(request, "error.html", context, editor, status=status)


OptionalEditor = Annotated[SignedIn | None, Depends(optional_editor)]


def refuse_cross_site(request: Request) -> None:
    """403 for a form another site made the browser send (the browser's own headers say so)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise APIError(403, "This form was sent from another site; it was refused.")
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin is not None and origin != own:
        raise APIError(403, "This form was sent from another site; it was refused.")


@dataclass(frozen=True)
class EditorForm:
    """A posted editor form that passed every check, and who sent it."""

    editor: SignedIn
    form: FormFields


async def editor_form(request: Request, editor: OptionalEditor) -> EditorForm:
    """The form of a signed-in editor: 401 without a live session, 403 from another site or
    without that session's form token."""
    refuse_cross_site(request)
    form = await read_form(request, EDITOR_FORM_BYTES)
    if editor is None:
        raise APIError(
            401, f"Your editor session has ended: sign in again at {SIGN_IN_PATH} and resend."
        )
    if not form_token_matches(form.get(CSRF_FIELD), editor.csrf_token):
        raise APIError(
            403, "This form is out of date or did not come from this site: reload the page."
        )
    return EditorForm(editor, form)


EditorFormDep = Annotated[EditorForm, Depends(editor_form)]
