"""Cross-origin and framing rules, in one place.

The read API answers any origin without credentials (widgets on newsroom sites fetch it);
write endpoints send no CORS headers at all, so browsers on other sites cannot call them.
Only the embed card may be framed; every other response forbids it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

READ_METHODS = {"GET", "HEAD"}
CORS_PREFIXES = ("/v1/", "/oembed")


def _is_read(request: Request) -> bool:
    method = request.method
    if method == "OPTIONS":
        method = request.headers.get("access-control-request-method", "").upper()
    return method in READ_METHODS and request.url.path.startswith(CORS_PREFIXES)


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def cross_origin_and_framing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        preflight = request.method == "OPTIONS" and "origin" in request.headers
        if preflight and _is_read(request):
            response: Response = Response(status_code=204)
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
            response.headers["Access-Control-Max-Age"] = "86400"
        else:
            response = await call_next(request)
        if _is_read(request):
            response.headers["Access-Control-Allow-Origin"] = "*"
        if request.url.path.startswith("/embed/"):
            response.headers.setdefault("Content-Security-Policy", "frame-ancestors *")
        else:
            response.headers["X-Frame-Options"] = "DENY"
            response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response
