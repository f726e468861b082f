"""API key SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import ApiKey


def add_api_key(
    session: Session, name: str, prefix: str, secret_hash: str, scopes: Sequence[str]
) -> ApiKey:
    key = ApiKey(name=name, prefix=prefix, secret_hash=secret_hash, scopes=list(scopes))
    session.add(key)
    session.flush()
    return key


def api_key_by_hash(session: Session, secret_hash: str) -> ApiKey | None:
    return session.scalar(select(ApiKey).where(ApiKey.secret_hash == secret_hash))


def list_api_keys(session: Session, include_revoked: bool = False) -> list[ApiKey]:
    stmt = select(ApiKey).order_by(ApiKey.id)
    if not include_revoked:
        stmt = stmt.where(ApiKey.revoked_at.is_(None))
    return list(session.scalars(stmt))


def find_api_key(session: Session, ref: str) -> ApiKey | None:
    """A key by id or by the prefix shown in `keys list`."""
    if ref.isdigit():
        return session.get(ApiKey, int(ref))
    return session.scalar(select(ApiKey).where(ApiKey.prefix == ref))


def revoke_api_key(session: Session, key: ApiKey) -> None:
    key.revoked_at = key.revoked_at or func.now()
    session.flush()


def touch_api_key(session: Session, key_id: int) -> None:
    session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=func.now()))
