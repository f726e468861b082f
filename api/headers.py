"""Cross-origin and framing rules, in one place; cache validators for what others embed.

The read API answers any origin without credentials (widgets on newsroom sites fetch it);
write endpoints send no CORS headers at all, so browsers on other sites cannot call them.
Only the embed card may be framed; every other response forbids it. Pure ASGI (no
BaseHTTPMiddleware), so it costs next to nothing per request.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

READ_METHODS = {"GET", "HEAD"}
CORS_PREFIXES = ("/v1/", "/oembed")


def _is_read(method: str, path: str, headers: Headers) -> bool:
    if method == "OPTIONS":
        method = headers.get("access-control-request-method", "").upper()
    return method in READ_METHODS and path.startswith(CORS_PREFIXES)


class CrossOriginAndFraming:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        request_headers = Headers(scope=scope)
        is_read = _is_read(method, path, request_headers)
        if method == "OPTIONS" and "origin" in request_headers and is_read:
            await self._preflight(send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if is_read:
                    headers["Access-Control-Allow-Origin"] = "*"
                if path.startswith("/embed/"):
                    headers.setdefault("Content-Security-Policy", "frame-ancestors *")
                else:
                    headers["X-Frame-Options"] = "DENY"
                    headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _preflight(self, send: Send) -> None:
        headers = [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-allow-methods", b"GET, HEAD, OPTIONS"),
            (b"access-control-allow-headers", b"Accept, Content-Type"),
            (b"access-control-max-age", b"86400"),
            (b"x-frame-options", b"DENY"),
            (b"content-security-policy", b"frame-ancestors 'none'"),
            (b"x-content-type-options", b"nosniff"),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def cached(request: Request, response: Response, max_age: int) -> Response:
    """`response` with a validator and a lifetime, or 304 when the client already has it.

    The ETag is weak (a digest of the body before compression), so a gzipped copy matches too.
    """
    assert isinstance(response.body, bytes)  # rendered responses only, never streamed ones
    etag = f'W/"{hashlib.sha256(response.body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
    if _matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison of If-None-Match against our ETag."""
    opaque = etag.removeprefix("W/")
    tags = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return any(tag in ("*", opaque) for tag in tags)
