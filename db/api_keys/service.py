"""API keys: generated here, shown once, stored only as SHA-256 digests with scopes.

Keys are 256-bit random secrets, so a plain SHA-256 digest is enough (no password hashing
needed); lookups go by digest and the final comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.api_keys import repository
from db.session import transaction
from db.vocabulary import Scope

BOOTSTRAP_NAME = "ONRECORD_API_KEYS"


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: a stored key, by id and display prefix (never the secret)."""

    key_id: int
    prefix: str
    name: str
    scopes: frozenset[str]

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes or Scope.admin in self.scopes


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(secret: str) -> str:
    """The part of a key that may be shown: `onr_1a2b3c4d` for ours, 4 characters of others."""
    if secret.startswith("onr_") and len(secret) > 13 and secret[12] == "_":
        return secret[:12]
    return secret[:4] + "…"


def create_key(session: Session, name: str, scopes: list[Scope]) -> tuple[str, int]:
    """A new key; returns the secret (shown once, never stored) and the key's id."""
    secret = f"onr_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
    key = repository.add_api_key(
        session, name, display_prefix(secret), digest(secret), sorted(set(scopes))
    )
    return secret, key.id


# A key's last use is written at most this often: a write per request would cost every
# keyed request a row update (and its WAL) for a date nobody needs to the second.
USAGE_RESOLUTION = timedelta(minutes=1)


def authenticate(session: Session, secret: str) -> Principal | None:
    """The principal of a presented key, or None when it is unknown or revoked; the key's use
    is recorded (flushed, for the caller to commit) when the last record is a minute old."""
    presented = digest(secret)
    key = repository.api_key_by_hash(session, presented)
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.secret_hash, presented):
        return None
    if key.last_used_at is None or key.last_used_at < datetime.now(UTC) - USAGE_RESOLUTION:
        repository.touch_api_key(session, key.id)
    return Principal(key.id, key.prefix, key.name, frozenset(key.scopes))


def bootstrap(factory: sessionmaker[Session], secrets_from_env: list[str]) -> None:
    """Store the keys given in ONRECORD_API_KEYS (all scopes); revoke ones no longer listed."""
    try:
        _bootstrap(factory, secrets_from_env)
    except IntegrityError:  # another process stored the same key at the same moment
        _bootstrap(factory, secrets_from_env)


def _bootstrap(factory: sessionmaker[Session], secrets_from_env: list[str]) -> None:
    wanted = {digest(secret): secret for secret in secrets_from_env}
    with transaction(factory) as session:
        for key in repository.list_api_keys(session, include_revoked=True):
            if key.name != BOOTSTRAP_NAME:
                continue
            if key.secret_hash in wanted:
                wanted.pop(key.secret_hash)
                key.revoked_at = None
            else:
                repository.revoke_api_key(session, key)
        for hashed, secret in wanted.items():
            repository.add_api_key(
                session, BOOTSTRAP_NAME, display_prefix(secret), hashed, [s.value for s in Scope]
            )
