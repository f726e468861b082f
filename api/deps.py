"""Request dependencies: a database session, the search index, the API-key check."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from api.errors import APIError
from db.search_index import SearchIndex
from db.settings import Settings


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


def get_index(request: Request) -> SearchIndex:
    return request.app.state.index


def require_write_key(
    settings: Annotated[Settings, Depends(get_settings_dep)],
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> str:
    """Accept `Authorization: Bearer KEY` or `X-API-Key: KEY`, compared in constant time."""
    presented = x_api_key
    if authorization and authorization.lower().startswith("bearer "):
        presented = authorization[7:].strip()
    if not presented:
        raise APIError(
            401,
            "An API key is required (Authorization: Bearer KEY or X-API-Key).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    matched = False
    for key in settings.api_keys:
        matched |= hmac.compare_digest(presented.encode(), key.encode())
    if not matched:
        raise APIError(401, "Unknown API key.", headers={"WWW-Authenticate": "Bearer"})
    return presented


SessionDep = Annotated[Session, Depends(get_session)]
IndexDep = Annotated[SearchIndex, Depends(get_index)]
