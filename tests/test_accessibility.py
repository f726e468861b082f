"""axe-core in Chromium on every kind of page: nothing above "minor", and tap targets of at
least 24 px on a phone. axe-core comes from the npm registry through scripts/setup.sh (into
.venv/share/axe-core); nothing is fetched at run time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import API_KEY
from tests.test_api import ARTICLE
from tests.test_browser import (  # noqa: F401  (the Chromium fixture)
    MANY_SPEAKERS,
    browser,
    searchable,
    sync_api,
)

AXE_JS = Path(__file__).resolve().parents[1] / ".venv/share/axe-core/axe.min.js"
if not AXE_JS.is_file():
    pytest.skip(
        f"axe-core is not installed at {AXE_JS} (scripts/setup.sh fetches it with npm)",
        allow_module_level=True,
    )
# The rule sets axe runs: WCAG 2.0-2.2 A and AA (2.2 AA has target-size) and best practice
# (one main landmark, content in landmarks, a heading one).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
ALLOWED = {"minor"}
# What a thumb must hit and is under 24 px; links inside running text are exempt (WCAG 2.5.8).
SMALL_TARGETS = """() => [
  ...document.querySelectorAll("a, button, input, select, textarea, summary")]
  .filter((el) => el.offsetParent !== null || el.tagName === "SUMMARY")
  .filter((el) => !el.closest(".context-text"))
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width > 0 && (box.width < 24 || box.height < 24))
  .map(([el, box]) => `${el.tagName} ${Math.round(box.width)}x${Math.round(box.height)}`
    + ` ${el.textContent.trim().slice(0, 30)}`)"""
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def pages(api: httpx.Client) -> dict[str, str]:
    created = api.post("/v1/articles", json=ARTICLE, headers={"X-API-Key": API_KEY})
    assert created.status_code == 201, created.text
    article = created.json()
    # enough speakers for the search page's "Show more" and its filter box
    more = api.post("/v1/articles", json=MANY_SPEAKERS, headers={"X-API-Key": API_KEY})
    assert more.status_code == 201, more.text
    searchable(str(api.base_url).rstrip("/"), len(article["quotes"]) + len(more.json()["quotes"]))
    quote = article["quotes"][0]
    slug = quote["speaker"]["slug"]
    base = str(api.base_url).rstrip("/")
    return {
        "search": f"{base}/",
        "search with a query": f"{base}/?q=ferries",
        "quote": f"{base}/quotes/{quote['id']}",
        "speaker": f"{base}/speakers/{slug}",
        "article": f"{base}/articles/{article['id']}",
        "verify": f"{base}/verify?quote=We+will+sail+when+we+are+paid",
        "embed": f"{base}/embed/quotes/{quote['id']}",
        "embed in French, dark": f"{base}/embed/quotes/{quote['id']}?lang=fr&theme=dark",
    }


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def page(browser, request) -> Iterator:  # noqa: F811
    # Our pages allow only our own scripts; axe is injected past the CSP, as a tester's would be.
    context = browser.new_context(bypass_csp=True, viewport=request.param)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def violations(tab, url: str) -> list[str]:
    tab.goto(url)
    tab.wait_for_load_state("networkidle")
    for more in tab.locator("details.more > summary").all():
        if more.is_visible():
            more.click()  # the values behind "Show more" and the filter box are checked too
    tab.add_script_tag(path=str(AXE_JS))
    report = tab.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        TAGS,
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in report["violations"]
        if v["impact"] not in ALLOWED
    ]


def test_axe_finds_nothing_above_minor(page, pages: dict[str, str]) -> None:
    found = {name: violations(page, url) for name, url in pages.items()}
    assert not any(found.values()), found


def test_tap_targets_are_at_least_24_px_on_a_phone(browser, pages: dict[str, str]) -> None:  # noqa: F811
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    small: dict[str, list[str]] = {}
    try:
        for name, url in pages.items():
            tab.goto(url)
            small[name] = tab.evaluate(SMALL_TARGETS)
    finally:
        context.close()
    assert not any(small.values()), small
