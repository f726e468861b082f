"""Fault tests: a PostgreSQL and a Meilisearch of their own, really stopped and restarted in the
middle of ingest and search. Afterwards every quote must be in both stores exactly once."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from db import migrate
from db.search_index import SearchIndex
from db.services import MeiliProcess, PostgresCluster, find_meili_bin
from db.session import make_engine
from db.settings import ResolvedSettings, Settings
from db.stores import Stores
from tests.conftest import API_KEY, REPO, cli_env, run_cli, serve_app

SPEAKERS = ["Ivo Rask", "Mia Strand", "Lina Berg", "Erik Dahl", "Hanna Moe", "Ada Byron"]


def article(n: int) -> dict:
    speaker = SPEAKERS[n % len(SPEAKERS)]
    other = SPEAKERS[(n + 1) % len(SPEAKERS)]
    return {
        "title": f"Harbour report {n}",
        "url": f"https://example.org/harbour/{n}",
        "outlet": "Harbour News",
        "published_at": "2024-03-06",
        "text": (
            f'"Berth {n} opens at dawn," harbour master {speaker} said on Monday.\n'
            f"Union leader {other} said that crews for berth {n} would return on Wednesday."
        ),
    }


def write_jsonl(path: Path, numbers: range) -> Path:
    path.write_text("".join(json.dumps(article(n)) + "\n" for n in numbers))
    return path


@pytest.fixture(scope="module")
def own_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    root = tmp_path_factory.mktemp("fault-services")
    cluster = PostgresCluster(root / "postgres", durable=False)
    database_url = cluster.start()
    meili = MeiliProcess(root / "meilisearch", find_meili_bin(Settings()))
    meili_url, meili_key = meili.start()
    migrate.upgrade(database_url)
    yield cluster, meili, database_url, meili_url, meili_key
    meili.stop()
    cluster.stop()


@pytest.fixture
def fault_settings(own_services, tmp_path: Path) -> Iterator[Settings]:
    cluster, meili, database_url, meili_url, meili_key = own_services
    cluster.start()
    meili.start()
    settings = ResolvedSettings(
        database_url=database_url,
        meili_url=meili_url,
        meili_master_key=meili_key,
        meili_index=f"fault_{uuid.uuid4().hex[:8]}",
        api_keys=[API_KEY],
        home=tmp_path / "home",
        index_worker_interval=0.2,
    )
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text("TRUNCATE quote, article, speaker, index_outbox, api_key RESTART IDENTITY CASCADE")
        )
    engine.dispose()
    yield settings
    cluster.start()
    meili.start()


def both_stores(settings: Settings) -> tuple[list[int], list[int], int]:
    """Quote ids in PostgreSQL, quote ids in Meilisearch (with repeats, if any), articles."""
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        in_db = sorted(conn.scalars(text("SELECT id FROM quote")))
        articles = conn.scalar(text("SELECT count(*) FROM article"))
    engine.dispose()
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    in_index = sorted(int(doc["id"]) for doc in index.documents())
    return in_db, in_index, articles


def assert_in_step(settings: Settings, articles: int) -> None:
    in_db, in_index, stored = both_stores(settings)
    assert stored == articles
    assert in_db == in_index and len(in_db) == 2 * articles  # each quote once, in both
    check = run_cli(settings, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def wait_until(condition, timeout: float = 30, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(every)


def start_ingest(settings: Settings, path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "onrecord", "ingest", str(path)],
        env=cli_env(settings),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stored_articles(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT count(*) FROM article")) or 0
    finally:
        engine.dispose()


def test_ingest_with_meilisearch_stopped_then_sync(own_services, fault_settings, tmp_path) -> None:
    _, meili, *_ = own_services
    meili.stop()
    result = run_cli(fault_settings, "ingest", str(write_jsonl(tmp_path / "a.jsonl", range(3))))
    assert result.returncode == 0, result.stderr
    assert "6 quotes wait for the search index" in result.stdout
    check = run_cli(fault_settings, "check")
    assert check.returncode == 1 and "Meilisearch unreachable" in check.stderr
    meili.start()
    synced = run_cli(fault_settings, "sync")
    assert synced.returncode == 0 and "indexed 6" in synced.stdout
    assert_in_step(fault_settings, 3)


def test_meilisearch_restarted_in_the_middle_of_an_ingest(
    own_services, fault_settings, tmp_path
) -> None:
    _, meili, *_ = own_services
    batch = write_jsonl(tmp_path / "b.jsonl", range(3000))
    ingest = start_ingest(fault_settings, batch)
    wait_until(lambda: stored_articles(fault_settings) >= 200)
    meili.stop()
    time.sleep(1.5)
    meili.start()
    _, err = ingest.communicate(timeout=300)
    assert ingest.returncode == 0, err
    assert stored_articles(fault_settings) == 3000
    run_cli(fault_settings, "sync")
    assert_in_step(fault_settings, 3000)


def test_postgres_stopped_in_the_middle_of_an_ingest(
    own_services, fault_settings, tmp_path
) -> None:
    cluster, *_ = own_services
    total = 6000  # long enough that the stop lands mid-ingest even on a busy machine
    batch = write_jsonl(tmp_path / "c.jsonl", range(total))
    ingest = start_ingest(fault_settings, batch)
    wait_until(lambda: stored_articles(fault_settings) >= 200, every=0.05)
    cluster.stop()
    _, err = ingest.communicate(timeout=300)
    assert ingest.returncode == 1
    assert "PostgreSQL became unavailable" in err and "run the same command again" in err
    assert "Traceback" not in err
    cluster.start()
    partial = stored_articles(fault_settings)
    assert 200 <= partial < total
    assert partial % 200 == 0  # whole batches only: nothing half-written
    rerun = run_cli(fault_settings, "ingest", str(batch), "--wait")
    assert rerun.returncode == 0, rerun.stderr
    assert f"{total - partial} new" in rerun.stdout and f"{partial} unchanged" in rerun.stdout
    assert_in_step(fault_settings, total)


def test_api_through_outages_of_either_store(own_services, fault_settings) -> None:
    cluster, meili, *_ = own_services
    key = {"X-API-Key": API_KEY}
    with serve_app(fault_settings) as api:
        assert api.post("/v1/articles", json=article(1), headers=key).status_code == 201

        meili.stop()
        assert api.get("/readyz").status_code == 503
        down = api.get("/v1/search", params={"q": "berth"})
        assert down.status_code == 503 and down.headers["Retry-After"]
        stored = api.post("/v1/articles", json=article(2), headers=key)
        assert stored.status_code == 201 and stored.json()["pending_index"] == 2
        meili.start()  # no command: the server's index worker catches up by itself
        wait_until(lambda: api.get("/v1/search", params={"q": "berth"}).json()["total"] == 4)
        assert api.get("/readyz").status_code == 200

        cluster.stop()
        ready = api.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["meilisearch"] == "ok"
        assert api.get("/v1/quotes/1").status_code == 503
        refused = api.post("/v1/articles", json=article(3), headers=key)
        assert refused.status_code in (503,), refused.text
        # search is served from the index alone and keeps working
        assert api.get("/v1/search", params={"q": "berth"}).status_code == 200
        cluster.start()
        wait_until(lambda: api.get("/readyz").status_code == 200)
        assert api.get("/v1/quotes/1").status_code == 200
    assert_in_step(fault_settings, 2)


def test_writers_and_searchers_at_once(fault_settings) -> None:
    key = {"X-API-Key": API_KEY}
    failures: list[str] = []
    with serve_app(fault_settings) as api:
        base = str(api.base_url)

        def writer(numbers: range) -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                for n in numbers:
                    response = client.post("/v1/articles", json=article(n), headers=key)
                    if response.status_code != 201:
                        failures.append(f"write {n}: {response.status_code} {response.text}")

        def searcher() -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                for n in range(60):
                    params = {"q": f"berth {n}", "speaker": SPEAKERS[n % 6]}
                    response = client.get("/v1/search", params=params)
                    if response.status_code != 200:
                        failures.append(f"search: {response.status_code} {response.text}")

        threads = [threading.Thread(target=writer, args=(range(k, 120, 4),)) for k in range(4)]
        threads += [threading.Thread(target=searcher) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert failures == []
    assert_in_step(fault_settings, 120)


def test_reindex_under_search_load_never_fails_or_empties(fault_settings, tmp_path) -> None:
    assert run_cli(
        fault_settings, "ingest", str(write_jsonl(tmp_path / "d.jsonl", range(60))), "--wait"
    )
    totals: list[int] = []
    failures: list[str] = []
    done = threading.Event()
    unlimited = fault_settings.model_copy(update={"rate_limit_search": "100000/minute"})
    with serve_app(unlimited) as api:
        base = str(api.base_url)

        def searcher() -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                while not done.is_set():
                    response = client.get("/v1/search", params={"q": "berth"})
                    if response.status_code != 200:
                        failures.append(f"{response.status_code} {response.text}")
                    else:
                        totals.append(response.json()["total"])

        threads = [threading.Thread(target=searcher) for _ in range(3)]
        for thread in threads:
            thread.start()
        for _ in range(2):
            reindex = run_cli(fault_settings, "reindex")
            assert reindex.returncode == 0, reindex.stderr
        done.set()
        for thread in threads:
            thread.join(timeout=60)
    assert failures == []
    assert len(totals) > 20 and set(totals) == {120}  # never empty, never partial
    assert_in_step(fault_settings, 60)


def test_interrupted_ingest_reruns_without_duplicates(fault_settings, tmp_path) -> None:
    batch = write_jsonl(tmp_path / "e.jsonl", range(3000))
    ingest = start_ingest(fault_settings, batch)
    wait_until(lambda: stored_articles(fault_settings) >= 200)
    ingest.send_signal(signal.SIGINT)
    _, err = ingest.communicate(timeout=120)
    assert ingest.returncode == 130, err
    assert "interrupted after" in err and "Traceback" not in err
    partial = stored_articles(fault_settings)
    assert 200 <= partial < 3000 and partial % 200 == 0
    rerun = run_cli(fault_settings, "ingest", str(batch), "--wait")
    assert rerun.returncode == 0, rerun.stderr
    assert f"{3000 - partial} new" in rerun.stdout and f"{partial} unchanged" in rerun.stdout
    assert_in_step(fault_settings, 3000)


class _FailingStart:
    """A background worker that cannot start, as a feed worker whose thread limit is hit."""

    def start(self) -> None:
        raise RuntimeError("cannot start")

    def stop(self) -> None:
        raise AssertionError("a worker that never started is not stopped")

    def health(self):  # never asked: the app does not start
        raise AssertionError


def test_a_worker_failing_to_start_stops_those_already_started(settings) -> None:
    """The app's start is all or nothing: when the last worker cannot start, the index and
    alert workers started before it are stopped, not left running after the app is gone."""
    import asyncio

    from onrecord.root import build_app

    app = build_app(Stores.open(settings), lambda wake: _FailingStart())

    async def start_app() -> None:
        async with app.router.lifespan_context(app):
            raise AssertionError("the app started")

    with pytest.raises(RuntimeError, match="cannot start"):
        asyncio.run(start_app())
    for started in (app.state.index_worker, app.state.alert_worker):
        assert started.started
        assert not started._supervisor.is_alive()
        assert not started.health().alive
