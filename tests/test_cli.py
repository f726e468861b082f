"""The `onrecord` command, run as a process against real PostgreSQL and Meilisearch."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from sqlalchemy import create_engine, text

from db.search_index import SearchIndex
from indexer.extract.rules import all_rules
from tests.conftest import REPO, cli_env, run_cli, write_index

SAMPLES = REPO / "samples" / "articles"


def test_ingest_samples_then_again_is_unchanged(settings) -> None:
    first = run_cli(settings, "ingest", str(SAMPLES))
    assert first.returncode == 0, first.stderr
    assert "5 new, 0 updated, 0 unchanged, 0 refused" in first.stdout
    again = run_cli(settings, "ingest", str(SAMPLES))
    assert "0 new, 0 updated, 5 unchanged, 0 refused" in again.stdout
    check = run_cli(settings, "check")
    assert check.returncode == 0 and "no drift" in check.stdout


def test_bad_files_are_refused_by_name_and_the_rest_goes_in(settings, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text('Headline\n"It works," said Ada Byron.')
    (tmp_path / "binary.txt").write_bytes(b"\0\1\2\3")
    (tmp_path / "batch.jsonl").write_text(
        '{"title": "T", "text": "\\"Yes,\\" said Bo Ek."}\n{oops\n'
    )
    result = run_cli(settings, "ingest", str(tmp_path), "--outlet", "Test Wire")
    assert result.returncode == 1
    assert "binary.txt: binary file" in result.stderr
    assert "batch.jsonl:2: not valid JSON" in result.stderr
    assert "2 new, 0 updated, 0 unchanged, 2 refused" in result.stdout
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        outlets = set(conn.scalars(text("SELECT outlet FROM article")))
    engine.dispose()
    assert outlets == {"Test Wire"}


def test_stdin_and_overrides(settings) -> None:
    article = 'Harbour closes\n"We are full," said harbour master Ivo Rask on Friday.\n'
    result = run_cli(
        settings,
        "ingest",
        "-",
        "--format",
        "txt",
        "--date",
        "2024-03-06",
        "--title",
        "Override",
        "--wait",
        stdin=article,
    )
    assert result.returncode == 0, result.stderr
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    [doc] = index.index.get_documents({"limit": 5}).results
    assert doc.article_title == "Override" and doc.said_on == "2024-03-01"


def test_bad_option_values_are_explained(settings) -> None:
    result = run_cli(settings, "ingest", str(SAMPLES), "--date", "23/04/2022")
    assert result.returncode == 1 and "--date must be YYYY-MM-DD" in result.stderr
    result = run_cli(settings, "ingest", str(SAMPLES), "--url", "https://x.org")
    assert result.returncode == 1 and "single article" in result.stderr


def test_index_down_then_sync(settings) -> None:
    env = cli_env(settings) | {"ONRECORD_MEILI_URL": "http://127.0.0.1:9"}
    result = run_cli(settings, "ingest", str(SAMPLES / "river-flood.txt"), env=env)
    assert result.returncode == 0, result.stderr
    assert "wait for the search index" in result.stdout
    assert run_cli(settings, "check").returncode == 1
    synced = run_cli(settings, "sync")
    assert synced.returncode == 0 and "nothing waiting" in synced.stdout
    assert run_cli(settings, "check").returncode == 0


def outbox_rows(settings) -> list[list[int] | None]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = list(conn.scalars(text("SELECT task_uids FROM index_outbox ORDER BY id")))
    engine.dispose()
    return rows


def test_ingest_returns_once_sent_and_a_later_drain_confirms(settings) -> None:
    """By default ingest sends its last quotes and returns: they are searchable moments later,
    their events wait holding the task, and `sync` confirms them. `--wait` confirms first."""
    sent = run_cli(settings, "ingest", str(SAMPLES / "river-flood.txt"))
    assert sent.returncode == 0, sent.stderr
    assert "sent to the search index (searchable in moments)" in sent.stdout
    waiting = outbox_rows(settings)
    assert waiting and all(uids for uids in waiting)  # sent, not yet confirmed
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    index.wait(waiting[0][0])
    assert len(list(index.documents())) == len(waiting)
    synced = run_cli(settings, "sync")
    assert synced.returncode == 0 and "nothing waiting" in synced.stdout
    assert outbox_rows(settings) == []
    confirmed = run_cli(settings, "ingest", str(SAMPLES / "wire.jsonl"), "--wait")
    assert confirmed.returncode == 0 and "all searchable" in confirmed.stdout
    assert outbox_rows(settings) == []


def test_check_repair_puts_the_index_back_in_step(settings) -> None:
    assert run_cli(settings, "ingest", str(SAMPLES / "wire.jsonl"), "--wait").returncode == 0
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    ids = sorted(int(doc["id"]) for doc in index.documents())
    write_index(index, [{"id": 424242, "text": "ghost", "type": "direct"}], ids[:2])
    check = run_cli(settings, "check")
    assert check.returncode == 1
    assert "missing from the index: 2" in check.stdout
    assert "in the index but not in PostgreSQL: 1" in check.stdout
    repaired = run_cli(settings, "check", "--repair")
    assert repaired.returncode == 0 and "repaired: no drift" in repaired.stdout
    assert sorted(int(doc["id"]) for doc in index.documents()) == ids


def test_articles_delete(settings) -> None:
    assert run_cli(settings, "ingest", str(SAMPLES / "river-flood.txt"), "--wait").returncode == 0
    index = SearchIndex(settings.meili_url, settings.meili_master_key, settings.meili_index)
    assert list(index.documents())
    [article_id] = {int(doc["article_id"]) for doc in index.documents()}
    deleted = run_cli(settings, "articles", "delete", str(article_id))
    assert deleted.returncode == 0 and f"deleted article {article_id}" in deleted.stdout
    assert list(index.documents()) == []
    again = run_cli(settings, "articles", "delete", str(article_id))
    assert again.returncode == 1 and f"no article {article_id}" in again.stderr
    assert run_cli(settings, "check").returncode == 0


def test_keys_create_list_revoke(settings) -> None:
    created = run_cli(settings, "keys", "create", "cms", "--scope", "write", "--scope", "read")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    assert secret.startswith("onr_") and len(secret) > 40
    listed = run_cli(settings, "keys", "list")
    prefix = secret[:12]
    assert prefix in listed.stdout and "read,write" in listed.stdout
    assert secret not in listed.stdout
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:  # only the digest is stored
        stored = list(conn.scalars(text("SELECT secret_hash FROM api_key")))
    engine.dispose()
    assert secret not in stored and len(stored) == 1
    revoked = run_cli(settings, "keys", "revoke", prefix)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    assert prefix not in run_cli(settings, "keys", "list").stdout
    assert prefix in run_cli(settings, "keys", "list", "--all").stdout
    assert run_cli(settings, "keys", "revoke", "onr_nothere").returncode == 1


def test_reindex(settings) -> None:
    run_cli(settings, "ingest", str(SAMPLES / "wire.jsonl"))
    result = run_cli(settings, "reindex")
    assert result.returncode == 0 and "reindexed" in result.stdout
    assert run_cli(settings, "check").returncode == 0


def test_unmigrated_database_is_refused(settings, service_urls) -> None:
    cluster = service_urls["cluster"]
    if cluster is None:
        import pytest

        pytest.skip("needs the private test cluster to create an empty database")
    cluster.create_database("empty_for_cli_test")
    env = cli_env(settings) | {"ONRECORD_DATABASE_URL": cluster.url("empty_for_cli_test")}
    result = run_cli(settings, "ingest", str(SAMPLES), env=env)
    assert result.returncode == 1
    assert "onrecord db upgrade" in result.stderr


def test_extract_prints_eval_records_with_file_offsets(settings) -> None:
    result = run_cli(settings, "extract", str(SAMPLES / "harbor-bridge.txt"))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    file_text = (SAMPLES / "harbor-bridge.txt").read_text(encoding="utf-8")
    assert {r["doc"] for r in records} == {"harbor-bridge"}
    first = records[0]
    assert file_text[first["start"] : first["end"]].startswith('"This bridge')
    assert file_text[first["speaker_start"] : first["speaker_end"]] == "Mayor Elena Marsh"
    assert {"doc", "start", "end", "speaker", "speaker_start", "speaker_end", "type"} <= set(first)
    assert first["rule"] in all_rules()  # what the attribution rests on, for calibration
    # each quoted part inside its marks, in file offsets, and the words as cited
    assert [file_text[a:b] for a, b in first["parts"]] == [
        "This bridge will connect two halves of a city that have been apart for far too long,"
    ]
    assert first["cited"].startswith("This bridge will") and first["cited"].endswith("too long.")


def test_missing_meilisearch_binary_is_explained(settings, tmp_path: Path) -> None:
    env = cli_env(settings)
    env.pop("ONRECORD_MEILI_URL")
    env["MEILI_BIN"] = str(tmp_path / "nope")
    result = run_cli(settings, "check", env=env)
    assert result.returncode == 1 and "MEILI_BIN" in result.stderr


def test_speakers_list_and_merge(settings) -> None:
    text = (
        '{"title": "A", "text": "\\"We sail at dawn,\\" said captain Ivo Rask."}\n'
        '{"title": "B", "text": "\\"The port is shut,\\" said harbour master Ivan Raskov."}\n'
    )
    assert run_cli(settings, "ingest", "-", "--format", "jsonl", stdin=text).returncode == 0
    listed = run_cli(settings, "speakers", "list", "ras")
    assert "Ivo Rask" in listed.stdout and "Ivan Raskov" in listed.stdout
    merged = run_cli(settings, "speakers", "merge", "ivo-rask", "Ivan Raskov", "-r", "one captain")
    assert merged.returncode == 0, merged.stderr
    assert "merged Ivan Raskov into Ivo Rask: 1 quotes moved" in merged.stdout
    after = run_cli(settings, "speakers", "list", "ras").stdout
    assert "ivan-raskov" not in after
    missing = run_cli(settings, "speakers", "merge", "ivo-rask", "nobody", "-r", "x")
    assert missing.returncode == 1 and "no speaker 'nobody'" in missing.stderr
    assert run_cli(settings, "check").returncode == 0


def test_version_and_help_that_lists_choices(settings) -> None:
    version = run_cli(settings, "--version")
    assert version.returncode == 0 and version.stdout.startswith("onrecord ")
    help_text = run_cli(settings, "extract", "--help", env={**cli_env(settings), "COLUMNS": "200"})
    assert "[jsonl|table]" in help_text.stdout or "<jsonl|table>" in help_text.stdout
    wrong = run_cli(settings, "extract", "-", "--format", "csv", stdin="")
    assert wrong.returncode == 2 and "csv" in wrong.stderr


def test_a_busy_port_is_one_readable_line(settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(settings, "serve", "--port", str(port))
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: port {port} is in use: pick another with --port"


def test_export_eval_offsets_are_the_files_as_extract_gives_them(settings, tmp_path) -> None:
    article = tmp_path / "harbour-news_2024-03-06_port-reopens.txt"
    article.write_text(
        "  Port reopens after the storm  \n"  # a headline with spaces: offsets still hold
        '"The port is open again," harbour master Ivo Rask said on Monday.\n'
        '"We lost two days," Rask said.\n',
        encoding="utf-8",
    )
    assert run_cli(settings, "ingest", str(article), "--meta-from-name").returncode == 0
    out = tmp_path / "export.jsonl"
    assert run_cli(settings, "export", "--format", "eval", "--out", str(out)).returncode == 0
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    extracted = [
        json.loads(line) for line in run_cli(settings, "extract", str(article)).stdout.splitlines()
    ]
    key = ("doc", "start", "end", "speaker_start", "speaker_end", "type")
    assert [tuple(e[k] for k in key) for e in exported] == [
        tuple(e[k] for k in key) for e in extracted
    ]
    assert {e["doc"] for e in exported} == {"harbour-news_2024-03-06_port-reopens"}
    assert len({e["speaker_id"] for e in exported}) == 1
    assert {e["speaker"] for e in exported} == {"Ivo Rask"}
    stdout = run_cli(settings, "export").stdout  # eval is the default, to stdout
    assert [json.loads(line) for line in stdout.splitlines()] == exported
    assert run_cli(settings, "export", "--format", "csv").returncode == 1


def test_extract_reads_stdin_in_the_format_it_is_told(settings) -> None:
    story = 'Ferry resumes\n"We sail at noon," skipper Ola Brun said.\n'
    told = run_cli(settings, "extract", "-", "--input-format", "txt", stdin=story)
    assert told.returncode == 0, told.stderr
    assert [json.loads(line)["speaker"] for line in told.stdout.splitlines()] == ["Ola Brun"]
    untold = run_cli(settings, "extract", "-", stdin=story)
    assert untold.returncode == 1 and "--input-format" in untold.stderr
