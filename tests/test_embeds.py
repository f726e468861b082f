"""oEmbed's size rules, the blockquote that reads without script, and the card's parameters."""

from __future__ import annotations

import re

import httpx
import pytest

from api.services.embeds import EMBED_WIDTH, embed_size
from tests.test_web import stored


@pytest.fixture
def quote(api: httpx.Client) -> tuple[int, str]:
    quote_id = stored(api)["quotes"][0]["id"]
    return quote_id, f"{str(api.base_url).rstrip('/')}/quotes/{quote_id}"


@pytest.mark.parametrize(
    ("maxwidth", "maxheight"), [(None, None), (200, None), (1, 1), (900, 50), (300, 2000)]
)
def test_oembed_never_exceeds_the_consumers_maxima(
    api: httpx.Client, quote: tuple[int, str], maxwidth: int | None, maxheight: int | None
) -> None:
    params = {"url": quote[1], "maxwidth": maxwidth, "maxheight": maxheight}
    body = api.get("/oembed", params={k: v for k, v in params.items() if v}).json()
    assert body["width"] <= (maxwidth or EMBED_WIDTH)
    assert body["height"] <= (maxheight or 10_000)
    assert body["width"] >= 1 and body["height"] >= 1
    assert f"max-width:{body['width']}px" in body["html"]
    if maxheight:
        assert f'data-maxheight="{maxheight}"' in body["html"]


def test_a_narrower_card_is_guessed_taller() -> None:
    words = "a long quotation of many words " * 8
    assert embed_size(300, None, words, "caption")[1] > embed_size(560, None, words, "caption")[1]


def test_oembed_html_is_a_readable_blockquote_with_an_optional_script(
    api: httpx.Client, quote: tuple[int, str]
) -> None:
    quote_id, permalink = quote
    html = api.get("/oembed", params={"url": permalink}).json()["html"]
    assert "<iframe" not in html  # the script adds it; without script the quote reads as text
    blockquote = re.match(r'<blockquote class="onrecord-quote".*?</blockquote>', html, re.S)
    assert blockquote is not None
    text = blockquote.group(0)
    assert "Lina Berg" in text and "Quay &lt;Times&gt;" in text  # speaker and source, escaped
    assert "&lt;script&gt;" in text and "<script>alert" not in html
    assert f'href="{permalink}"' in text
    assert html.endswith('<script async src="http://testserver/embed.js"></script>') or (
        re.search(r'<script async src="[^"]+/embed\.js"></script>$', html)
    )
    dark = api.get("/oembed", params={"url": permalink, "theme": "dark"}).json()["html"]
    assert f'data-src="{str(api.base_url).rstrip("/")}/embed/quotes/{quote_id}?theme=dark"' in dark
    private = api.get("/oembed", params={"url": permalink, "dnt": 1}).json()["html"]
    assert "<script" not in private and private.startswith("<blockquote")
    assert api.get("/oembed", params={"url": permalink, "theme": "pink"}).status_code == 422


def test_embed_card_has_a_landmark_its_theme_and_only_our_script(
    api: httpx.Client, quote: tuple[int, str]
) -> None:
    quote_id, _ = quote
    card = api.get(f"/embed/quotes/{quote_id}", params={"theme": "dark"})
    assert card.status_code == 200
    assert '<main aria-label="Quote">' in card.text
    assert 'class="theme-dark"' in card.text
    assert "script-src 'self'" in card.headers["content-security-policy"]
    assert re.search(r'<script src="[^"]+/embed\.js" defer></script>', card.text)
    script = api.get("/embed.js")
    assert script.status_code == 200 and script.headers["access-control-allow-origin"] == "*"
    assert "event.origin" in script.text
