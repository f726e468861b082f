"""Races, stalls and hostile input (issue 14), against real PostgreSQL and Meilisearch."""

from __future__ import annotations

import threading

import httpx

from db.search_index import SearchIndex
from db.settings import ResolvedSettings
from tests.conftest import API_KEY, run_cli, serve_app

KEY = {"X-API-Key": API_KEY}


def version_of(n: int, url: str = "https://example.org/pier-story") -> dict:
    """The same article (one url), in version `n`: two quotes that name their version."""
    return {
        "title": "Pier story",
        "url": url,
        "outlet": "Pier Gazette",
        "published_at": "2024-05-02",
        "text": (
            f'"Version {n} of the pier plan stands," harbour master Ivo Rask said on Monday.\n'
            f'"Version {n} needs no more money," council leader Mia Strand said.'
        ),
    }


def quotes_in_both_stores(settings: ResolvedSettings, api: httpx.Client, article_id: int):
    article = api.get(f"/v1/articles/{article_id}").json()
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    indexed = {int(doc["id"]): doc["text"] for doc in index.documents()}
    return article, indexed


def test_concurrent_edits_of_one_article_leave_exactly_one_version(settings) -> None:
    unlimited = settings.model_copy(update={"rate_limit_write": "100000/minute"})
    with serve_app(unlimited) as api:
        base = str(api.base_url)
        for round_ in range(5):  # the first creates the article, the others edit it
            answers: list[int] = []

            def post(n: int, answers: list[int] = answers) -> None:
                with httpx.Client(base_url=base, timeout=60) as client:
                    response = client.post("/v1/articles", json=version_of(n), headers=KEY)
                    answers.append(response.status_code)

            versions = range(round_ * 8, round_ * 8 + 8)
            threads = [threading.Thread(target=post, args=(n,)) for n in versions]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            assert sorted(answers) and set(answers) <= {200, 201}, answers
            run_cli(settings, "sync")
            article, indexed = quotes_in_both_stores(settings, api, 1)
            texts = [q["text"] for q in article["quotes"]]
            assert len(texts) == 2, texts
            winner = next(n for n in versions if f"Version {n} " in article["text"])
            assert all(f"Version {winner} " in t for t in texts), (winner, texts)
            assert sorted(indexed) == sorted(q["id"] for q in article["quotes"])
    check = run_cli(settings, "check")
    assert check.returncode == 0, check.stdout + check.stderr
