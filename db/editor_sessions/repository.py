"""Editor session SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from db.models import ApiKey, EditorSession


def add_session(
    session: Session,
    key_id: int,
    token_hash: str,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
) -> EditorSession:
    row = EditorSession(
        key_id=key_id,
        token_hash=token_hash,
        csrf_token=csrf_token,
        last_seen_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row


def live_session(
    session: Session, token_hash: str, now: datetime, idle_since: datetime
) -> tuple[EditorSession, ApiKey] | None:
    """The session with this digest and its key, when neither is revoked, it has not expired
    and it was used after `idle_since`."""
    found = session.execute(
        select(EditorSession, ApiKey)
        .join(ApiKey, ApiKey.id == EditorSession.key_id)
        .where(
            EditorSession.token_hash == token_hash,
            EditorSession.revoked_at.is_(None),
            EditorSession.expires_at > now,
            EditorSession.last_seen_at > idle_since,
            ApiKey.revoked_at.is_(None),
        )
    ).first()
    return (found[0], found[1]) if found is not None else None


def touch_session(session: Session, session_id: int, now: datetime) -> None:
    session.execute(
        update(EditorSession).where(EditorSession.id == session_id).values(last_seen_at=now)
    )


def revoke_session(session: Session, token_hash: str, now: datetime) -> bool:
    """End the session with this digest; whether one was live."""
    ended = session.execute(
        update(EditorSession)
        .where(EditorSession.token_hash == token_hash, EditorSession.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(EditorSession.id)
    )
    return ended.first() is not None


def revoke_key_sessions(session: Session, key_id: int, now: datetime) -> int:
    """End every live session of one key; how many."""
    ended = session.execute(
        update(EditorSession)
        .where(EditorSession.key_id == key_id, EditorSession.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(EditorSession.id)
    )
    return len(ended.all())


def delete_ended(session: Session, before: datetime) -> None:
    """Forget sessions that expired, idled out or were revoked before `before`."""
    session.execute(
        delete(EditorSession).where(
            or_(
                EditorSession.expires_at < before,
                EditorSession.revoked_at < before,
                EditorSession.last_seen_at < before,
            )
        )
    )
