"""PostgreSQL and Meilisearch together: the write path, the outbox, sync, check, reindex."""

from __future__ import annotations

import time

import anyio
import pytest
from sqlalchemy import func, select, update

from api.services.index_admin import index_status
from db import search_index
from db.articles import repository as article_repo
from db.articles import service as article_service
from db.corrections import service as corrections
from db.index_sync import drift, outbox
from db.index_sync import service as index_sync
from db.index_sync.worker import IndexWorker
from db.models import IndexOutbox, Quote
from db.records import ArticleIn
from db.search_index import AsyncSearcher, SearchIndex, SearchQuery
from db.speakers import repository as speaker_repo
from db.speakers import service as speaker_service
from indexer.extract import extract_quotes
from tests.conftest import write_index

ARTICLE = ArticleIn(
    title="Port reopens",
    text=(
        '"The port is open again," harbour master Ivo Rask said on Monday.\n'
        "Union leader Mia Strand said that the workers would return on Wednesday."
    ),
    outlet="Harbour News",
    published_at="2024-03-06",
)


def search(index: SearchIndex, query: SearchQuery) -> dict:
    """A search the way the API runs it: the async searcher with its search-only key."""

    async def run() -> dict:
        searcher = AsyncSearcher(index)
        try:
            return await searcher.search(query)
        finally:
            await searcher.close()

    return anyio.run(run)


def store(factory, index, article=ARTICLE):
    return article_service.store_and_index(
        factory, index, article, extract_quotes(article.text, article.published_at)
    )


def test_store_and_index_makes_quotes_searchable(stores) -> None:
    factory, index = stores
    result = store(factory, index)
    assert result.status == "new" and len(result.quote_ids) == 2 and result.pending == 0
    found = search(index, SearchQuery(q="port open"))
    # the quote whose own words match ranks above one that matches only by its context
    assert [hit["speaker"] for hit in found["hits"]] == ["Ivo Rask", "Mia Strand"]
    assert found["hits"][0]["said_on"] == "2024-03-04"  # "on Monday" before Wed 6 March
    with factory() as session:
        assert session.scalar(select(func.count(IndexOutbox.id))) == 0  # events done, removed


def test_cited_words_parts_and_rule_round_trip_to_both_stores(stores) -> None:
    factory, index = stores
    extracted = extract_quotes(ARTICLE.text, ARTICLE.published_at)
    result = store(factory, index)
    with factory() as session:
        quotes = [article_repo.get_quote(session, i) for i in result.quote_ids]
        stored = [(q.text, q.cited, q.parts, q.rule) for q in quotes if q is not None]
    assert stored == [(q.text, q.cited, [list(p) for p in q.parts], q.rule) for q in extracted]
    direct = stored[0]
    assert direct[1] == "The port is open again." and direct[3] == "direct_cue_after:name"
    assert [ARTICLE.text[a:b] for a, b in direct[2]] == ["The port is open again,"]
    documents = {doc["id"]: doc for doc in index.documents()}
    first = documents[result.quote_ids[0]]
    assert (first["cited"], first["rule"], first["text"]) == (direct[1], direct[3], direct[0])
    found = search(index, SearchQuery(q="workers return"))["hits"]
    assert found[0]["cited"] == "the workers would return on Wednesday."


def test_same_article_again_changes_nothing(stores) -> None:
    factory, index = stores
    first = store(factory, index)
    again = store(factory, index)
    assert again.status == "unchanged" and again.article_id == first.article_id
    with factory() as session:
        assert article_repo.counts(session)["quotes"] == 2


def test_edited_article_with_same_url_replaces_its_quotes(stores) -> None:
    factory, index = stores
    original = ARTICLE.model_copy(update={"url": "https://example.org/port"})
    store(factory, index, original)
    edited = original.model_copy(update={"text": '"We are closed," said Ivo Rask.'})
    result = store(factory, index, edited)
    assert result.status == "updated" and len(result.quote_ids) == 1
    assert ids_in(index) == set(result.quote_ids)


def ids_in(index: SearchIndex) -> set[int]:
    return {int(doc["id"]) for doc in index.documents()}


def test_index_down_leaves_quotes_pending_until_sync(stores, settings) -> None:
    factory, index = stores
    dead = SearchIndex(
        "http://127.0.0.1:9", settings.meili_master_key, settings.meili_index, timeout=2
    )
    result = store(factory, dead)
    assert result.pending == 2 and result.sync and result.sync.error
    with factory() as session:
        assert outbox.count_pending(session) == 2
        attempts = set(session.scalars(select(IndexOutbox.attempts)))
    assert attempts == {1}  # the failed attempt is counted, the events kept
    assert not drift.check_drift(factory, index).clean

    synced = index_sync.drain_outbox(factory, index)
    assert synced.indexed == 2 and synced.error is None and synced.pending == 0
    report = drift.check_drift(factory, index)
    assert report.clean, report


def test_check_finds_documents_missing_from_either_side(stores) -> None:
    factory, index = stores
    result = store(factory, index)
    first, second = result.quote_ids
    write_index(index, [], [first])
    report = drift.check_drift(factory, index)
    assert report.missing_from_index == [first]
    write_index(index, [{"id": 999999, "text": "ghost", "type": "direct"}], [])
    assert drift.check_drift(factory, index).not_in_database == [999999]
    with factory() as session:  # an edit made behind the outbox's back: content drift
        session.execute(update(Quote).where(Quote.id == second).values(cited="changed words"))
        session.commit()
    report = drift.check_drift(factory, index)
    assert report.different == [second] and not report.clean

    repaired = drift.repair_drift(factory, index, report)
    assert repaired.error is None
    assert drift.check_drift(factory, index).clean
    assert search(index, SearchQuery(q="changed words"))["hits"][0]["id"] == second


def test_deleting_an_article_removes_its_quotes_from_both_stores(stores) -> None:
    factory, index = stores
    result = store(factory, index)
    other = store(factory, index, ArticleIn(title="Other", text='"Still here," Ivo Rask said.'))
    removed, sync = article_service.delete_article(factory, index, result.article_id)
    assert sorted(removed) == sorted(result.quote_ids) and sync.deleted == 2
    assert ids_in(index) == set(other.quote_ids)
    assert drift.check_drift(factory, index).clean
    assert article_service.delete_article(factory, index, result.article_id) is None


def test_deleting_while_the_index_is_down_catches_up_later(stores, settings) -> None:
    factory, index = stores
    result = store(factory, index)
    dead = SearchIndex("http://127.0.0.1:9", settings.meili_master_key, settings.meili_index)
    _, sync = article_service.delete_article(factory, dead, result.article_id)
    assert sync.error and sync.pending == 2
    assert ids_in(index) == set(result.quote_ids)  # stale until the outbox drains
    assert index_sync.drain_outbox(factory, index).deleted == 2
    assert ids_in(index) == set() and drift.check_drift(factory, index).clean


def test_reindex_rebuilds_and_swaps(stores) -> None:
    factory, index = stores
    result = store(factory, index)
    write_index(index, [], result.quote_ids)
    assert ids_in(index) == set()
    assert index_sync.rebuild_index(factory, index) == 2
    assert ids_in(index) == set(result.quote_ids)
    assert drift.check_drift(factory, index).clean
    leftovers = [
        i.uid
        for i in index.client.get_indexes()["results"]
        if i.uid.startswith(f"{index.name}_rebuild")
    ]
    assert leftovers == []


def test_speakers_are_one_record_per_person_across_articles(stores) -> None:
    factory, index = stores
    store(factory, index)
    second = ArticleIn(title="Port busy", text='"Record traffic," Ivo Rask said.')
    store(factory, index, second)
    with factory() as session:
        names = [s.name for s, _ in speaker_repo.search_speakers(session, "rask")]
    assert names == ["Ivo Rask"]


def test_hostile_filter_value_matches_nothing(stores) -> None:
    factory, index = stores
    store(factory, index)
    assert search(index, SearchQuery(speakers=["Ivo Rask"]))["totalHits"] == 1
    hostile = 'x" OR speaker != "x'
    assert search(index, SearchQuery(speakers=[hostile]))["totalHits"] == 0
    assert search(index, SearchQuery(speakers=['\\" OR type = direct OR "']))["totalHits"] == 0


def _article(title: str, text: str, day: str = "2022-04-23") -> ArticleIn:
    return ArticleIn(title=title, text=text, outlet="Wire", published_at=day)


SPEAKER_TEXTS = [
    '"We will not give up," Zelenskiy said on Saturday.',
    '"The talks are hard," Ukrainian President Volodymyr Zelensky said.',
    '"Help us now," said Zelenskyy.',
    '"We need weapons," President Zelensky told reporters.',
    '"I am running," Joe Biden said.\n"My father is right," Hunter Biden said.',
    '"It is a special operation," the Kremlin said.',
    '"No comment," the Kremlin said in a statement.',
]


def assert_one_record_per_person(factory, index) -> None:
    with factory() as session:
        listed = {s.name: (n, s.aliases) for s, n in speaker_repo.search_speakers(session, None)}
    assert listed["Volodymyr Zelensky"][0] == 4
    assert {"Zelenskiy", "Zelenskyy"} <= set(listed["Volodymyr Zelensky"][1])
    assert listed["Joe Biden"][0] == 1 and listed["Hunter Biden"][0] == 1
    assert listed["Kremlin"][0] == 2
    assert not [name for name in listed if "Zelensk" in name and name != "Volodymyr Zelensky"]
    # the first quote was indexed under "Zelenskiy" and followed the rename into the index
    assert search(index, SearchQuery(speakers=["Volodymyr Zelensky"]))["totalHits"] == 4


def test_one_speaker_record_per_person_across_articles(stores) -> None:
    factory, index = stores
    for n, text in enumerate(SPEAKER_TEXTS):
        store(factory, index, _article(f"Story {n}", text))
    assert_one_record_per_person(factory, index)


def test_bulk_store_resolves_speakers_as_one_by_one_does(stores) -> None:
    factory, index = stores
    first = [(_article(f"Story {n}", t), extract_quotes(t)) for n, t in enumerate(SPEAKER_TEXTS)]
    cache = speaker_service.SpeakerCache()
    results = article_service.store_articles(
        factory, first[:2], cache
    )  # a batch, then one more on top
    results += article_service.store_articles(factory, first[2:], cache)
    assert [r.status for r in results] == ["new"] * len(SPEAKER_TEXTS)
    again = article_service.store_articles(factory, first[:1], cache)
    assert again[0].status == "unchanged" and again[0].article_id == results[0].article_id
    assert index_sync.drain_outbox(factory, index).error is None
    assert_one_record_per_person(factory, index)
    assert drift.check_drift(factory, index).clean


def test_two_candidates_with_the_surname_keep_a_bare_surname_apart(stores) -> None:
    factory, index = stores
    store(factory, index, _article("A", '"I am running," Joe Biden said.'))
    store(factory, index, _article("B", '"My father is right," Hunter Biden said.'))
    store(factory, index, _article("C", '"We will see," Biden said.'))
    with factory() as session:
        names = sorted(s.name for s, _ in speaker_repo.search_speakers(session, "biden"))
    assert names == ["Biden", "Hunter Biden", "Joe Biden"]


def test_merge_moves_quotes_and_reindexes(stores) -> None:
    factory, index = stores
    store(factory, index, _article("A", '"I am running," Joe Biden said.'))
    store(factory, index, _article("B", '"We will see," Joseph Robinette said.'))
    result = corrections.merge_speakers(
        factory, index, "joe-biden", "Joseph Robinette", "one person", "desk"
    )
    done = result.correction
    assert (done.after["speaker"], done.before["speaker"], done.after["moved"]) == (
        "Joe Biden",
        "Joseph Robinette",
        1,
    )
    assert result.sync.error is None
    with factory() as session:
        [(speaker, count)] = speaker_repo.search_speakers(session, "biden")
        assert count == 2 and "Joseph Robinette" in speaker.aliases
        assert speaker_repo.find_speaker(session, "joseph-robinette") is None
    assert search(index, SearchQuery(speakers=["Joe Biden"]))["totalHits"] == 2
    assert drift.check_drift(factory, index).clean


def test_merge_refuses_unknown_and_identical_speakers(stores) -> None:
    factory, index = stores
    store(factory, index, _article("A", '"I am running," Joe Biden said.'))
    for keep, other in (("joe-biden", "nobody"), ("joe-biden", "Joe Biden")):
        with pytest.raises(corrections.CorrectionError):
            corrections.merge_speakers(factory, index, keep, other, "one person", "desk")


def test_a_rebuild_with_batches_queued_in_meilisearch_takes_every_quote(
    stores, monkeypatch
) -> None:
    """One quote a batch, two batches left queued: every batch lands before the swap."""
    factory, index = stores
    monkeypatch.setattr(search_index, "REBUILD_BATCHES_IN_FLIGHT", 2)
    stored = set()
    for n in range(4):
        article = ArticleIn(
            title=f"Pier {n}", text=f'"Pier {n} opens in May," harbour master Ivo Rask said.'
        )
        stored.update(store(factory, index, article).quote_ids)
    write_index(index, [], sorted(stored))
    assert index_sync.rebuild_index(factory, index, batch_size=1) == len(stored) == 4
    assert ids_in(index) == stored
    assert drift.check_drift(factory, index).clean


def test_changes_during_a_rebuild_wait_and_follow_it(stores) -> None:
    factory, index = stores
    store(factory, index)
    added: list[int] = []

    def meanwhile(_: int) -> None:  # an article stored while the rebuild reads its snapshot
        if not added:
            late = ArticleIn(title="Late", text='"Arrived during the rebuild," Mia Strand said.')
            added.extend(
                article_service.store_article(factory, late, extract_quotes(late.text)).quote_ids
            )

    index_sync.rebuild_index(factory, index, batch_size=1, on_batch=meanwhile)
    with factory() as session:
        assert outbox.count_pending(session) == 1  # kept: the snapshot did not see it
    assert index_sync.drain_outbox(factory, index).indexed == 1
    assert drift.check_drift(factory, index).clean


def test_a_woken_index_worker_drains_before_its_tick(stores) -> None:
    """The API stores without draining and wakes the worker: the quotes are searchable long
    before the worker's next tick (30 s here)."""
    factory, index = stores
    worker = IndexWorker(factory, index, interval=30)
    worker.start()
    try:
        time.sleep(0.3)  # the first round (nothing to do) is over; the next is 30 s away
        stored = article_service.store_article(factory, ARTICLE, extract_quotes(ARTICLE.text))
        assert stored.pending == 2 and stored.sync is None
        worker.wake()
        deadline = time.monotonic() + 5
        while ids_in(index) != set(stored.quote_ids):
            assert time.monotonic() < deadline, "the woken worker did not drain"
            time.sleep(0.05)
    finally:
        worker.stop()


def sent_tasks(factory) -> list[list[int] | None]:
    with factory() as session:
        return list(session.scalars(select(IndexOutbox.task_uids).order_by(IndexOutbox.id)))


def test_a_drain_that_confirms_later_leaves_its_events_until_a_later_drain_settles_them(
    stores,
) -> None:
    """`confirm_later` sends and returns: the events stay, holding their task, searchable
    moments later; the next drain (or check) confirms the task and deletes them."""
    factory, index = stores
    article_service.store_article(
        factory, ARTICLE, extract_quotes(ARTICLE.text, ARTICLE.published_at)
    )
    sent = index_sync.drain_outbox(factory, index, confirm_later=True)
    assert sent.error is None and sent.pending == 0 and sent.awaiting == 2
    [uids, again] = sent_tasks(factory)
    assert uids and uids == again  # both quotes went in one task
    index.wait(uids[0])
    assert len(search(index, SearchQuery(q="port open"))["hits"]) == 2
    report = drift.check_drift(factory, index)  # settles the sent events first
    assert report.clean, report
    assert sent_tasks(factory) == []


def test_a_change_whose_task_was_lost_is_sent_again(stores) -> None:
    """A task Meilisearch no longer knows (its data was replaced since the send) is no
    confirmation: the change is queued again, counted as an attempt, and sent."""
    factory, index = stores
    article_service.store_article(
        factory, ARTICLE, extract_quotes(ARTICLE.text, ARTICLE.published_at)
    )
    with factory.begin() as session:
        session.execute(update(IndexOutbox).values(task_uids=[987_654_321]))
    assert index_sync.drain_outbox(factory, index, confirm_later=True).awaiting == 2
    with factory() as session:
        events = session.execute(select(IndexOutbox.attempts, IndexOutbox.task_uids)).all()
    assert {attempts for attempts, _ in events} == {1}
    assert all(uids and 987_654_321 not in uids for _, uids in events)  # sent anew
    result = index_sync.drain_outbox(factory, index)  # waits, confirms
    assert result.indexed == 2 and result.pending == result.awaiting == 0
    assert sent_tasks(factory) == []
    assert len(search(index, SearchQuery(q="port open"))["hits"]) == 2


def test_index_settings_are_sent_only_when_they_changed(stores) -> None:
    """Every command ensures the index; once its settings hold, no settings task is queued
    (each costs a command a Meilisearch round of indexing)."""
    _, index = stores
    index.ensure()
    before = index.client.get_tasks({"types": ["settingsUpdate"]}).total
    index.ensure()
    assert index.client.get_tasks({"types": ["settingsUpdate"]}).total == before
    index.wait(index.client.index(index.name).update_sortable_attributes(["id"]))  # by hand
    index.ensure()
    assert index.client.get_tasks({"types": ["settingsUpdate"]}).total == before + 2
    current = index.client.index(index.name).get_sortable_attributes()
    assert sorted(current) == ["id", "said_ts"]


SECOND = ArticleIn(
    title="Ferry strike ends",
    text=(
        '"The ferries sail at dawn," transport minister Lea Voss said on Tuesday.\n'
        "Skipper Tor Lund said that the crews had agreed to the new rota."
    ),
    outlet="Harbour News",
    published_at="2024-03-07",
)


def _with_a_refused_quote(factory, index) -> int:
    """Two articles' quotes stored, the index given the local model's vector embedder (384
    dimensions), and one quote's stored vector cut to two: Meilisearch refuses its document,
    and with it every document of the task. Returns that quote's id."""
    index.ensure(embedders={"minilm": {"source": "userProvided", "dimensions": 384}})
    for article in (ARTICLE, SECOND):
        article_service.store_article(
            factory, article, extract_quotes(article.text, article.published_at)
        )
    with factory.begin() as session:
        bad = session.scalar(select(Quote.id).where(Quote.cited.startswith("The ferries")))
        session.execute(update(Quote).where(Quote.id == bad).values(embedding=b"\0" * 8))
    return bad


@pytest.mark.parametrize("confirm_later", [False, True])
def test_a_document_meilisearch_refuses_is_set_aside_and_holds_up_nothing(
    stores, confirm_later: bool
) -> None:
    """One bad document fails its whole Meilisearch task: the batch is sent again in halves
    until the refused quote stands alone; its event is kept with the reason and no longer
    sent, every other quote is indexed, and later changes flow as before."""
    factory, index = stores
    bad = _with_a_refused_quote(factory, index)
    result = index_sync.drain_outbox(factory, index, confirm_later=confirm_later)
    if confirm_later:  # the refusal shows when a later drain settles the task
        assert result.awaiting == 4
        result = index_sync.drain_outbox(factory, index)
    assert result.error is None and result.refused == 1
    assert result.pending == 0 and result.awaiting == 0
    assert ids_in(index) == set(range(1, 5)) - {bad}
    with factory() as session:
        refused, reason = outbox.refused_summary(session)
        assert outbox.count_pending(session) == 0 and outbox.outbox_last_error(session) is None
    assert refused == 1 and reason and "invalid_vector_dimensions" in reason
    with factory() as session:  # what GET /v1/admin/index answers
        status = index_status(session)
    assert status.refused == 1 and status.refused_reason == reason and status.pending == 0
    assert index_sync.drain_outbox(factory, index).refused == 0  # not sent again

    report = drift.check_drift(factory, index)
    assert report.missing_from_index == [bad] and report.refused == 1
    with factory.begin() as session:  # the cause fixed: the repair takes it
        session.execute(update(Quote).where(Quote.id == bad).values(embedding=None))
    assert drift.repair_drift(factory, index, report).refused == 0
    assert drift.check_drift(factory, index).clean
    with factory() as session:
        assert outbox.refused_summary(session) == (0, None)
