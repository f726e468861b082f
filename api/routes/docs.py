"""`/docs`: Swagger UI over our OpenAPI schema, every file served from here.

The files come from the pinned `fastapi-offline` package (its Swagger UI 5 bundle, which
reads OpenAPI 3.1), so the page loads no script from a CDN and runs under a
Content-Security-Policy like our pages (its own page would need an inline script).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

SWAGGER_UI_DIR = Path(fastapi_offline.__file__).parent / "static"
SWAGGER_UI_URL = "/static/swagger-ui"
# Swagger UI sets inline styles on its elements; scripts stay our own files only.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>OnRecord API</title>
<link rel="stylesheet" href="{SWAGGER_UI_URL}/swagger-ui.css">
<link rel="icon" type="image/png" href="{SWAGGER_UI_URL}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="/openapi.json"></div>
<script src="{SWAGGER_UI_URL}/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""


@router.get("/docs")
def docs() -> HTMLResponse:
    return HTMLResponse(_PAGE, headers={"Content-Security-Policy": DOCS_CSP})
