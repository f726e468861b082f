"""A small local web site for fetch tests: routes are functions, every request is logged."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Hit:
    at: float  # time.monotonic() when the request line arrived
    path: str
    headers: dict[str, str]


@dataclass
class Site:
    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def page(self, path: str, body: bytes | str, content_type: str = "text/html", **headers: str):
        self.routes[path] = lambda h: send(h, 200, body, {"Content-Type": content_type, **headers})


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes | str = b"",
    headers: dict[str, str] | None = None,
) -> None:
    data = body.encode() if isinstance(body, str) else body
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        site = self.server.site
        site.hits.append(
            Hit(time.monotonic(), self.path, {k.lower(): v for k, v in self.headers.items()})
        )
        route = site.routes.get(self.path)
        if route is None:
            send(self, 404, "not here", {"Content-Type": "text/plain"})
        else:
            route(self)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: Site

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a client hanging up is expected here
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def serve() -> Iterator[Site]:
    """Run a site on 127.0.0.1 for the duration of a test (use as a fixture body)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.site = Site(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.site
    finally:
        server.shutdown()
        server.server_close()
