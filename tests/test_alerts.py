"""Alerts: saved searches owned by a key, Atom feeds of searches and alerts, and signed
webhooks delivered at least once to local receivers written for these tests."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import httpx
import pytest
from sqlalchemy import select
from standardwebhooks import Webhook

from db.alerts import repository
from db.alerts.delivery import RetryPolicy, SendResult, claim
from db.alerts.matching import match_new_quotes
from db.api_keys.service import create_key
from db.models import Alert, WebhookDelivery
from db.search_index import SearchIndex
from db.services import free_port
from db.session import make_engine, make_session_factory, transaction
from db.settings import ResolvedSettings
from db.vocabulary import DeliveryStatus, Scope
from indexer.fetch.webhooks import WebhookSender
from tests.conftest import API_KEY, run_cli, serve_app

WRITE = {"X-API-Key": API_KEY}
PUBLIC = "http://quotes.test"


def article(n: int, speaker: str = "Lina Berg") -> dict:
    return {
        "url": f"https://example.org/ferries-{n}-{speaker.split()[0].lower()}",
        "title": f"Ferry line {n} news",
        "outlet": "Island Post",
        "published_at": f"2024-05-{10 + n % 18:02d}",
        "text": f'"Ferry line {n} will sail again soon," union organiser {speaker} said.\n'
        "The harbour was quiet.",
    }


def wait_for(condition: Callable[[], object], timeout: float = 30.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not true within {timeout} s: {condition}")


class Receiver:
    """A webhook receiver: records every POST (headers, body, status answered); `fail(n)`
    decides whether the n-th request (from 1) is answered 500."""

    def __init__(self, fail: Callable[[int], bool] = lambda n: False, port: int = 0):
        self.fail = fail
        self.received: list[tuple[dict[str, str], bytes, int]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver._lock:
                    number = len(receiver.received) + 1
                    status = 500 if receiver.fail(number) else 204
                    receiver.received.append((dict(self.headers.items()), body, status))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[tuple[dict[str, str], bytes]]:
        with self._lock:
            return [(h, b) for h, b, status in self.received if status < 300]

    def verified(self, secret: str) -> dict[str, dict]:
        """The accepted events, deduplicated by webhook-id as a receiver would, each body
        verified with the standardwebhooks library (a bad signature raises)."""
        events: dict[str, dict] = {}
        for headers, body in self.accepted():
            events[headers["webhook-id"]] = Webhook(secret).verify(body, headers)
        return events


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    with contextlib.suppress(Exception):
        server.close()


def alert_settings(settings: ResolvedSettings, **extra: object) -> ResolvedSettings:
    return settings.model_copy(
        update={
            "webhook_allow_networks": ["127.0.0.0/8"],
            "webhook_retry_base": 0.2,
            "alert_worker_interval": 0.1,
            "public_url": PUBLIC,
            **extra,
        }
    )


def new_key(settings: ResolvedSettings, name: str, scopes: list[Scope]) -> dict[str, str]:
    engine = make_engine(settings.database_url)
    with transaction(make_session_factory(engine)) as session:
        secret, _ = create_key(session, name, scopes)
    engine.dispose()
    return {"Authorization": f"Bearer {secret}"}


@contextlib.contextmanager
def app(settings: ResolvedSettings, **extra: object) -> Iterator[httpx.Client]:
    with serve_app(alert_settings(settings, **extra)) as client:
        yield client


def local(url: str) -> str:
    """An absolute URL the API named (public host) as a path for the test client."""
    parsed = httpx.URL(url)
    assert f"{parsed.scheme}://{parsed.host}" == PUBLIC
    return parsed.raw_path.decode()


def indexed(api: httpx.Client, quotes: int) -> None:
    """Wait until the index holds this many quotes (a loaded machine may take a while)."""
    wait_for(lambda: api.get("/v1/search", params={"per_page": 1}).json()["total"] >= quotes)


def make_alert(api: httpx.Client, key: dict, **body: object) -> dict:
    response = api.post("/v1/alerts", json={"name": "Berg", **body}, headers=key)
    assert response.status_code == 201, response.text
    return response.json()


def test_alerts_belong_to_their_key(settings: ResolvedSettings) -> None:
    owner = new_key(settings, "newsroom", [Scope.alerts])
    other = new_key(settings, "rival", [Scope.alerts])
    reader = new_key(settings, "reader", [Scope.read])
    with app(settings) as api:
        created = make_alert(
            api, owner, search="/?speaker=Lina+Berg&q=ferry&in=quote&page=3&partial=1"
        )
        assert created["search"] == "q=ferry&speaker=Lina+Berg&in=quote"  # canonical, no page
        assert created["search_url"] == f"{PUBLIC}/?q=ferry&speaker=Lina+Berg&in=quote"
        assert created["feed_subscribe_url"].startswith(created["feed_url"] + "?token=oft_")
        assert created["webhook"] is None and created["webhook_secret"] is None
        path = f"/v1/alerts/{created['id']}"
        assert [a["id"] for a in api.get("/v1/alerts", headers=owner).json()["alerts"]] == [
            created["id"]
        ]
        assert api.get("/v1/alerts", headers=other).json()["alerts"] == []
        for method, extra in (("GET", {}), ("PATCH", {"json": {"name": "x"}}), ("DELETE", {})):
            assert api.request(method, path, headers=other, **extra).status_code == 404
        assert api.get(f"{path}/feed.atom", headers=other).status_code == 404
        assert api.get(path, headers=reader).status_code == 403
        assert api.get(path).status_code == 401
        refused = api.post(
            "/v1/alerts", json={"name": "x", "search": "spekaer=Berg"}, headers=owner
        )
        assert refused.status_code == 400 and "spekaer" in refused.json()["error"]["message"]
        assert (
            api.post("/v1/alerts", json={"name": "x", "search": "year=abc"}, headers=owner)
        ).status_code == 400
        renamed = api.patch(
            path, json={"name": "Berg on ferries", "search": "speaker=Lina Berg"}, headers=owner
        )
        assert renamed.json()["name"] == "Berg on ferries"
        assert renamed.json()["search"] == "speaker=Lina+Berg"
        assert api.delete(path, headers=owner).status_code == 204
        assert api.get(path, headers=owner).status_code == 404


def test_search_atom_feed_and_the_page_that_advertises_it(settings: ResolvedSettings) -> None:
    with app(settings) as api:
        for n, speaker in ((1, "Lina Berg"), (2, "Lina Berg"), (3, "Erik Dahl")):
            assert api.post("/v1/articles", json=article(n, speaker), headers=WRITE).is_success
        indexed(api, 3)
        response = api.get("/v1/search.atom", params={"speaker": "Lina Berg", "q": "ferry"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(response.content)
        assert feed.bozo == 0, feed.get("bozo_exception")
        assert feed.version == "atom10"
        assert len(feed.entries) == 2
        newest, older = feed.entries
        assert newest.published_parsed > older.published_parsed  # newest first
        assert newest.id.startswith("tag:quotes.test,2026:quote:")
        assert newest.author == "Lina Berg"
        assert newest.link.startswith(f"{PUBLIC}/quotes/")  # rel=alternate: the permalink
        related = [link.href for link in newest.links if link.rel == "related"]
        assert related == ["https://example.org/ferries-2-lina"]
        assert "Ferry line 2 will sail again soon" in newest.content[0].value
        again = feedparser.parse(api.get("/v1/search.atom?speaker=Lina+Berg&q=ferry").content)
        assert [e.id for e in again.entries] == [e.id for e in feed.entries]  # stable ids
        page = api.get("/", params={"speaker": "Lina Berg"}).text
        assert (
            '<link rel="alternate" type="application/atom+xml" title="This search as an Atom '
            f'feed" href="{PUBLIC}/v1/search.atom?speaker=Lina+Berg">' in page
        )
        assert "Watch this search" in page and "/v1/alerts" in page
        assert api.get("/v1/search.atom?spekaer=x").status_code == 400


def test_feed_entries_say_who_first_reported_the_words(settings: ResolvedSettings) -> None:
    """Two outlets carry the same words: each entry, in the search's and the alert's feed,
    ends with the cards' statement line as plain text (the outlet's "<" and "&" escaped
    once, for XML); a quote reported once has none."""
    owner = new_key(settings, "newsroom", [Scope.alerts])
    said = "Ferry line 7 will sail to the outer islands every morning from the first of June"
    reports = (("Island Post", "2024-05-14"), ("Quay <Times> & Co", "2024-05-11"))
    with app(settings) as api:
        for n, (outlet, day) in enumerate(reports):
            body = {
                "url": f"https://example.org/islands-{n}",
                "title": "Islands",
                "outlet": outlet,
                "published_at": day,
                "text": f'"{said}," union organiser Lina Berg said.\nFiled on {day}.\n',
            }
            assert api.post("/v1/articles", json=body, headers=WRITE).is_success
        assert api.post("/v1/articles", json=article(3, "Erik Dahl"), headers=WRITE).is_success
        wait_for(  # Dahl's quote alone and both of Berg's reports, indexed and grouped
            lambda: (
                sorted(
                    (h["statement"] or {}).get("reports", 0)
                    for h in api.get("/v1/search").json()["hits"]
                )
                == [1, 2, 2]
            )
        )
        alert = make_alert(api, owner, search="speaker=Lina Berg")
        line = "First reported by Quay <Times> & Co on 11 May 2024, then in 1 outlet"
        for url in ("/v1/search.atom?q=ferry", local(alert["feed_subscribe_url"])):
            raw = api.get(url).content
            feed = feedparser.parse(raw)
            assert feed.bozo == 0, feed.get("bozo_exception")
            berg = [e for e in feed.entries if e.author == "Lina Berg"]
            assert len(berg) == 2
            for entry in berg:
                [content] = entry.content
                assert content.type == "text/plain"
                assert content.value.startswith(said)
                assert content.value.endswith(f")\n\n{line}")
            assert raw.count(b"First reported by Quay &lt;Times&gt; &amp; Co on 11 May") == 2
            others = [e for e in feed.entries if e.author != "Lina Berg"]
            assert all("First reported" not in e.content[0].value for e in others)
            assert len(others) == (1 if url.startswith("/v1/search") else 0)


def test_alert_feed_opens_with_its_token_only_and_the_token_is_never_logged(
    settings: ResolvedSettings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="onrecord.request")
    owner = new_key(settings, "newsroom", [Scope.alerts])
    with app(settings) as api:
        assert api.post("/v1/articles", json=article(1), headers=WRITE).is_success
        indexed(api, 1)
        created = make_alert(api, owner, search="speaker=Lina Berg")
        subscribe = local(created["feed_subscribe_url"])
        token = subscribe.split("token=")[1]
        feed = feedparser.parse(api.get(subscribe).content)
        assert feed.bozo == 0 and len(feed.entries) == 1
        assert feed.feed.title == "OnRecord alert: Berg"
        assert token not in api.get(subscribe).text  # no self link echoes the token
        path = local(created["feed_url"])
        assert api.get(path).status_code == 404
        assert api.get(path, params={"token": token[:-2] + "xx"}).status_code == 404
        assert api.get(path, headers=owner).status_code == 200  # the owner's key opens it
        renewed = api.post(f"/v1/alerts/{created['id']}/feed-token", headers=owner).json()
        assert api.get(subscribe).status_code == 404  # the old token stops working
        assert api.get(local(renewed["feed_subscribe_url"])).status_code == 200
    logged = [vars(r) for r in caplog.records if r.name == "onrecord.request"]
    assert any(r["path"] == path for r in logged)
    assert token not in repr(logged)


def test_new_quote_reaches_the_webhook_signed_and_the_alert_feed(
    settings: ResolvedSettings, receiver: Receiver
) -> None:
    owner = new_key(settings, "newsroom", [Scope.alerts])
    with app(settings) as api:
        created = make_alert(api, owner, search="speaker=Lina Berg", webhook_url=receiver.url)
        secret = created["webhook_secret"]
        assert secret.startswith("whsec_")
        assert api.get(f"/v1/alerts/{created['id']}", headers=owner).json()["webhook"] == {
            "url": receiver.url,
            "enabled": True,
            "disabled_at": None,
            "disabled_reason": None,
            "failing_since": None,
        }
        assert "webhook_secret" not in api.get(f"/v1/alerts/{created['id']}", headers=owner).json()
        assert api.post("/v1/articles", json=article(1, "Erik Dahl"), headers=WRITE).is_success
        stored = api.post("/v1/articles", json=article(2), headers=WRITE).json()
        events = wait_for(lambda: receiver.verified(secret))
        [event] = events.values()
        assert event["type"] == "quote.matched"
        quote = event["data"]["quote"]
        assert quote["id"] == stored["quotes"][0]["id"]
        assert quote["speaker"]["name"] == "Lina Berg"
        assert quote["permalink"] == f"{PUBLIC}/quotes/{quote['id']}"
        assert quote["article"]["url"] == "https://example.org/ferries-2-lina"
        assert event["data"]["alert"]["id"] == created["id"]
        headers, body = receiver.accepted()[0]
        with pytest.raises(Exception, match="signature"):  # a receiver refuses a forgery
            Webhook(secret).verify(body.replace(b"Lina", b"Lena"), headers)
        feed = feedparser.parse(api.get(local(created["feed_subscribe_url"])).content)
        assert [e.id for e in feed.entries] == [f"tag:quotes.test,2026:quote:{quote['id']}"]
        log = api.get(f"/v1/alerts/{created['id']}/deliveries", headers=owner).json()
        [delivery] = log["deliveries"]
        assert delivery["status"] == "delivered" and delivery["attempts"] == 1
        assert delivery["message_id"] == headers["webhook-id"]
        assert delivery["attempt_log"][0]["status_code"] == 204
        assert delivery["attempt_log"][0]["latency_ms"] > 0
        # the same article stored again (new quote ids, same words) is not delivered again
        edited = {**article(2), "text": article(2)["text"] + "\nA ferry left."}
        assert api.post("/v1/articles", json=edited, headers=WRITE).is_success
        test = api.post(f"/v1/alerts/{created['id']}/webhook/test", headers=owner)
        assert test.status_code == 202
        wait_for(lambda: len(receiver.verified(secret)) == 2)
        kinds = sorted(e["type"] for e in receiver.verified(secret).values())
        assert kinds == ["alert.test", "quote.matched"]


def test_receiver_failing_half_the_time_gets_every_event_exactly_once(
    settings: ResolvedSettings,
) -> None:
    flaky = Receiver(fail=lambda n: n % 2 == 1)  # every other request is a 500
    owner = new_key(settings, "newsroom", [Scope.alerts])
    try:
        with app(settings) as api:
            created = make_alert(api, owner, search="speaker=Lina Berg", webhook_url=flaky.url)
            quote_ids = set()
            for n in range(1, 7):
                stored = api.post("/v1/articles", json=article(n), headers=WRITE).json()
                quote_ids.update(q["id"] for q in stored["quotes"])
            events = wait_for(
                lambda: (e := flaky.verified(created["webhook_secret"])) and len(e) == 6 and e,
                timeout=30,
            )
    finally:
        flaky.close()
    assert {e["data"]["quote"]["id"] for e in events.values()} == quote_ids
    ids = [h["webhook-id"] for h, _ in flaky.accepted()]
    assert len(ids) == len(set(ids)) == 6  # each event accepted exactly once
    failed_ids = {h["webhook-id"] for h, _, status in flaky.received if status >= 500}
    assert failed_ids and failed_ids <= set(ids)  # retries carried the same webhook-id


def test_receiver_down_for_a_while_gets_the_event_later(settings: ResolvedSettings) -> None:
    port = free_port()
    owner = new_key(settings, "newsroom", [Scope.alerts])
    with app(settings) as api:
        created = make_alert(
            api, owner, search="speaker=Lina Berg", webhook_url=f"http://127.0.0.1:{port}/hook"
        )
        assert api.post("/v1/articles", json=article(1), headers=WRITE).is_success
        path = f"/v1/alerts/{created['id']}/deliveries"

        def failed_attempts() -> int:
            [delivery] = api.get(path, headers=owner).json()["deliveries"] or [{"attempts": 0}]
            return delivery["attempts"] if delivery.get("status") == "pending" else 0

        wait_for(lambda: failed_attempts() >= 2)  # nothing listens: retried, still pending
        [delivery] = api.get(path, headers=owner).json()["deliveries"]
        assert "network error" in delivery["last_error"]
        assert delivery["attempt_log"][0]["status_code"] is None
        webhook = api.get(f"/v1/alerts/{created['id']}", headers=owner).json()["webhook"]
        assert webhook["failing_since"] is not None and webhook["enabled"]
        back = Receiver(port=port)
        try:
            events = wait_for(lambda: back.verified(created["webhook_secret"]), timeout=20)
        finally:
            back.close()
        assert len(events) == 1
        [delivery] = api.get(path, headers=owner).json()["deliveries"]
        assert delivery["status"] == "delivered" and delivery["attempts"] >= 3
        webhook = api.get(f"/v1/alerts/{created['id']}", headers=owner).json()["webhook"]
        assert webhook["failing_since"] is None


def test_persistent_failure_disables_the_webhook_with_a_reason(
    settings: ResolvedSettings,
) -> None:
    broken = Receiver(fail=lambda n: True)
    owner = new_key(settings, "newsroom", [Scope.alerts])
    try:
        with app(settings, webhook_retry_window=1.5) as api:
            created = make_alert(api, owner, search="speaker=Lina Berg", webhook_url=broken.url)
            assert api.post("/v1/articles", json=article(1), headers=WRITE).is_success
            path = f"/v1/alerts/{created['id']}"
            webhook = wait_for(
                lambda: (
                    (w := api.get(path, headers=owner).json()["webhook"])["enabled"] is False and w
                )
            )
            assert "no delivery has succeeded" in webhook["disabled_reason"]
            assert "HTTP 500" in webhook["disabled_reason"]
            [delivery] = api.get(f"{path}/deliveries", headers=owner).json()["deliveries"]
            assert delivery["status"] == "failed" and delivery["attempts"] >= 3
            assert delivery["last_error"].startswith("gave up after")
            refused = api.post(f"{path}/webhook/test", headers=owner)
            assert refused.status_code == 400 and "disabled" in refused.json()["error"]["message"]
            enabled = api.patch(path, json={"webhook_enabled": True}, headers=owner).json()
            assert enabled["webhook"]["enabled"] and enabled["webhook"]["disabled_reason"] is None
    finally:
        broken.close()
    assert len(broken.received) >= 3


def test_private_and_loopback_webhooks_are_refused_by_default(
    settings: ResolvedSettings, receiver: Receiver
) -> None:
    owner = new_key(settings, "newsroom", [Scope.alerts])
    with serve_app(settings) as api:  # the default settings: no network allowed
        for url in (receiver.url, "http://10.0.0.7/hook", "http://169.254.169.254/", "ftp://x/"):
            response = api.post(
                "/v1/alerts", json={"name": "x", "search": "q=a", "webhook_url": url}, headers=owner
            )
            assert response.status_code == 400, url
            assert "webhook_url is refused" in response.json()["error"]["message"]
    sender = WebhookSender("OnRecord-test")
    refused = sender.post(receiver.url, b"{}", {})  # checked again at delivery time
    assert refused.status is None and "loopback" in (refused.error or "")
    assert receiver.received == []
    allowed = WebhookSender("OnRecord-test", ["127.0.0.0/8"])
    assert allowed.refusal(receiver.url) is None
    assert allowed.post(receiver.url, b"{}", {}).status == 204


def test_two_workers_never_claim_the_same_delivery(settings: ResolvedSettings) -> None:
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        _, key_id = create_key(session, "newsroom", [Scope.alerts])
        alert = Alert(
            key_id=key_id,
            name="x",
            query="q=a",
            feed_token_hash="h",
            webhook_url="http://127.0.0.1:9/",
            webhook_secret="whsec_" + "A" * 44,
        )
        session.add(alert)
        session.flush()
        for n in range(10):
            session.add(
                WebhookDelivery(
                    alert_id=alert.id, message_id=f"msg_{n}", event="alert.test", payload="{}"
                )
            )
    policy = RetryPolicy(lease=60)
    with factory() as first, first.begin():
        mine = repository.claim_due(first, 6, policy.lease)  # held, not yet committed
        theirs = claim(factory, 10, policy)  # another worker meanwhile
    assert len(mine) == 6 and len(theirs) == 4
    assert not {d.id for d in mine} & {d.id for d in theirs}
    assert claim(factory, 10, policy) == []  # all leased now
    engine.dispose()


class CountingIndex(SearchIndex):
    """The real index, counting multi-search requests."""

    requests = 0

    def search_many(self, bodies):  # type: ignore[no-untyped-def]
        CountingIndex.requests += 1
        return super().search_many(bodies)


def test_matching_is_one_request_per_batch_not_per_alert_or_quote(
    settings: ResolvedSettings, tmp_path: Path
) -> None:
    owner = new_key(settings, "newsroom", [Scope.alerts])
    with app(settings) as api:
        ids = [
            make_alert(api, owner, search=search, webhook_url="http://127.0.0.1:9/hook")["id"]
            for search in (
                "speaker=Lina Berg",
                "speaker=Erik Dahl",
                "q=ferry",
                "q=nothinglike",
                "speaker=lina berg&type=direct",  # filters compare as loosely as Meilisearch's
                "speaker=Nobody Here",  # said nothing in the batch: costs no search at all
                "speaker=Lina Berg&year=1999",
            )
        ]
    # ingested by the command (no alert worker runs there): matched by hand below
    archive = tmp_path / "ferries.jsonl"
    lines = [article(n, who) for n in range(1, 6) for who in ("Lina Berg", "Erik Dahl")]
    archive.write_text("".join(json.dumps(line) + "\n" for line in lines))
    ingested = run_cli(settings, "ingest", str(archive), "--wait")
    assert ingested.returncode == 0, ingested.stderr
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    index = CountingIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    CountingIndex.requests = 0
    result = match_new_quotes(factory, index, _parse, PUBLIC)
    assert result.quotes == 10 and CountingIndex.requests == 1
    with factory() as session:
        queued = session.execute(
            select(WebhookDelivery.alert_id, WebhookDelivery.status).where(
                WebhookDelivery.event == "quote.matched"
            )
        ).all()
        assert repository.count_unmatched(session) == 0
    counts = {alert_id: sum(1 for a, _ in queued if a == alert_id) for alert_id in ids}
    assert counts == {ids[0]: 5, ids[1]: 5, ids[2]: 10, ids[3]: 0, ids[4]: 5, ids[5]: 0, ids[6]: 0}
    assert {status for _, status in queued} == {DeliveryStatus.pending}
    assert match_new_quotes(factory, index, _parse, PUBLIC).quotes == 0
    engine.dispose()


def _parse(query: str):  # type: ignore[no-untyped-def]
    from api.search_params import parse_search

    return parse_search(query).query()


def test_send_result_ok_is_2xx_only() -> None:
    assert SendResult(204, 1.0).ok and not SendResult(302, 1.0).ok
    assert not SendResult(None, 1.0, "timed out").ok


def test_keys_create_takes_the_alerts_scope(settings: ResolvedSettings) -> None:
    created = run_cli(settings, "keys", "create", "newsroom", "--scope", "alerts")
    assert created.returncode == 0, created.stderr
    assert "alerts" in created.stderr
    listed = run_cli(settings, "keys", "list")
    assert "newsroom" in listed.stdout and "alerts" in listed.stdout
