"""`onrecord serve`: the API, built here and handed to uvicorn."""

from __future__ import annotations

import errno
import socket
from typing import Annotated

import typer

from onrecord.cli.common import ensure_index, err, fail, open_stores
from onrecord.root import build_app, build_fetcher, feed_worker_factory

SERVE_LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{asctime}{levelname}{name}{message}",
            "style": "{",
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "onrecord": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "procrastinate": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}


def serve_command(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the search API (OpenAPI docs at /docs)."""
    import uvicorn

    listener = bind(host, port)
    stores = open_stores()
    problem = ensure_index(stores)
    if problem:
        err.print(f"[yellow]warning:[/] {problem}", highlight=False)
    fetcher = build_fetcher(stores.settings)
    app = build_app(stores, feed_worker_factory(stores, fetcher))
    err.print(f"OnRecord API on http://{host}:{port} (docs at /docs)", highlight=False)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        log_config=SERVE_LOG_CONFIG,
        access_log=False,  # the app logs one JSON line per request instead
        proxy_headers=False,  # see ONRECORD_TRUSTED_PROXIES
    )
    try:  # the app runs the feed worker beside the API (see `onrecord worker`)
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        fetcher.close()


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything starts, so a busy port is one clear line
    rather than a trace among JSON log lines."""
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            raise fail(f"port {port} is in use: pick another with --port") from exc
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    listener.set_inheritable(True)
    return listener
