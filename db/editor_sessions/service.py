"""Editors' browser sessions: signed in with an API key that may edit, kept in PostgreSQL.

The cookie holds a 256-bit random token; PostgreSQL keeps only its SHA-256 digest (as for API
keys), so a copy of the table signs nobody in. A session ends at its absolute lifetime, after
an idle spell, when the editor signs out, or when its key is revoked or loses the `edit`
scope (checked on every request). Each session has its own random form token that every
form of its pages carries back (a synchronizer token against cross-site requests).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from db.api_keys.service import Principal, authenticate, digest
from db.editor_sessions import repository
from db.session import transaction
from db.vocabulary import Scope

# last_seen_at is written at most this often (the idle timeout is far longer)
USAGE_RESOLUTION = timedelta(minutes=1)
# ended sessions are kept this long (for anyone looking at the table), then deleted
KEEP_ENDED = timedelta(days=7)


@dataclass(frozen=True)
class Lifetimes:
    absolute: timedelta
    idle: timedelta

    @classmethod
    def of(cls, hours: float, idle_minutes: float) -> Lifetimes:
        return cls(timedelta(hours=hours), timedelta(minutes=idle_minutes))


@dataclass(frozen=True)
class SignedIn:
    """A live editor session: who (the key's principal, never its secret) and the form token
    its pages carry."""

    session_id: int
    principal: Principal
    csrf_token: str
    expires_at: datetime


class SignInError(ValueError):
    """A refused sign-in: `wrong_key` when the key is unknown or revoked (counted against the
    address like a wrong API key), else a valid key without the `edit` scope."""

    def __init__(self, message: str, wrong_key: bool):
        super().__init__(message)
        self.wrong_key = wrong_key


def _now() -> datetime:
    return datetime.now(UTC)


def sign_in(
    factory: sessionmaker[Session],
    secret: str,
    lifetimes: Lifetimes,
    replacing: str | None = None,
) -> tuple[str, SignedIn]:
    """A new session for the editor holding this key: the cookie's token (returned once,
    never stored) and the session. The session of the token it `replaces` (the browser's
    previous cookie) ends, so signing in again leaves nothing live behind."""
    now = _now()
    with transaction(factory) as session:
        principal = authenticate(session, secret)
        if principal is None:
            raise SignInError("Unknown or revoked API key.", wrong_key=True)
        if not principal.allows(Scope.edit):
            raise SignInError("This API key lacks the edit scope.", wrong_key=False)
        repository.delete_ended(session, now - KEEP_ENDED)
        if replacing is not None:
            repository.revoke_session(session, digest(replacing), now)
        token = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        row = repository.add_session(
            session, principal.key_id, digest(token), csrf_token, now, now + lifetimes.absolute
        )
        return token, SignedIn(row.id, principal, csrf_token, row.expires_at)


def current(factory: sessionmaker[Session], token: str, lifetimes: Lifetimes) -> SignedIn | None:
    """The live session this cookie token opens, or None (unknown, expired, idle, signed out,
    or its key revoked or no longer allowed to edit); its use is recorded."""
    now = _now()
    with transaction(factory) as session:
        found = repository.live_session(session, digest(token), now, now - lifetimes.idle)
        if found is None:
            return None
        row, key = found
        principal = Principal(key.id, key.prefix, key.name, frozenset(key.scopes))
        if not principal.allows(Scope.edit):
            return None
        if row.last_seen_at < now - USAGE_RESOLUTION:
            repository.touch_session(session, row.id, now)
        return SignedIn(row.id, principal, row.csrf_token, row.expires_at)


def sign_out(factory: sessionmaker[Session], token: str) -> bool:
    """End the session of this cookie token; whether it was live."""
    with transaction(factory) as session:
        return repository.revoke_session(session, digest(token), _now())


def sign_out_key(factory: sessionmaker[Session], key_id: int) -> int:
    """End every browser session signed in with one key (the key stays valid); how many."""
    with transaction(factory) as session:
        return repository.revoke_key_sessions(session, key_id, _now())
