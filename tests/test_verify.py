"""Verifying claims against real PostgreSQL and Meilisearch: the endpoint and its page."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import API_KEY

# Fictional articles: the same words reported twice, three days apart, by two outlets.
FIRST = {
    "url": "https://example.org/ledger/bridges",
    "title": "Minister promises bridges",
    "outlet": "Harbour Ledger",
    "published_at": "2024-05-09",
    "text": (
        '"We will rebuild every bridge on the northern coast before the winter storms '
        'arrive," transport minister Ada Quill said.\n'
        '"The ferries will run on time from the first of June," said harbour master Tomas Reed.'
    ),
}
SECOND = {
    "url": "https://example.org/courier/coast",
    "title": "Coast waits for its bridges",
    "outlet": "Valley Courier",
    "published_at": "2024-05-12",
    "text": (
        "The council met in the old library.\n"
        '"We will rebuild every bridge on the northern coast before the winter storms '
        'arrive," Ada Quill said.'
    ),
}
ORIGINAL = "We will rebuild every bridge on the northern coast before the winter storms arrive"
HTML = {"Accept": "text/html"}


def settled(api: httpx.Client, quotes: int) -> None:
    """Wait until the index holds `quotes` quotes, each with its statement complete (the
    worker indexes and groups a post's quotes moments after it answers)."""
    deadline = time.monotonic() + 30
    while True:
        hits = api.get("/v1/search", params={"per_page": 100}).json()["hits"]
        statements = [h["statement"] for h in hits]
        if len(hits) == quotes and all(
            s and sum(1 for o in statements if o and o["id"] == s["id"]) == s["reports"]
            for s in statements
        ):
            return
        assert time.monotonic() < deadline, "the quotes were never indexed and grouped"
        time.sleep(0.1)


@pytest.fixture
def stored(api: httpx.Client) -> httpx.Client:
    for article in (FIRST, SECOND):
        response = api.post("/v1/articles", json=article, headers={"X-API-Key": API_KEY})
        assert response.status_code == 201, response.text
    settled(api, 3)
    return api


def check(api: httpx.Client, quote: str, speaker: str | None = None) -> dict:
    params = {"quote": quote} | ({"speaker": speaker} if speaker else {})
    response = api.get("/v1/verify", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def changes(match: dict) -> list[tuple[str, str, str]]:
    return [(s["op"], s["original"], s["claimed"]) for s in match["diff"] if s["op"] != "equal"]


def test_verbatim_fragment_names_first_report_and_outlets(stored: httpx.Client) -> None:
    result = check(stored, "rebuild every bridge on the northern coast", "Ada Quill")
    assert result["verdict"] == "verbatim"
    assert result["paraphrase_checked"] is False
    best = result["matches"][0]
    assert best["quote"]["speaker"]["name"] == "Ada Quill" and best["similarity"] == 1.0
    assert changes(best) == []
    assert best["first_reported"]["article"]["outlet"] == "Harbour Ledger"
    assert best["first_reported"]["said_on"] == "2024-05-09"
    assert best["outlets"] == 2
    assert result["summary"] == "Verbatim: Ada Quill said this on 9 May 2024 (Harbour Ledger)."


def test_the_first_report_is_the_earliest_article_as_on_the_cards(api: httpx.Client) -> None:
    """A later article that dates the words earlier does not become their first report: the
    verdict names the outlet that published them first, as the statement line on the cards."""
    later = {
        **SECOND,
        "url": "https://example.org/courier/looking-back",
        "published_at": "2024-05-20",
        "text": (
            '"We will rebuild every bridge on the northern coast before the winter storms '
            'arrive," Ada Quill said on 2 May 2024.'
        ),
    }
    for article in (FIRST, later):
        response = api.post("/v1/articles", json=article, headers={"X-API-Key": API_KEY})
        assert response.status_code == 201, response.text
    settled(api, 3)
    best = check(api, ORIGINAL, "Ada Quill")["matches"][0]
    assert best["first_reported"]["article"]["outlet"] == "Harbour Ledger"
    assert best["quote"]["statement"]["first_reported"]["outlet"] == "Harbour Ledger"
    assert best["outlets"] == 2


def test_claim_with_an_ellipsis_is_verbatim_and_marks_the_cut(stored: httpx.Client) -> None:
    result = check(stored, "“We will rebuild every bridge … before the winter storms arrive.”")
    assert result["verdict"] == "verbatim"
    steps = [s for s in result["matches"][0]["diff"] if s["op"] != "equal"]
    assert [(s["op"], s["original"], s["elided"]) for s in steps] == [
        ("delete", "on the northern coast", True)
    ]


def test_two_changed_words_are_altered_with_exactly_those_marked(stored: httpx.Client) -> None:
    claim = "We will rebuild every road on the southern coast before the winter storms arrive"
    result = check(stored, claim, "Ada Quill")
    assert result["verdict"] == "altered"
    best = result["matches"][0]
    assert changes(best) == [("replace", "bridge", "road"), ("replace", "northern", "southern")]
    assert best["edits"] == 2 and best["quote"]["cited"].startswith(ORIGINAL)
    assert result["summary"].startswith("Altered: 2 words differ from what Ada Quill said on 9 May")


def test_wrong_speaker_is_misattributed_naming_who_said_it(stored: httpx.Client) -> None:
    result = check(stored, ORIGINAL, "Tomas Reed")
    assert result["verdict"] == "misattributed" and result["said_by"] == "Ada Quill"
    assert result["matches"][0]["speaker_matches"] is False
    assert result["summary"] == (
        "Misattributed: these words were said by Ada Quill, not Tomas Reed."
    )


def test_never_said_sentence_is_not_found_with_closest_candidates(stored: httpx.Client) -> None:
    result = check(stored, "The orchestra will tour three continents next spring with a conductor")
    assert result["verdict"] == "not_found"
    assert result["summary"] == "Not found: no stored quote has these words."
    assert result["matches"], "the closest candidates are still shown"
    assert all(not m["near_verbatim"] for m in result["matches"])


def test_claims_without_words_are_refused_and_reads_allow_other_sites(api: httpx.Client) -> None:
    assert api.get("/v1/verify", params={"quote": "… ..."}).status_code == 400
    assert api.get("/v1/verify", params={"quote": ""}).status_code == 422
    assert api.get("/v1/verify", params={"quote": "x", "limit": 0}).status_code == 422
    origin = {"Origin": "https://cms.example.net"}
    read = api.get("/v1/verify", params={"quote": "bridges"}, headers=origin)
    assert read.status_code == 200 and read.json()["verdict"] == "not_found"
    assert read.headers["access-control-allow-origin"] == "*"


def test_page_shows_the_verdict_line_and_marks_the_changes(stored: httpx.Client) -> None:
    claim = "We will rebuild every road on the southern coast before the winter storms arrive"
    page = stored.get("/verify", params={"quote": claim, "speaker": "Ada Quill"}, headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    body = page.text
    assert (
        "Altered: 2 words differ from what Ada Quill said on 9 May 2024 (Harbour Ledger)." in body
    )
    assert "<del>bridge</del> <ins>road</ins>" in body
    assert "<del>northern</del> <ins>southern</ins>" in body
    line = 'by Harbour Ledger on <time datetime="2024-05-09">9 May 2024</time>, then in 1 outlet'
    assert f"First reported {line}</p>" in body or f"First reported</a> {line}</p>" in body
    assert f">{claim}</textarea>" in body and 'value="Ada Quill"' in body
    assert "Paraphrase detection is not available" in body


STATEMENT_LINE = re.compile(r'<p class="statement">.*?</p>')


def test_each_match_shows_the_statement_line_of_its_permalink(stored: httpx.Client) -> None:
    """Both reports of the words are matches; each says, as its permalink does, who first
    reported them and in how many more outlets, linking to the first report from the other."""
    result = check(stored, ORIGINAL, "Ada Quill")
    outlets = {
        m["quote"]["id"]: m["quote"]["article"]["outlet"]
        for m in result["matches"]
        if m["quote"]["speaker"]["name"] == "Ada Quill"
    }
    assert sorted(outlets.values()) == ["Harbour Ledger", "Valley Courier"]
    [first] = [i for i, outlet in outlets.items() if outlet == "Harbour Ledger"]
    page = stored.get("/verify", params={"quote": ORIGINAL, "speaker": "Ada Quill"}, headers=HTML)
    shown = STATEMENT_LINE.findall(page.text)
    line = 'by Harbour Ledger on <time datetime="2024-05-09">9 May 2024</time>, then in 1 outlet'
    assert sorted(shown) == sorted(
        [
            f'<p class="statement">First reported {line}</p>',
            f'<p class="statement"><a href="/quotes/{first}">First reported</a> {line}</p>',
        ]
    )
    permalinks = [STATEMENT_LINE.findall(stored.get(f"/quotes/{i}").text) for i in outlets]
    assert sorted(shown) == sorted(p for found in permalinks for p in found)
    assert "more outlet" not in page.text


def test_page_without_a_claim_is_the_form_linked_from_search(api: httpx.Client) -> None:
    page = api.get("/verify", headers=HTML)
    assert page.status_code == 200 and '<form class="search verify"' in page.text
    assert 'href="/verify"' in api.get("/", headers=HTML).text


def test_hostile_claims_and_stored_markup_are_escaped(stored: httpx.Client) -> None:
    hostile = {
        "url": "https://example.org/markup",
        "title": "Tolls <script>alert('t')</script>",
        "outlet": "Quay <Times>",
        "published_at": "2024-05-10",
        "text": '"Tolls <b>must</b> fall on every island ferry this year," said Hanna Moe.',
    }
    response = stored.post("/v1/articles", json=hostile, headers={"X-API-Key": API_KEY})
    assert response.status_code == 201, response.text
    settled(stored, 4)
    claim = "Tolls <script>alert(1)</script> fall on every island ferry this year"
    body = stored.get(
        "/verify", params={"quote": claim, "speaker": "<i>Moe</i>"}, headers=HTML
    ).text
    assert "<script>" not in body and "<b>must</b>" not in body and "<i>Moe</i>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "Quay &lt;Times&gt;" in body
    assert "<del>" in body and "<ins>" in body


def test_the_page_in_a_browser_keeps_the_claim_in_its_address(stored: httpx.Client) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
        page.goto(str(stored.base_url).rstrip("/") + "/")
        page.click("a[href='/verify']")
        page.fill("#quote", "We will rebuild every road on the northern coast before the storms")
        page.fill("#speaker", "Tomas Reed")
        page.click("button[type=submit]")
        line = page.locator("#verdict-line")
        sync_api.expect(line).to_have_text(
            "Misattributed: these words were said by Ada Quill, not Tomas Reed."
        )
        sync_api.expect(page.locator(".best blockquote ins")).to_have_text(["road"])
        assert "quote=We+will+rebuild+every+road" in page.url and "speaker=Tomas+Reed" in page.url
        browser.close()
    assert errors == []
