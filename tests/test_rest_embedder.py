"""Search by meaning with an external embedder that Meilisearch calls itself
(`ONRECORD_EMBEDDINGS=rest`): a real Meilisearch calling a real HTTP embedding service
(tests/hash_embedder.py, a process of its own), no model in this process and no vector
computed, stored or sent by OnRecord; the service's API key never shows."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy import func, select

from db.embeddings import EMBEDDER_NAME, local_embedder
from db.embeddings.rest import REST_EMBEDDER_NAME
from db.index_sync.drift import check_drift
from db.index_sync.service import drain_outbox
from db.models import Quote
from db.search_index import KNOWN_EMBEDDERS, SearchIndex
from db.services import free_port
from db.settings import ResolvedSettings, Settings
from db.stores import Stores
from db.vocabulary import EmbeddingsMode
from tests.conftest import API_KEY, REPO, cli_env, run_cli, serve_app
from tests.hash_embedder import DIMENSIONS, REQUEST, RESPONSE

SECRET = "embedding-service-secret-7f3a9c"
ARTICLE = {
    "url": "https://example.org/courier/harbour",
    "title": "Harbour news",
    "outlet": "Valley Courier",
    "published_at": "2024-03-05",
    "text": (
        '"The harbour festival opens on Friday with music," said organiser Bo Tam.\n'
        '"Our classrooms need more teachers, not more paperwork," said mayor Petra Lund.'
    ),
}


@pytest.fixture
def embedding_service(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The embedding service on a free port: its URL and the log of the texts it embedded."""
    port, log = free_port(), tmp_path / "embedded.jsonl"
    log.touch()
    process = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "hash_embedder.py"), str(port), SECRET, str(log)]
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the embedding service did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/embed", log
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def rest_settings(
    settings: ResolvedSettings, embedding_service: tuple[str, Path]
) -> ResolvedSettings:
    return settings.model_copy(
        update={
            "embeddings": EmbeddingsMode.rest,
            "embeddings_url": embedding_service[0],
            "embeddings_api_key": SecretStr(SECRET),
            "embeddings_dimensions": DIMENSIONS,
            "embeddings_request": REQUEST,
            "embeddings_response": RESPONSE,
        }
    )


def rest_env(settings: ResolvedSettings) -> dict[str, str]:
    env = cli_env(settings)
    env.update(
        ONRECORD_EMBEDDINGS_URL=str(settings.embeddings_url),
        ONRECORD_EMBEDDINGS_API_KEY=SECRET,
        ONRECORD_EMBEDDINGS_DIMENSIONS=str(DIMENSIONS),
        ONRECORD_EMBEDDINGS_REQUEST=json.dumps(REQUEST),
        ONRECORD_EMBEDDINGS_RESPONSE=json.dumps(RESPONSE),
    )
    return env


def embedded(log: Path) -> list[str]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_meilisearch_embeds_documents_and_queries_through_the_service(
    rest_settings: ResolvedSettings, embedding_service: tuple[str, Path]
) -> None:
    _, log = embedding_service
    with serve_app(rest_settings) as api:
        response = api.post("/v1/articles", json=ARTICLE, headers={"X-API-Key": API_KEY})
        assert response.status_code == 201, response.text
        stores = Stores.open(rest_settings)
        assert stores.index.embedder is None  # no model in this process
        assert drain_outbox(stores.factory, stores.index).pending == 0
        # Meilisearch sent the service each quote's cited words (the document template)
        assert "The harbour festival opens on Friday with music." in embedded(log)
        found = api.get("/v1/search", params={"q": "music on friday", "mode": "semantic"})
        assert found.status_code == 200, found.text
        assert found.json()["hits"][0]["cited"].startswith("The harbour festival opens")
        assert "music on friday" in embedded(log)  # the query, embedded by Meilisearch too
        hybrid = api.get("/v1/search", params={"q": "teachers paperwork", "mode": "hybrid"})
        assert hybrid.json()["hits"][0]["cited"].startswith("Our classrooms need")
        verified = api.get("/v1/verify", params={"quote": "festival opens Friday with music"})
        assert verified.status_code == 200 and verified.json()["paraphrase_checked"] is True
        for page in (found, hybrid, verified, api.get("/readyz"), api.get("/")):
            assert SECRET not in page.text
    with stores.factory() as session:  # OnRecord computed and stored no vector
        assert session.scalar(select(func.count()).where(Quote.embedding.is_not(None))) == 0
    assert check_drift(stores.factory, stores.index).clean  # every document has its vector
    # Meilisearch holds the key but never shows it
    embedders = stores.index.client.http.get(f"indexes/{stores.index.name}/settings/embedders")
    assert embedders["external"]["source"] == "rest" and embedders["external"]["apiKey"]
    assert SECRET not in json.dumps(embedders)


def test_the_key_stays_out_of_commands_logs_and_process_lists(
    rest_settings: ResolvedSettings,
) -> None:
    env = rest_env(rest_settings)
    process = subprocess.Popen(
        [sys.executable, "-m", "onrecord", "serve", "--port", str(free_port())],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        time.sleep(3)
        listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        assert "onrecord serve" in listing and SECRET not in listing
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert SECRET not in output
    for args in (("check",), ("reindex",), ("check",)):
        done = run_cli(rest_settings, *args, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert SECRET not in done.stdout + done.stderr


def test_rest_needs_its_url_and_errors_never_echo_the_key() -> None:
    env = {"ONRECORD_EMBEDDINGS": "rest", "ONRECORD_EMBEDDINGS_API_KEY": SECRET}
    with pytest.raises(ValidationError, match="needs ONRECORD_EMBEDDINGS_URL") as raised:
        Settings(**{k.removeprefix("ONRECORD_").lower(): v for k, v in env.items()})
    assert SECRET not in str(raised.value)
    assert SECRET not in repr(
        Settings(embeddings_api_key=SECRET, embeddings_url="http://embedder:8080/embed")
    )
    done = subprocess.run(
        [sys.executable, "-m", "onrecord", "check"],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("ONRECORD_")}, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "ONRECORD_EMBEDDINGS_URL" in done.stdout + done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_switching_from_the_local_model_to_rest_keeps_indexing(
    settings: ResolvedSettings, rest_settings: ResolvedSettings
) -> None:
    assert set(KNOWN_EMBEDDERS) == {EMBEDDER_NAME, REST_EMBEDDER_NAME}
    SearchIndex(  # made with the local model: its embedder wants every document's vector
        settings.meili_url,
        settings.meili_master_key,
        settings.meili_index,
        embedder=local_embedder(),
    ).ensure()
    with serve_app(rest_settings) as api:
        response = api.post("/v1/articles", json=ARTICLE, headers={"X-API-Key": API_KEY})
        assert response.status_code == 201, response.text
    stores = Stores.open(rest_settings)
    result = drain_outbox(stores.factory, stores.index)
    assert result.pending == 0 and result.error is None, result.error
    embedders = stores.index.client.http.get(f"indexes/{stores.index.name}/settings/embedders")
    assert set(embedders) == {REST_EMBEDDER_NAME}
    assert check_drift(stores.factory, stores.index).clean


def test_a_second_start_sends_no_settings_although_the_key_comes_back_redacted(
    rest_settings: ResolvedSettings,
) -> None:
    """Meilisearch answers the settings with the embedder's key redacted: the comparison
    must not take that for a change (each settings task costs a start a round of indexing),
    yet a key Meilisearch shows otherwise is sent again."""
    index = Stores.open(rest_settings).index
    index.ensure()

    def settings_tasks() -> int:
        return index.client.get_tasks(
            {"types": ["settingsUpdate"], "indexUids": [index.name]}
        ).total

    before = settings_tasks()
    Stores.open(rest_settings).index.ensure()  # the next process
    assert settings_tasks() == before
    embedders = index.client.http.get(f"indexes/{index.name}/settings/embedders")
    assert embedders[REST_EMBEDDER_NAME]["apiKey"] != SECRET  # redacted indeed
    other = rest_settings.model_copy(update={"embeddings_api_key": SecretStr("other-" + SECRET)})
    Stores.open(other).index.ensure()  # a new key, which Meilisearch shows otherwise
    assert settings_tasks() == before + 1
