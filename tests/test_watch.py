"""Watching the news end to end, as a newsroom would: three local outlets' feeds followed by a
real `onrecord serve`, a speaker watched with a webhook; a new article in one feed reaches the
receiver (signature verified) and the alert's Atom feed within seconds, and a receiver that is
down for a while still gets every event exactly once by `webhook-id`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest

from db.services import free_port
from db.settings import ResolvedSettings
from db.vocabulary import Scope
from tests.conftest import API_KEY, REPO, cli_env, run_cli
from tests.local_web import serve
from tests.test_alerts import Receiver, new_key, wait_for
from tests.test_feeds import Newsroom

ADMIN = {"X-API-Key": API_KEY}
WATCHED = "Marit Holmquist"
OUTLETS = [  # each outlet's first article, by someone other than the watched speaker
    ("/tide", "Tide gauge repaired", "Bertil Voss", "The gauge reads true again"),
    ("/ferry", "Night ferry returns", "Signe Lund", "The night crossing starts in June"),
    ("/dune", "Dune path reopens", "Arvo Kask", "The path is safe for walkers now"),
]
PUB_DATE = "Thu, 02 May 2024 08:00:00 GMT"


@pytest.fixture
def outlets() -> Iterator[list[Newsroom]]:
    """Three local sites (three ports: three outlets), each an RSS feed with one article."""
    sites = [serve() for _ in OUTLETS]
    rooms = [Newsroom(next(site)) for site in sites]
    for room, (path, title, speaker, words) in zip(rooms, OUTLETS, strict=True):
        room.site.routes["/feed.xml"] = room.feed
        room.publish(path, title, speaker, words, PUB_DATE)
    yield rooms
    for site in sites:
        site.close()


@pytest.fixture
def server(settings: ResolvedSettings, tmp_path: Path) -> Iterator[httpx.Client]:
    """`onrecord serve` as deployed, its output to files (a full pipe would block it), with
    the local test network allowed for feeds and webhooks by the documented settings only."""
    port = free_port()
    env = cli_env(settings) | {
        "ONRECORD_FETCH_ALLOW_NETWORKS": "127.0.0.1/32",
        "ONRECORD_WEBHOOK_ALLOW_NETWORKS": "127.0.0.1/32",
        "ONRECORD_FETCH_MIN_INTERVAL": "0",
        "ONRECORD_FEED_TICK": "1",
        "ONRECORD_WEBHOOK_RETRY_BASE": "0.5",
        "ONRECORD_ALERT_WORKER_INTERVAL": "0.2",
    }
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "onrecord", "serve", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:

                def up() -> bool:
                    assert process.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
                    try:
                        return client.get("/readyz").status_code == 200
                    except httpx.TransportError:
                        return False

                wait_for(up, timeout=90)
                yield client
        finally:
            process.terminate()
            process.wait(timeout=60)


def searchable(client: httpx.Client, words: str) -> list[dict]:
    return client.get("/v1/search", params={"q": words}).json()["hits"]


def test_a_watched_speaker_in_a_followed_feed_reaches_the_webhook_and_the_alert_feed(
    settings: ResolvedSettings, outlets: list[Newsroom], server: httpx.Client
) -> None:
    # refused by default: without the operator's setting, a loopback feed is never followed
    refused = run_cli(settings, "feeds", "add", outlets[0].site.url("/feed.xml"))
    assert refused.returncode == 1 and "loopback" in refused.stderr
    for room in outlets:
        added = server.post(
            "/v1/feeds", json={"url": room.site.url("/feed.xml"), "every": "5s"}, headers=ADMIN
        )
        assert added.status_code == 201, added.text
    for *_, words in OUTLETS:  # every outlet's first article is in
        wait_for(lambda w=words: searchable(server, w), timeout=90)

    owner = new_key(settings, "newsroom", [Scope.alerts])
    receiver = Receiver()
    port = receiver.port
    created = server.post(
        "/v1/alerts",
        json={"name": WATCHED, "search": f"speaker={WATCHED}", "webhook_url": receiver.url},
        headers=owner,
    )
    assert created.status_code == 201, created.text
    alert = created.json()
    secret = alert["webhook_secret"]

    outlets[1].publish(
        "/harbour", "Harbour fees frozen", WATCHED, "No fee will rise this year", PUB_DATE
    )
    try:
        events = wait_for(lambda: receiver.verified(secret), timeout=60)
    finally:
        receiver.close()
    [event] = events.values()
    quote = event["data"]["quote"]
    assert event["type"] == "quote.matched"
    assert quote["speaker"]["name"] == WATCHED
    assert quote["cited"] == "No fee will rise this year."
    assert quote["article"]["url"] == outlets[1].site.url("/harbour")
    feed_path = httpx.URL(alert["feed_subscribe_url"]).raw_path.decode()
    atom = feedparser.parse(server.get(feed_path).content)
    assert not atom.bozo and len(atom.entries) == 1
    assert WATCHED in atom.entries[0].title or WATCHED in atom.entries[0].summary

    # the receiver is down while two more articles appear; it comes back on the same port
    outlets[0].publish("/quay", "Quay lights", WATCHED, "The quay will be lit by winter", PUB_DATE)
    outlets[2].publish("/dunes", "Dune fence", WATCHED, "The fence protects the dunes", PUB_DATE)
    deliveries = f"/v1/alerts/{alert['id']}/deliveries"

    def both_failed_once() -> bool:
        log = server.get(deliveries, headers=owner).json()["deliveries"]
        pending = [d for d in log if d["status"] == "pending" and d["attempts"] >= 1]
        return len(pending) == 2

    wait_for(both_failed_once, timeout=90)
    back = Receiver(port=port)
    try:
        later = wait_for(lambda: len(back.verified(secret)) == 2 and back.verified(secret), 60)
    finally:
        back.close()
    said = {e["data"]["quote"]["cited"] for e in later.values()}  # type: ignore[union-attr]
    assert said == {"The quay will be lit by winter.", "The fence protects the dunes."}
    ids = [headers["webhook-id"] for headers, _ in receiver.accepted() + back.accepted()]
    assert len(ids) == len(set(ids)) == 3  # every event exactly once by webhook-id
    assert not set(events) & set(later)  # type: ignore[arg-type]
    atom = feedparser.parse(server.get(feed_path).content)
    assert len(atom.entries) == 3
