"""Following a search page by page: opaque cursors and RFC 8288 `Link` headers.

A cursor is the last hit's (said_ts, id), base64url-encoded: opaque to clients, and decoded
back into typed integers only, so nothing a client sends reaches a filter as text.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

import orjson
from pydantic import Field, TypeAdapter, ValidationError
from starlette.datastructures import URL, QueryParams

from db.search_index import SearchCursor

_MAX_ID = 2**63 - 1
_MAX_TS = 253_402_300_799  # 9999-12-31T23:59:59Z: the last day a date can name
_CURSOR = TypeAdapter(
    tuple[
        Annotated[int, Field(ge=-_MAX_TS, le=_MAX_TS, strict=True)] | None,
        Annotated[int, Field(ge=1, le=_MAX_ID, strict=True)],
    ]
)


class BadCursor(ValueError):
    """A cursor this server did not write."""


def encode_cursor(cursor: SearchCursor) -> str:
    raw = orjson.dumps([cursor.said_ts, cursor.id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> SearchCursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        said_ts, id_ = _CURSOR.validate_python(orjson.loads(raw))
    except (binascii.Error, ValueError, ValidationError) as exc:
        raise BadCursor("`after` is not a cursor from this API: use a `next_cursor` as is") from exc
    return SearchCursor(said_ts=said_ts, id=id_)


def link_header(links: dict[str, str]) -> str:
    """`<url>; rel="next", <url>; rel="prev"` from {rel: url}."""
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())


def search_links(
    url: URL, page: int, per_page: int, total: int, next_cursor: str | None, window: int
) -> dict[str, str]:
    """`next`/`prev` for a search answer at `url`.

    Pages link to pages while they stay inside the `window` pages can reach; past it (or once
    a cursor is followed) `next` follows the cursor, which has no such limit.
    """
    links: dict[str, str] = {}
    following_cursor = "after" in QueryParams(url.query)
    more_pages = page * per_page < min(total, window)
    if not following_cursor and more_pages and (page + 1) * per_page <= window:
        links["next"] = str(url.include_query_params(page=page + 1))
    elif next_cursor:
        links["next"] = str(url.remove_query_params("page").include_query_params(after=next_cursor))
    if not following_cursor and page > 1:
        links["prev"] = str(url.include_query_params(page=page - 1))
    return links
