"""Articles: read one; with a write key, add or delete one."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Response

from api import errors
from api.deps import (
    ExtractorDep,
    IndexDep,
    IndexWorkerDep,
    RowId,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
)
from api.errors import APIError
from api.schemas import ArticleDeleted, ArticleOut, ArticleStored
from api.security import KEY_REQUIRED, WriteKey, limit_write
from api.services import articles
from db.articles import repository as article_repo
from db.records import ArticleIn
from db.vocabulary import StoreStatus

router = APIRouter(tags=["articles"], responses=errors.responses(422, 503))

_KEY_ERRORS = errors.responses(401, 403, 429)


@router.get("/v1/articles/{article_id}", response_model=ArticleOut, responses=errors.responses(404))
def get_article(article_id: RowId, session: SessionDep) -> ArticleOut:
    article = article_repo.get_article(session, article_id)
    if article is None:
        raise APIError(404, f"no article {article_id}")
    return ArticleOut.of(article)


@router.post(
    "/v1/articles",
    response_model=ArticleStored,
    status_code=201,
    dependencies=[Depends(limit_write)],
    responses={
        200: {"description": "Already stored, unchanged"},
        **_KEY_ERRORS,
        **errors.responses(400, 404, 413),
    },
    openapi_extra=KEY_REQUIRED,
)
def create_article(
    body: ArticleIn,
    response: Response,
    background: BackgroundTasks,
    settings: SettingsDep,
    factory: SessionFactoryDep,
    session: SessionDep,
    worker: IndexWorkerDep,
    extract: ExtractorDep,
    _key: WriteKey,
) -> ArticleStored:
    """Store an article, extract its quotes, and return them; the index follows at once.

    The answer comes once the article and its quotes are committed: the quotes wait in the
    outbox (`pending_index`) and the server's index worker, woken by the commit, makes them
    searchable within moments (or as soon as Meilisearch is back when it is unavailable).
    """
    if len(body.text.encode()) > settings.max_article_bytes:
        raise APIError(413, "article text is over the size limit")
    stored = articles.store_article(factory, session, extract, body)
    # Woken once the answer is sent, so its document building does not compete with this
    # request for the interpreter; it indexes at once, with whatever other writes queued.
    background.add_task(worker.wake)
    if stored is None:
        raise APIError(404, "article vanished while being stored")
    if stored.status == StoreStatus.unchanged:
        response.status_code = 200
    out = ArticleOut.of(stored.article)
    return ArticleStored(
        **out.model_dump(), status=stored.status.value, pending_index=stored.pending_index
    )


@router.delete(
    "/v1/articles/{article_id}",
    response_model=ArticleDeleted,
    dependencies=[Depends(limit_write)],
    responses={**_KEY_ERRORS, **errors.responses(404)},
    openapi_extra=KEY_REQUIRED,
)
def delete_article(
    article_id: RowId,
    settings: SettingsDep,
    factory: SessionFactoryDep,
    index: IndexDep,
    _key: WriteKey,
) -> ArticleDeleted:
    """Delete an article and its quotes from PostgreSQL and from the search index."""
    deleted = articles.delete_article(factory, index, article_id, settings.index_write_timeout)
    if deleted is None:
        raise APIError(404, f"no article {article_id}")
    return ArticleDeleted(
        id=article_id, quotes_removed=deleted.quotes_removed, pending_index=deleted.pending_index
    )
