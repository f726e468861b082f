"""Editors' corrections: audited, reversible, kept through re-ingest and re-extraction, and
followed by the search index; readers' flags reach the editors' queue.

Every name and sentence here is made up for the tests.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from db.api_keys.service import Scope
from db.articles import service as article_service
from db.corrections import repository as correction_repo
from db.corrections import service as corrections
from db.corrections.service import CorrectionError, NewSpeaker
from db.index_sync import drift
from db.models import Correction, Quote
from db.records import ArticleIn
from db.search_index import SearchQuery
from db.speakers import repository as speaker_repo
from indexer.extract import extract_quotes
from tests.conftest import run_cli, serve_app
from tests.test_security import make_key
from tests.test_storage import search

URL = "https://example.org/harbour-berths"
STORY = (
    "The port reopened on Monday.\n"
    '"The ferries will run on time," said Mara Lind, the harbour master.\n'
    '"We need more berths," Tomas Brek said on Tuesday.\n'
    "The council met for an hour.\n"
)
# one word changed before the quotes: every offset after it moves
EDITED = STORY.replace("The port reopened", "The harbour reopened")


def hits(index, speaker: str) -> int:
    return search(index, SearchQuery(speakers=[speaker]))["totalHits"]


def quote_with(factory, words: str) -> Quote:
    with factory() as session:
        found = session.scalar(select(Quote).where(Quote.text.contains(words)))
        assert found is not None, words
        return found


def store(factory, index, body: str = STORY) -> None:
    article = ArticleIn(title="Berths", text=body, url=URL, published_at=date(2024, 3, 4))
    article_service.store_and_index(factory, index, article, extract_quotes(body))


def assert_clean(factory, index) -> None:
    report = drift.check_drift(factory, index)
    assert report.clean, report


def test_reassign_survives_ingest_and_edit_and_reverts_by_cli(settings, stores, tmp_path: Path):
    factory, index = stores
    story = tmp_path / "berths.txt"
    story.write_text("Berths\n\n" + STORY)  # a .txt file starts with its headline
    ingest = (
        "ingest",
        str(story),
        "--url",
        URL,
        "--title",
        "Berths",
        "--date",
        "2024-03-04",
        "--wait",
    )
    assert run_cli(settings, *ingest).returncode == 0
    quote = quote_with(factory, "ferries")
    assert hits(index, "Mara Lind") == 1 and hits(index, "Tomas Brek") == 1

    done = run_cli(
        settings,
        "quotes",
        "reassign",
        str(quote.id),
        "--to",
        "Tomas Brek",
        "--reason",
        "the recording says so",
        "--editor",
        "desk",
    )
    assert done.returncode == 0, done.stderr
    assert "attributed to Tomas Brek (was Mara Lind)" in done.stdout
    assert hits(index, "Tomas Brek") == 2 and hits(index, "Mara Lind") == 0
    assert run_cli(settings, "check").returncode == 0

    assert run_cli(settings, *ingest).returncode == 0  # the same article again
    assert hits(index, "Tomas Brek") == 2 and hits(index, "Mara Lind") == 0

    story.write_text("Berths\n\n" + EDITED)  # re-extracted: new quote ids at moved offsets
    assert run_cli(settings, *ingest).returncode == 0
    moved = quote_with(factory, "ferries")
    assert moved.id != quote.id and moved.start == quote.start + 3
    assert hits(index, "Tomas Brek") == 2 and hits(index, "Mara Lind") == 0
    assert run_cli(settings, "check").returncode == 0

    listed = run_cli(settings, "quotes", "corrections", "--quote", str(moved.id))
    assert listed.returncode == 0 and "desk" in listed.stdout
    [correction_id] = re.findall(r"^\s*(\d+)\s", listed.stdout, re.MULTILINE)
    reverted = run_cli(settings, "corrections", "revert", correction_id)
    assert reverted.returncode == 0, reverted.stderr
    assert hits(index, "Mara Lind") == 1 and hits(index, "Tomas Brek") == 1
    assert run_cli(settings, "check").returncode == 0
    again = run_cli(settings, "corrections", "revert", correction_id)
    assert again.returncode == 1 and "already reverted" in again.stderr


def test_reject_and_redate_survive_re_extraction_and_revert(stores):
    factory, index = stores
    store(factory, index)
    ferries, berths = quote_with(factory, "ferries"), quote_with(factory, "berths")
    rejected = corrections.reject_quote(factory, index, ferries.id, "a headline", "desk")
    redated = corrections.redate_quote(
        factory, index, berths.id, date(2024, 3, 5), "said on Tuesday", "desk"
    )
    assert hits(index, "Mara Lind") == 0
    assert_clean(factory, index)

    store(factory, index, EDITED)
    with factory() as session:
        texts = [q.text for q in session.scalars(select(Quote))]
    assert not any("ferries" in t for t in texts)  # still rejected after re-extraction
    assert quote_with(factory, "berths").said_on == date(2024, 3, 5)
    assert_clean(factory, index)

    later = corrections.redate_quote(
        factory, index, quote_with(factory, "berths").id, date(2024, 3, 6), "again", "desk"
    )
    with pytest.raises(CorrectionError, match="revert that one first"):
        corrections.revert_correction(factory, index, redated.correction.id, "desk")
    corrections.revert_correction(factory, index, later.correction.id, "desk")
    corrections.revert_correction(factory, index, rejected.correction.id, "desk")
    corrections.revert_correction(factory, index, redated.correction.id, "desk")
    back = quote_with(factory, "ferries")
    assert back.start == ferries.start + 3  # the latest extraction came back, not the first
    assert quote_with(factory, "berths").said_on == date(2024, 3, 4)
    assert hits(index, "Mara Lind") == 1
    assert_clean(factory, index)


def test_split_and_rename_are_audited_and_undone(stores):
    factory, index = stores
    store(factory, index)
    ferries = quote_with(factory, "ferries")
    split = corrections.split_speaker(
        factory,
        index,
        "Mara Lind",
        [ferries.id],
        NewSpeaker("Mara Lindqvist"),
        "two people",
        "desk",
    )
    assert split.correction.after["created"] is True
    assert hits(index, "Mara Lindqvist") == 1 and hits(index, "Mara Lind") == 0
    renamed = corrections.edit_speaker(
        factory,
        index,
        "Tomas Brek",
        "spelling",
        "desk",
        name="Tomas Breck",
        aliases=["T. Breck"],
    )
    assert hits(index, "T. Breck") == 1
    assert_clean(factory, index)
    with pytest.raises(CorrectionError, match="not quotes of"):
        corrections.split_speaker(
            factory, index, "Tomas Breck", [ferries.id], "Mara Lind", "wrong", "desk"
        )
    corrections.revert_correction(factory, index, renamed.correction.id, "desk")
    corrections.revert_correction(factory, index, split.correction.id, "desk")
    assert hits(index, "Tomas Brek") == 1 and hits(index, "T. Breck") == 0
    assert hits(index, "Mara Lind") == 1
    assert_clean(factory, index)
    with factory() as session:
        assert speaker_repo.find_speaker(session, "Mara Lindqvist") is None  # made for it, gone
        audit = correction_repo.list_corrections(session)
    assert [c.action for c in audit] == ["edit_speaker", "split"]
    assert all(c.reverted_by == "desk" for c in audit)


def test_api_corrections_and_flags(api: httpx.Client, settings, stores):
    factory, index = stores
    store(factory, index)
    ferries = quote_with(factory, "ferries")
    editor = {"X-API-Key": make_key(settings, Scope.edit)}
    writer = {"X-API-Key": make_key(settings, Scope.write)}
    body = {"action": "reassign", "new_speaker": "Ines Vall", "reason": "tape"}
    path = f"/v1/quotes/{ferries.id}/corrections"
    assert api.post(path, json=body).status_code == 401
    assert api.post(path, json=body, headers=writer).status_code == 403
    assert api.post(path, json={**body, "speaker": "x"}, headers=editor).status_code == 422
    made = api.post(path, json=body, headers=editor)
    assert made.status_code == 201, made.text
    assert made.json()["summary"] == "attributed to Ines Vall (was Mara Lind)"
    assert made.json()["editor"].startswith("test (")
    assert api.get("/v1/search", params={"speaker": "Ines Vall"}).json()["total"] == 1
    page = api.get(f"/quotes/{ferries.id}")
    assert "Corrected by an editor on" in page.text and "Report wrong attribution" in page.text
    speaker_page = api.get(f"/speakers/{made.json()['after']['speaker_id']}", follow_redirects=True)
    assert "Corrected by an editor on" in speaker_page.text

    berths = quote_with(factory, "berths")
    flag = {"reason": "wrong_speaker", "note": "it was the mayor"}
    assert api.post(f"/v1/quotes/{berths.id}/flags", json=flag).status_code == 201
    assert api.post(f"/v1/quotes/{berths.id}/flags", json={"reason": "nope"}).status_code == 422
    form = api.post(
        f"/quotes/{berths.id}/flag",
        content="reason=wrong_date&note=",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 303 and form.headers["location"].endswith("?flagged=1#flag")
    assert api.get("/v1/flags").status_code == 401
    queue = api.get("/v1/flags", headers=editor).json()
    assert queue["open"] == 2
    [item] = queue["quotes"]
    assert item["quote_id"] == berths.id and item["count"] == 2
    assert item["reasons"] == {"wrong_speaker": 1, "wrong_date": 1}
    assert item["notes"] == ["it was the mayor"]

    audit = api.get("/v1/corrections", headers=editor).json()
    assert [c["id"] for c in audit] == [made.json()["id"]]
    undone = api.post(f"/v1/corrections/{made.json()['id']}/revert", headers=editor)
    assert undone.status_code == 200 and undone.json()["reverted_at"]
    assert api.get("/v1/search", params={"speaker": "Mara Lind"}).json()["total"] == 1
    edited = api.patch(
        f"/v1/speakers/{berths.speaker_id}",
        json={"description": "the mayor", "reason": "bio"},
        headers=editor,
    )
    assert edited.status_code == 200, edited.text
    split = api.post(
        f"/v1/speakers/{berths.speaker_id}/split",
        json={"quote_ids": [berths.id], "new_speaker": "Oda Brek", "reason": "two people"},
        headers=editor,
    )
    assert split.status_code == 201, split.text
    assert api.get("/v1/search", params={"speaker": "Oda Brek"}).json()["total"] == 1
    assert_clean(factory, index)


def test_cli_rejects_redates_renames_and_splits(settings, stores) -> None:
    """The command-line equivalents of the editors' forms, each audited and followed by the
    index (`check` clean after each)."""
    factory, index = stores
    store(factory, index)
    ferries, berths = quote_with(factory, "ferries"), quote_with(factory, "berths")
    done = run_cli(settings, "quotes", "redate", str(berths.id), "2024-03-01", "-r", "the log")
    assert done.returncode == 0, done.stderr
    done = run_cli(
        settings,
        "speakers",
        "rename",
        "Mara Lind",
        "--name",
        "Mara Lindqvist",
        "--alias",
        "Lindqvist",
        "-r",
        "her full name",
    )
    assert done.returncode == 0, done.stderr
    assert hits(index, "Lindqvist") == 1 and hits(index, "mara-lind") == 1
    done = run_cli(
        settings,
        "speakers",
        "split",
        "Tomas Brek",
        str(berths.id),
        "--new",
        "Oda Brek",
        "-r",
        "another Brek",
    )
    assert done.returncode == 0, done.stderr
    assert hits(index, "Oda Brek") == 1 and hits(index, "Tomas Brek") == 0
    assert run_cli(settings, "quotes", "reject", str(ferries.id), "-r", "a sign").returncode == 0
    assert hits(index, "Lindqvist") == 0
    assert run_cli(settings, "check").returncode == 0
    with factory() as session:
        assert session.get(Quote, berths.id).said_on == date(2024, 3, 1)
        actions = [c.action for c in session.scalars(select(Correction).order_by(Correction.id))]
    assert actions == ["redate", "edit_speaker", "split", "reject"]
    listed = run_cli(settings, "quotes", "corrections").stdout
    assert "another Brek" in listed and "a sign" in listed


def test_readers_flags_are_rate_limited_per_address(settings, stores) -> None:
    """No account is needed to flag, so the address's write allowance bounds a flood, from the
    API and the page's form alike; what got through is counted in the queue."""
    factory, index = stores
    store(factory, index)
    berths = quote_with(factory, "berths")
    with serve_app(settings.model_copy(update={"rate_limit_write": "3/minute"})) as api:
        flag = {"reason": "wrong_speaker"}
        codes = [api.post(f"/v1/quotes/{berths.id}/flags", json=flag).status_code for _ in "ab"]
        page = api.post(f"/quotes/{berths.id}/flag", data=flag, follow_redirects=False)
        late = api.post(f"/quotes/{berths.id}/flag", data=flag, follow_redirects=False)
        assert [*codes, page.status_code, late.status_code] == [201, 201, 303, 429]
        assert int(late.headers["Retry-After"]) >= 1
        assert api.post(f"/v1/quotes/{berths.id}/flags", json=flag).status_code == 429
        editor = {"X-API-Key": make_key(settings, Scope.edit)}
        [item] = api.get("/v1/flags", headers=editor).json()["quotes"]
        assert item["quote_id"] == berths.id and item["count"] == 3
