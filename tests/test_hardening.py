"""Races, stalls and hostile input (issue 14), against real PostgreSQL and Meilisearch."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from db.articles.service import store_article
from db.index_sync.outbox import count_pending
from db.index_sync.worker import IndexWorker
from db.records import ArticleIn
from db.search_index import SearchIndex
from db.services import MeiliProcess, PostgresCluster, find_meili_bin
from db.session import make_engine
from db.settings import ResolvedSettings, Settings
from indexer.extract import extract_quotes
from indexer.extract.dates import date_said
from indexer.pipeline import ingest_articles
from indexer.sources import SourceArticle
from tests.conftest import API_KEY, cli_env, run_cli, serve_app

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


@pytest.fixture
def own_meili(tmp_path: Path) -> Iterator[MeiliProcess]:
    """A Meilisearch of this test's own, so pausing it freezes no other test."""
    meili = MeiliProcess(tmp_path / "meilisearch", find_meili_bin(Settings()))
    meili.start()
    yield meili
    os.kill(meili.state()["pid"], signal.SIGCONT)
    meili.stop()


def index_ids(index: SearchIndex) -> set[int]:
    return {int(doc["id"]) for doc in index.documents()}


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.2)


def test_a_paused_meilisearch_leaves_writes_pending_and_the_worker_alive(
    settings, own_meili: MeiliProcess
) -> None:
    stalled = settings.model_copy(
        update={
            "meili_url": own_meili.url(),
            "meili_master_key": own_meili.master_key(),
            "meili_timeout": 2.0,
            "index_write_timeout": 1.0,
            "index_worker_interval": 0.2,
        }
    )
    pid = own_meili.state()["pid"]
    with serve_app(stalled) as api:
        first = api.post("/v1/articles", json=version_of(1, "https://example.org/a"), headers=KEY)
        assert first.status_code == 201
        wait_until(lambda: api.get("/readyz").json().get("index_backlog") == 0)
        os.kill(pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            second = api.post(
                "/v1/articles", json=version_of(2, "https://example.org/b"), headers=KEY
            )
            assert second.status_code == 201, second.text
            assert second.json()["pending_index"] == 2
            assert time.monotonic() - started < 10
            ready = api.get("/readyz")
            assert ready.status_code == 503 and ready.json()["checks"]["meilisearch"] != "ok"
            time.sleep(6)  # the worker's own requests time out meanwhile, more than once
            third = api.post(
                "/v1/articles", json=version_of(3, "https://example.org/c"), headers=KEY
            )
            assert third.status_code == 201 and third.json()["pending_index"] >= 2
        finally:
            os.kill(pid, signal.SIGCONT)
        # no command: the worker survived the timeouts and drains by itself
        wait_until(lambda: api.get("/readyz").json().get("index_backlog") == 0)
        ready = api.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"]["index_worker"] == "ok"
        assert api.get("/v1/search", params={"q": "pier"}).json()["total"] == 6
    check = run_cli(stalled, "check")
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_dead_index_worker_is_restarted_and_drains(stores) -> None:
    factory, index = stores
    opened: list[int] = []

    def dies_once():  # the real session factory, but the first round ends its thread
        opened.append(1)
        if len(opened) == 1:
            raise SystemExit("drain loop killed")
        return factory()

    worker = IndexWorker(dies_once, index, interval=0.05)  # type: ignore[arg-type]
    worker.start()
    try:
        wait_until(lambda: worker.restarts == 1 and worker.health().alive, timeout=10)
        assert worker.health().status == "ok"
        article = ArticleIn(**version_of(1))
        stored = store_article(factory, article, extract_quotes(article.text, date(2024, 5, 2)))
        assert len(stored.quote_ids) == 2
        wait_until(lambda: index_ids(index) == set(stored.quote_ids), timeout=20)
        with factory() as session:  # events go once the drain that indexed them commits
            wait_until(lambda: count_pending(session) == 0, timeout=20)
    finally:
        worker.stop()
    assert not worker.health().alive and worker.health().status == "stopped"


def test_a_day_said_before_the_first_calendar_day_is_left_empty() -> None:
    first_day = date(1, 1, 1)  # Go's zero time, as some feeds send it
    assert date_said("she said yesterday", first_day) is None
    assert date_said("he said on Tuesday", first_day) is None
    assert date_said("she said on Dec. 30", first_day) is None
    assert date_said("he said on Tuesday", date(2024, 5, 2)) == date(2024, 4, 30)


def test_absurd_publication_dates_are_refused_clearly(api: httpx.Client) -> None:
    for published in ("0001-01-01", "1799-12-31", "2999-01-01", "0001-01-01T00:00:00Z"):
        body = {**version_of(1), "published_at": published}
        refused = api.post("/v1/articles", json=body, headers=KEY)
        assert refused.status_code == 422, (published, refused.text)
        assert "publication date" in refused.text, refused.text
    body = {**version_of(1), "published_at": "1850-06-01", "text": "Old news, said yesterday."}
    assert api.post("/v1/articles", json=body, headers=KEY).status_code == 201


def test_one_bad_article_never_costs_the_rest_of_a_batch(settings, tmp_path: Path) -> None:
    lines = [version_of(n, f"https://example.org/story/{n}") for n in range(11)]
    lines[5] = {**lines[5], "published_at": "0001-01-01"}
    lines[5]["text"] = '"We start yesterday," Ivo Rask said on Tuesday.'
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = run_cli(settings, "ingest", str(batch))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"{batch}:6" in result.stdout + result.stderr
    assert "10 new" in result.stdout and "1 refused" in result.stdout


HOSTILE_URLS = [
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "https://exa mple.org/x",
    "https:///no-host",
]


def test_only_http_urls_are_accepted(api: httpx.Client, settings, tmp_path: Path) -> None:
    for url in HOSTILE_URLS:
        refused = api.post("/v1/articles", json=version_of(1, url), headers=KEY)
        assert refused.status_code == 422, (url, refused.text)
        assert "http" in refused.json()["error"]["message"], refused.text
    for url in ("https://example.org/a?b=c#d", "HTTP://Example.org/b"):
        assert api.post("/v1/articles", json=version_of(1, url), headers=KEY).status_code in (
            200,
            201,
        )
    batch = tmp_path / "urls.jsonl"
    batch.write_text(json.dumps(version_of(2, "javascript:alert(1)")) + "\n")
    result = run_cli(settings, "ingest", str(batch))
    assert result.returncode == 1 and f"{batch}:1" in result.stdout + result.stderr


def test_pages_link_only_http_urls(api: httpx.Client, settings) -> None:
    stored = api.post("/v1/articles", json=version_of(1), headers=KEY).json()
    engine = make_engine(settings.database_url)
    with engine.begin() as conn:  # as a row stored before URLs were checked
        conn.execute(text("UPDATE article SET url = 'javascript:alert(1)'"))
    engine.dispose()
    pages = [f"/articles/{stored['id']}", f"/quotes/{stored['quotes'][0]['id']}"]
    for path in pages:
        page = api.get(path)
        assert page.status_code == 200 and "javascript:" not in page.text, path


def absolute_urls_served(api: httpx.Client, host: str) -> str:
    """The quote page, its embed card and its oEmbed answer, as asked for with `host`."""
    stored = api.post("/v1/articles", json=version_of(1), headers=KEY).json()
    quote_id = stored["quotes"][0]["id"]
    headers = {"Host": host}
    page = api.get(f"/quotes/{quote_id}", headers=headers)
    card = api.get(f"/embed/quotes/{quote_id}", headers=headers)
    oembed = api.get("/oembed", params={"url": f"http://{host}/quotes/{quote_id}"}, headers=headers)
    assert page.status_code == card.status_code == oembed.status_code == 200
    return page.text + card.text + oembed.text


def test_an_unknown_host_header_never_names_the_host(api: httpx.Client) -> None:
    served = absolute_urls_served(api, "evil.example")
    assert "evil.example" not in served
    assert 'rel="canonical" href="http://localhost:' in served
    for host in ("[::1", "evil.example:x", "localhost.evil.example"):
        page = api.get("/", headers={"Host": host})
        assert page.status_code == 200 and host not in page.text


def test_the_public_url_decides_every_absolute_url(settings) -> None:
    public = settings.model_copy(update={"public_url": "https://quotes.example/"})
    with serve_app(public) as api:
        served = absolute_urls_served(api, "evil.example")
    assert "evil.example" not in served
    assert 'rel="canonical" href="https://quotes.example/quotes/' in served
    assert 'og:url" content="https://quotes.example/quotes/' in served
    assert "https://quotes.example/embed/quotes/" in served
    assert '"provider_url":"https://quotes.example/"' in served


def test_reindex_under_concurrent_writes_completes_cleanly(settings) -> None:
    busy = settings.model_copy(
        update={"rate_limit_write": "100000/minute", "index_worker_interval": 0.05}
    )
    failures: list[str] = []
    done = threading.Event()
    with serve_app(busy) as api:
        base = str(api.base_url)
        for n in range(40):
            api.post("/v1/articles", json=version_of(n, f"https://example.org/s/{n}"), headers=KEY)

        def writer(k: int) -> None:  # edits: each replaces quotes and queues outbox events
            with httpx.Client(base_url=base, timeout=60) as client:
                n = 100 * k
                while not done.is_set():
                    n += 1
                    body = version_of(n, f"https://example.org/s/{n % 40}")
                    response = client.post("/v1/articles", json=body, headers=KEY)
                    if response.status_code not in (200, 201, 503):
                        failures.append(f"{response.status_code} {response.text[:300]}")

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
        for thread in threads:
            thread.start()
        try:
            for _ in range(4):
                reindex = run_cli(busy, "reindex")
                assert reindex.returncode == 0, reindex.stdout + reindex.stderr
                assert "Traceback" not in reindex.stderr
        finally:
            done.set()
            for thread in threads:
                thread.join(timeout=120)
        wait_until(lambda: api.get("/readyz").json().get("index_backlog") == 0)
    assert failures == []
    check = run_cli(busy, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_meilisearch_gets_its_master_key_by_environment(own_meili: MeiliProcess) -> None:
    pid = own_meili.state()["pid"]
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
    assert own_meili.master_key() not in argv and "master-key" not in argv
    assert (own_meili.state_file.stat().st_mode & 0o777) == 0o600
    assert httpx.get(f"{own_meili.url()}/keys").status_code == 401  # a key is required
    headers = {"Authorization": f"Bearer {own_meili.master_key()}"}
    assert httpx.get(f"{own_meili.url()}/keys", headers=headers).status_code == 200


def test_a_source_offset_beyond_its_column_is_refused(api: httpx.Client) -> None:
    """Found by schemathesis: an offset past INTEGER reached PostgreSQL and answered 500."""
    body = version_of(1, "https://example.org/offset") | {"source_offset": 2_080_540_115_419}
    refused = api.post("/v1/articles", json=body, headers=KEY)
    assert refused.status_code == 422, refused.text


def stream_line(n: int) -> str:
    return json.dumps(
        {"title": f"Ferry {n}", "text": f'"Ferry {n} sails at noon," said skipper Ola Brun.'}
    )


def test_stdin_json_lines_stream_line_by_line_with_per_line_errors(settings) -> None:
    lines = [stream_line(n) for n in range(1, 3001)]
    lines[1499] = '"title": "broken", "text": "cut"}'  # line 1500 lost its start
    small = {**cli_env(settings), "ONRECORD_MAX_ARTICLE_BYTES": "20000"}  # stream ≫ the cap
    result = run_cli(
        settings, "ingest", "-", "--format", "jsonl", stdin="\n".join(lines) + "\n", env=small
    )
    assert result.returncode == 1, result.stderr
    assert "<stdin>:1500" in result.stdout + result.stderr
    assert "2999 new" in result.stdout and "1 refused" in result.stdout, result.stdout
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM article")) == 2999
        assert conn.scalar(text("SELECT count(*) FROM article WHERE title = 'broken'")) == 0
    engine.dispose()


def test_stdin_needs_an_explicit_format_and_files_may_override_theirs(
    settings, tmp_path: Path
) -> None:
    result = run_cli(settings, "ingest", "-", stdin=stream_line(1) + "\n")
    assert result.returncode == 1 and "--format" in result.stderr, result.stderr
    as_text = tmp_path / "notes.txt"
    as_text.write_text(stream_line(1) + "\n" + stream_line(2) + "\n")
    result = run_cli(settings, "ingest", str(as_text), "--format", "jsonl")
    assert result.returncode == 0 and "2 new" in result.stdout, result.stdout + result.stderr


def test_an_article_whose_extraction_raises_is_refused_by_name(stores) -> None:
    factory, index = stores
    good = [
        SourceArticle(f"wire.jsonl:{n}", f"wire-{n}", ArticleIn(**json.loads(stream_line(n))))
        for n in (1, 2)
    ]
    faulty = ArticleIn.model_construct(title="Faulty", text=None)  # extraction raises on it
    items = [good[0], SourceArticle("wire.jsonl:7", "wire-7", faulty), good[1]]
    summary = ingest_articles(items, factory, index)
    assert (summary.new, summary.refused) == (2, 1)
    [error] = summary.errors
    assert error.origin == "wire.jsonl:7" and "extraction failed" in error.message


def refused_without_password(cluster: PostgresCluster) -> bool:
    """No connection, by TCP or by the socket, gets in without the cluster's password."""
    import psycopg

    for host in ("127.0.0.1", str(cluster.root)):
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(host=host, port=cluster.port, user="postgres", dbname="postgres")
    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user="postgres", password=cluster.password()
    ):
        return True


def test_the_private_postgres_needs_its_owner_only_password(service_urls) -> None:
    cluster = service_urls["cluster"]
    if cluster is None:
        pytest.skip("ONRECORD_TEST_DATABASE_URL: no private cluster to try")
    assert refused_without_password(cluster)
    assert cluster.password_file.stat().st_mode & 0o777 == 0o600
    assert cluster.root.stat().st_mode & 0o777 == 0o700


def test_a_cluster_that_trusted_local_users_is_secured_on_start(tmp_path: Path) -> None:
    cluster = PostgresCluster(tmp_path / "postgres", durable=False)
    cluster.start()
    try:
        cluster.stop()
        (cluster.data / "pg_hba.conf").write_text("local all all trust\nhost all all all trust\n")
        cluster.password_file.unlink()  # as a cluster made before passwords were required
        url = cluster.start()
        assert refused_without_password(cluster)
        assert cluster.password_file.stat().st_mode & 0o777 == 0o600
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT current_user")) == "postgres"
        engine.dispose()
    finally:
        cluster.stop()


def test_a_cluster_knows_it_runs_from_its_pid_file_and_survives_a_stale_one(
    tmp_path: Path,
) -> None:
    """`running` reads postmaster.pid (no `pg_ctl status` process on every command): a dead
    postmaster's leftover file (a crash, a reboot) is not running, and start still works."""
    cluster = PostgresCluster(tmp_path / "postgres", durable=False)
    assert not cluster.running()
    cluster.start()
    try:
        assert cluster.running()
        cluster.stop()
        assert not cluster.running()
        stale = cluster.data / "postmaster.pid"
        stale.write_text(f"{_dead_pid()}\n{cluster.data}\n")
        assert not cluster.running()
        engine = make_engine(cluster.start())
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT 1")) == 1
        engine.dispose()
        assert cluster.running()
    finally:
        cluster.stop()


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def long_article(quotes: int) -> dict:
    """A fictional live blog with about `quotes` attributed quotes (issue 14, item 6)."""
    lines = [
        f'"We will rebuild pier {n} this year," harbour master Ivo Rask said on Monday.'
        for n in range(quotes)
    ]
    return {"title": "Pier live", "url": "https://example.org/pier-live", "text": "\n".join(lines)}


def test_posted_articles_are_extracted_off_the_api_process_with_a_bound(settings) -> None:
    """A huge article is extracted in a worker process while searches are answered; with the
    one worker busy and no waiting place, another post gets 503 + Retry-After, not a queue."""
    bounded = settings.model_copy(
        update={
            "extract_workers": 1,
            "extract_waiting": 0,
            "rate_limit_write": "1000/minute",
            "rate_limit_search": "100000/minute",
        }
    )
    with serve_app(bounded) as api:
        base = str(api.base_url)
        answers: list[httpx.Response] = []

        def post() -> None:
            with httpx.Client(base_url=base, timeout=120) as client:
                answers.append(client.post("/v1/articles", json=long_article(4000), headers=KEY))

        huge = threading.Thread(target=post)
        huge.start()
        searched = 0
        second: httpx.Response | None = None
        while huge.is_alive():
            assert api.get("/v1/search", params={"q": "pier"}).status_code == 200
            searched += 1
            time.sleep(0.05)
            if second is None and searched == 3:
                second = api.post("/v1/articles", json=version_of(1), headers=KEY)
        huge.join()
        assert second is not None, "the huge article was extracted before three searches"
        assert second.status_code == 503, second.text
        assert second.headers["Retry-After"] == "5"
        assert second.json()["error"]["code"] == "extraction_busy"
        assert answers[0].status_code == 201, answers[0].text
        assert len(answers[0].json()["quotes"]) == 4000
        assert api.post("/v1/articles", json=version_of(1), headers=KEY).status_code == 201


def test_a_repost_with_corrected_metadata_applies_it_everywhere(api: httpx.Client, settings):
    """Item 12: the same text again with another outlet, URL, date or title is no longer
    'unchanged': the article, its quotes' dates and the index all follow."""
    first = api.post("/v1/articles", json=version_of(1), headers=KEY)
    assert first.status_code == 201, first.text
    ids = [q["id"] for q in first.json()["quotes"]]
    assert api.post("/v1/articles", json=version_of(1), headers=KEY).status_code == 200

    fixed = {**version_of(1), "outlet": "Harbour Herald", "url": "https://example.org/pier-2"}
    second = api.post("/v1/articles", json=fixed, headers=KEY)
    assert second.json()["status"] == "updated", second.text
    assert [q["id"] for q in second.json()["quotes"]] == ids  # quotes and permalinks kept
    stored = api.get(f"/v1/articles/{first.json()['id']}").json()
    assert (stored["outlet"], stored["url"]) == ("Harbour Herald", "https://example.org/pier-2")
    run_cli(settings, "sync")
    found = api.get("/v1/search", params={"outlet": "Harbour Herald"}).json()
    assert sorted(h["id"] for h in found["hits"]) == sorted(ids)
    assert api.get("/v1/search", params={"outlet": "Pier Gazette"}).json()["total"] == 0

    redated = {**fixed, "published_at": "2024-06-12", "outlet": None}  # a Wednesday
    third = api.post("/v1/articles", json=redated, headers=KEY)
    assert third.json()["status"] == "updated", third.text
    body = third.json()
    assert body["outlet"] == "Harbour Herald"  # left out: kept
    assert body["published_at"].startswith("2024-06-12")
    said = {q["said_on"] for q in body["quotes"]}
    assert said == {"2024-06-10", "2024-06-12"}, said  # 'on Monday' follows the new date

    retitled = {**redated, "title": "Pier story, corrected"}
    fourth = api.post("/v1/articles", json=retitled, headers=KEY)
    assert fourth.json()["status"] == "updated"
    assert fourth.json()["title"] == "Pier story, corrected"
    run_cli(settings, "sync")
    hits = api.get("/v1/search", params={"q": "pier", "outlet": "Harbour Herald"}).json()["hits"]
    assert {h["article"]["title"] for h in hits} == {"Pier story, corrected"}
    assert {h["article"]["published_at"][:10] for h in hits} == {"2024-06-12"}
    check = run_cli(settings, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_filter_values_longer_than_the_index_filters_are_refused(api: httpx.Client, settings):
    """Item 12: Meilisearch never matches a filter on a value whose normalised form is over
    468 bytes; such outlets are refused on the way in and as filters, with the reason."""
    at_limit = "中" * 156  # 468 bytes
    accented = "é" * 156  # 312 bytes, 468 once decomposed as the index does
    for n, outlet in enumerate((at_limit, accented)):
        article = {**version_of(n, f"https://example.org/pier-{n}"), "outlet": outlet}
        assert api.post("/v1/articles", json=article, headers=KEY).status_code == 201
    run_cli(settings, "sync")
    for outlet in (at_limit, accented):
        assert api.get("/v1/search", params={"outlet": outlet}).json()["total"] == 2
    over = {**version_of(9, "https://example.org/pier-9"), "outlet": at_limit + "中"}
    refused = api.post("/v1/articles", json=over, headers=KEY)
    assert refused.status_code == 422 and "too long to search by" in refused.text
    for outlet in (at_limit + "中", accented + "é", "x" * 469):
        answer = api.get("/v1/search", params={"outlet": outlet})
        assert answer.status_code == 400, answer.text
        assert "too long to filter by" in answer.json()["error"]["message"]
    assert api.get("/v1/search", params={"speaker": "y" * 469}).status_code == 400


def test_docs_load_no_script_from_elsewhere(api: httpx.Client) -> None:
    """Item 12: /docs served Swagger UI from a CDN without integrity; now every file is ours
    (the pinned swagger-ui-bundle package) and a CSP allows scripts from this origin only."""
    page = api.get("/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for source in sources:
        assert api.get(source).status_code == 200, source
    assert api.get("/redoc").status_code == 404


def test_the_extraction_workers_start_with_the_api_not_on_the_first_post() -> None:
    """A CMS's first POST must not wait for a process spawn and the extractor's import."""
    import multiprocessing

    from api.extraction import ExtractionPool

    before = {p.pid for p in multiprocessing.active_children()}
    pool = ExtractionPool(extract_quotes, workers=1, waiting=1)
    try:
        pool.warm()
        deadline = time.monotonic() + 30
        while not {p.pid for p in multiprocessing.active_children()} - before:
            assert time.monotonic() < deadline, "no extraction worker started"
            time.sleep(0.05)
        quotes = pool.extract('"The ferry is late," said Ivo Rask.', None)
        assert [q.speaker for q in quotes] == ["Ivo Rask"]
    finally:
        pool.close()


def test_settings_never_show_their_secrets_in_a_repr() -> None:
    """A settings object lands in tracebacks and test reports: its repr must hold no
    password or key (the CI report of a failed test once printed the database URL)."""
    settings = ResolvedSettings.of(
        Settings(),
        database_url="postgresql+psycopg://postgres:pg-s3cret@127.0.0.1:5432/onrecord",
        meili_url="http://127.0.0.1:7700",
        meili_master_key="meili-s3cret",
        api_keys=["key-s3cret"],
        rate_limit_storage="redis://:redis-s3cret@127.0.0.1:6379/0",
    )
    shown = repr(settings) + str(settings)
    assert "meili_url='http://127.0.0.1:7700'" in shown  # what is not secret still shows
    for secret in ("pg-s3cret", "meili-s3cret", "key-s3cret", "redis-s3cret"):
        assert secret not in shown
    assert settings.database_url.endswith("/onrecord")  # hidden from the repr only
