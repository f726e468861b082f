"""Private PostgreSQL and Meilisearch for a zero-configuration start.

When ``ONRECORD_DATABASE_URL`` / ``ONRECORD_MEILI_URL`` are unset, OnRecord runs its own
PostgreSQL cluster (initdb + pg_ctl) and Meilisearch process under ``$ONRECORD_HOME`` and
reuses them on later runs. The same code starts the throwaway services of the test suite.

Starting them is an explicit step (`start_private_services`, run by the composition root and
`onrecord services start`), never a side effect of reading settings.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.settings import ResolvedSettings, Settings

DATABASE_NAME = "onrecord"


class ServiceError(RuntimeError):
    """A private service could not be found or started; the message says what to do."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- PostgreSQL -------------------------------------------------------------------------


def find_pg_bin(name: str) -> Path:
    """Find a PostgreSQL server binary on PATH or in Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return Path(found)
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    candidates += sorted(Path("/usr/local/pgsql/bin").glob(name))
    if candidates:
        return candidates[0]
    raise ServiceError(
        f"PostgreSQL's `{name}` was not found, so OnRecord cannot start its own database. "
        "Install the PostgreSQL server (Debian/Ubuntu: `apt-get install postgresql`; "
        "macOS: `brew install postgresql`) or set ONRECORD_DATABASE_URL to an existing one, "
        "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/onrecord"
    )


def _run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a server tool; as root, drop to the owner of the data directory (initdb refuses root)."""
    preexec = None
    if os.geteuid() == 0:
        uid, gid = _service_user()

        def preexec() -> None:
            os.setgid(gid)
            os.setuid(uid)

    return subprocess.run(cmd, text=True, capture_output=True, preexec_fn=preexec, **kwargs)


def _service_user() -> tuple[int, int]:
    import pwd

    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise ServiceError("running as root and no `postgres` or `nobody` user to run PostgreSQL as")


def _write_owner_only(path: Path, secret: str) -> None:
    """A secret file readable by its owner alone (the service user when running as root)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    if os.geteuid() == 0:
        os.chown(path, *_service_user())


def _chown_for_service(path: Path) -> None:
    if os.geteuid() == 0:
        uid, gid = _service_user()
        for parent in [path, *path.parents]:
            if parent == Path("/") or parent.stat().st_uid == uid:
                continue
            mode = parent.stat().st_mode
            if parent == path:
                os.chown(parent, uid, gid)
            elif not mode & 0o001:
                os.chmod(parent, mode | 0o001)  # let the service user traverse


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster in ``root`` listening on 127.0.0.1 and a socket in ``root``.

    Every connection, TCP or socket, needs the password generated at creation and kept in
    ``root/password`` (owner-only): trusting local connections would make every local user a
    superuser. ``root`` itself is owner-only too. Durable unless told otherwise: a user's
    archive must survive a power cut. Throwaway clusters (tests, benchmarks) pass
    ``durable=False`` to skip fsync.
    """

    root: Path
    durable: bool = True

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def port_file(self) -> Path:
        return self.root / "port"

    @property
    def port(self) -> int | None:
        return int(self.port_file.read_text()) if self.port_file.exists() else None

    @property
    def password_file(self) -> Path:
        return self.root / "password"

    def password(self) -> str:
        return self.password_file.read_text().strip()

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql+psycopg://postgres:{self.password()}@127.0.0.1:{self.port}/{database}"

    def running(self) -> bool:
        """Whether the postmaster named in `postmaster.pid` is alive: what `pg_ctl status`
        checks, without starting a process on every command."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return False
        return _pid_alive(pid)

    def start(self) -> str:
        """Create the cluster on first use, start it unless running, return its URL."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.root = self.root.resolve()
        self.root.chmod(0o700)  # the socket lives here: only the owner may reach it
        _chown_for_service(self.root)
        if not self.password_file.exists():
            _write_owner_only(self.password_file, secrets.token_urlsafe(32))
        if not (self.data / "PG_VERSION").exists():
            result = _run(
                [
                    str(find_pg_bin("initdb")),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=scram-sha-256",
                    f"--pwfile={self.password_file}",
                    "--encoding=UTF8",
                    "--locale=C",
                    *([] if self.durable else ["--no-sync"]),
                ]
            )
            if result.returncode:
                raise ServiceError(f"initdb failed in {self.data}:\n{result.stderr.strip()}")
        if not self.running():
            port = self.port if self.port and not _port_open(self.port) else free_port()
            self.port_file.write_text(str(port))
            options = f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1"
            if not self.durable:
                options += " -c fsync=off"
            result = _run(
                [
                    str(find_pg_bin("pg_ctl")),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.root / "postgres.log"),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                ]
            )
            if result.returncode:
                log = self.root / "postgres.log"
                tail = log.read_text()[-2000:] if log.exists() else result.stderr
                raise ServiceError(f"PostgreSQL did not start in {self.data}:\n{tail}")
        if self._trusts_local_connections():
            self._require_password()
        self.create_database(DATABASE_NAME)
        return self.url()

    def _trusts_local_connections(self) -> bool:
        """True for a cluster made before passwords were required (pg_hba.conf says trust)."""
        rules = (self.data / "pg_hba.conf").read_text().splitlines()
        return any(r.split()[-1:] == ["trust"] for r in rules if not r.startswith("#"))

    def _require_password(self) -> None:
        """Secure a cluster made when local connections were trusted: set the password,
        then let pg_hba.conf ask every connection for it."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute("SET password_encryption = 'scram-sha-256'")
            conn.execute(
                sql.SQL("ALTER ROLE postgres PASSWORD {}").format(sql.Literal(self.password()))
            )
        hba = self.data / "pg_hba.conf"
        hba.write_text(
            "# OnRecord: every connection needs the password in ../password\n"
            "local all all scram-sha-256\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
            "host all all ::1/128 scram-sha-256\n"
        )
        _run([str(find_pg_bin("pg_ctl")), "-D", str(self.data), "reload"])

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            password=self.password(),
            dbname="postgres",
            autocommit=True,
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')

    def stop(self) -> bool:
        if not self.running():
            return False
        _run([str(find_pg_bin("pg_ctl")), "-D", str(self.data), "-m", "fast", "-w", "stop"])
        return True


# --- Meilisearch ------------------------------------------------------------------------


def find_meili_bin(settings: Settings) -> Path:
    """MEILI_BIN, else the copy the setup script put beside the Python executable, else PATH."""
    if settings.meili_bin:
        binary = Path(settings.meili_bin)
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
        raise ServiceError(f"MEILI_BIN={settings.meili_bin} is not an executable file.")
    candidates = [Path(sys.executable).parent / "meilisearch"]
    on_path = shutil.which("meilisearch")
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ServiceError(
        "The Meilisearch server binary was not found, so OnRecord cannot start its own search "
        "index. Run `scripts/setup.sh` (it installs Meilisearch 1.21 into .venv/bin), point "
        "MEILI_BIN at a meilisearch binary, or set ONRECORD_MEILI_URL (and "
        "ONRECORD_MEILI_MASTER_KEY) to a running Meilisearch."
    )


def meili_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class MeiliProcess:
    """A Meilisearch process with its data, master key and pid under ``root``."""

    root: Path
    binary: Path | None = None

    @property
    def state_file(self) -> Path:
        return self.root / "state.json"

    def state(self) -> dict[str, Any]:
        if self.state_file.exists():
            return json.loads(self.state_file.read_text())
        return {}

    def url(self) -> str:
        return f"http://127.0.0.1:{self.state()['port']}"

    def master_key(self) -> str:
        return self.state()["master_key"]

    def running(self) -> bool:
        state = self.state()
        return _pid_alive(state.get("pid")) and meili_healthy(f"http://127.0.0.1:{state['port']}")

    def start(self, timeout: float = 60) -> tuple[str, str]:
        """Start unless running; return (url, master key)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.root = self.root.resolve()
        state = self.state()
        if self.running():
            return self.url(), state["master_key"]
        if self.binary is None:
            raise ServiceError("no Meilisearch binary given")
        key = state.get("master_key") or secrets.token_urlsafe(32)
        port = state.get("port") if state.get("port") and not _port_open(state["port"]) else None
        port = port or free_port()
        log = open(self.root / "meilisearch.log", "ab")  # noqa: SIM115 - handed to the child
        process = subprocess.Popen(
            [
                str(self.binary),
                "--db-path",
                str(self.root / "data.ms"),
                "--dump-dir",
                str(self.root / "dumps"),
                "--http-addr",
                f"127.0.0.1:{port}",
                "--no-analytics",
                "--env",
                "development",
                "--max-indexing-threads",
                "2",
            ],
            stdout=log,
            stderr=log,
            start_new_session=True,
            cwd=self.root,
            # by environment: a command line is visible to every local user (`ps`)
            env={**os.environ, "MEILI_MASTER_KEY": key},
        )
        log.close()
        self.state_file.write_text(
            json.dumps({"pid": process.pid, "port": port, "master_key": key})
        )
        self.state_file.chmod(0o600)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = (self.root / "meilisearch.log").read_text(errors="replace")[-2000:]
                raise ServiceError(f"Meilisearch exited at start:\n{tail}")
            if meili_healthy(f"http://127.0.0.1:{port}"):
                return f"http://127.0.0.1:{port}", key
            time.sleep(0.1)
        raise ServiceError(f"Meilisearch did not answer on port {port} within {timeout:.0f}s")

    def stop(self) -> bool:
        pid = self.state().get("pid")
        if pid is None or not _pid_alive(pid):
            return False
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not _pid_alive(pid):
                break
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.05)
        return True


# --- Starting what the settings leave unset --------------------------------------------------


def private_postgres(settings: Settings) -> PostgresCluster:
    return PostgresCluster(settings.home / "postgres")


def private_meili(settings: Settings) -> MeiliProcess:
    return MeiliProcess(settings.home / "meilisearch")


def start_private_services(settings: Settings) -> ResolvedSettings:
    """Start (or find running) the private PostgreSQL and Meilisearch for whichever URL is
    unset, and return the settings with both URLs."""
    updates: dict[str, object] = {}
    if not settings.database_url:
        updates["database_url"] = private_postgres(settings).start()
    if not settings.meili_url:
        meili = private_meili(settings)
        if not meili.running():
            meili.binary = find_meili_bin(settings)
        url, key = meili.start()
        updates.update(meili_url=url, meili_master_key=key)
    return ResolvedSettings.of(settings, **updates)
