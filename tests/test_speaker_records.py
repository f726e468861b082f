"""One record per person across the archive: identity rules, slugs, the speaker filter,
merges that can be undone, and index documents that follow every change to a speaker.

Every name and sentence here is made up for the tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from db.articles import service as article_service
from db.corrections import service as corrections
from db.index_sync import drift
from db.index_sync import service as index_sync
from db.records import ArticleIn
from db.search_index import SearchQuery
from db.speakers import repository as speaker_repo
from indexer.extract import extract_quotes
from tests.conftest import run_cli, shared_path
from tests.test_storage import search


@dataclass(frozen=True)
class Draft:
    """A quote as extraction hands it to storage, written by hand to pin the evidence."""

    speaker: str | None
    text: str = "We will see."
    speaker_kind: str | None = "person"
    speaker_aliases: tuple[str, ...] = ()
    speaker_description: str | None = None
    mention: str | None = None
    confidence: float = 0.9
    type: str = "direct"
    start: int = 1
    end: int = 13
    mention_start: int | None = None
    mention_end: int | None = None
    cue: str | None = "said"
    context: str = '"We will see," they said.'
    said_on: date | None = None
    cited: str = "We will see."
    parts: tuple[tuple[int, int], ...] = ((1, 13),)
    rule: str | None = "direct_cue_after:name"


_count = 0


def put(stores, *drafts: Draft) -> list[int]:
    """Store one article holding these quotes; the quotes' speaker ids, in order."""
    global _count
    _count += 1
    factory, index = stores
    article = ArticleIn(title=f"Story {_count}", text=f'"We will see," they said. {_count}')
    result = article_service.store_and_index(factory, index, article, list(drafts))
    with factory() as session:
        return [
            article_service.repository.get_quote(session, q).speaker_id for q in result.quote_ids
        ]


def speaker(stores, speaker_id: int):
    factory, _ = stores
    with factory() as session:
        return speaker_repo.get_speaker(session, speaker_id)


# --- the five wrong records of issue 13, with names made up for the tests ---


def test_mr_never_joins_a_womans_record(stores) -> None:
    [barak] = put(stores, Draft("Barak Obrel", mention="he"))
    [marla] = put(stores, Draft("Marla Obrel", speaker_aliases=("Mr. Obrel",), mention="she"))
    [mister] = put(stores, Draft("Mr. Obrel"))
    assert barak != marla and mister == barak
    assert "Mr. Obrel" not in speaker(stores, marla).aliases


def test_a_daughter_keeps_her_own_record_and_not_her_fathers_quotes(stores) -> None:
    [father] = put(stores, Draft("Dolan Trask", mention="he"))
    [daughter] = put(stores, Draft("Ivanka Trask", speaker_aliases=("Trask",), mention="she"))
    [mother] = put(stores, Draft("Ivana Trask", mention="she"))  # one letter fewer: another name
    assert len({father, daughter, mother}) == 3
    [his] = put(stores, Draft("Trask", mention="he"))  # two women and one man: it is his
    assert his == father


def test_a_bare_surname_joins_the_full_name_it_can_only_be(stores) -> None:
    [full] = put(stores, Draft("Barak Obrel"))
    [bare] = put(stores, Draft("Obrel"))
    assert bare == full


def test_a_bare_surname_shared_by_two_people_stays_apart_until_the_text_says_which(stores) -> None:
    [barak] = put(stores, Draft("Barak Obrel", mention="he"))
    [marla] = put(stores, Draft("Marla Obrel", mention="she"))
    [unsure] = put(stores, Draft("Obrel"))
    [hers] = put(stores, Draft("Obrel", mention="she"))
    [missus] = put(stores, Draft("Mrs. Obrel"))
    assert unsure not in {barak, marla}
    assert hers == missus == marla


def test_father_and_son_are_two_records(stores) -> None:
    [father] = put(stores, Draft("Dolan Trask"))
    [son] = put(stores, Draft("Dolan Trask Jr."))
    [son_again] = put(stores, Draft("Dolan J. Trask Jr."))
    assert father != son == son_again


def test_low_confidence_quotes_teach_a_record_no_names(stores) -> None:
    [first] = put(stores, Draft("Lena Varga"))
    [second] = put(stores, Draft("Lena Varga", speaker_aliases=("Lena K. Varga",), confidence=0.3))
    assert first == second
    assert speaker(stores, first).aliases == []


def test_a_surname_record_learns_the_full_name(stores) -> None:
    [bare] = put(stores, Draft("Korvath"))
    [full] = put(stores, Draft("Ilse Korvath"))
    assert bare == full
    record = speaker(stores, full)
    assert record.name == "Ilse Korvath" and "Korvath" in record.aliases


def test_an_organisation_is_not_a_person(stores) -> None:
    [org] = put(stores, Draft("Halvard Group", speaker_kind="org"))
    [person] = put(stores, Draft("Ansel Halvard"))
    assert org != person


def test_names_in_any_script_are_different_people_with_readable_slugs(stores) -> None:
    names = ["Владимир Путин", "Владимир Зеленский", "Κυριάκος Μητσοτάκης", "Ангела Меркель"]
    ids = [put(stores, Draft(name))[0] for name in names]
    assert len(set(ids)) == 4
    slugs = [speaker(stores, i).slug for i in ids]
    assert slugs == ["vladimir-putin", "vladimir-zelenskiy", "kyriakos-mitsotakis", "angela-merkel"]
    again = put(stores, Draft("Владимир Путин"))
    assert again == [ids[0]]


def test_slugs_stay_unique_for_two_people_of_one_name(stores) -> None:
    [one] = put(stores, Draft("Ivo Rask Jr."))
    [two] = put(stores, Draft("Ivo Rask, Jr"))  # the same words, a different name: same record
    [three] = put(stores, Draft("Ivo Rask"))  # the father
    assert one == two != three
    assert speaker(stores, one).slug == "ivo-rask-jr"
    assert speaker(stores, three).slug == "ivo-rask"
    [unnamed] = put(stores, Draft("\u200b\u0301", speaker_kind="org"))
    assert speaker(stores, unnamed).slug == f"speaker-{unnamed}"


# --- what people type in `speaker=` ---


def test_speaker_filter_takes_a_name_alias_slug_surname_or_id(stores) -> None:
    _, index = stores
    [zed] = put(stores, Draft("Zelensky"))
    put(stores, Draft("Volodymyr Zelensky", speaker_aliases=("Zelenskyy",)))
    put(stores, Draft("Petra Lund"))
    record = speaker(stores, zed)
    for value in ["Volodymyr Zelensky", "Zelenskyy", "Zelensky", record.slug, str(zed)]:
        found = search(index, SearchQuery(speakers=[value]))
        assert found["totalHits"] == 2, value
        assert {(h["speaker_id"], h["speaker_slug"]) for h in found["hits"]} == {(zed, "zelensky")}
    assert search(index, SearchQuery(speakers=['x" OR speaker_keys != "x']))["totalHits"] == 0


def test_api_csv_and_pages_resolve_what_people_type(stores, api) -> None:
    factory, index = stores
    [keep] = put(stores, Draft("Volodymyr Zelensky"))
    [other] = put(stores, Draft("Wolodymyr Selenskyj"))
    merged = corrections.merge_speakers(factory, index, str(keep), str(other), "one", "desk")
    assert merged.correction.after["moved"] == 1
    for value in ["Zelensky", "volodymyr-zelensky", str(keep), "wolodymyr-selenskyj", str(other)]:
        body = api.get("/v1/search", params={"speaker": value}).json()
        assert body["total"] == 2, value
        assert body["hits"][0]["speaker"]["slug"] == "volodymyr-zelensky"
        csv = api.get("/v1/search.csv", params={"speaker": value}).text
        assert len(csv.strip().splitlines()) == 3, value
        page = api.get("/", params={"speaker": value}).text  # the search page (and the widget's
        assert page.count('<article class="card"') == 2, value  # /v1/search above)
    moved = api.get("/speakers/wolodymyr-selenskyj?q=see", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == "/speakers/volodymyr-zelensky?q=see"
    assert api.get(f"/speakers/{keep}", follow_redirects=False).status_code == 308
    assert api.get("/speakers/volodymyr-zelensky?q=see").status_code == 200
    assert api.get("/speakers/nobody-at-all").status_code == 404
    gone = api.get(f"/v1/speakers/{other}", follow_redirects=False)  # the API's saved links
    assert gone.status_code == 308 and gone.headers["location"] == f"/v1/speakers/{keep}"
    followed = api.get(f"/v1/speakers/{other}", follow_redirects=True)
    assert followed.json()["slug"] == "volodymyr-zelensky"
    assert api.get("/v1/speakers/999999999").status_code == 404


def test_unmerge_gives_back_the_record_and_its_quotes(stores) -> None:
    factory, index = stores
    [keep] = put(stores, Draft("Ada Quill"))
    [other, _] = put(stores, Draft("Orla Finch"), Draft("Orla Finch", start=14, end=20))
    corrections.merge_speakers(factory, index, "ada-quill", "orla-finch", "wrongly", "desk")
    assert search(index, SearchQuery(speakers=["Ada Quill"]))["totalHits"] == 3
    result = corrections.unmerge_speaker(factory, index, "orla-finch", "desk")
    assert (result.kept, result.merged, result.moved) == ("Ada Quill", "Orla Finch", 2)
    restored = speaker(stores, other)
    assert restored.slug == "orla-finch" and "Orla Finch" not in speaker(stores, keep).aliases
    assert search(index, SearchQuery(speakers=["orla-finch"]))["totalHits"] == 2
    assert search(index, SearchQuery(speakers=["Ada Quill"]))["totalHits"] == 1
    assert drift.check_drift(factory, index).clean


# --- the index follows every change to a speaker ---

GROWING = [
    '"The harbour stays open," Zelensky said on Monday.',
    '"We will rebuild," said Volodymyr Zelensky.',
    '"The ships will come," said Zelenskyy, the president.',
    '"No comment," Mrs. Varga said.\n"We disagree," Hanna Varga said.',
    '"It is a fair deal," Mr. Zelenskiy told reporters.',
]


def test_ingesting_one_by_one_leaves_no_drift(stores) -> None:
    factory, index = stores
    for n, text in enumerate(GROWING):
        article = ArticleIn(title=f"Harbour {n}", text=text, published_at="2024-05-0" + str(n + 1))
        article_service.store_and_index(factory, index, article, extract_quotes(text))
        assert index_sync.drain_outbox(factory, index).error is None
        report = drift.check_drift(factory, index)
        assert report.clean, (n, report)
    # the first quote, stored as "Zelensky", is found by every name learned after it
    for alias in ["Zelenskyy", "Zelenskiy", "Volodymyr Zelensky"]:
        assert search(index, SearchQuery(speakers=[alias]))["totalHits"] == 4, alias
        assert search(index, SearchQuery(q=alias))["totalHits"] >= 4, alias


# --- the whole archive, scored (skips without ../shared) ---


def test_export_scores_records_against_people_on_dev(settings, tmp_path: Path) -> None:
    dev = shared_path("polnear", "dev")
    scorer = shared_path("eval", "score_speakers.py")
    ingest = run_cli(settings, "ingest", str(dev / "text"), "--meta-from-name")
    assert ingest.returncode == 0, ingest.stderr
    export = tmp_path / "export.jsonl"
    done = run_cli(settings, "export", "--format", "eval", "--out", str(export))
    assert done.returncode == 0, done.stderr
    first = json.loads(export.read_text().splitlines()[0])
    assert {"doc", "start", "end", "speaker", "speaker_id", "type"} <= set(first)
    scored = subprocess.run(
        [sys.executable, str(scorer), str(dev), str(export), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(scored.stdout)
    direct, every = result["direct"]["bcubed"], result["all"]["bcubed"]
    # floors a little under what is reached (see benchmarks/speaker_records.py)
    assert direct["precision"] >= 0.975 and direct["recall"] >= 0.955, direct
    assert every["precision"] >= 0.947 and every["recall"] >= 0.907, every
