"""The pages in a real browser: Playwright driving Debian's Chromium (no browser download)."""

from __future__ import annotations

import http.server
import shutil
import threading
import time
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
    searchable(str(api.base_url).rstrip("/"), len(response.json()["quotes"]))
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


def test_widget_labels_follow_its_lang_attribute(site, other_origin) -> None:
    base, page = site
    origin, folder = other_origin
    (folder / "fr.html").write_text(
        '<!doctype html><html lang="fr"><title>CMS</title>'
        f'<script src="{base}/widget.js"></script>'
        '<onrecord-quotes speaker="Lina Berg" lang="fr"></onrecord-quotes>'
    )
    page.goto(origin + "/fr.html")
    card = page.locator("onrecord-quotes figure.card").first
    sync_api.expect(card).to_contain_text("Lina Berg, 9 mai 2024")
    sync_api.expect(card.locator(".by")).to_contain_text("· citation ·")
    sync_api.expect(card.locator(".by a")).to_have_text("source")
    sync_api.expect(card.locator(".evidence")).to_contain_text("attribué d’après :")


LONG = {
    "url": "https://example.org/long-quay",
    "title": "The quay",
    "outlet": "The Northern Archipelago Evening Chronicle and Weekly Harbour Gazette",
    "published_at": "2024-05-10",
    "text": (
        '"The harbour will reopen when every crane on the northern quay has been inspected, '
        "repaired and certified, and not one day before that, whatever the shipping lines may "
        'tell the council," harbourmaster Annelise Vandermeer-Kristoffersdottir said.'
    ),
}


def _oembed_host(api_base: str, folder: Path, name: str, maxwidth: int) -> str:
    """A host page holding the oEmbed html as a CMS would paste it."""
    hit = searchable(api_base, 1, q="crane")[0]
    quote_url = f"{api_base}/quotes/{hit['id']}"
    markup = httpx.get(
        api_base + "/oembed", params={"url": quote_url, "maxwidth": maxwidth}
    ).json()["html"]
    (folder / name).write_text(
        '<!doctype html><html lang="en"><meta name="viewport" '
        'content="width=device-width, initial-scale=1"><title>CMS</title>'
        f'<body style="margin:0 8px"><main>{markup}</main></body></html>'
    )
    return markup


@pytest.mark.parametrize("width", [300, 560, 390])
def test_embed_fits_every_width_and_follows_its_card(
    api: httpx.Client, site, other_origin, width: int
) -> None:
    base, page = site
    origin, folder = other_origin
    # the api client waits until the posted quotes are indexed (POST answers before that)
    assert api.post("/v1/articles", json=LONG, headers={"X-API-Key": API_KEY}).is_success
    _oembed_host(base, folder, "story.html", maxwidth=560)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(origin + "/story.html")
    iframe = page.locator("iframe.onrecord-embed")
    # the card said how tall it is: the iframe shows and the plain blockquote steps aside
    sync_api.expect(iframe).to_be_visible()
    sync_api.expect(page.locator("blockquote.onrecord-quote")).to_be_hidden()
    box = iframe.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    frame = page.frame_locator("iframe.onrecord-embed")
    caption = frame.locator("figcaption")
    sync_api.expect(caption).to_contain_text("Annelise Vandermeer-Kristoffersdottir")
    fits = caption.evaluate(
        "el => el.scrollWidth <= el.clientWidth"
        " && document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert fits
    card_height = frame.locator("body").evaluate("b => Math.ceil(b.getBoundingClientRect().height)")
    assert abs(box["height"] - card_height) <= 1  # nothing cut off below, nothing to scroll

    # narrower: the card wraps to more lines and the iframe follows it by postMessage
    page.set_viewport_size({"width": 260, "height": 800})
    page.wait_for_function(
        "h => document.querySelector('iframe.onrecord-embed').getBoundingClientRect().height > h",
        arg=box["height"],
    )


def test_embed_and_widget_stay_readable_with_onrecord_down(
    api: httpx.Client, site, other_origin
) -> None:
    base, page = site
    origin, folder = other_origin
    # the api client waits until the posted quotes are indexed (POST answers before that)
    assert api.post("/v1/articles", json=LONG, headers={"X-API-Key": API_KEY}).is_success
    markup = _oembed_host(base, folder, "live.html", maxwidth=400)
    dead = f"http://127.0.0.1:{free_port()}"
    # OnRecord down: neither the script nor the card loads
    down = markup.replace(base, dead)
    (folder / "down.html").write_text("<!doctype html><title>CMS</title>" + down)
    page.goto(origin + "/down.html")
    quote = page.locator("blockquote.onrecord-quote")
    sync_api.expect(quote).to_be_visible()
    sync_api.expect(quote).to_contain_text("Annelise Vandermeer-Kristoffersdottir")
    # the script cached or self-hosted, the card unreachable: the blockquote still stays
    (folder / "embed.js").write_text(httpx.get(base + "/embed.js").text)
    half_down = markup.replace(base + "/embed.js", "/embed.js").replace(base, dead)
    (folder / "half.html").write_text("<!doctype html><title>CMS</title>" + half_down)
    page.goto(origin + "/half.html")
    page.wait_for_timeout(1500)
    sync_api.expect(page.locator("blockquote.onrecord-quote")).to_be_visible()
    frame_height = "f => f.getBoundingClientRect().height"
    assert page.locator("iframe.onrecord-embed").evaluate(frame_height) == 0
    # a message from another origin, or not a height, changes nothing
    page.evaluate(
        "window.postMessage({type: 'onrecord-embed-height', height: 900}, '*');"
        "window.postMessage({type: 'onrecord-embed-height', height: 'tall'}, '*')"
    )
    page.wait_for_timeout(300)
    sync_api.expect(page.locator("blockquote.onrecord-quote")).to_be_visible()

    # the widget: the host's own fallback shows while loading and stays with the API down
    (folder / "widget.js").write_text(httpx.get(base + "/widget.js").text)
    (folder / "widget-down.html").write_text(
        '<!doctype html><title>CMS</title><script src="/widget.js"></script>'
        '<onrecord-quotes q="ferries"><p id="ours">Our own list of quotes</p></onrecord-quotes>'
    )
    page.goto(origin + "/widget-down.html")
    sync_api.expect(page.locator("onrecord-quotes")).to_have_attribute("data-state", "fallback")
    sync_api.expect(page.locator("#ours")).to_be_visible()


def test_widget_filters_and_replaces_the_hosts_fallback(site, other_origin) -> None:
    base, page = site
    origin, folder = other_origin
    (folder / "filters.html").write_text(
        "<!doctype html><title>CMS</title>"
        f'<script src="{base}/widget.js"></script>'
        '<onrecord-quotes type="indirect" from="2024-01-01" to="2024-12-31" sort="-date">'
        '<p id="ours">Our own list of quotes</p></onrecord-quotes>'
    )
    page.goto(origin + "/filters.html")
    cards = page.locator("onrecord-quotes figure.card")
    sync_api.expect(cards).to_have_count(1)
    sync_api.expect(cards.first).to_contain_text("Erik Dahl")
    sync_api.expect(page.locator("#ours")).to_be_hidden()


def test_phone_shows_results_first_and_facets_stay_disjunctive(site) -> None:
    base, page = site
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/")
    sync_api.expect(page.locator("h1")).to_have_count(1)
    first = page.locator(".card").first.bounding_box()
    assert first is not None and first["y"] < 844  # the first result on the first screen
    sync_api.expect(page.locator(".facets")).to_be_hidden()
    page.locator("details.filters > summary").click()
    page.locator('a.facet-value[data-facet="speaker"]', has_text="Hanna Moe").click()
    sync_api.expect(page.locator(".card")).to_have_count(2)
    # the other speakers can still be added to the pick, with their own counts
    page.locator("details.filters > summary").click()
    sync_api.expect(page.locator('a.facet-value[data-facet="speaker"]')).to_have_count(3)
    sync_api.expect(page.locator('a.facet-value.on[data-facet="speaker"]')).to_have_count(1)
    # a sort picked survives typing
    page.get_by_label("Sort").select_option("date")
    page.get_by_label("Search quotes").fill("ferries")
    sync_api.expect(page.locator("#summary")).to_contain_text("for “ferries”")
    assert "sort=date" in page.url and page.get_by_label("Sort").input_value() == "date"


def test_api_docs_render_from_our_own_files(site) -> None:
    base, page = site
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{base}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)  # the operations, from /openapi.json
    assert "/v1/search" in page.inner_text("#swagger-ui")
    assert not outside, outside
    assert not refused, refused


def searchable(base: str, count: int, **params: str) -> list[dict]:
    """The hits once `count` are found: a loaded machine may index slower than the API
    client's own wait after a POST."""
    deadline = time.monotonic() + 30
    while True:
        body = httpx.get(base + "/v1/search", params=params).json()
        if body["total"] >= count:
            return body["hits"]
        assert time.monotonic() < deadline, f"only {body['total']} of {count} hits indexed"
        time.sleep(0.2)


MANY_SPEAKERS = {
    "url": "https://example.org/council-night",
    "title": "Council night",
    "outlet": "Quay Daily",
    "published_at": "2024-05-12",
    "text": "\n".join(
        f'"The budget is {word}," councillor {name} said.'
        for word, name in [
            ("fair", "Ada Quill"),
            ("late", "Bo Lind"),
            ("thin", "Cai Moss"),
            ("bold", "Dag Holm"),
            ("wise", "Eli Strand"),
            ("odd", "Fia Berg"),
            ("weak", "Gus Dahl"),
            ("done", "Hal Ek"),
            ("grim", "Ivo Sand"),
            ("tidy", "Jon Vik"),
            ("neat", "Kai Nord"),
        ]
    ),
}


def test_long_facet_lists_show_more_and_filter_as_you_type(api: httpx.Client, browser) -> None:
    created = api.post("/v1/articles", json=MANY_SPEAKERS, headers={"X-API-Key": API_KEY})
    assert created.status_code == 201 and len(created.json()["quotes"]) == 11
    base = str(api.base_url).rstrip("/")
    searchable(base, 11)
    for script in (True, False):
        context = browser.new_context(java_script_enabled=script)
        page = context.new_page()
        page.goto(base + "/")
        speakers = page.locator('nav.facet[aria-label="Filter by speaker"]')
        more = speakers.locator("details.more")
        sync_api.expect(more.locator("summary")).to_have_text("Show 3 more")
        sync_api.expect(more.locator("li").first).to_be_hidden()
        more.locator("summary").click()
        sync_api.expect(more.locator("li")).to_have_count(3)
        box = more.get_by_label("Filter speaker values")
        if script:
            name = more.locator("li .value").last.inner_text()
            box.fill(name.split()[-1].lower())  # a surname, in lower case
            sync_api.expect(more.locator("li:visible")).to_have_count(1)
            sync_api.expect(more.locator("li:visible")).to_contain_text(name)
            more.locator("li:visible a").click()
            sync_api.expect(page.locator("#summary")).to_contain_text("1 quote")
        else:
            sync_api.expect(box).to_be_hidden()  # without script the box would do nothing
            sync_api.expect(more.locator("li:visible")).to_have_count(3)
        context.close()


def test_the_permalink_copies_the_chosen_citation_style(site) -> None:
    base, page = site
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    quote_id = searchable(base, 1, q="lifeline")[0]["id"]
    page.goto(f"{base}/quotes/{quote_id}")
    styles = page.locator("ul.citations li")
    sync_api.expect(styles).to_have_count(3)
    ap = styles.filter(has_text="AP style")
    ap.get_by_role("button", name="Copy citation").click()
    sync_api.expect(ap.get_by_role("button")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        copied
        == "“The ferries are a lifeline,” Hanna Moe said May 10, 2024, according to Island Post."
    )
    sync_api.expect(ap.get_by_role("button")).to_have_text("Copy citation")
    link = styles.filter(has_text="With link").get_by_role("button")
    link.click()
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/quotes/{quote_id}")
