"""`onrecord backup` / `onrecord restore` end to end: every row (articles, quotes, speakers,
corrections, API keys, the outbox) comes back the same, the index is rebuilt from it, and a
database with rows is never overwritten without --force."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.search_index import SearchIndex
from db.session import make_engine
from tests.conftest import API_KEY, run_cli

STORY = (
    '"The ferry timetable will change in May," port director Mara Lind said on Tuesday.\n'
    '"Night crossings stay," she added.\n'
    "Union leader Tomas Brek said that the crews had not been asked."
)


def contents(database_url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in key order, and the sequences' next values."""
    engine = make_engine(database_url)
    with engine.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ).scalars()
        found = {
            t: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}" ORDER BY 1'))]
            for t in list(tables)
        }
        sequences = conn.execute(text("SELECT sequencename FROM pg_sequences")).scalars()
        for seq in list(sequences):
            found[f"sequence {seq}"] = [
                tuple(conn.execute(text(f'SELECT last_value FROM "{seq}"')).one())
            ]
    engine.dispose()
    return found


def test_backup_and_restore_bring_back_everything(settings, tmp_path: Path) -> None:
    story = tmp_path / "ferries.txt"
    story.write_text("Ferries\n\n" + STORY)
    ingest = ("ingest", str(story), "--url", "https://example.org/ferries", "--date", "2024-03-05")
    assert run_cli(settings, *ingest, "--outlet", "Port Post").returncode == 0
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        quote_id = conn.execute(text("SELECT min(id) FROM quote")).scalar_one()
    engine.dispose()
    corrected = run_cli(
        settings, "quotes", "reassign", str(quote_id), "--to", "Tomas Brek", "-r", "the tape"
    )
    assert corrected.returncode == 0, corrected.stderr
    assert run_cli(settings, "keys", "create", "desk", "--scope", "write").returncode == 0
    before = contents(settings.database_url)
    assert before["correction"] and len(before["api_key"]) == 1 and len(before["quote"]) == 3

    folder = tmp_path / "backup"
    made = run_cli(settings, "backup", str(folder))
    assert made.returncode == 0, made.stderr
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["counts"]["quote"] == 3 and manifest["counts"]["api_key"] == 1
    assert manifest["alembic_revision"] and manifest["dump"]["sha256"]
    assert manifest["postgres"]["server"].split(".")[0] == manifest["postgres"]["pg_dump"][:2]
    again = run_cli(settings, "backup", str(folder))
    assert again.returncode == 1 and "not an empty folder" in again.stderr

    refused = run_cli(settings, "restore", str(folder))  # this database has rows
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert contents(settings.database_url) == before

    # into an empty database of its own, with an index of its own
    admin = make_url(settings.database_url)
    name = f"restored_{uuid.uuid4().hex[:8]}"
    engine = make_engine(admin.set(database="postgres").render_as_string(False))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    target = settings.model_copy(
        update={
            "database_url": admin.set(database=name).render_as_string(False),
            "meili_index": f"{settings.meili_index}_restored",
        }
    )
    restored = run_cli(target, "restore", str(folder))
    assert restored.returncode == 0, restored.stderr
    assert "indexed 3 quotes" in restored.stdout
    assert contents(target.database_url) == before
    index = SearchIndex(target.meili_url, target.meili_master_key, target.meili_index)
    documents = {int(d["id"]): d for d in index.documents()}
    assert documents[quote_id]["speaker"] == "Tomas Brek"  # the correction, indexed
    assert run_cli(target, "check").returncode == 0
    assert run_cli(target, "keys", "list").stdout.count("onr_") == 1

    # over a changed, non-empty database with --force: back to the backup exactly
    assert run_cli(target, "articles", "delete", "1").returncode == 0
    forced = run_cli(target, "restore", str(folder), "--force")
    assert forced.returncode == 0, forced.stderr
    assert contents(target.database_url) == before
    assert run_cli(target, "check").returncode == 0

    (folder / "database.dump").write_bytes(b"PGDMP not this one")
    broken = run_cli(target, "restore", str(folder), "--force")
    assert broken.returncode == 1 and "checksum" in broken.stderr
    assert contents(target.database_url) == before
    assert API_KEY not in made.stdout + restored.stdout + forced.stdout
