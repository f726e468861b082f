"""The API as HTTP clients rely on it: the OpenAPI document (and a client generated from it),
HEAD, compression, cache validators, pagination that goes on past 10,000 hits, exports.

The articles here are invented for these tests."""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import httpx
import pytest

from db.search_index import SearchIndex, day_ts
from db.settings import ResolvedSettings
from tests.conftest import API_KEY, write_index
from tests.test_web import searchable

KEY = {"X-API-Key": API_KEY}
LIGHTHOUSE = {
    "url": "https://example.org/lighthouse-vote",
    "title": "Lighthouse keepers vote on the night shift",
    "outlet": "Harbour Gazette",
    "published_at": "2024-05-10",
    "text": (
        '"The beacon must stay lit," keeper Ada Quill said on Thursday.\n'
        "Harbour master Tomas Reed said that the lighthouse budget would grow next year.\n"
        '"Fog does not wait for a rota," said boatwright Ines Vale.'
    ),
}
UNDATED = {
    "url": "https://example.org/empty-nets",
    "title": "Empty nets at the quay",
    "outlet": "Quay Weekly",
    "text": '"The nets come back empty every morning," fisher Oli Brand said.',
}
KEYED_ROUTES = {"create_article", "delete_article", "get_index_status", "sync_index"} | {
    *("correct_quote", "edit_speaker", "split_speaker", "list_corrections"),
    *("revert_correction", "flag_queue", "merge_speaker"),
    *("list_feeds", "add_feed", "get_feed", "remove_feed", "poll_feed", "poll_feeds"),
    *("create_alert", "list_alerts", "get_alert", "update_alert", "delete_alert"),
    *("renew_feed_token", "renew_webhook_secret", "send_test_event", "list_deliveries"),
}


def seed(api: httpx.Client) -> None:
    for article in (LIGHTHOUSE, UNDATED):
        response = api.post("/v1/articles", json=article, headers=KEY)
        assert response.status_code == 201, response.text
        searchable(api, response.json())


def absolute(api: httpx.Client, path: str) -> str:
    return str(api.base_url).rstrip("/") + path


def first_quote_id(api: httpx.Client) -> int:
    return api.get("/v1/search", params={"q": "beacon"}).json()["hits"][0]["id"]


# The document


def test_schema_declares_errors_keys_and_readable_ids(api: httpx.Client) -> None:
    schema = api.get("/openapi.json").json()
    operations = {
        op["operationId"]: op for path in schema["paths"].values() for op in path.values()
    }
    assert {"search_quotes", "get_quote", "create_article", "list_speakers"} <= set(operations)
    assert "HTTPValidationError" not in schema["components"]["schemas"]  # FastAPI's 422 shape
    error_ref = {"$ref": "#/components/schemas/ErrorResponse"}
    for name, op in operations.items():
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")) and name != "get_readiness":
                assert response["content"]["application/json"]["schema"] == error_ref, (
                    name,
                    status,
                )
        assert ("security" in op) == (name in KEYED_ROUTES), name
    assert {"400", "401", "422", "429", "503"} <= set(operations["search_quotes"]["responses"])
    assert {"401", "403", "413", "429"} <= set(operations["create_article"]["responses"])
    assert "404" in operations["get_quote"]["responses"]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerKey"]["scheme"] == "bearer"
    assert schemes["ApiKeyHeader"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}


def test_a_generated_client_gets_typed_errors_and_hits(api: httpx.Client, tmp_path: Path) -> None:
    generator = Path(sys.executable).parent / "openapi-python-client"
    if not generator.exists():
        pytest.skip("openapi-python-client is not installed (pip install -e '.[dev]')")
    seed(api)
    (tmp_path / "schema.json").write_text(api.get("/openapi.json").text)
    # JSON Lines is a stream of objects, which the generator has no type for: bytes; so are
    # Atom feeds (XML).
    overrides = {
        "application/jsonl": "application/octet-stream",
        "application/atom+xml": "application/octet-stream",
    }
    (tmp_path / "config.json").write_text(json.dumps({"content_type_overrides": overrides}))
    env = {**os.environ, "PATH": f"{generator.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    generated = subprocess.run(
        [
            *(str(generator), "generate", "--path", "schema.json", "--config", "config.json"),
            *("--output-path", "client", "--fail-on-warning"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(tmp_path / "client"))
    try:
        client_module = importlib.import_module("on_record_client")
        get_quote = importlib.import_module("on_record_client.api.quotes.get_quote")
        search_quotes = importlib.import_module("on_record_client.api.search.search_quotes")
        create_article = importlib.import_module("on_record_client.api.articles.create_article")
        models = importlib.import_module("on_record_client.models")
        client = client_module.Client(base_url=str(api.base_url), raise_on_unexpected_status=True)

        missing = get_quote.sync_detailed(client=client, quote_id=10**12)
        assert missing.status_code == 404
        assert isinstance(missing.parsed, models.ErrorResponse)
        assert missing.parsed.error.code == "not_found"

        found = search_quotes.sync(client=client, q="beacon", in_=models.SearchIn.QUOTE)
        assert isinstance(found, models.SearchResult)
        hit = found.hits[0]
        assert isinstance(hit, models.SearchHit) and isinstance(hit.speaker, models.SpeakerRef)
        assert hit.speaker.name == "Ada Quill" and hit.permalink.endswith(f"/quotes/{hit.id}")

        refused = search_quotes.sync(client=client, per_page=100, page=101)
        assert isinstance(refused, models.ErrorResponse) and refused.error.code == "bad_request"

        keyless = create_article.sync(client=client, body=models.ArticleIn.from_dict(UNDATED))
        assert isinstance(keyless, models.ErrorResponse) and keyless.error.code == "unauthorized"
    finally:
        sys.path.remove(str(tmp_path / "client"))
        for name in [m for m in sys.modules if m.startswith("on_record_client")]:
            del sys.modules[name]


# HTTP: HEAD, compression, validators


def test_head_answers_wherever_get_does(api: httpx.Client) -> None:
    seed(api)
    quote_id = first_quote_id(api)
    for path in (
        "/v1/search?q=beacon",
        f"/v1/quotes/{quote_id}",
        "/v1/speakers",
        "/healthz",
        "/",
        f"/quotes/{quote_id}",
        f"/embed/quotes/{quote_id}",
        "/widget.js",
        "/openapi.json",
    ):
        get, head = api.get(path), api.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-type"] == get.headers["content-type"], path
        assert head.headers["content-length"] == get.headers["content-length"], path
    assert api.head("/v1/quotes/999999").status_code == 404
    assert api.head("/v1/search?spekaer=x").status_code == 400


def test_json_and_pages_are_gzipped_when_asked(api: httpx.Client) -> None:
    seed(api)
    for path in ("/v1/search", "/", "/openapi.json"):
        response = api.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("content-encoding") == "gzip", path
        assert int(response.headers["content-length"]) < len(response.content)
        assert "Accept-Encoding" in response.headers["vary"]
    small = api.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers  # under 1 KB: not worth it
    plain = api.get("/v1/search", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_permalinks_embeds_and_widget_revalidate_with_etags(api: httpx.Client) -> None:
    seed(api)
    quote_id = first_quote_id(api)
    permalink = absolute(api, f"/quotes/{quote_id}")
    for path, params in (
        (f"/quotes/{quote_id}", {}),
        (f"/v1/quotes/{quote_id}", {}),
        (f"/embed/quotes/{quote_id}", {}),
        ("/oembed", {"url": permalink}),
        ("/widget.js", {}),
    ):
        first = api.get(path, params=params)
        etag = first.headers["etag"]
        assert etag.startswith('W/"') and "max-age=" in first.headers["cache-control"], path
        again = api.get(path, params=params, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", path
        assert again.headers["etag"] == etag
        zipped = api.get(path, params=params, headers={"If-None-Match": etag.removeprefix("W/")})
        assert zipped.status_code == 304, path  # weak comparison
        other = api.get(path, params=params, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.content == first.content, path


# Search: links, cursors, precision, exports


def test_hits_carry_an_absolute_permalink_and_a_citation(api: httpx.Client) -> None:
    seed(api)
    hit = api.get("/v1/search", params={"q": "beacon"}).json()["hits"][0]
    assert hit["permalink"] == absolute(api, f"/quotes/{hit['id']}")
    assert api.get(hit["permalink"]).status_code == 200
    assert hit["citation"].startswith("“The beacon must stay lit,” Ada Quill said on 9 May 2024")
    assert hit["citations"]["plain"] == hit["citation"]
    assert hit["citations"]["ap"].startswith(
        "“The beacon must stay lit,” Ada Quill said May 9, 2024,"
    )
    assert hit["citations"]["link"] == f"{hit['citation']} {hit['permalink']}"


def test_in_quote_searches_only_the_quotes_words(api: httpx.Client) -> None:
    empty = api.get("/v1/search", params={"q": "lighthouse", "in": "quote"})
    assert (
        empty.status_code == 200 and empty.json()["total"] == 0
    )  # no document has the quote words yet
    seed(api)
    everywhere = api.get("/v1/search", params={"q": "lighthouse"}).json()
    assert everywhere["total"] == 3  # the headline holds the word: every quote of the article
    quoted = api.get("/v1/search", params={"q": "lighthouse", "in": "quote"}).json()
    assert [h["speaker"]["name"] for h in quoted["hits"]] == ["Tomas Reed"]
    assert api.get("/v1/search", params={"in": "headline"}).status_code == 422
    page = api.get("/", params={"q": "lighthouse", "in": "quote"})
    assert 'name="in" value="quote" checked' in page.text
    assert 'data-total="1"' in page.text


def test_pages_link_next_and_prev_and_totals_are_plain(api: httpx.Client) -> None:
    seed(api)
    first = api.get("/v1/search", params={"per_page": 2})
    body = first.json()
    assert body["total"] == 4 and body["total_exact"] is True
    assert first.links["next"]["url"].endswith("per_page=2&page=2")
    assert "prev" not in first.links
    second = api.get(first.links["next"]["url"])
    assert "next" not in second.links and second.links["prev"]["url"].endswith("page=1")
    assert "Link" not in api.get("/v1/search", params={"q": "beacon"}).headers


def test_a_cursor_walks_date_order_including_undated_quotes(api: httpx.Client) -> None:
    seed(api)
    for sort in ("-date", "date"):
        everything = api.get("/v1/search", params={"sort": sort, "per_page": 100}).json()
        expected = [hit["id"] for hit in everything["hits"]]
        assert everything["hits"][-1]["said_on"] is None  # undated last, either way
        walked, params = [], {"sort": sort, "per_page": 1}
        response = api.get("/v1/search", params=params)
        while True:
            walked += [hit["id"] for hit in response.json()["hits"]]
            if "next" not in response.links:
                break
            response = api.get(response.links["next"]["url"])
            assert response.status_code == 200, response.text
        assert walked == expected, sort
        cursor = api.get("/v1/search", params=params).json()["next_cursor"]
        after = api.get("/v1/search", params={**params, "after": cursor}).json()
        assert after["hits"][0]["id"] == expected[1]
        assert after["total"] == len(expected) - 1  # what remains after the cursor


def test_bad_cursors_are_refused_not_run(api: httpx.Client) -> None:
    seed(api)
    forged = "WyIxIE9SIDE9MSIsIDFd"  # base64 of ["1 OR 1=1", 1]
    for params in (
        {"after": forged},
        {"after": "not a cursor"},
        {"after": "WzEsIDBd"},  # [1, 0]: ids start at 1
        {"after": "WzAsIDFd", "q": "beacon"},  # relevance order has no cursor
        {"after": "WzAsIDFd", "page": 2},
    ):
        response = api.get("/v1/search", params=params)
        assert response.status_code == 400, params
        assert response.json()["error"]["code"] == "bad_request"
    assert api.get("/v1/search", params={"q": "beacon"}).json()["next_cursor"] is None


def _documents(count: int) -> list[dict]:
    """Index documents for `count` invented quotes, many sharing a day, some undated."""
    documents = []
    for n in range(count):
        undated = n % 97 == 0
        day = None if undated else date(2020, 1 + n % 12, 1 + n % 28)
        documents.append(
            {
                "id": 100_000 + n,
                "text": f"Invented remark number {n}",
                "type": "direct",
                "speaker_id": 1 + n % 40,
                "speaker": f"Speaker {n % 40}",
                "speaker_slug": f"speaker-{n % 40}",
                "speaker_aliases": [],
                "mention": None,
                "cue": "said",
                "context": "",
                "confidence": 0.9,
                "said_on": day.isoformat() if day else None,
                "said_ts": day_ts(day) if day else None,
                "year": 2020 if day else None,
                "article_id": 1 + n // 10,
                "article_title": "Invented",
                "article_url": None,
                "outlet": "Gazette",
                "published_at": day.isoformat() if day else None,
            }
        )
    return documents


def test_cursor_and_exports_reach_past_ten_thousand(
    api: httpx.Client, settings: ResolvedSettings
) -> None:
    count = 10_050
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    index.ensure()
    write_index(index, _documents(count), [])

    first = api.get("/v1/search", params={"per_page": 100}).json()
    assert first["total"] == 10_000 and first["total_exact"] is False
    assert api.get("/v1/search", params={"per_page": 100, "page": 101}).status_code == 400
    last_page = api.get("/v1/search", params={"per_page": 100, "page": 100})
    assert "after=" in last_page.links["next"]["url"]  # past the window, Link follows a cursor
    seen = [hit["id"] for hit in first["hits"]]
    cursor = first["next_cursor"]
    while cursor:
        answer = api.get("/v1/search", params={"per_page": 100, "after": cursor}).json()
        seen += [hit["id"] for hit in answer["hits"]]
        cursor = answer["next_cursor"]
    assert len(seen) == len(set(seen)) == count

    lines = api.get("/v1/search.jsonl").text.splitlines()
    assert len(lines) == count
    assert json.loads(lines[0])["permalink"].endswith(f"/quotes/{seen[0]}")
    rows = list(csv.reader(io.StringIO(api.get("/v1/search.csv").text)))
    assert len(rows) == count + 1
    by_relevance = api.get("/v1/search.jsonl", params={"q": "invented"}).text.splitlines()
    assert len(by_relevance) == 10_000  # relevance order stops at the index's window


def test_csv_has_a_bom_option_and_the_new_columns(api: httpx.Client) -> None:
    seed(api)
    plain = api.get("/v1/search.csv").content
    assert not plain.startswith(b"\xef\xbb\xbf")
    marked = api.get("/v1/search.csv", params={"bom": 1})
    assert marked.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(marked.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    quill = next(row for row in rows if row["speaker"] == "Ada Quill")
    assert quill["published_at"] == "2024-05-10" and quill["speaker_id"].isdigit()
    assert quill["permalink"] == absolute(api, f"/quotes/{quill['id']}")
    assert "beacon" in quill["text"]


def test_jsonl_is_the_search_one_hit_a_line(api: httpx.Client) -> None:
    seed(api)
    response = api.get("/v1/search.jsonl", params={"q": "nets"})
    assert response.headers["content-type"] == "application/jsonl"
    hits = [json.loads(line) for line in response.text.splitlines()]
    search = api.get("/v1/search", params={"q": "nets"}).json()["hits"]
    assert [h["id"] for h in hits] == [h["id"] for h in search]
    assert hits == search  # the same typed hits, permalink and citation included


def test_speakers_page_with_offset_and_links(api: httpx.Client) -> None:
    seed(api)
    everyone = [s["id"] for s in api.get("/v1/speakers").json()]
    assert len(everyone) == 4
    first = api.get("/v1/speakers", params={"limit": 3})
    assert [s["id"] for s in first.json()] == everyone[:3]
    second = api.get(first.links["next"]["url"])
    assert [s["id"] for s in second.json()] == everyone[3:]
    assert "next" not in second.links and second.links["prev"]["url"].endswith("offset=0")
