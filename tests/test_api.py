"""The HTTP API, served by uvicorn against real PostgreSQL and Meilisearch."""

from __future__ import annotations

import time

import httpx
import pytest

from indexer.sources import read_articles
from tests.conftest import API_KEY, shared_path

KEY = {"X-API-Key": API_KEY}
ARTICLE = {
    "url": "https://example.org/ferry-strike",
    "title": "Ferry crews strike",
    "outlet": "Island Post",
    "published_at": "2024-05-10",
    "text": (
        '"We will sail when we are paid," union organiser Lina Berg said on Thursday.\n'
        "Transport minister Erik Dahl said that talks would resume next week.\n"
        '"The ferries are a lifeline," said islander Hanna Moe.\n'
        '"People <b>need</b> them," she added.'
    ),
}


def post(api: httpx.Client, body: dict = ARTICLE, headers: dict = KEY) -> httpx.Response:
    return api.post("/v1/articles", json=body, headers=headers)


def test_health_and_readiness(api: httpx.Client) -> None:
    assert api.get("/healthz").json()["status"] == "ok"
    ready = api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {
        "postgres": "ok",
        "meilisearch": "ok",
        "index_worker": "ok",
        "alert_worker": "ok",
        "rate_limits": "in this process",
    }


def test_write_needs_a_key(api: httpx.Client) -> None:
    missing = post(api, headers={})
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "unauthorized"
    wrong = post(api, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert api.get("/v1/search").json()["total"] == 0


def test_post_stores_indexes_and_returns_quotes(api: httpx.Client) -> None:
    created = post(api, headers={"Authorization": f"Bearer {API_KEY}"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "new" and body["pending_index"] == 4  # queued for the worker
    speakers = [q["speaker"]["name"] for q in body["quotes"]]
    assert speakers == ["Lina Berg", "Erik Dahl", "Hanna Moe", "Hanna Moe"]
    again = post(api)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"

    article = api.get(f"/v1/articles/{body['id']}").json()
    assert [q["id"] for q in article["quotes"]] == [q["id"] for q in body["quotes"]]
    quote = api.get(f"/v1/quotes/{body['quotes'][0]['id']}").json()
    assert quote["speaker"]["name"] == "Lina Berg"
    assert quote["said_on"] == "2024-05-09"  # "on Thursday" before Friday 10 May


def test_posted_quotes_become_searchable_with_no_other_request(api: httpx.Client) -> None:
    """The POST answers after the commit and the server's index worker takes the quotes from
    there: searches alone see them appear. (How fast — the ≤ 2 s target — is measured by
    benchmarks/post_article.py; a timed assertion here would measure the machine's load.)"""
    # a client of its own: the fixture's waits for the index after each post
    with httpx.Client(base_url=api.base_url, timeout=30) as plain:
        posted = time.monotonic()
        assert post(plain).status_code == 201
        while plain.get("/v1/search", params={"q": "lifeline"}).json()["total"] == 0:
            assert time.monotonic() - posted < 30, "the index worker never took the quotes"
            time.sleep(0.02)
    again = post(api)
    assert again.status_code == 200 and again.json()["pending_index"] == 0


def test_search_filters_facets_and_paging(api: httpx.Client) -> None:
    post(api)
    result = api.get("/v1/search", params={"q": "ferries"}).json()
    assert result["hits"][0]["speaker"]["name"] == "Hanna Moe"
    everything = api.get("/v1/search").json()
    assert everything["total"] == 4
    assert everything["facets"]["speaker"] == {"Hanna Moe": 2, "Lina Berg": 1, "Erik Dahl": 1}
    assert everything["facets"]["year"] == {"2024": 4}
    either = api.get("/v1/search", params=[("speaker", "Lina Berg"), ("speaker", "Erik Dahl")])
    assert either.json()["total"] == 2
    both = api.get("/v1/search", params={"speaker": "Lina Berg", "type": "indirect"})
    assert both.json()["total"] == 0
    page = api.get("/v1/search", params={"per_page": 1, "page": 2}).json()
    assert len(page["hits"]) == 1 and page["total"] == 4
    dated = api.get("/v1/search", params={"from": "2024-05-10", "to": "2024-05-10"}).json()
    assert dated["total"] == 3  # Berg's quote was said on the 9th


def test_words_match_what_was_said_not_the_narration_around_it(api: httpx.Client) -> None:
    post(api)
    lifeline = api.get("/v1/search", params={"q": "lifeline"}).json()
    assert [h["cited"] for h in lifeline["hits"]] == ["The ferries are a lifeline."]
    assert "lifeline" in api.get("/v1/search", params={"q": "people"}).json()["hits"][0]["context"]
    # 'organiser' is only in the narration (every quote's context), never in a quote
    assert api.get("/v1/search", params={"q": "organiser"}).json()["total"] == 0
    assert api.get("/v1/search", params={"q": "Berg"}).json()["total"] == 1  # who said it


def test_highlight_is_escaped_html(api: httpx.Client) -> None:
    post(api)
    hit = api.get("/v1/search", params={"q": "people"}).json()["hits"][0]
    assert "<b>" not in hit["highlight"]
    assert "&lt;b&gt;need&lt;/b&gt;" in hit["highlight"]
    assert "<mark>People</mark>" in hit["highlight"]
    assert "<b>need</b>" in hit["text"]  # the raw text is kept as data


@pytest.mark.parametrize(
    "params",
    [
        {"speaker": 'x" OR speaker != "x'},
        {"outlet": 'Island Post" OR outlet EXISTS OR "'},
        {"speaker": "\\"},
        {"q": '" OR 1=1 --'},
    ],
)
def test_hostile_filters_match_nothing_and_never_500(api: httpx.Client, params: dict) -> None:
    post(api)
    response = api.get("/v1/search", params=params)
    assert response.status_code == 200
    assert response.json()["total"] == 0


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"per_page": 101}, 422),
        ({"page": 0}, 422),
        ({"type": "rumour"}, 422),
        ({"q": "x" * 501}, 422),
        ({"page": 501, "per_page": 20}, 400),
        ({"from": "2024-02-01", "to": "2024-01-01"}, 400),
        ({"from": "yesterday"}, 422),
    ],
)
def test_bad_search_input_is_a_clear_4xx(api: httpx.Client, params: dict, status: int) -> None:
    response = api.get("/v1/search", params=params)
    assert response.status_code == status
    assert response.json()["error"]["message"]


def test_not_found_is_json(api: httpx.Client) -> None:
    for path in ("/v1/quotes/999", "/v1/speakers/999", "/v1/articles/999", "/nowhere"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_invalid_article_body_is_422(api: httpx.Client) -> None:
    response = post(api, body={"title": "No text"})
    assert response.status_code == 422
    assert "text" in response.json()["error"]["message"]


def test_speakers_with_counts_and_detail(api: httpx.Client) -> None:
    post(api)
    listed = api.get("/v1/speakers", params={"q": "moe"}).json()
    assert [(s["name"], s["quote_count"]) for s in listed] == [("Hanna Moe", 2)]
    detail = api.get(f"/v1/speakers/{listed[0]['id']}").json()
    assert len(detail["recent_quotes"]) == 2


def test_openapi_docs(api: httpx.Client) -> None:
    assert "/v1/search" in api.get("/openapi.json").json()["paths"]
    assert api.get("/docs").status_code == 200


def test_seed_article_done_when(api: httpx.Client) -> None:
    """The issue's acceptance: seed quotes, `q=negotiations`, Putin's fly quote, facet counts."""
    seed = shared_path("samples", "seed", "article.txt")
    [item] = list(read_articles([str(seed)]))
    body = item.article.model_dump(mode="json") | {"outlet": "X", "published_at": "2022-04-23"}
    assert post(api, body=body).status_code == 201

    everything = api.get("/v1/search", params={"per_page": 100}).json()
    for fragment, speaker in [
        ("If our people are destroyed in Mariupol", "Volodymyr Zelensky"),
        ("close the area so that a fly cannot get through", "Vladimir Putin"),
        ("the war may be terminated by the person who started it", "Volodymyr Zelensky"),
        ("I want to stop the war and end it", "Volodymyr Zelensky"),
        ("the fate of Donbass and Crimea", "Volodymyr Zelensky"),
        ("I think there are no more issues", "Volodymyr Zelensky"),
        ("My position as president is", "Volodymyr Zelensky"),
        ("filling up", "Russia"),
    ]:
        hits = [h for h in everything["hits"] if fragment in h["text"]]
        assert hits and hits[0]["speaker"]["name"] == speaker, fragment

    negotiations = api.get("/v1/search", params={"q": "negotiations"}).json()
    assert "Volodymyr Zelensky" in {h["speaker"]["name"] for h in negotiations["hits"]}
    putin = api.get("/v1/search", params={"speaker": "Vladimir Putin"}).json()
    assert any("fly cannot get through" in h["text"] for h in putin["hits"])
    assert sum(everything["facets"]["speaker"].values()) == everything["total"]
    assert sum(everything["facets"]["type"].values()) == everything["total"]


def test_unnamed_sources_are_stored_but_marked_low_confidence(api: httpx.Client) -> None:
    body = {
        "title": "Harbour plan",
        "text": (
            '"We will build it," harbour chief Eva Lind said.\n'
            'Some residents said the plan was "a costly mistake."'
        ),
    }
    assert post(api, body=body).status_code == 201
    hits = api.get("/v1/search", params={"q": "plan harbour build costly"}).json()["hits"]
    by_text = {h["text"][:12]: h for h in api.get("/v1/search").json()["hits"]}
    assert by_text['"We will bui']["low_confidence"] is False
    assert by_text["the plan was"]["low_confidence"] is True
    assert by_text["the plan was"]["confidence"] < by_text['"We will bui']["confidence"]
    quote = api.get(f"/v1/quotes/{by_text['the plan was']['id']}").json()
    assert quote["low_confidence"] is True
    assert any(h["text"].startswith("the plan was") for h in hits)  # still searchable
