"""The permalinks' Open Graph image: drawn by Pillow, cached by what it shows, served with
validators; and the long facet lists behind "Show more"."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from api import og_image
from api.routes.pages import FACET_SHOWN, _facet_lists
from api.schemas import SearchResult
from tests.test_web import HTML, stored

CARD = og_image.QuoteCard(
    words="The harbour will reopen in May.",
    paraphrase=False,
    speaker="Anna Kovacs",
    byline="said on 6 May 2024 · Quay Daily",
)


def test_the_card_is_a_1200_by_630_png_that_fits_any_length() -> None:
    for words in (CARD.words, "word " * 400):
        card = og_image.QuoteCard(words, False, CARD.speaker, CARD.byline)
        image = Image.open(io.BytesIO(og_image.render(card)))
        assert (image.format, image.size) == ("PNG", (1200, 630))


def test_without_dejavu_it_draws_in_pillows_own_face(monkeypatch: pytest.MonkeyPatch) -> None:
    with_dejavu = og_image.render(CARD)
    monkeypatch.setattr(og_image, "FONT_DIRS", ())
    og_image._font_file.cache_clear()
    try:
        fallback = og_image.render(CARD)
    finally:
        og_image._font_file.cache_clear()
    assert Image.open(io.BytesIO(fallback)).size == (1200, 630)
    if og_image._font_file("DejaVuSerif.ttf"):
        assert fallback != with_dejavu


def test_the_cache_draws_a_card_once_and_again_when_its_words_change() -> None:
    cache = og_image.ImageCache(size=2)
    first, png = cache.get(CARD)
    assert cache.get(CARD) == (first, png) and cache.renders == 1
    edited = og_image.QuoteCard("The harbour stays shut.", False, CARD.speaker, CARD.byline)
    assert cache.get(edited)[0] != first and cache.renders == 2


def test_the_permalink_names_its_image_and_the_image_is_cached(api: httpx.Client) -> None:
    quote_id = stored(api)["quotes"][0]["id"]
    page = api.get(f"/quotes/{quote_id}", headers=HTML).text
    url = f"{str(api.base_url).rstrip('/')}/quotes/{quote_id}/image.png"
    assert f'<meta property="og:image" content="{url}">' in page
    assert '<meta property="og:image:width" content="1200">' in page
    assert '<meta property="og:image:height" content="630">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    renders = og_image.IMAGES.renders
    image = api.get(url)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (1200, 630)
    assert image.headers["cache-control"].startswith("public, max-age=")
    again = api.get(url, headers={"If-None-Match": image.headers["etag"]})
    assert again.status_code == 304 and not again.content
    assert og_image.IMAGES.renders <= renders + 1  # drawn at most once for both requests
    head = api.head(url)
    assert head.status_code == 200 and head.headers["content-type"] == "image/png"
    assert head.headers["etag"] == image.headers["etag"] and not head.content
    assert api.get("/quotes/999999/image.png").status_code == 404


def test_long_facet_lists_show_the_most_frequent_and_every_picked_value() -> None:
    speakers = {f"Speaker {n:02d}": 100 - n for n in range(20)}
    result = SearchResult(hits=[], total=0, page=1, per_page=20, facets={"speaker": speakers})
    lists = {
        facet: (shown, more)
        for facet, _, shown, more in _facet_lists(result, [("speaker", "Speaker 15")])
    }
    shown, more = lists["speaker"]
    names = [value for value, *_ in shown]
    assert names[:FACET_SHOWN] == [f"Speaker {n:02d}" for n in range(FACET_SHOWN)]
    assert names[FACET_SHOWN:] == ["Speaker 15"]  # a picked value is never hidden
    assert len(more) == 20 - FACET_SHOWN - 1 and all(not on for _, _, on, _ in more)
    assert lists["outlet"] == ([], [])
