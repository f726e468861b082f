"""`lang` on the embed card, oEmbed and the widget: the labels around a quote, as data."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from api.labels import LABELS, LABELS_FILE, Labels, Lang
from api.schemas import StatementFirst, StatementRef
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


def test_the_statement_line_in_every_language() -> None:
    def ref(reports: int, outlets: int, outlet: str | None, on: str | None) -> StatementRef:
        first = StatementFirst(quote_id=7, outlet=outlet, on=on)
        return StatementRef(id=7, reports=reports, outlets=outlets, first_reported=first)

    two = ref(3, 2, "Quay Daily", "2024-05-10")
    assert str(Labels(Lang.en).statement(9, two)) == (
        "First reported by Quay Daily on 10 May 2024, then in 1 outlet"
    )
    line = Labels(Lang.de).statement(9, two)
    assert line is not None and line.first_quote_id == 7 and line.iso_date == "2024-05-10"
    assert str(line) == (
        "Zuerst berichtet von Quay Daily am 10. Mai 2024, danach in 1 weiteren Medium"
    )
    undated = Labels(Lang.fr).statement(7, ref(2, 1, None, None))
    assert undated is not None and undated.first_quote_id is None  # this quote is the first
    assert str(undated) == "Rapporté d’abord par un média non nommé, rapporté 2 fois"
    for lang in Lang:  # alone, or not grouped yet: no line
        assert Labels(lang).statement(7, ref(1, 1, "Quay Daily", "2024-05-10")) is None
        assert Labels(lang).statement(7, None) is None


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
