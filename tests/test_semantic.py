"""Search by meaning with the packaged model, against real PostgreSQL and Meilisearch.

Every sentence here is fictional and written for these tests: each query means what one
stored quote says while sharing none of its words, so keyword search cannot find it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy import func, select

from db.embeddings import EMBEDDER_NAME, Embedder, EmbedderError, from_bytes, local_embedder
from db.index_sync.documents import documents
from db.index_sync.drift import check_drift
from db.index_sync.service import drain_outbox, rebuild_index
from db.index_sync.vectors import embed_missing
from db.models import Quote
from db.search_index import AsyncSearcher, SearchIndex, SearchQuery
from db.session import make_engine, make_session_factory
from db.settings import ResolvedSettings
from db.stores import Stores
from db.vocabulary import EmbeddingsMode, SearchMode
from tests.conftest import API_KEY, run_cli, serve_app, write_index

ARTICLES = [
    {
        "url": "https://example.org/ledger/front",
        "title": "Minister speaks at the front",
        "outlet": "Harbour Ledger",
        "published_at": "2024-03-02",
        "text": '"Whatever they occupy, we will return," defence minister Ilsa Varn said.',
    },
    {
        "url": "https://example.org/courier/pumps",
        "title": "Senator on the price of petrol",
        "outlet": "Valley Courier",
        "published_at": "2024-03-04",
        "text": (
            '"Prices at the pump have doubled since spring and families are paying for it,"'
            " said Senator Orrin Galt."
        ),
    },
    {
        "url": "https://example.org/courier/schools",
        "title": "Mayor on classrooms",
        "outlet": "Valley Courier",
        "published_at": "2024-03-05",
        "text": (
            '"Our classrooms need more teachers, not more paperwork," said mayor Petra Lund.\n'
            '"The harbour festival opens on Friday with music," said organiser Bo Tam.'
        ),
    },
]
# (query, the cited words it means): no word in common.
PAIRS = [
    ("no inch of land shall be ceded", "Whatever they occupy, we will return."),
    ("fuel costs hurt households", "Prices at the pump have doubled since spring"),
    ("hire educators instead of bureaucracy", "Our classrooms need more teachers"),
]


@pytest.fixture
def semantic_settings(settings: ResolvedSettings) -> ResolvedSettings:
    return settings.model_copy(update={"embeddings": EmbeddingsMode.local})


@pytest.fixture
def semantic_api(semantic_settings: ResolvedSettings) -> Iterator[httpx.Client]:
    with serve_app(semantic_settings) as client:
        for article in ARTICLES:
            response = client.post("/v1/articles", json=article, headers={"X-API-Key": API_KEY})
            assert response.status_code == 201, response.text
        stores = Stores.open(semantic_settings)  # the first embedding loads the model: wait
        assert drain_outbox(stores.factory, stores.index).pending == 0
        yield client


def search(api: httpx.Client, q: str, mode: str) -> list[str]:
    response = api.get("/v1/search", params={"q": q, "mode": mode})
    assert response.status_code == 200, response.text
    return [hit["cited"] for hit in response.json()["hits"]]


def test_the_model_puts_paraphrases_close_and_other_topics_far() -> None:
    embedder = local_embedder()
    for query, original in PAIRS:
        q, same, other = embedder.embed([query, original, "The harbour festival opens on Friday"])
        assert np.isclose(np.linalg.norm(q), 1.0, atol=1e-5)
        assert float(q @ same) > float(q @ other) + 0.15, query


@pytest.mark.parametrize(("query", "original"), PAIRS)
def test_semantic_search_finds_what_keywords_cannot(
    semantic_api: httpx.Client, query: str, original: str
) -> None:
    assert search(semantic_api, query, "keyword") == []
    assert search(semantic_api, query, "semantic")[0].startswith(original)
    assert search(semantic_api, query, "hybrid")[0].startswith(original)


def test_hybrid_still_ranks_exact_words_first(semantic_api: httpx.Client) -> None:
    assert search(semantic_api, "harbour festival", "hybrid")[0].startswith(
        "The harbour festival opens"
    )


def test_search_by_meaning_is_refused_with_embeddings_off(api: httpx.Client) -> None:
    response = api.get("/v1/search", params={"q": "land", "mode": "semantic"})
    assert response.status_code == 400
    assert "ONRECORD_EMBEDDINGS=off" in response.json()["error"]["message"]
    assert api.get("/v1/search", params={"q": "x", "mode": "nonsense"}).status_code == 422


def test_vectors_are_stored_once_and_reused_by_reindex(
    semantic_api: httpx.Client, semantic_settings: ResolvedSettings
) -> None:
    stores = Stores.open(semantic_settings)
    factory = stores.factory
    with factory() as session:
        rows = session.execute(select(Quote.id, Quote.cited, Quote.embedding)).all()
    assert len(rows) == 4 and all(r.embedding is not None for r in rows)
    stored = {r.id: from_bytes(r.embedding) for r in rows}
    for r in rows:  # what was stored is the model's vector of the cited words
        assert np.allclose(stored[r.id], local_embedder().embed_one(r.cited), atol=1e-5)
    assert embed_missing(factory, local_embedder()) == 0  # nothing left to compute
    assert rebuild_index(factory, stores.index) == 4
    with factory() as session:
        again = {r.id: r.embedding for r in session.execute(select(Quote.id, Quote.embedding))}
    assert {i: from_bytes(v).tobytes() for i, v in again.items()} == {
        i: v.tobytes() for i, v in stored.items()
    }
    assert check_drift(factory, stores.index).clean
    assert search(semantic_api, PAIRS[0][0], "semantic")[0].startswith(PAIRS[0][1])


def test_quotes_stored_with_embeddings_off_get_vectors_at_reindex(
    api: httpx.Client, semantic_settings: ResolvedSettings
) -> None:
    response = api.post("/v1/articles", json=ARTICLES[0], headers={"X-API-Key": API_KEY})
    assert response.status_code == 201
    factory = make_session_factory(make_engine(semantic_settings.database_url))
    with factory() as session:
        assert session.scalar(select(func.count()).where(Quote.embedding.is_not(None))) == 0
    on = Stores.open(semantic_settings)
    on.index.ensure()  # the model's embedder goes in: the document says it has no vector
    assert check_drift(factory, on.index).missing_vectors == [response.json()["quotes"][0]["id"]]
    done = run_cli(semantic_settings, "reindex")  # the command, model on
    assert done.returncode == 0, done.stderr
    assert "reindexed 1 quotes" in done.stdout
    with factory() as session:
        assert session.scalar(select(func.count()).where(Quote.embedding.is_not(None))) == 1
    with serve_app(semantic_settings) as client:
        assert search(client, PAIRS[0][0], "semantic")[0].startswith(PAIRS[0][1])


def test_a_model_file_with_another_checksum_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model")
    with pytest.raises(EmbedderError, match="sha256"):
        Embedder(model_path=fake).load()


def verify(api: httpx.Client, quote: str, speaker: str | None = None) -> dict:
    params = {"quote": quote} | ({"speaker": speaker} if speaker else {})
    response = api.get("/v1/verify", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_paraphrase_is_found_and_named(semantic_api: httpx.Client) -> None:
    result = verify(
        semantic_api,
        "Gas prices doubled since spring and families pay for it",
        "Orrin Galt",
    )
    assert result["verdict"] == "paraphrase" and result["paraphrase_checked"] is True
    best = result["matches"][0]
    assert best["quote"]["speaker"]["name"] == "Orrin Galt"
    assert best["quote"]["cited"].startswith("Prices at the pump have doubled")
    assert result["summary"].startswith("Paraphrase: Orrin Galt said something with this meaning")


def test_words_still_beat_meaning_and_unrelated_claims_are_not_found(
    semantic_api: httpx.Client,
) -> None:
    altered = verify(semantic_api, "Our classrooms need more teachers, not more forms")
    assert altered["verdict"] == "altered" and altered["paraphrase_checked"] is True
    unrelated = verify(semantic_api, "The orchestra will tour Japan next year")
    assert unrelated["verdict"] == "not_found"


def test_without_embeddings_paraphrases_are_not_checked(api: httpx.Client) -> None:
    response = api.post("/v1/articles", json=ARTICLES[1], headers={"X-API-Key": API_KEY})
    assert response.status_code == 201
    result = verify(api, "Fuel now costs twice what it did in the spring, and households bear it")
    assert result["verdict"] == "not_found" and result["paraphrase_checked"] is False


def test_the_search_page_offers_matching_by_meaning_only_when_it_can(
    semantic_api: httpx.Client, api: httpx.Client
) -> None:
    page = semantic_api.get("/", params={"q": PAIRS[1][0], "mode": "semantic"})
    assert page.status_code == 200
    assert '<option value="semantic" selected>' in page.text
    assert "Prices at the pump have doubled" in page.text
    assert 'name="mode"' not in api.get("/").text


def test_not_found_shows_the_closest_in_meaning_first() -> None:
    from db.verification.verdict import Candidate, Verdict, verdict

    far = Candidate(1, "The harbour festival opens on Friday with music", "Bo Tam", (), 0.05)
    near = Candidate(2, "Prices at the pump have doubled since spring", "Orrin Galt", (), 0.5)
    found = verdict("fuel costs hurt households on Friday", None, [far, near])
    assert found.verdict is Verdict.not_found  # 0.5 is under the paraphrase threshold
    assert [m.candidate.id for m in found.matches] == [2, 1]


def test_check_finds_quotes_without_their_vector_and_repair_gives_them_back(
    semantic_api: httpx.Client, semantic_settings: ResolvedSettings
) -> None:
    stores = Stores.open(semantic_settings)
    with stores.factory() as session:
        quote_id = session.scalar(select(Quote.id).where(Quote.cited.startswith("Whatever")))
        assert quote_id is not None
        [document] = documents(session, [quote_id])  # the same document, its vector opted out
    write_index(stores.index, [{**document, "_vectors": {stores.index.embedder.name: None}}], [])
    assert search(semantic_api, PAIRS[0][0], "semantic") == []  # meaning cannot find it now

    found = run_cli(semantic_settings, "check")
    assert found.returncode == 1
    assert "without their vector (search by meaning misses them): 1" in found.stdout
    assert check_drift(stores.factory, stores.index).missing_vectors == [quote_id]
    repaired = run_cli(semantic_settings, "check", "--repair")
    assert repaired.returncode == 0 and "repaired: no drift" in repaired.stdout, repaired.stdout
    assert check_drift(stores.factory, stores.index).clean
    assert search(semantic_api, PAIRS[0][0], "semantic")[0].startswith(PAIRS[0][1])


def test_int8_products_give_the_float_paths_vectors() -> None:
    sentences = [s for pair in PAIRS for s in pair] + ["The harbour festival opens on Friday"]
    int8, float32 = local_embedder().embed(sentences), Embedder(int8=False).embed(sentences)
    assert local_embedder().int8
    cosines = (int8 * float32).sum(axis=1)
    assert cosines.min() > 0.98, cosines


def test_a_repeated_query_runs_the_model_once(semantic_settings: ResolvedSettings) -> None:
    class Counting(Embedder):
        def __init__(self) -> None:
            super().__init__()
            self.texts: list[str] = []

        def embed_one(self, text: str) -> np.ndarray:
            self.texts.append(text)
            return local_embedder().embed_one(text)

    async def searches(cache: int) -> list[str]:
        embedder = Counting()
        index = SearchIndex(
            semantic_settings.meili_url,
            semantic_settings.meili_master_key,
            semantic_settings.meili_index,
            embedder=embedder,
        )
        searcher = AsyncSearcher(index, vector_cache=cache)
        try:
            for page, mode in ((1, SearchMode.hybrid), (2, SearchMode.hybrid), (1, "semantic")):
                await searcher.search(SearchQuery(q="fuel costs", mode=SearchMode(mode), page=page))
            await searcher.search(SearchQuery(q="other words", mode=SearchMode.hybrid))
        finally:
            await searcher.close()
        return embedder.texts

    assert asyncio.run(searches(cache=1024)) == ["fuel costs", "other words"]
    assert asyncio.run(searches(cache=0)) == ["fuel costs"] * 3 + ["other words"]


def test_embeddings_off_keeps_indexing_into_the_models_index_and_keeps_its_vectors(
    settings: ResolvedSettings, semantic_settings: ResolvedSettings
) -> None:
    """Switching ONRECORD_EMBEDDINGS off and on again: the index keeps the model's embedder,
    writes with the model off go on (a new quote goes in without a vector), a reindex with
    it off keeps the stored vectors, and back on only the quote stored meanwhile lacks one."""
    with serve_app(semantic_settings) as client:
        response = client.post("/v1/articles", json=ARTICLES[0], headers={"X-API-Key": API_KEY})
        assert response.status_code == 201, response.text
    on = Stores.open(semantic_settings)
    assert drain_outbox(on.factory, on.index).pending == 0
    with serve_app(settings) as client:  # off: no model; the index keeps its embedder
        response = client.post("/v1/articles", json=ARTICLES[1], headers={"X-API-Key": API_KEY})
        assert response.status_code == 201, response.text
    off = Stores.open(settings)
    result = drain_outbox(off.factory, off.index)
    assert result.pending == 0 and result.error is None, result.error
    assert check_drift(off.factory, off.index).clean
    done = run_cli(settings, "reindex")
    assert done.returncode == 0, done.stdout + done.stderr
    embedders = on.index.client.http.get(f"indexes/{on.index.name}/settings/embedders")
    assert embedders[EMBEDDER_NAME]["source"] == "userProvided"
    with on.factory() as session:
        galt = session.scalar(select(Quote.id).where(Quote.cited.startswith("Prices at the pump")))
    assert check_drift(on.factory, on.index).missing_vectors == [galt]
    with serve_app(semantic_settings) as client:
        assert search(client, PAIRS[0][0], "semantic")[0].startswith(PAIRS[0][1])
        repaired = run_cli(semantic_settings, "check", "--repair")
        assert repaired.returncode == 0, repaired.stdout + repaired.stderr
        assert search(client, PAIRS[1][0], "semantic")[0].startswith(PAIRS[1][1])
    assert check_drift(on.factory, on.index).clean


def test_a_short_query_is_embedded_on_the_event_loop_and_a_long_one_in_a_thread(
    semantic_settings: ResolvedSettings,
) -> None:
    """A search box's query costs the model less than the hop to a thread and back; a pasted
    paragraph would hold other requests up, so it goes to a thread."""

    class Where(Embedder):
        def __init__(self) -> None:
            super().__init__()
            self.threads: list[str] = []

        def embed_one(self, text: str) -> np.ndarray:
            self.threads.append(threading.current_thread().name)
            return local_embedder().embed_one(text)

    embedder = Where()
    index = SearchIndex(
        semantic_settings.meili_url,
        semantic_settings.meili_master_key,
        semantic_settings.meili_index,
        embedder=embedder,
    )

    async def embed_both() -> str:
        searcher = AsyncSearcher(index)
        await searcher.embed("fuel costs hurt households")
        await searcher.embed(" ".join(["fuel costs hurt households"] * 10))
        return threading.current_thread().name

    loop_thread = asyncio.run(embed_both())
    assert embedder.threads[0] == loop_thread and embedder.threads[1] != loop_thread


def test_semantic_totals_facets_and_pages_count_only_what_means_the_same(
    semantic_settings: ResolvedSettings,
) -> None:
    """Below the similarity cut-off a quote is no hit: not in the total, the facet counts or
    any page. (Meilisearch counts them so only with page-based totals: with limit/offset a
    page that does not end the hits estimates every document, for both the total and the
    facets, once the index holds more than a few dozen.)"""
    nouns = ["harbour", "library", "railway", "bakery", "orchard", "theatre", "clinic", "market"]
    needs = ["new roofs", "longer hours", "more volunteers", "fresh paint", "a bigger budget"]
    lines = [
        f'"The {noun} in ward {ward} needs {need}," said councillor Ana Pell.'
        for ward in range(1, 6)
        for noun in nouns
        for need in needs
    ]
    article = {
        "url": "https://example.org/ledger/wards",
        "title": "Councillor on the wards",
        "outlet": "Harbour Ledger",
        "published_at": "2024-03-06",
        "text": "\n".join(lines),
    }
    with serve_app(semantic_settings) as api:
        for posted in (*ARTICLES, article):
            response = api.post("/v1/articles", json=posted, headers={"X-API-Key": API_KEY})
            assert response.status_code == 201, response.text
        stores = Stores.open(semantic_settings)
        assert drain_outbox(stores.factory, stores.index).pending == 0
        url, seen, counts = "/v1/search", [], set()
        params: dict | None = {"q": PAIRS[1][0], "mode": "semantic", "per_page": 1}
        while url:  # every page, as a client follows `Link: rel="next"`
            response = api.get(url, params=params)
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["total_exact"]
            seen.extend(hit["id"] for hit in body["hits"])
            counts |= {body["total"], sum(body["facets"]["type"].values())}
            url, params = response.links.get("next", {}).get("url"), None
    assert 1 <= len(seen) < 20 and len(set(seen)) == len(seen)  # of 204 quotes
    assert counts == {len(seen)}  # each page's total and facet counts
