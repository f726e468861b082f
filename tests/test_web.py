"""The journalists' pages, embeds, oEmbed, CSV export, CORS and framing, over real HTTP."""

from __future__ import annotations

import csv
import io
import time

import httpx

from tests.conftest import API_KEY

HOSTILE = {
    "url": "https://example.org/markup",
    "title": "Markup <script>alert('t')</script> story",
    "outlet": "Quay <Times>",
    "published_at": "2024-05-10",
    "text": (
        '"We will <script>alert(1)</script> never <b>bow</b>," union organiser Lina Berg said.\n'
        "Transport minister Erik Dahl said that talks would resume next week.\n"
        '"=HYPERLINK(1) ferries matter," said islander Hanna Moe.'
    ),
}
HTML = {"Accept": "text/html"}


def stored(api: httpx.Client) -> dict:
    response = api.post("/v1/articles", json=HOSTILE, headers={"X-API-Key": API_KEY})
    assert response.status_code == 201, response.text
    return searchable(api, response.json())


def searchable(api: httpx.Client, article: dict) -> dict:
    """The stored article once every quote of it can be found: on a loaded machine the index
    may take longer than the API client's own wait after a POST."""
    ids = {quote["id"] for quote in article["quotes"]}
    deadline = time.monotonic() + 30
    while True:
        hits = api.get("/v1/search", params={"per_page": 100}).json()["hits"]
        if ids <= {hit["id"] for hit in hits}:
            return article
        assert time.monotonic() < deadline, "the article's quotes were never indexed"
        time.sleep(0.2)


def test_search_page_renders_escaped_results_and_facets(api: httpx.Client) -> None:
    stored(api)
    page = api.get("/", params={"q": "never"}, headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    body = page.text
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<mark>never</mark>" in body and "&lt;b&gt;bow&lt;/b&gt;" in body
    assert "Lina Berg" in body and 'href="/speakers/lina-berg"' in body
    assert "Quay &lt;Times&gt;" in body
    assert "said on 10 May 2024" in body
    assert 'data-citation="“We will &lt;script&gt;' in body


def test_facet_links_toggle_filters_and_keep_state(api: httpx.Client) -> None:
    stored(api)
    everything = api.get("/", headers=HTML).text
    assert "3 quotes" in everything
    assert 'href="/?speaker=Erik+Dahl"' in everything
    narrowed = api.get("/", params={"speaker": "Erik Dahl"}, headers=HTML).text
    assert "1 quote" in narrowed and 'aria-current="true"' in narrowed
    assert 'href="/v1/search.csv?speaker=Erik+Dahl"' in narrowed


def test_bad_search_on_the_page_is_a_page(api: httpx.Client) -> None:
    response = api.get("/", params={"from": "2024-02-01", "to": "2024-01-01"}, headers=HTML)
    assert response.status_code == 400
    assert "text/html" in response.headers["content-type"]
    assert "`from` is after `to`" in response.text


def test_quote_permalink_has_open_graph_and_oembed_discovery(api: httpx.Client) -> None:
    quote_id = stored(api)["quotes"][0]["id"]
    page = api.get(f"/quotes/{quote_id}", headers=HTML)
    assert page.status_code == 200
    assert '<meta property="og:title" content="Lina Berg' in page.text
    assert 'type="application/json+oembed"' in page.text
    assert "<script>alert(1)" not in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_permalink_offers_each_citation_style_to_copy(api: httpx.Client) -> None:
    quote = stored(api)["quotes"][1]  # Erik Dahl's paraphrase
    page = api.get(f"/quotes/{quote['id']}", headers=HTML).text
    permalink = f"{str(api.base_url).rstrip('/')}/quotes/{quote['id']}"
    plain = "Erik Dahl said on 10 May 2024 that talks would resume next week (Quay &lt;Times&gt;)."
    assert f'data-citation="{plain}"' in page
    assert (
        'data-citation="Erik Dahl said May 10, 2024, that talks would resume next week, '
        'according to Quay &lt;Times&gt;."' in page
    )
    assert f'data-citation="{plain} {permalink}"' in page
    assert ">AP style</span>" in page and ">With link</span>" in page


def test_only_the_embed_card_may_be_framed(api: httpx.Client) -> None:
    quote_id = stored(api)["quotes"][0]["id"]
    embed = api.get(f"/embed/quotes/{quote_id}")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    assert "&lt;script&gt;" in embed.text and "<script>" not in embed.text
    for path in ("/", "/v1/search", f"/quotes/{quote_id}", "/docs"):
        assert api.get(path).headers["x-frame-options"] == "DENY", path


def test_oembed(api: httpx.Client) -> None:
    quote_id = stored(api)["quotes"][0]["id"]
    base = str(api.base_url).rstrip("/")
    permalink = f"{base}/quotes/{quote_id}"
    found = api.get("/oembed", params={"url": permalink, "maxwidth": 400})
    assert found.status_code == 200
    body = found.json()
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["width"] == 400 and body["provider_name"] == "OnRecord"
    assert f"/embed/quotes/{quote_id}" in body["html"]
    assert body["html"].startswith('<blockquote class="onrecord-quote"')
    assert api.get("/oembed", params={"url": f"{base}/quotes/999999"}).status_code == 404
    assert api.get("/oembed", params={"url": "https://elsewhere.org/x"}).status_code == 404
    assert api.get("/oembed", params={"url": permalink, "format": "xml"}).status_code == 501


def test_csv_export_has_every_hit_and_defuses_formulas(api: httpx.Client) -> None:
    stored(api)
    response = api.get("/v1/search.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 3
    assert {r["speaker"] for r in rows} == {"Lina Berg", "Erik Dahl", "Hanna Moe"}
    formula = next(r for r in rows if "HYPERLINK" in r["text"])
    assert not formula["text"].startswith("=")
    one = list(csv.DictReader(io.StringIO(api.get("/v1/search.csv?type=indirect").text)))
    assert [r["speaker"] for r in one] == ["Erik Dahl"]


def test_read_api_is_open_to_any_origin_but_writes_are_not(api: httpx.Client) -> None:
    origin = {"Origin": "https://cms.example.net"}
    read = api.get("/v1/search", headers=origin)
    assert read.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in read.headers
    preflight = api.options("/v1/search", headers=origin | {"Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    write_preflight = api.options(
        "/v1/articles", headers=origin | {"Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in write_preflight.headers
    write = api.post("/v1/articles", json=HOSTILE, headers=origin | {"X-API-Key": API_KEY})
    assert "access-control-allow-origin" not in write.headers


def test_speaker_and_article_pages(api: httpx.Client) -> None:
    body = stored(api)
    speaker = api.get("/speakers/hanna-moe", headers=HTML)
    assert speaker.status_code == 200 and "Timeline" in speaker.text
    assert "ferries matter" in speaker.text
    within = api.get("/speakers/hanna-moe", params={"q": "ferries"}, headers=HTML).text
    assert "1 match" in within and "<mark>ferries</mark>" in within
    article = api.get(f"/articles/{body['id']}", headers=HTML).text
    order = [article.index(name) for name in ("Lina Berg", "Erik Dahl", "Hanna Moe")]
    assert order == sorted(order)
    assert "Markup &lt;script&gt;" in article
    assert api.get("/speakers/nobody", headers=HTML).status_code == 404


def test_widget_script_is_served_to_any_site(api: httpx.Client) -> None:
    script = api.get("/widget.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["access-control-allow-origin"] == "*"
    assert "customElements.define" in script.text


QUAY = {
    "url": "https://example.org/quay",
    "title": "Harbour to reopen",
    "outlet": "Quay Daily",
    "published_at": "2024-05-08",
    "text": (
        '"The harbour will reopen in May," Anna Kovacs said at the quay on Monday, standing '
        'beside the cranes. "Ships are already waiting."\n'
        "Port director Tomas Ek said that the dredging would finish by April.\n"
        '"We are ready for them," he said.'
    ),
}


def test_cards_cite_the_words_and_show_what_the_attribution_rests_on(api: httpx.Client) -> None:
    created = api.post("/v1/articles", json=QUAY, headers={"X-API-Key": API_KEY})
    assert created.status_code == 201, created.text
    searchable(api, created.json())
    hits = {h["speaker"]["name"] + " " + h["type"]: h for h in api.get("/v1/search").json()["hits"]}
    kovacs, reported, pronoun = (
        hits["Anna Kovacs direct"],
        hits["Tomas Ek indirect"],
        hits["Tomas Ek direct"],
    )
    # narration between the parts left out, the parts joined, the handing-over comma a stop
    assert kovacs["cited"] == "The harbour will reopen in May … Ships are already waiting."
    assert "standing beside the cranes" in kovacs["text"]  # the source span keeps it all
    assert reported["cited"] == "the dredging would finish by April."
    assert pronoun["evidence"] == {
        "mention": "he",
        "cue": "said",
        "rule": "direct_cue_after:pronoun",
        "resolution": "pronoun",
        "explanation": "pronoun “he” resolved to Tomas Ek",
        "attributed_from": "‘he said’, resolved to Tomas Ek",
    }
    assert kovacs["evidence"]["attributed_from"] == "‘Anna Kovacs said’"

    # the narration is no part of the quote: its words find nothing (context is shown only)
    assert api.get("/v1/search", params={"q": "cranes"}).json()["hits"] == []
    waiting = api.get("/v1/search", params={"q": "waiting"}).json()["hits"][0]
    assert (
        waiting["highlight"]
        == "The harbour will reopen in May … Ships are already <mark>waiting</mark>."
    )

    page = api.get("/", headers=HTML).text
    assert (
        'data-citation="“The harbour will reopen in May … Ships are already waiting,” '
        'Anna Kovacs said on 6 May 2024 (Quay Daily)."' in page
    )
    assert (
        'data-citation="Tomas Ek said on 8 May 2024 that the dredging would finish by April '
        '(Quay Daily)."' in page
    )
    assert "attributed from: ‘he said’, resolved to Tomas Ek" in page
    assert '<span class="type type-indirect"' in page and ">paraphrase</span>" in page
    assert "“the dredging" not in page  # a paraphrase is never put in quotation marks

    for path in (
        f"/quotes/{reported['id']}",
        f"/embed/quotes/{reported['id']}",
        f"/articles/{created.json()['id']}",
        "/speakers/tomas-ek",
    ):
        body = api.get(path, headers=HTML).text
        assert ">paraphrase</span>" in body, path
        assert "attributed from: ‘Tomas Ek said’" in body, path


def test_page_facets_keep_the_other_values_of_a_picked_facet(api: httpx.Client) -> None:
    stored(api)
    page = api.get("/", params={"speaker": "Hanna Moe"}, headers=HTML).text
    assert page.count('data-facet="speaker"') == 3  # Lina Berg and Erik Dahl can still be added
    assert 'data-facet="outlet"' in page and "<h1" in page
    assert '<option value="date" selected>' in api.get("/", params={"sort": "date"}).text


def test_every_card_leads_to_its_quotes_flag_form(api: httpx.Client) -> None:
    """Readers flag a wrong attribution from any card: the link opens the permalink's form."""
    quote_id = stored(api)["quotes"][0]["id"]
    page = api.get("/", params={"q": "never"}, headers=HTML).text
    assert f'href="/quotes/{quote_id}?report=1#flag"' in page
    assert '<details id="flag" class="flag">' in api.get(f"/quotes/{quote_id}").text
    opened = api.get(f"/quotes/{quote_id}", params={"report": "1"}).text
    assert '<details id="flag" class="flag" open>' in opened
