"""Backups of PostgreSQL (the source of truth) that restore: `pg_dump` custom format plus a
manifest, and a restore that refuses to overwrite data unless told to.

The index is not backed up: it is rebuilt from PostgreSQL after a restore. The dump and the
manifest's row counts come from one exported snapshot, so they agree even while writers run.
`pg_dump`/`pg_restore` are the server's own major version where installed (found like
`initdb`), and the password reaches them in a private passfile (0600), never on a command
line or in the environment of other processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL

DUMP_FILE = "database.dump"
MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 1


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    onrecord_version: str
    server_version: str
    pg_dump_version: str
    alembic_revision: str | None
    counts: dict[str, int]
    dump_bytes: int
    dump_sha256: str

    def as_json(self) -> dict[str, Any]:
        return {
            "format": MANIFEST_FORMAT,
            "created_at": self.created_at,
            "onrecord_version": self.onrecord_version,
            "postgres": {"server": self.server_version, "pg_dump": self.pg_dump_version},
            "alembic_revision": self.alembic_revision,
            "counts": self.counts,
            "dump": {"file": DUMP_FILE, "bytes": self.dump_bytes, "sha256": self.dump_sha256},
        }

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            data = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
            if data.get("format") != MANIFEST_FORMAT:
                raise BackupError(f"{folder}: manifest format {data.get('format')} is unknown")
            return cls(
                created_at=data["created_at"],
                onrecord_version=data["onrecord_version"],
                server_version=data["postgres"]["server"],
                pg_dump_version=data["postgres"]["pg_dump"],
                alembic_revision=data["alembic_revision"],
                counts={str(k): int(v) for k, v in data["counts"].items()},
                dump_bytes=int(data["dump"]["bytes"]),
                dump_sha256=str(data["dump"]["sha256"]),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BackupError(
                f"{folder} holds no readable OnRecord backup manifest: {exc}"
            ) from exc


def backup(engine: Engine, folder: Path, onrecord_version: str) -> Manifest:
    """Dump the database into `folder` (new or empty) with its manifest."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} exists and is not an empty folder: pick a new path")
    folder.mkdir(parents=True, exist_ok=True)
    dump = folder / DUMP_FILE
    with engine.connect() as conn:
        major, server = _server_version(conn)
    pg_dump = find_pg_tool("pg_dump", major)
    snapshot_conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with snapshot_conn as conn, conn.begin():  # the dump and the counts see one snapshot
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = table_counts(conn)
        revision = _revision(conn)
        _run_tool(
            engine.url,
            [str(pg_dump), "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
        )
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        onrecord_version=onrecord_version,
        server_version=server,
        pg_dump_version=tool_version(pg_dump),
        alembic_revision=revision,
        counts=counts,
        dump_bytes=dump.stat().st_size,
        dump_sha256=_sha256(dump),
    )
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest.as_json(), indent=2) + "\n")
    return manifest


def restore(engine: Engine, folder: Path, known_revisions: set[str], force: bool) -> Manifest:
    """Restore the backup in `folder` into the database, in one transaction.

    Refused when the dump does not match its manifest, when it was made by a newer schema
    than this code knows, or (without `force`) when the database holds any rows. Afterwards
    the row counts must equal the manifest's.
    """
    manifest = Manifest.read(folder)
    dump = folder / DUMP_FILE
    if not dump.is_file() or _sha256(dump) != manifest.dump_sha256:
        raise BackupError(f"{dump} is missing or does not match its manifest's checksum")
    if manifest.alembic_revision and manifest.alembic_revision not in known_revisions:
        raise BackupError(
            f"the backup's schema revision {manifest.alembic_revision} is newer than this "
            "OnRecord: restore it with the version that made it"
        )
    with engine.connect() as conn:
        major, _ = _server_version(conn)
        rows = sum(table_counts(conn).values())
    if rows and not force:
        raise BackupError(
            f"the database is not empty ({rows} rows): restoring would replace them; "
            "add --force to do so"
        )
    pg_restore = find_pg_tool("pg_restore", major)
    if _major(tool_version(pg_restore)) < _major(manifest.pg_dump_version):
        raise BackupError(
            f"{pg_restore} is older than the pg_dump {manifest.pg_dump_version} that made the "
            "backup: install a newer PostgreSQL client"
        )
    engine.dispose()  # no pooled connection of ours holds a lock on what is dropped
    _run_tool(
        engine.url,
        [
            str(pg_restore),
            *("--clean", "--if-exists", "--no-owner", "--no-privileges"),
            *("--single-transaction", "--exit-on-error", f"--dbname={engine.url.database}"),
            str(dump),
        ],
    )
    with engine.connect() as conn:
        restored = table_counts(conn)
    if restored != manifest.counts:
        raise BackupError(f"restored row counts {restored} differ from the manifest's")
    return manifest


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows in every table of the schema but Alembic's own."""
    names = conn.execute(
        text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'alembic_version' ORDER BY tablename"
        )
    ).scalars()
    quoted = {name: '"' + name.replace('"', '""') + '"' for name in names}
    return {
        name: int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
        for name, table in quoted.items()
    }


def find_pg_tool(name: str, server_major: int) -> Path:
    """The client tool of the server's major version (Debian keeps one per version), else
    the newest found that is at least as new; never an older one (pg_dump refuses that)."""
    exact = Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    if exact.is_file():
        return exact
    found = [Path(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))]
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    usable = [p for p in found if _major(tool_version(p)) >= server_major]
    if usable:
        return max(usable, key=lambda p: _major(tool_version(p)))
    raise BackupError(
        f"no `{name}` of PostgreSQL {server_major} or newer was found: install the client "
        f"(Debian: `apt-get install postgresql-client-{server_major}`)"
    )


def tool_version(tool: Path) -> str:
    result = subprocess.run([str(tool), "--version"], capture_output=True, text=True, check=True)
    match = re.search(r"(\d+(?:\.\d+)*)", result.stdout)
    return match.group(1) if match else "0"


def _major(version: str) -> int:
    return int(version.split(".")[0])


def _server_version(conn: Connection) -> tuple[int, str]:
    number = int(conn.execute(text("SHOW server_version_num")).scalar_one())
    return number // 10000, str(conn.execute(text("SHOW server_version")).scalar_one())


def _revision(conn: Connection) -> str | None:
    exists = conn.execute(text("SELECT to_regclass('public.alembic_version')")).scalar_one()
    if exists is None:
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run_tool(url: URL, command: list[str]) -> None:
    with _connection_env(url) as env:
        result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.returncode}")


@contextmanager
def _connection_env(url: URL) -> Iterator[dict[str, str]]:
    """libpq's environment for `url`: host, port, user and database as variables, the
    password in a passfile only this user can read, removed afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    host = url.host or url.query.get("host")
    for variable, value in (
        ("PGHOST", host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGDATABASE", url.database),
        ("PGSSLMODE", url.query.get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    with tempfile.TemporaryDirectory(prefix="onrecord-pg-") as private:  # 0700
        if url.password:
            passfile = Path(private) / "pgpass"
            secret = str(url.password).replace("\\", "\\\\").replace(":", "\\:")
            fd = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(f"*:*:*:*:{secret}\n")
            env["PGPASSFILE"] = str(passfile)
        yield env
