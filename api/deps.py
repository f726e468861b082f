"""Request dependencies: settings, a database session, the search index.

The ones that do not block are async, so FastAPI does not hop to a thread for them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from db.search_index import AsyncSearcher, SearchIndex
from db.settings import Settings


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


async def get_index(request: Request) -> SearchIndex:
    return request.app.state.index


async def get_searcher(request: Request) -> AsyncSearcher:
    return request.app.state.searcher


SessionDep = Annotated[Session, Depends(get_session)]
SearcherDep = Annotated[AsyncSearcher, Depends(get_searcher)]
IndexDep = Annotated[SearchIndex, Depends(get_index)]

# Ids are PostgreSQL bigints: anything outside is a 422, never a database error.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
