"""The pages in a real browser: Playwright driving Debian's Chromium (no browser download)."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest

from tests.conftest import API_KEY, free_port
from tests.test_api import ARTICLE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def site(api: httpx.Client, browser) -> Iterator[tuple[str, object]]:
    response = api.post("/v1/articles", json=ARTICLE, headers={"X-API-Key": API_KEY})
    assert response.status_code == 201
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield str(api.base_url).rstrip("/"), page
    context.close()


@pytest.fixture
def other_origin(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A second web server on another port: a different origin, like a newsroom's CMS."""
    port = free_port()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", tmp_path
    server.shutdown()


def test_typing_a_query_shows_results_and_keeps_it_in_the_url(site) -> None:
    base, page = site
    page.goto(base + "/")
    sync_api.expect(page.locator("#summary")).to_contain_text("4 quotes")
    page.get_by_label("Search quotes").fill("lifeline")
    sync_api.expect(page.locator("#summary")).to_contain_text("for “lifeline”")
    # the quote with the word ranks first; others match only through their context
    sync_api.expect(page.locator(".card .speaker").first).to_have_text("Hanna Moe")
    sync_api.expect(page.locator(".card mark").first).to_have_text("lifeline")
    assert "q=lifeline" in page.url


def test_clicking_a_facet_narrows_the_list(site) -> None:
    base, page = site
    page.goto(base + "/")
    sync_api.expect(page.locator(".card")).to_have_count(4)
    page.locator('a.facet-value[data-facet="speaker"]', has_text="Hanna Moe").click()
    sync_api.expect(page.locator(".card")).to_have_count(2)
    sync_api.expect(page.locator("#summary")).to_contain_text("2 quotes")
    assert "speaker=Hanna+Moe" in page.url
    page.locator('a.facet-value[data-facet="speaker"]', has_text="Hanna Moe").click()
    sync_api.expect(page.locator(".card")).to_have_count(4)


def test_permalink_and_escaped_markup(site) -> None:
    base, page = site
    page.goto(base + "/?q=people")
    card = page.locator(".card").first
    sync_api.expect(card.locator("blockquote")).to_contain_text("People <b>need</b> them")
    assert card.locator("blockquote b").count() == 0  # shown as text, never as markup
    card.get_by_role("link", name="Permalink").click()
    sync_api.expect(page.locator("blockquote.quote")).to_contain_text("People <b>need</b> them")
    sync_api.expect(page.locator(".byline .speaker")).to_have_text("Hanna Moe")
    assert page.locator('link[type="application/json+oembed"]').count() == 1


def test_widget_renders_on_another_origin_and_degrades_to_a_link(site, other_origin) -> None:
    base, page = site
    origin, folder = other_origin
    (folder / "cms.html").write_text(
        "<!doctype html><title>CMS</title>"
        f'<script src="{base}/widget.js"></script>'
        '<onrecord-quotes speaker="Hanna Moe" limit="5" theme="dark"></onrecord-quotes>'
    )
    page.goto(origin + "/cms.html")
    cards = page.locator("onrecord-quotes figure.card")
    sync_api.expect(cards).to_have_count(2)
    sync_api.expect(cards.first).to_contain_text("Hanna Moe")
    sync_api.expect(page.locator("onrecord-quotes blockquote").nth(1)).to_contain_text(
        "People <b>need</b> them"
    )
    # served from an origin with no OnRecord API behind it, the widget falls back to a link
    (folder / "widget.js").write_text(httpx.get(base + "/widget.js").text)
    (folder / "offline.html").write_text(
        '<!doctype html><title>CMS</title><script src="/widget.js"></script>'
        '<onrecord-quotes q="ferries"></onrecord-quotes>'
    )
    page.goto(origin + "/offline.html")
    sync_api.expect(page.locator("onrecord-quotes .fallback a")).to_have_text("Quotes on OnRecord")
