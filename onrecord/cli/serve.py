"""`onrecord serve`: the API, built here and handed to uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from onrecord.cli.common import ensure_index, err, open_stores
from onrecord.root import build_app

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
    },
}


def serve_command(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the search API (OpenAPI docs at /docs)."""
    import uvicorn

    stores = open_stores()
    problem = ensure_index(stores)
    if problem:
        err.print(f"[yellow]warning:[/] {problem}", highlight=False)
    app = build_app(stores)
    err.print(f"OnRecord API on http://{host}:{port} (docs at /docs)", highlight=False)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        log_config=SERVE_LOG_CONFIG,
        access_log=False,  # the app logs one JSON line per request instead
        proxy_headers=False,  # see ONRECORD_TRUSTED_PROXIES
    )
