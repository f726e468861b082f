"""Every error is JSON `{"error": {"code", "message"}}` with the right status; never a trace."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.extraction import ExtractionBusy
from api.schemas import ErrorResponse
from db.search_index import SearchIndexError

log = logging.getLogger("onrecord.api")

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    503: "unavailable",
}


_MEANINGS = {
    400: "The request cannot be run as asked (the message says why).",
    401: "No API key, or an unknown or revoked one.",
    403: "The API key lacks the scope this needs.",
    404: "There is no such thing here.",
    409: "It exists already.",
    413: "The request body is over the size limit.",
    422: "A parameter or the body is not valid (the message names it).",
    429: "Too many requests: wait the seconds in Retry-After.",
    501: "Not implemented.",
    503: "PostgreSQL or the search index is unavailable: retry after Retry-After.",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` declaring these error statuses with the one error body."""
    return {
        status: {"model": ErrorResponse, "description": _MEANINGS[status]} for status in statuses
    }


class APIError(StarletteHTTPException):
    def __init__(
        self,
        status_code: int,
        message: str,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(status_code, message, headers)
        self.code = code or _CODES.get(status_code, "error")


_TITLES = {404: "Not found", 400: "That search cannot be run", 422: "That search is not valid"}
_MACHINE_PREFIXES = ("/v1/", "/oembed", "/healthz", "/readyz", "/openapi", "/docs", "/widget")


ErrorPage = Callable[[Request, dict[str, Any], int], Awaitable[Response]]


async def error_response(
    request: Request,
    render_page: ErrorPage,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """JSON for the API; a readable page (`render_page`) for a person who asked for one of
    our pages."""
    wants_page = "text/html" in request.headers.get("accept", "")
    if wants_page and not request.url.path.startswith(_MACHINE_PREFIXES):
        title = _TITLES.get(status, "Something went wrong")
        context = {"status": status, "title": title, "message": message}
        response = await render_page(request, context, status)
        response.headers.update(headers or {})
        return response
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def install(app: FastAPI, render_page: ErrorPage) -> None:
    """Every error as JSON or, for a person on one of our pages, as the page `render_page`
    makes (the site as that person sees it: reader or signed-in editor)."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = getattr(exc, "code", None) or _CODES.get(exc.status_code, "error")
        return await error_response(
            request, render_page, exc.status_code, code, str(exc.detail), exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'] if p != 'body') or 'body'}: {err['msg']}"
            for err in exc.errors()
        )
        return await error_response(
            request, render_page, 422, "invalid", problems or "invalid request"
        )

    @app.exception_handler(SearchIndexError)
    async def index_error(request: Request, exc: SearchIndexError) -> Response:
        log.warning("search index error: %s", exc)
        return await error_response(
            request,
            render_page,
            503,
            "search_unavailable",
            "The search index is unavailable; try again shortly.",
            {"Retry-After": "5"},
        )

    @app.exception_handler(ExtractionBusy)
    @app.exception_handler(BrokenProcessPool)
    async def extraction_unavailable(
        request: Request, exc: ExtractionBusy | BrokenProcessPool
    ) -> Response:
        return await error_response(
            request,
            render_page,
            503,
            "extraction_busy",
            "Every extraction worker is busy with other articles; try again shortly.",
            {"Retry-After": "5"},
        )

    @app.exception_handler(DataError)
    async def unstorable_value(request: Request, exc: DataError) -> Response:
        return await error_response(
            request,
            render_page,
            400,
            "bad_request",
            "A value in the request cannot be stored or searched.",
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)  # every connection busy: a moment's wait, not a fault
    async def database_error(request: Request, exc: OperationalError | PoolTimeout) -> Response:
        log.warning("database error: %s", exc)
        return await error_response(
            request,
            render_page,
            503,
            "database_unavailable",
            "The database is unavailable; try again shortly.",
            {"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        return await error_response(
            request, render_page, 500, "internal", "Internal error; it has been logged."
        )
