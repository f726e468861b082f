"""Every error is JSON `{"error": {"code", "message"}}` with the right status; never a trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from db.search_index import SearchIndexError

log = logging.getLogger("onrecord.api")

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    503: "unavailable",
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


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = getattr(exc, "code", None) or _CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'] if p != 'body') or 'body'}: {err['msg']}"
            for err in exc.errors()
        )
        return error_response(422, "invalid", problems or "invalid request")

    @app.exception_handler(SearchIndexError)
    async def index_error(_: Request, exc: SearchIndexError) -> JSONResponse:
        log.warning("search index error: %s", exc)
        return error_response(
            503,
            "search_unavailable",
            "The search index is unavailable; try again shortly.",
            {"Retry-After": "5"},
        )

    @app.exception_handler(OperationalError)
    async def database_error(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database error: %s", exc.orig)
        return error_response(
            503,
            "database_unavailable",
            "The database is unavailable; try again shortly.",
            {"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal", "Internal error; it has been logged.")
