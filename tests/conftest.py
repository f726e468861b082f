"""Fixtures: a real PostgreSQL and a real Meilisearch for the whole run.

By default both are private processes started in a temporary folder (PostgreSQL with
initdb + pg_ctl, Meilisearch from .venv/bin or MEILI_BIN, each on a free port). Set
ONRECORD_TEST_DATABASE_URL (a server where the tests may create databases) and/or
ONRECORD_TEST_MEILI_URL + ONRECORD_TEST_MEILI_KEY to use running ones instead.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.index_sync import outbox
from db.search_index import SearchIndex
from db.services import MeiliProcess, PostgresCluster, find_meili_bin, free_port
from db.session import make_engine, make_session_factory
from db.settings import ResolvedSettings, Settings
from db.stores import Stores
from db.vocabulary import EmbeddingsMode

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
API_KEY = "test-write-key"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not beside the repository)")
    return path


@pytest.fixture(scope="session")
def service_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("services")
    cluster = meili = None
    database_url = os.environ.get("ONRECORD_TEST_DATABASE_URL")
    if database_url:
        from sqlalchemy.engine import make_url

        admin = make_url(database_url)
        name = f"onrecord_test_{uuid.uuid4().hex[:8]}"
        engine = make_engine(admin.set(database="postgres").render_as_string(False))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        database_url = admin.set(database=name).render_as_string(False)
    else:
        cluster = PostgresCluster(root / "postgres", durable=False)  # throwaway: no fsync
        database_url = cluster.start()
    meili_url = os.environ.get("ONRECORD_TEST_MEILI_URL")
    meili_key = os.environ.get("ONRECORD_TEST_MEILI_KEY")
    if not meili_url:
        meili = MeiliProcess(root / "meilisearch", find_meili_bin(Settings()))
        meili_url, meili_key = meili.start()
    migrate.upgrade(database_url)
    yield {
        "database_url": database_url,
        "meili_url": meili_url,
        "meili_key": meili_key,
        "home": root,
        "cluster": cluster,
        "meili": meili,
    }
    if meili:
        meili.stop()
    if cluster:
        cluster.stop()


@pytest.fixture
def settings(service_urls: dict, tmp_path: Path) -> Iterator[ResolvedSettings]:
    """Settings for one test: empty tables and an index of its own; embeddings off (the
    semantic tests, tests/test_semantic.py, turn them on), so other tests load no model."""
    settings = ResolvedSettings(
        database_url=service_urls["database_url"],
        meili_url=service_urls["meili_url"],
        meili_master_key=service_urls["meili_key"],
        meili_index=f"test_{uuid.uuid4().hex[:10]}",
        api_keys=[API_KEY],
        home=tmp_path / "home",
        embeddings=EmbeddingsMode.off,
    )
    engine = make_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE quote, article, speaker, index_outbox, api_key, correction, feed,"
                " procrastinate_jobs, procrastinate_workers,"
                " statement, quote_statement, quote_fingerprint"  # no foreign keys: named
                " RESTART IDENTITY CASCADE"
            )
        )
    engine.dispose()
    yield settings
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    with contextlib.suppress(Exception):
        index.client.delete_index(settings.meili_index)


@pytest.fixture
def stores(settings: Settings):
    engine = make_engine(settings.database_url)
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    index.ensure()
    yield make_session_factory(engine), index
    engine.dispose()


def write_index(index: SearchIndex, documents: list, removed_ids: list[int]) -> None:
    """Write to the index behind PostgreSQL's back, as the drain does (to make drift)."""
    for task in index.submit(documents, removed_ids):
        index.wait(task)


def cli_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONRECORD_")}
    env.update(
        ONRECORD_DATABASE_URL=settings.database_url,
        ONRECORD_MEILI_URL=settings.meili_url,
        ONRECORD_MEILI_MASTER_KEY=settings.meili_master_key or "",
        ONRECORD_MEILI_INDEX=settings.meili_index,
        ONRECORD_HOME=str(settings.home),
        ONRECORD_API_KEYS=API_KEY,
        ONRECORD_EMBEDDINGS=settings.embeddings,
    )
    return env


def run_cli(
    settings: Settings, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onrecord", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env or cli_env(settings),
        cwd=REPO,
        timeout=300,
    )


def wait_until_indexed(factory: sessionmaker[Session], response: httpx.Response) -> None:
    """After an article is posted (answered before its quotes are indexed), wait until the
    index worker has taken every waiting change, as a client searching next would; gives
    up after INDEX_WAIT seconds (Meilisearch may be down on purpose)."""
    request = response.request
    if request.method != "POST" or request.url.path != "/v1/articles" or response.is_error:
        return
    deadline = time.monotonic() + INDEX_WAIT
    while time.monotonic() < deadline:
        with factory() as session:
            if outbox.count_pending(session) == 0:
                return
        time.sleep(0.02)


INDEX_WAIT = 3.0


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test thread owns no signals
        pass


@pytest.fixture
def api(settings: Settings) -> Iterator[httpx.Client]:
    """The real app served by uvicorn on a free port, and an HTTP client for it."""
    with serve_app(settings) as client:
        yield client


@contextlib.contextmanager
def serve_app(settings: ResolvedSettings) -> Iterator[httpx.Client]:
    """Serve the app built from `settings` on a free port for the duration of the block."""
    from onrecord.root import build_app

    port = free_port()
    server = _Server(
        uvicorn.Config(
            build_app(Stores.open(settings)),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            proxy_headers=False,  # as `onrecord serve`: the app decides whom to trust
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("API server did not start")
        time.sleep(0.02)
    factory = make_session_factory(make_engine(settings.database_url))
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}",
        timeout=30,
        # drop a pooled connection before uvicorn's 5 s keep-alive closes it under a request
        limits=httpx.Limits(
            max_connections=100, max_keepalive_connections=20, keepalive_expiry=2.0
        ),
        event_hooks={"response": [lambda response: wait_until_indexed(factory, response)]},
    ) as client:
        yield client
    factory.kw["bind"].dispose()
    server.should_exit = True
    thread.join(timeout=10)
