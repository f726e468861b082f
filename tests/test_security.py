"""Keys, scopes, rate limits, request caps, hostile parameters and logs, over real HTTP."""

from __future__ import annotations

import json
import logging
import time

import httpx
import pytest
from sqlalchemy import text

from db.api_keys import service as api_keys
from db.api_keys.service import Scope
from db.search_index import SearchIndex
from db.session import make_engine, make_session_factory, transaction
from tests.conftest import API_KEY, serve_app
from tests.test_api import ARTICLE, KEY, post


def make_key(settings, *scopes: Scope) -> str:
    engine = make_engine(settings.database_url)
    with transaction(make_session_factory(engine)) as session:
        secret, _ = api_keys.create_key(session, "test", list(scopes))
    engine.dispose()
    return secret


def test_scopes_decide_who_may_write_and_delete(api: httpx.Client, settings) -> None:
    reader = make_key(settings, Scope.read)
    writer = make_key(settings, Scope.write)
    refused = post(api, headers={"X-API-Key": reader})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert post(api, headers={}).status_code == 401
    created = post(api, headers={"Authorization": f"Bearer {writer}"})
    assert created.status_code == 201, created.text
    article_id = created.json()["id"]
    assert api.get("/v1/search", params={"q": "ferries"}).json()["total"] > 0

    assert api.delete(f"/v1/articles/{article_id}").status_code == 401
    assert (
        api.delete(f"/v1/articles/{article_id}", headers={"X-API-Key": reader}).status_code == 403
    )
    deleted = api.delete(f"/v1/articles/{article_id}", headers={"X-API-Key": writer})
    assert deleted.status_code == 200 and deleted.json()["quotes_removed"] == 4
    assert api.get("/v1/search", params={"q": "ferries"}).json()["total"] == 0
    assert api.get(f"/v1/articles/{article_id}").status_code == 404
    again = api.delete(f"/v1/articles/{article_id}", headers={"X-API-Key": writer})
    assert again.status_code == 404

    assert api.get("/v1/admin/index", headers={"X-API-Key": writer}).status_code == 403
    status = api.get("/v1/admin/index", headers=KEY)  # bootstrap keys hold every scope
    assert status.status_code == 200 and status.json()["pending"] == 0


def test_a_revoked_key_stops_working_at_once(api: httpx.Client, settings) -> None:
    writer = make_key(settings, Scope.write)
    assert post(api, headers={"X-API-Key": writer}).status_code == 201
    engine = make_engine(settings.database_url)
    with transaction(make_session_factory(engine)) as session:
        from db.api_keys import repository as repositories

        [key] = [k for k in repositories.list_api_keys(session) if k.name == "test"]
        repositories.revoke_api_key(session, key)
    engine.dispose()
    body = ARTICLE | {"url": "https://example.org/other"}
    assert post(api, body, headers={"X-API-Key": writer}).status_code == 401


def test_rate_limits_answer_429_with_retry_after(settings) -> None:
    limited = settings.model_copy(
        update={"rate_limit_write": "2/minute", "rate_limit_search": "3/minute"}
    )
    with serve_app(limited) as api:
        for n in range(2):
            body = ARTICLE | {"url": f"https://example.org/{n}", "title": f"T{n}"}
            assert post(api, body).status_code == 201
        third = post(api, ARTICLE | {"url": "https://example.org/3"})
        assert third.status_code == 429
        assert int(third.headers["Retry-After"]) >= 1
        assert third.json()["error"]["code"] == "rate_limited"
        codes = [api.get("/v1/search", params={"q": "x"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        # without a trusted proxy a forged X-Forwarded-For changes nothing
        forged = api.get("/v1/search", headers={"X-Forwarded-For": "203.0.113.9"})
        assert forged.status_code == 429


def test_client_address_comes_from_a_trusted_proxy_only(settings) -> None:
    proxied = settings.model_copy(
        update={"rate_limit_search": "2/minute", "trusted_proxies": ["127.0.0.1"]}
    )
    with serve_app(proxied) as api:
        for client in ("203.0.113.1", "203.0.113.2"):
            headers = {"X-Forwarded-For": client}
            codes = [api.get("/v1/search", headers=headers).status_code for _ in range(3)]
            assert codes == [200, 200, 429], client  # each address has its own allowance


def test_request_bodies_are_capped(settings) -> None:
    capped = settings.model_copy(update={"max_request_bytes": 2000})
    with serve_app(capped) as api:
        big = ARTICLE | {"text": "word " * 1000}
        too_big = post(api, big)
        assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "too_large"

        def chunks():  # no Content-Length: the cap must count what arrives
            for _ in range(10):
                yield b"x" * 500

        streamed = api.post("/v1/articles", content=chunks(), headers=KEY)
        assert streamed.status_code == 413
        assert post(api).status_code == 201  # a normal article still goes in


@pytest.mark.parametrize(
    ("params", "status", "fragment"),
    [
        ({"facet": "secret"}, 400, "unknown facet"),
        ({"spekaer": "x"}, 400, "unknown search parameter"),
        ({"q": "x" * 501}, 422, "q"),
        ({"per_page": 101}, 422, "per_page"),
        ({"page": 200, "per_page": 100}, 400, "first 10000"),
        ({"year": "MMXX"}, 422, "year"),
    ],
)
def test_bad_search_parameters_are_refused_clearly(api, params, status, fragment) -> None:
    response = api.get("/v1/search", params=params)
    assert response.status_code == status
    assert fragment in response.json()["error"]["message"]


def test_hostile_filters_match_nothing_and_never_fail(api: httpx.Client) -> None:
    assert post(api).status_code == 201
    assert api.get("/v1/search", params={"speaker": "Lina Berg"}).json()["total"] == 1
    for hostile in ('x" OR speaker != "x', '\\" OR type = direct OR "', "' OR 1=1 --", "\0"):
        response = api.get("/v1/search", params={"speaker": hostile, "outlet": hostile})
        assert response.status_code == 200 and response.json()["total"] == 0, hostile
    facets = api.get("/v1/search", params={"facet": "speaker"}).json()["facets"]
    assert list(facets) == ["speaker"]


def test_the_api_searches_with_a_search_only_key(api: httpx.Client, settings) -> None:
    assert api.get("/v1/search", params={"q": "x"}).status_code == 200
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    keys = index.client.get_keys({"limit": 1000}).results
    [key] = [k for k in keys if k.description and settings.meili_index in k.description]
    assert key.actions == ["search"] and key.indexes == [settings.meili_index]
    assert key.key != settings.meili_master_key


def test_one_json_log_line_per_request_without_keys(api: httpx.Client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="onrecord.request")
    post(api)
    api.get("/v1/search", params={"q": "ferries"}, headers={"X-API-Key": API_KEY})
    deadline = time.monotonic() + 5  # a line is written just after its response is sent
    while len(lines := [r for r in caplog.records if r.name == "onrecord.request"]) < 2:
        assert time.monotonic() < deadline, lines
        time.sleep(0.01)
    assert [(r.method, r.path, r.status) for r in lines] == [
        ("POST", "/v1/articles", 201),
        ("GET", "/v1/search", 200),
    ]
    assert all(r.key and API_KEY not in r.key for r in lines)
    for record in lines:
        assert API_KEY not in json.dumps(record.__dict__, default=str)


def test_wrong_keys_count_against_the_address_before_any_lookup(settings) -> None:
    guarded = settings.model_copy(update={"rate_limit_auth_failure": "3/minute"})
    with serve_app(guarded) as api:
        wrong = [
            api.get("/v1/search", headers={"X-API-Key": f"guess-{n}"}).status_code for n in range(4)
        ]
        assert wrong == [401, 401, 401, 429]
        # refused before the key is looked up: even the right key waits out the window
        blocked = api.get("/v1/search", headers=KEY)
        assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
        assert "failed authentications" in blocked.json()["error"]["message"]
        assert api.get("/v1/search").status_code == 200  # anonymous searches are not held


def test_an_export_counts_as_many_searches(settings) -> None:
    from api.security import EXPORT_SEARCHES

    limited = settings.model_copy(update={"rate_limit_search": f"{EXPORT_SEARCHES + 5}/minute"})
    with serve_app(limited) as api:
        assert api.get("/v1/search.csv").status_code == 200
        assert api.get("/v1/search.jsonl").status_code == 429
        codes = [api.get("/v1/search").status_code for _ in range(6)]
        assert codes == [200] * 5 + [429]


def test_key_use_is_written_at_most_once_a_minute(api: httpx.Client, settings) -> None:
    reader = make_key(settings, Scope.read)
    engine = make_engine(settings.database_url)
    row = "SELECT xmin::text, last_used_at FROM api_key WHERE name = 'test'"

    def version():
        with engine.connect() as conn:
            return conn.execute(text(row)).one()

    assert version()[1] is None
    assert api.get("/v1/search", headers={"X-API-Key": reader}).status_code == 200
    first = version()
    assert first[1] is not None
    for _ in range(20):
        assert api.get("/v1/search", headers={"X-API-Key": reader}).status_code == 200
    assert version() == first  # no new row version: no write per request
    engine.dispose()
