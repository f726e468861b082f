"""oEmbed's rules for quote cards: which URLs are quotes here, what size a card may take, and
the markup a consumer pastes (a plain blockquote that a script may upgrade to the card)."""

from __future__ import annotations

import enum
import html
import math
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlparse

EMBED_WIDTH, EMBED_HEIGHT = 560, 260
_QUOTE_PATH = re.compile(r"^/(?:embed/)?quotes/(\d{1,18})/?$")

# What the card's height is guessed from before it reports its own (embed.js then resizes):
# the card's padding and border, a line of the quote (serif, 17.6 px) and of its caption.
_CARD_CHROME_PX, _QUOTE_LINE_PX, _CAPTION_LINE_PX = 44, 26, 20
_QUOTE_CHAR_PX, _CAPTION_CHAR_PX, _CARD_INSET_PX = 8.5, 7.5, 48


class Theme(enum.StrEnum):
    """The embed card's colours: `auto` follows the reader's system setting."""

    auto = "auto"
    light = "light"
    dark = "dark"


@dataclass(frozen=True)
class EmbedQuote:
    """What the blockquote shows with no script: the words, who, when, where from."""

    id: int
    words: str
    is_paraphrase: bool
    speaker: str
    said_on: str  # a long date, or ""
    outlet: str
    permalink: str
    lang: str = "en"  # the language of the labels (the quote keeps its own)
    link_label: str = "on OnRecord"
    statement: str = ""  # "First reported by …, then in N outlets", or "" (labels.statement)


def quote_id_from_url(url: str) -> int | None:
    """The quote a permalink or embed URL points at (any host: we may sit behind a proxy)."""
    match = _QUOTE_PATH.match(urlparse(url).path)
    return int(match.group(1)) if match else None


def embed_size(
    maxwidth: int | None, maxheight: int | None, words: str = "", caption: str = ""
) -> tuple[int, int]:
    """The card's width and height, never above the consumer's maxima (oEmbed 1.0 §2.2: they
    "must be respected"). The width is the card's widest; the height is a guess for that width
    which embed.js corrects once the card has measured itself."""
    width = min(EMBED_WIDTH, maxwidth) if maxwidth else EMBED_WIDTH
    inner = max(width - _CARD_INSET_PX, 1)
    quote_lines = max(1, math.ceil(len(words) * _QUOTE_CHAR_PX / inner))
    caption_lines = max(1, math.ceil(len(caption) * _CAPTION_CHAR_PX / inner))
    guess = _CARD_CHROME_PX + quote_lines * _QUOTE_LINE_PX + caption_lines * _CAPTION_LINE_PX
    height = max(guess, EMBED_HEIGHT // 2)
    return width, min(height, maxheight) if maxheight else height


def embed_src(card_url: str, theme: Theme, lang: str = "en") -> str:
    """The card's URL with the parameters that differ from its defaults."""
    params = {"theme": theme.value} if theme != Theme.auto else {}
    if lang != "en":
        params["lang"] = lang
    return f"{card_url}?{urlencode(params)}" if params else card_url


def embed_html(
    quote: EmbedQuote,
    card_url: str,
    script_url: str | None,
    width: int,
    maxheight: int | None,
) -> str:
    """The oEmbed `html`: a blockquote readable with no script and with OnRecord down, then
    (unless left out) embed.js, which puts the card's iframe in its place once the card has
    loaded and keeps the iframe as tall as the card says it is (never above `maxheight`)."""
    esc = html.escape
    words = quote.words if quote.is_paraphrase else f"“{quote.words}”"
    when = f", {esc(quote.said_on)}" if quote.said_on else ""
    where = f" ({esc(quote.outlet)})" if quote.outlet else ""
    limit = f' data-maxheight="{maxheight}"' if maxheight else ""
    statement = f"<p>{esc(quote.statement)}</p>" if quote.statement else ""
    blockquote = (
        f'<blockquote class="onrecord-quote" lang="{esc(quote.lang)}" '
        f'cite="{esc(quote.permalink)}" '
        f'data-src="{esc(card_url)}"{limit} style="margin:0;max-width:{width}px">'
        f"<p>{esc(words)}</p>"
        f"<p>— {esc(quote.speaker)}{when}{where} · "
        f'<a href="{esc(quote.permalink)}">{esc(quote.link_label)}</a></p>'
        f"{statement}</blockquote>"
    )
    if script_url is None:
        return blockquote
    return f'{blockquote}<script async src="{esc(script_url)}"></script>'
