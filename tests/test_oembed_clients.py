"""Third-party oEmbed consumers against the real server on loopback: pyoembed discovers our
endpoint from the permalink's <link rel="alternate">, micawber uses it as a registered
provider (as CMS plugins configure it) and turns a pasted permalink into the embed."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.test_web import stored

pyoembed = pytest.importorskip("pyoembed")
micawber = pytest.importorskip("micawber")
pyoembed_errors = pytest.importorskip("pyoembed.exceptions")


@pytest.fixture
def permalink(api: httpx.Client) -> str:
    quote_id = stored(api)["quotes"][0]["id"]
    return f"{str(api.base_url).rstrip('/')}/quotes/{quote_id}"


def test_pyoembed_discovers_and_validates_our_oembed(permalink: str) -> None:
    data = pyoembed.oEmbed(permalink)
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert data["author_name"] == "Lina Berg"
    assert data["html"].startswith('<blockquote class="onrecord-quote"')
    assert f'href="{permalink}"' in data["html"]
    small = pyoembed.oEmbed(permalink, maxwidth=300, maxheight=200)
    assert small["width"] <= 300 and small["height"] <= 200


def test_pyoembed_is_told_when_a_url_is_not_a_quote(permalink: str) -> None:
    with pytest.raises(pyoembed_errors.PyOembedException):
        pyoembed.oEmbed(re.sub(r"/quotes/\d+$", "/quotes/999999", permalink))


def test_micawber_turns_a_pasted_permalink_into_the_embed(permalink: str) -> None:
    base = permalink.split("/quotes/")[0]
    registry = micawber.ProviderRegistry()
    registry.register(re.escape(base) + r"/quotes/\d+", micawber.Provider(base + "/oembed"))
    data = registry.request(permalink, maxwidth=280)
    assert data["type"] == "rich" and data["width"] <= 280
    assert data["height"] <= 280 * 16 // 9  # micawber asks maxheight = 16:9 of maxwidth
    post = registry.parse_text(f"As reported:\n{permalink}\nMore below.")
    assert '<blockquote class="onrecord-quote"' in post and "As reported:" in post
    missing = re.sub(r"/quotes/\d+$", "/quotes/999999", permalink)
    with pytest.raises(micawber.exceptions.ProviderException):
        registry.request(missing)
    assert registry.parse_text(missing) == f'<a href="{missing}">{missing}</a>'  # a plain link
