from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from api.deps import IndexDep, SessionDep, require_write_key
from api.errors import APIError
from api.schemas import ArticleOut, ArticleStored
from db import ingest, repositories
from db.records import ArticleIn

router = APIRouter(tags=["articles"])


@router.get("/v1/articles/{article_id}", response_model=ArticleOut)
def get_article(article_id: int, session: SessionDep) -> ArticleOut:
    article = repositories.get_article(session, article_id)
    if article is None:
        raise APIError(404, f"no article {article_id}")
    return ArticleOut.of(article, list(article.quotes))


@router.post(
    "/v1/articles",
    response_model=ArticleStored,
    status_code=201,
    dependencies=[Depends(require_write_key)],
    responses={200: {"description": "Already stored, unchanged"}, 401: {"description": "No key"}},
)
def post_article(
    body: ArticleIn, request: Request, response: Response, index: IndexDep, session: SessionDep
) -> ArticleStored:
    """Store an article, extract and index its quotes, and return them."""
    if len(body.text.encode()) > request.app.state.settings.max_article_bytes:
        raise APIError(413, "article text is over the size limit")
    quotes = request.app.state.extract(body.text, body.published_at)
    result = ingest.store_and_index(request.app.state.session_factory, index, body, quotes)
    if result.status == repositories.StoreStatus.unchanged:
        response.status_code = 200
    article = repositories.get_article(session, result.article_id)
    if article is None:
        raise APIError(404, "article vanished while being stored")
    out = ArticleOut.of(article, list(article.quotes))
    return ArticleStored(
        **out.model_dump(), status=result.status.value, pending_index=result.pending
    )
