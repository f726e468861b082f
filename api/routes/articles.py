from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from api.deps import IndexDep, RowId, SessionDep
from api.errors import APIError
from api.schemas import ArticleDeleted, ArticleOut, ArticleStored
from api.security import WriteKey, limit_write
from db.articles import repository as article_repo
from db.articles import service as article_service
from db.records import ArticleIn
from db.vocabulary import StoreStatus

router = APIRouter(tags=["articles"])

_KEY_ERRORS = {
    401: {"description": "No or unknown API key"},
    403: {"description": "The key lacks the write scope"},
    429: {"description": "Too many writes; see Retry-After"},
}


@router.get("/v1/articles/{article_id}", response_model=ArticleOut)
def get_article(article_id: RowId, session: SessionDep) -> ArticleOut:
    article = article_repo.get_article(session, article_id)
    if article is None:
        raise APIError(404, f"no article {article_id}")
    return ArticleOut.of(article, list(article.quotes))


@router.post(
    "/v1/articles",
    response_model=ArticleStored,
    status_code=201,
    dependencies=[Depends(limit_write)],
    responses={200: {"description": "Already stored, unchanged"}, **_KEY_ERRORS},
)
def post_article(
    body: ArticleIn,
    request: Request,
    response: Response,
    index: IndexDep,
    session: SessionDep,
    _key: WriteKey,
) -> ArticleStored:
    """Store an article, extract and index its quotes, and return them.

    The article and its quotes are committed before the index is written; when Meilisearch is
    unavailable the quotes wait in the outbox (`pending_index`) and the server's index worker
    makes them searchable as soon as it is back.
    """
    if len(body.text.encode()) > request.app.state.settings.max_article_bytes:
        raise APIError(413, "article text is over the size limit")
    quotes = request.app.state.extract(body.text, body.published_at)
    result = article_service.store_and_index(request.app.state.session_factory, index, body, quotes)
    if result.status == StoreStatus.unchanged:
        response.status_code = 200
    article = article_repo.get_article(session, result.article_id)
    if article is None:
        raise APIError(404, "article vanished while being stored")
    out = ArticleOut.of(article, list(article.quotes))
    return ArticleStored(
        **out.model_dump(), status=result.status.value, pending_index=result.pending
    )


@router.delete(
    "/v1/articles/{article_id}",
    response_model=ArticleDeleted,
    dependencies=[Depends(limit_write)],
    responses={404: {"description": "No such article"}, **_KEY_ERRORS},
)
def delete_article(
    article_id: RowId, request: Request, index: IndexDep, _key: WriteKey
) -> ArticleDeleted:
    """Delete an article and its quotes from PostgreSQL and from the search index."""
    deleted = article_service.delete_article(request.app.state.session_factory, index, article_id)
    if deleted is None:
        raise APIError(404, f"no article {article_id}")
    removed, sync = deleted
    return ArticleDeleted(id=article_id, quotes_removed=len(removed), pending_index=sync.pending)
