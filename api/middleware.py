"""ASGI middleware: request-body cap, HEAD as GET, the public host, and one structured log
line per request."""

from __future__ import annotations

import json
import logging
import time
import uuid
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_log = logging.getLogger("onrecord.request")


def _too_large(limit: int) -> bytes:
    return json.dumps(
        {"error": {"code": "too_large", "message": f"request body over {limit:,} bytes"}}
    ).encode()


class BodyLimitMiddleware:
    """Answer 413 before reading more than `limit` bytes, whatever Content-Length claims."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        received = 0
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit and not refused:
                    refused = True
                    await self._refuse(send)
                    return {"type": "http.disconnect"}  # the app stops reading and answering
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counting_receive, guarded_send)

    async def _refuse(self, send: Send) -> None:
        body = _too_large(self.limit)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class PublicHostMiddleware:
    """Decide the scheme and host every absolute URL names (canonical, og:url, oEmbed, embed
    code, static files), so a request's Host header cannot make pages name another site.

    With a public URL, it alone decides. Without one, a Host among `allowed_hosts` (port
    aside) is kept and any other is replaced by the first allowed host on this server's port.
    """

    def __init__(self, app: ASGIApp, public_url: str | None, allowed_hosts: list[str]):
        self.app = app
        self.allowed = {host.lower() for host in allowed_hosts}
        self.fallback = allowed_hosts[0] if allowed_hosts else "localhost"
        self.public = urlsplit(public_url) if public_url else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = dict(scope)
            if self.public is not None:
                scope["scheme"] = self.public.scheme
                self._set_host(scope, self.public.netloc)
            elif self._host(scope) not in self.allowed:
                port = (scope.get("server") or (None, None))[1]
                self._set_host(scope, f"{self.fallback}:{port}" if port else self.fallback)
        await self.app(scope, receive, send)

    @staticmethod
    def _host(scope: Scope) -> str:
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        try:
            return urlsplit(f"//{host}").hostname or ""
        except ValueError:  # "[::1", a port that is not a number
            return ""

    @staticmethod
    def _set_host(scope: Scope, netloc: str) -> None:
        headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
        scope["headers"] = [(b"host", netloc.encode("latin-1")), *headers]


class RequestLogMiddleware:
    """One JSON line per request: method, path, status, duration, client, key prefix.

    The query string and headers are not logged, so neither search terms' personal data nor
    API keys reach the logs; a key appears only as its public prefix.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        request_id = uuid.uuid4().hex[:16]

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            principal = scope.get("state", {}).get("principal")
            client = scope.get("client")
            request_log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": client[0] if client else None,
                    "key": principal.prefix if principal else None,
                },
            )


class HeadAsGetMiddleware:
    """HEAD wherever GET is allowed: the GET is run and its body dropped (headers kept, so
    Content-Length, ETag and Link are what a GET would give)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        finished = False

        async def without_body(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.body":
                if finished:
                    return  # the rest of a streamed body
                finished = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
