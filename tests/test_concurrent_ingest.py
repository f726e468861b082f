"""Several `onrecord ingest` processes on one PostgreSQL and one Meilisearch, as on several
machines: each article is stored once, each person gets one record, every quote is indexed
exactly once, and `check` finds no drift — even when the processes read the same articles."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import func, select, text

from db.models import Speaker
from db.search_index import SearchIndex
from db.session import make_engine
from db.speakers.service import SpeakerCache, resolve_speakers
from tests.conftest import REPO, cli_env, run_cli
from tests.test_speaker_records import Draft

PEOPLE = [
    ("Mara Quillfeather", "mayor of Eastfield"),
    ("Tobias Wrenhollow", "harbour master"),
    ("Ilse Brackenridge", "union organiser"),
    ("Odile Fernsby", "head of the water board"),
    ("Caspar Thimbleton", "chief of the fire brigade"),
    ("Renata Oakhurst", "schools inspector"),
]
TOPICS = ["bridge", "ferry", "tunnel", "reservoir", "library", "tram line", "market", "dock"]


def article(n: int) -> dict:
    """A fictional article: two of the people above, each quoted directly and reported."""
    first, second = PEOPLE[n % len(PEOPLE)], PEOPLE[(n * 5 + 1) % len(PEOPLE)]
    topic = TOPICS[n % len(TOPICS)]
    lines = [f"The {topic} plan was debated again on day {n}."]
    for name, role in (first, second):
        surname = name.split()[-1]
        lines += [
            f'"We will finish the {topic} before the winter of year {n}," said {name}, the {role}.',
            f"{surname} said that the cost of the {topic} would be known by spring {n}.",
        ]
    return {
        "url": f"https://eastfield-gazette.example/{n}",
        "title": f"The {topic} plan, day {n}",
        "outlet": "Eastfield Gazette",
        "published_at": f"2024-03-{1 + n % 28:02d}",
        "text": "\n".join(lines),
    }


def write_jsonl(path: Path, numbers: range | list[int]) -> Path:
    path.write_text("".join(json.dumps(article(n)) + "\n" for n in numbers), encoding="utf-8")
    return path


def test_processes_ingesting_overlapping_archives_store_everything_once(settings, tmp_path) -> None:
    # three processes: each its own 20 articles plus the same 30 shared ones
    shared = list(range(30))
    files = [
        write_jsonl(tmp_path / f"part{p}.jsonl", shared + list(range(100 + 20 * p, 120 + 20 * p)))
        for p in range(3)
    ]
    env = cli_env(settings)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "onrecord", "ingest", str(f)],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outputs = [p.communicate(timeout=300) for p in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, out + err

    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        urls = conn.execute(text("SELECT url FROM article")).scalars().all()
        names = conn.execute(text("SELECT name FROM speaker")).scalars().all()
        quotes = conn.scalar(text("SELECT count(*) FROM quote"))
        per_article = conn.execute(
            text("SELECT article_id, count(*) FROM quote GROUP BY article_id")
        ).all()
    engine.dispose()
    assert len(urls) == len(set(urls)) == 30 + 3 * 20
    assert sorted(names) == sorted(name for name, _ in PEOPLE), names  # one record a person
    assert {count for _, count in per_article} == {4}  # no article's quotes stored twice
    check = run_cli(settings, "check")  # first confirms what the ingests sent without waiting
    assert check.returncode == 0, check.stdout + check.stderr
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    indexed = [int(doc["id"]) for doc in index.documents()]
    assert len(indexed) == len(set(indexed)) == quotes


def test_a_writer_waits_for_another_creating_the_same_person_and_then_finds_them(stores) -> None:
    """The race behind duplicate records: writer B looks the name up while A's new record is
    uncommitted; A commits before B picks a slug, so B's "mara-quill-2" would pass the unique
    key. B must wait for A's commit before looking up, then find A's record."""
    factory, _ = stores
    draft = Draft("Mara Quillfeather")
    with factory() as first:
        [created] = resolve_speakers(first, [draft], SpeakerCache())
        found: list[int | None] = []

        def second_writer() -> None:
            with factory() as second:
                found.extend(resolve_speakers(second, [draft], SpeakerCache()))
                second.commit()

        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive()  # waiting on the first writer's lookup lock
        first.commit()
    thread.join(timeout=30)
    assert found == [created]
    with factory() as session:
        assert session.scalar(select(func.count(Speaker.id))) == 1
