"""`lang` on the embed card, oEmbed and the widget: the labels around a quote, as data."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from api.labels import LABELS, LABELS_FILE, Labels, Lang
from tests.test_web import stored


def test_every_language_has_every_label() -> None:
    assert set(LABELS) == {lang.value for lang in Lang}
    keys = set(LABELS["en"])
    for lang, words in LABELS.items():
        assert set(words) == keys, lang
        assert len(words["months"]) == 12, lang  # type: ignore[arg-type]
    assert Labels(Lang.de).date("2024-05-10") == "10. Mai 2024"
    assert Labels(Lang.fr).date("2024-08-01") == "1 août 2024"
    assert Labels(Lang.en).title(None, paraphrase=True) == "Paraphrase of Unattributed"


@pytest.fixture
def quote(api: httpx.Client) -> tuple[int, str]:
    quote_id = stored(api)["quotes"][0]["id"]
    return quote_id, f"{str(api.base_url).rstrip('/')}/quotes/{quote_id}"


def test_the_card_speaks_the_language_asked_for(api: httpx.Client, quote) -> None:
    quote_id, _ = quote
    card = api.get(f"/embed/quotes/{quote_id}", params={"lang": "fr"}).text
    assert '<html lang="fr"' in card and '<main aria-label="Citation">' in card
    assert "10 mai 2024" in card and ">citation</span>" in card
    assert "attribué d’après :" in card
    english = api.get(f"/embed/quotes/{quote_id}").text
    assert '<html lang="en"' in english and "10 May 2024" in english
    assert api.get(f"/embed/quotes/{quote_id}", params={"lang": "xx"}).status_code == 422


def test_oembed_labels_follow_lang_and_the_card_it_loads_too(api: httpx.Client, quote) -> None:
    quote_id, permalink = quote
    body = api.get("/oembed", params={"url": permalink, "lang": "de"}).json()
    assert body["title"] == "Zitat von Lina Berg"
    assert '<blockquote class="onrecord-quote" lang="de"' in body["html"]
    assert "10. Mai 2024" in body["html"] and ">auf OnRecord</a>" in body["html"]
    assert re.search(rf'data-src="[^"]+/embed/quotes/{quote_id}\?lang=de"', body["html"])
    assert api.get("/oembed", params={"url": permalink, "lang": "xx"}).status_code == 422


def test_the_widget_carries_every_languages_labels(api: httpx.Client) -> None:
    script = api.get("/widget.js").text
    assert "/* labels.json */" not in script
    assert json.dumps(json.loads(LABELS_FILE.read_text())["fr"]["search_link"]) in script
    assert 'getAttribute("lang")' in script
