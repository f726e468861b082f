"""`onrecord check` by digest: each document carries the digest PostgreSQL computes of the row
it was made of, and check compares digests without building documents."""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select, update

from db.articles import service as article_service
from db.corrections import service as corrections
from db.index_sync import drift, outbox
from db.index_sync import service as index_sync
from db.index_sync.documents import (
    DOCUMENT_FORMAT_VERSION,
    document_digests,
    documents,
    quote_document,
)
from db.models import Article, Quote, Speaker, SpeakerMerge
from db.records import ArticleIn
from db.search_index import SearchIndex, SearchQuery, day_ts, settings_applied
from db.session import transaction
from indexer.extract import extract_quotes
from tests.conftest import run_cli, write_index
from tests.test_storage import search

ARTICLE = ArticleIn(
    title="Zoë's harbour — «ouvert»",
    text=(
        '"The café is open again ☕," said Zoë Ångström.\n"We will sail on Monday," said Ivo Rask.'
    ),
    outlet="Harbour News",
    published_at=date(2024, 3, 6),
)


def store(factory, index, article=ARTICLE) -> list[int]:
    extracted = extract_quotes(article.text, article.published_at)
    return article_service.store_and_index(factory, index, article, extracted).quote_ids


def digests_in_index(index: SearchIndex) -> dict[int, str | None]:
    return dict(index.digests(0))


def digests_in_database(factory) -> dict[int, str]:
    with factory() as session:
        return dict(document_digests(session, 0, 1000))


def test_the_digest_postgresql_computes_is_the_one_the_drain_wrote(stores) -> None:
    factory, index = stores
    first, second = store(factory, index)
    corrections.edit_speaker(
        factory, index, "Zoë Ångström", "known as", "desk", aliases=["Zoe Angstrom", "Z. Å."]
    )
    with transaction(factory) as session:  # NULLs wherever a document may have them
        session.execute(
            update(Quote)
            .where(Quote.id == second)
            .values(mention=None, cue=None, rule=None, said_on=None, confidence=0.1 + 0.2)
        )
        session.execute(update(Article).values(url=None, outlet=None, published_at=None))
        outbox.enqueue(session, [first, second])
    assert index_sync.drain_outbox(factory, index).error is None
    written = digests_in_index(index)
    assert written == digests_in_database(factory)
    assert all(d.startswith(f"{DOCUMENT_FORMAT_VERSION}:") for d in written.values() if d)
    assert len(set(written.values())) == 2
    assert drift.check_drift(factory, index).clean
    # a rebuilt index carries the same digests
    assert index_sync.rebuild_index(factory, index) == 2
    assert digests_in_index(index) == written


def test_a_null_moved_to_the_next_field_changes_the_digest(stores) -> None:
    factory, index = stores
    [quote_id, _] = store(factory, index)
    digests = []
    for mention, cue in [("said", None), (None, "said")]:
        with transaction(factory) as session:
            session.execute(
                update(Quote).where(Quote.id == quote_id).values(mention=mention, cue=cue)
            )
        digests.append(digests_in_database(factory)[quote_id])
    assert digests[0] != digests[1]


def test_an_alias_changed_behind_the_outbox_is_found_and_repaired(stores) -> None:
    factory, index = stores
    first, _ = store(factory, index)
    with transaction(factory) as session:  # no outbox event: the index does not know
        speaker_id = session.scalar(select(Quote.speaker_id).where(Quote.id == first))
        session.execute(
            update(Speaker).where(Speaker.id == speaker_id).values(aliases=["The Harbour Master"])
        )
    report = drift.check_drift(factory, index)
    assert report.different == [first] and not report.outdated and not report.clean
    assert search(index, SearchQuery(speakers=["The Harbour Master"]))["totalHits"] == 0
    assert drift.repair_drift(factory, index, report).error is None
    assert drift.check_drift(factory, index).clean
    assert search(index, SearchQuery(speakers=["The Harbour Master"]))["totalHits"] == 1


def test_merged_records_are_in_the_digest_in_merge_order(stores) -> None:
    factory, index = stores
    kept, first = store(factory, index)
    [second] = store(factory, index, ArticleIn(title="Quay", text='"Tides," said Petra Lund.'))
    with factory() as session:
        speakers = {q: s for q, s in session.execute(select(Quote.id, Quote.speaker_id))}
    corrections.merge_speakers(factory, index, "Zoë Ångström", "petra-lund", "one", "desk")
    corrections.merge_speakers(factory, index, "Zoë Ångström", "ivo-rask", "one", "desk")
    with factory() as session:
        [doc] = [d for d in documents(session, [second, kept]) if d["id"] == kept]
    merged = ["petra-lund", "ivo-rask", str(speakers[second]), str(speakers[first])]
    assert [key for key in doc["speaker_keys"] if key in merged] == merged
    written = digests_in_index(index)
    assert written == digests_in_database(factory) and drift.check_drift(factory, index).clean
    with transaction(factory) as session:  # the first merge forgotten behind the outbox
        session.execute(delete(SpeakerMerge).where(SpeakerMerge.slug == "petra-lund"))
    assert sorted(drift.check_drift(factory, index).different) == sorted([kept, first, second])


@pytest.mark.parametrize("batch_size", [1, 10_000])  # ranges read ahead, or all in one
def test_a_missing_and_an_extra_document_are_found(stores, batch_size) -> None:
    factory, index = stores
    first, second = store(factory, index)
    write_index(index, [{"id": second + 1000, "text": "ghost", "type": "direct"}], [first])
    report = drift.check_drift(factory, index, batch_size)
    assert report.missing_from_index == [first]
    assert report.not_in_database == [second + 1000]
    assert (report.in_database, report.in_index, report.different) == (2, 2, [])
    assert drift.repair_drift(factory, index, report).error is None
    assert digests_in_index(index) == digests_in_database(factory)


def test_documents_of_an_older_onrecord_are_outdated_until_repaired(settings, stores) -> None:
    factory, index = stores
    first, second = store(factory, index)
    with factory() as session:
        old, other = documents(session, [first, second])
    del old["digest"]  # type: ignore[misc]  # as written before digests
    other["digest"] = f"{DOCUMENT_FORMAT_VERSION - 1}:{other['digest'].partition(':')[2]}"
    write_index(index, [old, other], [])
    report = drift.check_drift(factory, index)
    assert report.outdated == [first, second] and report.different == []
    found = run_cli(settings, "check")
    assert found.returncode == 1
    assert "indexed by an older OnRecord (`onrecord reindex` rewrites them all): 2" in found.stdout
    repaired = run_cli(settings, "check", "--repair")
    assert repaired.returncode == 0 and "repaired: no drift" in repaired.stdout


def test_hits_never_show_the_digest(stores) -> None:
    factory, index = stores
    store(factory, index)
    hits = search(index, SearchQuery())["hits"]  # every quote
    assert sorted(hit["speaker"] for hit in hits) == ["Ivo Rask", "Zoë Ångström"]
    assert all("digest" not in hit and hit["cited"] and hit["context"] for hit in hits)
    assert all(digests_in_index(index).values())  # the documents API still gives it
    current = index.index.get_settings()
    assert settings_applied(search_settings_wanted(index), current)  # ensure sends nothing


def search_settings_wanted(index: SearchIndex) -> dict:
    from db.search_index import index_settings

    return index_settings(index.embedder, index.remote)


def test_the_document_builder_is_pinned_to_its_format_version() -> None:
    """A change to what `quote_document` makes of a row must bump DOCUMENT_FORMAT_VERSION,
    or `check` cannot tell documents written by the old builder: then update this test."""
    row = {
        "id": 7,
        "text": "We will sail, he said, on Monday",
        "cited": "We will sail … on Monday",
        "type": "direct",
        "speaker_id": 3,
        "speaker_name": "Ivo Rask",
        "speaker_slug": "ivo-rask",
        "speaker_aliases": ["I. Rask"],
        "speaker_kind": "person",
        "speaker_merged_slugs": ["rask"],
        "speaker_merged_ids": [9],
        "mention": "Ivo Rask",
        "cue": "said",
        "rule": "direct_cue_after:name",
        "context": "At the port.",
        "confidence": 0.75,
        "said_on": None,
        "article_id": 2,
        "article_title": "Port",
        "article_url": None,
        "outlet": "Harbour News",
        "published_at": date(2024, 3, 6),
        "statement_id": 7,
        "first_quote_id": 7,
        "first_outlet": "Harbour News",
        "first_on": date(2024, 3, 6),
        "statement_reports": 1,
        "statement_outlets": 1,
        "digest": "1:x",
    }
    assert DOCUMENT_FORMAT_VERSION == 2
    assert quote_document(row) == {  # type: ignore[arg-type]
        "id": 7,
        "text": "We will sail, he said, on Monday",
        "cited": "We will sail … on Monday",
        "type": "direct",
        "speaker_id": 3,
        "speaker": "Ivo Rask",
        "speaker_slug": "ivo-rask",
        "speaker_aliases": ["I. Rask"],
        "speaker_keys": ["3", "ivo-rask", "Ivo Rask", "I. Rask", "rask", "9", "Rask"],
        "mention": "Ivo Rask",
        "cue": "said",
        "rule": "direct_cue_after:name",
        "context": "At the port.",
        "confidence": 0.75,
        "said_on": "2024-03-06",
        "said_ts": 1709683200,
        "year": 2024,
        "article_id": 2,
        "article_title": "Port",
        "article_url": None,
        "outlet": "Harbour News",
        "published_at": "2024-03-06",
        "statement_id": 7,
        "statement_reports": 1,
        "statement_outlets": 1,
        "first_quote_id": 7,
        "first_outlet": "Harbour News",
        "first_on": "2024-03-06",
        "digest": "1:x",
    }


def test_a_day_is_the_unix_time_of_its_midnight_utc() -> None:
    for day in [date(1, 1, 1), date(1969, 12, 31), date(1970, 1, 1), date(2024, 2, 29)]:
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        assert day_ts(day) == int(midnight.timestamp())
    assert day_ts(date(1970, 1, 2)) == 86_400


def test_a_rebuild_builds_its_batches_with_fewer_collections_then_restores_them(stores) -> None:
    factory, index = stores
    store(factory, index)
    before = gc.get_threshold()
    during: list[int] = []
    index_sync.rebuild_index(
        factory, index, on_batch=lambda _: during.append(gc.get_threshold()[0])
    )
    assert during == [50_000] and gc.get_threshold() == before
