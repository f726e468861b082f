"""oEmbed's rules for quote cards: which URLs are quotes here, and what size a card may take."""

from __future__ import annotations

import html
import re
from urllib.parse import urlparse

EMBED_WIDTH, EMBED_HEIGHT, MIN_WIDTH = 560, 260, 280
_QUOTE_PATH = re.compile(r"^/(?:embed/)?quotes/(\d{1,18})/?$")


def quote_id_from_url(url: str) -> int | None:
    """The quote a permalink or embed URL points at (any host: we may sit behind a proxy)."""
    match = _QUOTE_PATH.match(urlparse(url).path)
    return int(match.group(1)) if match else None


def embed_size(maxwidth: int | None, maxheight: int | None) -> tuple[int, int]:
    """The card's width and height within the consumer's maxima (never narrower than
    MIN_WIDTH, below which the card is unreadable)."""
    width = max(MIN_WIDTH, min(EMBED_WIDTH, maxwidth or EMBED_WIDTH))
    height = min(EMBED_HEIGHT, maxheight) if maxheight else EMBED_HEIGHT
    return width, height


def iframe_html(src: str, title: str, width: int, height: int) -> str:
    return (
        f'<iframe src="{html.escape(src)}" width="{width}" height="{height}" '
        f'title="{html.escape(title)}" style="border:0" loading="lazy"></iframe>'
    )
